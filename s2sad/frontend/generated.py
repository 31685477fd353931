"""Lowering what only derivatives s2sad generated write, when such a derivative is itself
differentiated (higher order: `jvp(grad(f))`, `grad(grad(f))`): its stack, the checks it
keeps because they may raise, and its in-place NumPy calls.

An adjoint saves the values its forward sweep overwrites on a stack and takes them back
in its backward sweep:

    stack = []
    push = stack.append
    pop = stack.pop
    ...  push(x) ...  x = pop()  ...  if pop():

No user function is written this way, so the lowering knows the idiom only in generated
code (`Parsed.generated`): `stack = []` becomes `ir.Tape`, `push(v)` an `ir.PUSH` that
updates the stack in place, and each `pop()` an `ir.Pop` into a variable of its own,
never reused, since each call takes another value. The stack holds values of every kind;
a popped value has the kind of the variable it restores (`Pop.like`). The derivative of
the derivative pushes the tangent of each number or array right after it, and pops it
right before (emit/tangent.py); its own backward sweep keeps a stack of adjoints
(emit/tapes.py).
"""
import copy

import gast

from .. import ir


def normalise(node):
    """Rewrite, in place, what generated code writes in a form the fence refuses to user
    code: a branch's direction kept in a flag (`branch1 = not (a and b)`), which the
    lowering reads as the branch `if not (a and b): branch1 = True else: ...`."""
    for parent in gast.walk(node):
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if isinstance(block, list):
                setattr(parent, field, [_flag(statement) for statement in block])


def _flag(statement):
    value = statement.value if isinstance(statement, gast.Assign) else None
    if not (isinstance(value, (gast.BoolOp, gast.UnaryOp)) and any(
            isinstance(child, gast.BoolOp) for child in gast.walk(value))):
        return statement
    target = statement.targets[0]

    def set_to(truth):
        return gast.copy_location(gast.Assign(
            targets=[copy.deepcopy(target)], value=gast.Constant(value=truth, kind=None),
            type_comment=None), statement)
    return gast.copy_location(gast.If(test=value, body=[set_to(True)],
                                      orelse=[set_to(False)]), statement)


class GeneratedLowering:
    """The idioms of generated code, for the lowerer (lower.py)."""

    def generated_call(self, node):
        """An expression statement of generated code: `push(v)`; a ufunc writing into an
        array or a slice of one (`np.multiply(a, b, out=x_bar[:-1])`, optimize/
        write_into.py and inplace.py), lowered as the assignment it stands for; or an
        operation kept because it may raise (`math.log(x)`, `x ** 3`). False for a list's
        method."""
        call = node.value
        if not self.parsed.generated or isinstance(call, gast.Constant):
            return False
        if not isinstance(call, gast.Call):
            self.expr(call)   # `x ** 3`, kept because it may overflow
            return True
        if self.tape_push(node):
            return True
        into = [k for k in call.keywords if k.arg == "out"]
        if into:
            target = copy.deepcopy(into[0].value)
            for child in gast.walk(target):
                if hasattr(child, "ctx"):
                    child.ctx = gast.Load()
            target.ctx = gast.Store()
            value = gast.Call(func=call.func, args=call.args,
                              keywords=[k for k in call.keywords if k.arg != "out"])
            self.stmt_Assign(gast.copy_location(
                gast.Assign(targets=[target], value=value, type_comment=None), node))
            return True
        if isinstance(call.func, gast.Attribute) and call.func.attr in ("append", "extend"):
            return False
        self.expr(call)
        return True

    def find_tape(self):
        """`{"stack": name, "append": name, "pop": name}` of the stack the generated
        function binds at its top, or None (a user's function, or generated code that
        saves nothing)."""
        if not getattr(self.parsed, "generated", False):
            return None
        found = {}
        for statement in self.statements:
            if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], gast.Name)):
                continue
            value, target = statement.value, statement.targets[0].id
            if isinstance(value, gast.List) and not value.elts and "stack" not in found:
                found["stack"] = target
            elif isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) \
                    and value.value.id == found.get("stack") and value.attr in ("append", "pop"):
                found[value.attr] = target
        return found if "stack" in found else None

    def tape_assign(self, node):
        """Lower an assignment of the idiom (`stack = []`, `push = stack.append`,
        `x = pop()`, `y[i] = pop()`); False for any other."""
        tape = self.tape
        if tape is None:
            return False
        target, value = node.targets[0], node.value
        if isinstance(target, gast.Name) and target.id == tape["stack"]:
            prim = ir.Tape(tape.get("append"), tape.get("pop"))
            self.emit(ir.Var(tape["stack"]), prim, ())
            return True
        if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and \
                value.value.id == tape["stack"]:
            return True   # the method bound to a name: the stack's primitives say it
        if not self.is_pop(value):
            return False
        if isinstance(target, gast.Name):
            held = self.env.get(target.id)
            like = held.name if isinstance(held, ir.Var) else None
            if target.id in self.mutable:
                self.emit(ir.Var(target.id), ir.Pop(like), (ir.Var(tape["stack"]),),
                          callee=tape["pop"])
            else:
                self.env[target.id] = self.emit(self.new_var(target.id), ir.Pop(like),
                                                (ir.Var(tape["stack"]),), callee=tape["pop"])
            return True
        if isinstance(target, gast.Subscript):
            popped = self.emit(self.popped_var(), ir.Pop(), (ir.Var(tape["stack"]),),
                               callee=tape["pop"])
            self.set_item(node, target, popped)
            return True
        return False

    def tape_push(self, node):
        """Lower `push(v)`; False for any other expression statement."""
        call = node.value
        tape = self.tape
        if tape is None or not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name)
                                and call.func.id == tape.get("append")):
            return False
        stack = ir.Var(tape["stack"])
        self.emit(stack, ir.PUSH, (stack, self.expr(call.args[0])), callee=tape["append"])
        return True

    def is_pop(self, node):
        return self.tape is not None and isinstance(node, gast.Call) and \
            isinstance(node.func, gast.Name) and node.func.id == self.tape.get("pop") \
            and not node.args

    def popped_flag(self):
        """`if pop():` reads a saved branch direction: popped into a variable first."""
        return self.emit(self.popped_var(), ir.Pop(flag=True),
                         (ir.Var(self.tape["stack"]),), callee=self.tape["pop"])

    def popped_var(self):
        """A variable for a popped value no name holds: overwritten at each pop, like a
        user's variable, so that a backward sweep saves it rather than popping again."""
        var = ir.Var(self.namer.temp())
        self.mutable.add(var.name)
        return var
