"""`while`: the trip count is only known at run time, so the backward sweep must count it."""
import math

import numpy as np

from .data import A


def while_halve(x):
    y = x
    while y > 1.0:
        y = y / 2.0
    return y * y + x


def while_sqrt_count(x):
    y = x
    k = 0
    while y > 1.5:
        y = math.sqrt(y) * 0.9
        k += 1
    return y * k


def while_counter(x, n):
    i = 0
    s = x
    while i < n:
        s = s * s * 0.5 + x
        i += 1
    return s


def while_array(x):
    y = x
    while np.sum(y * y) > 1.0:
        y = y * 0.5 + np.sin(y) * 0.1
    return np.sum(y * x)


def while_true_break(x):
    y = x
    while True:
        y = y * 1.5 + 0.1
        if y > 10.0:
            break
    return y * x


def while_two_conditions(x, y):
    i = 0
    while i < 10 and x < 5.0:
        x = x * y + 0.5
        i += 1
    return x


def while_counter_used(x):
    k = 0
    y = x
    while y < 10.0:
        y = y * 1.7
        k = k + 1
    return y * k + x * k * k


CASES = [
    (while_halve, (5.0,), 0),
    (while_halve, (0.6,), 0),
    (while_sqrt_count, (30.0,), 0),
    (while_counter, (0.4, 3), 0),
    (while_array, (A([1.5, -2.0, 0.8]),), 0),
    (while_true_break, (0.7,), 0),
    (while_two_conditions, (0.5, 1.3), (0, 1)),
    (while_two_conditions, (0.5, 2.9), (0, 1)),
    (while_counter_used, (0.7,), 0),
]
