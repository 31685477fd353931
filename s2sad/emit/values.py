"""What the emitters know of the values in the code they write.

An adjoint or tangent may be updated in place only if it is an array of its own, not a
view of another; an element saved for the backward sweep needs a copy only if it is not
one number.
"""
import gast

from .. import ir
from ..analysis.infer import kind_of
from ..ir import kinds as K

# NumPy functions whose result may share memory with an argument: their result is not an
# array the adjoint may update in place.
_VIEWS = {"expand_dims", "broadcast_to", "reshape", "transpose", "squeeze", "swapaxes",
          "ravel", "asarray"}


def new_array(value, handles):
    """Whether `value` is certainly a new array the adjoint may update in place."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, gast.Call):
        if getattr(value, "fresh", False):
            return True  # a rule's helper that makes its result (rules.Site.helper)
        func = value.func
        if isinstance(func, gast.Name):
            return func.id != handles["unbroadcast"] and func.id in handles.values()
        return isinstance(func, gast.Attribute) and func.attr not in _VIEWS
    return False


def element_is_scalar(statement, kinds):
    """Whether `y[index]` of an element write is one number (saved without a copy)."""
    kind = kinds[statement.target.name]
    parts = statement.index if isinstance(statement.index, tuple) else (statement.index,)
    return kind.ndim is not None and len(parts) == kind.ndim and all(
        kind_of(p, kinds) == K.INT if not isinstance(p, ir.Const)
        else type(p.value) is int for p in parts)