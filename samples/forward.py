"""Forward mode: tangents, directional derivatives and whole Jacobians.

Print the tangent code of any of them, e.g.

    s2sad samples/forward.py:repeated_sqrt --args 3.0,4 --mode forward
    s2sad samples/forward.py:wave --args "np.array([0.5, 2.0])" --mode vector

or run this file to see derivatives next to values derived by hand.
"""
import math

import numpy as np

PHASES = np.linspace(0.0, 3.0, 4)


def repeated_sqrt(x: float, n: int):
    """x ** (1 / 2**n) by `n` square roots. Each step overwrites `x`, and the derivative of
    a square root is best written with its result (0.5 / sqrt(x)): the tangent recomputes
    the root before `x` is overwritten instead of saving the old `x`."""
    for i in range(n):
        x = math.sqrt(x)
    return x


def wave(p: np.ndarray):
    """R^2 -> R^4: amplitude p[1] of a sine sampled at four phases scaled by p[0]. Two
    inputs, four outputs: forward mode gets the Jacobian in one vector sweep."""
    return p[1] * np.sin(p[0] * PHASES)


def wave_jacobian_by_hand(p):
    return np.stack([p[1] * np.cos(p[0] * PHASES) * PHASES, np.sin(p[0] * PHASES)], axis=1)


if __name__ == "__main__":
    import s2sad

    x, n = 3.0, 4
    value, tangent = s2sad.jvp(repeated_sqrt)(x, n, 1.0)
    print("repeated_sqrt(3.0, 4):   ", value, "by hand", x ** (1 / 2 ** n))
    print("its derivative (jvp):    ", tangent, "by hand", x ** (1 / 2 ** n - 1) / 2 ** n)
    p = np.array([0.5, 2.0])
    print("Jacobian of wave, by hand:")
    print(wave_jacobian_by_hand(p))
    for mode in ("forward", "reverse", "auto"):
        J = s2sad.jacobian(wave, mode=mode)(p)
        print(f"  mode={mode!r:10} largest difference from it:",
              np.max(np.abs(J - wave_jacobian_by_hand(p))))
