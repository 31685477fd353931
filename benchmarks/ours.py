"""s2sad's side of the benchmark: its derived functions, the generated code alone, the
cost of a first call, and what the logistic map's adjoint pushes on its stack."""
import importlib.util
import statistics
import time

import s2sad
from s2sad import pipeline, runtime


class Derivatives:
    """`s2sad.grad` and `s2sad.jvp` of a case's function, each also as the generated
    function it calls, from `s2sad.compiled` (no argument binding, checks or lookup of
    the specialisation)."""

    def __init__(self, case):
        self.case = case
        self.grad = s2sad.grad(case.fn, wrt=case.wrt)
        self.grad(*case.args)
        self.adjoint = s2sad.compiled(case.fn, *case.args, mode="gradient", wrt=case.wrt)
        assert self.adjoint is self.grad._last.function
        self.seeds = case.seeds()
        if case.scalar:
            self.jvp = s2sad.jvp(case.fn, wrt=case.wrt)
            self.jvp(*case.args, self.seeds)
            self.tangent = s2sad.compiled(case.fn, *case.args, mode="forward",
                                          wrt=case.wrt)

    def calls(self):
        """{column: (function, arguments)} to time."""
        args, seeds = self.case.args, self.seeds
        found = {"s2sad grad()": (self.grad, args), "s2sad adjoint": (self.adjoint, args)}
        if self.case.scalar:
            found["s2sad jvp()"] = (self.jvp, args + (seeds,))
            found["s2sad tangent"] = (self.tangent, args + seeds)
        return found


def numba_gradient(case):
    """`s2sad.grad(f, backend="numba")` of the case, its first result and the seconds of
    its first call (transform, numba compilation, run); or a word when it cannot run:
    "no numba", or "refused" with the reason."""
    if importlib.util.find_spec("numba") is None:
        return "no numba"
    derived = s2sad.grad(case.fn, wrt=case.wrt, backend="numba")
    start = time.perf_counter()
    try:
        result = derived(*case.args)
    except s2sad.CompiledError as exc:
        return f"refused: {exc}"
    return derived, result, time.perf_counter() - start


def first_call(case, fresh=5):
    """Seconds for s2sad.grad(f)(*args) on a derivative no cache holds (transform,
    compile, run): (the first in this process, the median of `fresh` more, each after
    `pipeline.forget()` empties the caches)."""
    def once():
        pipeline.forget()
        start = time.perf_counter()
        s2sad.grad(case.fn, wrt=case.wrt)(*case.args)
        return time.perf_counter() - start
    cold = once()
    return cold, statistics.median(once() for _ in range(fresh))


class _Recording(list):
    """A stack that keeps everything pushed on it."""
    last = None

    def __init__(self):
        super().__init__()
        self.pushed = []
        _Recording.last = self

    def append(self, value):
        self.pushed.append(value)
        super().append(value)


def pushes(case):
    """What the generated adjoint's forward sweep pushes: its source (as
    tests/analysis/test_tape.py does) run with a stack that records, on the case's
    arguments."""
    fn = case.fn
    text = s2sad.source(fn, *case.args, wrt=case.wrt).split("\n\n\n")[0]
    if "stack = []" not in text:
        return []
    namespace = dict(fn.__globals__, _Recording=_Recording, **runtime.HELPERS)
    exec(text.replace("stack = []", "stack = _Recording()", 1), namespace)
    namespace[fn.__name__ + "_adjoint"](*case.args)
    return _Recording.last.pushed
