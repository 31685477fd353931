"""np.quantile, np.percentile and np.median (method 'linear', the default), and their
NaN-ignoring forms (np.nanquantile, np.nanpercentile, np.nanmedian): each result
is a blend of the two sorted values around `q * (n - 1)`, so its derivative goes to those
two elements of each slice, with the blend's weights (`runtime_quantiles`). Ties take
the order np.argsort(kind="stable") gives (docs/rules.md). `q` is not differentiated: a
`q` that depends on the differentiated input is refused.
"""
import numbers

import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime_quantiles import quantile_adjoint, quantile_tangent
from ..syntax.template import const
from .base import REQUIRED, Add, Custom, register
from .literals import literal

_QUANTILE = ("a", "q", "axis", "out", "overwrite_input", "method", "keepdims")
_MEDIAN = ("a", "axis", "out", "overwrite_input", "keepdims")
# `q` is read where it stands (`site.args[1]`): passed by keyword, it is moved there
_Q = (("a", REQUIRED), ("q", REQUIRED))


def _checked(consts, names):
    for name in names[1:]:
        if name in consts.get("computed", ()) and name != "q":
            raise UnsupportedError(f"a computed `{name}`: it must be known when the "
                                   "derivative is generated; pass a constant.")
    if consts.get("out") is not None:
        raise UnsupportedError("`out=` has no derivative rule; use the result.")
    if consts.get("method", "linear") != "linear":
        raise UnsupportedError("quantiles are differentiated with method='linear' (the "
                               "default) only.")
    axis = consts.get("axis")
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, int)):
        raise UnsupportedError("`axis` of a quantile must be a constant int or None (a "
                               "tuple of axes has no derivative rule: move them together "
                               "and reshape first).")
    return axis


def _q_ndim(kind, consts):
    q = consts.get("q")
    if isinstance(q, numbers.Real) or kind.is_scalar:
        return 0
    if isinstance(q, tuple):
        return 1
    return kind.ndim if kind.is_array else None


def _kind(names):
    def kind(arg_kinds, consts):
        axis = _checked(consts, names)
        a = arg_kinds[0]
        q_ndim = _q_ndim(arg_kinds[1], consts) if names is _QUANTILE else 0
        if a.is_scalar:
            raise UnsupportedError("a quantile of a number: pass an array.")
        if not a.is_array or a.ndim is None or q_ndim is None:
            return K.array(None)
        if consts.get("keepdims"):
            return K.array(q_ndim + a.ndim)
        rest = 0 if axis is None else a.ndim - 1
        return K.SCALAR if q_ndim + rest == 0 else K.array(q_ndim + rest)
    return kind


def _q(site, fraction):
    """`q` as a fraction: np.percentile's divided by 100, np.median's 0.5."""
    if fraction == "median":
        return const(0.5)
    q = site.args[1]
    return site.fill("np.asarray(q) / 100", q=q) if fraction == "percent" else q


def _tail(site, nans):
    axis = site.consts.get("axis")
    tail = (literal(axis), const(bool(site.consts.get("keepdims"))))
    return tail + (const(True),) if nans else tail


def _rule(fraction, nans=False):
    def adjoint(site):
        return {0: Add(site.helper(quantile_adjoint, site.g, site.args[0], _q(site, fraction),
                                   *_tail(site, nans)))}

    def tangent(site):
        return site.helper(quantile_tangent, site.args[0], site.dots[0], _q(site, fraction),
                           *_tail(site, nans))
    return adjoint, tangent


_DOC = ("to the two elements of each slice around the quantile's place `q * (n - 1)`, "
        "weighted as the blend (method 'linear'); at ties, the order np.argsort(kind="
        "\"stable\") gives; `axis` an int or None")
register(Custom("np.quantile", _kind(_QUANTILE), *_rule("fraction"), names=_QUANTILE,
                signature=_Q, doc=_DOC), np.quantile)
register(Custom("np.percentile", _kind(_QUANTILE), *_rule("percent"), names=_QUANTILE,
                signature=_Q, doc=_DOC + "; q in percent"), np.percentile)
register(Custom("np.median", _kind(_MEDIAN), *_rule("median"), names=_MEDIAN,
                doc="the middle element of each sorted slice, or half to each of the two "
                    "middle ones; at ties, the order np.argsort(kind=\"stable\") gives; "
                    "`axis` an int or None"), np.median)
_NAN_DOC = "; over the numbers of each slice, 0 at NaNs"
register(Custom("np.nanquantile", _kind(_QUANTILE), *_rule("fraction", True), names=_QUANTILE,
                signature=_Q, doc=_DOC + _NAN_DOC), np.nanquantile)
register(Custom("np.nanpercentile", _kind(_QUANTILE), *_rule("percent", True),
                names=_QUANTILE, signature=_Q, doc=_DOC + "; q in percent" + _NAN_DOC), np.nanpercentile)
register(Custom("np.nanmedian", _kind(_MEDIAN), *_rule("median", True), names=_MEDIAN,
                doc="np.median's" + _NAN_DOC), np.nanmedian)
