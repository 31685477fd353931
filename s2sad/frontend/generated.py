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
    if not (_truth(value) and any(isinstance(child, gast.BoolOp)
                                  for child in gast.walk(value))):
        return statement
    target = statement.targets[0]

    def set_to(truth):
        return gast.copy_location(gast.Assign(
            targets=[copy.deepcopy(target)], value=gast.Constant(value=truth, kind=None),
            type_comment=None), statement)
    return gast.copy_location(gast.If(test=value, body=[set_to(True)],
                                      orelse=[set_to(False)]), statement)


def _truth(node):
    """Whether `node` is a truth value: `a and b`, `not ...`, a comparison."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not):
        return True
    return isinstance(node, (gast.BoolOp, gast.Compare))


class GeneratedLowering:
    """The idioms of generated code, for the lowerer (lower.py)."""

    def generated_frame(self):
        """What the lowering of generated code (the function's, or an inlined callee's)
        knows first: its stacks, and the names it assigns more than once."""
        self.tapes = self.find_tapes()
        stacks = {stack for stack, _ in self.tapes.values()}
        self.lists -= stacks
        self.reassigned_names = self.reassigned() if self.parsed.generated else set()
        self.mutable |= stacks | self.reassigned_names

    def reassigned(self):
        """The names generated code assigns more than once (`x_bar = ...`, then
        `x_bar += ...`): kept as one variable, overwritten, so that the derivative of
        the derivative reads `x_bar_dot` where the first reads `x_bar`, not a renamed
        copy of each assignment."""
        counts = {}
        for node in gast.walk(gast.Module(body=self.statements, type_ignores=[])):
            targets = node.targets if isinstance(node, gast.Assign) else \
                [node.target] if isinstance(node, gast.AugAssign) else []
            for target in targets:
                if isinstance(target, gast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
        return {word for word, count in counts.items() if count > 1}

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

    def find_tapes(self):
        """`{method name: (stack, "append" or "pop")}` for the stacks the generated
        function binds at its top (a derivative of a derivative has two: its own and the
        one of the code it differentiates); empty for a user's function."""
        found, stacks = {}, set()
        if not getattr(self.parsed, "generated", False):
            return found
        for statement in self.statements:
            if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], gast.Name)):
                continue
            value, target = statement.value, statement.targets[0].id
            if isinstance(value, gast.List) and not value.elts:
                stacks.add(target)
            elif isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) \
                    and value.value.id in stacks and value.attr in ("append", "pop"):
                found[target] = (value.value.id, value.attr)
        # a stack of adjoints, whose methods are called by attribute (`stack_bar.pop()`)
        for stack in stacks:
            uses = [n for n in gast.walk(self.parsed.node)
                    if isinstance(n, gast.Name) and n.id == stack]
            methods = [n for n in gast.walk(self.parsed.node) if isinstance(n, gast.Attribute)
                       and isinstance(n.value, gast.Name) and n.value.id == stack]
            if methods and all(m.attr in ("append", "pop") for m in methods) and \
                    len(uses) == len(methods) + 1:
                found.update({f"{stack}.{method}": (stack, method)
                              for method in ("append", "pop")})
        return found

    def stack_of(self, node, method):
        """The stack whose `method` the call `node` calls (`push(v)`, `pop()`), or None."""
        if not isinstance(node, gast.Call):
            return None
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            word = f"{func.value.id}.{func.attr}"
        elif isinstance(func, gast.Name):
            word = func.id
        else:
            return None
        stack, bound = self.tapes.get(word, (None, None))
        return stack if bound == method else None

    def method_word(self, node):
        """How a call of a stack's method names it: `pop`, or `stack_bar.pop`."""
        func = node.func
        return func.id if isinstance(func, gast.Name) else f"{func.value.id}.{func.attr}"

    def tape_assign(self, node):
        """Lower an assignment of the idiom (`stack = []`, `push = stack.append`,
        `x = pop()`, `y[i] = pop()`); False for any other."""
        if not self.tapes:
            return False
        target, value = node.targets[0], node.value
        stacks = {stack for stack, _ in self.tapes.values()}
        if isinstance(target, gast.Name) and target.id in stacks:
            methods = {bound: word for word, (stack, bound) in self.tapes.items()
                       if stack == target.id and "." not in word}
            prim = ir.Tape(methods.get("append"), methods.get("pop"))
            self.emit(ir.Var(target.id), prim, ())
            return True
        if isinstance(target, gast.Name) and target.id in self.tapes:
            return True   # the method bound to a name: the stack's primitives say it
        stack = self.stack_of(value, "pop")
        if stack is None:
            return False
        popped = (ir.Var(stack),)
        if isinstance(target, gast.Name):
            held = self.env.get(target.id)
            like = held.name if isinstance(held, ir.Var) else None
            if target.id in self.mutable:
                self.emit(ir.Var(target.id), ir.Pop(like), popped,
                          callee=self.method_word(value))
            else:
                self.env[target.id] = self.emit(self.new_var(target.id), ir.Pop(like), popped,
                                                callee=self.method_word(value))
            return True
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            base = self.env.get(target.value.id)
            index = self.index(target.slice)
            element = ir.Pop(base.name, index) if isinstance(base, ir.Var) else ir.Pop()
            self.set_item(node, target, self.emit(self.popped_var(), element, popped,
                                                  callee=self.method_word(value)), index)
            return True
        return False

    def tape_push(self, node):
        """Lower `push(v)`; False for any other expression statement."""
        stack = self.stack_of(node.value, "append")
        if stack is None:
            return False
        var = ir.Var(stack)
        self.emit(var, ir.PUSH, (var, self.expr(node.value.args[0])),
                  callee=self.method_word(node.value))
        return True

    def note_assigned(self, node):
        """Remember the variable an assignment of generated code sets: a value popped in
        its right-hand side (`s_bar += stack_bar.pop()`) has its kind."""
        target = node.targets[0] if isinstance(node, gast.Assign) else \
            node.target if isinstance(node, gast.AugAssign) else None
        self.assigning = target.id if isinstance(target, gast.Name) else None

    def popped_value(self, node):
        """`pop()` inside an expression: popped into a variable of its own, of the kind
        of the variable the statement assigns."""
        held = self.env.get(getattr(self, "assigning", None) or "")
        like = held.name if isinstance(held, ir.Var) else None
        return self.emit(self.popped_var(), ir.Pop(like), (ir.Var(self.stack_of(node, "pop")),),
                         callee=self.method_word(node))

    def popped_flags(self, test):
        """A test that pops saved branch directions (`if not pop():`), with each popped
        into a variable first, which the test then reads."""
        lowerer = self

        class Popped(gast.NodeTransformer):
            def visit_Call(self, node):
                stack = lowerer.stack_of(node, "pop")
                if stack is None:
                    return self.generic_visit(node)
                flag = lowerer.emit(lowerer.popped_var(), ir.Pop(flag=True), (ir.Var(stack),),
                                    callee=lowerer.method_word(node))
                lowerer.env[flag.name] = flag
                return gast.copy_location(gast.Name(id=flag.name, ctx=gast.Load(),
                                                    annotation=None, type_comment=None), node)
        return Popped().visit(copy.deepcopy(test))

    def popped_var(self):
        """A variable for a popped value no name holds: overwritten at each pop, like a
        user's variable, so that a backward sweep saves it rather than popping again."""
        var = ir.Var(self.namer.temp())
        self.mutable.add(var.name)
        return var
