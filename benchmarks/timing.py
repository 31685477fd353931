"""Timing: medians of repeats, taken in rounds, in this process.

`compare` times several calls against each other. Each call first runs once, to pick
how many calls a repeat makes (about `target` seconds' worth); then the repeats are
taken in rounds, one repeat of every call per round, so that a slow drift of the
machine's speed (it is a shared virtual machine) falls on all of them alike. A call's
time is the median over rounds of the time per call: the median, not the minimum, so
that a ratio compares typical runs. A call is timed as the statement `fn(*args)`, with
no wrapper around it. Calls over half a second (peers running Python loops op by op)
get three repeats of their own. `limited` stops a call that runs past a limit.
"""
import contextlib
import signal
import statistics
import time
import timeit

SLOW = 0.5


class TooSlow(Exception):
    """A call ran longer than its limit."""


def compare(calls, quick=False, firsts=None):
    """{name: median seconds per call} for calls {name: (fn, args)}; `firsts` holds the
    seconds of one call already made, for the calls where it is known."""
    target, rounds = (0.005, 5) if quick else (0.04, 11)
    firsts = firsts or {}
    timers, times = {}, {}
    for name, (fn, args) in calls.items():
        timer = timeit.Timer("fn(*args)", globals={"fn": fn, "args": args})
        first = firsts.get(name) or timer.timeit(1)
        if first > SLOW:
            times[name] = statistics.median(timer.repeat(3, 1))
            continue
        number = max(1, int(target / max(first, 1e-9)))
        if number > 1:
            number = max(1, int(target * number / timer.timeit(number)))
        timers[name] = (timer, number)
    samples = {name: [] for name in timers}
    for _ in range(rounds):
        for name, (timer, number) in timers.items():
            samples[name].append(timer.timeit(number) / number)
    times.update({name: statistics.median(s) for name, s in samples.items()})
    return times


def timed(call):
    """(result of call(), seconds it took)."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


@contextlib.contextmanager
def limited(seconds):
    """Raise TooSlow in the running Python code once `seconds` have passed."""
    def expire(signum, frame):
        raise TooSlow(f"> {seconds:.0f} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
