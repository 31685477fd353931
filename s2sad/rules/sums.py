"""Sums, means and products along axes: np.sum, np.mean, np.nansum, np.prod and the methods
`x.sum()`, `x.mean()`, `x.prod()`.

Sums and means are linear: the adjoint spreads `g` over the reduced axes, the tangent is
the same reduction of the tangent. A product's derivative is the product of the other
elements (`runtime.prod_others`), computed without dividing by the element.
"""
import dataclasses

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..runtime import prod_others
from ..syntax.simplify import binop
from ..syntax.template import const
from .base import TABLE, Add, Custom, register
from .reducing import (checked, expand, nonempty_count, reduction_axis, reduction_keywords,
                       reduction_kind, summed, with_axis)


def _whole(site):
    """Whether the reduction leaves one number: no axis, or the only axis of a vector."""
    axis = reduction_axis(site.consts)
    kind = site.kinds[0]
    return not site.consts.get("keepdims") and (
        axis is None or kind.is_array and kind.ndim == 1 and type(axis) is int and
        axis in (0, -1))


def _spread(site, value):
    """`value` (shaped like the reduced result) broadcast back to the operand's shape."""
    axis = reduction_axis(site.consts)
    if _whole(site):
        return site.fill("np.full_like(t, v)", v=value, t=site.template(0))
    if not site.consts.get("keepdims"):
        value = site.fill("np.expand_dims(v, axis)", v=value, axis=const(axis))
    return site.fill("v * np.ones_like(t)", v=value, t=site.template(0))


def _sum_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: _spread_add(site, site.g)}


def _spread_add(site, value):
    """The contribution of a reduction's adjoint: for a reduction to one number, that
    number, left narrow (the emitter widens it to the operand's shape only where an
    operation needs the array)."""
    if _whole(site):
        return Add(value, narrow=True)
    return Add(_spread(site, value))


def _mean_adjoint(site):
    if isinstance(reduction_axis(site.consts), tuple):
        raise UnsupportedError("`np.mean` over a tuple of axes has no derivative rule yet.")
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: _spread_add(site, site.fill("g / n", n=nonempty_count(site)))}


def _reduction_tangent(function):
    """Sums and means are linear: the tangent is the same reduction of the tangent, over
    axes moved one place right in vector mode (the direction axis is not reduced). A
    mean's is the sum divided by the count, so that an empty slice's is 0, not NaN."""
    def tangent(site):
        dot = site.dots[0]
        if site.kinds[0].is_scalar:
            return dot
        call = site.fill("np.sum(d)", d=dot)
        call.keywords = reduction_keywords(site, site.vector)
        if function == "mean":
            return binop(call, gast.Div(), nonempty_count(site))
        return call
    return tangent


_REDUCTION = ("a", "axis", "dtype", "out", "keepdims")
register(Custom("np.sum", reduction_kind, _sum_adjoint, _reduction_tangent("sum"),
                names=_REDUCTION, doc="the adjoint spreads over the summed axes"), np.sum)
register(Custom("np.mean", reduction_kind, _mean_adjoint, _reduction_tangent("mean"),
                names=_REDUCTION, doc="the adjoint spreads over the averaged axes, divided "
                                      "by their length; over no element (a NaN mean) the "
                                      "gradient is empty and the tangent 0"), np.mean)


def _prod_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: Add(binop(expand(site, site.g), gast.Mult(),
                         with_axis(site, prod_others, site.args[0])))}


def _prod_tangent(site):
    if site.kinds[0].is_scalar:
        return site.dots[0]
    return summed(site, binop(site.dots[0], gast.Mult(),
                              with_axis(site, prod_others, site.args[0])))


PROD = Custom(
    "np.prod", checked(reduction_kind, _REDUCTION), _prod_adjoint, _prod_tangent,
    names=_REDUCTION,
    doc="the product of the other elements, computed without dividing by the element "
        "(exact where the input has one zero or several)")
register(PROD, np.prod, ir.Method("prod"))


def _nansum_adjoint(site):
    return {0: Add(site.fill("np.where(np.isnan(a), 0.0, v)", v=expand(site, site.g)))}


def _nansum_tangent(site):
    value = site.fill("np.where(np.isnan(a), 0.0, d)", d=site.dots[0])
    return value if site.kinds[0].is_scalar else summed(site, value)


register(Custom("np.nansum", checked(reduction_kind, _REDUCTION), _nansum_adjoint,
                _nansum_tangent, names=_REDUCTION,
                doc="1 at each element that is not NaN, 0 at NaNs (they count as 0)"),
         np.nansum)


# the methods `x.sum(...)` and `x.mean(...)` take the functions' rules, with the check
# that their positional arguments are constants
for _fn, _method in ((np.sum, "sum"), (np.mean, "mean")):
    _rule = TABLE[_fn]
    register(dataclasses.replace(_rule, kind_of=checked(_rule.kind_of, _rule.names)),
             ir.Method(_method))
