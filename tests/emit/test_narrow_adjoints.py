"""The adjoint of a full sum or mean stays a number while elementwise operations of
same-shaped operands carry it (`x_bar = 2 * t_bar * x`, no array of copies of the seed),
and becomes the array it stands for wherever anything else reads it. Each case is
checked against central differences, in both the gradient-only and the value-returning
adjoints."""
import numpy as np
import pytest

import s2sad
from util import numeric_grad


def plain_sum(x):
    return np.sum(x)


def scaled_sum(x):
    return np.sum(3.0 * x + 1.0)


def squares(x):
    return np.sum(x * x) + np.mean(x ** 3)


def with_a_number(x, s):
    return np.sum(x * s)


def broadcast_row(A, r):
    return np.sum(A * r)


def into_a_product(A, v):
    return np.sum(np.tanh(A @ v) * 2.0)


def into_a_slice(x):
    return np.mean(x[1:] * 2.0)


def in_a_loop(x):
    total = 0.0
    for i in range(3):
        total = total + np.sum(x * float(i + 1))
    return total


def in_a_branch(x):
    if x[0] > 0:
        y = np.sum(x * 2.0)
    else:
        y = np.sum(x ** 2)
    return y


def reused(x):
    t = x * 2.0
    return np.sum(t) + np.sum(t * x)


def helper(v):
    return v * 2.0


def through_a_helper(x):
    return np.sum(helper(x))


def element_then_mean(x, y):
    w = np.zeros(3) + x * y
    a = w[1]
    b = np.mean(w)
    return a * b + x


def slice_written_after_sum(v):
    t = np.sin(v)
    w = np.zeros(3)
    w[1:] = t[:2]
    return np.sum(t) + np.sum(w * w)


rng = np.random.default_rng(5)
CASES = [
    # an element read or written after a mean's adjoint (regressions: the element's
    # adjoint was added into the number standing for the array)
    (element_then_mean, (0.3, 0.7), (0, 1)),
    (slice_written_after_sum, (rng.uniform(0.5, 1.5, 3),), (0,)),
    (plain_sum, (rng.uniform(0.5, 1.5, 4),), (0,)),
    (scaled_sum, (rng.uniform(0.5, 1.5, (2, 3)),), (0,)),
    (squares, (rng.uniform(0.5, 1.5, 5),), (0,)),
    (with_a_number, (rng.uniform(0.5, 1.5, 4), 1.5), (0, 1)),
    (broadcast_row, (rng.uniform(0.5, 1.5, (3, 4)), rng.uniform(0.5, 1.5, 4)), (0, 1)),
    (into_a_product, (rng.uniform(0.5, 1.5, (3, 2)), rng.uniform(0.5, 1.5, 2)), (0, 1)),
    (into_a_slice, (rng.uniform(0.5, 1.5, 5),), (0,)),
    (in_a_loop, (rng.uniform(0.5, 1.5, 3),), (0,)),
    (in_a_branch, (rng.uniform(0.5, 1.5, 3),), (0,)),
    (in_a_branch, (-rng.uniform(0.5, 1.5, 3),), (0,)),
    (reused, (rng.uniform(0.5, 1.5, 4),), (0,)),
    (through_a_helper, (rng.uniform(0.5, 1.5, 4),), (0,)),
]


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_narrow_adjoint_gives_the_full_gradient(fn, args, wrt):
    by_grad = s2sad.grad(fn, wrt=wrt)(*args)
    value, by_value = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    assert value == pytest.approx(fn(*args), rel=1e-14)
    for position, g, h in zip(wrt, by_grad, by_value):
        want = numeric_grad(fn, args, position)
        assert np.shape(g) == np.shape(args[position]) == np.shape(h)
        np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(h, g, rtol=1e-15, atol=0)


def test_the_seed_is_not_spread_where_elementwise_code_carries_it():
    text = s2sad.source(scaled_sum, np.ones((2, 3)))
    assert text.count("full_like") == 1 and \
        "x_bar = np.full_like(x, scaled_sum_bar * 3.0)" in text, text
    text = s2sad.source(broadcast_row, np.ones((3, 4)), np.ones(4), wrt=(0, 1))
    assert "np.full_like(" in text, text  # the row's adjoint sums a broadcast array
