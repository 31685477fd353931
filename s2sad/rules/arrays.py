"""Array primitives whose adjoint is not elementwise: reductions, products, indexing.

Each adjoint picks its formula from the operands' ranks, known when the derivative is
generated; when a rank is unknown (no example arguments), a runtime helper that works
for every rank is called instead.
"""
import builtins
import operator
from dataclasses import dataclass

import numpy as np

from .. import ir
from .. import kinds as K
from ..errors import UnsupportedError
from ..template import const
from .base import Add, Custom, NonDifferentiable, Scatter, register


def _axis(consts):
    for name in ("dtype", "out"):
        if consts.get(name) is not None:
            raise UnsupportedError(f"`{name}=` in a reduction has no derivative rule; "
                                   "convert the result afterwards instead.")
    axis = consts.get("axis")
    if axis is not None and not isinstance(axis, (int, tuple)):
        raise UnsupportedError("`axis` must be a constant int or tuple of ints.")
    return axis


def _reduction_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    axis = _axis(consts)
    if not kind.is_array:
        return kind if kind.is_scalar else K.UNKNOWN
    if consts.get("keepdims"):
        return K.array(kind.ndim)
    if axis is None:
        return K.SCALAR
    if kind.ndim is None:
        return K.UNKNOWN
    removed = len(axis) if isinstance(axis, tuple) else 1
    return K.array(kind.ndim - removed)


def _spread(site, value):
    """`value` (shaped like the reduced result) broadcast back to the operand's shape."""
    axis = _axis(site.consts)
    if axis is None and not site.consts.get("keepdims"):
        return site.fill("np.full_like(a, v)", v=value)
    if not site.consts.get("keepdims"):
        value = site.fill("np.expand_dims(v, axis)", v=value, axis=const(axis))
    return site.fill("v * np.ones_like(a)", v=value)


def _sum_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: Add(_spread(site, site.g))}


def _mean_adjoint(site):
    axis = _axis(site.consts)
    if axis is None:
        count = site.fill("a.size")
    elif isinstance(axis, int):
        count = site.fill("a.shape[k]", k=const(axis))
    else:
        raise UnsupportedError("`np.mean` over a tuple of axes has no derivative rule yet.")
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: Add(_spread(site, site.fill("g / n", n=count)))}


_REDUCTION = ("a", "axis", "dtype", "out", "keepdims")
register(Custom("np.sum", _reduction_kind, _sum_adjoint, names=_REDUCTION), np.sum)
register(Custom("np.mean", _reduction_kind, _mean_adjoint, names=_REDUCTION), np.mean)


def _product_kind(arg_kinds, consts):
    a, b = arg_kinds
    if a.is_scalar or b.is_scalar:
        return K.broadcast(arg_kinds)
    if a.ndim is None or b.ndim is None:
        return K.UNKNOWN
    return K.array(max(a.ndim + b.ndim - 2, 0))


# (rank of a, rank of b) -> adjoint templates for a and b
_PRODUCT_ADJOINTS = {
    (1, 1): ("g * b", "g * a"),
    (2, 1): ("np.outer(g, b)", "g @ a"),
    (1, 2): ("b @ g", "np.outer(a, g)"),
    (2, 2): ("g @ b.T", "a.T @ g"),
}


_ANY_RANK = ("matmul_adjoint_a(g, a, b)", "matmul_adjoint_b(g, a, b)")


def _product_adjoint(site):
    a, b = site.kinds
    if a.is_scalar or b.is_scalar:
        templates = ("g * b", "g * a")
        reduce = (not K.same_shape(a, site.out_kind), not K.same_shape(b, site.out_kind))
    else:
        templates = _PRODUCT_ADJOINTS.get((a.ndim, b.ndim), _ANY_RANK)
        reduce = (False, False)
    return {i: Add(site.fill(templates[i]), reduce[i]) for i in (0, 1) if site.active[i]}


register(Custom("@", _product_kind, _product_adjoint, (0, 1)), operator.matmul, np.matmul)
register(Custom("np.dot", _product_kind, _product_adjoint, (0, 1)), np.dot)


def _index_parts(index):
    return index if isinstance(index, tuple) else (index,)


def _getitem_kind(arg_kinds, consts):
    kind, index = arg_kinds[0], consts["index"]
    if not kind.is_array:
        if kind.is_scalar:
            raise UnsupportedError("indexing a scalar value.")
        return K.INT if kind == K.OTHER and not isinstance(index, ir.Slice) else K.UNKNOWN
    if kind.ndim is None:
        return K.UNKNOWN
    ndim = kind.ndim
    for part in _index_parts(index):
        if isinstance(part, ir.Slice):
            continue
        if isinstance(part, ir.Const) and part.value is None:
            ndim += 1
        elif isinstance(part, ir.Const) and part.value is Ellipsis:
            continue
        elif part in consts["int_atoms"]:
            ndim -= 1
        else:
            return K.UNKNOWN
    return K.array(ndim)


def _getitem_adjoint(site):
    basic = site.consts["basic_index"]
    return {0: Scatter(site.args[1], site.g, basic)}


register(Custom("indexing", _getitem_kind, _getitem_adjoint), operator.getitem)


def _transpose_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim is not None and kind.ndim > 1:
        return K.array(kind.ndim)
    return kind


register(Custom(".T", _transpose_kind, lambda site: {0: Add(site.fill("g.T"))}), ir.Attr("T"))
register(Custom(".real", lambda kinds, consts: kinds[0], lambda site: {0: Add(site.g)}),
         ir.Attr("real"))

# values that carry no derivative
register(NonDifferentiable(".shape"), ir.Attr("shape"), np.shape)
register(NonDifferentiable(".dtype"), ir.Attr("dtype"))
register(NonDifferentiable("size", K.INT), ir.Attr("ndim"), ir.Attr("size"), np.ndim, np.size,
         builtins.len)


@dataclass(frozen=True)
class Constructor(NonDifferentiable):
    """`np.zeros(shape)` and friends: a new array whose rank the arguments give: `ndim`
    fixed (`np.eye`), or from the shape argument (an integer or a tuple), or, for `like`
    constructors, the argument's own kind."""
    kind: object = None
    ndim: int = None
    like: bool = False

    def out_kind(self, arg_kinds, consts):
        first = arg_kinds[0] if arg_kinds else K.UNKNOWN
        if self.like:
            return K.Kind("array", first.ndim, first.shape) if first.is_array \
                else K.SCALAR if first.is_scalar else K.UNKNOWN
        if self.ndim is not None:
            return K.array(self.ndim)
        if first == K.INT:
            return K.array(1)
        if consts.get("shape_rank") is not None:
            return K.array(consts["shape_rank"])
        return K.UNKNOWN


for _name in ("zeros", "ones", "empty", "full"):
    register(Constructor(f"np.{_name}"), getattr(np, _name))
for _name in ("zeros_like", "ones_like", "full_like", "empty_like"):
    register(Constructor(f"np.{_name}", like=True), getattr(np, _name))
for _name, _ndim in (("eye", 2), ("identity", 2), ("arange", 1), ("linspace", 1)):
    register(Constructor(f"np.{_name}", ndim=_ndim), getattr(np, _name))


def _identity_kind(arg_kinds, consts):
    return arg_kinds[0]


def _identity_adjoint(site):
    return {0: Add(site.g)}


register(Custom("copy", _identity_kind, _identity_adjoint), ir.COPY, ir.Method("copy"), np.copy)
