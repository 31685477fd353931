"""Cumulative sums and products along one axis (np.cumsum, np.cumprod and their methods).
A cumulative sum's adjoint is the reversed cumulative sum of `g`; a cumulative product's
derivatives are division-free linear recurrences (`runtime.cumprod_adjoint`,
`runtime.cumprod_tangent`), exact with zeros in the input.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime import cumprod_adjoint, cumprod_tangent
from .axes import shift
from .base import Add, Custom, rank, register
from .literals import literal
from .reducing import checked, reduction_axis, with_axis


def _cumulative_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    axis = reduction_axis(consts)
    if isinstance(axis, tuple):
        raise UnsupportedError("a cumulative sum or product runs along one axis: pass an "
                               "int (or None for the flattened array), not a tuple.")
    if kind.is_scalar:
        return K.array(1)
    if not kind.is_array:
        return K.array(1) if axis is None and kind.known else K.UNKNOWN
    if axis is None and kind.ndim != 1:
        return K.array(1)
    return kind


def _flat(site):
    """Whether a cumulative operation flattens a multi-axis (or unknown-rank) operand."""
    kind = site.kinds[0]
    return reduction_axis(site.consts) is None and not (kind.is_array and kind.ndim == 1)


def _scalar_cumulative_tangent(site):
    """The tangent of `[a]` (a cumulative operation on a number)."""
    if site.vector:
        return site.fill("d[:, None]", d=site.dots[0])
    return site.fill("np.reshape(d, 1)", d=site.dots[0])


def _cumsum_adjoint(site):
    kind = site.kinds[0]
    if kind.is_scalar:
        return {0: Add(site.g, reduce=True)}
    axis = reduction_axis(site.consts)
    if axis is None:
        value = site.fill("np.flip(np.cumsum(np.flip(g)))")
        if _flat(site):
            value = site.fill("np.reshape(v, s)", v=value, s=site.fill(
                "a.shape" if kind.is_array else "np.shape(a)"))
    else:
        value = site.fill("np.flip(np.cumsum(np.flip(g, k), axis=k), k)", k=literal(axis))
    return {0: Add(value, reduce=not kind.is_array)}


def _cumsum_tangent(site):
    if site.kinds[0].is_scalar:
        return _scalar_cumulative_tangent(site)
    axis = reduction_axis(site.consts)
    dot = site.dots[0]
    if site.vector:
        if axis is None:
            if rank(site.kinds[0]) > 1:
                dot = site.fill("np.reshape(d, (len(d), -1))", d=dot)
            axis = 1
        else:
            axis = shift(axis)
    call = site.fill("np.cumsum(d)", d=dot)
    if axis is not None:
        call.keywords = [gast.keyword(arg="axis", value=literal(axis))]
    return call


def _cumprod_adjoint(site):
    kind = site.kinds[0]
    if kind.is_scalar:
        return {0: Add(site.g, reduce=True)}
    return {0: Add(with_axis(site, cumprod_adjoint, site.g, site.args[0]),
                   reduce=not kind.is_array)}


def _cumprod_tangent(site):
    if site.kinds[0].is_scalar:
        return _scalar_cumulative_tangent(site)
    return with_axis(site, cumprod_tangent, site.dots[0], site.args[0])


_CUMULATIVE = ("a", "axis", "dtype", "out")


register(Custom("np.cumsum", checked(_cumulative_kind, _CUMULATIVE), _cumsum_adjoint,
                _cumsum_tangent, names=_CUMULATIVE,
                doc="adjoint: the reversed cumulative sum of the result's adjoint"),
         np.cumsum, ir.Method("cumsum"))


register(Custom("np.cumprod", checked(_cumulative_kind, _CUMULATIVE), _cumprod_adjoint,
                _cumprod_tangent, names=_CUMULATIVE,
                doc="division-free (exact with zeros in the input): the products before and "
                    "after each element combined by a linear recurrence solved in log2(n) "
                    "vectorised steps, O(n log n)"),
         np.cumprod, ir.Method("cumprod"))
