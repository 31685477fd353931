"""np.var and np.std (and their methods): derivatives through each element's deviation
from its mean, divided by the count less `ddof`. The std's is 0 on a constant slice,
where the std has a kink, never 0 / 0.

Of a complex array both are real, mean(|a - mean|²) and its square root, and not
holomorphic: in autograd's convention (complexes.py) the adjoint takes the conjugate of
the deviation, `g * 2 conj(a - mean) / (n - ddof)`, and the tangent the real part,
`2 real(sum(conj(a - mean) a_dot)) / (n - ddof)`.
"""
from dataclasses import dataclass
import numbers

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..syntax.simplify import binop
from ..syntax.template import const
from .base import Add, Custom, register
from .literals import literal
from .reducing import (checked, expand, nonempty_count, reduced_count, reduction_axis,
                       reduction_keywords, reduction_kind, summed)


def _ddof(consts):
    ddof, correction = consts.get("ddof"), consts.get("correction")
    if ddof is not None and correction is not None:
        raise UnsupportedError("`ddof=` and `correction=` together (NumPy refuses them too); "
                               "pass one.")
    ddof = correction if ddof is None else ddof
    if ddof is None:
        return 0
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Real):
        raise UnsupportedError("`ddof` must be a constant number.")
    return ddof


def _variance_kind(arg_kinds, consts):
    _ddof(consts)
    return reduction_kind(arg_kinds, consts)


@dataclass(frozen=True)
class Spread(Custom):
    """A variance or standard deviation: real, also of complex values."""

    def complex_result(self, arg_kinds):
        return False


def _deviation(site):
    """`a - np.mean(a, axis, keepdims=True)`: each element's deviation from its mean;
    its conjugate for a complex `a`."""
    axis = reduction_axis(site.consts)
    if axis is None:
        deviation = site.fill("a - np.mean(a)")
    else:
        deviation = site.fill("a - np.mean(a, axis=k, keepdims=True)", k=literal(axis))
    return site.fill("np.conj(v)", v=deviation) if site.kinds[0].complex else deviation


def _summed_product(site):
    """The tangent's sum of `a_dot` times the deviation: its real part for complex `a`."""
    total = summed(site, binop(site.dots[0], gast.Mult(), _deviation(site)))
    return site.fill("np.real(s)", s=total) if site.kinds[0].complex else total


def _divisor(site):
    """The count minus `ddof`, as an expression; without `ddof`, `max(n, 1)`, which an
    empty slice needs (with `ddof`, n - ddof is not 0 at n == 0)."""
    ddof = _ddof(site.consts)
    if ddof == 0:
        return nonempty_count(site)
    return binop(reduced_count(site), gast.Sub(), const(ddof))


def _safe_out(site):
    """The std, with infinity where the slice is constant: the derivative divides by it,
    so it is 0 there (where the std has a kink), never 0/0. Testing the slice rather than
    the std itself also covers constants the mean does not reproduce exactly (a slice of
    0.1s has a std of about 1e-17 and deviations of rounding noise). An empty slice
    counts as constant (`np.ptp` of it raises): its tangent is 0, not 0 / NaN."""
    call = site.fill("np.ptp(a)")
    call.keywords = reduction_keywords(site, vector=False)
    return site.fill("np.where(n == 0 or p == 0, np.inf, out)", n=reduced_count(site),
                     p=call)


def _var_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = binop(site.g, gast.Mult(), binop(const(2), gast.Div(), _divisor(site)))
    return {0: Add(binop(_deviation(site), gast.Mult(), expand(site, scale)))}


def _var_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return binop(binop(const(2), gast.Div(), _divisor(site)), gast.Mult(),
                 _summed_product(site))


def _std_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = binop(site.g, gast.Div(), binop(_divisor(site), gast.Mult(), _safe_out(site)))
    return {0: Add(binop(_deviation(site), gast.Mult(), expand(site, scale)))}


def _std_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return binop(_summed_product(site), gast.Div(),
                 binop(_divisor(site), gast.Mult(), _safe_out(site)))


_VARIANCE = ("a", "axis", "dtype", "out", "ddof", "keepdims", "correction")


register(Spread("np.var", checked(_variance_kind, _VARIANCE), _var_adjoint, _var_tangent,
                names=_VARIANCE,
                doc="`2 * (a - mean) / (n - ddof)` along the reduced axes; `ddof=` or "
                    "`correction=` a constant; over no element (a NaN variance) the gradient "
                    "is empty and the tangent 0"), np.var, ir.Method("var"))


register(Spread("np.std", checked(_variance_kind, _VARIANCE), _std_adjoint, _std_tangent,
                names=_VARIANCE,
                doc="`(a - mean) / ((n - ddof) * out)`; 0 on a constant slice (where the std "
                    "has a kink: 0 is its smallest subgradient), never NaN; over no element "
                    "(a NaN std) the gradient is empty and the tangent 0"),
         np.std, ir.Method("std"))
