"""Binomial checkpointing: run a loop's adjoint keeping at most k snapshots of its state.

The adjoint of a loop marked `s2sad.checkpoint(range(n), snapshots=k)` does not tape every
trip. Its forward sweep keeps a few snapshots of the loop's carried state; its backward
sweep restores one, runs forward again from it to the trip it needs, and runs that trip
taped and reversed (`step_adjoint`). Which trips are recomputed is Griewank's binomial
schedule (revolve): with r the smallest integer such that C(k + r, k) >= n, the schedule
runs T(n, k) = r n - C(k + r, k + 1) untaped steps, the fewest any schedule with k
snapshots can, and no trip more than r + 1 times. The function's value needs the last
trip run untaped once more, so the total is T(n, k) + 1 untaped steps and n taped ones.

A split of l trips with c snapshots (the first holding the segment's start) advances m
trips, stores the state there, reverses the last l - m trips with c - 1 snapshots and then
the first m with c. T is piecewise linear and convex in l, so the best m is where the
marginal costs meet: `split` picks m = max(1, C(c + r - 2, c), l - C(c + r - 1, c - 1)),
checked against the exhaustive minimum in tests/emit/test_checkpoint_schedule.py.

A `while` loop's trip count is known only at its end. `Checkpoints.run_while` keeps a
snapshot every d trips and, when k are held, drops every other one and doubles d (so the
intervals between snapshots are at most max(1, 2 (n - 1) / k) trips long); the backward
sweep reverses the intervals last to first, each by the offline schedule with the
snapshots the earlier intervals do not hold.

Generated code calls `revolve` and `revolve_while`; `counting()` lets tests read what a
run did (`Stats`).
"""
import numbers
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar
from math import comb

import numpy as np

from .errors import UsageError


Marked = TypeVar("Marked")


def checkpoint(iterable: Marked, snapshots: int) -> Marked:
    """Mark a loop for binomial checkpointing: `for i in s2sad.checkpoint(range(n),
    snapshots=k):`, or `while s2sad.checkpoint(condition, snapshots=k):`.

    Run as plain Python it returns its argument unchanged. The adjoint s2sad generates
    for the loop keeps at most `k` snapshots of the state the loop carries from trip to
    trip, instead of taping every trip, and recomputes the trips in between by Griewank's
    binomial schedule: with r the smallest integer with C(k + r, k) >= n, no trip runs more
    than r + 1 times (docs/checkpointing.md)."""
    return iterable


def binomial(c, r):
    """beta(c, r) = C(c + r, c): the most trips c snapshots reverse running no trip more
    than r + 1 times."""
    return comb(c + r, c) if r >= 0 else 0


@lru_cache(maxsize=1024)
def repetitions(trips, snapshots):
    """The smallest r with C(snapshots + r, snapshots) >= trips."""
    r, reach = 0, 1
    while reach < trips:
        r += 1
        reach = reach * (snapshots + r) // r
    return r


def advances(trips, snapshots):
    """T(n, k): the untaped steps revolve runs to reverse `trips` trips with `snapshots`
    snapshots (the first holds the start), forward sweep to the last trip included."""
    if trips <= 1:
        return 0
    r = repetitions(trips, snapshots)
    return r * trips - comb(snapshots + r, snapshots + 1)


@lru_cache(maxsize=1024)
def split(trips, snapshots):
    """How many trips to advance before storing the next snapshot (see the module)."""
    r = repetitions(trips, snapshots)
    return max(1, binomial(snapshots, r - 2), trips - binomial(snapshots - 1, r))


@dataclass
class Stats:
    """What one run of a checkpointed loop did: its trips, the snapshot limit, the most
    snapshots held at once, the untaped and taped step calls, and (inside `counting()`)
    how many times each trip ran, taped or not."""
    trips: int = 0
    snapshots: int = 0
    peak: int = 0
    advances: int = 0
    taped: int = 0
    runs: list = field(default=None, repr=False)


_watchers = []


@contextmanager
def counting(per_trip=True):
    """`with counting() as runs:` collects the `Stats` of every checkpointed loop run
    inside it, with per-trip counts unless `per_trip` is false."""
    runs = []
    _watchers.append((runs, per_trip))
    try:
        yield runs
    finally:
        _watchers.remove((runs, per_trip))


def _copied(state):
    """`state` with its arrays and lists copied: a snapshot no later trip changes."""
    return tuple(np.copy(v) if isinstance(v, np.ndarray) else
                 list(v) if isinstance(v, list) else v for v in state)


class Checkpoints:
    """The snapshots of one run of a checkpointed loop, from its forward sweep to its
    backward sweep. `state` is the carried state after the loop (a value, or a tuple when
    the loop carries several)."""

    def __init__(self, snapshots, step, state, indices=None):
        if not isinstance(snapshots, numbers.Integral) or isinstance(snapshots, bool) \
                or snapshots < 1:
            raise UsageError(f"checkpoint(..., snapshots={snapshots!r}): snapshots must be "
                             "an integer of at least 1")
        self.limit = int(snapshots)
        self.step = step
        self.indices = indices
        self.width = len(state)
        # numbers need no copying, and most loops carry only numbers
        self.copies = any(isinstance(v, (np.ndarray, list)) for v in state)
        self.snaps = []
        self.segments = []
        self.working = None
        self.stats = Stats(snapshots=snapshots)
        for runs, per_trip in _watchers:
            runs.append(self.stats)
            if per_trip:
                self.stats.runs = []

    # the forward sweep

    def run(self, state):
        """Run the loop, storing snapshots along the first descent of the schedule."""
        n = self.stats.trips = len(self.indices)
        self._count(n)
        if n == 0:
            return self._finish(state)
        self._store(0, state)
        start, free = 0, self.limit - 1
        while n - start > 1 and free > 0:
            middle = start + split(n - start, free + 1)
            state = self._advance(start, middle, state)
            self.segments.append((start, free))
            self._store(middle, state)
            start, free = middle, free - 1
        self.segments.append((start, free))
        state = self._advance(start, n - 1, state)
        self.working = self._copy(state)
        return self._finish(self._advance(n - 1, n, state))

    def run_while(self, more, state):
        """Run a `while` loop (`more(*state)` its test), keeping a snapshot every `every`
        trips and thinning them when `limit` are held."""
        every, trip, kept = 1, 0, []
        self._count(0)
        while more(*state):
            if trip % every == 0 and len(kept) == self.limit:
                kept = [(p, s) for p, s in kept if p % (2 * every) == 0]
                every *= 2
            if trip % every == 0:
                kept.append((trip, self._copy(state)))
                self.stats.peak = max(self.stats.peak, len(kept))
            state = self._advance(trip, trip + 1, state)
            trip += 1
        self.stats.trips = trip
        self.snaps = kept
        ends = [p for p, _ in kept[1:]] + [trip]
        self.intervals = [(p, end) for (p, _), end in zip(kept, ends)]
        self.every = every
        return self._finish(state)

    # the backward sweep

    def reverse(self, step_adjoint, *adjoints):
        """Run every trip's adjoint, last to first; returns the adjoints (a value when
        there is one). `start` is then the state before the loop (a tuple)."""
        self.step_adjoint = step_adjoint
        if self.stats.trips and self.indices is not None:
            end = self.stats.trips
            for start, free in reversed(self.segments):
                adjoints = self._reverse(start, end, free, adjoints)
                end = start
                if start:
                    self.snaps.pop()
        elif self.stats.trips:
            for held, (start, end) in reversed(list(enumerate(self.intervals))):
                free = self.limit - held - 1
                adjoints = self._reverse(start, end, free, adjoints)
                if start:
                    self.snaps.pop()
        self.start = self.snaps[0][1] if self.snaps else self.initial
        return adjoints[0] if len(adjoints) == 1 else tuple(adjoints)

    def _reverse(self, start, end, free, adjoints):
        """Reverse trips start..end - 1, the state before `start` being the last snapshot
        and `free` more snapshots allowed.

        The schedule is recursive (split, reverse the right part with one snapshot less,
        then the left part); `parents` holds the left parts still to do, so that a long
        loop makes no deep Python recursion and a split costs little."""
        snaps, parents, copy = self.snaps, [], self._copy
        if self.working is not None:
            adjoints = self._taped(end - 1, self.working, adjoints)
            self.working, end = None, end - 1
        while True:
            if end == start:
                if not parents:
                    return adjoints
                snaps.pop()
                end, (start, free) = start, parents.pop()
                continue
            if end - start == 1:
                state = copy(snaps[-1][1])
            elif free == 0:
                state = self._advance(start, end - 1, copy(snaps[-1][1]))
            elif end - start <= free + 1:
                adjoints = self._every_state(start, end, adjoints)
                end = start
                continue
            else:
                middle = start + split(end - start, free + 1)
                state = self._advance(start, middle, copy(snaps[-1][1]))
                self._store(middle, state)
                parents.append((start, free))
                start, free = middle, free - 1
                continue
            adjoints = self._taped(end - 1, state, adjoints)
            end -= 1

    def _every_state(self, start, end, adjoints):
        """Trips start..end - 1 with a snapshot free for each: one advance each, every
        state kept (what the schedule does when C(c + 1, c) >= l)."""
        states = [self._copy(self.snaps[-1][1])]
        for trip in range(start, end - 1):
            states.append(self._advance(trip, trip + 1, self._copy(states[-1])))
        self.stats.peak = max(self.stats.peak, len(self.snaps) + len(states) - 1)
        for trip in range(end - 1, start - 1, -1):
            adjoints = self._taped(trip, states.pop(), adjoints)
        return adjoints

    # steps and snapshots

    def _count(self, trips):
        self.intervals = None
        self.initial = None
        if self.stats.runs is not None:
            self.stats.runs = [0] * trips

    def _finish(self, state):
        if not self.snaps:
            self.initial = self._copy(state)
        self.state = state[0] if self.width == 1 else state
        return self

    def _copy(self, state):
        return _copied(state) if self.copies else state

    def _store(self, position, state):
        self.snaps.append((position, self._copy(state)))
        self.stats.peak = max(self.stats.peak, len(self.snaps))

    def _advance(self, start, end, state):
        step, indices, runs = self.step, self.indices, self.stats.runs
        self.stats.advances += end - start
        if runs is None and indices is not None:
            if self.width == 1:
                value = state[0]
                for i in indices[start:end]:
                    value = step(i, value)
                return (value,)
            for i in indices[start:end]:
                state = step(i, *state)
            return state
        for trip in range(start, end):
            state = step(*state) if indices is None else step(indices[trip], *state)
            if runs is not None:
                if trip == len(runs):
                    runs.append(0)
                runs[trip] += 1
            if self.width == 1:
                state = (state,)
        return state

    def _taped(self, trip, state, adjoints):
        if self.indices is None:
            result = self.step_adjoint(*state, *adjoints)
        else:
            result = self.step_adjoint(self.indices[trip], *state, *adjoints)
        stats = self.stats
        stats.taped += 1
        if stats.runs is not None:
            stats.runs[trip] += 1
        if len(adjoints) == 1:
            return (result,)
        return tuple(result) if adjoints else ()


def revolve(trips, snapshots, step, *state):
    """The forward sweep of a checkpointed `for` loop over `trips` (a range):
    `step(i, *state)` runs one trip and returns the state (a value when there is one)."""
    return Checkpoints(snapshots, step, state, trips).run(state)


def revolve_while(more, snapshots, step, *state):
    """The forward sweep of a checkpointed `while` loop: `more(*state)` is its test,
    `step(*state)` one trip."""
    return Checkpoints(snapshots, step, state).run_while(more, state)
