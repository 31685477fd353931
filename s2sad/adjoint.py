"""Emit the adjoint (reverse mode) of a Wengert list as a list of gast statements.

The forward sweep is the primal list, cut down to what the result and the backward sweep
read. The backward sweep walks the list in reverse and applies the incremental adjoint
recursion `v_bar += g * dphi/dv`: the first contribution to an adjoint assigns it, later
ones add to it, so no adjoint is zero-filled unless an indexed write needs a buffer.
"""
import gast

from . import calls, ir, rules
from .infer import consts, kind_of
from .printer import assign, augment, name, tuple_of
from .simplify import binop
from .template import fill

# NumPy functions whose result may share memory with an argument: their result is not an
# array the adjoint may update in place.
_VIEWS = {"expand_dims", "broadcast_to", "reshape", "transpose", "squeeze", "swapaxes",
          "ravel", "asarray"}


class AdjointEmitter:
    """Builds the backward sweep of one specialisation.

    `spec` carries the Wengert list, kinds and active set; `handles` gives the names the
    generated code uses for modules and helpers; `callee_adjoint(op, positions)` returns
    the name of a user function's own generated adjoint.
    """

    def __init__(self, spec, namer, printer, handles, callee_adjoint):
        self.spec = spec
        self.namer = namer
        self.printer = printer
        self.handles = handles
        self.callee_adjoint = callee_adjoint
        self.kinds = spec.kinds
        self.active = spec.active
        self.state = {}
        self.current = {}
        self.statements = []

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
        for op in reversed(self.spec.function.body):
            if op.target.name in self.active:
                if calls.is_user_function(op.prim):
                    self.call_adjoint(op)
                else:
                    self.rule_adjoint(op)
        return self.statements

    def gradients(self, private=True):
        """Names of the adjoints of the wrt parameters, zero-initialising unreached ones.

        With `private`, an array adjoint that may share memory with another (or with the
        caller's cotangent) is copied, so the caller may update each gradient in place."""
        names = []
        shared = {self.seed_name()}
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

    # contributions

    def rule_adjoint(self, op):
        rule = rules.lookup(op.prim)
        arg_kinds = [kind_of(a, self.kinds) for a in op.args]
        out_kind = self.kinds[op.target.name]
        lib = rule.lib if isinstance(rule, rules.Elementwise) else None
        if lib is None:
            lib = "math" if all(k.is_scalar for k in arg_kinds) else "np"
        site = rules.Site(
            args=[self.printer.atom(a) for a in op.args], kinds=arg_kinds,
            out=name(op.target.name), out_kind=out_kind, g=name(self.bar(op.target.name)),
            lib=self.handles[lib], handles=self.handles,
            active=[isinstance(a, ir.Var) and a.name in self.active for a in op.args],
            consts=consts(op, rule, self.kinds))
        for position, contribution in rule.adjoint(site).items():
            self.contribute(op.args[position], contribution, out_kind)

    def call_adjoint(self, op):
        arguments = calls.bound_arguments(op)
        positions = tuple(i for i, a in enumerate(arguments)
                          if isinstance(a, ir.Var) and a.name in self.active)
        callee = self.callee_adjoint(op, arguments, positions)
        call = gast.Call(func=name(callee),
                         args=[self.printer.atom(a) for a in arguments]
                         + [name(self.bar(op.target.name))], keywords=[])
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
            value = self.reduce(value, atom, kind)
        bar = self.namer.bar(atom.name)
        state = self.state.get(atom.name)
        if state is None and isinstance(value, gast.Name):
            self.current[atom.name] = value.id
            self.state[atom.name] = "alias"
        elif state is None:
            self.statements.append(assign(bar, value))
            self.state[atom.name] = "owned" if _fresh(value, self.handles) else "alias"
        elif (kind.is_scalar or state == "owned") and atom.name not in self.current:
            self.statements.append(augment(bar, value))
        else:
            total = binop(name(self.bar(atom.name)), gast.Add(), value)
            self.statements.append(assign(bar, total))
            self.current.pop(atom.name, None)
            self.state[atom.name] = "owned"

    def scatter(self, atom, contribution):
        bar = self.namer.bar(atom.name)
        state = self.state.get(atom.name)
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

    def reduce(self, value, atom, kind):
        """Sum a result-shaped contribution back to the shape of operand `atom`."""
        if kind.is_scalar:
            return self.fill("np.sum(v)", v=value)
        return self.fill("unbroadcast(v, x)", v=value, x=atom.name)

    def fill(self, text, **subs):
        return fill(text, **{**self.handles, **subs})


def _fresh(value, handles):
    """Whether `value` is certainly a new array the adjoint may update in place."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, gast.Call):
        func = value.func
        if isinstance(func, gast.Name):
            return func.id != handles["unbroadcast"] and func.id in handles.values()
        return isinstance(func, gast.Attribute) and func.attr not in _VIEWS
    return False
