"""Binomial checkpointing at scale: the gradient of a 10**6-trip logistic map with its
loop marked `s2sad.checkpoint(range(n), snapshots=30)`, against the plain adjoint, which
tapes every trip. Reports each gradient's time and its peak memory (tracemalloc, in a
run of its own, since tracing slows Python down), and the ratios.

    python benchmarks/checkpointing.py            # 10**6 trips, 30 snapshots
    python benchmarks/checkpointing.py --trips 100000

`measure()` gives the numbers and `markdown(measure())` a table, for benchmarks/run.py's
report.
"""
import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
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


def measure(trips=10**6, snapshots=30):
    """Time (s) and peak memory (bytes) of the function, the plain gradient and the
    checkpointed one, with the checkpointed run's counts."""
    plain = s2sad.grad(logistic_plain)
    checkpointed = s2sad.grad(logistic_checkpointed)
    plain(0.3, 3), checkpointed(0.3, 3, snapshots)   # compiled before timing
    function_time, _ = _timed(lambda: logistic_plain(0.3, trips))
    plain_time, expected = _timed(lambda: plain(0.3, trips))
    with runtime_checkpoint.counting(per_trip=False) as runs:
        checkpointed_time, got = _timed(lambda: checkpointed(0.3, trips, snapshots))
    assert abs(got - expected) <= 1e-9 * abs(expected) or got == expected, (got, expected)
    stats = runs[0]
    return {
        "trips": trips, "snapshots": snapshots,
        "function_time": function_time,
        "plain_time": plain_time, "checkpointed_time": checkpointed_time,
        "plain_peak": _peak(lambda: plain(0.3, trips)),
        "checkpointed_peak": _peak(lambda: checkpointed(0.3, trips, snapshots)),
        "held": stats.peak, "advances": stats.advances, "taped": stats.taped,
        "optimum": runtime_checkpoint.advances(trips, snapshots) + 1,
        "repetitions": runtime_checkpoint.repetitions(trips, snapshots),
    }


def markdown(result):
    """A table of `measure()`'s numbers."""
    r = result
    return "\n".join([
        f"Logistic map, {r['trips']:,} trips, {r['snapshots']} snapshots "
        f"(r = {r['repetitions']}: {r['advances']:,} untaped steps, the optimum "
        f"{r['optimum']:,}; {r['held']} snapshots held at most)",
        "",
        "| gradient | time (s) | × function | peak memory (MB) |",
        "|---|---|---|---|",
        f"| plain adjoint (push/pop) | {r['plain_time']:.2f} | "
        f"{r['plain_time'] / r['function_time']:.1f} | {r['plain_peak'] / 1e6:.1f} |",
        f"| checkpointed | {r['checkpointed_time']:.2f} | "
        f"{r['checkpointed_time'] / r['function_time']:.1f} | "
        f"{r['checkpointed_peak'] / 1e6:.3f} |",
        "",
        f"Checkpointed / plain: time {r['checkpointed_time'] / r['plain_time']:.2f}×, "
        f"peak memory {r['checkpointed_peak'] / r['plain_peak']:.4f}×.",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=10**6)
    parser.add_argument("--snapshots", type=int, default=30)
    options = parser.parse_args(argv)
    print(markdown(measure(options.trips, options.snapshots)))


if __name__ == "__main__":
    main()
