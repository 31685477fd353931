"""Loops, branches, in-place updates and recursion: what the adjoint saves and replays.

Print the derivative code of any of them, e.g.

    s2sad samples/loops.py:logistic_map --args 0.3,1000 --wrt x
    s2sad samples/loops.py:prefix_sum_energy --args "np.arange(4.0)"

or run this file to see the gradients next to values derived by hand.
"""
import math

import numpy as np


def logistic_map(x: float, n: int):
    """`n` steps of the logistic map: each step overwrites `x`, whose old value the
    derivative of the step needs, so the adjoint saves one float per trip."""
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def loop_sum_of_squares(x: np.ndarray):
    """Seed 000's f(x) = sum of x_i^2, written as a Python loop: `s` is used linearly, so
    nothing is saved."""
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


def prefix_sum_energy(x: np.ndarray):
    """An in-place prefix sum, then a nonlinear reduction."""
    y = x.copy()
    for i in range(1, len(y)):
        y[i] = y[i - 1] + y[i]
    return np.sum(y * y) / 2


def cumulative_product(x: np.ndarray):
    """An in-place update whose derivative needs the element it overwrites: each one is
    saved before the write and restored in the backward sweep."""
    y = x.copy()
    for i in range(1, len(y)):
        y[i] = y[i] * y[i - 1]
    return np.sum(y)


def elman(x, W, U, b, V, z):
    """Seed 000's Elman network: h_t = tanh(x_t W + h_{t-1} U + b), y_t = sigmoid(h_t V),
    L = 1/2 sum_t |y_t - z_t|^2, differentiated by back-propagation through time."""
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U + b)
        y = 1.0 / (1.0 + np.exp(-(h @ V)))
        loss += 0.5 * np.sum((y - z[t]) ** 2)
    return loss


def damped_sines(x: float, n: int):
    """s = sum of sin(x / 2**i): `x` is overwritten and the derivative of `sin` needs its
    old value, so it is saved every trip; `s` is used linearly, so it is not."""
    s = 0.0
    for i in range(n):
        s = s + math.sin(x)
        x = x * 0.5
    return s


def scaled_power(x: float, a: float, n: int):
    """Differentiated with respect to `x` only: `a`, `n`, `c` and the counter do not
    depend on `x`, so they get no derivative code."""
    c = a * n
    y = 1.0
    for k in range(n):
        y = y * x + c
    return y * math.exp(c)


def halvings(x: float):
    """A while loop whose trip count depends on the input."""
    n = 0
    while x > 1.0:
        x = x / 2.0
        n += 1
    return x * n


def recorded_path(x: float, a: float, n: int):
    """A logistic map's path recorded with `append`, then made an array in a loss: the
    list is its own tape, so the adjoint pops each item's adjoint in the backward trip."""
    path = []
    for t in range(n):
        x = a * x * (1.0 - x)
        path.append(x)
    return np.sum((np.array(path) - 0.5) ** 2)


def power(x: float, n: int):
    """Recursion on an integer argument."""
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


if __name__ == "__main__":
    import s2sad

    x0 = 0.3
    trajectory = [x0]
    for _ in range(20):
        trajectory.append(3.9 * trajectory[-1] * (1 - trajectory[-1]))
    by_hand = math.prod(3.9 * (1 - 2 * v) for v in trajectory[:-1])
    print("logistic map, 20 steps: ", s2sad.grad(logistic_map)(x0, 20), "by hand", by_hand)
    x = np.arange(1.0, 6.0)
    print("loop sum of squares:    ", s2sad.grad(loop_sum_of_squares)(x), "by hand", 2 * x)
    x = np.array([1.5, 2.0, 0.5])
    print("cumulative product:     ", s2sad.grad(cumulative_product)(x), "by hand",
          [1 + 2.0 + 2.0 * 0.5, 1.5 + 1.5 * 0.5, 1.5 * 2.0])
    print("damped_sines(0.8, 5):   ", s2sad.grad(damped_sines)(0.8, 5), "by hand",
          sum(math.cos(0.8 / 2 ** i) / 2 ** i for i in range(5)))
    x, c = 1.2, 0.1 * 4
    print("scaled_power(1.2, .1, 4):", s2sad.grad(scaled_power)(x, 0.1, 4), "by hand",
          (4 * x ** 3 + c * sum(j * x ** (j - 1) for j in range(1, 4))) * math.exp(c))
    print("halvings(5.0):          ", s2sad.grad(halvings)(5.0), "by hand", 3 / 8)
    print("power(1.5, 3):          ", s2sad.grad(power)(1.5, 3), "by hand", 3 * 1.5 ** 2)
    slope, by_hand = 1.0, 0.0
    x = 0.3
    for _ in range(10):
        slope *= 3.7 * (1 - 2 * x)
        x = 3.7 * x * (1 - x)
        by_hand += 2 * (x - 0.5) * slope
    print("recorded_path(.3, 3.7, 10):", s2sad.grad(recorded_path)(0.3, 3.7, 10), "by hand",
          by_hand)
