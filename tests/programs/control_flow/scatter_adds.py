"""`np.add.at(a, index, v)`: values added into an array in place, an element picked several
times by the index getting each of its values. Straight, in loops and branches, through
helpers, with the array read before and after (the backward sweep restores what it
overwrote). And element writes with an index that picks an element several times
(`a[index] = v`, `a[index] += v`), where the value written last is the one left."""
import numpy as np

from .data import A, anyv

REPEATED = A([0, 2, 2, 1, 2])
ROWS = A([1, 0, 1, 1])
COLS = A([0, 2, 2, 0])


def add_at_repeated(x, v):
    a = np.zeros(3)
    np.add.at(a, REPEATED, v * x[0])
    return np.sum(a ** 2 * x)


def add_at_onto_values(x, v):
    a = x * x
    np.add.at(a, REPEATED, np.sin(v))
    return np.sum(a * x)


def add_at_in_loop(x, v):
    a = x * 1.0
    for i in range(3):
        np.add.at(a, REPEATED, v * a[i])
    return np.sum(np.sin(a))


def add_at_in_branch(x, v):
    a = np.zeros((3, 2))
    if x[0] > 0:
        np.add.at(a, (REPEATED, REPEATED % 2), v)
    else:
        np.add.at(a, REPEATED, x[0])
    return np.sum(a * a) + np.sum(a[:, 0] * x)


def add_at_2d(x, w):
    m = np.zeros((2, 3))
    np.add.at(m, (ROWS, COLS), w * w)
    np.add.at(m, ROWS, x)
    return np.sum(np.tanh(m) * m)


def add_at_scalar(x, s):
    a = np.ones(3)
    np.add.at(a, REPEATED, s)
    np.add.at(a, 1, s * x[2])
    return np.sum(a * x) * s


def add_at_and_augmented(x, v):
    """An element write, `+=` with an index array and np.add.at into one array."""
    a = x * x
    a[A([2, 0])] += v[:2]
    np.add.at(a, REPEATED, v * a[2])
    a[1] = a[0] * v[4]
    return np.sum(a * x)


def _scatter(a, index, v):
    np.add.at(a, index, v)
    return a


def add_at_in_helper(x, v):
    a = np.zeros(3)
    a = _scatter(a, REPEATED, v * x[1])
    return np.sum(a * a)


def add_at_while(x, v):
    a = np.zeros(3)
    k = 0
    while k < 2:
        np.add.at(a, REPEATED[k:], v[k:] * a[0] + x[k])
        k += 1
    return np.sum(a * x)


def add_at_slices(x, v):
    """An index with a slice is written `np.s_[...]` outside a subscript (as s2sad's own
    adjoints write it)."""
    m = np.zeros((2, 4))
    np.add.at(m, np.s_[ROWS[:3], 1:3], v * x[0])
    return np.sum(m * m * x[1])


def set_repeated(x, v):
    """v[1] and v[2] both go to a[1], v[4] too: only v[4] is left there."""
    a = x * x
    a[REPEATED] = v * x[0]
    return np.sum(a * a * x)


def augmented_repeated(x, v):
    """`a[index] += v` adds one value per element (the last), unlike np.add.at."""
    a = x * x
    b = x * 1.0
    a[REPEATED] += v
    np.add.at(b, REPEATED, v)
    return np.sum(a * b * x)


def set_repeated_in_loop(x, v):
    a = np.zeros((3, 2))
    for i in range(2):
        a[REPEATED, i] = v * x[i] + a[2, 1 - i]
    a[REPEATED[:2], :] = x[:2, None] * v[:2, None]
    return np.sum(np.sin(a))


def set_repeated_in_branch(x, v):
    a = x * 1.0
    if x[0] > 0:
        a[REPEATED] = v
    else:
        a[COLS] = v[:4] * a[0]
    return np.sum(a * a * x)


CASES = [
    (add_at_repeated, (anyv(3), anyv(5)), (0, 1)),
    (add_at_onto_values, (anyv(3), anyv(5)), (0, 1)),
    (add_at_in_loop, (anyv(3), anyv(5)), (0, 1)),
    (add_at_in_branch, (A([0.7, -0.4, 1.3]), anyv(5)), (0, 1)),
    (add_at_in_branch, (A([-0.7, -0.4, 1.3]), anyv(5)), (0, 1)),
    (add_at_2d, (anyv(3), anyv(4)), (0, 1)),
    (add_at_scalar, (anyv(3), 0.8), (0, 1)),
    (add_at_and_augmented, (anyv(3), anyv(5)), (0, 1)),
    (add_at_in_helper, (anyv(3), anyv(5)), (0, 1)),
    (add_at_while, (anyv(3), anyv(5)), (0, 1)),
    (add_at_slices, (anyv(2), anyv(3, 2)), (0, 1)),
    (set_repeated, (anyv(3), anyv(5)), (0, 1)),
    (augmented_repeated, (anyv(3), anyv(5)), (0, 1)),
    (set_repeated_in_loop, (anyv(3), anyv(5)), (0, 1)),
    (set_repeated_in_branch, (A([0.7, -0.4, 1.3]), anyv(5)), (0, 1)),
    (set_repeated_in_branch, (A([-0.7, -0.4, 1.3]), anyv(5)), (0, 1)),
]
