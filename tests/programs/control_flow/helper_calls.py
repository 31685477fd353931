"""User helpers in loops and branches: a call's adjoint runs once per trip, or only on its
branch. The helpers are defined here, next to their callers: the dual-number oracle
rebinds `math` only in the functions of the module of the function it evaluates."""
import math

from .data import A


def softplus(x):
    return math.log(1.0 + math.exp(x))


def cell(h, x):
    return math.tanh(0.8 * h + x)


def clipped_square(x):
    if x > 1.0:
        return 2.0 * x - 1.0
    return x * x


def ret_helper_with_returns(x):
    return clipped_square(x) * x


def helper_in_loop(x, n):
    h = 0.0
    for i in range(n):
        h = cell(h, x)
    return h


def helper_in_branch(x):
    if x > 0:
        y = softplus(x)
    else:
        y = cell(x, x)
    return y * x


def helper_with_branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        s = s + clipped_square(x[i] * 2.0)
    return s


def relax(x, n):
    y = x
    for i in range(n):
        y = y * 0.5 + math.sin(y)
    return y


def helper_with_loop_in_branch_in_loop(x):
    s = 0.0
    for i in range(3):
        if s < 10.0:
            s = s + relax(x + s, 2)
    return s


CASES = [
    (helper_in_loop, (0.4, 5), 0),
    (helper_in_branch, (0.6,), 0),
    (helper_in_branch, (-0.6,), 0),
    (helper_with_branch_in_loop, (A([0.2, 0.7, -0.3, 0.4]),), 0),
    (helper_with_loop_in_branch_in_loop, (0.4,), 0),
]
