"""The adjoints the backward sweep accumulates, and the statements that add to them.

An adjoint comes to life with its first contribution, assigned from it; later ones add to
it. Where the first contribution is a name, the adjoint is not copied but read from
there (`t3_bar = f_bar` is not written, `f_bar` is read instead) until something is added
to it; a contribution that is one number standing for a whole array keeps the adjoint
that number ("narrow") until something needs the array. Which of these each adjoint is
decides the statement the next contribution gets, so the state is kept here, beside the
code that writes those statements.
"""
import contextlib
import operator
from dataclasses import replace

import gast

from .. import ir, rules
from ..analysis import flow
from ..ir import kinds as K
from ..syntax import queries
from ..syntax.printer import assign, augment, name
from ..syntax.simplify import binop, number
from ..syntax.template import const, fill
from .lists import ListAdjoints
from .values import new_array


class Accumulator:
    """The adjoints of one specialisation's variables while the backward sweep is written.

    `state[var]` is absent (no adjoint yet), "alias" (the adjoint may share its value, so
    it is not updated in place) or "owned" (an array of its own); `current[var]` names the
    variable an adjoint lives in when that is not its own `var_bar`; `narrow` holds the
    array adjoints that are, for now, a number standing for itself broadcast. Statements
    go to the end of `statements`.
    """

    def __init__(self, spec, namer, printer, handles):
        function = spec.function
        self.namer = namer
        self.printer = printer
        self.handles = handles
        self.kinds = spec.kinds
        self.active = spec.active
        self.mutable = function.mutable
        self.state = {}
        self.current = {}
        self.narrow = set()
        self.statements = []
        # adjoints of mutable variables are assigned again later, so nothing may alias them
        self.reused = {namer.bar(v) for v in self.mutable & self.active}
        self.indexed = {s.target.name for s in ir.walk(function.body)
                        if isinstance(s, ir.SetItem)} | {
            s.args[0].name for s in ir.walk(function.body)
            if isinstance(s, ir.Op) and s.prim is operator.getitem
            and isinstance(s.args[0], ir.Var)}
        self.undefined = flow.maybe_undefined(function)
        self.defined = flow.defined_before(function)
        self.unbound = set()
        self.templates = _templates(function, self.kinds)
        self.lists = ListAdjoints(self)

    def bar(self, var):
        """The name the adjoint of `var` currently lives in: its own `var_bar`, or the
        adjoint it equals (`t3_bar = f_bar` is not emitted, `f_bar` is read instead)."""
        return self.current.get(var, self.namer.bar(var))

    @contextlib.contextmanager
    def apart(self):
        """Statements written inside go to a list of their own (yielded), for a block the
        caller places itself."""
        outer, self.statements = self.statements, []
        try:
            yield self.statements
        finally:
            self.statements = outer

    def forget(self, var):
        """The adjoint of `var` no longer exists (the value it belonged to is gone)."""
        self.state.pop(var, None)
        self.current.pop(var, None)

    def gradients(self, wrt, seeds, private):
        """Names of the adjoints of the parameters `wrt`, zero-initialising unreached ones.

        With `private`, an array adjoint that may share memory with another (or with the
        caller's cotangents `seeds`) is copied, so the caller may update each gradient in
        place."""
        names = []
        shared = set(seeds)
        self.widen(wrt)
        for param in wrt:
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

    def materialize(self, names, at=None):
        """Make each adjoint in `names` a variable of its own that may be added to, where
        the backward sweep meets the branch or loop `at` (zeros are made there)."""
        self.widen(names)
        for var in names:
            state = self.state.get(var)
            bar = self.namer.bar(var)
            scalar = self.kinds[var].is_scalar
            if self.kinds[var].tag == "list":
                self.lists.owned(var)
                continue
            if state is None:
                self.statements.append(assign(bar, self.zero(var, at)))
            elif state == "alias" and not scalar:
                self.statements.append(assign(bar, self.fill("np.copy(x)", x=self.bar(var))))
            elif var in self.current:
                self.statements.append(assign(bar, name(self.current[var])))
            self.state[var] = "owned"
            self.current.pop(var, None)

    def zero(self, var, at=None):
        """A zero adjoint for `var`: `0.0` for a number, else an array of its shape.

        An array that may not exist yet on this path (at the branch or loop `at`: one
        assigned before it on every path does) gets its zero from a parameter of its
        shape or from its known lengths; else the zero is `0.0` where it is still None
        (the forward sweep sets it to None first, `unbound`): then nothing that reads it
        runs later in the backward sweep. A bare `0.0` would stay a number when a number
        is added to it, and the adjoint of the operation that made the array indexes it."""
        kind = self.kinds[var]
        if kind.tag == "list":
            return self.lists.zero(var)
        if kind.is_scalar:
            return gast.Constant(value=0.0, kind=None)
        undefined = var in self.undefined and (at is None or var not in self.defined[id(at)])
        if undefined and kind.is_array:
            template, lengths = self.templates.get((kind.shape, kind.complex)), K.lengths(kind)
            if template is not None:
                return self.fill("np.zeros_like(x)", x=template)
            if lengths and all(type(n) is int for n in lengths):
                shape = const(lengths[0]) if len(lengths) == 1 else gast.Tuple(
                    elts=[const(n) for n in lengths], ctx=gast.Load())
                return self.fill("np.zeros(n, complex)" if kind.complex else "np.zeros(n)",
                                 n=shape)
            self.unbound.add(var)
            return self.fill("0.0 if x is None else np.zeros_like(x)", x=var)
        if undefined and var not in self.indexed:
            return gast.Constant(value=0.0, kind=None)
        if not kind.known:
            return self.fill("np.zeros(np.shape(x))", x=var)
        return self.fill("np.zeros_like(x)", x=var)

    def contribute(self, atom, contribution, out_kind):
        """Add one contribution to the adjoint of `atom` (if it is active)."""
        if not isinstance(atom, ir.Var) or atom.name not in self.active:
            return
        if self.kinds[atom.name].tag == "list":
            self.lists.contribute(atom.name, contribution)
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

    def matched(self, atom, contribution, complex_op):
        """A contribution of an operation on complex values (`complex_op`) to a real
        variable is its real part: the adjoint of `x` in `y = x * 1j` is `real(y_bar *
        1j)`, the derivative along the real axis, the only one `x` moves along."""
        if not complex_op or not isinstance(atom, ir.Var) or \
                self.kinds.get(atom.name, K.OTHER).complex or \
                self.kinds.get(atom.name, K.OTHER).tag == "list":
            return contribution
        return replace(contribution, value=self.fill("np.real(v)", v=contribution.value))

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
        arrays = {n for n in queries.loaded([contribution.value])
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
                and last.targets[0].id == bar) or bar in queries.loaded([value]):
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
        return name(self.templates.get((kind.shape, kind.complex), atom.name))

    def fill(self, text, **subs):
        return fill(text, **{**self.handles, **subs})




def _templates(function, kinds):
    """For each shape token and complex flag, the first array parameter or top-level slice
    of one that has them: always defined when the backward sweep runs, and cheap to keep (a
    view); an adjoint made like it has its dtype."""
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
            found.setdefault((kind.shape, kind.complex), candidate)
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


