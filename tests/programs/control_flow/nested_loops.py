"""Nested loops: inner trip counts and saved values must line up with the outer trip."""
import math

from .data import A, anyv


def nested_loops(X):
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s = s + X[i, j] * X[i, j] * (i + 1) - X[i, j] * j
    return s


def nested_triangular(x):
    s = 0.0
    for i in range(len(x)):
        for j in range(i):
            s = s + x[i] * x[j]
    return s


def nested_carried(x, n, m):
    y = x
    for i in range(n):
        z = y
        for j in range(m):
            z = math.sin(z) * y + 0.1
        y = z * 0.9 + x
    return y


def nested_break_inner(X, limit):
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > limit:
                break
            s = s + X[i, j] ** 2
    return s


def nested_break_both(X):
    s = 0.0
    done = False
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s = s + X[i, j] ** 2
            if s > 2.0:
                done = True
                break
        if done:
            break
    return s * s


def nested_while_in_for(x):
    s = 0.0
    for i in range(len(x)):
        y = x[i]
        while y > 1.0:
            y = y * 0.5
        s = s + y * x[i]
    return s


def cont_nested_in_while(X):
    s = 0.0
    i = 0
    while i < X.shape[0]:
        for j in range(X.shape[1]):
            if X[i, j] < 0:
                continue
            s = s + X[i, j] * s + X[i, j]
        i += 1
    return s


CASES = [
    (nested_loops, (anyv(3, 4),), 0),
    (nested_triangular, (anyv(4),), 0),
    (nested_carried, (0.6, 3, 2), 0),
    (nested_break_inner, (A([[0.2, 0.9, 0.1], [0.4, 0.3, 0.6]]), 0.5), 0),
    (nested_break_both, (A([[0.5, 0.8, 0.6], [0.9, 0.7, 0.4], [0.3, 0.2, 0.1]]),), 0),
    (nested_while_in_for, (A([0.5, 3.0, 1.7, -0.4]),), 0),
    (cont_nested_in_while, (A([[0.3, -0.6, 0.2], [0.5, 0.1, -0.4]]),), 0),
]
