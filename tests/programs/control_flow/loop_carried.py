"""Loop-carried variables: values overwritten every trip must be saved and restored in
reverse."""
import math

import numpy as np

from .data import A, anyv, pos


def logistic(x, n):
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def logistic_new_name(x0, n):
    x = x0
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def fib_like(a, b, n):
    for i in range(n):
        a, b = b, a + b
    return a * b


def fib_nonlinear(a, b, n):
    for i in range(n):
        a, b = b, a * b + 0.5
    return a + b


def two_carried(x, y, n):
    u = x
    v = y
    for i in range(n):
        u, v = u * math.cos(v), v + 0.3 * u
    return u * v


def accum_sq(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


def accum_product(x):
    p = 1.0
    for i in range(len(x)):
        p *= x[i]
    return p


def accum_array(X):
    acc = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        acc = acc + X[i] * X[i]
    return np.sum(np.sqrt(acc))


def accum_two(x):
    s = 0.0
    q = 1.0
    for i in range(len(x)):
        s = s + x[i]
        q = q * s
    return q


def carried_array_argument(x, w):
    for i in range(3):
        x = np.tanh(x * w) + x
    return np.sum(x)


def carried_array_pair(u, v):
    for i in range(3):
        u, v = np.sin(v) * u, u + v * 0.5
    return np.sum(u * v)


CASES = [
    (logistic, (0.3, 6), 0),
    (logistic_new_name, (0.3, 6), 0),
    (fib_like, (0.7, 1.1, 5), (0, 1)),
    (fib_nonlinear, (0.7, 1.1, 4), (0, 1)),
    (two_carried, (0.7, 0.4, 4), (0, 1)),
    (accum_sq, (anyv(5),), 0),
    (accum_product, (anyv(5),), 0),
    (accum_array, (pos(3, 2),), 0),
    (accum_two, (anyv(4),), 0),
    (carried_array_argument, (A([0.3, -0.6, 0.9]), A([0.5, 1.2, -0.7])), (0, 1)),
    (carried_array_pair, (A([0.3, -0.6]), A([0.5, 1.2])), (0, 1)),
]
