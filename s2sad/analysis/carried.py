"""Loop distribution's dependence analysis: which operations of a counting loop read a
value carried from an earlier trip, and which can run for every trip at once.

Each operation of the loop's body gets a place:

- `BEFORE`: it reads only values that are the same on every trip, rows of arrays picked by
  the trip index (`x[t]`, along the first axis only) and values of other `BEFORE`
  operations: it can run for all trips before the loop (`x @ W` for `x[t] @ W`);
- `AFTER`: it also reads values computed earlier in the same trip by the operations that
  stay, but no value of an earlier trip: it can run for all trips after the loop, over
  the values kept trip by trip (`hs @ V` for `h @ V`);
- `SUM`: `acc = acc + q` where nothing else in the loop reads or writes `acc` and `q` is
  batched: a sum over the trips after the loop;
- `KEPT`: everything else, the recurrence (`h = np.tanh(... + h @ U + b)` reads the `h` of
  the trip before).

A value read before its assignment in the body is carried; so is any value the body
assigns twice. An operation that stays and reads an `AFTER` value pulls it back into the
loop (and so on, to a fixed point); an `AFTER` value read after the loop stays too. So does
an operation that reads a kept value whose shape may change from trip to trip: its trips
would not stack into one array.

The trip index must pick rows of arrays whose first axis has the loop's trip count, as
shape symbols prove it (`for t in range(x.shape[0])` over `x` and `z` of equal length),
so the batched rows are exactly the rows the loop reads. A `BEFORE` operation runs even
when the loop runs no trip, on arrays of zero rows, so its operands' shapes must be known
to fit.
"""
import operator
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .. import ir, rules
from ..frontend import calls
from ..ir import kinds as K
from . import infer
from ..transform import batched as B

BEFORE, AFTER, SUM, KEPT = "before", "after", "sum", "kept"


@dataclass
class Split:
    """The places of a loop body's operations (by position), the values kept trip by
    trip for the operations after the loop (`stacked`), and the hoisted values read
    trip by trip inside the loop or after it (`indexed`)."""
    places: list
    stacked: list
    indexed: set


def split(loop, kinds, trips, read_outside):
    """The `Split` of `loop` (whose body holds operations only), or None when nothing
    worth batching moves; `trips`: the shape symbol of its trip count, `read_outside`:
    the names read anywhere but in the loop."""
    body = loop.body
    count = Counter(op.target.name for op in body)
    reads = [[v.name for v in op.vars()] for op in body]
    read_in_loop = Counter(name for names in reads for name in set(names))
    defined = {op.target.name: i for i, op in enumerate(body)}
    numpy_valued = _numpy_valued(body, kinds)
    places, seen = [], set()
    for op, names in zip(body, reads):
        places.append(_place(op, names, loop.target.name, count, seen, defined, places,
                             kinds, trips, read_in_loop, numpy_valued))
        seen.add(op.target.name)
    for i, names in enumerate(reads):
        for name in names:
            if name in defined and defined[name] >= i and places[defined[name]] != SUM:
                places[defined[name]] = KEPT  # the next trip reads it
    while True:
        _settle(body, reads, places, defined, read_outside)
        stacked = list(dict.fromkeys(
            name for names, place in zip(reads, places) if place in (AFTER, SUM)
            for name in names if name in defined and places[defined[name]] == KEPT))
        ragged = {name for name in stacked
                  if not _same_shape(_trip_kind(body[defined[name]], kinds))}
        if not ragged:
            break
        for i, names in enumerate(reads):
            if places[i] in (AFTER, SUM) and ragged.intersection(names):
                places[i] = KEPT
    if all(place == KEPT or row_picked(op, loop.target.name) for op, place in zip(body, places)):
        return None
    indexed = {name for names, place in zip(reads, places) if place == KEPT
               for name in names if name in defined and places[defined[name]] == BEFORE}
    indexed |= {op.target.name for op, place in zip(body, places)
                if place == BEFORE and op.target.name in read_outside}
    return Split(places, stacked, indexed)


def _place(op, names, index, count, seen, defined, places, kinds, trips, read_in_loop,
           numpy_valued):
    name = op.target.name
    if count[name] > 1 or any(count[v] > 1 for v in names):
        return KEPT
    if _sum(op, count, defined, places, kinds, read_in_loop):
        return SUM
    if any(count[v] and v not in seen for v in names):
        return KEPT
    if index in names:
        row = row_picked(op, index)
        fits = row and count[op.args[0].name] == 0 and \
            (K.lengths(kinds[op.args[0].name]) or (None,))[0] == trips
        return BEFORE if fits else KEPT
    batched = {v for v in names if count[v]}
    if not batched or not B.batchable(op, batched, kinds, numpy_valued):
        return KEPT
    if all(places[defined[v]] == BEFORE for v in batched) and _fits(op, kinds):
        return BEFORE
    return AFTER


def _sum(op, count, defined, places, kinds, read_in_loop):
    """Whether `op` is `acc = acc + q` (or `q + acc`) summing a batched `q`."""
    acc = op.target.name
    if op.prim is not operator.add or op.kwargs or len(op.args) != 2 or \
            ir.Var(acc) not in op.args or op.args[0] == op.args[1]:
        return False
    q = op.args[1] if op.args[0] == ir.Var(acc) else op.args[0]
    if not isinstance(q, ir.Var) or defined.get(q.name, len(places)) >= len(places) or \
            places[defined[q.name]] not in (BEFORE, AFTER):
        return False
    ranks = [B.rank(kinds[name]) for name in (acc, q.name)]
    return count[acc] == 1 and read_in_loop[acc] == 1 and ranks[0] is not None and \
        ranks[0] == ranks[1] and not kinds[acc].complex


def _settle(body, reads, places, defined, read_outside):
    """Pull back into the loop what the loop reads from after it, to a fixed point."""
    changed = True
    while changed:
        changed = False
        for i, (op, names) in enumerate(zip(body, reads)):
            sources = [defined[v] for v in names if v in defined and defined[v] < i]
            if places[i] == AFTER and op.target.name in read_outside or places[i] == SUM \
                    and places[defined[summand(op).name]] not in (BEFORE, AFTER):
                places[i] = KEPT
                changed = True
            if places[i] == KEPT:
                for j in sources:
                    if places[j] == AFTER:
                        places[j] = KEPT
                        changed = True
            if places[i] == BEFORE and any(places[j] in (KEPT, AFTER) for j in sources):
                places[i] = AFTER
                changed = True


def _same_shape(kind):
    """Whether every trip's value of a variable of `kind` has the same shape, so the trips
    stack into one array: a number, or an array whose lengths are symbols (an argument's
    lengths, constant cuts of them), which no trip changes. `x[:t + 1]` has a fresh token
    and would stack into a ragged list."""
    return kind.is_scalar or kind.tag == "int" or kind.is_array and K.lengths(kind) is not None


def _trip_kind(op, kinds):
    """The kind of the value `op` gives on every trip. The variable's own kind also covers
    what it holds before the loop (`h = np.zeros(n)`, whose shape token is not the
    recurrence's), so it is computed again from the operands' kinds."""
    rule = None if calls.is_called(op.prim) or isinstance(op.prim, (ir.Tape, ir.Pop)) \
        else rules.lookup(op.prim)
    if rule is None:
        return kinds[op.target.name]
    return rules.result_kind(rule, [infer.kind_of(a, kinds) for a in op.args],
                             infer.consts(op, rule, kinds))


def summand(op):
    acc = op.target
    return op.args[1] if op.args[0] == acc else op.args[0]


def row_picked(op, index):
    """Whether `op` is `a[t]`, a row of `a` picked by the trip index `t`."""
    return op.prim is operator.getitem and len(op.args) == 2 and not op.kwargs and \
        op.args[1] == ir.Var(index) and isinstance(op.args[0], ir.Var) and \
        op.args[0].name != index


def _fits(op, kinds):
    """Whether the shapes of `op`'s operands are known to fit, so it raises no error when
    run on zero rows before a loop that runs no trip."""
    shapes = []
    for arg in op.args:
        if isinstance(arg, ir.Const):
            shapes.append(())
            continue
        kind = kinds[arg.name]
        lengths = () if kind.is_scalar else K.lengths(kind)
        if lengths is None:
            return False
        shapes.append(tuple(lengths))
    if op.prim is operator.matmul:
        left, right = shapes
        return left[-1] == (right[-2] if len(right) >= 2 else right[0])
    if op.prim is np.sum or op.prim is ir.COPY:
        return True
    for position in range(1, max(len(s) for s in shapes) + 1):
        found = {s[-position] for s in shapes if len(s) >= position} - {1}
        if len(found) > 1:
            return False
    return True


def _numpy_valued(body, kinds):
    """`numpy_valued(name)`: whether a value the body computes is a NumPy array or
    number (a row of an array, NumPy's result, or arithmetic with one of those), so its
    batched form keeps its arithmetic."""
    found = set()
    for op in body:
        kind = kinds.get(op.target.name)
        if kind is not None and kind.is_array or op.prim is operator.getitem and any(
                isinstance(a, ir.Var) and kinds[a.name].is_array for a in op.args[:1]) or \
                _numpy_function(op.prim) or op.prim in B.OPERATORS and any(
                    isinstance(a, ir.Var) and a.name in found for a in op.args):
            found.add(op.target.name)
    return found.__contains__


def _numpy_function(prim):
    return isinstance(prim, np.ufunc) or callable(prim) and \
        (getattr(prim, "__module__", None) or "").split(".")[0] == "numpy"
