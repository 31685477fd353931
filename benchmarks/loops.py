"""Derivative-to-function time ratios for Python loops.

The cheap gradient principle says a gradient costs a small multiple of the function. For
a loop the adjoint runs the loop forward (saving what the to-be-recorded analysis asks
for) and then backward (restoring and recomputing each trip's temporaries); the tangent
runs it once, each derivative statement beside its primal one. This prints, for each
example, the time of the generated adjoint, of the `s2sad.grad` wrapper and of the
generated tangent (one direction), each divided by the time of the plain function, all
measured in this one run (best of repeats). tests/test_tape.py checks what the stack
holds.

    python benchmarks/loops.py
"""
import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "samples"))
import s2sad  # noqa: E402
from loops import elman, logistic_map, loop_sum_of_squares  # noqa: E402


def best_time(fn, args, number=100, repeat=25):
    """The fastest of `repeat` runs: on a shared machine the others measure the noise."""
    times = timeit.repeat(lambda: fn(*args), number=number, repeat=repeat)
    return min(times) / number


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, 1000)
    network = (rng.normal(size=(20, 3)), rng.normal(size=(3, 8)), 0.3 * rng.normal(size=(8, 8)),
               rng.normal(size=8), rng.normal(size=(8, 1)), rng.normal(size=(20, 1)))
    cases = [("logistic map, 1000 trips", logistic_map, (0.3, 1000), 0),
             ("loop sum of x[i]*x[i], n = 1000", loop_sum_of_squares, (x,), 0),
             ("Elman network, 20 steps, 8 units", elman, network, (1, 2, 3))]
    print(f"{'function':34} {'f (us)':>8} {'adjoint':>8} {'grad()':>8} {'tangent':>8}")
    for label, fn, args, wrt in cases:
        gradient = s2sad.grad(fn, wrt=wrt)
        gradient(*args)
        adjoint = gradient._last.function
        positions = wrt if isinstance(wrt, tuple) else (wrt,)
        seeds = tuple(np.ones_like(args[p]) if isinstance(args[p], np.ndarray) else 1.0
                      for p in positions)
        directional = s2sad.jvp(fn, wrt=wrt)
        directional(*args, seeds if isinstance(wrt, tuple) else seeds[0])
        tangent = directional._last.function
        base = best_time(fn, args)
        ratios = [best_time(adjoint, args) / base, best_time(gradient, args) / base,
                  best_time(tangent, args + seeds) / base]
        print(f"{label:34} {base * 1e6:8.1f} " + " ".join(f"{r:7.2f}x" for r in ratios))


if __name__ == "__main__":
    main()
