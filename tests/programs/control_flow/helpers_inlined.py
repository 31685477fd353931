"""Helpers inlined at the call (frontend/inline.py): they return several values, take a
tuple, or take a constant that chooses code (an axis, a power, a flag), called alone, in
loops, in branches and from other helpers. The helpers are defined here, next to their
callers: the dual-number oracle rebinds `math` only in the functions of this module."""
import math

import numpy as np

from .data import anyv


def polar(x, y):
    r = math.sqrt(x * x + y * y)
    return r, math.atan2(y, x)


def inl_unpack(x, y):
    r, t = polar(x, y)
    return r * math.sin(t) + t


def inl_index(x, y):
    p = polar(x, y)
    return p[0] * p[1] + p[-1]


def norm2(p):
    a, b = p
    return a * a + b * b


def inl_tuple_argument(x, y):
    q = (x, y * 2.0)
    return norm2((x, y)) + norm2([y, x]) + norm2(q)


def pair(x, y, scale=1.0):
    return scale * 2.0 * x * y, scale * x * x


def inl_keywords_and_defaults(x, y):
    dx, dy = pair(x, y)
    ex, ey = pair(y, x, scale=0.5)
    fx, fy = pair(scale=2.0, y=x, x=y)
    return dx * ey + dy * ex + fx * fy


def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def inl_constant_axis(z, w):
    return np.sum(softmax(z) * w) + np.sum(softmax(z, axis=0) * w)


def power(x, n, flip=False):
    y = x ** n
    if flip:
        y = -y
    return y


def inl_int_and_flag(x):
    return power(x, 3) + power(x, 2, flip=True) + power(x, 2, True)


def split_sign(x):
    if x > 0:
        return x, 1.0
    return -x, -1.0


def inl_returns_in_branches(x, y):
    a, s = split_sign(x)
    b, t = split_sign(y)
    return a * b + s * t * x * y


def rotate(u, v, angle):
    c = math.cos(angle)
    s = math.sin(angle)
    return c * u - s * v, s * u + c * v


def inl_in_loop(x, n):
    u, v = x, 1.0
    for i in range(n):
        u, v = rotate(u, v, 0.3 * x)
    return u * v


def inl_in_branch(x, y):
    if x > y:
        a, b = polar(x, y)
    else:
        a, b = rotate(x, y, 0.5)
    return a * b


def moments(x):
    m = np.mean(x)
    return m, np.mean((x - m) ** 2)


def inl_arrays_in_loop(x):
    s = 0.0
    for i in range(3):
        m, v = moments(x * (i + 1.0))
        s = s + m * v
    return s


def polar_sum(x, y):
    r, t = polar(x, y)
    return r + t, r * t


def plain_over_polar(x):
    r, t = polar(x, 0.5)
    return r * t


def inl_helpers_of_helpers(x, y):
    a, b = polar_sum(x, y)
    return a * b + plain_over_polar(x * y)


def inl_stacked(x, y):
    return np.sum(np.stack(polar(x, y)) ** 2)


def swap(p):
    return p[1], p[0]


def inl_swapped_tuples(x, y):
    a, b = swap((x, y * 3.0))
    c, d = swap(swap((a, b)))
    return a * c + math.sin(b) * d


def relax(y, n):
    for i in range(n):
        y = y * 0.5 + math.sin(y)
    return y, n


def inl_parameter_assigned_in_a_loop(x):
    y, m = relax(x, 3)
    return y * m + x


def keyword_only(x, *, scale=2.0, power=2):
    return scale * x ** power, x


def inl_keyword_only(x):
    a, b = keyword_only(x, power=3)
    c, d = keyword_only(b, scale=x)
    return a + c * d


def activation(x, mode="tanh", mask=None):
    if mode == "tanh":
        y = math.tanh(x)
    else:
        y = x * x
    if mask is not None:
        y = y * mask
    return y if mode != "none" else x


def inl_flags_decided_while_lowering(x, y):
    s = activation(x) + activation(y, "square") + activation(x, mask=y)
    for i in range(2):
        s = s + activation(s * 0.5, mode="none" if i == 5 else "tanh")
    return s


def inl_held_in_loop(x, y, n):
    p = polar(x, y)
    for i in range(n):
        p = polar(p[0] * 0.9, p[1] + y)
    return p[0] * p[1]


def inl_held_swapped_in_loop(x, y, n):
    p = (x, y)
    for i in range(n):
        p = (p[1], p[0] * 1.5)
    return p[0] * p[1] + p[1]


def inl_held_in_branch(x, y):
    if x > y:
        p = polar(x, y)
    else:
        p = (y, x * 2.0)
    a, b = p
    return a * b


CASES = [
    (inl_unpack, (0.8, 0.6), (0, 1)),
    (inl_index, (0.8, -0.6), (0, 1)),
    (inl_tuple_argument, (0.8, 0.6), (0, 1)),
    (inl_keywords_and_defaults, (0.8, 0.6), (0, 1)),
    (inl_constant_axis, (anyv(3, 4), anyv(3, 4)), 0),
    (inl_int_and_flag, (0.7,), 0),
    (inl_returns_in_branches, (0.8, -0.6), (0, 1)),
    (inl_returns_in_branches, (-0.8, 0.6), (0, 1)),
    (inl_in_loop, (0.7, 4), 0),
    (inl_in_branch, (0.8, 0.6), (0, 1)),
    (inl_in_branch, (0.6, 0.8), (0, 1)),
    (inl_arrays_in_loop, (anyv(5),), 0),
    (inl_helpers_of_helpers, (0.8, 0.6), (0, 1)),
    (inl_stacked, (0.8, 0.6), (0, 1)),
    (inl_swapped_tuples, (0.8, 0.6), (0, 1)),
    (inl_parameter_assigned_in_a_loop, (0.7,), 0),
    (inl_keyword_only, (0.7,), 0),
    (inl_flags_decided_while_lowering, (0.7, -0.4), (0, 1)),
    (inl_held_in_loop, (0.8, 0.6, 3), (0, 1)),
    (inl_held_swapped_in_loop, (0.8, 0.6, 3), (0, 1)),
    (inl_held_in_branch, (0.8, 0.6), (0, 1)),
    (inl_held_in_branch, (0.6, 0.8), (0, 1)),
]
