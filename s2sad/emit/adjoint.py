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

This module walks the structure (groups, branches, loops) and settles the backward sweep
with the saves it needs (`backward_sweep`); accumulator.py keeps the adjoints and writes
what adds to them, operations.py writes the adjoint of one statement.
"""
import copy

import gast

from .. import ir
from ..analysis import flow, tape
from ..analysis.views import written_views
from ..frontend import calls
from ..syntax import queries
from ..syntax.lines import stamp
from ..syntax.printer import assign, name, store
from ..syntax.simplify import negated
from . import composites
from .accumulator import Accumulator
from .control import integers, range_call, retrace
from .lists import replayed
from .operations import OperationAdjoints
from .tapes import TapeAdjoints


def backward_sweep(function, begin):
    """The backward sweep of `function` together with what the forward sweep saves for it:
    `(emitter, statements)` of the trial whose saves are those it asks for.

    What must be saved (`tape.plan`) depends on what the backward sweep reads, and what
    it reads depends on what is saved: a value popped back is no longer read from before
    its group, the temporaries recomputed after the pop differ, and a branch or loop with
    values to restore gets backward code of its own. So the backward sweep is emitted
    saving nothing, planned, and emitted again saving all that was planned so far, until
    the plan asks for nothing new. The saves only grow, and there are finitely many, so
    this ends. `begin(pushed)` starts a trial: an `AdjointEmitter` that names from the
    same point as every other trial, so that the last trial's names are the code's.
    Without mutable variables nothing is overwritten and one trial is the adjoint."""
    pushed = frozenset()
    while True:
        emitter = begin(pushed)
        statements = emitter.backward()
        if not function.mutable:
            return emitter, statements
        planned = tape.plan(function, emitter.records, emitter.controls)
        if planned <= pushed:
            return emitter, statements
        pushed = pushed | planned


class AdjointEmitter:
    """Builds the backward sweep of one specialisation.

    `spec` carries the Wengert list, kinds and active set; `handles` gives the names the
    generated code uses for modules and helpers; `callee_adjoint(op, arguments,
    positions)` returns the name of a user function's own generated adjoint; `pushed`
    holds the saves (`tape.Overwritten`, `tape.LoopEntry`) the forward sweep makes.

    What the forward sweep needs from it is in `records` (what each group reads, for the
    tape plan), `controls` (how each branch and loop is retraced) and `saves` (the
    variable a value saved outside any loop is kept in).
    """

    def __init__(self, spec, namer, printer, handles, callee_adjoint, pushed=frozenset(),
                 lean=False):
        self.spec = spec
        self.namer = namer
        self.printer = printer
        self.handles = handles
        self.pushed = pushed
        self.kinds = spec.kinds
        self.active = spec.active
        self.mutable = spec.function.mutable
        self.adjoints = Accumulator(spec, namer, printer, handles)
        # the value is not returned: partials that do not read an operation's result
        self.operations = OperationAdjoints(spec, self.adjoints, printer, handles,
                                            callee_adjoint, lean)
        self.records = {}
        self.controls = {}
        self.saves = {}
        self.local = flow.block_local(spec.function)
        self.views = written_views(spec.function, self.kinds)
        self.reaching = flow.reaching(spec.function)
        self.uses = composites.reads(spec.function)
        self.replayed = replayed(spec.function)
        self.tapes = TapeAdjoints(self)

    # public

    def seed_name(self):
        result = self.spec.function.result
        base = result.name if isinstance(result, ir.Var) else self.spec.function.name
        return self.namer.bar(base)

    def seed_names(self):
        """The cotangent parameters: one, or one per returned leaf when the function
        returns a container (each leaf is a variable of its own, lower.returned_leaves)."""
        if self.spec.function.layout is None:
            return [self.seed_name()]
        return [self.namer.bar(leaf.name) for leaf in self.spec.function.result]

    def backward(self):
        """The backward sweep statements; afterwards `gradients()` names each wrt adjoint."""
        for leaf in ir.atom_vars(self.spec.function.result):
            if leaf.name in self.active:
                self.adjoints.state[leaf.name] = "alias"
        self.adjoints.statements.extend(self.tapes.stacks())
        self.block(self.spec.function.body, 0)
        return self.adjoints.statements

    def gradients(self, private=True):
        """Names of the adjoints of the wrt parameters, zero-initialising unreached ones.

        With `private`, an array adjoint that may share memory with another (or with the
        caller's cotangent) is copied, so the caller may update each gradient in place."""
        return self.adjoints.gradients(self.spec.wrt, self.seed_names(), private)

    def fill(self, text, **subs):
        return self.adjoints.fill(text, **subs)

    # structure

    def block(self, block, depth):
        for item in reversed(ir.split(block, self.mutable)):
            start = len(self.adjoints.statements)
            if isinstance(item, list):
                self.group(item, depth)
            elif isinstance(item, ir.If):
                self.branch(item, depth)
            elif isinstance(item, (ir.For, ir.While)):
                self.loop(item, depth)
            line = getattr(item[-1] if isinstance(item, list) else item, "line", 0)
            stamp(self.adjoints.statements[start:], line)

    def group(self, group, depth):
        """The backward code of one group: the value its last statement overwrote back
        (if saved), the temporaries it reads recomputed (inside a loop), its adjoints."""
        final = group[-1]
        out = None
        fused = composites.fuse(group, self.uses)
        line = 0
        with self.adjoints.apart() as body:
            for statement in reversed(fused):
                stamp(body, line)
                line = getattr(statement, "line", 0)
                if isinstance(statement, ir.SetItem):
                    self.operations.set_item(statement)
                    continue
                if ir.on_tape(statement):
                    self.tapes.backward(statement)
                    continue
                target = statement.target.name
                if target not in self.active or target not in self.adjoints.state:
                    continue
                if ir.updates(statement):
                    self.adjoints.lists.append(statement)
                    continue
                last = statement is fused[-1]
                if last and target in self.mutable:
                    out = self.namer.fresh(target + "_new")
                if calls.is_called(statement.prim):
                    self.operations.call_adjoint(statement)
                else:
                    self.operations.rule_adjoint(statement, out if last else None)
            stamp(body, line)
        save = tape.Overwritten(id(final))
        replay = ir.updates(final) and final.target.name in self.replayed
        if not body and save not in self.pushed and not replay:
            return
        temps = {op.target.name for op in group
                 if isinstance(op, ir.Op) and op.target.name not in self.mutable}
        out_used = out in queries.loaded(body)
        restore = []
        if replay:
            restore.append(gast.Expr(value=self.fill("x.pop()", x=final.target.name)))
        if save in self.pushed:
            if out_used:
                restore.append(assign(out, name(final.target.name)))
            restore.append(self.pop(final, save, depth))
        if depth:
            early = self.recompute(group, temps, queries.loaded(restore), set())
            rest = self.recompute(group, temps, queries.loaded(body), set(early))
            body = [self.printer.statement(op) for op in early] + restore + \
                [self.printer.statement(op) for op in rest] + body
            reads = queries.loaded(body) - queries.stored(body)
        else:
            body = restore + body
            reads = queries.loaded(body)
        reads &= set(self.kinds)
        for read in list(reads):
            reads |= self.views.get(read, set())
        self.records[id(final)] = tape.Record(reads, out_used)
        if save not in self.pushed and out_used:
            body = _rename(body, out, final.target.name)
        self.adjoints.statements.extend(body)

    def recompute(self, group, temps, loaded, done):
        """The group's forward operations that compute temporaries read by `loaded`,
        except those in `done`."""
        needed = loaded & temps
        for op in reversed(group):
            if isinstance(op, ir.Op) and op.target.name in needed:
                needed |= {v.name for v in op.vars()} & temps
        return [op for op in group if isinstance(op, ir.Op) and op.target.name in needed
                and op not in done]

    def saved(self, save, depth, base):
        """Where a saved value is kept: on the stack inside a loop, else (it is saved at
        most once) in a variable of its own."""
        if depth:
            return None
        if save not in self.saves:
            self.saves[save] = self.namer.fresh(base + "_saved")
        return self.saves[save]

    def pop(self, statement, save, depth):
        saved = self.saved(save, depth, statement.target.name)
        value = name(saved) if saved else self.fill("pop()")
        if isinstance(statement, ir.SetItem):
            target = gast.Subscript(value=name(statement.target.name),
                                    slice=self.printer.index(statement.index), ctx=gast.Store())
            return assign(target, value)
        return assign(statement.target.name, value)

    def branch(self, statement, depth):
        if not self.active_in(statement.body + statement.orelse):
            return
        adjoints = self.adjoints
        control = self.control(statement, depth)
        reach = self.reaching[id(statement)]
        # first assigned by the branch on every path (or left by `break`): the adjoint
        # of an older value, which is zero, needs no variable before the branch
        fresh = {v for v in self.touched([statement])
                 if v not in adjoints.state and flow.first([statement], v) == "set"}
        touched = [v for v in self.touched([statement])
                   if v in adjoints.state or (depth or v in reach) and v not in fresh]
        self.materialize_at(control, touched, statement)
        later = [v for v in touched if depth or v in reach]
        before = (dict(adjoints.state), dict(adjoints.current))
        bodies = []
        for block in (statement.body, statement.orelse):
            adjoints.state, adjoints.current = dict(before[0]), dict(before[1])
            with adjoints.apart() as statements:
                self.block(block, depth)
                adjoints.materialize(later, statement)
            bodies.append(statements or [gast.Pass()])
        for var in set(touched) - set(later) | fresh:
            adjoints.forget(var)
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
            test, body, orelse = negated(test, integers(self.kinds)), orelse, []
        adjoints.statements.append(gast.If(test=test, body=body, orelse=orelse))

    def loop(self, statement, depth):
        if not self.active_in([statement]):
            return
        adjoints = self.adjoints
        control = self.control(statement, depth)
        touched = [v for v in self.touched([statement])
                   if v in adjoints.state or flow.first(statement.body, v) != "set"]
        self.materialize_at(control, touched, statement)
        if control.counter and depth:
            adjoints.statements.append(assign(control.counter, self.fill("pop()")))
        with adjoints.apart() as body:
            self.block(statement.body, depth + 1)
            adjoints.materialize(touched, statement)
        if isinstance(statement, ir.For) and not control.counter:
            header = range_call(self.printer, statement, backward=True)
            target = statement.target.name
        elif isinstance(statement, ir.For):
            trips = gast.Subscript(value=range_call(self.printer, statement, shown=False),
                                   slice=gast.Slice(
                lower=None, upper=name(control.counter), step=None), ctx=gast.Load())
            header = gast.Call(func=name("reversed"), args=[trips], keywords=[])
            target = statement.target.name
        else:
            header = gast.Call(func=name("range"), args=[name(control.counter)], keywords=[])
            target = self.namer.fresh("_")
        if body:
            adjoints.statements.append(gast.For(target=store(target), iter=header, body=body,
                                                orelse=[], type_comment=None))
            if statement.checkpoint is not None:
                adjoints.statements[-1].checkpoint_of = id(statement)
        for save in reversed(tape.entries(statement, self.pushed)):
            saved = self.saved(save, depth, save.name)
            value = name(saved) if saved else self.fill("pop()")
            adjoints.statements.append(assign(save.name, value))

    def materialize_at(self, control, names, statement):
        """The adjoints `names` made variables of their own where the backward sweep enters
        the branch or loop `statement`; what that reads (a list's length) is noted for the
        tape plan."""
        start = len(self.adjoints.statements)
        self.adjoints.materialize(names, statement)
        made = self.adjoints.statements[start:]
        control.reads = frozenset(queries.loaded(made) & set(self.kinds))

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
                    statement.target.name in self.active
                    or tape.Overwritten(id(statement)) in self.pushed
                    or ir.updates(statement) and statement.target.name in self.replayed
                    or ir.on_tape(statement) and statement.args[0].name in self.active):
                return True
            if tape.entries(statement, self.pushed):
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
        return sorted(v for v in (found - local - self.local) & self.active
                      if self.kinds[v].tag != "tape")


def _rename(statements, old, new):
    class Rename(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == old:
                node.id = new
            return node
    return [Rename().visit(s) for s in statements]
