"""Casts (`x.astype(...)`) and array constructors.

A cast to a float dtype passes the derivative on; a cast to an integer or boolean dtype
has derivative zero. Constructors mostly make values that depend on no argument's value
(`np.zeros(n)`, `np.eye(n)`), but a fill value (`np.full(n, x)`), the ends of
`np.linspace` and the start and step of `np.arange` carry derivatives.
"""
import builtins
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, NonDifferentiable, register, total
from .literals import MISSING, evaluate
from .structural import call

# ---------------------------------------------------------------- casts


def dtype_class(value):
    """"float" for a floating dtype, "discrete" for an integer or boolean one, None when
    not known until run time."""
    if value is MISSING or isinstance(value, (ir.Var, tuple)):
        return None
    try:
        dtype = np.dtype(value)
    except TypeError:
        return None
    if dtype.kind == "f":
        return "float"
    if dtype.kind in "iub":
        return "discrete"
    raise UnsupportedError(f"a conversion to dtype {dtype} has no derivative rule; convert "
                           "to a float dtype")


def dtype_keyword(consts, function):
    """The class of the `dtype=` of a constructor: "float" also when not given."""
    if "dtype" in consts.get("computed", ()):
        raise UnsupportedError(f"a computed `dtype=` in `{function}`; convert the result "
                               "afterwards with `.astype(...)`")
    dtype = consts.get("dtype")
    return "float" if dtype is None else dtype_class(dtype) or "float"


# dtype names a cast may be written with (`x.astype(float)`, `x.astype(np.float32)`)
_BUILTIN_TYPES = {"float": float, "int": int, "bool": bool, "complex": complex}


def _written_dtype(node):
    """The dtype a global dtype expression names, from how it is written; MISSING
    when it is not one of NumPy's or Python's type names."""
    if isinstance(node, gast.Name) and node.id in _BUILTIN_TYPES:
        return _BUILTIN_TYPES[node.id]
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
            and node.attr in np.sctypeDict and isinstance(getattr(np, node.attr, None), type):
        return np.sctypeDict[node.attr]
    return MISSING


def _astype_dtype(site):
    if "dtype" in site.consts:
        return site.consts["dtype"]
    if len(site.args) < 2:
        return MISSING
    value = evaluate(site.args[1])
    return _written_dtype(site.args[1]) if value is MISSING else value


def _astype_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_scalar and dtype_class(consts.get("dtype", MISSING)) == "discrete":
        return K.INT
    return kind


_FLOAT_RESULT = "np.issubdtype(out.dtype, np.floating)"


def _astype_adjoint(site):
    target = dtype_class(_astype_dtype(site))
    if target == "discrete":
        return {}
    scalar = site.kinds[0].is_scalar
    back = site.g if scalar else site.fill("g.astype(a.dtype)")
    if target == "float":
        return {0: Add(back)}
    zero = "0.0" if scalar else "np.zeros_like(a)"
    return {0: Add(site.fill(f"b if {_FLOAT_RESULT} else {zero}", b=back))}


def _astype_tangent(site):
    target = dtype_class(_astype_dtype(site))
    if target == "discrete":
        return None
    dtype = site.args[1] if len(site.args) > 1 else site.fill("out.dtype")
    cast = site.fill("d.astype(t)", d=site.dots[0], t=dtype)
    if target == "float":
        return cast
    return site.fill(f"c if {_FLOAT_RESULT} else np.zeros_like(d, dtype=out.dtype)",
                     c=site.fill("d.astype(out.dtype)", d=site.dots[0]), d=site.dots[0])


register(Custom(".astype()", _astype_kind, _astype_adjoint, _astype_tangent,
                names=("a", "dtype", "order", "casting", "subok", "copy"),
                doc="a cast to a float dtype passes the derivative on (cast back to the "
                    "operand's dtype in the adjoint); a cast to an integer or boolean "
                    "dtype has derivative zero"),
         ir.Method("astype"))


# ---------------------------------------------------------------- constructors


class Shape(NonDifferentiable):
    def out_kind(self, arg_kinds, consts):
        return K.shape_of(arg_kinds[0])


register(Shape(".shape"), ir.Attr("shape"), np.shape)
register(NonDifferentiable(".dtype"), ir.Attr("dtype"))
register(NonDifferentiable("size", K.INT), ir.Attr("ndim"), ir.Attr("size"), np.ndim, np.size,
         builtins.len)


def _constructed_kind(arg_kinds, consts, ndim=None, like=False):
    """The kind of a new array: rank `ndim` if fixed, else from the shape argument (an
    integer or a tuple), or for `like` constructors the first argument's own kind."""
    first = arg_kinds[0] if arg_kinds else K.UNKNOWN
    if like:
        if "shape" in consts:
            shape = consts["shape"]
            return K.array(len(shape) if isinstance(shape, tuple) else 1)
        return K.Kind("array", first.ndim, first.shape) if first.is_array \
            else K.SCALAR if first.is_scalar else K.UNKNOWN
    if ndim is not None:
        return K.array(ndim)
    if first == K.INT:
        return K.array(1)
    if first.tag == "shape":
        return K.array(first.ndim)
    if consts.get("shape_rank") is not None:
        return K.array(consts["shape_rank"])
    shape = consts.get("shape")
    if isinstance(shape, tuple):
        return K.array(len(shape))
    if isinstance(shape, int):
        return K.array(1)
    return K.UNKNOWN


@dataclass(frozen=True)
class Constructor(NonDifferentiable):
    """`np.zeros(shape)` and friends: a new array whose values do not depend on any
    argument's value."""
    kind: object = None
    ndim: int = None
    like: bool = False
    # the parameters, so that a positional dtype is read too (`np.zeros(n, complex)`)
    names: tuple = ()

    def out_kind(self, arg_kinds, consts):
        return _constructed_kind(arg_kinds, consts, self.ndim, self.like)


for _name in ("zeros", "ones", "empty"):
    register(Constructor(f"np.{_name}", names=("shape", "dtype", "order", "device", "like")),
             getattr(np, _name))
for _name in ("zeros_like", "ones_like", "empty_like"):
    register(Constructor(f"np.{_name}", like=True,
                         names=("a", "dtype", "order", "subok", "shape", "device")),
             getattr(np, _name))
register(Constructor("np.eye", ndim=2,
                     names=("N", "M", "k", "dtype", "order", "device", "like")), np.eye)
register(Constructor("np.identity", ndim=2, names=("n", "dtype", "like")), np.identity)


def _filled_kind(like):
    def kind_of(arg_kinds, consts):
        dtype_keyword(consts, "np.full_like" if like else "np.full")
        if len(arg_kinds) > 1 and arg_kinds[1].is_array:
            return K.array(None) if like else _constructed_kind(arg_kinds, consts)
        return _constructed_kind(arg_kinds, consts, like=like)
    return kind_of


def _fill_adjoint(site):
    if dtype_keyword(site.consts, "np.full") == "discrete" or len(site.args) < 2:
        return {}
    return {1: Add(site.g, reduce=True)}


def _fill_tangent(site):
    """`np.full_like(out, d)`: the fill value's tangent everywhere, in the result's dtype."""
    if dtype_keyword(site.consts, "np.full") == "discrete" or site.dots[1] is None:
        return None
    if site.vector:
        return site.fill("d * np.ones_like(out)", d=site.aligned(1))
    return site.fill("np.full_like(out, d)", d=site.dots[1])


register(Custom("np.full", _filled_kind(False), _fill_adjoint, _fill_tangent,
                positions=(1,), names=("shape", "fill_value", "dtype", "order", "like"),
                constants=(0,),
                doc="the fill value's adjoint is the sum of the result's"), np.full)
register(Custom("np.full_like", _filled_kind(True), _fill_adjoint, _fill_tangent,
                positions=(1,), names=("a", "fill_value", "dtype", "order", "subok", "shape"),
                constants=(0,),
                doc="the fill value's adjoint is the sum of the result's (the first "
                    "argument's values do not matter; a float result is assumed)"),
         np.full_like)


def _linspace_kind(arg_kinds, consts):
    if consts.get("retstep"):
        raise UnsupportedError("`retstep=True` in np.linspace; compute the step as "
                               "`(stop - start) / (num - 1)` instead")
    dtype_keyword(consts, "np.linspace")
    if any(k.is_array or not k.known for k in arg_kinds[:2]):
        return K.array(None)
    return K.array(1)


def _scalar_ends(site):
    if any(k.is_array for k in site.kinds[:2]):
        raise UnsupportedError("np.linspace with array endpoints has no derivative rule; "
                               "use scalar start and stop")


def _linspace_adjoint(site):
    _scalar_ends(site)
    if dtype_keyword(site.consts, "np.linspace") == "discrete":
        return {}
    endpoint = site.consts.get("endpoint", True)
    keywords = "" if endpoint else ", endpoint=False"
    # out = start * (1 - t) + stop * t, t = np.linspace(0, 1, num): 1 - t runs from 1 to 0
    weights = ("np.linspace(1.0, 0.0, len(g)" + keywords + ")",
               "np.linspace(0.0, 1.0, len(g)" + keywords + ")")
    return {i: Add(site.fill(f"g @ {weights[i]}")) for i in (0, 1) if site.active[i]}


def _linspace_tangent(site):
    _scalar_ends(site)
    if dtype_keyword(site.consts, "np.linspace") == "discrete":
        return None
    ends = [const(0.0) if d is None else d for d in site.dots[:2]]
    num = site.args[2] if len(site.args) > 2 else site.fill("len(out)")
    keywords = []
    if not site.consts.get("endpoint", True):
        keywords.append(("endpoint", const(False)))
    if site.vector:
        keywords.append(("axis", const(1)))
    return call(site, "linspace", ends + [num], keywords)


register(Custom("np.linspace", _linspace_kind, _linspace_adjoint, _linspace_tangent,
                positions=(0, 1), names=("start", "stop", "num", "endpoint", "retstep",
                                         "dtype", "axis"), constants=(2,),
                doc="linear in start and stop (scalars); the number of points is fixed"),
         np.linspace)


@dataclass(frozen=True)
class Arange(Custom):
    """`np.arange(start, stop, step)` = start + step * [0, 1, ...]: differentiable in
    start and step; stop (and `np.arange(stop)`) only sets how many values there are."""

    def differentiable(self, position):
        return position in (0, 2)

    def constant(self, position, arg_kinds):
        return position == 1


def _arange_kind(arg_kinds, consts):
    dtype_keyword(consts, "np.arange")
    return K.array(1)


def _arange_parts(site):
    """Positions of start and step among the arguments (stop alone: none)."""
    count = len(site.args)
    if dtype_keyword(site.consts, "np.arange") == "discrete" or count < 2:
        return ()
    return (0, 2) if count > 2 else (0,)


def _arange_adjoint(site):
    contributions = {}
    for position in _arange_parts(site):
        if site.active[position]:
            template = "np.sum(g)" if position == 0 else "g @ np.arange(len(g))"
            contributions[position] = Add(site.fill(template))
    return contributions


def _arange_tangent(site):
    parts = [p for p in _arange_parts(site) if site.dots[p] is not None]
    if not parts:
        return None
    dots = {p: site.fill("d[:, None]", d=site.dots[p]) if site.vector else site.dots[p]
            for p in parts}
    if parts == [0]:
        if site.vector:
            return site.fill("d * np.ones_like(out)", d=dots[0])
        return site.fill("np.full_like(out, d)", d=dots[0])
    step = site.fill("d * np.arange(len(out))", d=dots[2])
    return total([dots[0], step] if 0 in parts else [step])


register(Arange("np.arange", _arange_kind, _arange_adjoint, _arange_tangent,
                names=("start", "stop", "step", "dtype", "like"),
                doc="start + step * [0, 1, ...]: derivatives in start and step; stop only "
                    "sets the length"), np.arange)
