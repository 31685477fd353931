"""Emit the adjoint (reverse mode) of a Wengert list as a list of gast statements.

The forward sweep is the primal list, cut down to what the result and the backward sweep
read. The backward sweep walks the list in reverse and applies the incremental adjoint
recursion `v_bar += g * dphi/dv`: the first contribution to an adjoint assigns it, later
ones add to it, so no adjoint is zero-filled unless an indexed write needs a buffer or a
branch or loop needs it to exist on every path.

Inside a loop the backward sweep runs once per trip, in reverse. Each group (the Wengert
list of one assignment) first gets back the value its assignment overwrote, if that value
was saved (`tape.plan` decides), then recomputes the temporaries its adjoint reads from
its inputs, then applies the recursion. Assigning a variable ends the life of its old
value, so its adjoint restarts from zero: `x = f(x)` gives `x_bar = f'(x) * x_bar`.
"""
import copy
import operator
from dataclasses import dataclass

import gast

from .. import ir, rules
from ..analysis import flow
from ..analysis.infer import consts, kind_of
from ..analysis.views import written_views
from ..errors import located
from ..frontend import calls
from ..ir import kinds as K
from ..syntax.printer import assign, augment, name, store, tuple_of
from ..syntax.simplify import binop, number
from ..syntax.template import const, fill
from . import composites
from .control import loop_saves, range_call, retrace
from .values import element_is_scalar, loaded, new_array


@dataclass
class Record:
    """What the backward code of one group reads of the primal, for `tape.plan`: the
    variables it needs as they were before the group ran, and whether it needs the value
    the group assigned."""
    reads: set
    out_used: bool = False


class AdjointEmitter:
    """Builds the backward sweep of one specialisation.

    `spec` carries the Wengert list, kinds and active set; `handles` gives the names the
    generated code uses for modules and helpers; `callee_adjoint(op, positions)` returns
    the name of a user function's own generated adjoint; `pushed` holds the keys of the
    writes whose overwritten values the forward sweep saves on the stack.
    """

    def __init__(self, spec, namer, printer, handles, callee_adjoint, pushed=frozenset(),
                 lean=False):
        self.spec = spec
        self.namer = namer
        self.printer = printer
        self.handles = handles
        self.callee_adjoint = callee_adjoint
        self.pushed = pushed
        self.kinds = spec.kinds
        self.active = spec.active
        self.mutable = spec.function.mutable
        self.state = {}
        self.current = {}
        self.statements = []
        # adjoints of mutable variables are assigned again later, so nothing may alias them
        self.reused = {namer.bar(v) for v in self.mutable & self.active}
        self.records = {}
        self.controls = {}
        self.saves = {}
        self.local = flow.block_local(spec.function)
        self.views = written_views(spec.function, self.kinds)
        self.indexed = {s.target.name for s in ir.walk(spec.function.body)
                        if isinstance(s, ir.SetItem)} | {
            s.args[0].name for s in ir.walk(spec.function.body)
            if isinstance(s, ir.Op) and s.prim is operator.getitem
            and isinstance(s.args[0], ir.Var)}
        self.undefined = flow.maybe_undefined(spec.function)
        self.reaching = flow.reaching(spec.function)
        self.templates = _templates(spec.function, self.kinds)
        self.uses = composites.reads(spec.function)
        # arrays whose adjoint is, for now, a number standing for itself broadcast
        self.narrow = set()
        # the value is not returned: partials that do not read an operation's result
        self.lean = lean

    # public

    def seed_name(self):
        result = self.spec.function.result
        base = result.name if isinstance(result, ir.Var) else self.spec.function.name
        return self.namer.bar(base)

    def bar(self, var):
        """The name the adjoint of `var` currently lives in: its own `var_bar`, or the
        adjoint it equals (`t3_bar = f_bar` is not emitted, `f_bar` is read instead)."""
        return self.current.get(var, self.namer.bar(var))

    def backward(self):
        """The backward sweep statements; afterwards `gradients()` names each wrt adjoint."""
        result = self.spec.function.result
        if isinstance(result, ir.Var) and result.name in self.active:
            self.state[result.name] = "alias"
        self.block(self.spec.function.body, 0)
        return self.statements

    def gradients(self, private=True):
        """Names of the adjoints of the wrt parameters, zero-initialising unreached ones.

        With `private`, an array adjoint that may share memory with another (or with the
        caller's cotangent) is copied, so the caller may update each gradient in place."""
        names = []
        shared = {self.seed_name()}
        self.widen(self.spec.wrt)
        for param in self.spec.wrt:
            bar = self.namer.bar(param)
            scalar = self.kinds[param].is_scalar
            if param not in self.state:
                zero = "0.0" if scalar else "np.zeros_like(x)"
                self.statements.append(assign(bar, self.fill(zero, x=param)))
            elif private and not scalar and self.state[param] == "alias" and (
                    param not in self.current or self.current[param] in shared):
                self.statements.append(assign(bar, self.fill("np.copy(x)", x=self.bar(param))))
                self.current.pop(param, None)
            elif param in self.current:
                shared.add(self.current[param])
                self.statements.append(assign(bar, name(self.current.pop(param))))
            shared.add(self.bar(param))
            names.append(bar)
        return names

    # structure

    def block(self, block, depth):
        for item in reversed(ir.split(block, self.mutable)):
            if isinstance(item, list):
                self.group(item, depth)
            elif isinstance(item, ir.If):
                self.branch(item, depth)
            elif isinstance(item, (ir.For, ir.While)):
                self.loop(item, depth)

    def group(self, group, depth):
        outer, self.statements = self.statements, []
        final = group[-1]
        out = None
        fused = composites.fuse(group, self.uses)
        for statement in reversed(fused):
            if isinstance(statement, ir.SetItem):
                self.set_item(statement)
                continue
            target = statement.target.name
            if target not in self.active or target not in self.state:
                continue
            last = statement is fused[-1]
            if last and target in self.mutable:
                out = self.namer.fresh(target + "_new")
            if calls.is_user_function(statement.prim):
                self.call_adjoint(statement)
            else:
                self.rule_adjoint(statement, out if last else None)
        body, self.statements = self.statements, outer
        key = id(final)
        if not body and key not in self.pushed:
            return
        temps = {op.target.name for op in group
                 if isinstance(op, ir.Op) and op.target.name not in self.mutable}
        out_used = out in loaded(body)
        restore = []
        if key in self.pushed:
            if out_used:
                restore.append(assign(out, name(final.target.name)))
            restore.append(self.pop(final, key, depth))
        if depth:
            early = self.recompute(group, temps, loaded(restore), set())
            rest = self.recompute(group, temps, loaded(body), set(early))
            body = [self.printer.statement(op) for op in early] + restore + \
                [self.printer.statement(op) for op in rest] + body
            reads = loaded(body) - _stored(body)
        else:
            body = restore + body
            reads = loaded(body)
        reads &= set(self.kinds)
        for read in list(reads):
            reads |= self.views.get(read, set())
        self.records[key] = Record(reads, out_used)
        if key not in self.pushed and out_used:
            body = _rename(body, out, final.target.name)
        self.statements.extend(body)

    def recompute(self, group, temps, loaded, done):
        """The group's forward operations that compute temporaries read by `loaded`,
        except those in `done`."""
        needed = loaded & temps
        for op in reversed(group):
            if isinstance(op, ir.Op) and op.target.name in needed:
                needed |= {v.name for v in op.vars()} & temps
        return [op for op in group if isinstance(op, ir.Op) and op.target.name in needed
                and op not in done]

    def saved(self, key, depth, base):
        """Where a recorded value is kept: on the stack inside a loop, else (it is saved
        at most once) in a variable of its own."""
        if depth:
            return None
        if key not in self.saves:
            self.saves[key] = self.namer.fresh(base + "_saved")
        return self.saves[key]

    def pop(self, statement, key, depth):
        saved = self.saved(key, depth, statement.target.name)
        value = name(saved) if saved else self.fill("pop()")
        if isinstance(statement, ir.SetItem):
            target = gast.Subscript(value=name(statement.target.name),
                                    slice=self.printer.atom(statement.index), ctx=gast.Store())
            return assign(target, value)
        return assign(statement.target.name, value)

    def branch(self, statement, depth):
        if not self.active_in(statement.body + statement.orelse):
            return
        control = self.control(statement, depth)
        reach = self.reaching[id(statement)]
        # first assigned by the branch on every path (or left by `break`): the adjoint
        # of an older value, which is zero, needs no variable before the branch
        fresh = {v for v in self.touched([statement])
                 if v not in self.state and flow.first([statement], v) == "set"}
        touched = [v for v in self.touched([statement])
                   if v in self.state or (depth or v in reach) and v not in fresh]
        self.materialize(touched)
        later = [v for v in touched if depth or v in reach]
        before = (dict(self.state), dict(self.current))
        bodies = []
        for block in (statement.body, statement.orelse):
            self.state, self.current = dict(before[0]), dict(before[1])
            outer, self.statements = self.statements, []
            self.block(block, depth)
            self.materialize(later)
            bodies.append(self.statements or [gast.Pass()])
            self.statements = outer
        for var in set(touched) - set(later) | fresh:
            self.state.pop(var, None)
            self.current.pop(var, None)
        if control.mode == "reeval":
            test = copy.deepcopy(statement.test.node)
        elif control.mode == "flag":
            test = name(control.flag)
        else:
            test = self.fill("pop()")
        body, orelse = bodies
        if isinstance(orelse[0], gast.Pass):
            orelse = []
        elif isinstance(body[0], gast.Pass):
            test, body, orelse = gast.UnaryOp(op=gast.Not(), operand=test), orelse, []
        self.statements.append(gast.If(test=test, body=body, orelse=orelse))

    def loop(self, statement, depth):
        if not self.active_in([statement]):
            return
        control = self.control(statement, depth)
        touched = [v for v in self.touched([statement])
                   if v in self.state or flow.first(statement.body, v) != "set"]
        self.materialize(touched)
        if control.counter and depth:
            self.statements.append(assign(control.counter, self.fill("pop()")))
        outer, self.statements = self.statements, []
        self.block(statement.body, depth + 1)
        self.materialize(touched)
        body, self.statements = self.statements, outer
        if isinstance(statement, ir.For):
            trips = range_call(self.printer, statement)
            if control.counter:
                trips = gast.Subscript(value=trips, slice=gast.Slice(
                    lower=None, upper=name(control.counter), step=None), ctx=gast.Load())
            header = gast.Call(func=name("reversed"), args=[trips], keywords=[])
            target = statement.target.name
        else:
            header = gast.Call(func=name("range"), args=[name(control.counter)], keywords=[])
            target = self.namer.fresh("_")
        if body:
            self.statements.append(gast.For(target=store(target), iter=header, body=body,
                                            orelse=[], type_comment=None))
        for key in reversed(loop_saves(statement, self.pushed)):
            saved = self.saved(key, depth, key[2])
            value = name(saved) if saved else self.fill("pop()")
            self.statements.append(assign(key[2], value))

    def control(self, statement, depth):
        """How the backward sweep retraces `statement` (decided once, shared with the
        forward sweep)."""
        key = id(statement)
        if key not in self.controls:
            self.controls[key] = retrace(statement, depth, self.namer)
        return self.controls[key]

    def active_in(self, block):
        """Whether a block has backward code: adjoints, or values to restore."""
        for statement in ir.statements(block):
            if isinstance(statement, (ir.Op, ir.SetItem)) and (
                    statement.target.name in self.active or id(statement) in self.pushed):
                return True
            if loop_saves(statement, self.pushed):
                return True
        return False

    def touched(self, block):
        """Active variables a compound statement reads or assigns that outlive it: their
        adjoints must exist, as accumulators, on every path through it."""
        found, local = set(), set()
        for statement in ir.walk(block):
            found |= {v.name for v in statement.vars()}
            if isinstance(statement, ir.Op):
                found.add(statement.target.name)
                if statement.target.name not in self.mutable:
                    local.add(statement.target.name)
        return sorted((found - local - self.local) & self.active)

    def materialize(self, names):
        """Make each adjoint in `names` a variable of its own that may be added to."""
        self.widen(names)
        for var in names:
            state = self.state.get(var)
            bar = self.namer.bar(var)
            scalar = self.kinds[var].is_scalar
            if state is None:
                self.statements.append(assign(bar, self.zero(var)))
            elif state == "alias" and not scalar:
                self.statements.append(assign(bar, self.fill("np.copy(x)", x=self.bar(var))))
            elif var in self.current:
                self.statements.append(assign(bar, name(self.current[var])))
            self.state[var] = "owned"
            self.current.pop(var, None)

    def zero(self, var):
        """A zero adjoint for `var`: `0.0` for a number, or for an array that may not
        exist yet on this path and is only ever added to; else an array of its shape."""
        kind = self.kinds[var]
        if kind.is_scalar or (var in self.undefined and var not in self.indexed):
            return gast.Constant(value=0.0, kind=None)
        if not kind.known:
            return self.fill("np.zeros(np.shape(x))", x=var)
        return self.fill("np.zeros_like(x)", x=var)

    def set_item(self, statement):
        """`y[i] = v` backward: `v_bar += y_bar[i]`, then `y_bar[i] = 0` (the old element's
        adjoint starts from zero)."""
        array = statement.target.name
        if array not in self.active or array not in self.state:
            return
        self.widen([array])
        if self.state[array] != "owned" or array in self.current:
            self.statements.append(assign(self.namer.bar(array),
                                          self.fill("np.copy(x)", x=self.bar(array))))
            self.state[array] = "owned"
            self.current.pop(array, None)
        index = self.printer.atom(statement.index)
        element = gast.Subscript(value=name(self.namer.bar(array)), slice=index,
                                 ctx=gast.Load())
        scalar = element_is_scalar(statement, self.kinds)
        if not scalar:
            element = self.fill("np.copy(v)", v=element)
        value_kind = kind_of(statement.value, self.kinds)
        self.contribute(statement.value, rules.Add(element, reduce=not (
            scalar and value_kind.is_scalar)), None)
        target = gast.Subscript(value=name(self.namer.bar(array)), slice=copy.deepcopy(index),
                                ctx=gast.Store())
        self.statements.append(assign(target, gast.Constant(value=0.0, kind=None)))

    # contributions

    def rule_adjoint(self, op, out=None):
        rule = op.prim.rule if isinstance(op.prim, composites.Fused) else rules.lookup(op.prim)
        arg_kinds = [kind_of(a, self.kinds) for a in op.args]
        out_kind = self.op_kind(op, rule, arg_kinds)
        narrow = op.target.name in self.narrow
        if narrow and not (isinstance(rule, rules.Elementwise) and all(
                K.same_shape(kind, out_kind) for a, kind in zip(op.args, arg_kinds)
                if isinstance(a, ir.Var) and a.name in self.active)):
            self.widen([op.target.name])
            narrow = False
        lib = rule.lib if isinstance(rule, rules.Elementwise) else None
        if lib is None:
            lib = "math" if all(k.is_scalar for k in arg_kinds) else "np"
        site = rules.Site(
            args=[self.printer.atom(a) for a in op.args], kinds=arg_kinds,
            out=name(out or op.target.name), out_kind=out_kind,
            g=name(self.bar(op.target.name)),
            lib=self.handles[lib], handles=self.handles,
            active=[isinstance(a, ir.Var) and a.name in self.active for a in op.args],
            consts=consts(op, rule, self.kinds), bind=self.printer.bind,
            like=[self.like(a) for a in op.args], lean=self.lean)
        differentiable = any(rule.differentiable(i) for i in range(len(op.args)))
        with located(self.spec.function.filename, op.line):
            contributions = rule.adjoint(site).items() if differentiable else ()
        if narrow:
            contributions = [(p, self.narrowed(c)) for p, c in contributions]
        target = op.target.name
        if target not in self.mutable:
            for position, contribution in contributions:
                self.contribute(op.args[position], contribution, out_kind)
            return
        own = [c for position, c in contributions if op.args[position] == op.target]
        for position, contribution in contributions:
            if op.args[position] != op.target:
                self.contribute(op.args[position], contribution, out_kind)
        self.reassign(op.target, own)

    def op_kind(self, op, rule, arg_kinds):
        """The kind of what this operation computes: a variable assigned in a loop has a
        kind that covers all its values (`h` of any length), but `h = np.tanh(t9)` has
        the lengths of `t9`, so its adjoint needs no `unbroadcast`."""
        kind = self.kinds[op.target.name]
        if kind.is_array and op.target.name in self.mutable:
            own = rule.out_kind(arg_kinds, consts(op, rule, self.kinds))
            if own.is_array and own.ndim == kind.ndim and K.lengths(own) is not None:
                return own
        return kind

    def reassign(self, target, own):
        """After the adjoint of an assignment to `target`: its adjoint now belongs to the
        old value, which is `sum(own)` (the contributions from reading itself) or zero."""
        var = target.name
        before = (self.state.pop(var, None), self.current.pop(var, None))
        total = None
        for contribution in own:
            if isinstance(contribution, rules.Scatter):
                held = self.namer.fresh(self.namer.bar(var) + "_part")
                self.statements.append(assign(held, contribution.value))
                self.scatter(target, rules.Scatter(contribution.index, name(held),
                                                   contribution.basic))
                continue
            value = contribution.value
            if contribution.reduce:
                value = self.reduce(value, target, self.kinds[var])
            total = value if total is None else binop(total, gast.Add(), value)
        if total is None:
            return
        if isinstance(total, gast.Name) and total.id == self.namer.bar(var):
            self.state[var] = before[0]
            if before[1] is not None:
                self.current[var] = before[1]
            return
        self.contribute(target, rules.Add(total), None)

    def call_adjoint(self, op):
        self.widen([op.target.name])
        arguments = calls.bound_arguments(op)
        positions = tuple(i for i, a in enumerate(arguments)
                          if isinstance(a, ir.Var) and a.name in self.active)
        if not positions:
            self.reassign(op.target, [])
            return
        callee = self.callee_adjoint(op, arguments, positions)
        call = gast.Call(func=name(callee),
                         args=[self.printer.atom(a) for a in arguments]
                         + [name(self.bar(op.target.name))], keywords=[])
        if op.target.name in self.mutable:
            self.state.pop(op.target.name, None)
            self.current.pop(op.target.name, None)
        if len(positions) == 1:
            self.contribute(arguments[positions[0]], rules.Add(call), None)
            return
        targets, pending = [], []
        for position in positions:
            var = arguments[position].name
            if var not in self.state and var not in (t for t, _ in pending):
                targets.append(self.namer.bar(var))
                pending.append((var, None))
            else:
                part = self.namer.fresh(self.namer.bar(var) + "_part")
                targets.append(part)
                pending.append((var, part))
        self.statements.append(assign(tuple_of([name(t) for t in targets], gast.Store()), call))
        for var, part in pending:
            if part is None:
                self.state[var] = "alias"
            else:
                self.contribute(ir.Var(var), rules.Add(name(part)), None)

    def contribute(self, atom, contribution, out_kind):
        """Add one contribution to the adjoint of `atom` (if it is active)."""
        if not isinstance(atom, ir.Var) or atom.name not in self.active:
            return
        if isinstance(contribution, rules.Scatter):
            self.scatter(atom, contribution)
            return
        value = contribution.value
        kind = self.kinds[atom.name]
        if contribution.reduce:
            value = self.reduce(value, atom, kind, out_kind)
        bar = self.namer.bar(atom.name)
        state = self.state.get(atom.name)
        narrow = contribution.narrow
        if narrow and kind.is_array and state is None and atom.name not in self.mutable:
            self.narrow.add(atom.name)
        elif narrow and (state is None or not kind.is_array):
            value = self.fill("np.full_like(t, v)", t=self.like(atom), v=value)
            self.narrow.discard(atom.name)
        elif not narrow:
            self.narrow.discard(atom.name)
        if state is None and isinstance(value, gast.Name) and value.id in self.reused:
            copy = "x" if kind.is_scalar or atom.name in self.narrow else "np.copy(x)"
            self.statements.append(assign(bar, self.fill(copy, x=value.id)))
            self.state[atom.name] = "owned"
        elif state is None and isinstance(value, gast.Name):
            self.current[atom.name] = value.id
            self.state[atom.name] = "alias"
        elif state is None:
            self.statements.append(assign(bar, value))
            self.state[atom.name] = "owned" if new_array(value, self.handles) else "alias"
        elif kind.is_scalar and atom.name not in self.current and self.merge(bar, value):
            pass
        elif (kind.is_scalar or state == "owned") and atom.name not in self.current:
            self.statements.append(augment(bar, value))
        else:
            total = binop(name(self.bar(atom.name)), gast.Add(), value)
            self.statements.append(assign(bar, total))
            self.current.pop(atom.name, None)
            self.state[atom.name] = "owned"

    def widen(self, names):
        """Make each narrow adjoint among `names` the array it stands for."""
        for var in [v for v in names if v in self.narrow]:
            self.narrow.discard(var)
            bar, last = self.namer.bar(var), self.statements[-1] if self.statements else None
            value = name(self.bar(var))
            if var not in self.current and isinstance(last, gast.Assign) and \
                    isinstance(last.targets[0], gast.Name) and last.targets[0].id == bar:
                value = self.statements.pop().value
            self.statements.append(assign(bar, self.fill(
                "np.full_like(t, v)", t=self.like(ir.Var(var)), v=value)))
            self.state[var] = "owned"
            self.current.pop(var, None)

    def narrowed(self, contribution):
        """A contribution computed from a narrow adjoint is narrow too when it reads no
        array (`g * 100.0`, not `g * 2 * t7`)."""
        if not isinstance(contribution, rules.Add) or contribution.reduce:
            return contribution
        bars = {self.bar(v) for v in self.narrow}
        arrays = {n for n in loaded([contribution.value])
                  if n not in bars and not self.kinds.get(n, K.SCALAR).is_scalar}
        if arrays:
            return contribution
        return rules.Add(contribution.value, narrow=True)

    def merge(self, bar, value):
        """Fold a number's second contribution into the statement that assigned its first,
        just before (`x_bar = b - a` for `x_bar = -a; x_bar += b`): one statement and one
        operation fewer in the loop bodies of scalar code."""
        last = self.statements[-1] if self.statements else None
        if not (isinstance(last, gast.Assign) and isinstance(last.targets[0], gast.Name)
                and last.targets[0].id == bar) or bar in loaded([value]):
            return False
        first = last.value
        if isinstance(first, gast.UnaryOp) and isinstance(first.op, gast.USub):
            last.value = binop(value, gast.Sub(), first.operand)
        else:
            last.value = binop(first, gast.Add(), value)
        return True

    def scatter(self, atom, contribution):
        self.widen([atom.name])
        bar = self.namer.bar(atom.name)
        state = self.state.get(atom.name)
        rest = _complement(contribution.index) if state is None and contribution.basic \
            else None
        if rest is not None:
            self.statements.append(assign(bar, self.fill("np.empty_like(x)", x=atom.name)))
            for index in rest:
                self.statements.append(assign(gast.Subscript(
                    value=name(bar), slice=index, ctx=gast.Store()), const(0.0)))
            self.statements.append(assign(gast.Subscript(
                value=name(bar), slice=contribution.index, ctx=gast.Store()),
                contribution.value))
            self.state[atom.name] = "owned"
            return
        if state is None:
            self.statements.append(assign(bar, self.fill("np.zeros_like(x)", x=atom.name)))
        elif state == "alias":
            self.statements.append(assign(bar, self.fill("x.copy()", x=self.bar(atom.name))))
        self.current.pop(atom.name, None)
        self.state[atom.name] = "owned"
        if contribution.basic:
            target = gast.Subscript(value=name(bar), slice=contribution.index, ctx=gast.Store())
            self.statements.append(augment(target, contribution.value))
        else:
            call = self.fill("np.add.at(x, i, v)", x=bar, i=contribution.index,
                             v=contribution.value)
            self.statements.append(gast.Expr(value=call))

    def reduce(self, value, atom, kind, out_kind=None):
        """Sum a result-shaped contribution back to the shape of operand `atom`: over the
        leading axes when the lengths say that is all broadcasting added (`np.sum(g,
        axis=0)` for a bias added to every row), else by `unbroadcast` at run time."""
        if kind.is_scalar:
            return self.fill("np.sum(v)", v=value)
        ours, theirs = K.lengths(kind), out_kind and K.lengths(out_kind)
        if ours is not None and theirs is not None and len(theirs) > len(ours) and \
                tuple(theirs[len(theirs) - len(ours):]) == tuple(ours):
            leading = len(theirs) - len(ours)
            axis = const(0) if leading == 1 else gast.Tuple(
                elts=[const(i) for i in range(leading)], ctx=gast.Load())
            return self.fill("np.sum(v, axis=k)", v=value, k=axis)
        return self.fill("unbroadcast(v, x)", v=value, x=self.like(atom))

    def like(self, atom):
        """A value shaped like `atom` that the backward sweep reads at no cost (an array
        argument, or a slice of one): where an adjoint needs only the shape of an
        intermediate array, the forward sweep then need not keep that array alive."""
        kind = self.kinds.get(atom.name) if isinstance(atom, ir.Var) else None
        if kind is None or not kind.is_array or atom.name in self.mutable:
            return self.printer.atom(atom)
        return name(self.templates.get(kind.shape, atom.name))

    def fill(self, text, **subs):
        return fill(text, **{**self.handles, **subs})


def _templates(function, kinds):
    """For each shape token, the first array parameter or top-level slice of one that has
    it: always defined when the backward sweep runs, and cheap to keep (a view)."""
    found = {}
    candidates = [p for p in function.params if p not in function.mutable]
    candidates += [s.target.name for s in function.body
                   if isinstance(s, ir.Op) and s.prim is operator.getitem
                   and isinstance(s.args[0], ir.Var) and s.args[0].name in candidates
                   and isinstance(s.args[1], ir.Slice) and s.target.name not in function.mutable]
    for candidate in candidates:
        kind = kinds.get(candidate)
        if kind is not None and kind.is_array and isinstance(kind.shape, tuple) \
                and kind.shape[:1] != ("mutable",):
            found.setdefault(kind.shape, candidate)
    return found


def _complement(index):
    """For a slice `lower:upper` of the first axis with literal bounds, the slices that
    with it cover the axis (`:lower` and `upper:`), so that the first write of an adjoint
    is an assignment into an empty array and zeros go only where it does not write,
    instead of a pass filling zeros and another adding into them; else None. (Where
    the bounds cross, the slice is empty and the two cover the axis.)"""
    if not isinstance(index, gast.Slice) or index.step is not None:
        return None
    bounds = (index.lower, index.upper)
    if any(b is not None and not isinstance(number(b), int) for b in bounds):
        return None
    rest = []
    if index.lower is not None:
        rest.append(gast.Slice(lower=None, upper=index.lower, step=None))
    if index.upper is not None:
        rest.append(gast.Slice(lower=index.upper, upper=None, step=None))
    return rest


def _stored(statements):
    return {n.id for s in statements for n in gast.walk(s)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _rename(statements, old, new):
    class Rename(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == old:
                node.id = new
            return node
    return [Rename().visit(s) for s in statements]
