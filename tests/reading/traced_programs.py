"""Programs whose evaluation traces tests/reading/test_trace.py checks row by row."""
import math

import numpy as np


def straight(x, y):
    a = x * y
    b = math.sin(a) + y
    return b * b


def recurrence(x, n):
    """A loop with a branch inside: `h = h * 2` runs only on the trips where h > 0.5."""
    h = 0.0
    for t in range(n):
        h = math.tanh(h * x + 1.0)
        if h > 0.5:
            h = h * 2.0
    return h


def branch(x):
    if x > 1.0:
        y = x * x
    else:
        y = math.exp(x)
    return y * 3.0


def doubling(x):
    y = x
    while y < 10.0:
        y = y * 2.0
    return y * math.sqrt(x)


def nested(x):
    s = 0.0
    for i in range(4):
        for j in range(4):
            s = s + math.sin(x * i + j)
    return s


def layer(W, x):
    z = W @ x
    s = np.tanh(z)
    return np.sum(s * s)


def squares(x):
    return x * x


def written(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x[i] * x[i]
    return np.sum(y) * x[0]


def scaled(x):
    return 2.0 * x


def helper_call(x):
    u = scaled(x)
    return math.log(u) * x


def pair(x):
    return x, 2.0 * x


def countdown(x, n):
    """Recursion: the list calls the function itself, one row for the call."""
    if n == 0:
        return x
    return countdown(x * 1.5, n - 1)


class Scaled:
    def __init__(self):
        self.w = 2.0

    def loss(self, x):
        return self.w * x * x


def until(x):
    """A loop left by `break`: the rows stop at the trip that breaks."""
    y = x
    while True:
        y = y * 1.5
        if y > 4.0:
            break
    return math.sqrt(y)


def constant(x):
    return 3.0


def unused(x):
    """`a` is never used and `c` only by a test: each still has its tangent."""
    a = 2.0 * x
    c = x * x
    y = math.sin(x)
    if c > 1.0:
        y = y + 1.0
    return y
