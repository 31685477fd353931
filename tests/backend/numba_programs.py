"""Programs the compiled backend's tests differentiate: scalar loops, loops over arrays, a
helper with a derivative of its own, and constructs numba refuses (the Elman network they
also differentiate is in programs/elman.py)."""
import math

import numpy as np
import scipy.special


def logistic_map(r, x, n):
    for _ in range(n):
        x = r * x * (1.0 - x)
    return x


def sum_of_squares(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


def grow_until(x):
    while x < 10.0:
        x = x * 1.5 + math.sin(x)
    return x


def branches_and_break(x, n):
    s = 0.0
    for i in range(n):
        if s > 3.0:
            break
        if i % 2 == 0:
            s = s + math.sin(x * i)
        else:
            s = s * x
    return s


def element_writes(x):
    n = len(x)
    y = np.zeros(n)
    for i in range(n):
        y[i] = math.sin(x[i]) * x[n - 1 - i]
    return np.sum(y * y)


def _step(x, a):
    if x > a:
        return x * x - a
    return math.cos(x) * a


def with_helper(x, a):
    s = 0.0
    for _ in range(4):
        s = s + _step(x, a)
        x = 0.5 * x
    return s


def _clipped(x):
    if x > 1.0:
        return 1.0
    return x * x


def uses_clipped(x):
    s = 0.0
    for i in range(3):
        s = s + _clipped(x * i) * x
    return s


def special_call(x):
    s = 0.0
    for i in range(3):
        s = s + scipy.special.gammaln(x + i)
    return s


def fsum_call(x):
    return math.fsum([x, x * x, math.sin(x)])


def elman_args(rng, steps=4, inputs=3, hidden=5, outputs=2):
    return (rng.normal(size=(inputs, hidden)) / 2, rng.normal(size=(hidden, hidden)) / 3,
            rng.normal(size=hidden) / 4, rng.normal(size=(hidden, outputs)) / 2,
            rng.normal(size=(steps, inputs)), rng.uniform(size=(steps, outputs)))


def stack_of_numbers(x):
    v = np.stack([x, 2.0 * x])
    return np.sum(v * v)

