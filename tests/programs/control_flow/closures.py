"""Nested `def`s and lambdas (inlined where they are called, frontend/inline.py): closing
over the enclosing function's variables as Python does (read when called), with
defaults, called in loops and branches, passed to `map` and to helpers, and lambdas
assigned at module level."""
import math

import numpy as np

from .data import anyv


def clo_nested_def(x, y):
    a = x * y

    def scaled(t, k=2.0):
        return a * t ** k

    def unused(t):
        return t / 0.0

    return scaled(x) + scaled(y, k=3.0)


def clo_late_binding(x):
    a = x
    g = lambda t: a * t  # noqa: E731
    a = x * x
    return g(3.0) + a


def clo_in_loop(x, n):
    s = 0.0
    step = lambda u: math.sin(u) * x  # noqa: E731
    for i in range(n):
        s = s + step(s + 0.1)
    return s


def clo_reads_loop_variable(x, n):
    s = x

    def grow(t):
        return s * t + x

    for i in range(n):
        s = grow(1.1)
    return s


def clo_in_branch(x):
    sq = lambda t: t * t  # noqa: E731
    if x > 0:
        y = sq(x)
    else:
        y = sq(sq(x))
    return y


def clo_map(x, y):
    a, b = map(lambda t: t * x, (x, y))
    s = 0.0
    for w in map(math.sin, (x, y, a)):
        s = s + w
    c = tuple(map(lambda u, v: u * v, (a, b), (y, x)))
    return a * b + s + c[0] - c[1]


def clo_map_into_array(x):
    v = np.array(list(map(lambda i: x[i] ** 2, (0, 2))))
    return np.sum(v * x[1:])


def apply_twice(f, x):
    return f(f(x))


def clo_passed_to_helper(x):
    return apply_twice(lambda t: math.sin(t) * x, x) + apply_twice(math.cos, x)


cube = lambda x: x * x * x  # noqa: E731


def clo_module_lambda(x):
    return cube(x) + cube(2.0 * x)


def clo_returns_pair(x):
    def both(t):
        return t * x, t + x

    p, q = both(x)
    return p * q


def clo_nested_in_nested(x):
    def outer(t):
        inner = lambda u: u * t * x  # noqa: E731
        return inner(t) + inner(1.0)

    return outer(x) * outer(2.0)


def make_and_use(x):
    k = x * 2.0
    g = lambda t: t * k  # noqa: E731
    return g(x), g(1.0)


def clo_inside_an_inlined_helper(x):
    a, b = make_and_use(x)
    return a * b


def clo_default_read_at_the_def(x, n):
    a = x

    def g(t, k=a):
        return t * k + a

    s = 0.0
    for i in range(n):
        a = a * 1.5
        s = s + g(x)
    return s


CASES = [
    (clo_nested_def, (0.8, 0.6), (0, 1)),
    (clo_late_binding, (0.7,), 0),
    (clo_in_loop, (0.7, 4), 0),
    (clo_reads_loop_variable, (0.7, 3), 0),
    (clo_in_branch, (0.7,), 0),
    (clo_in_branch, (-0.7,), 0),
    (clo_map, (0.8, 0.6), (0, 1)),
    (clo_map_into_array, (anyv(3),), 0),
    (clo_passed_to_helper, (0.7,), 0),
    (clo_module_lambda, (0.7,), 0),
    (clo_returns_pair, (0.7,), 0),
    (clo_nested_in_nested, (0.7,), 0),
    (clo_inside_an_inlined_helper, (0.7,), 0),
    (clo_default_read_at_the_def, (0.7, 3), 0),
]
