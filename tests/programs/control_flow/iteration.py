"""`for` over `enumerate`, `zip` and `reversed` of ranges, arrays and tuples, with tuple
targets, alone, nested, in branches, with `break`/`continue`, and in helpers; and
`assert` kept as a check. A run-time sequence becomes a counter loop, a tuple is
unrolled."""
import math

import numpy as np

from .data import anyv, pos


def it_enumerate_array(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + v * v * (i + 1)
    return s


def it_enumerate_start(x):
    s = 0.0
    for k, v in enumerate(x, start=2):
        s = s + math.sin(v) * k
    return s


def it_enumerate_tuple(a, b):
    s = 0.0
    for i, v in enumerate((a, b, a * b), 1):
        s = s * v + i
    return s


def it_zip_arrays(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * math.cos(b)
    return s


def it_zip_three(x, y, z):
    s = 0.0
    for a, b, c in zip(x, y, z):
        s = s + a * b - c * c
    return s


def it_zip_range(x):
    s = 0.0
    for i, v in zip(range(1, 10, 2), x):
        s = s + v ** 2 * i
    return s


def it_zip_tuples(a, b):
    s = 0.0
    for p, q in zip((a, b), (b * b, a)):
        s = s + p * q
    return s


def it_enumerate_zip(x, y):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, y)):
        s = s + a * b * i + a
    return s


def it_reversed_range(x):
    s = 0.0
    for i in reversed(range(len(x))):
        s = s * 0.5 + x[i]
    return s


def it_reversed_range_step(x, a, b):
    s = 0.0
    for i in reversed(range(a, b, 2)):
        s = s * x[i] + x[i]
    return s


def it_reversed_range_negative_step(x, a, b):
    s = 0.0
    for i in reversed(range(a, b, -3)):
        s = s * 0.7 + x[i] * i
    return s


def it_reversed_constant_range(x):
    s = 0.0
    for i in reversed(range(1, 8, 3)):
        s = s * x + i
    return s


def it_reversed_array(x):
    s = 0.0
    for v in reversed(x):
        s = s * 0.9 + math.exp(v)
    return s


def it_reversed_tuple(a, b):
    s = 1.0
    for v in reversed((a, b, a + b)):
        s = s * v + 1.0
    return s


def it_rows_unpacked(X):
    s = 0.0
    for a, b in X:
        s = s + a * math.sin(b)
    return s


def it_pairs_of_tuple(a, b, c):
    s = 0.0
    for p, q in ((a, b), (b, c), (c, a)):
        s = s + p * q
    return s


def it_nested_targets(a, b, c):
    s = 0.0
    for (p, q), r in (((a, b), c), ((c, a), b)):
        s = s + p * q - r
    return s


SHIFT = 0.5


def it_tuple_with_global_assigned(p, q):
    """A tuple whose first element is a module-level value, the target assigned on one
    path of the body: that path reads the name's variable, which holds the value."""
    for u in (SHIFT, p * p):
        if p > 1.0:
            u = 1.0 / (1.0 + math.exp(-(q * p + q)))
        else:
            q = q * np.cos(u)
    return np.cos(q) * u


def it_enumerate_rows(X):
    s = 0.0
    for i, (a, b, c) in enumerate(X):
        s = s + (a * b + c) * (i + 1)
    return s


def it_array_carry(X, w):
    h = np.zeros(len(w))
    for i, row in enumerate(X):
        h = np.tanh(h * w + row) * (i + 1)
    return np.sum(h)


def it_break_in_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        if v > 0.8:
            break
        s = s + v * i
    return s


def it_continue_in_zip(x, y):
    s = 0.0
    for a, b in zip(x, y):
        if a < 0:
            continue
        s = s + a * b
    return s


def it_in_branch(x, y, flag):
    s = 0.0
    if flag > 0:
        for a, b in zip(x, y):
            s = s + a * b
    else:
        for i, v in enumerate(x):
            s = s - v * i
    return s


def it_nested_loops(x, y):
    s = 0.0
    for i, a in enumerate(x):
        for j, b in enumerate(y):
            s = s + a * b * (i - j)
    return s


def _weighted(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b
    return s


def it_helper_in_loop(x, y):
    s = 0.0
    for k in range(3):
        s = s + _weighted(x * k, y)
    return s


def it_assert(x):
    s = 0.0
    assert len(x) > 1, "needs two values"
    for i, v in enumerate(x):
        assert v < 10.0
        s = s + v * v
    return s


def it_assert_in_branch(a, b):
    if a > b:
        assert a - b > 0.0
        y = a * b
    else:
        y = a + b
    return y * a


CASES = [
    (it_enumerate_array, (anyv(4),), 0),
    (it_enumerate_start, (anyv(4),), 0),
    (it_enumerate_tuple, (0.7, -0.4), (0, 1)),
    (it_zip_arrays, (anyv(4), anyv(5)), (0, 1)),
    (it_zip_three, (anyv(3), anyv(3), anyv(4)), (0, 1, 2)),
    (it_zip_range, (anyv(7),), 0),
    (it_zip_tuples, (0.6, 1.3), (0, 1)),
    (it_enumerate_zip, (anyv(4), anyv(4)), (0, 1)),
    (it_reversed_range, (anyv(4),), 0),
    (it_reversed_range_step, (anyv(7), 1, 6), 0),
    (it_reversed_range_step, (anyv(7), 2, 7), 0),
    (it_reversed_range_step, (anyv(7), 5, 1), 0),
    (it_reversed_range_negative_step, (anyv(8), 7, 0), 0),
    (it_reversed_range_negative_step, (anyv(8), 6, 1), 0),
    (it_reversed_constant_range, (0.6,), 0),
    (it_reversed_array, (anyv(4),), 0),
    (it_reversed_tuple, (0.6, -0.8), (0, 1)),
    (it_rows_unpacked, (anyv(4, 2),), 0),
    (it_pairs_of_tuple, (0.6, -0.8, 1.1), (0, 1, 2)),
    (it_nested_targets, (0.6, -0.8, 1.1), (0, 1, 2)),
    (it_enumerate_rows, (anyv(3, 3),), 0),
    (it_array_carry, (anyv(3, 2), anyv(2)), (0, 1)),
    (it_break_in_enumerate, (np.array([0.3, -0.5, 0.6, 0.95, 0.2]),), 0),
    (it_continue_in_zip, (np.array([0.3, -0.5, 0.6, 0.2]), anyv(4)), (0, 1)),
    (it_in_branch, (anyv(3), anyv(3), 1.0), (0, 1)),
    (it_in_branch, (anyv(3), anyv(3), -1.0), (0, 1)),
    (it_nested_loops, (anyv(3), anyv(2)), (0, 1)),
    (it_helper_in_loop, (anyv(3), anyv(3)), (0, 1)),
    (it_assert, (anyv(4),), 0),
    (it_assert_in_branch, (1.5, 0.5), (0, 1)),
    (it_assert_in_branch, (0.5, 1.5), (0, 1)),
    (it_enumerate_start, (pos(3),), 0),
    (it_tuple_with_global_assigned, (0.3, 0.2), (0, 1)),
    (it_tuple_with_global_assigned, (1.3, 0.2), (0, 1)),
]
