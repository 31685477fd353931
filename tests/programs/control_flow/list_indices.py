"""A list display as an index picks elements along the first axis (`x[[0, 0]]`), where a
tuple display indexes several axes (`x[0, 1]`): both read and write, with a repeated
index, from a variable, beside other axes, and in a loop."""
import numpy as np

from .data import anyv

A = np.array


def pick_repeated(x):
    return np.sum(np.sin(x[[0, 1, 0]]))


def pick_rows(x):
    return np.sum(np.cos(x[[2, 0]]) * x[[1, 1]])


def pick_from_variable(x):
    rows = [2, 0, 2]
    return np.sum(x[rows] ** 2)


def pick_with_column(x):
    return np.sum(np.sin(x[[0, 2, 0], 1]))


def pick_tuple_beside(x):
    return x[(0, 1)] * x[[1, 0]][0, 0]


def write_rows(x):
    y = np.zeros((4, 2))
    y[[0, 2]] = np.sin(x[:2])
    return np.sum(y * np.arange(1.0, 9.0).reshape(4, 2))


def write_repeated(x):
    """A repeated index written: only the value written last survives."""
    y = np.ones(4)
    y[[0, 0, 3]] = x[:3] ** 2
    return np.sum(y * np.arange(1.0, 5.0))


def add_rows(x):
    y = np.ones((3, 2))
    y[[0, 2]] += x[:2]
    return np.sum(y ** 2)


def _pick(x, rows):
    return np.sum(np.sin(x[rows]))


def pick_in_helper(x):
    """A list display passed to a helper is still a list there."""
    return _pick(x, [1, 1, 0])


def pick_nested(x):
    return np.sum(x[[[0, 1], [1, 0]]] ** 2)


def write_rows_from_variable(x):
    y = np.zeros((3, 2))
    rows = [2, 0]
    y[rows] = x[:2] * 2.0
    return np.sum(y * y)


def pick_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s += np.sum(x[[i, 0]] * x[[0, i]])
    return s


CASES = [
    (pick_repeated, (anyv(3),), 0),
    (pick_repeated, (anyv(3, 2),), 0),
    (pick_rows, (anyv(3, 2),), 0),
    (pick_from_variable, (anyv(3, 2),), 0),
    (pick_with_column, (anyv(3, 2),), 0),
    (pick_tuple_beside, (anyv(2, 2),), 0),
    (write_rows, (anyv(3, 2),), 0),
    (write_repeated, (A([0.3, 0.5, 0.7]),), 0),
    (add_rows, (anyv(3, 2),), 0),
    (pick_in_loop, (anyv(3, 2), 3), 0),
    (pick_in_helper, (anyv(3, 2),), 0),
    (pick_nested, (anyv(3, 2),), 0),
    (write_rows_from_variable, (anyv(3, 2),), 0),
]
