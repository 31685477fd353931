"""Conditional expressions: `a if c else b` is a branch inside an expression."""
import math

import numpy as np

from .data import A, MIXED


def ce_simple(x):
    return x * x if x > 0 else -x


def ce_nested(x, y):
    z = x * y if x > 0 else (x + y if y > 0 else x - y)
    return z * z


def ce_max_like(x, y):
    return (x if x > y else y) * x


def ce_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + (x * i if i % 2 == 0 else x * x)
    return s


def ce_in_loop_array(x):
    s = 0.0
    for i in range(len(x)):
        s = s + (x[i] * x[i] if x[i] > 0 else math.sin(x[i]))
    return s


def ce_array(x):
    return np.sum(x * x) if np.sum(x) > 0 else np.sum(np.sin(x))


def ce_operand(x, y):
    return x * (y if y > 0 else x) + (x if x < 1 else y) * y


def ce_nested_in_loop(x, y, n):
    s = x
    for i in range(n):
        s = (s * y if s > 0 else -s * y) if i % 2 == 0 else (math.sin(s) if y > 0 else s)
    return s


CASES = [
    (ce_simple, (0.7,), 0),
    (ce_simple, (-0.7,), 0),
    (ce_nested, (0.6, 0.4), (0, 1)),
    (ce_nested, (-0.6, 0.4), (0, 1)),
    (ce_nested, (-0.6, -0.4), (0, 1)),
    (ce_max_like, (0.9, 0.4), (0, 1)),
    (ce_max_like, (0.4, 0.9), (0, 1)),
    (ce_in_loop, (0.7, 5), 0),
    (ce_in_loop_array, (MIXED,), 0),
    (ce_array, (A([0.5, -0.2, 0.9]),), 0),
    (ce_array, (A([-0.5, -0.2, 0.3]),), 0),
    (ce_operand, (0.6, 0.8), (0, 1)),
    (ce_operand, (1.6, -0.8), (0, 1)),
    (ce_nested_in_loop, (0.6, 0.8, 5), (0, 1)),
    (ce_nested_in_loop, (-0.6, -0.8, 5), (0, 1)),
]
