"""The worked examples the project started from, against analytic derivatives."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
from seeds import griewank_walther_steps as gw_trace  # noqa: E402


# ---------------------------------------------------------------- seed 002

def seed002(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def test_seed002_value_and_gradient():
    x1, x2 = 2.0, 5.0
    value, grads = s2sad.value_and_grad(seed002, wrt=(0, 1))(x1, x2)
    assert value == pytest.approx(11.652, abs=5e-4)
    assert value == pytest.approx(math.log(2.0) + 10.0 - math.sin(5.0), rel=1e-15)
    assert_close(grads, (1 / x1 + x2, x1 - math.cos(x2)), rtol=1e-14, atol=0)
    assert grads[0] == pytest.approx(5.5, rel=1e-15)
    assert grads[1] == pytest.approx(1.71633781, abs=1e-8)


def test_seed002_by_name_and_single_position():
    assert s2sad.grad(seed002)(2.0, 5.0) == pytest.approx(5.5, rel=1e-15)
    assert s2sad.grad(seed002, wrt="x2")(2.0, 5.0) == pytest.approx(2.0 - math.cos(5.0),
                                                                     rel=1e-14)


# ---------------------------------------------------------------- seed 000 (Griewank-Walther)

def griewank_walther(x1, x2):
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def gw_gradient(x1, x2):
    """Analytic gradient: with u = x1/x2, v = u - exp(x2), w = sin(u) + v, f = w * v."""
    u = x1 / x2
    v = u - math.exp(x2)
    w = math.sin(u) + v
    du1, du2 = 1 / x2, -x1 / x2 ** 2
    dv1, dv2 = du1, du2 - math.exp(x2)
    dw1, dw2 = math.cos(u) * du1 + dv1, math.cos(u) * du2 + dv2
    return dw1 * v + w * dv1, dw2 * v + w * dv2


def test_seed000_griewank_walther():
    value, (d1, d2) = s2sad.value_and_grad(griewank_walther, wrt=(0, 1))(1.5, 0.5)
    # the seed's table, computed with rounded intermediates, gives 2.0167 (exact: 2.016647)
    assert value == pytest.approx(2.0167, abs=1e-4)
    assert value == pytest.approx(griewank_walther(1.5, 0.5), rel=1e-15)
    assert round(d1, 4) == 3.0118  # the seed's tangent for x_dot = (1, 0)
    assert_close((d1, d2), gw_gradient(1.5, 0.5), rtol=1e-13, atol=0)
    assert_close((d1, d2), numeric_grad(griewank_walther, (1.5, 0.5), (0, 1)))


def test_seed000_griewank_walther_vjp_is_cotangent_times_gradient():
    value, grads = s2sad.vjp(griewank_walther, (0, 1))(1.5, 0.5, -2.0)
    assert value == pytest.approx(griewank_walther(1.5, 0.5), rel=1e-15)
    assert_close(grads, tuple(-2.0 * g for g in gw_gradient(1.5, 0.5)), rtol=1e-13, atol=0)


# ---------------------------------------------------------------- seed 001

def seed001(x):
    a = x ** 2
    b = 5 * a
    c = math.log(a)
    g = b * c
    L = -g
    return L


def seed001_np(x):
    a = x ** 2
    b = 5 * a
    c = np.log(a)
    g = b * c
    L = -g
    return L


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def logistic_loss(w, x):
    return -math.log(sigmoid(w * x ** 2))


@pytest.mark.parametrize("x", [0.3, 1.0, 1.7, -2.2])
def test_seed001_chain(x):
    want = -(10 * x * math.log(x * x) + 10 * x)
    assert_close(s2sad.grad(seed001)(x), want, rtol=1e-13, atol=1e-15)
    assert_close(s2sad.grad(seed001_np)(x), want, rtol=1e-13, atol=1e-15)
    value, _ = s2sad.value_and_grad(seed001)(x)
    assert value == pytest.approx(-5 * x * x * math.log(x * x), rel=1e-14)


def test_seed001_chain_on_arrays():
    x = np.array([0.3, 1.0, 1.7, -2.2])
    value, g = s2sad.vjp(seed001_np)(x, np.ones(4))
    assert_close(g, -(10 * x * np.log(x * x) + 10 * x), rtol=1e-13, atol=1e-15)
    assert_close(value, seed001_np(x), rtol=1e-15, atol=0)


@pytest.mark.parametrize("w, x", [(0.5, 1.5), (-1.2, 0.7), (2.0, -0.4)])
def test_seed001_logistic_loss(w, x):
    z = w * x ** 2
    s = 1 / (1 + math.exp(-z))
    dw, dx = s2sad.grad(logistic_loss, wrt=(0, 1))(w, x)
    assert_close(dw, -(1 - s) * x ** 2, rtol=1e-12, atol=1e-15)
    assert_close(dx, -(1 - s) * 2 * w * x, rtol=1e-12, atol=1e-15)
    assert s2sad.value_and_grad(logistic_loss)(w, x)[0] == pytest.approx(-math.log(s), rel=1e-13)


# ---------------------------------------------------------------- seed 000: sum of squares

def sum_of_squares(x):
    return np.sum(x * x)


def sum_of_squares_dot(x):
    return np.dot(x, x)


@pytest.mark.parametrize("fn", [sum_of_squares, sum_of_squares_dot])
def test_sum_of_squares_gradient_is_exact(fn):
    x = np.arange(1, 1001, dtype=float)
    value, g = s2sad.value_and_grad(fn)(x)
    assert value == 1000 * 1001 * 2001 // 6
    assert g.shape == x.shape and g.dtype == x.dtype
    assert np.array_equal(g, 2 * x)  # exact, bit for bit
    numeric = numeric_grad(fn, (x,), 0)
    assert not np.array_equal(numeric, 2 * x)  # central differences are not exact
    assert_close(numeric, 2 * x, rtol=0.05, atol=0)


# ---------------------------------------------------------------- forward mode: the seeds' tangent tables
# Each function is written exactly as the seed's evaluation trace, so the generated tangent
# names every intermediate's tangent `v<i>_dot`; they are read from the running code.
# Seed 000's is samples/seeds.py's griewank_walther_steps.

def seed002_trace(x1, x2):
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return v5


def tangent_locals(fn, args, tangents):
    """The local variables of `fn`'s generated tangent function when it returns."""
    derivative = s2sad.jvp(fn, wrt=(0, 1))
    derivative(*args, tangents)
    compiled = derivative._last.function
    seen = {}

    def tracer(frame, event, arg):
        if frame.f_code is compiled.__code__:
            if event == "return":
                seen.update(frame.f_locals)
            return tracer
        return None

    sys.settrace(tracer)
    try:
        compiled(*args, *tangents)
    finally:
        sys.settrace(None)
    return seen


def test_seed000_forward_table():
    """Seed 000's forward table at (1.5, 0.5) with x_dot = (1, 0), to the table's digits."""
    found = tangent_locals(gw_trace, (1.5, 0.5), (1.0, 0.0))
    table = {"v1": 2.0, "v2": -1.98, "v3": 0.0, "v4": 2.0, "v5": 0.02, "v6": 3.0118}
    digits = {"v1": 4, "v2": 2, "v3": 4, "v4": 4, "v5": 2, "v6": 4}
    for name, want in table.items():
        assert round(found.get(name + "_dot", 0.0), digits[name]) == want, name
    # the values column too
    for name, want in {"v1": 3.0, "v2": 0.1411, "v3": 1.6487, "v4": 1.3513,
                       "v6": 2.0166}.items():
        assert round(found[name], 4) == want, name
    # and exactly: the tangent is the gradient's first component
    assert found["v6_dot"] == pytest.approx(gw_gradient(1.5, 0.5)[0], rel=1e-14)


def test_seed000_tangent_in_direction_of_x2():
    _, tangent = s2sad.jvp(griewank_walther, wrt=(0, 1))(1.5, 0.5, (0.0, 1.0))
    assert tangent == pytest.approx(gw_gradient(1.5, 0.5)[1], rel=1e-13)


def test_seed002_tangent_trace():
    """Seed 002's forward tangent trace at (2, 5) with x_dot = (1, 0): y_dot = 5.5."""
    found = tangent_locals(seed002_trace, (2.0, 5.0), (1.0, 0.0))
    trace = {"v1": 0.5, "v2": 5.0, "v3": 0.0, "v4": 5.5, "v5": 5.5}
    for name, want in trace.items():
        assert found.get(name + "_dot", 0.0) == pytest.approx(want, rel=1e-15, abs=0), name
    value, tangent = s2sad.jvp(seed002, wrt=(0, 1))(2.0, 5.0, (1.0, 0.0))
    assert tangent == 5.5
    assert value == pytest.approx(seed002(2.0, 5.0), rel=1e-15)
