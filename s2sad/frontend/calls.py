"""Calls to the user's own Python functions, which s2sad differentiates from their source."""
import types

from .. import ir, rules
from ..errors import UnsupportedError
from .read import library, signature


def is_user_function(prim):
    """A plain Python function of the user's with no rule of its own: differentiated from
    its source. A library's function without a rule is not: it is an error at the call."""
    return isinstance(prim, types.FunctionType) and rules.lookup(prim) is None \
        and library(prim) is None


def bound_arguments(op):
    """The call's arguments as atoms in the callee's parameter order, defaults filled in."""
    try:
        bound = signature(op.prim).bind(*op.args, **dict(op.kwargs))
    except TypeError as exc:
        raise UnsupportedError(f"the call `{op.callee}(...)` does not match its signature: "
                               f"{exc}.") from None
    bound.apply_defaults()
    return tuple(value if isinstance(value, (ir.Var, ir.Const, ir.Global, tuple))
                 else ir.Const(value) for value in bound.arguments.values())
