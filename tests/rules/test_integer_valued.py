"""Integer- and boolean-valued NumPy functions in the code people write with them.

`np.triu_indices`, `np.argsort`, `np.searchsorted`, ... make indices, which carry no
derivative; the values they pick do. Each function below is differentiated in both
modes and checked against central differences (and, where there is one, an analytic
gradient); `check_grad` also compares the vector-mode Jacobian with the reverse one
and runs float32.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, generic_adjoint
from util import assert_close, numeric_grad


def upper_triangle(A):
    n = A.shape[0]
    return np.sum(A[np.triu_indices(n)] ** 2)


def strict_lower_triangle(A):
    rows, cols = np.tril_indices(A.shape[0], -1)
    return np.sum(np.sin(A[rows, cols]) * A[cols, rows])


def ordered_weighted_sum(x):
    s = x[np.argsort(x)]
    w = np.linspace(1.0, 2.0, x.shape[0])
    return np.sum(w * s)


def top_k(x, k):
    order = np.argsort(-x)
    total = 0.0
    for i in range(k):
        total = total + x[order[i]] ** 2
    return total


def interpolate(q, xs, ys):
    i = np.searchsorted(xs, q) - 1
    i = np.clip(i, 0, len(xs) - 2)
    t = (q - xs[i]) / (xs[i + 1] - xs[i])
    return np.sum(ys[i] * (1.0 - t) + ys[i + 1] * t)


def bin_means(x, edges):
    bins = np.digitize(x, edges) - 1
    counts = np.bincount(bins, minlength=len(edges) - 1)
    return np.sum(x * x / counts[bins])


def masked_log_sum(x, mask):
    return np.sum(np.log(x[np.nonzero(mask)]))


def largest_entry(A):
    i, j = np.unravel_index(np.argmax(A), A.shape)
    return A[i, j] * np.sum(A[i])


def diagonal_penalty(A):
    d = A[np.diag_indices_from(A)]
    return np.sum(d * d) + np.count_nonzero(d > 1.0) * np.sum(A)


def flagged(x):
    y = np.sum(x ** 2)
    if np.allclose(x, 0.0):
        y = 0.0
    return y * np.any(x > 1.0) + np.sum(x)


RNG = np.random.default_rng(4)
MATRIX = RNG.permutation(np.linspace(-1.5, 1.5, 16)).reshape(4, 4)
VECTOR = RNG.permutation(np.linspace(-2.0, 2.0, 7))
GRID = np.array([0.0, 0.3, 0.8, 1.1, 1.9, 2.5])
QUERY = np.array([0.1, 0.5, 1.0, 1.4, 2.2])
VALUES = np.sin(GRID) + 1.0


@pytest.mark.parametrize("fn, args, wrt", [
    (upper_triangle, (MATRIX,), 0),
    (strict_lower_triangle, (MATRIX,), 0),
    (ordered_weighted_sum, (VECTOR,), 0),
    (top_k, (VECTOR, 3), 0),
    (interpolate, (QUERY, GRID, VALUES), (0, 1, 2)),
    (bin_means, (QUERY, np.array([0.0, 0.7, 1.5, 2.5])), 0),
    (masked_log_sum, (np.abs(VECTOR) + 0.5, VECTOR > 0.0), 0),
    (largest_entry, (MATRIX,), 0),
    (diagonal_penalty, (MATRIX + 1.0,), 0),
    (flagged, (VECTOR,), 0),
], ids=lambda v: getattr(v, "__name__", None))
def test_both_modes_against_central_differences(fn, args, wrt):
    check_grad(fn, args, wrt)


def test_upper_triangle_gradient_is_twice_the_upper_triangle():
    assert_close(s2sad.grad(upper_triangle)(MATRIX), 2.0 * np.triu(MATRIX))


def test_ordered_weighted_sum_gradient_is_the_weight_of_each_rank():
    ranks = np.argsort(np.argsort(VECTOR))
    want = np.linspace(1.0, 2.0, VECTOR.size)[ranks]
    assert_close(s2sad.grad(ordered_weighted_sum)(VECTOR), want)
    _, tangent = s2sad.jvp(ordered_weighted_sum)(VECTOR, np.ones_like(VECTOR))
    assert tangent == pytest.approx(np.sum(want))


def test_interpolation_matches_numpy_and_its_slopes():
    value, grads = s2sad.value_and_grad(interpolate, wrt=0)(QUERY, GRID, VALUES)
    assert value == pytest.approx(np.sum(np.interp(QUERY, GRID, VALUES)))
    segment = np.searchsorted(GRID, QUERY) - 1
    slopes = np.diff(VALUES) / np.diff(GRID)
    assert_close(grads, slopes[segment])


def test_without_example_arguments():
    """The kinds of the index tuple are not known: the generic adjoint agrees."""
    value, grad = generic_adjoint(strict_lower_triangle, 0)(MATRIX, 1.0)
    assert_close(grad, numeric_grad(strict_lower_triangle, (MATRIX,)))
    assert value == pytest.approx(strict_lower_triangle(MATRIX))


def bincount_weighted(x, bins):
    return np.sum(np.bincount(bins, x))


def bincount_weighted_keyword(x, bins):
    return np.sum(np.bincount(bins, weights=x * 2.0))


@pytest.mark.parametrize("fn", [bincount_weighted, bincount_weighted_keyword])
def test_bincount_with_weights_is_refused(fn):
    """The weights' sums are differentiable: no zero derivative passes for them."""
    with pytest.raises(s2sad.UnsupportedError, match=r"`np\.bincount` with weights") as info:
        s2sad.grad(fn)(np.ones(3), np.array([0, 1, 1]))
    assert str(info.value).startswith(f"{__file__}:")
    assert "(docs/rules.md)" in str(info.value)


def weighted_by_comparison(x, bins):
    return np.sum(((np.arange(3)[:, None] == bins) @ x) ** 2)


def test_the_advice_for_weighted_bincount_works():
    x, bins = np.array([0.5, 1.5, 2.0, 0.3]), np.array([0, 2, 2, 1])
    assert weighted_by_comparison(x, bins) == pytest.approx(
        np.sum(np.bincount(bins, x, minlength=3) ** 2))
    check_grad(weighted_by_comparison, (x, bins), 0)
