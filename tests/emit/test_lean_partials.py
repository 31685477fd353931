"""`grad` runs an adjoint that does not return the value, so a partial that would read an
operation's result is replaced by one that does not (`sigmoid(b - a)` for `logaddexp`
instead of `exp(b - out)`), and the result itself is then never computed. Both forms are
checked against each other, against central differences, and at extreme arguments."""
import warnings

import numpy as np
import pytest

import s2sad
from s2sad.ir import kinds as K
from s2sad import pipeline
from s2sad.runtime import sigmoid
from util import numeric_grad


def softplus_loss(w, x):
    return np.sum(np.logaddexp(0.0, -x * w))


def both_sides(a, b):
    return np.sum(np.logaddexp(a, b) ** 2) + np.sum(np.logaddexp2(a, 2.0 * b))


@pytest.mark.parametrize("fn, args, wrt", [
    (softplus_loss, (np.array([0.3, -1.2, 2.0]), np.array([1.0, -0.5, 0.25])), (0, 1)),
    (both_sides, (np.array([0.3, -1.2, 2.0]), np.array([1.0, -0.5, 0.25])), (0, 1)),
])
def test_lean_and_full_partials_agree(fn, args, wrt):
    lean = s2sad.grad(fn, wrt=wrt)(*args)
    _, full = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    for position, g, h in zip(wrt, lean, full):
        np.testing.assert_allclose(g, h, rtol=1e-13, atol=0)
        np.testing.assert_allclose(g, numeric_grad(fn, args, position), rtol=1e-7)


def test_the_gradient_alone_never_computes_logaddexp():
    w, x = np.ones(3), np.ones(3)
    kinds = K.of_arguments((w, x), (0,), ["w", "x"])
    lean = pipeline.derive(softplus_loss, kinds, (0,), "gradient").source
    full = pipeline.derive(softplus_loss, kinds, (0,), "reverse").source
    assert "logaddexp" not in lean and "sigmoid(" in lean, lean
    assert "np.logaddexp" in full and "np.exp(" in full, full


def test_extreme_margins_give_exact_limits_without_warnings():
    w, x = np.array([1.0, 1.0, 1.0, 1.0]), np.array([-800.0, 800.0, -30.0, 30.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = s2sad.grad(softplus_loss)(w, x)
    want = -x * np.exp(-np.logaddexp(0.0, x * w))
    np.testing.assert_allclose(g, want, rtol=4e-15, atol=0)


def test_sigmoid_is_accurate_at_both_ends():
    x = np.array([-700.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0])
    exact = np.array([np.exp(-700.0), np.exp(-40.0) / (1 + np.exp(-40.0)),
                      1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1.0)), 1.0, 1.0])
    np.testing.assert_allclose(sigmoid(x), exact, rtol=1e-15, atol=0)
    assert float(sigmoid(2.0)) == pytest.approx(1 / (1 + np.exp(-2.0)), rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_of_an_array_is_the_formula_bit_for_bit(dtype):
    x = np.array([-800.0, -40.0, -1.5, 0.0, 0.3, 40.0, 800.0], dtype=dtype)
    with np.errstate(over="ignore"):
        want = 1.0 / (1.0 + np.exp(-x))
    got = sigmoid(x)
    assert got.dtype == want.dtype and not np.shares_memory(got, x)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(x, np.array([-800.0, -40.0, -1.5, 0.0, 0.3, 40.0, 800.0],
                                              dtype=dtype))
