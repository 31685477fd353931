"""Rule-table cases for the list rows (s2sad/rules/lists.py): making a list, appending,
reading items, joining lists and the calls that take a list built at run time whole.

The lists are built by `append` in a loop (so their length is known only at run time),
from numbers and from arrays of ranks 1 and 2; `check_grad`/`check_vjp` compare both
modes, vector mode and float32 with central differences.
"""
import math

import numpy as np

from rulecheck import check_grad, check_vjp, rand


def made(x, y):
    p = [x, y * x]
    for t in range(2):
        p.append(y)
    return p[0] * p[1] + p[2] * p[-1]


def made_arrays(x, y):
    p = [x, y * x]
    for t in range(2):
        p.append(x * t)
    return np.sum(p[0] * p[1] + p[2] * p[-1])


def appended_constants(x, n):
    xs = [1.0]
    for t in range(n):
        xs.append(x * t)
        xs.append(2.0)
    return sum(xs) * xs[-3]


def item(x, n, k):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return xs[k] * xs[-1] + sum(xs[1:k]) + sum(xs[::2])


def item_arrays(x, n, k):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return xs[k] * xs[-1] + sum(xs[1:k])


def joined(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    ys = [x]
    for t in range(n):
        ys.append(x * x * t)
    zs = xs + ys
    return zs[0] * zs[-1] + sum(zs) + sum(xs + [x])


def copied(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    ys = list(xs)
    ys.append(x)
    return sum(ys) * ys[0] + sum(xs)


def summed(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return sum(xs) ** 2 + math.fsum(xs) * 3.0


def summed_arrays(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return sum(xs) ** 2


def extremum(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return max(xs) ** 2 + min(xs) * 3.0


def stacked(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.array(xs) ** 2 + np.asarray(xs) * np.stack(xs)


def stacked_numbers(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return np.array(xs) ** 2 + np.asarray(xs) * np.stack(xs)


def stacked_axis(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.stack(xs, axis=1) ** 2 + np.stack(xs, 1)


def stacked_last(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.stack(xs, axis=-1) ** 3


def vstacked(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.vstack(xs) ** 2


def vstacked_numbers(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return np.vstack(xs) ** 2


def hstacked(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.hstack(xs) ** 2


def hstacked_numbers(x, n):
    xs = []
    for t in range(n):
        xs.append(x * (t + 1.5) + math.sin(x * t))
    return np.hstack(xs) ** 2


def concatenated(x, n):
    xs = []
    for t in range(n):
        xs.append(np.sin(x * (t + 1.0)) + x * t)
    return np.concatenate(xs, axis=-1) ** 2 + np.concatenate(xs, -1)


def check_list(gen=None):
    check_grad(made, (0.7, -1.3), (0, 1))
    check_grad(made_arrays, (rand(3), rand(3)), (0, 1))
    check_grad(appended_constants, (0.6, 3))


def check_item(gen=None):
    check_grad(item, (0.4, 6, 2))
    check_grad(item, (0.4, 6, -3))
    check_vjp(item_arrays, (rand(3), 5, 3), 0)
    check_vjp(item_arrays, (rand(2, 3), 5, 2), 0)


def check_sum(gen=None):
    check_grad(summed, (0.4, 5))
    check_grad(summed, (0.4, 0))
    check_vjp(summed_arrays, (rand(2, 3), 4), 0)


def check_stack(gen=None):
    for x in (rand(3), rand(2, 3)):
        check_vjp(stacked, (x, 4), 0)
        check_vjp(stacked_axis, (x, 3), 0)
        check_vjp(stacked_last, (x, 3), 0)
        check_vjp(vstacked, (x, 3), 0)
        check_vjp(hstacked, (x, 3), 0)
        check_vjp(concatenated, (x, 3), 0)
    check_vjp(stacked_numbers, (0.3, 4), 0)
    check_vjp(vstacked_numbers, (0.3, 4), 0)
    check_vjp(hstacked_numbers, (0.3, 4), 0)


CASES = {
    "LIST": check_list,
    "APPEND": check_list,
    "operator.getitem(list)": check_item,
    "operator.add(list)": lambda gen: check_grad(joined, (0.4, 3)),
    "builtins.list(list)": lambda gen: check_grad(copied, (0.4, 3)),
    "builtins.sum(list)": check_sum,
    "math.fsum(list)": check_sum,
    "builtins.max(list)": lambda gen: check_grad(extremum, (0.4, 5)),
    "builtins.min(list)": lambda gen: check_grad(extremum, (0.4, 5)),
    "np.array(list)": check_stack,
    "np.asarray(list)": check_stack,
    "np.stack(list)": check_stack,
    "np.vstack(list)": check_stack,
    "np.hstack(list)": check_stack,
    "np.concatenate(list)": check_stack,
}
