"""The to-be-recorded analysis: which overwritten values the forward sweep must save.

Walking the function in execution order, `required` holds the variables whose current
value the backward sweep of something already executed will read. A write to a variable
in `required` is recorded: the forward sweep pushes the old value on the stack and the
backward sweep pops it back just before it needs it. A value used only linearly, or
never overwritten, is not recorded. Loops make `required` a fixed point, since a trip's
backward sweep reads what the next trip may overwrite.

The plan reads what the backward sweep reads (a `Record` per group) and how it retraces
branches and loops; what it gives back is a set of saves, `Overwritten` and `LoopEntry`.
"""
from dataclasses import dataclass

from .. import ir


@dataclass
class Record:
    """What the backward code of one group reads of the primal: the variables it needs
    as they were before the group ran, and whether it needs the value the group
    assigned."""
    reads: set
    out_used: bool = False


@dataclass(frozen=True)
class Overwritten:
    """The value the write `statement` (the `id` of a group's last statement) overwrites:
    saved just before the write, restored before the backward code of its group."""
    statement: int


@dataclass(frozen=True, order=True)
class LoopEntry:
    """The value `name` has when `loop` (its `id`) starts: saved once before the loop,
    restored after the loop's backward sweep, where code before the loop needs it."""
    loop: int
    name: str


def plan(function, records, controls):
    """The saves the backward sweep needs, given what its groups read (`records`, keyed by
    the `id` of each group's last statement) and how it retraces branches and loops
    (`controls`, keyed by statement `id`)."""
    return _Planner(function, records, controls).run()


def entries(loop, saves):
    """The `LoopEntry` saves of `loop`, in saving order."""
    return sorted(s for s in saves if isinstance(s, LoopEntry) and s.loop == id(loop))


class _Planner:
    def __init__(self, function, records, controls):
        self.function = function
        self.records = records
        self.controls = controls
        self.pushed = set()

    def run(self):
        self.block(self.function.body, set(), set())
        return frozenset(self.pushed)

    def block(self, block, required, seen):
        for item in ir.split(block, self.function.mutable):
            if isinstance(item, list):
                self.group(item, required, seen)
            elif isinstance(item, ir.If):
                first = self.block(item.body, set(required), seen)
                second = self.block(item.orelse, set(required), seen)
                required = first | second
                control = self.controls.get(id(item))
                if control is not None and control.mode == "reeval":
                    self.need(required, seen, {v.name for v in item.test.reads})
                if control is not None:
                    self.need(required, seen, set(control.reads))
            elif isinstance(item, (ir.For, ir.While)):
                required = self.loop(item, required, seen)
        return required

    def group(self, group, required, seen):
        final = group[-1]
        record = self.records.get(id(final))
        if record is not None:
            self.need(required, seen, record.reads)
        written = final.target.name
        if ir.updates(final):
            return  # a list grows: its old items are all still there
        if isinstance(final, ir.SetItem):
            if written in required:
                self.pushed.add(Overwritten(id(final)))
            return
        if written not in self.function.mutable:
            return
        if written in required:
            self.pushed.add(Overwritten(id(final)))
            required.discard(written)
        if record is not None and record.out_used:
            self.need(required, seen, {written})

    def loop(self, loop, required, seen):
        """A value the loop overwrites but code before it needs is saved once, around the
        loop; inside, only what one trip's backward sweep needs from another is saved. An
        array the loop writes into is saved write by write instead (a saved reference would
        see the writes)."""
        target = loop.target.name if isinstance(loop, ir.For) else None
        written = {s.target.name for s in ir.walk(loop.body)
                   if isinstance(s, ir.Op) and not ir.updates(s)}
        in_place = {s.target.name for s in ir.walk(loop.body) if isinstance(s, ir.SetItem)}
        outside = required & (written | {target}) - in_place
        for name in outside:
            self.pushed.add(LoopEntry(id(loop), name))
        inner_seen = set()
        entry = set(required) - outside
        while True:
            out = self.block(loop.body, set(entry), inner_seen)
            grown = (entry | out) - {target}
            if grown == entry:
                break
            entry = grown
        seen |= inner_seen - {target}
        after = entry | (inner_seen - {target})
        if isinstance(loop, ir.For) and id(loop) in self.controls:
            self.need(after, seen, {v.name for v in ir.atom_vars(
                loop.bounds())})
        if id(loop) in self.controls:
            self.need(after, seen, set(self.controls[id(loop)].reads))
        return after

    @staticmethod
    def need(required, seen, names):
        required |= names
        seen |= names
