"""What a `for` loop or a comprehension runs over: a sequence known while lowering, or one
known only at run time.

A mixin of the lowerer (lower.py), whose state it reads and writes. A sequence known while
lowering is a tuple of atoms (a display, a tuple held in a variable, a comprehension over
one). One known only at run time is `Counted`: a counter over a range and the items it
reads by index. `range`, arrays (their rows), `enumerate` (also `start`), `zip` (stopping
at the shortest, `min` of the lengths) and `reversed` (of a range: the same numbers as a
range, last first) build them, combined as the user wrote them.
"""
import builtins
import itertools
import operator
from dataclasses import dataclass

import gast

from .. import ir
from . import advice, records

@dataclass(frozen=True)
class Counted:
    """A sequence known only at run time: the items `item(counter)` for the counter
    running over `range(start, stop, step)`. `item` is None for a plain range (the items
    are the counter itself)."""
    start: object
    stop: object
    step: object
    item: object = None
    # `reversed(range(...))`: the range's own bounds, as the code shows the loop
    reverse_of: tuple = None

    def at(self, counter):
        return counter if self.item is None else self.item(counter)


@dataclass(frozen=True)
class Read:
    """The item `sequence[index]`, read when a target is bound to it (straight into the
    target's variable: `v = x[i]`)."""
    sequence: object
    index: object


ZERO, ONE = ir.Const(0), ir.Const(1)


def _first_trips(node):
    """Whether `node` is `range(...)[:k]`."""
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Call) and \
        isinstance(node.value.func, gast.Name) and node.value.func.id == "range" and \
        isinstance(node.slice, gast.Slice) and node.slice.lower is None and \
        node.slice.step is None and node.slice.upper is not None


class SequenceLowering:
    """The sequences loops and comprehensions run over, lowered as the user wrote them."""

    def sequence(self, node, rebound=frozenset()):
        """What `node` iterates over: a tuple of atoms if known while lowering, else a
        `Counted` sequence whose atoms `rebound` (names the loop assigns) cannot change."""
        if self.is_map(node):
            return self.mapped(node)
        if isinstance(node, gast.Call):
            func = self.resolve(node.func)
            if func in _SEQUENCES:
                return getattr(self, _SEQUENCES[func])(node, rebound)
            if getattr(func, "__module__", None) == "itertools" or func is itertools:
                raise self.error(node, f"a loop over `{advice.written(node.func)}(...)`",
                                 "write the loops out with `range`, `enumerate` and `zip`.")
        if self.parsed.generated and _first_trips(node):
            return self.first_trips(node, rebound)
        value = self.expr(node)
        if isinstance(value, records.Record):
            # a dict's keys, as Python iterates it; a namedtuple's values
            return records.view(value, "values" if value.sequence else "keys")
        if isinstance(value, tuple):
            return value
        value = self.stable(value, rebound)
        length = self.emit(None, builtins.len, (value,), callee="len")
        return Counted(ZERO, length, ONE, lambda i: Read(value, i))

    def first_trips(self, node, rebound):
        """`range(a, b, s)[:k]` in generated code: the trips a loop left by `break` ran,
        `range(a, a + k * s, s)`."""
        inner = self.range_sequence(node.value, rebound)
        count = self.expr(node.slice.upper)
        span = count if inner.step == ONE else self.emit(None, operator.mul, (count, inner.step))
        stop = span if inner.start == ZERO else self.emit(None, operator.add, (inner.start, span))
        return Counted(inner.start, stop, inner.step)

    def range_sequence(self, node, rebound):
        if node.keywords or not 1 <= len(node.args) <= 3:
            raise self.error(node, "this call to `range`",
                             "call range with one to three positional arguments.")
        bounds = [self.expr(arg) for arg in node.args]
        if len(bounds) == 1:
            bounds = [ZERO] + bounds
        if len(bounds) == 2:
            bounds.append(ONE)
        return Counted(*(self.stable(atom, rebound) for atom in bounds))

    def enumerate_sequence(self, node, rebound):
        start = self.call_parts(node, "enumerate", ("iterable", "start"))
        inner = self.sequence(node.args[0], rebound)
        first = self.expr(start) if start is not None else ZERO
        if isinstance(inner, tuple):
            return tuple((self.plus(first, ir.Const(i)), item) for i, item in enumerate(inner))
        length, item = self.from_zero(inner)
        if first == ZERO:
            return _Enumerated(ZERO, length, ONE, lambda i: (i, item(i)))
        first = self.stable(first, rebound)
        return Counted(ZERO, length, ONE, lambda i: (self.plus(i, first), item(i)))

    def zip_sequence(self, node, rebound):
        if node.keywords:
            raise self.error(node, "`zip` with keywords (`strict=`)",
                             "check the lengths before the loop and call `zip(a, b)`.")
        parts = [self.sequence(arg, rebound) for arg in node.args]
        if all(isinstance(part, tuple) for part in parts):
            return tuple(zip(*parts))
        if any(isinstance(part, tuple) for part in parts):
            raise self.error(node, "`zip` of a tuple and a sequence known only at run time",
                             "zip sequences of one kind: arrays and ranges, or tuples.")
        zeroed = [self.from_zero(part) for part in parts]
        length = zeroed[0][0]
        for other, _ in zeroed[1:]:
            length = self.emit(None, builtins.min, (length, other), callee="min")
        return Counted(ZERO, length, ONE, lambda i: tuple(item(i) for _, item in zeroed))

    def reversed_sequence(self, node, rebound):
        self.call_parts(node, "reversed", ("sequence",))
        inner = self.sequence(node.args[0], rebound)
        if isinstance(inner, tuple):
            return inner[::-1]
        if inner.item is None:
            return self.reversed_range(node, inner)
        if (inner.start, inner.step) != (ZERO, ONE) or isinstance(inner, _Enumerated):
            raise self.error(node, "`reversed` of `enumerate` or `zip`",
                             "Python cannot reverse them either: reverse the arrays or "
                             "the range inside them.")
        last = self.plus(inner.stop, ir.Const(-1))
        return Counted(last, ir.Const(-1), ir.Const(-1), inner.item)

    def reversed_range(self, node, inner):
        """`reversed(range(a, b, s))` as a range: the same numbers, last first."""
        start, stop, step = inner.start, inner.stop, inner.step
        if all(isinstance(atom, ir.Const) for atom in (start, stop, step)):
            back = range(start.value, stop.value, step.value)[::-1]
            return Counted(ir.Const(back.start), ir.Const(back.stop), ir.Const(back.step),
                           reverse_of=(start, stop, step))
        if not (isinstance(step, ir.Const) and type(step.value) is int):
            raise self.error(node, "`reversed` of a range whose step is known only at run "
                             "time", "write the reversed range: `range(last, first - 1, -1)`.")
        sign = 1 if step.value > 0 else -1
        if step.value == sign:
            last = self.plus(stop, ir.Const(-sign))
        else:
            # the last number of the range: a + ((b - a - sign) // s) * s
            span = self.plus(self.emit(None, operator.sub, (stop, start)), ir.Const(-sign))
            trips = self.emit(None, operator.floordiv, (span, step))
            last = self.plus(self.emit(None, operator.mul, (trips, step)), start)
        return Counted(last, self.plus(start, ir.Const(-sign)), ir.Const(-step.value),
                       reverse_of=(start, stop, step))

    def from_zero(self, sequence):
        """`(length, item)` of a run-time sequence, its items `item(k)` for k counted from
        0 (what `zip` and `enumerate` need)."""
        start, stop, step = sequence.start, sequence.stop, sequence.step
        if (start, step) == (ZERO, ONE):
            return stop, sequence.at
        # the length of range(a, b, s) is -((a - b) // s) (zero or less: no trip)
        length = self.emit(None, operator.sub, (start, stop))
        length = self.emit(None, operator.floordiv, (length, step))
        length = self.emit(None, operator.neg, (length,))

        def item(k):
            return sequence.at(self.plus(start, self.emit(None, operator.mul, (k, step))))
        return length, item

    def plus(self, atom, other):
        """`atom + other`, folded when both are known or one is zero."""
        if other == ZERO:
            return atom
        if atom == ZERO:
            return other
        if isinstance(atom, ir.Const) and isinstance(other, ir.Const):
            return ir.Const(atom.value + other.value)
        if isinstance(other, ir.Const) and isinstance(other.value, int) and other.value < 0:
            return self.emit(None, operator.sub, (atom, ir.Const(-other.value)))
        return self.emit(None, operator.add, (atom, other))

    def call_parts(self, node, name, names):
        """The optional second argument of `enumerate(x, start)` (by position or keyword);
        any other argument is refused."""
        given = list(node.args) + [keyword.value for keyword in node.keywords]
        keywords = [keyword.arg for keyword in node.keywords]
        if not node.args or len(given) > len(names) or \
                any(word not in names[len(node.args):] for word in keywords):
            raise self.error(node, f"this call to `{name}`",
                             f"call it as `{name}({', '.join(names)})`."
                             if len(names) > 1 else "call it with one sequence.")
        return given[1] if len(given) > 1 else None


class _Enumerated(Counted):
    """`enumerate(x)` over a run-time sequence: its index may be the loop's counter."""
    enumerated = True


_SEQUENCES = {builtins.range: "range_sequence", builtins.enumerate: "enumerate_sequence",
              builtins.zip: "zip_sequence", builtins.reversed: "reversed_sequence"}
