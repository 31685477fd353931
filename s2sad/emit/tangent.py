"""Emit the tangent (forward mode) of a Wengert list: each derivative statement sits next
to the primal statement it differentiates, in a single sweep.

The order is Tapenade's: the tangent of an assignment comes *before* it, because the
assignment may overwrite a value the tangent reads (`x = x * y` gives
`x_dot = x_dot * y + x * y_dot`, then `x = x * y`, with no copy of the old `x`). A tangent
that reads the assignment's own result (`exp`'s partial is the result) comes after it,
or, when the assignment overwrites one of its arguments, recomputes the result in place
(`x_dot = x_dot * math.exp(x)`, then `x = math.exp(x)`). Branches and loops are the
primal's own: nothing is saved or replayed.

A tangent need not have its value's full shape: in `x + A` with only the scalar `x`
varying, the tangent is `x_dot`, which broadcasts like `x` does. Elementwise operations
combine such tangents as NumPy broadcasts them; reductions, products, indexing and calls
need the full shape and get `np.broadcast_to(t, np.shape(v))` where it is not known.

In vector mode each tangent carries a leading axis of directions (seed 000's
multi-directional tangents), so one sweep gives a Jacobian's columns; an operand of lower
rank gets its new axes after the direction axis (`x_dot[:, None]`).
"""
import builtins
import copy
import operator
from dataclasses import dataclass, field

import gast
import numpy as np

from .. import ir, rules
from ..analysis.infer import consts, kind_of
from ..analysis.views import written_views
from ..errors import UnsupportedError, located
from ..frontend import calls
from ..rules import tapes
from ..rules.base import rank
from ..rules.indexing import directions_first
from ..syntax import queries
from ..syntax.printer import assign, name, store, tuple_of
from ..syntax.simplify import doubled
from ..syntax.template import const, fill, placeholders
from .primal import PrimalEmitter, added_at
from .values import new_array

_OUT = "_s2sad_out_"
# constructors of an array shaped like their first argument
_LIKE = (np.empty_like, np.zeros_like, np.ones_like, np.full_like)


@dataclass
class Plan:
    """The tangent statements around one primal statement; `primal` replaces the primal
    statement itself (a call that returns value and tangent together)."""
    before: list = field(default_factory=list)
    after: list = field(default_factory=list)
    primal: object = None
    reads: set = field(default_factory=set)
    defines: set = field(default_factory=set)


class TangentEmitter(PrimalEmitter):
    """Builds the tangent function body of one specialisation.

    `callee_tangent(op, arguments, positions)` returns the name of a user function's own
    generated tangent, which returns `(value, tangent)`; `top`: the result's tangent may
    keep a smaller shape (the caller broadcasts it) instead of being made full; `lean`:
    the tangent alone is returned, so statements only the value needs are left out."""

    def __init__(self, spec, namer, printer, handles, callee_tangent, vector=False, top=True,
                 lean=False):
        super().__init__(spec.function, printer, spec.kinds, fill=self._fill)
        self.lean = lean
        self.spec = spec
        self.namer = namer
        self.handles = handles
        self.callee_tangent = callee_tangent
        self.vector = vector
        self.top = top
        self.active = spec.active
        self.mutable = spec.function.mutable
        self.written = {s.target.name for s in ir.walk(spec.function.body)
                        if isinstance(s, ir.SetItem)}
        self.plans = {}
        self.has = set()
        self.full = set()
        self.assigned_full = {}
        self.directions = namer.fresh("directions") if vector else None
        self.mutable_dots = {namer.dot(v) for v in self.mutable}
        # the tangents element writes change: of the arrays written and of their views
        changed = self.written | set(written_views(spec.function, spec.kinds))
        self.shared = {namer.dot(v) for v in changed}

    def seeds(self):
        return [self.namer.dot(param) for param in self.spec.wrt]

    def emit(self):
        """The body statements and the returned `(value, tangent)` expression."""
        assignments = {}
        for op in ir.walk(self.function.body):
            if isinstance(op, ir.Op):
                assignments.setdefault(op.target.name, []).append(id(op))
        candidates = {v for v in self.mutable & self.active if not self.kinds[v].is_scalar}
        full = set(candidates)
        while True:
            self.plan_all(full)
            now = {v for v in full if all(self.assigned_full.get(key, True)
                                          for key in assignments.get(v, ()))}
            if now == full:
                break
            full = now
        returned = self.result_tangent() if self.lean else \
            tuple_of([self.printer.atom(self.function.result), self.result_tangent()])
        self.needed = queries.names(returned)
        self.keep = self.live(self.needed)
        body = self.block(self.function.body)
        return self.entry(body) + body, returned

    def entry(self, body):
        """Zero tangents for parameters not differentiated that take differentiated values
        later (`a = a * x` in a loop): their tangent must exist before that."""
        read = queries.names(body)
        out = []
        for param in self.function.params:
            dot = self.namer.dot(param)
            if param in self.has and param not in self.spec.wrt and dot in read:
                out.append(assign(dot, self.zero_of(param)))
        return out

    # analysis of which values have a tangent, and of which shape

    def plan_all(self, full_mutable):
        wrt = set(self.spec.wrt) & self.active
        self.has = wrt | {v for v in self.mutable & self.active if self.kinds[v].tag != "tape"}
        self.full = (set(self.spec.wrt) - self.mutable) | full_mutable | self.written
        self.plans, self.assigned_full, self.aliases = {}, {}, {}
        for statement in ir.walk(self.function.body):
            if isinstance(statement, ir.Op) and isinstance(statement.prim, ir.Tape):
                continue
            if ir.on_tape(statement):
                plan = self.plan_tape(statement)
                if plan is not None:
                    self.plans[id(statement)] = plan
                continue
            if statement.target.name not in self.active:
                continue
            if isinstance(statement, ir.SetItem):
                self.plans[id(statement)] = self.plan_set_item(statement)
            elif statement.prim in (ir.LIST, ir.APPEND):
                self.plans[id(statement)] = self.plan_list(statement)
            elif calls.is_called(statement.prim):
                self.plans[id(statement)] = self.plan_call(statement)
            else:
                self.plans[id(statement)] = self.plan_op(statement)

    def is_full(self, var):
        return self.kinds[var].is_scalar or var in self.full or self.kinds[var].tag == "list"

    def dot(self, atom):
        """The tangent of `atom` as an expression, or None when it is zero."""
        if isinstance(atom, ir.Var) and atom.name in self.has and atom.name in self.active:
            return name(self.aliases.get(atom.name) or self.namer.dot(atom.name))
        return None

    def full_dot(self, atom):
        """The tangent of `atom` broadcast to its value's full shape where that is not
        known to hold already."""
        dot = self.dot(atom)
        if dot is None or self.is_full(atom.name):
            return dot
        return self._fill("np.broadcast_to(t, shape)", t=dot, shape=self.full_shape(atom.name))

    def buffer(self, tangent, var):
        """A new array of `var`'s full shape holding `tangent`: what an element write may
        update in place."""
        call = self._fill("tangent_buffer(t, y)", t=tangent, y=var)
        if self.vector:
            call.args.append(name(self.directions))
        return call

    def full_shape(self, var):
        if self.vector:
            return self._fill("(directions,) + np.shape(v)", v=var)
        return self._fill("np.shape(v)", v=var)

    # plans

    def plan_op(self, op):
        target = op.target.name
        rule = rules.lookup(op.prim)
        arg_kinds = [kind_of(a, self.kinds) for a in op.args]
        elementwise = isinstance(rule, rules.Elementwise)
        dots = [self.dot(a) if elementwise else self.full_dot(a) for a in op.args]
        # (a shape template, `x` of `unbroadcast(g, x)`, has a tangent that counts for nothing)
        if not any(dot for position, dot in enumerate(dots) if rule.differentiable(position)) \
                or isinstance(rule, rules.NonDifferentiable):
            return self.zero(op)
        if isinstance(op.prim, ir.OnList):
            dots = [self.zero_of(a.name) if dot is None and kind.tag == "list" else dot
                    for a, dot, kind in zip(op.args, dots, arg_kinds)]
        lib = rule.lib if elementwise else None
        if lib is None:
            lib = "math" if all(k.is_scalar and not k.complex for k in arg_kinds) else "np"
        site = rules.Site(
            args=[self.printer.atom(a) for a in op.args], kinds=arg_kinds, out=name(_OUT),
            out_kind=self.kinds[target], g=None, lib=self.handles[lib], handles=self.handles,
            active=[d is not None for d in dots], consts=consts(op, rule, self.kinds),
            dots=dots, vector=self.vector, bind=self.printer.bind)
        with located(self.spec.function.filename, op.line):
            expr = rule.tangent(site)
        if expr is None:
            return self.zero(op)
        if op.prim in (operator.mul, np.multiply) and op.args[0] == op.args[1] and \
                isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Add):
            expr = doubled(expr.left, expr.right) or expr   # `y * y`: 2 * y_dot * y
        full = self.elementwise_full(rule, op, dots, arg_kinds) if elementwise else True
        plan = Plan(defines={target, self.namer.dot(target)})
        if _OUT in queries.names(expr):
            overwrites = target in {v.name for v in op.vars()}
            expr = _replace(expr, self.printer.op(op) if overwrites else name(target))
            after = not overwrites
        else:
            after = False
        dot = self.namer.dot(target)
        if target in self.written and not full:
            if not after and target in queries.names(expr):
                plan.before.append(assign(dot, expr))
                expr = name(dot)
            plan.after.append(assign(dot, self.buffer(expr, target)))
            full = True
        else:
            if self.copied(op, expr):
                expr = self._fill("np.copy(t)", t=expr)
            if isinstance(expr, gast.Name) and target not in self.mutable and \
                    expr.id not in self.mutable_dots:
                # a single-assignment tangent equal to another that is never reassigned
                # is read under that name, not copied
                self.aliases[target] = expr.id
                self.assigned(op, full)
                return None
            (plan.after if after else plan.before).append(assign(dot, expr))
        self.assigned(op, full)
        return _with_reads(plan)

    def copied(self, op, expr):
        """Whether `op`'s tangent `expr` must be a copy. It may share memory with another
        tangent (`w7 = w6.copy()`, `+w6` and `w6 * 1.0` give `w6_dot`, `w6.flatten()` the
        view `np.ravel(w6_dot)`), and an element write into either array would then
        change both tangents while it changes one value. So a copy is made exactly where
        such a write can reach: the target is written, or `expr` reads the tangent of an
        array written element by element or of a view of one. Elsewhere the tangent stays
        shared: exact, since nothing changes in place, and free (no statement, no
        allocation) in the common case of copies of arrays never written. The tangent of
        a view (`w6[1:]`, `w6.T`) stays a view, since its value sees the writes too (and
        reading it after one is refused, pipeline._check_views); a number read out of a
        written array is a copy, and in vector mode its tangent `w6_dot[:, 0]` a view."""
        target = op.target.name
        if new_array(expr, self.handles):
            return False
        if target in self.written:
            return True
        if self.kinds[target].is_scalar and not self.vector:
            return False
        reads = queries.names(expr)
        return bool(reads & self.shared) and not rules.may_view(op, self.kinds)

    def assigned(self, op, full):
        """Note that `op` gives its target a tangent, of full shape or not. A mutable
        variable is full when all its assignments are (`emit` iterates to that)."""
        target = op.target.name
        self.has.add(target)
        self.assigned_full[id(op)] = full
        if target not in self.mutable:
            (self.full.add if full else self.full.discard)(target)

    def elementwise_full(self, rule, op, dots, arg_kinds):
        """Whether an elementwise tangent has the result's full shape: every operand that
        could widen the result is either a full tangent or appears in a partial."""
        mentioned = set()
        for position, partial in enumerate(rule.partials_for(len(op.args))):
            if position < len(op.args) and partial is not None and dots[position] is not None:
                mentioned |= placeholders(partial)
        if "out" in mentioned:
            return True
        for position, (atom, kind) in enumerate(zip(op.args, arg_kinds)):
            if kind.is_scalar:
                continue
            if dots[position] is not None and self.is_full(atom.name):
                continue
            if position < 4 and "abcd"[position] in mentioned:
                continue
            return False
        return True

    def zero(self, op):
        """An assignment whose value carries no derivative: a mutable variable's tangent
        restarts from zero (it exists on every path, like the variable; an array gets a
        zero array of its shape, so later products and reductions need no broadcast); a
        single-assignment variable simply has none."""
        target = op.target.name
        if target not in self.mutable:
            self.has.discard(target)
            return None
        dot = self.namer.dot(target)
        plan = Plan(defines={target, dot})
        if self.kinds[target].is_scalar:
            plan.before.append(assign(dot, self.zero_of(target)))
        elif op.prim in _LIKE and op.args and isinstance(op.args[0], ir.Var) and \
                self.kinds[op.args[0].name] == self.kinds[target]:
            # of the template's shape: the new array itself is then not read for it
            plan.before.append(assign(dot, self.zero_value(op.args[0])))
        else:
            plan.after.append(assign(dot, self.zero_of(target)))
        self.assigned(op, True)
        return _with_reads(plan)

    def zero_of(self, var):
        """A zero tangent of `var`'s full shape (an array's reads `var` itself)."""
        kind = self.kinds[var]
        if kind.tag == "list":
            if self.vector:
                return self._fill("list_zeros(y, directions)", y=var)
            if kind.item is None or kind.item.is_scalar:
                return self._fill("[0.0] * len(y)", y=var)
            return self._fill("list_zeros(y)", y=var)
        scalar = self.kinds[var].is_scalar
        if self.vector and kind.complex:
            return self._fill("np.zeros(directions, complex)") if scalar else \
                self._fill("np.zeros((directions,) + np.shape(y), y.dtype)", y=var)
        if self.vector:
            return self._fill("np.zeros(directions)") if scalar else \
                self._fill("np.zeros((directions,) + np.shape(y))", y=var)
        return const(0.0) if scalar else self._fill("np.zeros_like(y)", y=var)

    def plan_list(self, op):
        """`xs = [a, b]` gives `xs_dot = [a_dot, b_dot]`, `xs.append(v)` gives
        `xs_dot.append(v_dot)` first (zeros for values without a tangent)."""
        target = op.target.name
        dot = self.namer.dot(target)
        values = op.args if op.prim is ir.LIST else op.args[1:]
        dots = [self.full_dot(value) or self.zero_value(value) for value in values]
        if op.prim is ir.LIST:
            statement = assign(dot, gast.List(elts=dots, ctx=gast.Load()))
        else:
            statement = gast.Expr(value=gast.Call(func=gast.Attribute(
                value=name(dot), attr="append", ctx=gast.Load()), args=dots, keywords=[]))
        self.assigned(op, True)
        return _with_reads(Plan(before=[statement], defines={target, dot}))

    def zero_value(self, atom):
        """A zero tangent for the value of an atom (a variable, a constant)."""
        if isinstance(atom, ir.Var):
            return self.zero_of(atom.name)
        if kind_of(atom, self.kinds).is_scalar:
            return self._fill("np.zeros(directions)") if self.vector else const(0.0)
        value = self.printer.atom(atom)
        if self.vector:
            return self._fill("np.zeros((directions,) + np.shape(y))", y=value)
        return self._fill("np.zeros_like(y)", y=value)

    def plan_tape(self, op):
        """A generated derivative's stack carries the tangent of each number or array
        pushed, right after it: `push(x)` gives `push(x_dot)` after it (zeros for a value
        without a tangent), `x = pop()` gives `x_dot = pop()` before it (a bare `pop()`
        when `x` needs no tangent), so the two always pair up."""
        stack = op.args[0].name
        target = op.target.name
        if stack not in self.active:
            return None if op.prim is ir.PUSH or target not in self.active else self.zero(op)
        call = gast.Call(func=name(op.callee), args=[], keywords=[])
        if op.prim is ir.PUSH:
            value = op.args[1]
            if not tapes.differentiable(kind_of(value, self.kinds)):
                return None
            dot = self.full_dot(value)
            if dot is None:
                dot = self.zero_value(value)
            elif queries.names(dot) & (self.shared | self.mutable_dots) and \
                    not kind_of(value, self.kinds).is_scalar:
                dot = self._fill("np.copy(t)", t=dot)   # a later write must not reach it
            call.args.append(dot)
            return _with_reads(Plan(after=[gast.Expr(value=call)], defines={stack}))
        if not tapes.differentiable(self.kinds[target]):
            return None
        if target not in self.active:
            return _with_reads(Plan(before=[gast.Expr(value=call)], defines={stack}))
        dot = self.namer.dot(target)
        self.assigned(op, True)
        return _with_reads(Plan(before=[assign(dot, call)], defines={stack, target, dot}))

    def plan_set_item(self, statement):
        """`y[i] = v` gives `y_dot[i] = v_dot` first (`y_dot` is a buffer of `y`'s
        shape the function owns); `np.add.at(y, i, v)` gives `np.add.at(y_dot, i, v_dot)`
        (nothing where `v` has no tangent)."""
        array = statement.target.name
        value = self.dot(statement.value)
        if value is None and statement.accumulate:
            return _with_reads(Plan(defines={array, self.namer.dot(array)}))
        if value is None:
            value = const(0.0)
        elif self.vector:
            element = _element_kind(statement, self.kinds)
            missing = rank(element) - rank(kind_of(statement.value, self.kinds))
            if missing > 0:
                value = gast.Subscript(value=value, slice=gast.Tuple(
                    elts=[gast.Slice(None, None, None)] + [const(None)] * missing,
                    ctx=gast.Load()), ctx=gast.Load())
        if self.vector and _held_index(statement.index, self.function):
            with located(self.spec.function.filename, statement.line):
                raise UnsupportedError(
                    "writing into an array at an index held in a variable (a tuple or slice "
                    "made at run time, such as `np.s_[i, 1:3]`) has no rule for tangents in "
                    "several directions; write the index out (`y[i, 1:3]`), or compute one "
                    "direction at a time with s2sad.jvp.")
        index = directions_first(self.printer.atom(statement.index), self.vector)
        if statement.accumulate:
            if self.vector:  # a slice outside a subscript: `np.s_[:, i]`
                index = gast.Subscript(value=self._fill("np.s_"), slice=index, ctx=gast.Load())
            update = gast.Expr(value=added_at(name(self.namer.dot(array)), index, value,
                                              self._fill))
            return _with_reads(Plan(before=[update], defines={array, self.namer.dot(array)}))
        target = gast.Subscript(value=name(self.namer.dot(array)), slice=index,
                                ctx=gast.Store())
        return _with_reads(Plan(before=[assign(target, value)],
                                defines={array, self.namer.dot(array)}))

    def plan_call(self, op):
        """A call to a user function: its generated tangent computes the value and the
        tangent together, `y, y_dot = g_jvp(a, a_dot)`."""
        target = op.target.name
        arguments = calls.bound_arguments(op)
        positions = tuple(i for i, a in enumerate(arguments) if self.dot(a) is not None)
        if not positions:
            return self.zero(op)
        callee = self.callee_tangent(op, arguments, positions)
        call = gast.Call(func=name(callee), args=[self.printer.atom(a) for a in arguments]
                         + [self.full_dot(arguments[i]) for i in positions], keywords=[])
        dot = self.namer.dot(target)
        plan = Plan(primal=assign(tuple_of([store(target), store(dot)], gast.Store()), call),
                    defines={target, dot})
        # a number's tangent may be a view into an argument's (as in `copied`)
        passed = {self.dot(arguments[i]).id for i in positions}
        if target in self.written or self.vector and self.kinds[target].is_scalar and \
                passed & self.shared:
            buffer = self._fill("np.copy(t)", t=dot)
            plan.after.append(assign(dot, buffer))
        self.assigned(op, True)
        return _with_reads(plan)

    def result_tangent(self):
        """The returned tangent: of the result, or a tuple of one per returned leaf when
        the function returns a container."""
        if self.function.layout is not None:
            return tuple_of([self.leaf_tangent(leaf) for leaf in self.function.result])
        return self.leaf_tangent(self.function.result)

    def leaf_tangent(self, result):
        dot = self.dot(result)
        kind = kind_of(result, self.kinds)
        if dot is None:
            if self.top:
                return const(0.0)
            if not isinstance(result, ir.Var) or kind.is_scalar:
                return self._fill("np.zeros(directions)") if self.vector else const(0.0)
            return self.zero_of(result.name)
        return dot if self.top else self.full_dot(result)

    # printing

    def reads(self, statement):
        plan = self.plans.get(id(statement))
        return ir.reads(statement) | (plan.reads if plan else set())

    def defines(self, statement):
        plan = self.plans.get(id(statement))
        return plan.defines if plan else {statement.target.name}

    def print_Op(self, op, depth):
        plan = self.plans.get(id(op))
        if self.only_raises(op):
            return super().print_Op(op, depth)
        if plan is None:
            return self.printer.statements(op)
        return plan.before + ([plan.primal] if plan.primal else
                              self.printer.statements(op)) + plan.after

    def print_SetItem(self, statement, depth):
        plan = self.plans.get(id(statement))
        primal = super().print_SetItem(statement, depth)
        return (plan.before if plan else []) + primal

    def _fill(self, text, **subs):
        return fill(text, **{**self.handles, "directions": self.directions or "directions",
                             **subs})


def _with_reads(plan):
    statements = plan.before + plan.after + ([plan.primal] if plan.primal else [])
    plan.reads = queries.loaded(statements)
    return plan


def _replace(expr, value):
    class Replace(gast.NodeTransformer):
        def visit_Name(self, node):
            return copy.deepcopy(value) if node.id == _OUT else node
    return Replace().visit(expr)


def _held_index(index, function):
    """Whether `index` is one variable holding a tuple or slice made at run time (`t =
    np.s_[i, 1:3]`, `slice(1, 3)`): a direction axis cannot be put in front of it."""
    if not isinstance(index, ir.Var):
        return False
    for op in ir.walk(function.body):
        if isinstance(op, ir.Op) and op.target.name == index.name:
            made = op.prim is builtins.slice or op.prim is operator.getitem and isinstance(
                op.args[0], ir.Global) and isinstance(op.args[0].value, type(np.s_))
            if made:
                return True
    return False


def _element_kind(statement, kinds):
    """The kind of `y[index]` for an element write `y[index] = v`."""
    op = ir.Op(ir.Var("_"), operator.getitem, (statement.target, statement.index))
    rule = rules.lookup(operator.getitem)
    return rule.out_kind([kinds[statement.target.name], kind_of(statement.index, kinds)],
                         consts(op, rule, kinds))
