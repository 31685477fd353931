"""The binomial schedule of runtime_checkpoint.py, run on a plain Python step: the
closed form of its cost against an exhaustive minimum, and for several (n, k) the
snapshots held, the steps run in all and per trip, and the adjoint it gives."""
from functools import lru_cache
from math import comb

import pytest

from s2sad import runtime_checkpoint as rc


@lru_cache(None)
def fewest(trips, snapshots):
    """The fewest untaped steps that reverse `trips` trips with `snapshots` snapshots,
    by trying every place for the next snapshot."""
    if trips <= 1:
        return 0
    if snapshots == 1:
        return trips * (trips - 1) // 2
    return min(m + fewest(trips - m, snapshots - 1) + fewest(m, snapshots)
               for m in range(1, trips))


@pytest.mark.parametrize("snapshots", [1, 2, 3, 5])
def test_closed_form_and_split_are_the_minimum(snapshots):
    for trips in range(1, 80):
        assert rc.advances(trips, snapshots) == fewest(trips, snapshots)
        if trips > 1 and snapshots > 1:
            m = rc.split(trips, snapshots)
            assert m + fewest(trips - m, snapshots - 1) + fewest(m, snapshots) == \
                fewest(trips, snapshots)


def step(i, x):
    return 3.9 * x * (1 - x)


def step_adjoint(i, x, x_bar):
    return x_bar * (3.9 - 7.8 * x)


def reference(trips, x):
    """The derivative of the loop, every state kept."""
    states = []
    for i in range(trips):
        states.append(x)
        x = step(i, x)
    derivative = 1.0
    for x in reversed(states):
        derivative *= 3.9 - 7.8 * x
    return derivative


@pytest.mark.parametrize("trips, snapshots", [(0, 3), (1, 1), (1, 4), (2, 1), (3, 5), (5, 5),
                                              (10, 3), (10, 1), (37, 2), (100, 4), (500, 30)])
def test_revolve_counts(trips, snapshots):
    with rc.counting() as runs:
        checkpoints = rc.revolve(range(trips), snapshots, step, 0.3)
        derivative = checkpoints.reverse(step_adjoint, 1.0)
    stats, = runs
    assert derivative == pytest.approx(reference(trips, 0.3), rel=1e-9)
    assert checkpoints.start == (0.3,)
    r = rc.repetitions(trips, snapshots)
    assert comb(snapshots + r, snapshots) >= trips and (
        r == 0 or comb(snapshots + r - 1, snapshots) < trips)
    assert stats.peak <= snapshots and stats.peak == min(snapshots, trips)
    assert stats.taped == trips
    # the schedule's optimum, and the last trip once more for the loop's value
    assert stats.advances == (rc.advances(trips, snapshots) + 1 if trips else 0)
    # no trip more than r + 1 times (the single trip of n = 1 runs twice)
    assert max(stats.runs, default=0) <= (r + 1 if trips > 1 else 2 * trips)


def test_worked_example_of_the_docs():
    with rc.counting() as runs:
        rc.revolve(range(10), 3, step, 0.3).reverse(step_adjoint, 1.0)
    assert runs[0].runs == [3, 3, 3, 2, 3, 3, 2, 3, 2, 2]
    assert runs[0].advances == 16 == rc.advances(10, 3) + 1


@pytest.mark.parametrize("trips, snapshots", [(0, 2), (1, 1), (7, 1), (9, 2), (40, 3),
                                              (200, 8), (1000, 5)])
def test_while_schedule(trips, snapshots):
    def more(x, j):
        return j < trips

    def trip(x, j):
        return step(0, x), j + 1

    def trip_adjoint(x, j, x_bar):
        return step_adjoint(0, x, x_bar)

    with rc.counting() as runs:
        checkpoints = rc.revolve_while(more, snapshots, trip, 0.3, 0)
        derivative = checkpoints.reverse(trip_adjoint, 1.0)
    stats, = runs
    assert derivative == pytest.approx(reference(trips, 0.3), rel=1e-9)
    assert checkpoints.start == (0.3, 0) and stats.trips == trips
    assert stats.peak <= snapshots and stats.taped == trips
    # the snapshots of the forward sweep are at most max(1, 2 (n - 1) / k) trips apart
    assert all(end - start <= max(1, 2 * (trips - 1) / snapshots)
               for start, end in checkpoints.intervals)
    # the forward sweep, then each interval reversed by the offline schedule with the
    # snapshots the earlier intervals leave
    offline = sum(rc.advances(end - start, snapshots - held)
                  for held, (start, end) in enumerate(checkpoints.intervals))
    assert stats.advances == trips + offline


def test_snapshots_must_be_a_positive_integer():
    import numpy as np
    from s2sad import UsageError
    for wrong in (0, -1, 2.0, True):
        with pytest.raises(UsageError, match="snapshots must be an integer of at least 1"):
            rc.revolve(range(3), wrong, step, 0.3)
    checkpoints = rc.revolve(range(3), np.int64(2), step, 0.3)
    assert checkpoints.reverse(step_adjoint, 1.0) == pytest.approx(reference(3, 0.3))


def test_arrays_are_copied_into_snapshots():
    import numpy as np

    def inplace(i, y):
        y *= 1.5
        y += i
        return y

    def inplace_adjoint(i, y, y_bar):
        return y_bar * 1.5

    y = np.ones(3)
    with rc.counting() as runs:
        checkpoints = rc.revolve(range(6), 2, inplace, y)
        assert checkpoints.state == pytest.approx(
            ((((((1 * 1.5) * 1.5 + 1) * 1.5 + 2) * 1.5 + 3) * 1.5 + 4) * 1.5 + 5) * np.ones(3))
        y_bar = checkpoints.reverse(inplace_adjoint, np.ones(3))
    assert y_bar == pytest.approx(1.5 ** 6 * np.ones(3))
    assert checkpoints.start[0] == pytest.approx(np.ones(3)) and runs[0].peak == 2
