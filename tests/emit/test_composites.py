"""The logistic sigmoid written out, `1 / (1 + exp(-u))`, is differentiated as a whole in
the backward sweep: `y * (1 - y)` of its result, so a loop's backward sweep does not
compute `exp(-u)` again. Checked against central differences, the tangent, and the
analytic derivative; where a temporary is read elsewhere, the chain is differentiated
step by step as before."""
import math

import numpy as np
import pytest

import s2sad
from s2sad.ir import kinds as K
from s2sad import pipeline
from util import numeric_grad


def net(w, x):
    h = np.zeros_like(w)
    loss = 0.0
    for t in range(x.shape[0]):
        y = 1.0 / (1.0 + np.exp(-(x[t] * w + h)))
        h = np.tanh(y)
        loss += np.sum(y * y)
    return loss


def scalar_chain(u, v):
    a = 1 / (math.exp(-(u * v)) + 1)
    b = 1.0 / (1.0 + math.exp(-a))
    return a * b + a


def exp_read_twice(u):
    e = np.exp(-u)
    return np.sum(1.0 / (1.0 + e) + e)


def not_one(u):
    return np.sum(2.0 / (1.0 + np.exp(-u)) + 1.0 / (2.0 + np.exp(-u)))


def exp_read_in_a_loop(u, n):
    e = np.exp(-u)
    y = 1.0 / (1.0 + e)
    s = np.sum(y)
    for i in range(n):
        s = s + np.sum(e)
    return s


def source(fn, args, wrt=(0,), mode="gradient"):
    kinds = K.of_arguments(args, wrt, list(fn.__code__.co_varnames[:len(args)]))
    return pipeline.derive(fn, kinds, wrt, mode).source


ARGS = {
    net: (np.array([0.3, -1.2, 0.8]), np.array([[1.0, -0.5, 0.25], [0.2, 0.1, -2.0]])),
    scalar_chain: (0.7, -1.3),
    exp_read_twice: (np.array([0.3, -1.2, 2.0]),),
    not_one: (np.array([0.3, -1.2, 2.0]),),
    # regression: `e` is read again after the group, in a loop; its adjoint was dropped
    exp_read_in_a_loop: (np.array([0.3, -0.4]), 2),
}


@pytest.mark.parametrize("fn", list(ARGS), ids=lambda f: f.__name__)
def test_gradient_matches_differences_and_tangent(fn):
    args = ARGS[fn]
    wrt = tuple(range(len(args))) if fn is scalar_chain else (0,)
    grads = s2sad.grad(fn, wrt=wrt)(*args)
    _, reverse = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    for position, g, r in zip(wrt, grads, reverse):
        np.testing.assert_allclose(g, numeric_grad(fn, args, position), rtol=1e-7)
        np.testing.assert_allclose(r, g, rtol=1e-14)
        seed = np.ones_like(args[position])
        tangent = s2sad.jvp(fn, wrt=position)(*args, seed)[1]
        np.testing.assert_allclose(tangent, np.sum(g * seed), rtol=1e-12)


def test_loop_backward_sweep_reads_the_result_only():
    adjoint = source(net, ARGS[net])
    backward = adjoint.split("# backward sweep")[1]
    assert "np.exp(" not in backward, adjoint
    # the partial 1 - y, computed for all trips at once by optimize/trip_rows.py
    assert "ys_term = 1 - ys\n" in backward and "* ys_term[t]" in backward, adjoint


def test_scalar_sigmoid_adjoints_use_their_results():
    adjoint = source(scalar_chain, ARGS[scalar_chain], (0, 1), "reverse")
    backward = adjoint.split("# backward sweep")[1]
    assert "math.exp" not in backward and backward.count("(1 - ") == 2, adjoint


@pytest.mark.parametrize("fn", [exp_read_twice, not_one, exp_read_in_a_loop],
                         ids=lambda f: f.__name__)
def test_other_expressions_are_differentiated_step_by_step(fn):
    backward = source(fn, ARGS[fn]).split("# backward sweep")[1]
    assert "(1 - " not in backward, backward


def summed(u):
    return np.sum(1.0 / (1.0 + np.exp(-u)))


def logistic(u):
    return 1.0 / (1.0 + math.exp(-u))


def test_analytic_derivative_across_the_range():
    u = np.array([-700.0, -30.0, -1.0, 0.0, 1.0, 20.0])
    y = 1.0 / (1.0 + np.exp(-u))
    exact = np.exp(-u) * y * y
    g = s2sad.grad(summed)(u)
    # where y <= 1/2 to the last bits; beyond, 1 - y carries the rounding of y
    np.testing.assert_allclose(g[:4], exact[:4], rtol=1e-15, atol=0)
    np.testing.assert_allclose(g, exact, rtol=0, atol=2.3e-16)
    # past u = 36.7, y rounds to 1: the derivative, below 1.2e-16, is 0 as in JAX and PyTorch
    assert s2sad.grad(logistic)(40.0) == 0.0
    assert s2sad.grad(logistic)(-2.0) == pytest.approx(math.exp(2.0) / (1 + math.exp(2.0)) ** 2,
                                                       rel=1e-15)


def test_a_sums_adjoint_copied_from_a_loop_variable_stays_a_number():
    """`np.sum(y)` with `s` reassigned in a loop: the number standing for `y_bar` is
    not wrapped in `np.copy` (it used to become a 0-d array)."""
    text = source(exp_read_in_a_loop, ARGS[exp_read_in_a_loop], mode="reverse")
    assert "np.copy(s_bar)" not in text and "e_bar -= s_bar * y / t2" in text, text
