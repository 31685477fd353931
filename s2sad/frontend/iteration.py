"""Lowering `for` loops: the loop, its counter, and how its targets are bound.

A mixin of the lowerer (lower.py), whose state it reads and writes. A loop runs over a
*sequence*, which is either known while lowering (a tuple of atoms: a display, a tuple
held in a variable, a comprehension over one) and then unrolled, its body lowered once per
element; or known only at run time, a `Counted` sequence, and then lowered to the one IR
loop there is, a counter over a range with the items read by index:

    for i, (a, b) in enumerate(zip(x, y)):     for i in range(min(len(x), len(y))):
        ...                               ->        a = x[i]
                                                    b = y[i]
                                                    ...

The sequences are made in sequences.py. A loop target may be a tuple of targets, unpacked
from a tuple element or, element by element, from an array row. Comprehensions
(comprehensions.py) loop over the same sequences, bound the same way.
"""
import builtins
import operator

import gast

from .. import ir
from ..syntax import queries
from .names import element_assigned, held_by_lists
from .sequences import Read


class IterationLowering:
    """`for` loops over ranges, arrays, tuples and their `enumerate`, `zip` and
    `reversed`, unrolled or lowered to a counter loop."""

    def stmt_For(self, node):
        if self.checkpointed(node, node.iter, self.stmt_For):
            return
        rebound = queries.stored(node)
        if isinstance(node.target, gast.Name) and self.is_range(node.iter):
            self.check_counter(node, node.target.id)
        sequence = self.sequence(node.iter, rebound)
        if isinstance(sequence, tuple):
            self.unroll(node, sequence)
            return
        assigned = rebound | element_assigned(node.body)
        self.promote_fields(node)
        self.counted_loop(sequence, node.target, lambda: self.lower_block(node.body),
                          assigned, self.loop_counter(node, sequence), node)

    def is_range(self, node):
        return isinstance(node, gast.Call) and self.resolve(node.func) is builtins.range

    def loop_counter(self, node, sequence):
        """The counter of a loop over `sequence`: the loop variable of a `range` loop, the
        index of `enumerate(x)` over an array when nothing else assigns it, else a new
        name."""
        target = node.target
        if isinstance(target, gast.Name) and sequence.item is None:
            return target.id
        if isinstance(target, gast.Tuple) and isinstance(target.elts[0], gast.Name) \
                and getattr(sequence, "enumerated", False):
            name = target.elts[0].id
            if not self.counter_elsewhere(node, name):
                return name
        leaves = [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]
        return self.namer.fresh((leaves[0] if leaves else "") + "_index")

    def counted_loop(self, sequence, target, body, assigned, counter, node=None):
        """An IR loop over a run-time sequence: `target` bound to each item, then `body()`
        lowered; `assigned` are the names the loop may overwrite."""
        line = self.line
        counter = ir.Var(counter)
        bounds = [self.stable(atom, assigned) for atom in
                  (sequence.start, sequence.stop, sequence.step)]
        shown = getattr(sequence, "reverse_of", None)
        if shown is not None:
            shown = tuple(self.stable(atom, assigned) for atom in shown)
        self.mutable.add(counter.name)
        self.env[counter.name] = counter
        self.enter_loop(assigned, node if isinstance(node, gast.For) else None)

        def lowered():
            self.bind(target, sequence.at(counter), node)
            body()
        block, fresh = self.nested(lowered)
        self.loop_kinds.pop()
        self.compound(ir.For(counter, *bounds, block, line, shown), [(block, fresh)])

    def enter_loop(self, assigned, node=None):
        self.forget(assigned)
        self.fresh_arrays -= {name for name in assigned
                              if node is None or not self.always_fresh(node, name)}
        if node is not None:
            # a list may hold them from the trip before
            self.fresh_arrays -= held_by_lists(node.body)
        self.loop_kinds.append("loop")

    def check_counter(self, node, name):
        """A `range` loop's variable is restored by the backward sweep's own loop header,
        so nothing else may assign it."""
        if self.counter_elsewhere(node, name):
            raise self.error(node, f"the loop variable `{name}`, which is also assigned "
                             "elsewhere", "use a name of its own for the loop variable.")

    def counter_elsewhere(self, node, name):
        """Whether `name`, a loop's counter, is a parameter, assigned inside the loop, or
        assigned anywhere other than as another loop's counter (a comprehension's
        variables are its own: comprehensions.py renames them)."""
        counters = {id(loop_target(loop)) for loop in gast.walk(self.parsed.node)
                    if isinstance(loop, gast.For) and loop_target(loop) is not None}
        elsewhere = name in self.params or any(
            n.id == name and id(n) not in counters for n in _assigned(self.parsed.node))
        return elsewhere or any(n.id == name for n in _assigned(node.body))

    def stable(self, atom, assigned):
        """`atom`, or a copy of it if the loop overwrites it (the loop header reads it once,
        and so does the backward sweep's)."""
        if isinstance(atom, ir.Var) and atom.name in assigned:
            copy_ = ir.Var(self.namer.temp())
            self.mutable.add(copy_.name)
            self.emit(copy_, ir.COPY, (atom,))
            return copy_
        return atom

    # the names the body of the loop being unrolled assigns
    updated = frozenset()

    def unroll(self, node, elements):
        """`for v in (a, b, c)` (or a tuple held in a variable): the body once per
        element, the elements evaluated first."""
        values = [self.steady(element) for element in elements]
        self.loop_kinds.append("unrolled")
        outer, self.updated = self.updated, {n.id for n in _assigned(node.body)}
        for value in values:
            self.bind(node.target, value, node, copy=True)
            self.lower_block(node.body)
        self.loop_kinds.pop()
        self.updated = outer

    def steady(self, value):
        """An element of an unrolled sequence, copied if it lives in a variable the loop
        may overwrite."""
        if isinstance(value, tuple):
            return tuple(self.steady(item) for item in value)
        if isinstance(value, ir.Var) and value.name in self.mutable:
            return self.stable(value, {value.name})
        return value

    # targets

    def bind(self, target, value, node, copy=False, static=False):
        """Bind a loop target (a name or a tuple of targets) to an item: a tuple is
        unpacked element by element, an atom (an array row) by index. `copy`: an atom is
        copied into the name's variable; `static`: nothing is assigned, the names just
        hold the values (a comprehension known while lowering)."""
        if isinstance(target, gast.Tuple):
            if isinstance(value, tuple):
                if len(value) != len(target.elts):
                    raise self.error(node, f"unpacking {len(value)} values into "
                                     f"{len(target.elts)} targets",
                                     "unpack as many targets as values.")
            else:
                whole = self.read_item(value)
                value = [Read(whole, ir.Const(i)) for i in range(len(target.elts))]
            for part, item in zip(target.elts, value):
                self.bind(part, item, node, copy, static)
            return
        if not isinstance(target, gast.Name):
            raise self.error(node, "this loop target", "loop over plain names.")
        if static:
            self.env[target.id] = self.read_item(value)
        else:
            self.bind_name(target.id, value, copy)

    def bind_name(self, name, value, copy):
        """`name` holds `value` from here on: a tuple stays a tuple, an item read by index
        is read straight into the name's variable (`copy`: so is an atom)."""
        var = ir.Var(self.loop_names.get(name, name))
        if isinstance(value, tuple):
            self.env[name] = value
        elif isinstance(value, Read):
            self.emit(var, self.item_of(value.sequence), (value.sequence, value.index))
            self.env[name] = var
        elif isinstance(value, ir.Var) and value != var and (copy or value.name in self.mutable) \
                or copy and isinstance(value, (ir.Const, ir.Global)) and name in self.updated:
            # (a constant or a module-level value too, where the unrolled body assigns the
            # name: `u *= s` in a branch reads the name's variable)
            self.fresh_arrays.discard(name)
            self.emit(var, ir.COPY, (value,))
            self.env[name] = var
        else:
            self.env[name] = value
        if isinstance(self.env[name], ir.Var) and self.env[name] == var:
            self.mutable.add(var.name)

    def read_item(self, value):
        if isinstance(value, Read):
            return self.emit(None, self.item_of(value.sequence),
                             (value.sequence, value.index))
        return value

    def item_of(self, sequence):
        """The primitive that reads an item of `sequence`: of a list built at run time,
        its own (rules/lists.py)."""
        return ir.OnList(operator.getitem) if self.is_list(sequence) else operator.getitem


def _assigned(code):
    """The Name nodes `code` assigns, but for a comprehension's variables."""
    own = {id(n) for generator in queries.walk(code)
           if isinstance(generator, gast.comprehension) for n in gast.walk(generator.target)}
    return [n for n in queries.walk(code) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store) and id(n) not in own]


def loop_target(loop):
    """The Name node that may be a `for` loop's counter: its target, or the index of an
    `enumerate`."""
    if isinstance(loop.target, gast.Name):
        return loop.target
    if isinstance(loop.target, gast.Tuple) and loop.target.elts and \
            isinstance(loop.target.elts[0], gast.Name) and isinstance(loop.iter, gast.Call) \
            and isinstance(loop.iter.func, gast.Name) and loop.iter.func.id == "enumerate":
        return loop.target.elts[0]
    return None
