"""The run-time helpers of the derivatives of np.convolve, np.correlate and np.interp
(rules/signals.py): what no short NumPy expression says, because it depends on the
operands' lengths, known only when the code runs.

A convolution in mode 'same' or 'valid' is a window of the full one, so its adjoint is
that of the full convolution (a correlation in mode 'valid') of `g` placed in its window
of zeros (`_full`). np.interp is linear in `fp` (each value a blend of the two knots
around `x`) and piecewise linear in `x`; `_knots` finds the knots and the blend.
"""
import numpy as np


def _full(g, n, m, mode, correlate):
    """`g`, the adjoint of a `mode` result of operands of lengths n and m, placed in the
    full result with zeros around it (np.correlate centres 'same' one place later than
    np.convolve when the first operand is the shorter)."""
    if mode == "full":
        return g
    small = min(n, m)
    if mode == "valid":
        before = small - 1
    else:
        before = small // 2 if correlate and n < m else (small - 1) // 2
    return np.pad(g, (before, n + m - 1 - before - len(g)))


def convolve_adjoint(g, other, n, mode="full"):
    """The adjoint of `np.convolve(a, v, mode)` with respect to the operand of length `n`
    (either: a convolution is symmetric), `other` being the other one."""
    return np.correlate(_full(g, n, len(other), mode, False), other, "valid")


def correlate_adjoint(g, a, v, mode="valid", second=False):
    """The adjoint of `np.correlate(a, v, mode)` with respect to `a` (or, `second`, to
    `v`): the correlation is the convolution of `a` with `v` reversed."""
    full = _full(g, len(a), len(v), mode, True)
    if second:
        return np.correlate(full, a, "valid")[::-1]
    return np.convolve(full, v, "valid")


def correlate_directions(a, d, mode="valid"):
    """`np.correlate(a, t, mode)` for each direction `t` of the tangents `d` (the rows
    of a matrix): the tangent in the second operand, in vector mode."""
    return np.stack([np.correlate(a, t, mode) for t in d])


def interp_slope(x, xp, fp):
    """The derivative of `np.interp(x, xp, fp)` in `x`: the slope of the segment `x` is
    on, 0 outside `[xp[0], xp[-1]]` (where the result is constant); at a knot, the slope
    of the segment that starts there (of the last segment at `xp[-1]`). In float64, the
    dtype of np.interp's result."""
    x, xp, fp = np.asarray(x), np.asarray(xp), np.asarray(fp)
    if len(xp) < 2:
        return np.zeros(x.shape)
    index = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    slope = (np.diff(fp) / np.diff(xp))[index]
    return np.where((x >= xp[0]) & (x <= xp[-1]), slope, 0.0).astype(np.float64)


def _knots(x, xp, left, right):
    """For each `x`, the index `i` of the knot at or before it and the weights of the
    knots `i` and `i + 1` in `np.interp(x, xp, fp)` (the end knots' alone outside
    `xp`; none at all where a given `left` or `right` value stands instead)."""
    x, xp = np.asarray(x), np.asarray(xp)
    place = np.interp(x, xp, np.arange(len(xp), dtype=np.float64))
    index = np.minimum(place.astype(np.intp), max(len(xp) - 2, 0))
    after = place - index
    inside = np.ones(x.shape)
    if left:
        inside = inside * (x >= xp[0])
    if right:
        inside = inside * (x <= xp[-1])
    return index, (1.0 - after) * inside, after * inside


def interp_fp_adjoint(g, x, xp, size, left=False, right=False):
    """The adjoint of `np.interp(x, xp, fp)` with respect to `fp` (of length `size`):
    each element of `g` goes to the two knots around its `x`, by their weights;
    `left`/`right`: whether those values were given."""
    index, before, after = _knots(x, xp, left, right)
    g = np.broadcast_to(g, index.shape)
    total = np.bincount(np.ravel(index), np.ravel(g * before), size)
    if size > 1:
        total = total + np.bincount(np.ravel(index) + 1, np.ravel(g * after), size)
    return total.astype(np.result_type(g, 1.0), copy=False)


def interp_fp_tangent(d, x, xp, left=False, right=False):
    """The tangent of `np.interp(x, xp, fp)` along a tangent `d` of `fp` (which may
    have leading axes of directions): the same blend of `d`'s knots."""
    index, before, after = _knots(x, xp, left, right)
    d = np.asarray(d)
    if d.shape[-1] < 2:
        return d[..., index] * before
    return d[..., index] * before + d[..., index + 1] * after
