"""Early and several returns: each return ends a path; only the path taken contributes."""
import math

import numpy as np

from .data import anyv, pos
from .helper_calls import ret_helper_with_returns


def ret_early(x):
    if x < 0:
        return -x * x
    y = x * 2.0
    if y > 3.0:
        return math.log(y) * x
    return y * y


def ret_nested(x, y):
    if x > 0:
        if y > 0:
            return x * y
        return x - y * x
    else:
        return x + y * y


def ret_elif_chain(x):
    if x < -1.0:
        return x * x
    elif x < 0.0:
        return math.sin(x)
    elif x < 1.0:
        return math.exp(x)
    return x ** 3


def ret_after_loop_in_branch(x, n):
    if x > 0:
        y = x
        for i in range(n):
            y = math.sin(y) + x
        return y
    return x * x


def ret_array(x, w):
    if np.sum(w) > 0:
        return np.sum(x * w)
    y = np.sin(x)
    return np.sum(y * y)


def ret_after_loop(x, n):
    y = x
    for i in range(n):
        y = y * y * 0.5 + 0.3
    if y > 1.0:
        return y * x
    return y - x


CASES = [
    (ret_early, (-0.7,), 0),
    (ret_early, (0.6,), 0),
    (ret_early, (2.5,), 0),
    (ret_nested, (0.5, 0.8), (0, 1)),
    (ret_nested, (0.5, -0.8), (0, 1)),
    (ret_nested, (-0.5, 0.8), (0, 1)),
    (ret_elif_chain, (-1.5,), 0),
    (ret_elif_chain, (-0.5,), 0),
    (ret_elif_chain, (0.5,), 0),
    (ret_elif_chain, (1.5,), 0),
    (ret_after_loop_in_branch, (0.7, 3), 0),
    (ret_after_loop_in_branch, (-0.7, 3), 0),
    (ret_array, (anyv(3), pos(3)), (0, 1)),
    (ret_array, (anyv(3), -pos(3)), (0, 1)),
    (ret_helper_with_returns, (0.6,), 0),
    (ret_helper_with_returns, (1.6,), 0),
    (ret_after_loop, (0.7, 3), 0),
    (ret_after_loop, (1.5, 3), 0),
]
