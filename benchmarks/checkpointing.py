"""Binomial checkpointing at scale: the gradient of a 10**6-trip logistic map with its
loop marked `s2sad.checkpoint(range(n), snapshots=30)`, and of a 10**4-trip leapfrog
integrator over two arrays of 1,000 numbers, against the plain adjoint, which tapes every
trip. Reports each gradient's time and its peak memory (tracemalloc, in a run of its
own, since tracing slows Python down), and the ratios.

    python benchmarks/checkpointing.py            # 10**6 and 10**4 trips, 30 snapshots
    python benchmarks/checkpointing.py --trips 100000

`measure()` gives the numbers (`measure(10**4, 30, size=1000)` the leapfrog's) and
`markdown([...])` a table of them, for benchmarks/run.py's report.
"""
import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np  # noqa: E402

import s2sad  # noqa: E402
from s2sad import runtime_checkpoint  # noqa: E402


def logistic_plain(x: float, n: int):
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def logistic_checkpointed(x: float, n: int, k: int):
    for i in s2sad.checkpoint(range(n), snapshots=k):
        x = 3.9 * x * (1 - x)
    return x


def leapfrog_plain(q, p, dt: float, n: int):
    q = q.copy()
    p = p.copy()
    for i in range(n):
        p = p - 0.5 * dt * np.sin(q)
        q = q + dt * p
        p = p - 0.5 * dt * np.sin(q)
    return np.sum(q * q) + np.sum(p * p)


def leapfrog_checkpointed(q, p, dt: float, n: int, k: int):
    q = q.copy()
    p = p.copy()
    for i in s2sad.checkpoint(range(n), snapshots=k):
        p = p - 0.5 * dt * np.sin(q)
        q = q + dt * p
        p = p - 0.5 * dt * np.sin(q)
    return np.sum(q * q) + np.sum(p * p)


def _timed(call):
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def _peak(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(trips=10**6, snapshots=30, size=None):
    """Time (s) and peak memory (bytes) of the function, the plain gradient and the
    checkpointed one, with the checkpointed run's counts: the logistic map, or with
    `size` a leapfrog integrator whose state is two arrays of `size` numbers."""
    if size is None:
        label, args = "Logistic map", (0.3, trips)
        plain, checkpointed, function = logistic_plain, logistic_checkpointed, logistic_plain
    else:
        rows = np.linspace(0.0, 1.0, size)
        label, args = f"Leapfrog, 2 arrays of {size:,}", (rows, np.cos(rows), 0.01, trips)
        plain, checkpointed, function = leapfrog_plain, leapfrog_checkpointed, leapfrog_plain
    small = args[:-1] + (3,)
    plain_grad, checkpointed_grad = s2sad.grad(plain), s2sad.grad(checkpointed)
    plain_grad(*small), checkpointed_grad(*small, snapshots)   # compiled before timing
    function_time, _ = _timed(lambda: function(*args))
    plain_time, expected = _timed(lambda: plain_grad(*args))
    with runtime_checkpoint.counting(per_trip=False) as runs:
        checkpointed_time, got = _timed(lambda: checkpointed_grad(*args, snapshots))
    assert np.allclose(got, expected, rtol=1e-9, atol=0), (got, expected)
    stats = runs[0]
    return {
        "label": label, "trips": trips, "snapshots": snapshots,
        "function_time": function_time,
        "plain_time": plain_time, "checkpointed_time": checkpointed_time,
        "plain_peak": _peak(lambda: plain_grad(*args)),
        "checkpointed_peak": _peak(lambda: checkpointed_grad(*args, snapshots)),
        "held": stats.peak, "advances": stats.advances, "taped": stats.taped,
        "optimum": runtime_checkpoint.advances(trips, snapshots) + 1,
        "repetitions": runtime_checkpoint.repetitions(trips, snapshots),
    }


def markdown(results):
    """A table of `measure()`'s numbers (one result or a list of them)."""
    results = [results] if isinstance(results, dict) else results
    lines = ["| loop | gradient | time (s) | × function | peak memory (MB) |",
             "|---|---|---|---|---|"]
    notes = []
    for r in results:
        loop = f"{r['label']}, {r['trips']:,} trips"
        lines += [
            f"| {loop} | plain adjoint (push/pop) | {r['plain_time']:.3g} | "
            f"{r['plain_time'] / r['function_time']:.1f} | {r['plain_peak'] / 1e6:.3g} |",
            f"| {loop} | checkpointed, {r['snapshots']} snapshots | "
            f"{r['checkpointed_time']:.3g} | {r['checkpointed_time'] / r['function_time']:.1f}"
            f" | {r['checkpointed_peak'] / 1e6:.3g} |"]
        notes.append(
            f"- {loop}: r = {r['repetitions']}, {r['advances']:,} untaped trips (the optimum "
            f"{r['optimum']:,}) and {r['taped']:,} taped, {r['held']} snapshots held at "
            f"most; checkpointed / plain: time "
            f"{r['checkpointed_time'] / r['plain_time']:.2f}×, peak memory "
            f"{r['checkpointed_peak'] / r['plain_peak']:.4f}×.")
    return "\n".join(lines + [""] + notes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=10**6)
    parser.add_argument("--snapshots", type=int, default=30)
    parser.add_argument("--size", type=int, default=1000,
                        help="the leapfrog's array size (its trips: --trips / 100)")
    options = parser.parse_args(argv)
    print(markdown([measure(options.trips, options.snapshots),
                    measure(options.trips // 100, options.snapshots, options.size)]))


if __name__ == "__main__":
    main()
