"""Seed 000's sum of squares: difference quotients lose digits, AD loses none.

f(x) = sum of x_i^2 at x_i = i, i = 1 ... 1000, has the gradient 2 x_i. f is a
quadratic, so a central difference (f(x + h e_i) - f(x - h e_i)) / 2h has no truncation
error at all: everything it gets wrong is rounding. f(x) is about 3.3e8, whose last bit
is worth 6e-8, so a small step h drowns in it; at the step the notes call "often
recommended", h = sqrt(eps) ~ 1.5e-8, the estimate of df/dx1 = 2 is 0 (the notes:
"we cannot even get the sign correctly"). A larger h is better here only because f has
no curvature beyond the second order.

The gradient s2sad generates multiplies each x_i by 2, with no step and no
cancellation, so it equals 2 x in every bit, in reverse mode (the whole gradient in one
sweep) and forward mode (one direction per sweep).

    python samples/sum_of_squares.py
"""
import numpy as np

import s2sad

N = 1000
STEPS = (1e-2, 1e-4, 1e-6, float(np.sqrt(np.finfo(float).eps)))


def sum_of_squares(x: np.ndarray):
    return np.sum(x * x)


def central_differences(f, x, h):
    """(f(x + h e_i) - f(x - h e_i)) / (2h) for every i, dividing by the step actually
    taken (x_i + h is rounded too)."""
    g = np.empty_like(x)
    for i in range(len(x)):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        g[i] = (f(plus) - f(minus)) / (plus[i] - minus[i])
    return g


def main():
    """Return the point x, the reverse- and forward-mode derivatives, and for each step h
    the central-difference gradient."""
    x = np.arange(1.0, N + 1.0)
    reverse = s2sad.grad(sum_of_squares)(x)
    e1 = np.zeros(N)
    e1[0] = 1.0
    _, forward_e1 = s2sad.jvp(sum_of_squares)(x, e1)
    central = {h: central_differences(sum_of_squares, x, h) for h in STEPS}
    return {"x": x, "reverse": reverse, "forward_e1": forward_e1, "central": central}


def show(result):
    x = result["x"]
    print(f"f(x) = sum x_i^2 at x_i = i, n = {N}: f = {sum_of_squares(x):.6g}; "
          "gradient 2 x_i\n")
    print("central differences        worst relative error   estimate of df/dx1 = 2")
    for h, g in result["central"].items():
        worst = np.max(np.abs(g / (2 * x) - 1))
        print(f"  h = {h:<8.2g}{'':14}{worst:10.2e}{'':13}{g[0]:.10g}")
    exact = np.array_equal(result["reverse"], 2 * x)
    print(f"\ns2sad reverse mode (grad):     equals 2*x bit for bit: {exact}")
    d1 = float(result["forward_e1"])
    print(f"s2sad forward mode (jvp, e_1): df/dx1 = {d1!r}, exact: {d1 == 2 * x[0]}")


if __name__ == "__main__":
    show(main())
