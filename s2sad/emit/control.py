"""How the two sweeps of an adjoint agree on the path the primal took.

The backward sweep runs a branch the way the forward sweep went and a loop's trips in
reverse, so both sweeps print the same loop header and agree on how each `if` and loop is
retraced: the backward emitter decides (`retrace`) and the forward sweep instruments the
primal accordingly (a flag assigned or pushed, a trip counter).
"""
from dataclasses import dataclass

import gast

from .. import ir
from ..syntax.printer import name


@dataclass
class Control:
    """How the backward sweep finds the path the forward sweep took through a statement:
    an `if` re-evaluates its test ("reeval"), reads a flag variable ("flag") or pops a
    flag the forward sweep pushed ("pushed"); a loop replays a trip count (`counter`)
    when it may stop early. `reads`: what the backward sweep reads where it enters the
    statement (a zero adjoint of a list's length), which must have its value there."""
    mode: str = None
    flag: str = None
    counter: str = None
    reads: frozenset = frozenset()


def retrace(statement, depth, namer):
    """How the backward sweep retraces the `if` or loop `statement` at loop depth `depth`:
    an `if` whose test reads nothing its branches write is re-evaluated; else its outcome
    is kept, in a flag variable outside loops and on the stack inside them. A loop that
    may stop early counts its trips."""
    control = Control()
    if isinstance(statement, ir.If):
        test = statement.test
        written = ir.writes(statement.body + statement.orelse)
        if not test.calls and not {v.name for v in test.reads} & written:
            control.mode = "reeval"
        elif depth:
            control.mode = "pushed"
        else:
            control.mode = "flag"
            control.flag = namer.numbered("branch")
    elif isinstance(statement, ir.While) or breaks(statement.body):
        control.counter = namer.fresh("trips")
    return control


def breaks(block):
    """Whether a `break` leaves this loop (one inside an inner loop does not)."""
    for statement in block:
        if isinstance(statement, ir.Break):
            return True
        if isinstance(statement, ir.If) and (breaks(statement.body)
                                             or breaks(statement.orelse)):
            return True
    return False


def range_call(printer, loop, backward=False, shown=True):
    """`range(stop)`, `range(start, stop)` or `range(start, stop, step)` for a loop, or
    `reversed(range(...))` for one written so (unless not `shown`: a range that can be
    sliced); `backward`: the same numbers last first, for a backward sweep."""
    if loop.reverse_of is not None and shown:
        forward = _range(printer, loop.reverse_of)
        if backward:
            return forward
        return gast.Call(func=name("reversed"), args=[forward], keywords=[])
    call = _range(printer, (loop.start, loop.stop, loop.step))
    return gast.Call(func=name("reversed"), args=[call], keywords=[]) if backward else call


def _range(printer, bounds):
    parts = list(bounds)
    if parts[2] == ir.Const(1):
        parts.pop()
        if parts[0] == ir.Const(0):
            parts.pop(0)
    return gast.Call(func=name("range"), args=[printer.atom(p) for p in parts], keywords=[])


def integers(kinds):
    """The names that hold integers: a branch's negated test may then reverse an order
    (syntax/simplify.negated); none are known without kinds (the Wengert listing)."""
    return {v for v, k in (kinds or {}).items() if k is not None and k.tag == "int"}
