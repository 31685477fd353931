"""s2sad.check_grads: it passes correct derivatives with errors near round-off, and it
catches a wrong tangent, a wrong adjoint, and a wrong derivative of one argument among
several, naming the argument. Wrong derivatives come from user rules written wrong on
purpose, since s2sad's own rules are right."""
import math

import numpy as np
import pytest

import s2sad
from s2sad.api.check import directional_derivative


def griewank_walther(x1, x2):
    v1 = x1 / x2
    return math.sin(v1) + math.exp(x2) * v1 - math.exp(x2)


def layer(x, W):
    return np.tanh(W @ x) * np.sum(x ** 2)


def scaled(x, y):
    return 2.0 * x * y


def uses_scaled(x, y):
    return math.sin(scaled(x, y)) + x


def right_tangent(t, x, y):
    return 2.0 * t * y


def test_correct_derivatives_pass_with_errors_near_round_off():
    checks = s2sad.check_grads(griewank_walther, (1.5, 0.5), wrt=(0, 1))
    assert [(c.argument, c.what.split()[0]) for c in checks] == [
        ("'x1' (argument 0)", "tangent"), ("'x1' (argument 0)", "adjoint"),
        ("'x2' (argument 1)", "tangent"), ("'x2' (argument 1)", "adjoint")]
    assert all(c.error < 1e-10 for c in checks), checks


def test_array_arguments_and_array_results():
    rng = np.random.default_rng(0)
    x, W = rng.normal(size=3), rng.normal(size=(4, 3))
    checks = s2sad.check_grads(layer, (x, W), wrt=("x", "W"))
    assert len(checks) == 4 and all(c.error < 1e-10 for c in checks), checks


def test_extrapolation_is_far_more_accurate_than_one_central_difference():
    exact = math.exp(1.0) * 0.7
    value, estimate = directional_derivative(math.exp, (1.0,), 0, 0.7)
    h = 1e-6
    central = (math.exp(1.0 + 0.7 * h) - math.exp(1.0 - 0.7 * h)) / (2 * h)
    assert abs(value - exact) < 1e-13 * exact
    assert abs(central - exact) > 1e-11 * exact
    assert estimate < 1e-10


def test_a_wrong_tangent_is_found(registered):
    s2sad.defrule(scaled, tangents=[lambda t, x, y: 2.1 * t * y, right_tangent],
                  adjoints=[lambda g, x, y: 2.0 * g * y, lambda g, x, y: 2.0 * g * x])
    with pytest.raises(s2sad.CheckError, match=r"the tangent of uses_scaled with respect to "
                       r"'x' \(argument 0\) is off by .* from the divided differences"):
        s2sad.check_grads(uses_scaled, (0.3, 0.7))


def test_a_wrong_adjoint_is_found_by_the_dot_product_test(registered):
    s2sad.defrule(scaled, tangents=[lambda t, x, y: 2.0 * t * y, lambda t, x, y: 2.0 * t * x],
                  adjoints=[lambda g, x, y: 2.0 * g * y, lambda g, x, y: 2.0 * g * y])
    assert len(s2sad.check_grads(uses_scaled, (0.3, 0.7), wrt="x")) == 2
    with pytest.raises(s2sad.CheckError, match=r"the adjoint of uses_scaled with respect to "
                       r"'y' \(argument 1\) is off by .* from the tangent \(dot-product test\)"):
        s2sad.check_grads(uses_scaled, (0.3, 0.7), wrt=(0, 1))
    with pytest.raises(s2sad.CheckError, match="adjoint .* from the divided differences"):
        s2sad.check_grads(uses_scaled, (0.3, 0.7), wrt=1, modes="reverse")
    checks = s2sad.check_grads(uses_scaled, (0.3, 0.7), wrt=1, modes=("forward",))
    assert [c.what for c in checks] == ["tangent vs divided differences"]


def test_the_error_names_the_function_file_and_line(registered):
    s2sad.defrule(scaled, tangents=[lambda t, x, y: 3.0 * t * y, right_tangent],
                  adjoints=[lambda g, x, y: 3.0 * g * y, lambda g, x, y: 2.0 * g * x])
    with pytest.raises(s2sad.Error) as info:
        s2sad.check_grads(uses_scaled, (0.3, 0.7))
    line = uses_scaled.__code__.co_firstlineno
    assert str(info.value).startswith(f"{__file__}:{line}: check_grads:")
    assert "s2sad.check_rule" in str(info.value)


def test_a_kink_is_reported_not_passed():
    def kinked(x):
        return abs(x) * 2.0

    assert s2sad.check_grads(kinked, (0.5,))
    with pytest.raises(s2sad.CheckError, match="not smooth"):
        s2sad.check_grads(kinked, (0.0,))


def test_the_step_shrinks_near_the_edge_of_the_domain():
    def logarithm(x):
        return math.log(x)

    checks = s2sad.check_grads(logarithm, (0.003,))
    assert all(c.error < 1e-9 for c in checks)


def test_a_function_undefined_on_one_side_cannot_be_checked():
    def root(x):
        return math.sqrt(x)

    with pytest.raises(s2sad.CheckError, match="undefined or not finite"):
        s2sad.check_grads(root, (0.0,))


def test_float32_arguments_are_checked_in_double_precision():
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=3).astype(np.float32), rng.normal(size=(4, 3)).astype(np.float32)
    checks = s2sad.check_grads(layer, (x, W), wrt=(0, 1))
    assert all(c.error < 1e-10 for c in checks), checks


@pytest.mark.parametrize("call, message", [
    (lambda: s2sad.check_grads(griewank_walther, 1.5), "arguments as a tuple"),
    (lambda: s2sad.check_grads(griewank_walther, (1.5, 0.5), modes="both"), "modes="),
    (lambda: s2sad.check_grads(griewank_walther, (1.5, 0.5), wrt="z"), "names no parameter"),
    (lambda: s2sad.check_grads(griewank_walther, (1.5,), wrt=1), "args holds 1 value"),
    (lambda: s2sad.check_grads(griewank_walther, ("a", 0.5)), "'x1'"),
    (lambda: s2sad.check_grads(3.0, (1.5,)), "needs a function"),
])
def test_usage_errors(call, message):
    with pytest.raises(s2sad.Error, match=message):
        call()
