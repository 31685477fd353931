"""Augmented assignment: `+=` and friends on names and elements read the old value."""
import math

import numpy as np

from .data import anyv, pos


def aug_names_loop(x, y, n):
    z = x
    for i in range(n):
        z += y
        z *= x
        z -= 0.5
        z /= y
        z **= 1.5
    return z


def aug_names_branch(x, y):
    z = x
    if x > 0:
        z += y
        z *= y
    else:
        z -= y
        z /= y
    z **= 2
    return z


def aug_elements_loop(x):
    y = x.copy()
    for i in range(len(x)):
        y[i] += x[i] * 2.0
        y[i] *= x[i]
        y[i] -= 1.0
        y[i] /= 2.0
        y[i] **= 2
    return np.sum(y)


def aug_elements_straight(x):
    y = np.zeros(3)
    y[0] += x[0] * x[1]
    y[1] -= math.sin(x[2])
    y[0] *= x[2]
    y[2] += y[0]
    y[2] /= x[1]
    y[1] **= 2
    return np.sum(y * x)


def aug_array_name(x, w):
    y = x * 1.0
    for i in range(3):
        y += w
        y *= x
    return np.sum(y)


def aug_slice(x):
    y = np.zeros(len(x) + 1)
    for i in range(len(x)):
        y[i:i + 2] += x[i] * x[i]
    return np.sum(y * y)


CASES = [
    (aug_names_loop, (1.3, 0.9, 3), (0, 1)),
    (aug_names_branch, (0.7, 1.3), (0, 1)),
    (aug_names_branch, (-0.7, 1.3), (0, 1)),
    (aug_elements_loop, (anyv(4),), 0),
    (aug_elements_straight, (pos(3),), 0),
    (aug_array_name, (anyv(3), anyv(3)), (0, 1)),
    (aug_slice, (anyv(4),), 0),
]
