"""The NaN-ignoring reductions: np.nanmean, np.nanvar, np.nanstd, np.nanmax, np.nanmin,
np.nanprod, np.nancumsum and np.nancumprod (np.nansum is in sums.py).

Each is its plain function over the elements that are not NaN, so its derivative is the
plain one computed on the operand with the NaNs replaced by the element that leaves the
result alone (0 in a sum, 1 in a product, -inf in a maximum), masked to 0 at the NaNs,
and with the count of the elements that are not NaN (`n`, per slice) where the plain one
has the slice length. A slice of NaNs only (a NaN result, which NumPy warns of) has a
derivative 0.
"""
import dataclasses

import gast
import numpy as np

from ..runtime import cumprod_adjoint, cumprod_tangent, first_max, first_min, prod_others
from ..syntax.simplify import binop
from ..syntax.template import const
from .base import Add, Custom, register
from .cumulative import (_CUMULATIVE, _cumsum_adjoint, _cumsum_tangent, _cumulative_kind,
                         _scalar_cumulative_tangent)
from .literals import literal
from .reducing import (checked, expand, reduction_axis, reduction_keywords, reduction_kind,
                       summed, with_axis)
from .variance import _VARIANCE, _ddof, _variance_kind

_REDUCTION = ("a", "axis", "dtype", "out", "keepdims")


def _masked(site, value):
    """`value` with 0 where the operand is NaN."""
    return site.fill("np.where(np.isnan(a), 0.0, v)", v=value)


def _filled(site, text):
    """The operand with its NaNs replaced by `text` (an expression)."""
    return site.fill(f"np.where(np.isnan(a), {text}, a)")


def _count(site, keepdims):
    """The number of elements that are not NaN in each reduced slice, at least 1 (a slice
    of NaNs has a derivative 0, not 0 / 0); with `keepdims`, shaped to broadcast
    against the operand."""
    call = site.fill("np.sum(np.logical_not(np.isnan(a)))")
    call.keywords = reduction_keywords(site, vector=False)
    if keepdims and reduction_axis(site.consts) is not None \
            and not site.consts.get("keepdims"):
        call.keywords.append(gast.keyword(arg="keepdims", value=const(True)))
    return site.fill("np.maximum(n, 1)", n=call)


# ---------------------------------------------------------------- nanmean

def _nanmean_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(_masked(site, site.g))}
    return {0: Add(_masked(site, binop(expand(site, site.g), gast.Div(), _count(site, True))))}


def _nanmean_tangent(site):
    if site.kinds[0].is_scalar:
        return _masked(site, site.dots[0])
    return binop(summed(site, _masked(site, site.dots[0])), gast.Div(), _count(site, False))


register(Custom("np.nanmean", checked(reduction_kind, _REDUCTION), _nanmean_adjoint,
                _nanmean_tangent, names=_REDUCTION,
                doc="1 / n at each element that is not NaN (n: their count in the slice), 0 "
                    "at NaNs"), np.nanmean)


# ---------------------------------------------------------------- nanvar, nanstd

def _deviation(site):
    """Each element's deviation from the mean of its slice's numbers, 0 at NaNs."""
    axis = reduction_axis(site.consts)
    mean = site.fill("np.nanmean(a)")
    if axis is not None:
        mean.keywords = [gast.keyword(arg="axis", value=literal(axis)),
                         gast.keyword(arg="keepdims", value=const(True))]
    return _masked(site, site.fill("a - m", m=mean))


def _divisor(site, keepdims):
    """The count of numbers less `ddof`, per slice."""
    ddof = _ddof(site.consts)
    count = _count(site, keepdims)
    return count if ddof == 0 else binop(count, gast.Sub(), const(ddof))


def _std(site, keepdims):
    """The std, infinite where the slice's numbers are all equal or there are none (its
    derivative is 0 there, where the std has a kink, never 0 / 0); `np.fmax.reduce`
    skips NaNs without the warning of `np.nanmax` on a slice of NaNs."""
    out = expand(site, site.out) if keepdims else site.out
    spread = site.fill("np.fmax.reduce(a) > np.fmin.reduce(a)")
    for call in (spread.left, spread.comparators[0]):
        call.keywords = _axis_keywords(site, keepdims)
    return site.fill("np.where(p, out, np.inf)", p=spread, out=out)


def _axis_keywords(site, keepdims):
    """`axis=` (all axes for None, which ufunc reductions need spelled) and `keepdims=`."""
    axis = reduction_axis(site.consts)
    keywords = [gast.keyword(arg="axis", value=literal(axis))]
    if site.consts.get("keepdims") or (keepdims and axis is not None):
        keywords.append(gast.keyword(arg="keepdims", value=const(True)))
    return keywords


def _nanvar_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = site.fill("2 * g / n", g=expand(site, site.g), n=_divisor(site, True))
    return {0: Add(binop(_deviation(site), gast.Mult(), scale))}


def _nanvar_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return site.fill("2 * s / n", s=summed(site, binop(site.dots[0], gast.Mult(),
                                                       _deviation(site))),
                     n=_divisor(site, False))


def _nanstd_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = site.fill("g / (n * s)", g=expand(site, site.g), n=_divisor(site, True),
                      s=_std(site, True))
    return {0: Add(binop(_deviation(site), gast.Mult(), scale))}


def _nanstd_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return site.fill("t / (n * s)", t=summed(site, binop(site.dots[0], gast.Mult(),
                                                         _deviation(site))),
                     n=_divisor(site, False), s=_std(site, False))


register(Custom("np.nanvar", checked(_variance_kind, _VARIANCE), _nanvar_adjoint,
                _nanvar_tangent, names=_VARIANCE,
                doc="`2 * (a - nanmean) / (n - ddof)` at the numbers (n: their count in the "
                    "slice), 0 at NaNs"), np.nanvar)
register(Custom("np.nanstd", checked(_variance_kind, _VARIANCE), _nanstd_adjoint,
                _nanstd_tangent, names=_VARIANCE,
                doc="`(a - nanmean) / ((n - ddof) * out)` at the numbers, 0 at NaNs; 0 on a "
                    "slice whose numbers are all equal (the std's kink), never NaN"),
         np.nanstd)


# ---------------------------------------------------------------- nanmax, nanmin, nanprod

def _through(helper, fill):
    """The derivative `helper(a with NaNs replaced by fill, axis)` times `g` (adjoint)
    or the tangent (summed), masked at NaNs."""
    def mask(site):
        return _masked(site, with_axis(site, helper, _filled(site, fill)))

    def adjoint(site):
        if site.kinds[0].is_scalar:
            return {0: Add(_masked(site, site.g))}
        return {0: Add(binop(expand(site, site.g), gast.Mult(), mask(site)))}

    def tangent(site):
        if site.kinds[0].is_scalar:
            return _masked(site, site.dots[0])
        return summed(site, binop(site.dots[0], gast.Mult(), mask(site)))
    return adjoint, tangent


for _fn, _helper, _fill, _doc in (
        (np.nanmax, first_max, "-np.inf", "1 at the first maximal number of each reduced "
         "slice (the one `np.nanargmax` picks), 0 elsewhere and at NaNs: ties are not split"),
        (np.nanmin, first_min, "np.inf", "1 at the first minimal number of each reduced "
         "slice (the one `np.nanargmin` picks), 0 elsewhere and at NaNs: ties are not split"),
        (np.nanprod, prod_others, "1.0", "the product of the other numbers (NaNs count as "
         "1), computed without dividing by the element; 0 at NaNs")):
    _adjoint, _tangent = _through(_helper, _fill)
    register(Custom(f"np.{_fn.__name__}", checked(reduction_kind, _REDUCTION), _adjoint,
                    _tangent, names=_REDUCTION, doc=_doc), _fn)


# ---------------------------------------------------------------- nancumsum, nancumprod

def _nancumsum_adjoint(site):
    contribution = _cumsum_adjoint(site)[0]
    return {0: Add(_masked(site, contribution.value), reduce=contribution.reduce)}


def _nancumsum_tangent(site):
    dots = list(site.dots)
    dots[0] = _masked(site, site.dots[0])
    return _cumsum_tangent(_with(site, dots=dots))


def _nancumprod_adjoint(site):
    kind = site.kinds[0]
    value = with_axis(site, cumprod_adjoint, site.g, _filled(site, "1.0"))
    if kind.is_scalar:
        value = site.g
    return {0: Add(_masked(site, value), reduce=not kind.is_array)}


def _nancumprod_tangent(site):
    if site.kinds[0].is_scalar:
        return _scalar_cumulative_tangent(_with(site, dots=[_masked(site, site.dots[0])]))
    return with_axis(site, cumprod_tangent, _masked(site, site.dots[0]), _filled(site, "1.0"))


def _with(site, **changes):
    return dataclasses.replace(site, **changes)


register(Custom("np.nancumsum", checked(_cumulative_kind, _CUMULATIVE), _nancumsum_adjoint,
                _nancumsum_tangent, names=_CUMULATIVE,
                doc="the reversed cumulative sum of the result's adjoint, 0 at NaNs (they "
                    "count as 0)"), np.nancumsum)
register(Custom("np.nancumprod", checked(_cumulative_kind, _CUMULATIVE), _nancumprod_adjoint,
                _nancumprod_tangent, names=_CUMULATIVE,
                doc="`np.cumprod`'s (division-free) with NaNs counted as 1, 0 at NaNs"),
         np.nancumprod)
