"""List comprehensions and generator expressions: over tuples they are tuples of atoms
(packed by `np.array`, `sum`, ..., chained by `max`/`min`); under `sum`, `math.prod`,
`max` and `min` over run-time sequences, accumulating loops with their conditions inside.
Their variables are their own (they shadow and do not leak)."""
import math

import numpy as np

from .data import anyv, pos


def co_sum_range(x, n):
    return sum(x[i] ** 2 for i in range(n))


def co_sum_filtered(x):
    return sum(math.sin(v) * v for v in x if v > 0)


def co_sum_start(x):
    return sum((v * v for v in x), 1.5)


def co_sum_nested(x, y):
    return sum(a * b for a in x for b in y if a > b)


def co_sum_zip(x, y):
    return sum(a * math.exp(b) for a, b in zip(x, y))


def co_sum_enumerate(x):
    total = sum(v * i for i, v in enumerate(x))
    return total * total


def co_prod(x):
    return math.prod(1.0 + v * v for v in x)


def co_max(x):
    return max(math.sin(v) * v for v in x)


def co_min_filtered(x, y):
    return min(a - b for a, b in zip(x, y) if a * b > -0.5)


def co_max_nested(x, y):
    return max(a * b + a for a in x for b in y)


def co_static_list(a, b):
    xs = [v * v for v in (a, b, a * b)]
    return sum(xs) + max(xs) * min(xs)


def co_static_array(a, b):
    return np.sum(np.array([math.sin(v) for v in (a, b)]) * np.array([a, b]))


def co_static_nested(a, b):
    grid = np.array([[p * q + p for q in (a, b)] for p in (a, b, 1.0)])
    return np.sum(grid * grid)


def co_static_filtered(a, b, c):
    return sum(v * w for v, w in zip((a, b, c), (1, 2, 3)) if w % 2 == 1)


def co_static_mean(a, b):
    return np.mean([v * a for v in (a, b, a + b)])


def co_static_stack(x, y):
    return np.sum(np.stack([v * 2.0 - w for v, w in ((x, y), (y, x))]) ** 2)


def co_static_fsum(a, b):
    """Not in CASES: the dual-number oracle has no `math.fsum` (test_comprehensions.py)."""
    return math.fsum(v ** 3 for v in (a, b, a - b))


def co_static_loop(a, b):
    s = 0.0
    for w in [v + 1.0 for v in (a, b)]:
        s = s * w + w
    return s


def co_shadowing(x, n):
    i = 0.5
    v = 2.0
    t = sum(x[i] * v for i in range(n) for v in (i, 1.0))
    s = sum(v * w for v in (x[0], x[1]) for w in (v, i))
    return t * i + s * v


def co_in_loop(x):
    s = 0.0
    for k in range(1, 4):
        s = s + sum(x[j] * k for j in range(k))
    return s


def co_in_branch(x, flag):
    if flag > 0:
        y = max(v * v for v in x)
    else:
        y = sum(v for v in x if v < 0)
    return y * x[0]


def _norm2(x):
    return sum(v * v for v in x)


def co_helper(x, y):
    s = 0.0
    for k in range(2):
        s = s + _norm2(x * (k + 1) - y)
    return s


def co_reversed(x):
    return sum(v * i for i, v in enumerate(reversed(x)))


def co_clashing_counter(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * sum(x[i] for i in range(i + 1))
    return s


def co_filtered_tuple(a, b, c):
    return sum(v * v for v in (a, b, c) if v > 0) + max(v for v in (a, b, c) if v < 1.0)


def co_nested_runtime(x, n):
    i = 3
    t = sum(sum(x[i] * x[j] for j in range(i)) for i in range(n))
    return t * i


def co_max_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        s = s + max(x[j] * x[i] for j in range(i + 1))
    return s


def co_static_shadowed(a, b):
    g = np.array([[i * j for i in (a, b)] for j in (b, a * a)])
    i = a + 1.0
    return np.sum(g) * i


def co_rows(X):
    return sum(a * b for a, b in X) + min(np.sum(row) for row in X)


CASES = [
    (co_sum_range, (anyv(5), 4), 0),
    (co_sum_filtered, (np.array([0.3, -0.5, 0.6, 0.95, -0.2]),), 0),
    (co_sum_start, (anyv(3),), 0),
    (co_sum_nested, (np.array([0.3, -0.5, 0.7]), np.array([0.1, 0.5])), (0, 1)),
    (co_sum_zip, (anyv(3), anyv(4)), (0, 1)),
    (co_sum_enumerate, (anyv(4),), 0),
    (co_prod, (anyv(4),), 0),
    (co_max, (np.array([0.3, -0.5, 0.7, 0.2]),), 0),
    (co_min_filtered, (np.array([0.3, -0.5, 0.7]), np.array([0.1, 0.5, -0.4])), (0, 1)),
    (co_max_nested, (np.array([0.3, -0.5, 0.7]), np.array([0.1, 0.5])), (0, 1)),
    (co_static_list, (0.6, 1.3), (0, 1)),
    (co_static_array, (0.6, -1.3), (0, 1)),
    (co_static_nested, (0.6, -1.3), (0, 1)),
    (co_static_filtered, (0.6, -1.3, 0.8), (0, 1, 2)),
    (co_static_mean, (0.6, -1.3), (0, 1)),
    (co_static_stack, (anyv(3), anyv(3)), (0, 1)),
    (co_static_loop, (0.6, -1.3), (0, 1)),
    (co_shadowing, (anyv(4), 3), 0),
    (co_in_loop, (anyv(4),), 0),
    (co_in_branch, (anyv(3), 1.0), 0),
    (co_in_branch, (np.array([0.3, -0.5, 0.7]), -1.0), 0),
    (co_helper, (anyv(3), anyv(3)), (0, 1)),
    (co_reversed, (pos(4),), 0),
    (co_clashing_counter, (anyv(4),), 0),
    (co_filtered_tuple, (0.3, 0.7, -0.4), (0, 1, 2)),
    (co_filtered_tuple, (1.3, 0.7, 0.4), (0, 1, 2)),
    (co_nested_runtime, (anyv(4), 3), 0),
    (co_max_in_loop, (np.array([0.3, 0.5, -0.2, 0.9]),), 0),
    (co_static_shadowed, (0.3, 0.7), (0, 1)),
    (co_rows, (anyv(3, 2),), 0),
]


# lists built by comprehensions over sequences known only at run time (lists.py)

def co_list_runtime(x):
    ys = [v * v for v in x]
    return np.sum(ys) + ys[-1] * ys[0]


def co_list_filtered_stack(x, w):
    rows = [np.tanh(v * w) for v in x if v > 0.0]
    return np.sum(np.stack(rows) ** 2)


def co_list_into_numpy(x):
    return np.mean(np.array([math.sin(v) * v for v in x]))


def co_fsum_runtime(x):
    return math.fsum(v * v for v in x if v > -0.5)


def co_list_in_loop(x, n):
    total = 0.0
    for k in range(n):
        ys = [v * (k + 1.0) for v in x]
        total = total + max(ys) * 0.5 + len(ys)
    return total


CASES += [
    (co_list_runtime, (np.array([0.3, -0.5, 0.7, 0.2]),), 0),
    (co_list_filtered_stack, (np.array([0.3, -0.5, 0.7]), np.array([0.4, -0.2])), (0, 1)),
    (co_list_into_numpy, (np.array([0.3, -0.5, 0.7]),), 0),
    (co_fsum_runtime, (np.array([0.3, -0.9, 0.7]),), 0),
    (co_list_in_loop, (np.array([0.3, -0.5, 0.9]), 3), 0),
]
