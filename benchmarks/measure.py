"""One case measured: check every gradient, then time the function and each gradient.

The result's `cells` map each column to the ratio gradient time / function time, or to
a word: "not installed", "fails" (the peer raised), "> N s" (its first call did not
finish in time; see `PEER_LIMIT`).
"""
import inspect
import statistics
from dataclasses import dataclass, field
from typing import Optional

from benchmarks import check, ours, timing

COLUMNS = ("s2sad grad()", "s2sad adjoint", "s2sad numba", "s2sad jvp()", "s2sad tangent",
           "by hand", "by hand tangent", "by hand, restructured", "loops alone", "autograd",
           "torch", "jax", "jax jit")
PEER_LIMIT = {False: 60.0, True: 15.0}


@dataclass
class Measured:
    label: str
    scalar: bool
    f_seconds: float
    cells: dict
    first_call: tuple
    jit_first_call: object = None
    numba_first_call: object = None  # seconds, or why it has none ("refused", "no numba")
    pushed: Optional[tuple] = None  # (values pushed, trips) for the tape target
    failures: dict = field(default_factory=dict)
    processes: int = 1  # the processes whose median the `OWN` ratios are
    targeted: bool = True  # the case's `targeted`


# the columns another process measures again (see `ratios` and `take_medians`)
OWN = ("s2sad grad()", "s2sad adjoint", "s2sad jvp()", "s2sad tangent", "by hand",
       "by hand tangent", "by hand, restructured", "loops alone")


def ratios(case, quick=False):
    """The ratios of the columns in `OWN` and the function's own time ("f"), measured in
    this process without peers, checked like `measure` checks them."""
    found = measure(case, {}, quick, first=False, numba=False)
    return {"f": found.f_seconds, **{c: v for c, v in found.cells.items() if c in OWN}}


def take_medians(results, others):
    """Each result's `OWN` ratios and function time as the medians over its own process
    and `others` (what `ratios` gave in each other process, by label): a process's
    memory layout (where its arrays fall, what the allocator keeps) moves a ratio by
    several percent from one process to the next, more than the repeats within one do."""
    for result in results:
        runs = [other[result.label] for other in others]
        result.processes = 1 + len(runs)
        if not runs:
            continue
        result.f_seconds = statistics.median([result.f_seconds] + [r["f"] for r in runs])
        for column in OWN:
            if column in result.cells:
                result.cells[column] = statistics.median(
                    [result.cells[column]] + [r[column] for r in runs])


def measure(case, peers, quick=False, tape=False, first=True, numba=True):
    first = ours.first_call(case) if first else None
    ours_ = ours.Derivatives(case)
    hand = case.hand_gradient(case.args)
    calls = {"f": (case.fn, case.args)}
    calls.update(ours_.calls())
    calls["by hand"] = (hand, case.args)
    results = {"s2sad grad()": ours_.grad(*case.args),
               "s2sad adjoint": ours_.adjoint(*case.args),
               "by hand": None}
    if case.hand_restructured is not None:
        restructured = case.hand_restructured(case.args)
        calls["by hand, restructured"] = (restructured, case.args)
        results["by hand, restructured"] = restructured(*case.args)
    if case.loops_alone is not None:  # timed, not checked: it is not a gradient
        calls["loops alone"] = (case.loops_alone(case.args), case.args)
    if len(case.wrt) == 1:
        results["s2sad adjoint"] = (results["s2sad adjoint"],)
    cells, failures, jit_first, first_seconds = {}, {}, None, {}
    compiled = ours.numba_gradient(case) if numba else "not measured"
    if isinstance(compiled, str):
        numba_first = compiled.split(":")[0]
        if numba:
            cells["s2sad numba"] = numba_first
    else:
        derived, result, numba_first = compiled
        calls["s2sad numba"] = (derived, case.args)
        results["s2sad numba"] = result
    for label, entry in peers.items():
        if entry is None:
            cells[label] = "not installed"
            continue
        outcome = _run_peer(entry[1], case, PEER_LIMIT[quick])
        if isinstance(outcome, str):
            cells[label] = outcome.split(":")[0]
            failures[label] = outcome
            if label == "jax jit":
                jit_first = cells[label]
            continue
        prepared, result, seconds = outcome
        calls[label] = (prepared.run, ())
        results[label] = prepared.to_numpy(result)
        first_seconds[label] = seconds
        if label == "jax jit":
            jit_first = prepared.first_call
    reference = hand(*case.args)
    results["by hand"] = reference
    names = [list(inspect.signature(case.fn).parameters)[p] for p in case.wrt]
    check.check(case.label, reference, results, names)
    if case.scalar:
        _check_tangents(case, ours_, calls)
    times = timing.compare(calls, quick, first_seconds)
    f_seconds = times.pop("f")
    cells.update({column: seconds / f_seconds for column, seconds in times.items()})
    pushed = (ours.pushes(case), case.args[1]) if tape else None
    return Measured(case.label, case.scalar, f_seconds, cells, first, jit_first, numba_first,
                    pushed, failures, targeted=case.targeted)


def _run_peer(prepare, case, limit):
    """(prepared, its first result, seconds of that run), or a word and the reason."""
    try:
        with timing.limited(limit):
            prepared = prepare(case)
            result, seconds = timing.timed(prepared.run)
    except timing.TooSlow as exc:
        return f"{exc}: the first call did not finish within {limit:.0f} s"
    except Exception as exc:  # a peer may fail in any way on a function it cannot do
        return f"fails: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return prepared, result, seconds


def _check_tangents(case, ours_, calls):
    """The tangent by s2sad (wrapper and generated code) against the one by hand."""
    args, seeds = case.args, ours_.seeds
    hand = case.hand_tangent(*args, *seeds)[1]
    calls["by hand tangent"] = (case.hand_tangent, args + seeds)
    tangents = {"s2sad jvp()": (ours_.jvp(*args, seeds)[1],),
                "s2sad tangent": (ours_.tangent(*args, *seeds)[1],)}
    check.check(case.label + " (tangent)", (hand,), tangents, ["the direction"])
