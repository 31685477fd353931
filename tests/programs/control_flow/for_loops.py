"""`for` over `range` (bounds from constants, arguments, `len` and `shape`), over rows
and over tuples."""
import math

import numpy as np

from .data import anyv


def for_range_n(x, n):
    y = x
    for i in range(n):
        y = math.sin(y) + x
    return y


def for_range_ab(x):
    s = 0.0
    for i in range(2, 5):
        s = s + x ** i
    return s


def for_range_step(x):
    s = 0.0
    for i in range(1, 8, 3):
        s = s + math.sin(i * x)
    return s


def for_range_negative_step(x):
    s = 0.0
    for i in range(len(x) - 1, -1, -2):
        s = s * x[i] + x[i]
    return s


def for_range_negative_step_scalar(x, n):
    s = x
    for i in range(n, 0, -1):
        s = s * x / i + 1.0
    return s


def for_range_runtime_step(x, a, b, step):
    s = 0.0
    for i in range(a, b, step):
        s = s + x[i] * x[i] * i
    return s


def for_range_horner_scalar(x, c):
    s = 0.0
    for i in range(3):
        s = s * x + c
    return s


def for_range_len(x):
    s = 1.0
    for i in range(len(x)):
        s = s * (1.0 + x[i] ** 2)
    return s


def for_range_shape(X):
    s = 0.0
    for i in range(X.shape[0]):
        s = s + np.sum(np.sin(X[i]) * X[i, 0])
    return s


def for_range_int_args(x, a, b):
    s = 0.0
    for k in range(a, b):
        s = s + math.cos(k * x)
    return s


def for_range_computed_bounds(x, n):
    s = 0.0
    for i in range(n // 2, 2 * n - 1, 2):
        s = s + x[i % len(x)] * i
    return s * s


def for_index_used(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * (i + 1) + x[i] ** 2 / (i + 1)
    return s


def for_rows(X, w):
    s = 0.0
    for row in X:
        s = s + np.tanh(row @ w)
    return s


def for_rows_array_carry(X):
    h = np.zeros(X.shape[1])
    for row in X:
        h = np.sin(h) + row * row
    return np.sum(h)


def for_array_elements(x):
    s = 0.0
    for v in x:
        s = s * 0.5 + v * v
    return s


def for_tuple(x, a, b, c):
    s = 0.0
    for w in (a, b, c):
        s = s * x + w
    return s


def for_tuple_squares(a, b):
    s = 0.0
    for w in (a, b):
        s = s * 2.0 + w * w
    return s


def for_tuple_of_expressions(x, y):
    s = 0.0
    for w in (x, x * y, math.sin(y)):
        s = s + w * w
    return s


def for_index_after_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s * x ** i


def for_bound_changed_in_body(x):
    n = 3
    for i in range(n):
        n = n + 1
        x = x * 1.1 + math.sin(x)
    return x * n


CASES = [
    (for_range_n, (0.7, 4), 0),
    (for_range_ab, (1.3,), 0),
    (for_range_step, (0.4,), 0),
    (for_range_negative_step, (anyv(5),), 0),
    (for_range_negative_step, (anyv(6),), 0),
    (for_range_negative_step_scalar, (0.8, 4), 0),
    (for_range_runtime_step, (anyv(6), 5, 0, -2), 0),
    (for_range_runtime_step, (anyv(6), 1, 6, 2), 0),
    (for_range_horner_scalar, (0.5, 0.3), (0, 1)),
    (for_range_len, (anyv(4),), 0),
    (for_range_shape, (anyv(3, 2),), 0),
    (for_range_int_args, (0.7, 2, 6), 0),
    (for_range_computed_bounds, (anyv(4), 3), 0),
    (for_index_used, (anyv(4),), 0),
    (for_rows, (anyv(4, 3), anyv(3)), (0, 1)),
    (for_rows_array_carry, (anyv(3, 2),), 0),
    (for_array_elements, (anyv(4),), 0),
    (for_tuple, (0.7, 1.1, -0.4, 2.0), (0, 1, 2, 3)),
    (for_tuple_squares, (0.5, 0.7), (0, 1)),
    (for_tuple_of_expressions, (0.7, 1.3), (0, 1)),
    (for_index_after_loop, (0.7, 4), 0),
    (for_bound_changed_in_body, (0.4,), 0),
]
