"""Print the primal statements of a structured Wengert list, for the Wengert-list listing
and for the forward sweep of an adjoint.

For the forward sweep the list is cut down to what the result and the backward sweep
read, and instrumented: a recorded write first pushes the value it overwrites, a loop
that may stop early counts its trips, and a branch inside a loop pushes which way it went
when the backward sweep cannot re-evaluate its test.

An operation that may raise on Python floats (`math.log(x)` at x <= 0, `1.0 / x` at 0) is
kept even where no derivative reads its value, as a bare expression statement: a
derivative must raise where the function does, not return a number at a point where the
function has none.
"""
import builtins
import copy
import operator

import gast

from .. import ir, rules
from ..analysis import tape
from ..syntax.lines import stamp
from ..syntax.printer import assign, name, store
from ..syntax.simplify import negated
from . import checkpoints
from .control import Control, breaks, integers, range_call
from .values import element_is_scalar


class PrimalEmitter:
    """`needed`: names the rest of the generated code reads (None: keep everything).

    For the forward sweep of an adjoint, `pushed` holds the saves the backward sweep
    needs (`tape.Overwritten`, `tape.LoopEntry`), `controls` how it retraces each branch
    and loop, and `saves` the variable a save outside any loop goes to (else: the stack).
    """

    def __init__(self, function, printer, kinds=None, needed=None, pushed=frozenset(),
                 controls=None, fill=None, saves=None):
        self.function = function
        self.printer = printer
        self.kinds = kinds
        self.pushed = pushed
        self.controls = controls or {}
        self.saves = saves or {}
        self.fill = fill
        self.needed = None if needed is None else set(needed)
        self.raising = set() if kinds is None else raising(function, kinds)
        self.keep = None if needed is None else self.live(self.needed)

    def live(self, needed):
        """The statements to keep: those that compute a needed name, to a fixed point."""
        keep = set()
        changed = True
        while changed:
            changed = False
            for statement in reversed(list(ir.statements(self.function.body))):
                if id(statement) in keep or not self.wanted(statement, needed, keep):
                    continue
                keep.add(id(statement))
                needed |= self.reads(statement)
                changed = True
        return keep

    def reads(self, statement):
        """What `statement` reads, with the old value of its target when it saves that
        (on the stack or in a variable) for the backward sweep."""
        reads = ir.reads(statement)
        if self.overwrites(statement) and isinstance(statement, (ir.Op, ir.SetItem)):
            reads = set(reads) | {statement.target.name}
        return reads

    def defines(self, statement):
        """Names an operation or element write assigns."""
        return {statement.target.name}

    def wanted(self, statement, needed, keep):
        if isinstance(statement, (ir.Op, ir.SetItem)):
            # an overwrite that saves the old value feeds the backward sweep's pop
            return bool(self.defines(statement) & needed) or self.overwrites(statement) \
                or id(statement) in self.raising or ir.on_tape(statement)
        if isinstance(statement, (ir.Break, ir.Assert)):
            return True
        if isinstance(statement, ir.For) and statement.target.name in needed:
            return True
        if id(statement) in self.controls:
            return True
        if isinstance(statement, ir.If) and (breaks(statement.body) or breaks(statement.orelse)):
            return True
        blocks = [statement.body] + ([statement.orelse] if isinstance(statement, ir.If)
                                     else [])
        return any(id(s) in keep for block in blocks for s in ir.statements(block)
                   if not isinstance(s, ir.Break))

    def undefined(self, unbound=()):
        """The saved variables a save may find unassigned, and the `unbound` ones whose
        zero adjoint asks whether they exist yet: the forward sweep sets them to None
        first, so that saving their value before the first assignment (a value no
        derivative reads), or asking, cannot fail. `y` first assigned in a loop body
        whose first trip saves it needs that; `y` assigned in both branches of an `if`
        before a loop saves it does not."""
        names = self.saved_unassigned() | set(unbound)
        return [assign(v, gast.Constant(value=None, kind=None)) for v in sorted(names)]

    def saved_unassigned(self):
        """The variables some save (of the value an assignment overwrites, or on entering
        a loop) may read before any path to it has assigned them."""
        found = set()

        def visit(block, assigned):
            for statement in block:
                if isinstance(statement, ir.Op):
                    if self.overwrites(statement) and statement.target.name not in assigned:
                        found.add(statement.target.name)
                    if self.kept(statement):
                        assigned.add(statement.target.name)
                elif isinstance(statement, ir.If):
                    assigned |= visit(statement.body, set(assigned)) & \
                        visit(statement.orelse, set(assigned))
                elif isinstance(statement, (ir.For, ir.While)):
                    found.update(save.name for save in tape.entries(statement, self.pushed)
                                 if save.name not in assigned)
                    inner = set(assigned)
                    if isinstance(statement, ir.For):
                        inner.add(statement.target.name)
                    visit(statement.body, inner)
            return assigned
        visit(self.function.body, set(self.function.params))
        return found

    def overwrites(self, statement):
        """Whether the forward sweep saves the value `statement` overwrites."""
        return tape.Overwritten(id(statement)) in self.pushed

    def kept(self, statement):
        return self.keep is None or id(statement) in self.keep

    def block(self, block, depth=0):
        out = []
        for statement in block:
            if not self.kept(statement):
                continue
            out.extend(stamp(getattr(self, "print_" + type(statement).__name__)(
                statement, depth), statement.line))
        return out

    def print_Op(self, op, depth):
        if self.only_raises(op):
            return [gast.Expr(value=self.printer.op(op))]
        out = []
        if self.overwrites(op):
            out.append(self.push(name(op.target.name), tape.Overwritten(id(op))))
        return out + self.printer.statements(op)

    def only_raises(self, op):
        """Whether `op` is kept only because it may raise: nothing reads its value."""
        return id(op) in self.raising and self.needed is not None and \
            op.target.name not in self.needed and not self.overwrites(op)

    def print_SetItem(self, statement, depth):
        index = self.printer.index(statement.index)
        target = gast.Subscript(value=name(statement.target.name), slice=index,
                                ctx=gast.Store())
        out = []
        if self.overwrites(statement):
            old = gast.Subscript(value=name(statement.target.name), slice=copy.deepcopy(index),
                                 ctx=gast.Load())
            if not element_is_scalar(statement, self.kinds):
                old = self.fill("np.copy(v)", v=old)
            out.append(self.push(old, tape.Overwritten(id(statement))))
        if statement.accumulate:
            out.append(gast.Expr(value=added_at(name(statement.target.name), index,
                                                self.printer.atom(statement.value),
                                                self.fill)))
            return out
        out.append(assign(target, self.printer.atom(statement.value)))
        return out

    def print_Break(self, statement, depth):
        return [gast.Break()]

    def print_Assert(self, statement, depth):
        message = None if statement.message is None else \
            gast.Constant(value=statement.message, kind=None)
        return [gast.Assert(test=copy.deepcopy(statement.test.node), msg=message)]

    def print_If(self, statement, depth):
        control = self.controls.get(id(statement), Control())
        body = self.block(statement.body, depth)
        orelse = self.block(statement.orelse, depth)
        out = []
        test = copy.deepcopy(statement.test.node)
        if control.mode == "flag":
            out.append(assign(control.flag, test))
            test = name(control.flag)
        elif control.mode == "pushed":
            body = _before_break(body, self.push(gast.Constant(value=True, kind=None)))
            orelse = _before_break(orelse, self.push(gast.Constant(value=False, kind=None)))
        if not body and orelse:
            test, body, orelse = negated(test, integers(self.kinds)), orelse, []
        out.append(gast.If(test=test, body=body or [gast.Pass()], orelse=orelse))
        return out

    def print_For(self, statement, depth):
        return self.loop(statement, depth, range_call(self.printer, statement))

    def print_While(self, statement, depth):
        return self.loop(statement, depth, None)

    def loop(self, statement, depth, trips):
        control = self.controls.get(id(statement), Control())
        body = self.block(statement.body, depth + 1)
        out = []
        for save in tape.entries(statement, self.pushed):
            out.append(self.push(name(save.name), save))
        if not body and not control.counter and trips is not None and \
                self.needed is not None and statement.target.name not in self.needed:
            return out  # a loop left with nothing to do (its trips are recounted backward)
        if control.counter:
            out.append(assign(control.counter, gast.Constant(value=0, kind=None)))
            body.insert(0, gast.AugAssign(target=store(control.counter), op=gast.Add(),
                                          value=gast.Constant(value=1, kind=None)))
        if trips is None:
            out.append(gast.While(test=copy.deepcopy(statement.test.node),
                                  body=body or [gast.Pass()], orelse=[]))
        else:
            out.append(gast.For(target=store(statement.target.name), iter=trips,
                                body=body or [gast.Pass()], orelse=[], type_comment=None))
        if statement.checkpoint is not None:
            out[-1].checkpoint = checkpoints.Mark(id(statement),
                                                  self.printer.atom(statement.checkpoint),
                                                  control.counter, statement.line)
        if control.counter and depth:
            out.append(self.push(name(control.counter)))
        return out

    def push(self, value, save=None):
        """Save `value` for the backward sweep: in its own variable if the save has one,
        else on the stack."""
        if save in self.saves:
            return assign(self.saves[save], value)
        return gast.Expr(value=self.fill("push(v)", v=value))


def added_at(array, index, value, fill=None):
    """`np.add.at(array, index, value)`, `np.` by the generated code's name for NumPy
    (`fill`: the templates of the code being built; none for the Wengert-list listing)."""
    if fill is not None:
        return fill("np.add.at(a, i, v)", a=array, i=index, v=value)
    return gast.Call(func=gast.parse("np.add.at", mode="eval").body,
                     args=[array, index, value], keywords=[])


def _before_break(block, statement):
    """`block` with `statement` run last on every path: at its end and before each `break`
    that leaves the enclosing loop from inside it."""
    out = _before_exits(block, statement)
    if not (out and isinstance(out[-1], gast.Break)):
        out.append(statement)
    return out


def _before_exits(block, statement):
    out = []
    for item in block:
        if isinstance(item, gast.Break):
            out.append(copy.deepcopy(statement))
        elif isinstance(item, gast.If):
            item.body = _before_exits(item.body, statement)
            item.orelse = _before_exits(item.orelse, statement)
        out.append(item)
    return out


# operators that raise on Python numbers (ZeroDivisionError, OverflowError)
_RAISING = {operator.truediv, operator.floordiv, operator.mod, operator.pow, builtins.pow}
# operations that give a Python number when their operands are Python numbers
_NUMBERS = _RAISING | {operator.add, operator.sub, operator.mul, operator.neg, operator.pos,
                       builtins.abs, builtins.float, builtins.int, builtins.len, ir.COPY}


def raising(function, kinds):
    """The operations that may raise where their derivative need not: `math` functions
    (ValueError outside their domain, OverflowError), and divisions and powers of Python
    numbers (NumPy's scalars and arrays give inf or nan instead, with a warning)."""
    numbers = _python_numbers(function, kinds)
    return {id(op) for op in ir.walk(function.body) if isinstance(op, ir.Op) and (
        _is_math(op) or op.prim in _RAISING and all(
            _python(atom, numbers) for atom in op.args))}


def _is_math(op):
    return getattr(rules.lookup(op.prim), "name", "").startswith("math.")


def _python(atom, numbers):
    if isinstance(atom, ir.Const):
        return type(atom.value) in (int, float)
    return isinstance(atom, ir.Var) and atom.name in numbers


def _python_numbers(function, kinds):
    """The variables that hold Python numbers (parameters of number kinds are taken to),
    as a fixed point: a name stays while every assignment to it gives one."""
    ops = [op for op in ir.walk(function.body) if isinstance(op, ir.Op)]
    numbers = {name for name, kind in kinds.items() if kind.is_scalar}
    while True:
        broken = {op.target.name for op in ops if op.target.name in numbers and not (
            _is_math(op) or op.prim in _NUMBERS and all(_python(a, numbers)
                                                        for a in op.args))}
        if not broken:
            return numbers
        numbers -= broken
