"""Convolution, correlation and linear interpolation: np.convolve, np.correlate (modes
'full', 'same', 'valid'; both operands) and np.interp (in `x` and `fp`).

A convolution is linear in each operand, so its tangent is the convolution of each
tangent with the other operand; its adjoint is a correlation of `g` with the other
operand (runtime_signals.py). np.interp is linear in `fp` and piecewise linear in `x`:
its derivative in `x` is the slope of the segment (0 outside the knots, where the result
is the constant end value); at a knot, the segment that starts there. In `xp` (the knots)
it is refused: move the knots with a change of variable of `x` instead.
"""
import numpy as np

from .. import runtime_signals as rs
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, register, total

_MODES = ("full", "same", "valid")


def _mode(consts, default):
    mode = consts.get("mode", default)
    if mode not in _MODES:
        raise UnsupportedError("`mode` must be a constant 'full', 'same' or 'valid'.")
    return mode


def _convolved_kind(default):
    def kind(arg_kinds, consts):
        _mode(consts, default)
        if "mode" in consts.get("computed", ()) or len(arg_kinds) > 3:
            raise UnsupportedError("`mode` must be a constant 'full', 'same' or 'valid'.")
        for operand in arg_kinds[:2]:
            if operand.is_scalar or (operand.is_array and operand.ndim not in (None, 1)):
                raise UnsupportedError("np.convolve and np.correlate take two vectors "
                                       "(1-D arrays).")
        return K.array(1)
    return kind


def _convolve_adjoint(site):
    mode = const(_mode(site.consts, "full"))
    a, v = site.args[:2]
    return {0: Add(site.helper(rs.convolve_adjoint, site.g, v, site.fill("len(a)"), mode)),
            1: Add(site.helper(rs.convolve_adjoint, site.g, a, site.fill("len(b)"), mode))}


def _correlate_adjoint(site):
    mode = const(_mode(site.consts, "valid"))
    a, v = site.args[:2]
    return {0: Add(site.helper(rs.correlate_adjoint, site.g, a, v, mode)),
            1: Add(site.helper(rs.correlate_adjoint, site.g, a, v, mode, const(True)))}


def _convolved_tangent(name, default):
    """`f(da, v) + f(a, dv)`; in vector mode, one direction at a time (np.apply_along_axis
    on the first operand, `correlate_directions` for a correlation's second)."""
    def tangent(site):
        mode = const(_mode(site.consts, default))
        if not site.vector:
            return total(site.fill(f"np.{name}(x, y, m)", x=x, y=y, m=mode)
                         for x, y, dot in ((site.dots[0], site.args[1], site.dots[0]),
                                           (site.args[0], site.dots[1], site.dots[1]))
                         if dot is not None)
        terms = []
        if site.dots[0] is not None:
            terms.append(site.fill(f"np.apply_along_axis(np.{name}, -1, d, b, m)",
                                   d=site.dots[0], m=mode))
        if site.dots[1] is not None:
            if name == "convolve":
                terms.append(site.fill("np.apply_along_axis(np.convolve, -1, d, a, m)",
                                       d=site.dots[1], m=mode))
            else:
                terms.append(site.helper(rs.correlate_directions, site.args[0], site.dots[1],
                                         mode))
        return total(terms)
    return tangent


register(Custom("np.convolve", _convolved_kind("full"), _convolve_adjoint,
                _convolved_tangent("convolve", "full"), positions=(0, 1),
                names=("a", "v", "mode"),
                doc="linear in each operand: the tangent convolves each tangent with the "
                    "other operand, the adjoint correlates `g` (in its window of the full "
                    "result) with it; `mode` a constant"), np.convolve)
register(Custom("np.correlate", _convolved_kind("valid"), _correlate_adjoint,
                _convolved_tangent("correlate", "valid"), positions=(0, 1),
                names=("a", "v", "mode"),
                doc="linear in each operand, as np.convolve with `v` reversed; `mode` a "
                    "constant"), np.correlate)


# ---------------------------------------------------------------- np.interp

_INTERP = ("x", "xp", "fp", "left", "right", "period")


def _interp_kind(arg_kinds, consts):
    computed = consts.get("computed", set())
    for position, name in enumerate(_INTERP[3:], 3):
        if name in computed or (position < len(arg_kinds) and name not in consts):
            raise UnsupportedError(
                f"a computed `{name}` of np.interp has no derivative rule; pass a constant, "
                "or choose the value outside the knots with `np.where(x < xp[0], v, "
                "np.interp(x, xp, fp))`.")
    if consts.get("period") is not None:
        raise UnsupportedError("np.interp with `period=` has no derivative rule; reduce `x` "
                               "to one period first (`x % period`, with the knots "
                               "extended past both ends).")
    kind = arg_kinds[0]
    if kind.is_scalar:
        return K.SCALAR
    return kind if kind.is_array else K.UNKNOWN


def _ends(site):
    """Whether `left` and `right` were given (the rule reads no other value of theirs)."""
    return (const(site.consts.get("left") is not None),
            const(site.consts.get("right") is not None))


def _interp_adjoint(site):
    x, xp, fp = site.args[:3]
    return {0: Add(site.fill("g * s", s=site.helper(rs.interp_slope, x, xp, fp))),
            2: Add(site.helper(rs.interp_fp_adjoint, site.g, x, xp, site.fill("len(c)"),
                               *_ends(site)))}


def _interp_tangent(site):
    x, xp, fp = site.args[:3]
    terms = []
    if site.dots[0] is not None:
        terms.append(site.fill("s * d", s=site.helper(rs.interp_slope, x, xp, fp),
                               d=site.dots[0]))
    if site.dots[2] is not None:
        terms.append(site.helper(rs.interp_fp_tangent, site.dots[2], x, xp, *_ends(site)))
    return total(terms)


register(Custom("np.interp", _interp_kind, _interp_adjoint, _interp_tangent, positions=(0, 2),
                names=_INTERP,
                doc="in `x`: the slope of the segment `x` is on (at a knot, of the segment "
                    "starting there; 0 outside the knots); in `fp`: the weights of the two "
                    "knots around `x`; `xp` (the knots) is not differentiated; `left`, "
                    "`right` constants"), np.interp)
