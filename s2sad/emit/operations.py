"""The adjoint of one operation or element write of the Wengert list.

An operation's partials come from the rule tables (`rules.lookup`), or, for a call to a
user function, from that function's own generated adjoint; each is added to the adjoint
of the input it belongs to. An assignment to a variable that is assigned again (a mutable
one) also ends the life of its old value: its adjoint restarts from what the operation
read of itself.
"""
import copy
import operator
from dataclasses import replace

import gast
import numpy as np

from .. import ir, rules
from ..analysis.infer import consts, kind_of
from ..errors import located
from ..frontend import calls
from ..ir import kinds as K
from ..syntax.printer import assign, name, tuple_of
from ..syntax.simplify import binop, doubled
from . import composites
from .values import element_is_scalar


class OperationAdjoints:
    """Writes the adjoint of single statements into the accumulator `adjoints`.

    `callee_adjoint(op, arguments, positions)` returns the name of a user function's own
    generated adjoint; with `lean`, the value is not returned, so partials that do not
    read an operation's result are preferred.
    """

    def __init__(self, spec, adjoints, printer, handles, callee_adjoint, lean):
        self.adjoints = adjoints
        self.printer = printer
        self.handles = handles
        self.callee_adjoint = callee_adjoint
        self.lean = lean
        self.namer = adjoints.namer
        self.kinds = spec.kinds
        self.active = spec.active
        self.mutable = spec.function.mutable
        self.filename = spec.function.filename

    def set_item(self, statement):
        """`y[i] = v` backward: `v_bar += y_bar[i]`, then `y_bar[i] = 0` (the old element's
        adjoint starts from zero); with an index array, `written_last(y_bar, i)`: an
        element the index picks twice keeps only the value written last."""
        adjoints = self.adjoints
        array = statement.target.name
        if array not in self.active or array not in adjoints.state:
            return
        adjoints.widen([array])
        if statement.accumulate:
            self.added_at(statement)
            return
        bar = self.namer.bar(array)
        if adjoints.state[array] != "owned" or array in adjoints.current:
            adjoints.statements.append(assign(bar, adjoints.fill("np.copy(x)",
                                                                 x=adjoints.bar(array))))
            adjoints.state[array] = "owned"
            adjoints.current.pop(array, None)
        index = self.printer.index(statement.index)
        element = gast.Subscript(value=name(bar), slice=index, ctx=gast.Load())
        scalar = element_is_scalar(statement, self.kinds)
        if _gathers(statement.index, self.kinds):
            # an element picked twice keeps the value written last: only that one has
            # an adjoint (a new array)
            element = adjoints.fill("written_last(x, i)", x=name(bar), i=_outside_subscript(
                self.printer.atom(statement.index), adjoints))
        elif not scalar:
            element = adjoints.fill("np.copy(v)", v=element)
        value_kind = kind_of(statement.value, self.kinds)
        adjoints.contribute(statement.value, adjoints.matched(
            statement.value, rules.Add(element, reduce=not (scalar and value_kind.is_scalar)),
            self.kinds[array].complex), None)
        target = gast.Subscript(value=name(bar), slice=copy.deepcopy(index), ctx=gast.Store())
        adjoints.statements.append(assign(target, gast.Constant(value=0.0, kind=None)))

    def added_at(self, statement):
        """`np.add.at(y, i, v)` backward: `v_bar += y_bar[i]` (summed back to `v`'s
        shape), once for each time `i` picks an element, as the gather `y_bar[i]` does;
        `y_bar` is left as it is (the old elements stay in `y`)."""
        adjoints = self.adjoints
        index = self.printer.index(statement.index)
        element = gast.Subscript(value=name(adjoints.bar(statement.target.name)), slice=index,
                                 ctx=gast.Load())
        if not (element_is_scalar(statement, self.kinds) or _gathers(statement.index,
                                                                      self.kinds)):
            element = adjoints.fill("np.copy(v)", v=element)  # else a view of y_bar
        adjoints.contribute(statement.value, adjoints.matched(
            statement.value, rules.Add(element, reduce=True),
            self.kinds[statement.target.name].complex), None)

    def rule_adjoint(self, op, out=None):
        """The adjoint of an operation a rule covers; `out` names the value it assigned
        when that no longer lives in its target (a mutable variable's old value is back)."""
        adjoints = self.adjoints
        rule = op.prim.rule if isinstance(op.prim, composites.Fused) else rules.lookup(op.prim)
        arg_kinds = [kind_of(a, self.kinds) for a in op.args]
        out_kind = self.op_kind(op, rule, arg_kinds)
        narrow = op.target.name in adjoints.narrow
        if narrow and not (isinstance(rule, rules.Elementwise) and all(
                K.same_shape(kind, out_kind) for a, kind in zip(op.args, arg_kinds)
                if isinstance(a, ir.Var) and a.name in self.active)):
            adjoints.widen([op.target.name])
            narrow = False
        lib = rule.lib if isinstance(rule, rules.Elementwise) else None
        if lib is None:
            lib = "math" if all(k.is_scalar and not k.complex for k in arg_kinds) else "np"
        site = rules.Site(
            args=[self.printer.atom(a) for a in op.args], kinds=arg_kinds,
            out=name(out or op.target.name), out_kind=out_kind,
            g=name(adjoints.bar(op.target.name)),
            lib=self.handles[lib], handles=self.handles,
            active=[isinstance(a, ir.Var) and a.name in self.active for a in op.args],
            consts=consts(op, rule, self.kinds), bind=self.printer.bind,
            like=[adjoints.like(a) for a in op.args], lean=self.lean)
        differentiable = any(rule.differentiable(i) for i in range(len(op.args)))
        with located(self.filename, op.line):
            contributions = rule.adjoint(site).items() if differentiable else ()
        if narrow:
            contributions = [(p, adjoints.narrowed(c)) for p, c in contributions]
        complex_op = any(kind.complex for kind in arg_kinds + [out_kind])
        contributions = _squared(op, [(p, adjoints.matched(op.args[p], c, complex_op))
                                      for p, c in contributions])
        target = op.target.name
        if target not in self.mutable:
            for position, contribution in contributions:
                adjoints.contribute(op.args[position], contribution, out_kind)
            return
        own = [c for position, c in contributions if op.args[position] == op.target]
        for position, contribution in contributions:
            if op.args[position] != op.target:
                adjoints.contribute(op.args[position], contribution, out_kind)
        self.reassign(op.target, own)

    def op_kind(self, op, rule, arg_kinds):
        """The kind of what this operation computes: a variable assigned in a loop has a
        kind that covers all its values (`h` of any length), but `h = np.tanh(t9)` has
        the lengths of `t9`, so its adjoint needs no `unbroadcast`."""
        kind = self.kinds[op.target.name]
        if kind.is_array and op.target.name in self.mutable:
            own = rules.result_kind(rule, arg_kinds, consts(op, rule, self.kinds))
            if own.is_array and own.ndim == kind.ndim and K.lengths(own) is not None:
                return own
        return kind

    def reassign(self, target, own):
        """After the adjoint of an assignment to `target`: its adjoint now belongs to the
        old value, which is `sum(own)` (the contributions from reading itself) or zero."""
        adjoints = self.adjoints
        var = target.name
        before = (adjoints.state.pop(var, None), adjoints.current.pop(var, None))
        total = None
        for contribution in own:
            if isinstance(contribution, rules.Scatter):
                held = self.namer.fresh(self.namer.bar(var) + "_part")
                adjoints.statements.append(assign(held, contribution.value))
                adjoints.scatter(target, rules.Scatter(contribution.index, name(held),
                                                       contribution.basic))
                continue
            value = contribution.value
            if contribution.reduce:
                value = adjoints.reduce(value, target, self.kinds[var])
            total = value if total is None else binop(total, gast.Add(), value)
        if total is None:
            return
        if isinstance(total, gast.Name) and total.id == self.namer.bar(var):
            adjoints.state[var] = before[0]
            if before[1] is not None:
                adjoints.current[var] = before[1]
            return
        adjoints.contribute(target, rules.Add(total), None)

    def call_adjoint(self, op):
        """The adjoint of a call to a user function: a call to its generated adjoint,
        whose results are added to the adjoints of the active arguments."""
        adjoints = self.adjoints
        adjoints.widen([op.target.name])
        arguments = calls.bound_arguments(op)
        positions = tuple(i for i, a in enumerate(arguments)
                          if isinstance(a, ir.Var) and a.name in self.active)
        if not positions:
            self.reassign(op.target, [])
            return
        callee = self.callee_adjoint(op, arguments, positions)
        call = gast.Call(func=name(callee),
                         args=[self.printer.atom(a) for a in arguments]
                         + [name(adjoints.bar(op.target.name))], keywords=[])
        if op.target.name in self.mutable:
            adjoints.forget(op.target.name)
        if len(positions) == 1:
            adjoints.contribute(arguments[positions[0]], rules.Add(call), None)
            return
        targets, pending = [], []
        for position in positions:
            var = arguments[position].name
            if var not in adjoints.state and var not in (t for t, _ in pending):
                targets.append(self.namer.bar(var))
                pending.append((var, None))
            else:
                part = self.namer.fresh(self.namer.bar(var) + "_part")
                targets.append(part)
                pending.append((var, part))
        adjoints.statements.append(assign(tuple_of([name(t) for t in targets], gast.Store()),
                                          call))
        for var, part in pending:
            if part is None:
                adjoints.state[var] = "alias"
            else:
                adjoints.contribute(ir.Var(var), rules.Add(name(part)), None)


def _squared(op, contributions):
    """A product of a value with itself (`y * y`) contributes once, `2 * g * y`, rather
    than `g * y` twice to the same adjoint."""
    if op.prim not in _PRODUCTS or len(contributions) != 2:
        return contributions
    (first, a), (second, b) = contributions
    if op.args[first] != op.args[second] or not (
            type(a) is type(b) is rules.Add and (a.reduce, a.narrow) == (b.reduce, b.narrow)):
        return contributions
    value = doubled(a.value, b.value)
    return contributions if value is None else [(first, replace(a, value=value))]


_PRODUCTS = (operator.mul, np.multiply)


def _outside_subscript(index, adjoints):
    """An index as an argument: `np.s_[i, 1:3]` where it holds a slice."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    if any(isinstance(part, gast.Slice) for part in parts):
        return gast.Subscript(value=adjoints.fill("np.s_"), slice=index, ctx=gast.Load())
    return index


def _gathers(index, kinds):
    """Whether `index` holds an index array, a list of indices or a mask, so that
    `x[index]` is a new array."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, tuple) or isinstance(getattr(part, "value", None), np.ndarray) or
               isinstance(part, ir.Var) and kind_of(part, kinds).is_array for part in parts)
