"""Loop distribution: a counting loop split into the recurrence, kept trip by trip, and
operations run once for all trips before and after it (analysis/carried.py says which).

    for t in range(x.shape[0]):              t6s = x @ W
        h = np.tanh(x[t] @ W + h @ U + b)    h_trips = []
        y = 1.0 / (1.0 + np.exp(-(h @ V)))   for t in range(x.shape[0]):
        loss += 0.5 * np.sum((y - z[t])**2)      h = np.tanh(t6s[t] + h @ U + b)
                                                 h_trips.append(h)
                                             if h_trips:
                                                 hs = np.array(h_trips)
                                                 ys = 1.0 / (1.0 + np.exp(-(hs @ V)))
                                                 loss = loss + np.sum(
                                                     0.5 * np.sum((ys - z)**2, axis=1), axis=0)

The derivatives are taken of the distributed function, so the adjoint of a batched part is
batched too: `W_bar += x.T @ t6s_bar` once, the output layer's adjoint over all trips
before the backward loop. Sums over the trips run in another order than the loop's, so
results may differ from the loop's in the last bits.

Runs after kind inference (the batched forms depend on ranks and shape symbols) and before
activity analysis, on a copy: the front's function is shared by every specialisation.
"""
import dataclasses
import keyword
import operator

import gast
import numpy as np

from .. import ir
from ..analysis import carried
from ..analysis.carried import AFTER, BEFORE, KEPT, SUM
from ..ir import kinds as K
from . import batched as B
from .regroup import regroup


def distribute(function, kinds, namer, np_name):
    """(function, kinds, namer) with every loop that can be batched distributed; the
    arguments themselves when none can (or the function does not read NumPy by a name,
    `np_name` None)."""
    if np_name is None:
        return function, kinds, namer
    rewrite = _Rewrite(function, dict(kinds), namer.copy(), np_name)
    body = rewrite.block(function.body)
    if not rewrite.changed:
        return function, kinds, namer
    written = ir.writes(body)
    mutable = frozenset(name for name in function.mutable if name in written) | \
        rewrite.lists
    return dataclasses.replace(function, body=body, mutable=mutable), rewrite.kinds, \
        rewrite.namer


class _Rewrite:
    def __init__(self, function, kinds, namer, np_name):
        self.function, self.kinds, self.namer, self.np_name = function, kinds, namer, np_name
        self.defs = {}
        for op in function.ops():
            if isinstance(op, ir.Op):
                self.defs.setdefault(op.target.name, []).append(op)
        self.changed = False
        self.lists = frozenset()

    def block(self, statements):
        out = []
        for statement in statements:
            if isinstance(statement, ir.If):
                statement = dataclasses.replace(statement, body=self.block(statement.body),
                                                orelse=self.block(statement.orelse))
            elif isinstance(statement, ir.While):
                statement = dataclasses.replace(statement, body=self.block(statement.body))
            elif isinstance(statement, ir.For):
                out.extend(self.loop(dataclasses.replace(
                    statement, body=self.block(statement.body))))
                continue
            out.append(statement)
        return out

    def loop(self, loop):
        trips = self.trips(loop)
        if loop.checkpoint is not None:   # keeping every trip's values defeats the marker
            return [loop]
        if trips is None or not all(isinstance(s, ir.Op) and not ir.updates(s) and
                                    not ir.on_tape(s) for s in loop.body):
            return [loop]
        outside = self.read_outside(loop)
        found = carried.split(loop, self.kinds, trips, outside)
        while found is not None:
            body = regroup(loop.body, found.places, self.kinds, self.namer.temps,
                           loop.target.name)
            if body is None:
                break
            loop = dataclasses.replace(loop, body=body)
            found = carried.split(loop, self.kinds, trips, outside)
        if found is None:
            return [loop]
        self.changed = True
        return _Distributed(self, loop, found, trips).statements()

    def trips(self, loop):
        """The shape symbol of the loop's trip count: `range(start, n, step)` with
        constant `start` >= 0 and `step` >= 1 and `n` the length of an array (`x.shape[0]`,
        `len(x)`), the rows `x[start::step]`; else None."""
        if loop.reverse_of is not None or not all(
                isinstance(a, ir.Const) and type(a.value) is int
                for a in (loop.start, loop.step)) or loop.start.value < 0 or \
                loop.step.value < 1 or not isinstance(loop.stop, ir.Var):
            return None
        op = self.single(loop.stop)
        if op is not None and op.prim is operator.getitem and op.args[1:] == (ir.Const(0),):
            shape = self.single(op.args[0])
            op = shape if shape is not None and shape.prim == ir.Attr("shape") else None
        elif op is None or op.prim is not len:
            op = None
        if op is None or not isinstance(op.args[0], ir.Var) or \
                op.args[0].name in self.function.mutable:
            return None
        lengths = K.lengths(self.kinds.get(op.args[0].name, K.OTHER)) if \
            self.kinds.get(op.args[0].name, K.OTHER).is_array else None
        return lengths[0] if lengths else None

    def single(self, atom):
        """The one operation that defines variable `atom`, or None."""
        defs = self.defs.get(atom.name, []) if isinstance(atom, ir.Var) else []
        if len(defs) != 1 or atom.name in self.function.mutable or len(defs[0].args) < 1:
            return None
        return defs[0]

    def read_outside(self, loop):
        """The names read anywhere in the function but in `loop`'s body."""
        inside = {id(s) for s in ir.statements(loop.body)}
        found = {v.name for v in ir.atom_vars(self.function.result)}
        for statement in ir.statements(self.function.body):
            if id(statement) not in inside:
                found |= ir.reads(statement)
        return found

    def fresh(self, name, kind):
        """A new variable for the trips of `name` (a temporary for a temporary)."""
        plural = name + "s" if not keyword.iskeyword(name + "s") else name + "s_"
        new = self.namer.temp() if name in self.namer.temps else self.namer.fresh(plural)
        self.kinds[new] = kind
        return new


class _Distributed:
    """One loop's rewrite: the batched operations before it, the loop, those after."""

    def __init__(self, rewrite, loop, found, trips):
        self.rewrite, self.loop, self.found = rewrite, loop, found
        # the length of the trip axis: the rows' when the loop visits every row, else a
        # length of its own (`range(1, len(x), 2)` runs fewer trips than `x` has rows)
        every = (loop.start.value, loop.step.value) == (0, 1)
        self.trips = trips if every else ("trips", loop.line, id(loop))
        self.names = {}

    def statements(self):
        loop, found, rewrite = self.loop, self.found, self.rewrite
        before, body, stacks, after, lists = [], [], [], [], []
        for name in found.stacked:
            kind = rewrite.kinds[name]
            lists.append(rewrite.namer.fresh(name + "_trips"))
            rewrite.kinds[lists[-1]] = K.list_of(kind)
            self.names[name] = rewrite.fresh(name, B.batched_kind(kind, self.trips))
            before.append(ir.Op(ir.Var(lists[-1]), ir.LIST, (), line=loop.line))
            stacks.append(ir.Op(ir.Var(self.names[name]), ir.OnList(np.array),
                                (ir.Var(lists[-1]),), callee=f"{rewrite.np_name}.array",
                                line=loop.line))
        for op, place in zip(loop.body, found.places):
            if place == KEPT:
                body.append(op)
            elif place == BEFORE:
                before.extend(self.batched(op))
                if op.target.name in found.indexed and \
                        carried.row_picked(op, loop.target.name):
                    body.append(op)
                elif op.target.name in found.indexed:
                    number, ops = self.trip_number(op.line)
                    body += ops + [ir.Op(op.target, operator.getitem,
                                         (ir.Var(self.names[op.target.name]), number),
                                         line=op.line)]
            elif place == AFTER:
                after.extend(self.batched(op))
            elif place == SUM:
                after.extend(self.summed(op))
        body += [ir.Op(ir.Var(lst), ir.APPEND, (ir.Var(lst), ir.Var(name)), line=loop.line)
                 for lst, name in zip(lists, found.stacked)]
        rewrite.lists |= frozenset(lists)
        loop = dataclasses.replace(loop, body=body)
        if not after:
            return before + [loop]
        if not self.guarded(lists):
            return before + [loop] + after
        return before + [loop] + stacks + [ir.If(self.ran(lists), after, [], loop.line)]

    def guarded(self, lists):
        """Whether what runs after the loop must not run when it ran no trip: it reads
        kept values (an empty list makes an array of another rank), or operands whose shapes
        may not fit, or it adds a sum over the trips to an array (whose shape zero trips
        would not change), or to a number that may not be a float."""
        places = self.found.places
        return bool(lists) or AFTER in places or any(
            place == SUM and not self._float_start(op.target.name)
            for op, place in zip(self.loop.body, places))

    def _float_start(self, name):
        """Whether `name` starts as a float constant (`loss = 0.0`) and no other value:
        adding an empty sum, 0.0, leaves it as it is (an integer 0 would become 0.0)."""
        inside = {id(op) for op in self.loop.body}
        return all(id(op) in inside or op.prim is ir.COPY and len(op.args) == 1 and
                   isinstance(op.args[0], ir.Const) and type(op.args[0].value) is float
                   for op in self.rewrite.defs.get(name, []))

    def trip_number(self, line):
        """The number of the trip, 0, 1, ... (`(t - start) // step`), the row of a batched
        value, and the operations that compute it: the index itself when it numbers the
        trips already. Computed again for each read, since a temporary is read only in the
        statement it belongs to (`ir.split`)."""
        loop, kinds, namer = self.loop, self.rewrite.kinds, self.rewrite.namer
        trip, ops = loop.target, []
        for prim, const in ((operator.sub, loop.start), (operator.floordiv, loop.step)):
            if const.value != (0 if prim is operator.sub else 1):
                number = ir.Var(namer.temp())
                kinds[number.name] = K.INT
                ops.append(ir.Op(number, prim, (trip, const), line=line))
                trip = number
        return trip, ops

    def batched(self, op):
        name = op.target.name
        kind = B.batched_kind(self.rewrite.kinds[name], self.trips)
        if carried.row_picked(op, self.loop.target.name):
            rows = op.args[0]
            start, step = self.loop.start.value, self.loop.step.value
            if start == 0 and step == 1:
                self.names[name] = rows.name
                return []
            self.names[name] = self.rewrite.fresh(name, kind)
            part = ir.Slice(ir.Const(start) if start else None, None,
                            ir.Const(step) if step != 1 else None)
            return [ir.Op(ir.Var(self.names[name]), operator.getitem, (rows, part),
                          line=op.line)]
        moving = {v.name for v in op.vars() if v.name in self.names}
        self.names[name] = self.rewrite.fresh(name, kind)
        return [B.form(op, moving, self.names, self.rewrite.kinds)]

    def summed(self, op):
        """`acc = acc + q` for every trip: `acc = acc + np.sum(qs, axis=0)`."""
        acc, q = op.target, carried.summand(op)
        total = ir.Var(self.rewrite.namer.temp())
        self.rewrite.kinds[total.name] = self.rewrite.kinds[q.name]
        args = tuple(total if a == q else a for a in op.args)
        return [ir.Op(total, np.sum, (ir.Var(self.names[q.name]),),
                      (("axis", ir.Const(0)),), f"{self.rewrite.np_name}.sum", op.line),
                ir.Op(acc, op.prim, args, line=op.line)]

    def ran(self, lists):
        """The test that the loop ran at least once: a list it filled is not empty, or
        its range is not."""
        if lists:
            return ir.Test(gast.Name(id=lists[0], ctx=gast.Load(), annotation=None,
                                     type_comment=None), (ir.Var(lists[0]),))
        stop = self.loop.stop
        test = gast.Compare(left=gast.Name(id=stop.name, ctx=gast.Load(), annotation=None,
                                           type_comment=None),
                            ops=[gast.Gt()],
                            comparators=[gast.Constant(value=self.loop.start.value,
                                                       kind=None)])
        return ir.Test(test, (stop,))
