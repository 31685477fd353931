"""Rule-table cases of np.quantile, np.percentile and np.median and their NaN-ignoring forms
(s2sad/rules/quantiles.py):
every axis, keepdims, q a number, a list or an array, inside a loop and a helper, ties
(the stable order), and the refusals.
"""
import numpy as np
import pytest

import s2sad
from cases_nanreductions import check_with_nans
from rulecheck import check_grad, check_vjp, rand

SHAPES = {(5,): ["None", "0", "-1"], (4, 3): ["None", "0", "1", "-1"],
          (2, 3, 4): ["None", "0", "1", "2"]}


def _calls(call, q):
    for shape, axes in SHAPES.items():
        for axis in axes:
            yield shape, f"{call}(x, {q}axis={axis})"
            yield shape, f"{call}(x, {q}axis={axis}, keepdims=True)"


def _median_of_rows(x):
    return np.median(x * x, axis=1)


def _in_helper(x):
    return np.sum(np.sin(_median_of_rows(x)))


def check_quantile(call, qs):
    def check(gen):
        for q in qs:
            for shape, text in _calls(call, q):
                check_vjp(gen("x", text), (rand(*shape),), 0)
        if "median" not in call:  # q computed in the function, an array
            check_vjp(gen("x, q", f"{call}(x, q * 1.0, axis=0)"),
                      (rand(4, 3), np.array([0.3, 0.6])), 0)
    return check


def check_median(gen):
    check_quantile("np.median", [""])(gen)
    check_grad(_in_helper, (rand(3, 4),))
    check_grad(gen("x", "sum([np.median(x[i:]) for i in range(3)])"), (rand(6),))
    # ties: the stable order, the earlier element first
    fn = gen("x", "np.median(x)")
    _, grad = s2sad.vjp(fn, 0)(np.array([2.0, 1.0, 2.0, 5.0]), 1.0)
    assert np.array_equal(grad, [0.5, 0.0, 0.5, 0.0])
    _, grad = s2sad.vjp(fn, 0)(np.array([2.0, 1.0, 2.0]), 1.0)
    assert np.array_equal(grad, [1.0, 0.0, 0.0])


def check_quantile_refusals(gen):
    for body, message in (
            ("np.quantile(x, 0.3, method='nearest')", "method='linear'"),
            ("np.quantile(x, 0.3, axis=(0, 1))", "tuple of axes"),
            ("np.quantile(x, x[0, 0] * 0.1)", "np.quantile.*argument 2")):
        with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*" + message):
            s2sad.grad(gen("x", f"np.sum({body})"))(rand(2, 3))


def with_nans(shape):
    """Values with NaNs, never a slice of NaNs only along any axis of SHAPES."""
    x = rand(*shape).copy()
    x.reshape(-1)[1::5] = np.nan
    return x


def check_nan_quantile(call, qs):
    """Without NaNs as the plain function; with NaNs, over each slice's numbers."""
    def check(gen):
        check_quantile(call, qs)(gen)
        for q in qs:
            for shape, text in _calls(call, q):
                check_with_nans(gen("x", text), with_nans(shape))
    return check


CASES = {
    "np.nanquantile": check_nan_quantile("np.nanquantile", ["0.3, ", "[0.1, 0.5, 1.0], "]),
    "np.nanpercentile": check_nan_quantile("np.nanpercentile", ["(25, 75), "]),
    "np.nanmedian": check_nan_quantile("np.nanmedian", [""]),
    "np.quantile": lambda gen: (check_quantile("np.quantile", ["0.3, ", "[0.1, 0.5, 1.0], "])(gen),
                                check_quantile_refusals(gen)),
    "np.percentile": check_quantile("np.percentile", ["30.0, ", "(25, 75), "]),
    "np.median": check_median,
}
