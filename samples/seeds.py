"""Worked examples from the lecture notes s2sad started from.

Print the derivative code of any of them, e.g.

    s2sad samples/seeds.py:griewank_walther --wrt x1,x2
    s2sad samples/seeds.py:griewank_walther --mode wengert
    s2sad trace samples/seeds.py:griewank_walther_steps --args "1.5, 0.5"

or run this file to see the gradients next to their hand-derived values.
"""
import math

import numpy as np


def griewank_walther(x1: float, x2: float):
    """f(x1, x2) = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]."""
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def log_sin(x1: float, x2: float):
    """f(x1, x2) = ln(x1) + x1 * x2 - sin(x2): gradient (5.5, 1.716...) at (2, 5)."""
    return math.log(x1) + x1 * x2 - math.sin(x2)


def griewank_walther_steps(x1: float, x2: float):
    """griewank_walther one operation a line, as the notes write its evaluation trace, so
    that the Wengert list has the notes' rows (docs/traces.md)."""
    v1 = x1 / x2
    v2 = math.sin(v1)
    v3 = math.exp(x2)
    v4 = v1 - v3
    v5 = v2 + v4
    v6 = v5 * v4
    return v6


def log_sin_steps(x1: float, x2: float):
    """log_sin one operation a line, in the order of the notes' trace."""
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return v5


def reused_values(x: float):
    """A value used twice: a feeds both b and c."""
    a = x ** 2
    b = 5 * a
    c = math.log(a)
    g = b * c
    L = -g
    return L


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def neg_log_sigmoid(x: float, w: float):
    """L = -log(sigmoid(w * x**2)), through a helper function."""
    return -math.log(sigmoid(w * x ** 2))


def sum_of_squares(x: np.ndarray):
    return np.sum(x * x)


if __name__ == "__main__":
    import s2sad

    x1, x2 = 1.5, 0.5
    value, (d1, d2) = s2sad.value_and_grad(griewank_walther, wrt=(0, 1))(x1, x2)
    print(f"griewank_walther{(x1, x2)} = {value:.4f}, gradient = ({d1:.4f}, {d2:.4f})")
    g1, g2 = s2sad.grad(log_sin, wrt=("x1", "x2"))(2.0, 5.0)
    print(f"log_sin gradient at (2, 5) = ({g1}, {g2}); by hand: "
          f"({1 / 2 + 5}, {2 - math.cos(5)})")
    x = np.arange(1.0, 1001.0)
    exact = np.array_equal(s2sad.grad(sum_of_squares)(x), 2 * x)
    print(f"sum of squares, n = 1000: gradient equals 2*x exactly: {exact}")
