"""The primal statements of a derivative (primal.py): an operation that may raise on
Python numbers is kept even where no derivative reads its value, so a derivative raises
where the function raises instead of returning a number at a point where the function
has none."""
import math

import numpy as np
import pytest

import s2sad


def log(x):
    return math.log(x)


def unused_sqrt(x):
    y = math.sqrt(x)
    return x * 2.0


def unused_reciprocal(x, c):
    y = 1.0 / (x - c)
    return x * x


def inverse_cosine(x):
    return math.acos(x) * 0.0 + x


def overflowing(x):
    big = math.exp(x)
    return x + 1.0


def power_of_zero(x, c):
    z = (x - c) ** -1.0
    return x


def numpy_log(x):
    return np.sum(np.log(x))


@pytest.mark.parametrize("fn, args, error", [
    (log, (-1.0,), ValueError),
    (unused_sqrt, (-1.0,), ValueError),
    (unused_reciprocal, (2.0, 2.0), ZeroDivisionError),
    (inverse_cosine, (2.0,), ValueError),
    (overflowing, (1000.0,), OverflowError),
    (power_of_zero, (2.0, 2.0), ZeroDivisionError),
], ids=lambda v: getattr(v, "__name__", None))
def test_every_derivative_raises_where_the_function_raises(fn, args, error):
    """grad(log)(-1.0) returned -1.0 (value_and_grad raised)."""
    with pytest.raises(error):
        fn(*args)
    derived = [s2sad.grad(fn), s2sad.value_and_grad(fn),
               lambda *a: s2sad.jvp(fn)(*a, 1.0), lambda *a: s2sad.vjp(fn)(*a, 1.0)]
    for derivative in derived:
        for _ in range(3):  # the fast path too
            with pytest.raises(error):
                derivative(*args)


def test_where_the_function_is_defined_nothing_changes():
    assert s2sad.grad(log)(2.0) == 0.5
    assert s2sad.grad(unused_sqrt)(4.0) == 2.0
    assert s2sad.grad(unused_reciprocal)(3.0, 2.0) == 6.0
    text = s2sad.source(unused_sqrt, 4.0, mode="gradient")
    assert "    math.sqrt(x)\n" in text  # kept, as a bare expression: nothing reads it


def test_numpy_values_are_not_kept():
    """NumPy gives nan with a warning where math raises: the gradient of np.log skips
    the log, as before."""
    text = s2sad.source(numpy_log, np.ones(3), mode="gradient")
    assert "np.log" not in text
    np.testing.assert_allclose(s2sad.grad(numpy_log)(np.array([0.5, 2.0])), [2.0, 0.5])


def swap_twice(x, n):
    a = x * 2.0
    for i in range(n):
        a *= 0.5
    a, x = x, math.atan(x)
    a, x = x, math.cos(a)
    return x + a


def test_gradient_alone_keeps_the_value_an_overwrite_saves():
    """The adjoint without the value keeps only what the backward sweep reads; the value a
    straight-line overwrite saves for it (`a_saved = a`) counts as read, so the earlier
    assignment of `a` stays (it was dropped: UnboundLocalError; found by the fuzzer)."""
    x = 1.016
    want = -math.sin(x) + 1 / (1 + x * x)
    assert s2sad.grad(swap_twice)(x, 2) == pytest.approx(want, rel=1e-14)
    assert s2sad.value_and_grad(swap_twice)(x, 2)[1] == pytest.approx(want, rel=1e-14)
