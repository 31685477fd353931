"""The adjoint of a generated derivative's stack, when that derivative is differentiated
in reverse mode (`grad(grad(f))`, a gradient-norm penalty).

The forward sweep runs the derivative whole: its pushes, then its pops. The backward
sweep undoes them in reverse, so it meets each pop before the push that put the value
there, and the adjoints travel on a stack of their own, `stack_bar`: undoing
`x = pop()` appends `x_bar` (zeros for a value without an adjoint), undoing `push(v)`
pops it into `v_bar`. Only numbers and arrays have adjoints; flags and trip counts on
the stack have none, on both sides alike, so the two always pair up.
"""
import gast

from .. import ir
from ..analysis.infer import kind_of
from ..rules.tapes import differentiable
from ..syntax.printer import assign, name
from .. import rules


class TapeAdjoints:
    """Writes the backward code of pushes and pops for an `AdjointEmitter`."""

    def __init__(self, emitter):
        self.emitter = emitter
        self.adjoints = emitter.adjoints
        self.kinds = emitter.kinds
        self.active = emitter.active

    def stacks(self):
        """`stack_bar = []` for each stack that carries adjoints, at the backward sweep's
        start."""
        function = self.emitter.spec.function
        return [assign(self.adjoints.namer.bar(op.target.name), gast.List(elts=[],
                                                                        ctx=gast.Load()))
                for op in function.ops() if isinstance(op, ir.Op) and
                isinstance(op.prim, ir.Tape) and op.target.name in self.active]

    def backward(self, op):
        stack = op.args[0].name
        adjoints = self.adjoints
        bar = adjoints.namer.bar(stack)
        if op.prim is ir.PUSH:
            value = op.args[1]
            if stack not in self.active or not differentiable(kind_of(value, self.kinds)):
                return
            popped = adjoints.fill("s.pop()", s=bar)
            if isinstance(value, ir.Var) and value.name in self.active:
                adjoints.contribute(value, rules.Add(popped), None)
            else:
                adjoints.statements.append(gast.Expr(value=popped))
            return
        target = op.target.name
        if stack in self.active and differentiable(self.kinds[target]):
            adjoints.statements.append(gast.Expr(value=adjoints.fill(
                "s.append(g)", s=bar, g=self.adjoint_of(target))))
        if target in self.active:
            adjoints.forget(target)

    def adjoint_of(self, var):
        """The adjoint of `var` as a value of its own, or a zero of its shape."""
        adjoints = self.adjoints
        if var not in self.active or var not in adjoints.state:
            kind = self.kinds[var]
            if kind.is_scalar:
                return gast.Constant(value=0.0, kind=None)
            return adjoints.fill("np.zeros(np.shape(x))" if not kind.known
                                 else "np.zeros_like(x)", x=var)
        adjoints.widen([var])
        value = name(adjoints.bar(var))
        if not self.kinds[var].is_scalar and (adjoints.state.get(var) != "owned"
                                              or var in adjoints.current):
            value = adjoints.fill("np.copy(x)", x=value)
        return value
