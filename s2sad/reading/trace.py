"""`s2sad.trace`: a function's evaluation trace, the table the lecture notes draw.

One row per variable of the Wengert list as the function runs (the inputs first, then
each elementary operation; a statement in a loop once per trip): its operation, its value,
its tangent along one input direction (forward mode) and its adjoint, the sensitivity
dy/dv of the result to that value (reverse mode, with y_bar = 1 for a number).

The numbers come from running s2sad's own derivative code for the Wengert list with a
probe after each assignment (probes.py, instrument.py), not from reading variables of the
optimised derivative, which folds the temporaries away. The function's own derivatives
are computed too, and the trace's result row must agree with them.
"""
from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ..api.binding import positions as wrt_positions
from ..api.public import jvp, vjp
from ..errors import Error, UnsupportedError, UsageError, shown
from ..frontend import read
from ..frontend.front import checked, front
from ..syntax.compile import compile_function
from . import instrument, probes, tables


class Row(NamedTuple):
    """One executed statement of the Wengert list. `trip`: the trip of each loop around
    it, outermost first, counted from 1 (empty outside loops); `dot` and `bar`: None for a
    value with no derivative (an integer, a list) or an element write (see `trace`);
    `line`: the line of the user's code it comes from, if known."""
    name: str
    trip: tuple
    operation: str
    value: Any
    dot: Any
    bar: Any
    line: Any = None


@dataclass
class Trace:
    """An evaluation trace: `rows`, and how it was taken. `str(trace)` is the text table;
    `markdown()`, `csv()` and `json()` the other formats (`format(name)` picks one)."""
    function: str
    rows: list
    inputs: tuple
    wrt: tuple
    direction: tuple
    cotangent: Any
    result: str
    trips: int = 3

    def text(self, trips=tables.AS_TAKEN, digits=4):
        """A plain-text table; a loop of more than 2 * `trips` + 1 trips shows its first
        and last `trips` trips and one row for those left out (`trips=None`: every trip;
        by default the `trips` the trace was taken with)."""
        return tables.text(self, self.trips if trips is tables.AS_TAKEN else trips, digits)

    def markdown(self, trips=tables.AS_TAKEN, digits=4):
        """The table in Markdown (loops shortened as in `text`)."""
        return tables.markdown(self, self.trips if trips is tables.AS_TAKEN else trips, digits)

    def csv(self):
        """Every row, with full precision, as CSV (arrays as JSON lists)."""
        return tables.csv_text(self)

    def json(self):
        """Every row, with full precision, as a JSON document."""
        return tables.json_text(self)

    def format(self, name="text"):
        """The trace in format `name`: "text", "markdown", "csv" or "json"."""
        formats = {"text": self.text, "markdown": self.markdown, "csv": self.csv,
                   "json": self.json}
        if name not in formats:
            raise UsageError(f"format={shown(name)} is not one of "
                             f"{', '.join(map(repr, formats))}.")
        return formats[name]()

    def __str__(self):
        return self.text()

    @property
    def output(self):
        """The row of the returned value (its last assignment); None for a constant."""
        found = [row for row in self.rows if row.name == self.result]
        return found[-1] if found else None


def trace(fn: Callable[..., Any], *args: Any, wrt: int | str | tuple[int | str, ...] = 0,
          direction: Any = None, cotangent: Any = None, trips: int | None = 3) -> Trace:
    """Run `fn(*args)` and return its evaluation trace (a `Trace`).

    One row per variable of the Wengert list (`s2sad.source(fn, mode="wengert")`) as it
    is computed: the inputs, then each elementary operation, a statement in a loop once per
    trip. Each row has its value, its tangent along the input direction `direction` (one
    tangent per argument `wrt` names; by default a unit seed on the first: 1.0 for a
    number, the first entry's unit vector for an array) and its adjoint for the output
    seed `cotangent` (1.0 for a number; required for an array): v_bar = d(y_bar . y)/dv,
    for every value, also one that no argument in `wrt` reaches. Rows without derivatives:
    values that have none (integers, lists), and, in a function that writes into arrays
    (`y[i] = v`), its array rows. `trips`: how many first and last trips of a long loop the
    text and Markdown tables show (None: all); `.rows` holds every row.

    Refused with a located `s2sad.Error`: what `jvp` and `vjp` of `fn` refuse, an array
    result without `cotangent`, a container result, methods and callable objects.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> print(trace(f, 2.0, 5.0))  # doctest: +SKIP
    """
    if read.bound(fn)[1] is not read.NOTHING:
        raise UsageError(f"trace() follows a plain function's Wengert list, not a method or "
                         f"a callable object ({shown(fn)}); trace a function that takes "
                         "the values it uses as arguments.")
    if isinstance(fn, read.Derivative) or not inspect.isfunction(read.target(fn)):
        raise UsageError(f"trace() takes a function defined with `def`, not {shown(fn)}.")
    fn = read.target(fn)
    checked(fn)
    where = (fn.__code__.co_filename, fn.__code__.co_firstlineno)
    if front(fn).function.layout is not None:
        raise UsageError(f"`{fn.__name__}` returns a container; a trace follows one returned "
                         "value (a number, or an array with `cotangent=`).", *where)
    with _at(where):
        values = _bound(fn, args)
        positions = wrt_positions(fn, wrt)
        seeds = _direction(fn, values, positions, direction)
        result, y_dot = jvp(fn, wrt=_one(positions))(*values, _one(seeds))
        cotangent = _cotangent(fn, result, cotangent, where)
        _, gradients = vjp(fn, wrt=_one(positions))(*values, cotangent)
    program = instrument.program(fn)
    recorded = _record(fn, program, values, positions, seeds, cotangent)
    params = program.params
    made = Trace(read.base_name(fn), _rows(program, recorded), params,
                 tuple(params[p] for p in positions), seeds, cotangent,
                 _result_name(fn), trips)
    _agree(made, fn, y_dot, gradients if len(positions) > 1 else (gradients,), where)
    return made


@contextlib.contextmanager
def _at(where):
    """An s2sad error about the call (a `wrt` naming no parameter, a tangent of the wrong
    shape) said at the traced function's `def`, where it has no place of its own."""
    try:
        yield
    except Error as exc:
        if exc.filename is not None:
            raise
        try:
            located = type(exc)(str(exc), *where)
        except TypeError:
            located = Error(str(exc), *where)
        raise located from None


def _one(items):
    """A tuple of one as its item: how `jvp` and `vjp` take and give a single argument."""
    return items[0] if len(items) == 1 else items


def _bound(fn, args):
    signature = inspect.signature(fn)
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
           for p in signature.parameters.values()):
        raise UsageError(f"trace() passes arguments by position; `{fn.__name__}` has "
                         "*args, **kwargs or keyword-only parameters.")
    try:
        bound = signature.bind(*args)
    except TypeError as exc:
        raise UsageError(f"trace({fn.__name__}, ...): {exc}.") from None
    bound.apply_defaults()
    return tuple(bound.arguments.values())


def _direction(fn, values, positions, direction):
    """One tangent per differentiated argument: the user's, or the unit seed."""
    if direction is None:
        seeds = [np.zeros(np.shape(values[p])) if np.ndim(values[p]) else 0.0
                 for p in positions]
        if np.ndim(seeds[0]):
            seeds[0].flat[0] = 1.0
        else:
            seeds[0] = 1.0
        return tuple(seeds)
    if len(positions) == 1:
        return (direction,)
    if not isinstance(direction, (tuple, list)) or len(direction) != len(positions):
        raise UsageError(f"`direction` needs one tangent per argument wrt names "
                         f"({len(positions)}), as a tuple.")
    return tuple(direction)


def _cotangent(fn, result, cotangent, where):
    if cotangent is not None:
        return cotangent
    if np.ndim(result) == 0:
        return 1.0
    raise UsageError(f"`{fn.__name__}` returns an array of shape {np.shape(result)}, so its "
                     "adjoints need a seed for it: pass `cotangent=` (an array of that "
                     "shape, e.g. np.ones(...) for the sum of the outputs).", *where)


def _result_name(fn):
    result = front(fn).function.result
    return getattr(result, "name", None)


def _record(fn, program, values, positions, seeds, cotangent):
    """Values from the plain program run as Python, tangents from s2sad's tangent of the
    probed program with every probed value linked to the result (so that each has a
    tangent), adjoints from the adjoint of the probed program (taken with respect to `on`
    alone: every probed value varies through it)."""
    probe = probes.Probe()
    names = program.names
    recorded = probes.Recording()
    plain = compile_function(program.plain(), fn, {
        names["probe"]: probe, names["loop"]: probes.mark_loop,
        names["trip"]: probes.mark_trip}, "trace")
    with probes.recording(recorded, values=True):
        plain(*values, 0.0)
    recorded.floating = {key for key, seen in recorded.values.items()
                         if _derivable(seen[0], program, program.statements[key])}
    linked = compile_function(program.differentiated(recorded.floating, linked=True), fn,
                              {names["probe"]: probe, names["link"]: probes.Link()}, "trace")
    probed = compile_function(program.differentiated(recorded.floating), fn,
                              {names["probe"]: probe}, "trace")
    on = len(values)
    try:
        with probes.recording(recorded):
            jvp(linked, wrt=_one(positions))(*values, 0.0, _one(seeds))
            vjp(probed, wrt=on)(*values, 0.0, cotangent)
    except Error as exc:
        raise UnsupportedError(f"the evaluation trace of `{fn.__name__}` could not be "
                               f"taken: its probed Wengert list failed ({exc}).",
                               fn.__code__.co_filename, fn.__code__.co_firstlineno) from None
    return recorded


def _derivable(value, program, statement):
    """Whether a statement's value gets a probe in the differentiated program: a
    floating-point number or array. Where the list writes into arrays, numbers only: a
    probe's result is a new value to s2sad, which can no longer tell whether it shares
    memory with an array written later, so it would refuse the write or miss the change."""
    if isinstance(value, (float, complex, np.inexact)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "fc" and \
        not program.writes_elements


def _rows(program, recorded):
    seen = {}
    rows = []
    for key, counters in recorded.order:
        statement = program.statements[key]
        index = seen[key] = seen.get(key, -1) + 1
        value = recorded.values[key][index]
        dot = bar = None
        if key in recorded.floating:
            executions = len(recorded.values[key])
            dot = _nth(recorded.dots.get(key), executions, index, value, statement, True)
            bar = _nth(recorded.bars.get(key), executions, index, value, statement, False)
        trip = tuple(counters[loop] for loop in statement.loops)
        rows.append(Row(statement.name, trip, statement.operation, value, dot, bar,
                        statement.line))
    return rows


def _nth(found, executions, index, value, statement, forward):
    """The derivative of execution `index` of a statement: none taken means zero (the
    derivative code never reaches a value that varies with nothing, or that no result
    depends on); otherwise one per execution, in order (the backward sweep's reversed)."""
    if not found:
        return np.zeros_like(value) if np.ndim(value) else 0.0 * value
    if len(found) != executions:
        raise UnsupportedError(f"the evaluation trace lost count of the executions of "
                               f"`{statement.name} = {statement.operation}`; please report "
                               "this.")
    return found[index] if forward else found[executions - 1 - index]


def _agree(made, fn, y_dot, gradients, where):
    """The result row's tangent is the function's own tangent and the inputs' adjoints
    are its gradient: the probed list computes what the function does."""
    checks = [(made.output.dot, y_dot)] if made.output is not None else []
    first = {}
    for row in made.rows:
        first.setdefault(row.name, row)
    checks += [(first[name].bar, g) for name, g in zip(made.wrt, gradients)]
    for got, want in checks:
        if got is not None and not np.allclose(got, want, rtol=1e-9, atol=1e-12,
                                                   equal_nan=True):
            raise UnsupportedError(f"the evaluation trace of `{fn.__name__}` disagrees with "
                                   "its derivative; please report this.", *where)
