"""Reshapes: np.reshape, np.ravel, np.squeeze, np.expand_dims, np.atleast_1d/2d/3d,
np.broadcast_to and the methods `x.reshape()`, `x.ravel()`, `x.flatten()`, `x.squeeze()`:
the elements keep their
order, the shape changes. The adjoint is reshaped back to the operand's shape (summed
over the broadcast axes for np.broadcast_to).
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from .axes import int_or_tuple, shift
from .base import Add, Custom, register
from .literals import MISSING, constant, literal
from .structural import VARARGS, as_method, back_to, check_numeric, check_order, with_directions


# ---------------------------------------------------------------- reshape, ravel


def _shape_rank(arg_kinds, consts, name, first):
    """The rank of the shape given as `name` (by keyword) or as the positional arguments
    from `first` on (one tuple, one int, or several ints), None when not known."""
    value = consts.get(name, MISSING)
    if value is MISSING and first < len(arg_kinds) and f"*{first}" in consts:
        value = consts[f"*{first}"] if first + 1 == len(arg_kinds) else MISSING
    if isinstance(value, tuple):
        return len(value)
    if isinstance(value, int):
        return 1
    given = arg_kinds[first:]
    if len(given) > 1:
        return len(given) if all(k == K.INT for k in given) else None
    if len(given) == 1:
        if given[0] == K.INT:
            return 1
        if given[0].tag == "shape":
            return given[0].ndim
    return None


def _reshape_kind(first):
    def kind_of(arg_kinds, consts):
        check_order(consts)
        check_numeric(arg_kinds[0], "reshaping")
        ndim = _shape_rank(arg_kinds, consts, "shape", first)
        if ndim is None:
            return K.array(None)
        return K.array(ndim) if ndim else K.Kind("array", 0)
    return kind_of


def _reshape_adjoint(site):
    return {0: back_to(site, site.g)}


def _shape_argument(site):
    """The shape a reshape was given, as an expression (None: passed by keyword)."""
    given = site.args[1:]
    if len(given) > 1:
        return gast.Tuple(elts=list(given), ctx=gast.Load())
    if given:
        return given[0]
    return None


def _reshape_tangent(site):
    shape = _shape_argument(site)
    if site.vector:
        if shape is None or not (isinstance(shape, gast.Tuple)
                                 or site.kinds[1].tag in ("shape", "int")):
            shape = site.fill("out.shape")
        elif site.kinds[1] == K.INT and len(site.args) == 2:
            shape = gast.Tuple(elts=[shape], ctx=gast.Load())
        shape = with_directions(site, shape)
    elif shape is None:
        shape = site.fill("out.shape")
    return site.fill("np.reshape(d, s)", d=site.dots[0], s=shape)


_RESHAPE_DOC = "reshapes the adjoint back to the operand's shape (C order only)"
RESHAPE = Custom("np.reshape", _reshape_kind(1), _reshape_adjoint, _reshape_tangent,
                 names=("a", "shape", "order", "copy"), doc=_RESHAPE_DOC)
register(RESHAPE, np.reshape)
register(Custom(".reshape()", _reshape_kind(1), _reshape_adjoint, _reshape_tangent,
                names=("a",) + VARARGS + ("order", "copy"), doc=_RESHAPE_DOC),
         ir.Method("reshape"))


def _ravel_kind(arg_kinds, consts):
    check_order(consts)
    check_numeric(arg_kinds[0], "flattening")
    return K.array(1)


def _ravel_tangent(site):
    if site.vector:
        return site.fill("np.reshape(d, (len(d), -1))", d=site.dots[0])
    return site.fill("np.ravel(d)", d=site.dots[0])


RAVEL = Custom("np.ravel", _ravel_kind, _reshape_adjoint, _ravel_tangent,
               names=("a", "order"), doc=_RESHAPE_DOC)
register(RAVEL, np.ravel)
register(as_method(RAVEL, "ravel", ("a", "order")), ir.Method("ravel"))
register(as_method(RAVEL, "flatten", ("a", "order")), ir.Method("flatten"))


# ---------------------------------------------------------------- squeeze, expand_dims


def _count(axis):
    return len(axis) if isinstance(axis, tuple) else 1


def _squeeze_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "squeezing")
    if not kind.is_array:
        return kind if kind.is_scalar else K.UNKNOWN
    axis = consts.get("axis", MISSING if len(arg_kinds) > 1 else None)
    if axis is None or axis is MISSING or kind.ndim is None:
        # which axes have length one is known only at run time
        return K.array(None)
    return K.array(kind.ndim - _count(int_or_tuple(axis, "axis")))


def _squeeze_tangent(site):
    axis = constant(site, "axis", 1)
    dot = site.dots[0]
    if axis is None:
        if site.vector:
            return site.fill("np.reshape(d, s)", d=dot, s=with_directions(
                site, site.fill("np.shape(out)")))
        return site.fill("np.squeeze(d)", d=dot)
    axis = int_or_tuple(axis, "axis")
    return site.fill("np.squeeze(d, k)", d=dot, k=literal(shift(axis) if site.vector else axis))


SQUEEZE = Custom("np.squeeze", _squeeze_kind, _reshape_adjoint, _squeeze_tangent,
                 names=("a", "axis"), doc="the adjoint is reshaped to the operand's shape")
register(SQUEEZE, np.squeeze)
register(as_method(SQUEEZE, "squeeze", SQUEEZE.names), ir.Method("squeeze"))


def _expand_dims_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.expand_dims")
    if "axis" not in consts:
        return K.array(None) if kind.is_scalar or kind.ndim is not None else K.UNKNOWN
    added = _count(int_or_tuple(consts["axis"], "axis"))
    if kind.is_scalar:
        return K.array(added)
    if kind.ndim is None:
        return K.array(None)
    return K.array(kind.ndim + added)


def _expand_dims_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g, reduce=True)}
    axis = int_or_tuple(constant(site, "axis", 1), "axis")
    return {0: Add(site.fill("np.squeeze(g, k)", k=literal(axis)))}


def _expand_dims_tangent(site):
    axis = int_or_tuple(constant(site, "axis", 1), "axis")
    return site.fill("np.expand_dims(d, k)", d=site.dots[0],
                     k=literal(shift(axis) if site.vector else axis))


register(Custom("np.expand_dims", _expand_dims_kind, _expand_dims_adjoint,
                _expand_dims_tangent, names=("a", "axis"),
                doc="the adjoint drops the added axes"), np.expand_dims)


# ---------------------------------------------------------------- atleast_1d, 2d, 3d


def _atleast_kind(rank):
    def kind_of(arg_kinds, consts):
        if len(arg_kinds) != 1:
            raise UnsupportedError(f"`np.atleast_{rank}d` of several arrays (it returns a "
                                   f"list); call it once per array")
        kind = arg_kinds[0]
        check_numeric(kind, f"np.atleast_{rank}d")
        if kind.is_scalar:
            return K.array(rank)
        if not kind.is_array or kind.ndim is None:
            return K.array(None)
        return kind if kind.ndim >= rank else K.array(rank)
    return kind_of


def _atleast_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g, reduce=True)}
    return {0: back_to(site, site.g)}


def _atleast_tangent(site):
    shape = site.fill("out.shape")
    if site.vector:
        shape = with_directions(site, shape)
    return site.fill("np.reshape(d, s)", d=site.aligned(0) if site.vector else site.dots[0],
                     s=shape)


for _rank, _where in ((1, "none"), (2, "in front"), (3, "in front and, for a vector or matrix, "
                                                    "behind")):
    register(Custom(f"np.atleast_{_rank}d", _atleast_kind(_rank), _atleast_adjoint,
                    _atleast_tangent, names=("arys",),
                    doc=f"a reshape that adds axes of length one ({_where}); the adjoint is "
                        "reshaped back; of several arrays, one such operation per array "
                        "(unpacked, indexed or looped over)"), getattr(np, f"atleast_{_rank}d"))


# ---------------------------------------------------------------- broadcast_to


def _broadcast_to_kind(arg_kinds, consts):
    check_numeric(arg_kinds[0], "np.broadcast_to")
    ndim = _shape_rank(arg_kinds, consts, "shape", 1)
    if ndim is None:
        return K.array(None)
    return K.array(ndim) if ndim else K.Kind("array", 0)


def _broadcast_to_tangent(site):
    shape = site.args[1] if len(site.args) > 1 else site.fill("out.shape")
    if not site.vector:
        return site.fill("np.broadcast_to(d, s)", d=site.dots[0], s=shape)
    if len(site.args) < 2 or isinstance(shape, gast.Tuple) or site.kinds[1].tag == "shape":
        pass
    elif site.kinds[1] == K.INT:
        shape = gast.Tuple(elts=[shape], ctx=gast.Load())
    else:
        shape = site.fill("out.shape")
    return site.fill("np.broadcast_to(d, s)", d=site.aligned(0),
                     s=with_directions(site, shape))


register(Custom("np.broadcast_to", _broadcast_to_kind,
                lambda site: {0: Add(site.g, reduce=True)}, _broadcast_to_tangent,
                names=("array", "shape", "subok"),
                doc="the adjoint sums over the broadcast axes"), np.broadcast_to)
