"""Composites: runs of operations whose adjoint, taken as a whole, is cheaper than the
chain of their adjoints.

The logistic sigmoid written as `1 / (1 + exp(-u))` is four operations. Their adjoints
one by one read `exp(-u)` and `1 + exp(-u)`, which a loop's backward sweep must then
compute again from `u`; the derivative of the whole is `y * (1 - y)` of the result `y`
alone, which the backward sweep has anyway. The forward code stays as the user wrote it:
only the backward sweep sees the composite, as one operation from `u` to `y`.
"""
import math
import operator
from collections import Counter

import numpy as np

from .. import ir
from ..rules import Elementwise


class Fused:
    """The primitive of a composite: its rule, and the name the documentation gives it."""

    def __init__(self, name, rule):
        self.name = name
        self.rule = rule

    def __repr__(self):
        return self.name


LOGISTIC = Fused("logistic", Elementwise(
    "logistic", ("out * (1 - out)",),
    doc="1 / (1 + exp(-u)), differentiated as a whole: y * (1 - y)"))

_EXP = (math.exp, np.exp)


def reads(function):
    """How many times each variable of `function` is read, anywhere (the result too)."""
    uses = Counter()
    for statement in ir.statements(function.body):
        if isinstance(statement, (ir.Op, ir.SetItem)):
            uses.update(v.name for v in statement.vars())
        else:
            uses.update(ir.reads(statement))
    uses.update(v.name for v in ir.atom_vars(function.result))
    return uses


def fuse(group, uses):
    """The group's operations as the backward sweep differentiates them: each composite
    is one operation in place of its last, and its inner operations are left out (they
    are read nowhere else in the function, `uses` being `reads(function)`, so nothing
    needs their adjoints)."""
    ops = {s.target.name: s for s in group if isinstance(s, ir.Op)}
    inner, fused = set(), {}
    for statement in group:
        if isinstance(statement, ir.Op):
            found = _logistic(statement, ops, uses)
            if found is not None:
                source, chain = found
                inner.update(id(op) for op in chain)
                fused[id(statement)] = ir.Op(statement.target, LOGISTIC, (source,),
                                             line=statement.line)
    if not fused:
        return group
    return [fused.get(id(s), s) for s in group if id(s) not in inner]


def _logistic(op, ops, uses):
    """(u, the inner operations) when `op` computes 1 / (1 + exp(-u)) by single-use
    temporaries of its group, else None."""
    if op.prim is not operator.truediv or op.kwargs or len(op.args) != 2 \
            or not _one(op.args[0]):
        return None
    total = _inner(op.args[1], ops, uses)
    if total is None or total.prim is not operator.add or total.kwargs:
        return None
    one, term = total.args if _one(total.args[0]) else reversed(total.args)
    if not _one(one):
        return None
    power = _inner(term, ops, uses)
    if power is None or not any(power.prim is f for f in _EXP) or len(power.args) != 1 \
            or power.kwargs:
        return None
    negation = _inner(power.args[0], ops, uses)
    if negation is None or negation.prim is not operator.neg:
        return None
    return negation.args[0], (total, power, negation)


def _inner(atom, ops, uses):
    """The operation of the group that computes `atom`, when nothing else in the function
    reads it."""
    if isinstance(atom, ir.Var) and uses[atom.name] == 1:
        return ops.get(atom.name)
    return None


def _one(atom):
    return isinstance(atom, ir.Const) and type(atom.value) in (int, float) and atom.value == 1
