"""Comprehensions and iteration beyond the control-flow table: what central differences
cannot check (ties, failing checks, empty sequences), a fold the dual-number oracle does
not know (`math.fsum`), and `reversed(range(...))` over many bounds against Python's own."""
import numpy as np
import pytest

import s2sad
from programs.control_flow.comprehensions import co_static_fsum
from programs.control_flow.iteration import it_assert
from util import assert_close, numeric_grad


def first_of_equal_max(a):
    return max(v for v in (a, 2.0 * a - 1.0))


def first_of_equal_max_loop(x, w):
    return max(v * u for v, u in zip(x, w))


def first_of_equal_min_loop(x, y):
    return min(a - b for a, b in zip(x, y))


def test_max_takes_the_first_of_equal_values_like_python():
    """At a = 1 both values are 1; Python returns the first, whose derivative is 1."""
    assert s2sad.grad(first_of_equal_max)(1.0) == 1.0
    assert s2sad.jvp(first_of_equal_max)(1.0, 1.0)[1] == 1.0


def test_a_run_time_max_and_min_keep_the_first_of_equal_values():
    x, w = np.array([0.5, 0.25, 0.25]), np.array([1.0, 2.0, 2.0])  # all products 0.5
    grad = s2sad.grad(first_of_equal_max_loop)(x, w)
    assert_close(grad, np.array([1.0, 0.0, 0.0]))
    tangent = s2sad.jvp(first_of_equal_max_loop)(x, w, np.array([0.3, 0.7, 0.9]))[1]
    assert_close(tangent, 0.3)
    gx, gy = s2sad.grad(first_of_equal_min_loop, wrt=(0, 1))(np.array([1.0, 2.0]),
                                                                np.array([0.5, 1.5]))
    assert_close(gx, np.array([1.0, 0.0]))
    assert_close(gy, np.array([-1.0, 0.0]))


def empty_max(x, n):
    return max(x[i] for i in range(n))


def test_max_of_an_empty_sequence_fails_in_both_modes():
    with pytest.raises(AssertionError, match="empty sequence"):
        s2sad.grad(empty_max)(np.ones(3), 0)
    with pytest.raises(AssertionError, match="empty sequence"):
        s2sad.jvp(empty_max)(np.ones(3), 0, np.ones(3))


def test_an_assert_checks_in_both_modes():
    """(The programs with `assert` live outside the test files, whose asserts pytest
    rewrites.)"""
    x = np.array([0.5, 0.2])
    assert_close(s2sad.grad(it_assert)(x), 2.0 * x)
    with pytest.raises(AssertionError, match="needs two values"):
        s2sad.grad(it_assert)(np.array([0.5]))
    with pytest.raises(AssertionError, match="needs two values"):
        s2sad.jvp(it_assert)(np.array([0.5]), np.ones(1))
    with pytest.raises(AssertionError):
        s2sad.grad(it_assert)(np.array([0.5, 20.0]))
    with pytest.raises(AssertionError):
        s2sad.jvp(it_assert)(np.array([0.5, 20.0]), np.ones(2))


def test_fsum_of_a_generator_over_a_tuple():
    args = (0.6, -1.3)
    grad = s2sad.grad(co_static_fsum, wrt=(0, 1))(*args)
    assert_close(grad, numeric_grad(co_static_fsum, args, (0, 1)))
    _, tangent = s2sad.jvp(co_static_fsum, wrt=(0, 1))(*args, (1.0, 0.0))
    assert_close(tangent, grad[0])


def reversed_steps(x, a, b):
    s = 0.0
    for i in reversed(range(a, b, 2)):
        s = s * 0.5 + x[i] * (i + 1)
    return s


def reversed_steps_back(x, a, b):
    s = 0.0
    for i in reversed(range(a, b, -3)):
        s = s * 0.5 + x[i] * (i + 1)
    return s


@pytest.mark.parametrize("fn", [reversed_steps, reversed_steps_back])
def test_reversed_range_visits_pythons_numbers(fn):
    x = np.linspace(0.1, 0.9, 9)
    derivative = s2sad.value_and_grad(fn)
    for a in range(9):
        for b in range(9):
            value, grad = derivative(x, a, b)
            assert value == fn(x, a, b)
            assert_close(grad, numeric_grad(fn, (x, a, b), 0))
