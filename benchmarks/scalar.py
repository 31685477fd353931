"""Derivative-to-function time ratios for the scalar seed examples.

The cheap gradient principle says a gradient costs a small multiple (3-4 or less) of the
function; a tangent (one directional derivative) costs about 2-2.5 times the function.
This prints, for each example, the time of the generated adjoint, of the `s2sad.grad`
wrapper (argument binding and specialisation lookup included), of the generated tangent
and of the `s2sad.jvp` wrapper, and of a gradient written by hand, each divided by the time
of the plain function, all measured in this one run (median of repeats).

    python benchmarks/scalar.py
"""
import math
import os
import statistics
import sys
import timeit

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "samples"))
import s2sad  # noqa: E402
from seeds import griewank_walther, log_sin  # noqa: E402


def hand_griewank_walther(x1, x2):
    r = x1 / x2
    e = math.exp(x2)
    a = math.sin(r) + r - e
    b = r - e
    ab = b * (math.cos(r) + 1) + a
    return (a * b, (ab / x2, -ab * r / x2 - e * (a + b)))


def hand_log_sin(x1, x2):
    return (math.log(x1) + x1 * x2 - math.sin(x2), (1 / x1 + x2, x1 - math.cos(x2)))


def median_time(fn, args, number=20000, repeat=15):
    times = timeit.repeat(lambda: fn(*args), number=number, repeat=repeat)
    return statistics.median(times) / number


def main():
    cases = [("seed 002 ln x1 + x1*x2 - sin x2", log_sin, hand_log_sin, (2.0, 5.0)),
             ("seed 000 Griewank-Walther", griewank_walther, hand_griewank_walther, (1.5, 0.5))]
    print(f"{'function':34} {'f (ns)':>8} {'adjoint':>8} {'grad()':>8} {'tangent':>8} "
          f"{'jvp()':>8} {'by hand':>8}")
    for label, fn, hand, args in cases:
        gradient = s2sad.grad(fn, wrt=(0, 1))
        gradient(*args)
        adjoint = gradient._last.function
        directional = s2sad.jvp(fn, wrt=(0, 1))
        directional(*args, (1.0, 0.0))
        tangent = directional._last.function
        base = median_time(fn, args)
        ratios = [median_time(adjoint, args) / base, median_time(gradient, args) / base,
                  median_time(tangent, args + (1.0, 0.0)) / base,
                  median_time(directional, args + ((1.0, 0.0),)) / base,
                  median_time(hand, args) / base]
        print(f"{label:34} {base * 1e9:8.0f} " + " ".join(f"{r:7.2f}x" for r in ratios))


if __name__ == "__main__":
    main()
