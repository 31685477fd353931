"""Sums regrouped so that more of a loop runs for all trips at once.

`x[t] @ W + h @ U + b` adds the recurrence's term in the middle: `(a + c) + b`, where `a`
and `b` could be computed before the loop and `c` cannot. Adding `a + b` first turns a
per-trip addition into one over all trips:

    t7 = t6 + t5         (t6 hoisted, t5 = h @ U kept)      t7 = t6 + b
    t8 = t7 + b                                        ->   t8 = t7 + t5

The sum is the same up to rounding (floating-point addition is not associative), as the
batched sums after the loop are. Only additions whose operands already have the result's
shape are regrouped, so that broadcasting does the same.
"""
import dataclasses
import operator
from collections import Counter

from .. import ir
from ..analysis.carried import BEFORE, KEPT


def regroup(body, places, kinds, temps, index):
    """A new body when a sum can be regrouped (see the module docstring), else None;
    `places`: the analysis' places of `body`'s operations, `temps`: names of temporaries,
    `index`: the loop's index."""
    defined = {op.target.name: i for i, op in enumerate(body)}
    uses = Counter(v.name for op in body for v in op.vars())
    for j, outer in enumerate(body):
        if places[j] != KEPT or not _sum(outer):
            continue
        for position in (0, 1):
            inner_name, last = outer.args[position], outer.args[1 - position]
            i = defined.get(getattr(inner_name, "name", None))
            if i is None or i >= j or places[i] != KEPT or not _sum(body[i]) or \
                    inner_name.name not in temps or uses[inner_name.name] != 1:
                continue
            early = [a for a in body[i].args if _early(a, defined, places, index)]
            if len(early) != 1 or not _early(last, defined, places, index):
                continue
            first = early[0]
            late = body[i].args[1 - body[i].args.index(first)]
            if not all(_shaped(a, outer, kinds) for a in (first, last)):
                continue
            new = list(body)
            new[i] = dataclasses.replace(body[i], args=(first, last))
            new[j] = dataclasses.replace(outer, args=(inner_name, late))
            kinds[inner_name.name] = kinds[outer.target.name]
            return new
    return None


def _sum(op):
    return op.prim is operator.add and len(op.args) == 2 and not op.kwargs


def _early(atom, defined, places, index):
    """Whether `atom` is known before the loop: a constant, a value the loop does not
    assign, or one it computes for all trips first."""
    if not isinstance(atom, ir.Var):
        return isinstance(atom, ir.Const)
    return atom.name != index and atom.name not in defined or places[defined[atom.name]] == BEFORE


def _shaped(atom, op, kinds):
    return isinstance(atom, ir.Var) and kinds.get(atom.name) == kinds[op.target.name]
