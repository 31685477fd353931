"""Extrema: np.max, np.min, np.ptp and their methods, whose derivative goes to the first
extremal element of each reduced slice (`runtime.first_max`, `runtime.first_min`: the one
np.argmax or np.argmin picks, ties not split), and np.argmax, np.argmin and their NaN
variants, integer indices without a derivative.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime import first_max, first_min
from ..syntax.simplify import binop
from .base import Add, Custom, NonDifferentiable, Scatter, register
from .reducing import (check_constants, checked, expand, reduction_axis, reduction_kind, summed,
                       with_axis)

# the parameters of each function here
_EXTREMUM = ("a", "axis", "out", "keepdims")


def _single_argext(site):
    """Whether the extremum is over the one axis of a vector (no keepdims): then the
    derivative indexes at `np.argmax` instead of masking."""
    kind = site.kinds[0]
    return kind.is_array and kind.ndim == 1 and not site.consts.get("keepdims") \
        and reduction_axis(site.consts) in (None, 0, -1, (0,), (-1,))


def _extremum(mask, arg):
    def adjoint(site):
        if site.kinds[0].is_scalar:
            return {0: Add(site.g)}
        if _single_argext(site):
            return {0: Scatter(site.fill(f"np.{arg}(a)"), site.g)}
        return {0: Add(binop(expand(site, site.g), gast.Mult(),
                             with_axis(site, mask, site.args[0])))}

    def tangent(site):
        if site.kinds[0].is_scalar:
            return site.dots[0]
        if _single_argext(site):
            index = site.fill(f"np.{arg}(a)")
            if site.vector:
                index = gast.Tuple(elts=[gast.Slice(None, None, None), index],
                                   ctx=gast.Load())
            return gast.Subscript(value=site.dots[0], slice=index, ctx=gast.Load())
        return summed(site, binop(site.dots[0], gast.Mult(),
                                  with_axis(site, mask, site.args[0])))
    return adjoint, tangent


def _ptp_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    g = expand(site, site.g)
    return {0: Add(binop(binop(g, gast.Mult(), with_axis(site, first_max, site.args[0])),
                         gast.Sub(),
                         binop(g, gast.Mult(), with_axis(site, first_min, site.args[0]))))}


def _ptp_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    d = site.dots[0]
    return binop(summed(site, binop(d, gast.Mult(), with_axis(site, first_max, site.args[0]))),
                 gast.Sub(),
                 summed(site, binop(d, gast.Mult(), with_axis(site, first_min, site.args[0]))))


for _names, _fns, _mask, _arg, _word in (
        ("max", (np.max, getattr(np, "amax", None)), first_max, "argmax", "maximal"),
        ("min", (np.min, getattr(np, "amin", None)), first_min, "argmin", "minimal")):
    _adjoint, _tangent = _extremum(_mask, _arg)
    register(Custom(f"np.{_names}", checked(reduction_kind, _EXTREMUM), _adjoint, _tangent,
                    names=_EXTREMUM,
                    doc=f"1 at the first {_word} element of each reduced slice (the one "
                        f"`np.{_arg}` picks), 0 elsewhere: ties are not split"),
             *_fns, ir.Method(_names))
register(Custom("np.ptp", checked(reduction_kind, _EXTREMUM), _ptp_adjoint, _ptp_tangent,
                names=_EXTREMUM,
                doc="the derivative of max minus that of min, each at the first maximal "
                    "(minimal) element; 0 for a constant slice"), np.ptp)


class ArgExtremum(NonDifferentiable):
    """`np.argmax`/`np.argmin`: an index (an integer for the whole array, an array of
    integers along an axis), usable as an index; no derivative."""
    names = _EXTREMUM

    def out_kind(self, arg_kinds, consts):
        check_constants(_EXTREMUM)(arg_kinds, consts)
        kind, axis = arg_kinds[0], reduction_axis(consts)
        if isinstance(axis, tuple):
            raise UnsupportedError(f"`{self.name}` takes one axis (an int) or None.")
        keepdims = consts.get("keepdims")
        if kind.is_scalar or (axis is None and not keepdims):
            return K.INT
        if not kind.is_array or kind.ndim is None:
            return K.UNKNOWN
        ndim = kind.ndim if keepdims else kind.ndim - 1
        return K.INT if ndim == 0 else K.array(ndim)


for _fn in (np.argmax, np.argmin):
    register(ArgExtremum(f"np.{_fn.__name__}", K.INT,
                         doc="an integer index, or an array of them along `axis`"),
             _fn, ir.Method(_fn.__name__))
for _fn in (np.nanargmax, np.nanargmin):
    register(ArgExtremum(f"np.{_fn.__name__}", K.INT,
                         doc="an integer index (NaNs left out), or an array of them along "
                             "`axis`"), _fn)
