"""A model over several lines: a loop, a branch, a helper with a derivative of its own
(`damped`) and one inlined from another module (`parts.polar`)."""
import math

import numpy as np

from programs.located.parts import polar


def damped(a, b):
    c = a * b
    return math.sin(c) + b


def model(x, y):
    a = x * y
    s = 1.0
    for i in range(3):
        if a > 0.0:
            s = s + damped(a, s)
        else:
            s = s - a
    u, v = polar(s, x)
    return math.log(u * u + v * v) + a


def root(x):
    y = 3.0 * x
    return math.sqrt(y)


def logs(x):
    t = np.log(x)
    return np.sum(t * 2.0)


def product(a, b):
    c = a @ b
    return np.sum(np.sin(c))
