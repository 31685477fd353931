"""`s2sad.compiled`: the generated derivative as a plain function, the one `source`
prints, checked against the derived functions, central differences and analytic values."""
import inspect
import math

import numpy as np
import pytest

import s2sad


def f(x1, x2):
    """Seed 000: f(x1, x2) = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]."""
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def analytic_gradient(x1, x2):
    r, e = x1 / x2, math.exp(x2)
    a, b = math.sin(r) + r - e, r - e
    da = (math.cos(r) + 1.0) * np.array([1 / x2, -r / x2]) - np.array([0.0, e])
    db = np.array([1 / x2, -r / x2]) - np.array([0.0, e])
    return da * b + a * db


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def test_the_compiled_tangent_is_the_printed_one_and_gives_the_directional_derivative():
    tangent = s2sad.compiled(f, 1.5, 0.5, mode="forward", wrt=(0, 1))
    assert inspect.getsource(tangent) == s2sad.source(f, 1.5, 0.5, mode="forward",
                                                      wrt=(0, 1))
    assert tangent.__name__ == "f_tangent"
    value, dot = tangent(1.5, 0.5, 0.3, -0.7)
    assert value == f(1.5, 0.5)
    assert dot == pytest.approx(analytic_gradient(1.5, 0.5) @ [0.3, -0.7], rel=1e-13)
    assert (value, dot) == s2sad.jvp(f, wrt=(0, 1))(1.5, 0.5, (0.3, -0.7))


def test_the_compiled_adjoints_give_the_gradient_and_scale_with_the_seed():
    gradient = s2sad.compiled(f, 1.5, 0.5, mode="gradient", wrt=(0, 1))
    assert gradient(1.5, 0.5) == pytest.approx(tuple(analytic_gradient(1.5, 0.5)),
                                               rel=1e-13)
    adjoint = s2sad.compiled(f, 1.5, 0.5, wrt=(0, 1))
    value, grads = adjoint(1.5, 0.5)
    assert value == f(1.5, 0.5) and grads == gradient(1.5, 0.5)
    assert adjoint(1.5, 0.5, 2.0)[1] == pytest.approx(tuple(2 * g for g in grads), rel=1e-15)


def test_the_compiled_array_gradient_agrees_with_grad_and_differences():
    x = np.linspace(0.2, 1.8, 9)
    gradient = s2sad.compiled(rosenbrock, x, mode="gradient")
    got = gradient(x)
    np.testing.assert_allclose(got, s2sad.grad(rosenbrock)(x), rtol=1e-15)
    h = 1e-6
    for i in (0, 4, 8):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        assert got[i] == pytest.approx((rosenbrock(up) - rosenbrock(down)) / (2 * h),
                                       rel=1e-6)


@pytest.mark.parametrize("mode", ["wengert", "backward"])
def test_a_mode_that_is_no_derivative_is_a_usage_error(mode):
    with pytest.raises(s2sad.UsageError, match=f"mode='{mode}' is not one of"):
        s2sad.compiled(f, 1.5, 0.5, mode=mode)
