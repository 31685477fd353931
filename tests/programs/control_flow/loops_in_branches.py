"""Loops in branches and branches in loops: exits and saved values inside every kind of
nesting."""
import math

import numpy as np

from .data import A, MIXED, pos


def loop_in_branch(x, n):
    if x > 0:
        for i in range(n):
            x = x * 0.9 + math.sin(x)
    else:
        y = x
        while y < 0:
            y = y + 1.0
        x = x * y
    return x


def branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            s = s + x[i] ** 2
        elif x[i] > -0.5:
            s = s - x[i]
        else:
            s = s * x[i]
    return s


def branch_on_carried(x, n):
    y = x
    for i in range(n):
        if y > 1.0:
            y = y * 0.5
        else:
            y = y * y + 0.6
    return y


def branch_loop_branch(x, y):
    if y > 0:
        for i in range(4):
            if i % 2 == 0:
                x = x * y
            else:
                x = math.sin(x) + y
    else:
        x = x - y
    return x * x


def branch_loop_branch_array(x, w):
    if np.sum(w) > 0:
        s = 0.0
        for i in range(len(x)):
            if x[i] * w[i] > 0:
                s = s + x[i] * w[i]
            else:
                s = s - 0.5 * x[i] * x[i]
    else:
        s = np.sum(x * x * w)
    return s


def cont_in_loop_in_branch(x):
    s = 0.0
    if x > 0:
        for j in range(3):
            if j == 1:
                continue
            s = s + x * j
    return s


def break_in_loop_in_branch(x):
    s = 0.0
    if x > 0:
        for j in range(3):
            if j == 1:
                break
            s = s + x * (j + 1)
    return s


def cont_in_loop_in_branch_in_loop(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            for j in range(3):
                if j == 1:
                    continue
                s = s + x * j
    return s


def while_in_branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            y = x[i]
            while y < 4.0:
                y = y * 2.0 + 0.1
                if y > 3.0:
                    break
            s = s + y * x[i]
        else:
            continue
    return s


def deep_nesting(x, n):
    s = 0.0
    if x > 0:
        for i in range(n):
            if i % 2 == 0:
                for j in range(i + 1):
                    if j == 1:
                        continue
                    s = s + math.sin(x * (j + 1)) * s + x
            else:
                s = s * 0.5
    else:
        s = x * x
    return s


CASES = [
    (loop_in_branch, (0.6, 3), 0),
    (loop_in_branch, (-1.7, 3), 0),
    (branch_in_loop, (A([0.7, -0.3, -0.8, 0.4, -0.9]),), 0),
    (branch_on_carried, (1.7, 5), 0),
    (branch_loop_branch, (0.7, 0.9), (0, 1)),
    (branch_loop_branch, (0.7, -0.9), (0, 1)),
    (branch_loop_branch_array, (MIXED, A([0.5, 0.6, -0.3, -0.2, 0.9])), (0, 1)),
    (branch_loop_branch_array, (MIXED, -pos(5)), (0, 1)),
    (cont_in_loop_in_branch, (0.5,), 0),
    (break_in_loop_in_branch, (0.5,), 0),
    (cont_in_loop_in_branch_in_loop, (0.5, 2), 0),
    (while_in_branch_in_loop, (A([0.3, -0.6, 0.9, 1.7]),), 0),
    (deep_nesting, (0.4, 5), 0),
    (deep_nesting, (-0.4, 5), 0),
]
