"""Tuples, dicts and namedtuples held in variables: read by key, position and attribute,
iterated, written into, carried by loops and chosen by branches. Every leaf is an
ordinary variable of the Wengert list (frontend/records.py), so each program here checks
that the leaf the code reads is the one whose derivative comes back."""
import math
from collections import namedtuple

import numpy as np

from .data import anyv, pos

State = namedtuple("State", "position velocity")


def dict_display(x, y):
    d = {"a": x * y, "b": math.sin(x)}
    return d["a"] * d["b"] + d.get("c", 2.0) * y


def dict_written(x, y):
    d = {"a": x}
    d["b"] = d["a"] * y
    d["a"] = d["a"] + d["b"]
    return d["a"] * d["b"]


def dict_shared(x):
    d = {"v": x}
    e = d
    e["v"] = e["v"] * 3.0
    return d["v"] + x


def dict_loops(x, y):
    weights = {"x": x, "y": y, "xy": x * y}
    total = 0.0
    for value in weights.values():
        total = total + value * value
    for key in weights:
        total = total + weights[key]
    return total * weights["xy"]


def dict_in_loop(x, n):
    acc = {"s": 0.0, "p": 1.0}
    for i in range(n):
        acc["s"] = acc["s"] + x * i
        acc["p"] = acc["p"] * (1.0 + 0.1 * x)
    return acc["s"] + acc["p"]


def dict_in_branch(x):
    d = {"u": x, "w": 2.0 * x}
    if x > 0.5:
        d["u"] = d["w"] * x
    else:
        d["w"] = d["u"] + 1.0
    return d["u"] * d["w"]


def tuple_carried(x, n):
    p = (x, 2.0 * x)
    for i in range(n):
        p = (p[1], p[0] * p[1] * 0.5)
    return p[0] + p[1]


def tuple_swapped(x, y, n):
    pair = (x, y)
    for i in range(n):
        pair = (pair[1], pair[0])
        pair = (pair[0] * 1.1, pair[1] + 0.2 * pair[0])
    return pair[0] * pair[1]


def tuple_branch(x):
    if x > 0.0:
        p = (x, x * x)
    else:
        p = (x * x, -x)
    u, v = p
    return u + 3.0 * v


def namedtuple_steps(x, n):
    s = State(x, 0.0)
    for i in range(n):
        s = State(s.position + 0.1 * s.velocity, s.velocity - 0.1 * math.sin(s.position))
    return s[0] * s.velocity + s.position


def arrays_in_dict(x):
    parts = {"head": x[:2], "tail": x[2:]}
    return np.sum(parts["head"] ** 2) * np.sum(np.exp(parts["tail"]))


CASES = [
    (dict_display, (0.7, 1.3), (0, 1)),
    (dict_written, (0.7, 1.3), (0, 1)),
    (dict_shared, (0.8,), 0),
    (dict_loops, (0.7, 1.3), (0, 1)),
    (dict_in_loop, (0.6, 4), 0),
    (dict_in_branch, (0.9,), 0),
    (dict_in_branch, (0.2,), 0),
    (tuple_carried, (1.1, 3), 0),
    (tuple_swapped, (0.9, 1.2, 3), (0, 1)),
    (tuple_branch, (0.7,), 0),
    (tuple_branch, (-0.7,), 0),
    (namedtuple_steps, (0.5, 4), 0),
    (arrays_in_dict, (anyv(5),), 0),
    (dict_display, (float(pos(1)[0]), 0.4), (0, 1)),
]


def dict_by_keywords(x, y):
    d = dict(a=x, b=y * y)
    e = dict(d, c=x * y)
    return e["a"] * e["b"] + e["c"]


CASES += [(dict_by_keywords, (0.7, 1.3), (0, 1))]
