"""Axis permutations: np.transpose (with `x.transpose()` and `x.T`), np.swapaxes and
np.moveaxis. The adjoint permutes the axes back; the tangent permutes its tangent's axes,
after the direction axis in vector mode.
"""
import numpy as np

from .. import ir
from ..ir import kinds as K
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, rank, register
from .literals import constant, literal
from .structural import as_method, known_rank, same_rank


def _transpose_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim is not None and kind.ndim > 1:
        return K.array(kind.ndim)
    return kind


def _reversed_axes(ndim):
    """The permutation `np.transpose(d)` applies to a vector-mode tangent's value axes."""
    return (0,) + tuple(range(ndim, 0, -1))


def _transpose_axes(site):
    """The permutation of `np.transpose(a, axes)`, `a.transpose(*axes)` or
    `a.transpose(axes)`; None for the default (reverse all axes)."""
    if "axes" in site.consts or len(site.args) < 2:
        axes = site.consts.get("axes")
    elif len(site.args) == 2:
        axes = constant(site, "axes", 1)
    else:
        axes = tuple(constant(site, "axes", i) for i in range(1, len(site.args)))
    if axes is None:
        return None
    axes = int_or_tuple(axes, "axes")
    return axes if isinstance(axes, tuple) else (axes,)


def _inverse_permutation(axes, kind):
    if any(a < 0 for a in axes):
        axes = normalized(axes, known_rank(kind, "a transpose with negative axes"))
    return tuple(int(i) for i in np.argsort(axes))


def _transpose_adjoint(site):
    axes = _transpose_axes(site)
    if axes is None:
        return {0: Add(site.fill("np.transpose(g)"))}
    inverse = _inverse_permutation(axes, site.kinds[0])
    return {0: Add(site.fill("np.transpose(g, p)", p=literal(inverse)))}


def _transpose_tangent(site):
    dot, axes = site.dots[0], _transpose_axes(site)
    if not site.vector:
        if axes is None:
            return site.fill("np.transpose(d)", d=dot)
        return site.fill("np.transpose(d, p)", d=dot, p=literal(axes))
    if axes is None:
        ndim = rank(site.kinds[0])
        if ndim <= 1:
            return dot
        return site.fill("np.transpose(d, p)", d=dot, p=literal(_reversed_axes(ndim)))
    return site.fill("np.transpose(d, p)", d=dot, p=literal((0,) + shift(axes)))


TRANSPOSE = Custom("np.transpose", _transpose_kind, _transpose_adjoint, _transpose_tangent,
                   names=("a", "axes"), doc="the adjoint is permuted back")
register(TRANSPOSE, np.transpose)
register(Custom(".transpose()", _transpose_kind, _transpose_adjoint, _transpose_tangent,
                names=("a",), doc=TRANSPOSE.doc), ir.Method("transpose"))


def _dot_transpose_tangent(site):
    dot = site.dots[0]
    if not site.vector:
        return site.fill("d.T", d=dot)
    ndim = rank(site.kinds[0])
    if ndim <= 1:
        return dot
    if ndim == 2:
        return site.fill("np.swapaxes(d, 1, 2)", d=dot)
    return site.fill("np.transpose(d, axes)", d=dot, axes=literal(_reversed_axes(ndim)))


register(Custom(".T", _transpose_kind, lambda site: {0: Add(site.fill("g.T"))},
                _dot_transpose_tangent, doc="the adjoint is transposed back"), ir.Attr("T"))


def _swapaxes_pair(site):
    return tuple(int_or_tuple(constant(site, name, i), name)
                 for i, name in ((1, "axis1"), (2, "axis2")))


def _swapaxes_adjoint(site):
    i, j = _swapaxes_pair(site)
    return {0: Add(site.fill("np.swapaxes(g, i, j)", i=literal(i), j=literal(j)))}


def _swapaxes_tangent(site):
    i, j = _swapaxes_pair(site)
    if site.vector:
        i, j = shift(i), shift(j)
    return site.fill("np.swapaxes(d, i, j)", d=site.dots[0], i=literal(i), j=literal(j))


SWAPAXES = Custom("np.swapaxes", same_rank, _swapaxes_adjoint, _swapaxes_tangent,
                  names=("a", "axis1", "axis2"), doc="the adjoint swaps the axes back")
register(SWAPAXES, np.swapaxes)
register(as_method(SWAPAXES, "swapaxes", SWAPAXES.names), ir.Method("swapaxes"))


def _moveaxis_pair(site):
    return tuple(int_or_tuple(constant(site, name, i), name)
                 for i, name in ((1, "source"), (2, "destination")))


def _moveaxis_order(source, destination, ndim):
    """The permutation `np.transpose` applies for `np.moveaxis(a, source, destination)`."""
    source = normalized(source if isinstance(source, tuple) else (source,), ndim)
    destination = normalized(destination if isinstance(destination, tuple)
                             else (destination,), ndim)
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tuple(order)


def _moveaxis_adjoint(site):
    source, destination = _moveaxis_pair(site)
    kind = site.kinds[0]
    if kind.is_array and kind.ndim is not None:
        # the inverse move as a permutation: np.transpose gives a view that the adjoint
        # emitter knows not to update in place
        inverse = np.argsort(_moveaxis_order(source, destination, kind.ndim))
        return {0: Add(site.fill("np.transpose(g, p)", p=literal(tuple(map(int, inverse)))))}
    return {0: Add(site.fill("np.moveaxis(g, d, s)", s=literal(source), d=literal(destination)))}


def _moveaxis_tangent(site):
    source, destination = _moveaxis_pair(site)
    if site.vector:
        source, destination = shift(source), shift(destination)
    return site.fill("np.moveaxis(t, s, d)", t=site.dots[0], s=literal(source),
                     d=literal(destination))


register(Custom("np.moveaxis", same_rank, _moveaxis_adjoint, _moveaxis_tangent,
                names=("a", "source", "destination"),
                doc="the adjoint moves the axes back"), np.moveaxis)
