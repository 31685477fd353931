"""`np.add.at(a, index, v)` is the one call whose value a statement may discard besides
the list methods: what looks like it and is not (another ufunc's `.at`, an `add.at` of
something else, a discarded value) is still refused, and so is `np.add.at` where the
array may share memory or is not named. Its derivatives are checked with the
control-flow programs (tests/programs/control_flow/scatter_adds.py)."""
import types

import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError

IDX = np.array([0, 1, 1])
other = types.SimpleNamespace(add=types.SimpleNamespace(at=np.put))


def subtract_at(x):
    a = np.zeros(3)
    np.subtract.at(a, IDX, x)
    return np.sum(a)


def add_at_of_something_else(x):
    a = np.zeros(3)
    other.add.at(a, IDX, x)
    return np.sum(a)


def discarded_sum(x):
    a = np.zeros(3)
    np.add(a, x)
    return np.sum(a * x)


def add_at_into_argument(x):
    np.add.at(x, IDX, x)
    return np.sum(x)


def add_at_into_view(x):
    a = np.zeros(4)
    b = a[1:]
    np.add.at(b, IDX, x)
    return np.sum(a)


def add_at_keyword(x):
    a = np.zeros(3)
    np.add.at(a, IDX, b=x)
    return np.sum(a)


def add_at_into_element(x):
    a = np.zeros((2, 3))
    np.add.at(a[0], IDX, x)
    return np.sum(a)


@pytest.mark.parametrize("fn, message", [
    (subtract_at, r"an expression statement whose value is discarded"),
    (add_at_of_something_else, r"an expression statement whose value is discarded"),
    (discarded_sum, r"an expression statement whose value is discarded"),
    (add_at_into_view, r"writing into `b`, which may share memory"),
    (add_at_keyword, r"`np.add.at` called otherwise than `np.add.at\(a, index, v\)`"),
    (add_at_into_element, r"`np.add.at` called otherwise than"),
])
def test_refused_with_the_line(fn, message):
    located = r"test_scatter_add_refusals.py:\d+: " + message
    with pytest.raises(UnsupportedError, match=located):
        s2sad.grad(fn)(np.ones(3))
    with pytest.raises(UnsupportedError, match=located):
        s2sad.jvp(fn)(np.ones(3), np.ones(3))


def test_adding_into_an_argument_works_on_a_copy():
    """Like an element write into an argument: the derivative works on a copy."""
    x = np.array([0.5, 1.5, -2.0])
    want = np.full(3, 2.0)  # every x[i] is added once more
    np.testing.assert_allclose(s2sad.grad(add_at_into_argument)(x), want)
    assert s2sad.jvp(add_at_into_argument)(x, np.ones(3))[1] == pytest.approx(want.sum())
    np.testing.assert_array_equal(x, [0.5, 1.5, -2.0])


def repeated(x):
    a = np.zeros(2)
    np.add.at(a, IDX, x * x)
    return a[1]


def test_repeated_indices_add_every_value():
    """x[1] and x[2] both land in a[1]: each gets its own derivative (`a[IDX] += v`
    would keep only x[2]'s)."""
    x = np.array([0.5, 1.5, -2.0])
    np.testing.assert_allclose(s2sad.grad(repeated)(x), [0.0, 3.0, -4.0])
    assert s2sad.jvp(repeated)(x, np.ones(3))[1] == pytest.approx(-1.0)
    np.testing.assert_allclose(s2sad.jacobian(repeated, mode="forward")(x), [0.0, 3.0, -4.0])


def held_slice(x):
    a = np.zeros((2, 4))
    np.add.at(a, np.s_[IDX[:2], 1:3], x[:2, None] * x[None, 1:])
    b = np.zeros((2, 4))
    b[np.s_[0, 1:3]] = x[1:]
    return np.sum(a * a) + np.sum(b * a)


def test_an_index_held_in_a_variable_takes_one_direction_at_a_time():
    """`np.s_[i, 1:3]` is a tuple made at run time: a vector-mode tangent cannot put its
    direction axis in front of it, so that mode refuses at the line, and a Jacobian in
    forward mode takes one direction at a time."""
    x = np.array([0.5, 1.5, -2.0])
    with pytest.raises(UnsupportedError, match=r"test_scatter_add_refusals.py:\d+: writing "
                                               r"into an array at an index held in a variable"):
        s2sad.source(held_slice, x, mode="vector")
    np.testing.assert_allclose(s2sad.jacobian(held_slice, mode="forward")(x),
                               s2sad.grad(held_slice)(x))
    _, tangent = s2sad.jvp(held_slice)(x, np.ones(3))
    assert tangent == pytest.approx(np.sum(s2sad.grad(held_slice)(x)))
