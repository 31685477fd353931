"""Worked examples from the lecture notes s2sad started from.

Print the derivative code of any of them, e.g.

    s2sad samples/seeds.py:griewank_walther --wrt x1,x2
    s2sad samples/seeds.py:griewank_walther --mode wengert

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
