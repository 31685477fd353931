"""`break` and `continue`: an exit cuts a trip short; the backward sweep must skip the
same work."""
import numpy as np

from .data import A, MIXED


def brk_first_above(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0.8:
            break
        s = s + x[i] * x[i]
    return s


def brk_keeps_last(x):
    y = 0.0
    for i in range(len(x)):
        y = x[i] * y + x[i]
        if y > 1.0:
            break
    return y * y


def cont_skip(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        s = s + np.exp(x[i])
    return s


def while_power_sum(x, n):
    i = 0
    s = 0.0
    while i < n:
        i += 1
        s = s + x ** i
    return s


def cont_while(x, n):
    i = 0
    s = 0.0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        s = s + x ** i
    return s


def brk_and_cont(x):
    s = 1.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        s = s * (1.0 + x[i])
        if s > 3.0:
            break
        s = s + x[i] * x[i]
    return s


CASES = [
    (brk_first_above, (A([0.3, -0.5, 0.6, 0.95, 0.2]),), 0),
    (brk_first_above, (A([0.3, -0.5, 0.6]),), 0),
    (brk_keeps_last, (A([0.3, 0.5, 0.9, 0.7]),), 0),
    (cont_skip, (MIXED,), 0),
    (while_power_sum, (0.8, 3), 0),
    (cont_while, (0.8, 7), 0),
    (brk_and_cont, (A([0.5, -0.3, 0.4, 0.6, 0.2]),), 0),
]
