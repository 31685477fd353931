"""if / elif / else: the backward sweep must replay the branch the forward sweep took."""
import math

import numpy as np

from .data import A, anyv


def br_if_else(x):
    if x > 0.5:
        y = x * x
    else:
        y = math.sin(x)
    return y * x


def br_elif(x, y):
    if x < -1.0:
        z = x * y
    elif x < 1.0:
        z = x * x + y
    elif x < 2.0:
        z = math.exp(x) * y
    else:
        z = y / x
    return z * y


def br_if_no_else(x, y):
    z = x * y
    if y > 0:
        z = z * x
    return z + y


def br_nested_if(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y * y
    else:
        if y > x:
            z = math.exp(x) * y
        else:
            z = x
    return z * x


def br_bool_ops(x, y):
    if x > 0 and y > 0:
        z = x * y
    elif x > 0 or y > 1:
        z = x + y * y
    else:
        z = x - y
    if not x > 1.0:
        z = z * x
    return z


def br_compare_ops(x, y):
    z = x
    if x != y:
        z = z * y
    if x >= y:
        z = z + x * x
    if y <= 2.0 * x:
        z = z * z
    if x == 3.0:
        z = z * 100.0
    if 0.0 < x <= 1.0 < y:
        z = z + math.sin(y)
    return z


def br_array(x, w):
    if np.sum(x) > 0:
        y = np.tanh(x) * w
    else:
        y = x * x * w
    return np.sum(y)


def br_array_element(x):
    if x[0] > x[1]:
        y = x * x[0]
    else:
        y = np.sin(x) * x[1]
    return np.sum(y)


def br_array_shape(x):
    if x.shape[0] > 3:
        y = np.sum(x[:3] * x[1:4])
    else:
        y = np.sum(x * x)
    return y


def br_assign_one_side(x, y):
    z = y
    if x > 1.0:
        z = x * y
    w = z * z
    if x > 2.0:
        w = w + z
    return w


def br_overwrite_twice(x, y):
    if x > 0:
        x = x * y
        x = math.sin(x) * y
    else:
        x = x - y
    if y > 0:
        x = x * x
        y = y * x
    return x + y


def br_swap(x, y):
    if x > y:
        x, y = y, x
    return x * x * y


def br_bool_flags(x, y):
    big = x > 1.0
    positive = y > 0
    if big and not positive:
        z = x * y
    elif big or positive:
        z = x + y * x
    else:
        z = y
    return z * z


CASES = [
    (br_if_else, (0.9,), 0),
    (br_if_else, (0.2,), 0),
    (br_elif, (-1.5, 0.7), (0, 1)),
    (br_elif, (0.3, 0.7), (0, 1)),
    (br_elif, (1.5, 0.7), (0, 1)),
    (br_elif, (2.5, 0.7), (0, 1)),
    (br_if_no_else, (0.8, 1.3), (0, 1)),
    (br_if_no_else, (0.8, -1.3), (0, 1)),
    (br_nested_if, (0.5, 0.7), (0, 1)),
    (br_nested_if, (0.5, -0.7), (0, 1)),
    (br_nested_if, (-0.5, 0.7), (0, 1)),
    (br_nested_if, (-0.5, -0.7), (0, 1)),
    (br_bool_ops, (0.5, 0.7), (0, 1)),
    (br_bool_ops, (0.5, -0.7), (0, 1)),
    (br_bool_ops, (-0.5, 1.5), (0, 1)),
    (br_bool_ops, (-0.5, -0.5), (0, 1)),
    (br_bool_ops, (1.5, 0.7), (0, 1)),
    (br_compare_ops, (0.8, 1.3), (0, 1)),
    (br_compare_ops, (1.7, 0.4), (0, 1)),
    (br_compare_ops, (0.3, 2.5), (0, 1)),
    (br_array, (A([0.5, -0.2, 0.9]), anyv(3)), (0, 1)),
    (br_array, (A([-0.5, -0.2, 0.3]), anyv(3)), (0, 1)),
    (br_array_element, (A([0.9, 0.1, -0.4]),), 0),
    (br_array_element, (A([0.1, 0.9, -0.4]),), 0),
    (br_array_shape, (anyv(5),), 0),
    (br_array_shape, (anyv(2),), 0),
    (br_assign_one_side, (0.5, 0.8), (0, 1)),
    (br_assign_one_side, (1.5, 0.8), (0, 1)),
    (br_assign_one_side, (2.5, 0.8), (0, 1)),
    (br_overwrite_twice, (0.6, 0.8), (0, 1)),
    (br_overwrite_twice, (-0.6, 0.8), (0, 1)),
    (br_overwrite_twice, (0.6, -0.8), (0, 1)),
    (br_swap, (0.9, 0.4), (0, 1)),
    (br_swap, (0.4, 0.9), (0, 1)),
    (br_bool_flags, (1.5, -0.5), (0, 1)),
    (br_bool_flags, (1.5, 0.5), (0, 1)),
    (br_bool_flags, (0.5, -0.5), (0, 1)),
]
