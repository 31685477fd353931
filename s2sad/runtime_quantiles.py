"""The run-time helpers of the derivatives of np.quantile, np.percentile and np.median
and their NaN-ignoring forms (rules/quantiles.py), for the default method, 'linear'.

A quantile of a slice is a blend of two of its sorted values, `(1 - t) * s[i] + t *
s[i + 1]` with `i + t = q * (n - 1)`: linear in the values, once the order is fixed. So
its tangent is the tangent sorted by the values' order (np.argsort, stable: at ties the
earlier element) and blended by the same weights (a matrix W of one row per quantile),
and its adjoint spreads `g` by W and puts it back in the unsorted places.
"""
import numpy as np


def _layout(a, q, axis, nans):
    """The operand with the reduced axis last (flattened for None), its order along
    that axis, and the blending weights (for each slice, one row per quantile, one column
    per rank); with `nans`, over each slice's numbers only (NaNs sort last), none for a
    slice of NaNs."""
    a = np.asarray(a)
    x = a.reshape(-1) if axis is None else np.moveaxis(a, axis, -1)
    order = np.argsort(x, axis=-1, kind="stable")
    n = x.shape[-1]
    count = np.sum(~np.isnan(x), axis=-1, keepdims=True) if nans else np.array([n])
    place = np.asarray(q, dtype=np.float64).reshape(-1) * (count - 1)
    low = np.clip(np.floor(place), 0, np.maximum(count - 1, 0)).astype(np.intp)
    high = np.minimum(low + 1, np.maximum(count - 1, 0))
    after = place - low
    ranks = np.arange(n)
    weights = (1.0 - after)[..., None] * (ranks == low[..., None]) \
        + after[..., None] * (ranks == high[..., None])
    weights = weights * (count > 0)[..., None]
    return x, order, weights.astype(np.result_type(a, 1.0), copy=False)


def quantile_tangent(a, d, q, axis=None, keepdims=False, nans=False):
    """The tangent of `np.quantile(a, q, axis, keepdims=keepdims)` (`np.nanquantile`
    with `nans`) along `d` (which may have leading axes of directions), in the result's
    layout: q's axes first."""
    a, d = np.asarray(a), np.asarray(d)
    extra = d.ndim - a.ndim
    x, order, weights = _layout(a, q, axis, nans)
    lead = d.shape[:extra]
    moved = d.reshape(lead + (-1,)) if axis is None else np.moveaxis(d, axis % a.ndim + extra,
                                                                     -1)
    ranked = np.take_along_axis(moved, order[(None,) * extra], axis=-1)
    result = np.moveaxis(np.einsum("...n,...qn->...q", ranked, weights), -1, extra)
    result = result.reshape(lead + np.shape(q) + x.shape[:-1])
    if keepdims:
        where = range(extra + np.ndim(q), extra + np.ndim(q) + a.ndim) if axis is None \
            else extra + np.ndim(q) + axis % a.ndim
        result = np.expand_dims(result, tuple(where) if axis is None else where)
    return result


def quantile_adjoint(g, a, q, axis=None, keepdims=False, nans=False):
    """The adjoint of `np.quantile(a, q, axis, keepdims=keepdims)` (`np.nanquantile`
    with `nans`) for the result's adjoint `g`, in the operand's shape."""
    a = np.asarray(a)
    x, order, weights = _layout(a, q, axis, nans)
    g = np.reshape(g, (np.size(q),) + x.shape[:-1])
    spread = np.einsum("...q,...qn->...n", np.moveaxis(g, 0, -1), weights)
    result = np.empty_like(spread)
    np.put_along_axis(result, order, spread, axis=-1)
    return result.reshape(a.shape) if axis is None else np.moveaxis(result, -1, axis)
