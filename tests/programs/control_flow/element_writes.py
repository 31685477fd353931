"""Element and slice assignment: writes into arrays overwrite values the backward sweep
may need."""
import math

import numpy as np

from .data import A, anyv, MIXED


def set_loop(x):
    n = len(x)
    y = np.zeros(n)
    for i in range(n):
        y[i] = math.sin(x[i]) * x[n - 1 - i]
    return np.sum(y * y)


def set_no_loop(x):
    y = np.zeros(3)
    y[0] = x[0] * x[1]
    y[2] = np.exp(x[2])
    y[1] = y[0] + y[2]
    return np.sum(y * x)


def set_2d(x):
    n = len(x)
    Y = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            Y[i, j] = x[i] * x[j] + i
    return np.sum(np.tanh(Y))


def set_2d_rows(X):
    Y = np.zeros(X.shape)
    for i in range(X.shape[0]):
        Y[i] = np.sin(X[i]) * (i + 1)
    return np.sum(Y * Y)


def set_slice(x):
    n = len(x)
    y = np.zeros(n + 2)
    y[1:n + 1] = x * x
    y[0:2] = y[0:2] + x[0]
    return np.sum(np.sin(y) * y)


def set_on_copy(x):
    x = x.copy()
    x[0] = x[0] * x[1]
    x[1] = math.sin(x[0])
    return np.sum(x ** 2)


def set_on_copy_loop(x):
    y = x.copy()
    for i in range(len(x)):
        y[i] = y[i] * x[i] + 1.0
    return np.sum(y * y)


def prefix_sum(x):
    y = x.copy()
    for i in range(1, len(x)):
        y[i] = y[i - 1] + y[i]
    return np.sum(np.tanh(y) * y)


def prefix_product(x):
    y = x.copy()
    for i in range(1, len(x)):
        y[i] = y[i - 1] * y[i]
    return np.sum(y)


def overwrite_element(x):
    y = np.zeros(2)
    y[0] = x[0] * x[1]
    y[0] = y[0] * y[0] + x[1]
    y[0] = np.sin(y[0])
    y[1] = y[0] * x[0]
    return np.sum(y * y)


def overwrite_element_in_loop(x, n):
    y = np.zeros(2)
    y[0] = x
    for i in range(n):
        y[1] = y[0] * y[0]
        y[0] = math.sin(y[1]) + x
    return y[0] * y[1]


def set_in_branch(x):
    y = np.zeros(len(x))
    for i in range(len(x)):
        if x[i] > 0:
            y[i] = x[i] * x[i]
        else:
            y[i] = -x[i]
    return np.sum(y * x)


def set_from_scalar(a, b):
    y = np.zeros(3)
    y[0] = a
    y[1] = a * b
    y[2] = math.sin(b)
    return np.sum(y * y) + y[0] * y[2]


def set_computed_index(x):
    y = np.ones(2)
    for i in range(len(x)):
        y[i % 2] = y[i % 2] * x[i] + 0.5
    return np.sum(y * y)


def set_ifexp(x):
    y = np.zeros(len(x))
    for i in range(len(x)):
        y[i] = x[i] * x[i] if x[i] > 0 else 0.0
    return np.sum(y * x)


def set_fresh_copy_each_trip(x):
    s = 0.0
    for k in range(3):
        y = x.copy()
        y[k] = y[k] * s + 1.0
        s = s + np.sum(y * y)
    return s


def set_2d_recurrence(X):
    Y = X.copy()
    for i in range(1, X.shape[0]):
        for j in range(X.shape[1]):
            Y[i, j] = Y[i - 1, j] * Y[i, j] + 0.1
    return np.sum(Y ** 2)


CASES = [
    (set_loop, (anyv(4),), 0),
    (set_no_loop, (anyv(3),), 0),
    (set_2d, (anyv(3),), 0),
    (set_2d_rows, (anyv(3, 2),), 0),
    (set_slice, (anyv(4),), 0),
    (set_on_copy, (anyv(3),), 0),
    (set_on_copy_loop, (anyv(4),), 0),
    (prefix_sum, (anyv(5),), 0),
    (prefix_product, (anyv(5),), 0),
    (overwrite_element, (anyv(2),), 0),
    (overwrite_element_in_loop, (0.6, 3), 0),
    (set_in_branch, (MIXED,), 0),
    (set_from_scalar, (0.6, 1.3), (0, 1)),
    (set_computed_index, (A([0.3, -0.6, 0.9, 0.5, -0.2]),), 0),
    (set_ifexp, (A([0.3, -0.6, 0.9]),), 0),
    (set_fresh_copy_each_trip, (A([0.3, -0.6, 0.9]),), 0),
    (set_2d_recurrence, (A([[0.3, -0.6, 0.2], [0.5, 0.1, -0.4], [0.9, 0.8, 0.7]]),), 0),
]


def written_argument(x):
    """Writes into its argument: the derivative works on a copy (`x = x.copy()` opens
    the generated code), so the caller's array is left as it was."""
    a = x[0]
    b = x[1]
    x[0] = a * b
    x[2] += math.sin(x[0])
    return np.sum(x * x)
