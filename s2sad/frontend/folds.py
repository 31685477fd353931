"""Lowering the folds of a comprehension: `sum`, `math.prod`, `max` and `min` of one over
a run-time sequence, as an accumulating loop.

A mixin of the lowerer (lower.py), whose state it reads and writes. Over sequences known
while lowering, a comprehension is a tuple of atoms (comprehensions.py) that the call packs
or chains; over a run-time one its elements are folded where they are made:

    total = sum(x[i] ** 2 for i in range(n) if x[i] > 0)
->  total = 0
    for i in range(n):
        if x[i] > 0:
            total = total + x[i] ** 2

`max`/`min` take the first element and then `max(m, e)`, which keeps Python's first of
equal values (and so its derivative at ties); of no element at all they fail like Python.
"""
import builtins
import math

import gast

from .. import ir
from ..syntax.operators import BINARY
from .comprehensions import COMPREHENSIONS

# folds of a run-time sequence as an accumulating loop: the start and the step
_FOLDS = {builtins.sum: (0, BINARY[gast.Add]), math.prod: (1, BINARY[gast.Mult])}
# the calls that take a generator expression
FOLDS = {builtins.sum, math.fsum, math.prod, builtins.max, builtins.min}


class FoldLowering:
    """Folds of comprehensions over run-time sequences as accumulating loops."""

    def fold(self, node, func, target):
        """`sum`, `math.prod`, `max` or `min` of a comprehension: over sequences known
        while lowering its elements are kept for the call to pack or chain (and None is
        returned); else the accumulating loop, whose variable is returned."""
        if func.value not in FOLDS or not node.args \
                or not isinstance(node.args[0], COMPREHENSIONS):
            return None
        comprehension = node.args[0]
        elements = self.static_elements(comprehension)
        if elements is not None:
            self.known_elements[id(comprehension)] = elements
            return None
        if func.value in (builtins.max, builtins.min):
            if len(node.args) > 1 or node.keywords:
                raise self.error(node, f"`{func.text}` of a sequence with more arguments",
                                 f"pass `{func.text}` the sequence alone.")
            return self.extreme(comprehension, func, target)
        if func.value is math.fsum and len(node.args) == 1 and not node.keywords:
            # fsum's exact rounding needs every element: a list built by appends
            items = self.made_list(())
            self.generate(comprehension, lambda: self.emit(
                items, ir.APPEND, (items, self.expr(comprehension.elt))), {items.name})
            return self.emit(target, ir.OnList(math.fsum), (items,), callee=func.text)
        if func.value not in _FOLDS:
            raise self.error(comprehension, f"`{func.text}` of a comprehension over a "
                             "sequence known only at run time",
                             "use `sum` (the same derivative), or write the loop.")
        start, step = _FOLDS[func.value]
        if node.keywords or len(node.args) > (2 if func.value is builtins.sum else 1):
            raise self.error(node, f"`{func.text}` with these arguments",
                             f"call `{func.text}(sequence)`"
                             + (" or `sum(sequence, start)`." if start == 0 else "."))
        first = self.expr(node.args[1]) if len(node.args) > 1 else ir.Const(start)
        total = self.accumulator(target, "total" if start == 0 else "product")
        self.emit(total, ir.COPY, (first,))

        def add():
            self.emit(total, step, (total, self.expr(comprehension.elt)))
        self.generate(comprehension, add, {total.name})
        return total

    def extreme(self, comprehension, func, target):
        """`max(e for ...)`: the first element is taken, each later one through
        `max(m, e)`; none at all fails like Python. Over one sequence without conditions
        the first trip is the loop's first count; else a flag says whether an element
        came yet."""
        extreme = self.accumulator(target, "largest" if func.value is builtins.max
                                   else "smallest")
        message = f"{func.text}() arg is an empty sequence"

        def take(later):
            value = self.expr(comprehension.elt)
            rest, fresh_rest = self.nested(lambda: self.emit(
                extreme, func.value, (extreme, value), callee=func.text))
            first, fresh_first = self.nested(lambda: self.emit(extreme, ir.COPY, (value,)))
            self.compound(ir.If(later, rest, first, self.line),
                          [(rest, fresh_rest), (first, fresh_first)])
        generator = comprehension.generators[0]
        if len(comprehension.generators) == 1 and not generator.ifs:
            with self.comprehension_scope(comprehension, static=False):
                sequence = self.sequence(generator.iter)
                step = sequence.step
                if isinstance(step, ir.Const) and isinstance(step.value, int):
                    counter = self.comprehension_counter(generator.target, sequence)
                    order = "<" if step.value > 0 else ">"
                    self.block.append(ir.Assert(compare(sequence.start, order, sequence.stop),
                                                message, self.line))
                    later = compare(ir.Var(counter), "!=", sequence.start)
                    assigned = set(self.loop_names.values()) | {extreme.name}
                    self.counted_loop(sequence, generator.target, lambda: take(later),
                                      assigned, counter, comprehension)
                    return extreme
        found = ir.Var(self.namer.fresh("found"))
        self.mutable.add(found.name)
        self.emit(found, ir.COPY, (ir.Const(False),))

        def flagged():
            take(compare(found))
            self.emit(found, ir.COPY, (ir.Const(True),))
        self.generate(comprehension, flagged, {extreme.name, found.name})
        self.block.append(ir.Assert(compare(found), message, self.line))
        return extreme

    def accumulator(self, target, hint):
        """The variable a fold accumulates in: the assignment's own new variable when
        nothing reads it yet, else one of its own."""
        if target is None or target.name in self.mutable:
            target = ir.Var(self.namer.fresh(hint))
        self.mutable.add(target.name)
        return target


def compare(left, order=None, right=None):
    """The condition `left order right` of atoms (`left` alone: its truth)."""
    def written(atom):
        if isinstance(atom, ir.Var):
            return gast.Name(id=atom.name, ctx=gast.Load(), annotation=None,
                             type_comment=None)
        return gast.Constant(value=atom.value, kind=None)
    reads = tuple(dict.fromkeys(a for a in (left, right) if isinstance(a, ir.Var)))
    if order is None:
        return ir.Test(written(left), reads, False)
    node = gast.Compare(left=written(left), ops=[_ORDERS[order]()],
                        comparators=[written(right)])
    return ir.Test(node, reads, False)


_ORDERS = {"<": gast.Lt, ">": gast.Gt, "!=": gast.NotEq}
