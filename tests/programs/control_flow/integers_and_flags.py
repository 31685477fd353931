"""Integers and flags: non-differentiable values still steer branches and indexing, trip
by trip."""
from .data import A, anyv, MIXED


def int_counter(x):
    count = 0
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            count += 1
            s = s + x[i]
    return s * count


def int_len_ops(x):
    n = len(x)
    m = n // 2
    s = 0.0
    for i in range(m, n):
        s += x[i] * n
    return s / m


def flag_branch(x, y):
    flag = False
    if x > y:
        flag = True
    if flag:
        return x * y
    return x + y * y


def flag_in_loop(x):
    seen = False
    s = 0.0
    for i in range(len(x)):
        if seen:
            s = s + x[i] * x[i]
        if x[i] > 0.5:
            seen = True
    return s


def int_index_carried(x, n):
    j = 0
    s = 0.0
    for i in range(n):
        s = s + x[j] * (i + 1)
        j = (j + 2) % len(x)
    return s * s


CASES = [
    (int_counter, (MIXED,), 0),
    (int_len_ops, (anyv(5),), 0),
    (flag_branch, (0.9, 0.4), (0, 1)),
    (flag_branch, (0.4, 0.9), (0, 1)),
    (flag_in_loop, (A([0.2, 0.7, -0.3, 0.4]),), 0),
    (int_index_carried, (anyv(5), 7), 0),
]
