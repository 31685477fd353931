"""The transformation, stage by stage, and the caches that make it run once per kind.

    parse -> fence -> lower to the Wengert list -> infer kinds -> activity analysis
          -> emit adjoint or tangent -> generate source -> compile

`front` does the kind-independent stages once per function; `derive` specialises for the
kinds of the arguments, the differentiated positions and the mode, cached per key.
"""
import contextlib
import gc
import linecache
import math
import operator
import re
import types
import weakref
from dataclasses import dataclass

import gast
import numpy as np

from . import (activity, cache, calls, fence, frontend, infer, inplace, ir, lower, rules,
               runtime, soundness, stamps, tape)
from . import kinds as K
from .adjoint import AdjointEmitter
from .compile import compile_function, copy_calling_itself
from .constants import floats, propagate
from .linear import fold_linear
from .errors import UnsupportedError
from .batching import batch_outer_products
from .peephole import (factor_scalars, factor_shared, fold_forward, fold_negations,
                       reuse_quotients, write_into)
from .naming import Namer, identifier
from .primal import PrimalPrinter
from .printer import Printer, assign, name, source, tuple_of
from .tangent import TangentEmitter
from .template import const


@dataclass
class Front:
    """The kind-independent result of the first stages for one function, and the stamp
    of what its names meant then (stamps.py)."""
    function: ir.Function
    namer: Namer
    modules: dict
    stamp: stamps.Stamp
    copy: object = None

    def itself(self, fn, name):
        """What the derivative calls for `fn`'s calls of itself by `name` when that name
        means a derivative of it now (`compile.copy_calling_itself`), made once."""
        if self.copy is None:
            self.copy = copy_calling_itself(fn, name)
        return self.copy


@dataclass
class Spec:
    """A function specialised for argument kinds and differentiated parameters."""
    function: ir.Function
    kinds: dict
    out_kind: K.Kind
    wrt: tuple
    active: set


@dataclass
class Derived:
    """A generated derivative: its source, the compiled function, its specialisation, and
    the derivatives of the user functions it calls."""
    source: str
    function: types.FunctionType
    spec: Spec
    callees: tuple = ()
    name: str = ""
    # each function it was built from, with its front then; and their stamps together
    built_from: tuple = ()
    stamp: stamps.Stamp = None

    def fresh(self):
        """Whether everything it was built from still holds: no function's code changed
        and no name it read means something else."""
        return self.stamp.holds() and all(cache.entry(fn).front is built
                                          for fn, built in self.built_from)

    @property
    def listing(self):
        """This source followed by each callee's, once each: everything it runs."""
        seen, parts = set(), []

        def visit(derived):
            if id(derived) not in seen:
                seen.add(id(derived))
                parts.append(derived.source)
                for callee in derived.callees:
                    visit(callee)
        visit(self)
        return "\n\n".join(parts)


_in_progress = []
_forgetful = weakref.WeakSet()


def on_forget(holder):
    """Call `holder.forgotten()` whenever `forget()` runs: derived functions keep their own
    keys and fast paths to generated code, which must not outlive a rule change."""
    _forgetful.add(holder)


def forget():
    """Drop every lowered function and generated derivative: the rule table changed."""
    with cache.LOCK:
        cache.forget_all()
        for holder in list(_forgetful):
            holder.forgotten()


def derivatives(fn):
    """The derivatives of `fn` built so far, by specialisation key."""
    return cache.entry(frontend.target(fn)).derived


def front(fn):
    """Parse, fence and lower `fn`: once, and again when what it was built from changed
    (then its derivatives go too)."""
    fn = frontend.target(fn)
    with cache.LOCK:
        entry = cache.entry(fn)
        if entry.front is None or not entry.front.stamp.holds():
            entry.front = None
            entry.derived.clear()
            entry.front = _lowered(fn)
        return entry.front


def _lowered(fn):
    parsed = frontend.parse(fn)
    fence.check(parsed)
    identifiers = lower.identifiers(parsed.node)
    namer = Namer(identifiers)
    scope = frontend.Scope(parsed.fn)
    function = lower.lower(parsed, namer, scope)
    modules = {}
    for word in sorted(identifiers - lower.assigned_names(parsed.node) - set(function.params)):
        found, value = scope.lookup(word, log=False)
        if found and isinstance(value, types.ModuleType):
            scope.lookup(word)  # generated code names the module by this word
            modules.setdefault(value, word)
    return Front(function, namer, modules, scope.stamp(_constants(function)))


def _constants(function):
    """The module-level names whose values rules read as constants (`axis=AXIS`): a
    derivative built with one value is wrong for another."""
    found = set()
    for op in function.ops():
        if isinstance(op, ir.Op) and getattr(rules.lookup(op.prim), "names", ()):
            atoms = op.args + tuple(value for _, value in op.kwargs)
            found |= {a.text for a in _atoms(atoms) if isinstance(a, ir.Global)}
    return found


def _atoms(item):
    if isinstance(item, tuple):
        return [a for part in item for a in _atoms(part)]
    return [item]


def _built_from(fn):
    """Each user function the derivative of `fn` was built from (`fn`, the functions it
    calls, theirs, ...) with its front."""
    found = {}

    def visit(f):
        if f in found:
            return
        found[f] = cache.entry(f).front
        for op in found[f].function.ops():
            if isinstance(op, ir.Op) and calls.is_user_function(op.prim):
                visit(op.prim)
    visit(fn)
    return tuple(found.items())


_depth = 0


@contextlib.contextmanager
def _building_once():
    """Hold the lock while derivatives are built, and pause the cycle collector for the
    outermost build: generating a derivative makes many small, short-lived objects
    (syntax nodes), which set off the collector; in a process holding a large heap (a
    deep-learning library imported) one full collection can cost more than the whole
    transformation."""
    global _depth
    with cache.LOCK:
        outermost = _depth == 0
        enabled = outermost and gc.isenabled()
        if enabled:
            gc.disable()
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if enabled:
                gc.enable()


@contextlib.contextmanager
def _transforming(fn):
    """Mark `fn` as being analysed, so that a call back into it is seen as recursion."""
    _in_progress.append(fn)
    try:
        yield
    finally:
        _in_progress.pop()


def _recursive(fn):
    """Whether a call to `fn` is a call back into the function being analysed: supported
    when it calls itself, an error for mutual recursion."""
    if fn not in _in_progress:
        return False
    if fn is not _in_progress[-1]:
        chain = " -> ".join(f.__name__ for f in _in_progress + [fn])
        raise UnsupportedError(f"mutual recursion ({chain}) is not supported; merge the "
                               "functions into one that calls itself.")
    return True


# Result kinds assumed for recursive calls while their function is being inferred.
_assumed = {}


def infer_kinds(fn, arg_kinds):
    """Kinds of `fn`'s variables; a recursive call's result kind is a fixed point."""
    function = front(fn).function
    key = (fn, K.canonical(arg_kinds))
    _assumed[key] = K.SCALAR if all(k.is_scalar for k in arg_kinds) else K.UNKNOWN
    try:
        with _transforming(fn):
            for _ in range(4):
                kinds = infer.infer(function, arg_kinds, _callee_kind)
                result = infer.kind_of(function.result, kinds)
                if result == _assumed[key]:
                    break
                _assumed[key] = K.join(_assumed[key], result, function.name)
    finally:
        del _assumed[key]
    if _calls_itself(function.body, fn):
        raise UnsupportedError(f"`{function.name}` calls itself on every path (unbounded "
                               "recursion), so it never returns; return without the call "
                               "when the argument is small (a base case).", function.filename,
                               _calls_itself(function.body, fn))
    return function, kinds


def _calls_itself(block, fn):
    """The line of a call to `fn` in `block` outside any branch or loop (a loop may run
    zero times), or None."""
    for statement in block:
        if isinstance(statement, ir.Op) and statement.prim is fn:
            return statement.line
    return None


def _callee_kind(fn, arg_kinds):
    key = (fn, K.canonical(arg_kinds))
    if key in _assumed:
        return _assumed[key]
    if _recursive(fn) and len(_in_progress) > 30:
        raise UnsupportedError(f"`{fn.__name__}` calls itself with arguments whose kinds keep "
                               "changing; keep them the same kinds as the outer call's.")
    function, kinds = infer_kinds(fn, K.canonical(arg_kinds))
    return _in_caller(infer.kind_of(function.result, kinds), arg_kinds)


def _in_caller(kind, arg_kinds):
    """A callee's result kind with its shape token in the caller's terms: the callee
    numbers tokens from its own arguments, so its first argument's token must not be
    mistaken for the caller's first argument's."""
    if not kind.is_array:
        return kind
    pairs = [(ours, theirs) for ours, theirs in zip(K.canonical(arg_kinds), arg_kinds)
             if theirs.is_array]
    tokens = {ours.shape: theirs.shape for ours, theirs in pairs}
    if kind.shape in tokens:
        return K.Kind("array", kind.ndim, tokens[kind.shape])
    symbols = {1: 1}
    for ours, theirs in pairs:
        if K.lengths(ours) is not None and K.lengths(theirs) is not None:
            symbols.update(zip(K.lengths(ours), K.lengths(theirs)))
    found = K.lengths(kind)
    if found is not None and all(n in symbols for n in found):
        return K.Kind("array", kind.ndim, K.dims(symbols[n] for n in found))
    return K.array(kind.ndim)


def specialise(fn, arg_kinds, positions):
    """The `Spec` of `fn` for argument kinds and differentiated parameter positions."""
    function, kinds = infer_kinds(fn, arg_kinds)
    _check_views(function, kinds)
    wrt = tuple(function.params[i] for i in positions)

    def callee_varies(op, varied_positions):
        if _recursive(op.prim):
            return True
        callee = specialise(op.prim, _call_kinds(op, kinds), varied_positions)
        return isinstance(callee.function.result, ir.Var) and \
            callee.function.result.name in callee.active

    with _transforming(fn):
        varied, active = activity.analyse(function, wrt, callee_varies)
    soundness.check(function, kinds, varied)
    out_kind = infer.kind_of(function.result, kinds)
    return Spec(function, kinds, out_kind, wrt, active)


def _check_views(function, kinds):
    """Reject reading a NumPy view of an array after an element write to that array (the
    view sees the write, which the derivative would not know about), and an in-place `+=`
    on an array another variable also names."""
    for var, line, user_name in function.inplace:
        if kinds[var].is_array:
            raise UnsupportedError(
                f"`{user_name} += ...` (or another augmented assignment) updates an array in "
                f"place that another variable, a view or the caller also holds, so it would "
                f"change too; write "
                f"`{user_name} = {user_name} + ...` or copy the other one (`.copy()`)",
                function.filename, line)
    order = list(ir.statements(function.body))
    written = {s.target.name for s in order if isinstance(s, ir.SetItem)}
    for position, op in enumerate(order):
        base = _viewed(op, written, kinds)
        if base is None:
            continue
        view = op.target.name
        for loop in order:
            if isinstance(loop, (ir.For, ir.While)) and \
                    any(isinstance(s, ir.SetItem) and s.target.name == base
                        for s in ir.statements(loop.body)) and \
                    not any(s is op for s in ir.statements(loop.body)):
                for later in ir.statements(loop.body):
                    if view in ir.reads(later):
                        raise UnsupportedError(
                            f"{_view_of(function, op, base)} shares memory with `{base}` (a NumPy "
                            f"view) and is used in a loop that writes into `{base}`; write "
                            f"`.copy()` where you take it (`{base}[...].copy()`)",
                            function.filename, _line(later, op))
        write = None
        for later in order[position + 1:]:
            if isinstance(later, ir.SetItem) and later.target.name == base:
                write = write or later
            elif write and view in ir.reads(later):
                raise UnsupportedError(
                    f"{_view_of(function, op, base)} shares memory with `{base}` (a NumPy "
                    f"view) and is used after line {write.line} writes into `{base}`; write `.copy()` "
                    f"where you take it (`{base}[...].copy()`) or use it before the write",
                    function.filename, _line(later, op))
        if write and function.result == ir.Var(view):
            raise UnsupportedError(
                f"the returned part or view of `{base}` shares its memory (a NumPy view), "
                f"which line {write.line} writes into; return a copy (`.copy()`)",
                function.filename, op.line)


def _view_of(function, op, base):
    """What a message calls the view `op` takes of `base`, with the user's line."""
    kind = "part" if op.prim is operator.getitem else "view"
    text = linecache.getline(function.filename, op.line).strip()
    return f"a {kind} of `{base}` taken on line {op.line}" + (f" (`{text}`)" if text else "")


def _viewed(op, written, kinds):
    """The array written element by element that `op`'s result may share memory with."""
    if not isinstance(op, ir.Op) or kinds[op.target.name].is_scalar:
        return None
    if rules.may_view(op, kinds):
        candidates = op.args[:1]
    elif calls.is_user_function(op.prim):
        candidates = op.args
    else:
        return None
    for atom in candidates:
        if isinstance(atom, ir.Var) and atom.name in written:
            return atom.name
    return None


def _line(statement, default):
    return getattr(statement, "line", 0) or default.line


def _call_kinds(op, kinds):
    return K.canonical(tuple(infer.kind_of(a, kinds) for a in calls.bound_arguments(op)))


MODES = {"reverse": ("adjoint", "vjp"), "gradient": ("gradient", "vjp"),
         "forward": ("tangent", "jvp"), "vector": ("tangents", "jvps")}


def derive(fn, arg_kinds, positions, mode="reverse", top=True, float64=False):
    """The generated derivative of `fn` for these kinds and positions (cached): the
    adjoint ("reverse"), the adjoint that returns the gradients alone ("gradient": the
    primal statements only the value needed are left out), the tangent ("forward") or the
    tangent in several directions at once ("vector"). `float64`: every floating-point
    argument is float64 (`inplace` may then compute array statements in place).

    While a recursive function's derivative is being built, a call back into it gets a
    `Pending` one: its name and the cell the compiled function will be put in."""
    if mode == "gradient" and not top:
        mode = "reverse"
    float64 = float64 and mode in ("reverse", "gradient")
    key = (K.canonical(arg_kinds), tuple(positions), mode, top, float64)
    with _building_once():
        front(fn)
        derived = cache.entry(fn).derived
        if key in derived and not derived[key].fresh():
            del derived[key]
        if key not in derived:
            if (fn, key) in _building:
                return _building[(fn, key)]
            spec = specialise(fn, arg_kinds, positions)
            pending = Pending(_variant_name(fn, derived, top, mode), types.CellType())
            _building[(fn, key)] = pending
            builder = _AdjointBuilder if mode in ("reverse", "gradient") else _TangentBuilder
            try:
                building = builder(fn, spec, top, pending.name, mode)
                building.float64 = float64
                made = building.build()
            finally:
                del _building[(fn, key)]
            made.built_from = _built_from(fn)
            made.stamp = stamps.Stamp(check for _, built in made.built_from
                                      for check in built.stamp.checks)
            pending.cell.cell_contents = made.function
            derived[key] = made
        return derived[key]


@dataclass
class Pending:
    """An adjoint still being generated, called from its own recursion."""
    name: str
    cell: object


_building = {}


def _variant_name(fn, cache, top, mode):
    """`f_adjoint` (`f_tangent`, `f_tangents`) for the top-level derivative; `f_vjp`,
    `f_vjp2`, ... (`f_jvp`, `f_jvps`) for the variants called from other generated code,
    one per kinds and differentiated positions."""
    whole, called = MODES[mode]
    base = identifier(fn.__name__)
    if top:
        return f"{base}_{whole}"
    count = 1 + sum(1 for key in cache if not key[3] and key[2] == mode) + sum(
        1 for (other, key) in _building if other is fn and not key[3] and key[2] == mode)
    return f"{base}_{called}" + (str(count) if count > 1 else "")


def wengert_source(fn):
    """The Wengert list of `fn` as readable Python."""
    function = front(fn).function
    printer = Printer()
    lines = [f"def {function.name}({', '.join(function.params)}):"]
    lines += _indented(PrimalPrinter(function, printer).block(function.body))
    lines.append("    return " + source(printer.atom(function.result)))
    return "\n".join(lines) + "\n"


def _indented(statements):
    return ["    " + line for s in statements for line in source(s).split("\n")]


_HELPERS = [("np", np), ("math", math)] + sorted(runtime.HELPERS.items())


class _Builder:
    """What building any derivative function needs: names for modules and helpers, the
    objects the generated code reaches as closure cells, and the derivatives of the user
    functions it calls."""
    float64 = False

    def __init__(self, fn, spec, top, def_name, mode):
        self.fn = fn
        self.spec = spec
        self.top = top
        self.mode = mode
        base = front(fn)
        self.namer = base.namer.copy()
        self.bindings = {}
        self.handles = {}
        for key, obj in _HELPERS:
            identifier = base.modules.get(obj) or self.namer.fresh(key)
            self.handles[key] = identifier
            if identifier not in base.modules.values():
                self.bindings[identifier] = obj
        for role in ("stack", "push", "pop"):
            self.handles[role] = self.namer.fresh(role)
        self.def_name = def_name
        self.namer.reserve(self.def_name)
        self.printer = Printer(self.bind)
        self.callees = {}
        self.derived_callees = []
        for op in spec.function.ops():
            if isinstance(op, ir.Op) and calls.is_user_function(op.prim) \
                    and op.callee.isidentifier():
                # the function it was built from, whatever the name means by now
                self.bindings[op.callee] = op.prim
                if op.prim is fn and spec.function.rebound:
                    self.bindings[op.callee] = base.itself(fn, op.callee)

    def bind(self, value, hint="const"):
        for word, bound in self.bindings.items():
            if bound is value:
                return word
        word = self.namer.fresh(hint)
        self.bindings[word] = value
        return word

    def callee(self, op, arguments, positions):
        """The name of the generated derivative (same mode) of the user function `op`
        calls, for the kinds of `arguments` and the differentiated `positions`."""
        kinds = tuple(infer.kind_of(a, self.spec.kinds) for a in arguments)
        derived = derive(op.prim, kinds, positions, self.mode, top=False)
        if isinstance(derived, Pending):
            if derived.name == self.def_name:
                return self.def_name
            key, name, value = id(derived), derived.name, derived.cell
        else:
            key, name, value = id(derived), derived.name, derived.function
        if key not in self.callees:
            identifier = self.namer.fresh(name)
            self.bindings[identifier] = value
            self.callees[key] = identifier
            if not isinstance(derived, Pending):
                self.derived_callees.append(derived)
        return self.callees[key]

    def finish(self, lines):
        """Compile the generated lines into a `Derived`."""
        text = "\n".join(lines) + "\n"
        used = _identifiers(text)
        bindings = {k: v for k, v in self.bindings.items() if k in used}
        compiled = compile_function(text, self.fn, bindings, self.def_name)
        return Derived(text, compiled, self.spec, tuple(self.derived_callees), self.def_name)


class _TangentBuilder(_Builder):
    """Puts the tangent function together: primal and tangent statements interleaved,
    returning the value and its tangent."""

    def build(self):
        function = self.spec.function
        emitter = TangentEmitter(self.spec, self.namer, self.printer, self.handles,
                                 self.callee, vector=self.mode == "vector", top=self.top)
        seeds = emitter.seeds()
        body, returned = emitter.emit()
        lines = [f"def {self.def_name}({', '.join(function.params + tuple(seeds))}):"]
        statements = _indented(body)
        text = "\n".join(statements + [source(returned)])
        if emitter.directions and re.search(rf"\b{emitter.directions}\b", text):
            first = seeds[0]
            lines.append(f"    {emitter.directions} = len({first})")
        lines += statements
        lines.append("    return " + _listing(returned))
        return self.finish(lines)


class _AdjointBuilder(_Builder):
    """Puts the forward sweep, backward sweep and return together and compiles them."""

    def _checked(self):
        """The parameters that hold floating-point values: the differentiated ones of a
        function the API calls, which refuses integer and boolean arrays there."""
        return self.spec.wrt if self.top else ()

    def emitter(self, pushed):
        return AdjointEmitter(self.spec, self.namer, self.printer, self.handles,
                              self.callee, pushed, lean=self.mode == "gradient")

    def build(self):
        function = self.spec.function
        pushed = frozenset()
        emitter = None
        if function.mutable:
            names = self.namer.copy()
            while True:
                self.namer = names.copy()
                trial = self.emitter(pushed)
                statements = trial.backward()
                planned = tape.plan(function, trial.records, trial.controls)
                if planned <= pushed:
                    # emitted with what it saves: the last trial is the adjoint
                    emitter, backward = trial, statements
                    break
                pushed = pushed | planned
        if emitter is None:
            emitter = self.emitter(pushed)
            backward = emitter.backward()
        seed = emitter.seed_name()
        gradients = [name(g) for g in emitter.gradients(private=self.top)]
        grads = gradients[0] if len(gradients) == 1 else tuple_of(gradients)
        result = self.printer.atom(function.result)
        kept = []
        if self.top and self.mode == "reverse" and isinstance(function.result, ir.Var) \
                and function.result.name in _stored_names(backward):
            value = self.namer.fresh(function.name)
            copy = "x" if self.spec.out_kind.is_scalar else "np.copy(x)"
            kept = [gast.Assign(targets=[gast.Name(id=value, ctx=gast.Store(), annotation=None,
                                                   type_comment=None)],
                                value=emitter.fill(copy, x=function.result.name),
                                type_comment=None)]
            result = name(value)
        returned = tuple_of([result, grads]) if self.top and self.mode == "reverse" \
            else grads
        kinds, bar = self.spec.kinds, self.namer.bar
        arrays = {bar(v) for v, k in kinds.items() if k.is_array}
        number_bars = {bar(v) for v, k in kinds.items() if k.is_scalar}
        numbers = self._numbers() | number_bars
        if self.spec.out_kind.is_scalar:
            numbers.add(seed)
        fixed_seed = self.mode == "gradient" and self.spec.out_kind.is_scalar
        if fixed_seed:
            backward = propagate([assign(seed, const(1.0))] + backward,
                                 lambda x: emitter.fill("np.copy(x)", x=x),
                                 kept + [returned], numbers, floats(function, self._checked()))
        unbroadcast = self.handles["unbroadcast"]
        backward = fold_negations(backward, arrays, kept + [returned], linear={unbroadcast},
                                  pure=self._pure() | {unbroadcast}, numbers=numbers)
        backward = factor_shared(backward, arrays, self._pure() | {unbroadcast})
        backward = write_into(backward, arrays, self.handles["np"],
                              self._pure() | {unbroadcast}, kept + [returned])
        backward = reuse_quotients(backward, number_bars)
        backward = factor_scalars(backward, number_bars)
        backward = fold_linear(backward, numbers, kept + [returned])
        vectors = {v for v, k in kinds.items() if k.is_array and k.ndim == 1}
        backward = batch_outer_products(backward, vectors | {bar(v) for v in vectors},
                                        self.handles["np"], self.namer.fresh)
        forward = self.forward(kept + backward + [returned], emitter, pushed) + kept
        if self.float64 and inplace.allowed(forward + backward, self.bindings, self.callees):
            shapes, bounds = inplace.shapes_of(kinds, bar)
            floating = floats(function, self._checked()) | {
                bar(v) for v, k in kinds.items() if k.is_array}
            backward = inplace.rewrite(backward, shapes, bounds, floating, numbers,
                                       self.handles["np"], [returned],
                                       {self.handles["sigmoid"]})
        params = function.params + (() if fixed_seed else (seed,))
        header = f"def {self.def_name}({', '.join(params)}"
        if self.top and self.spec.out_kind.is_scalar and not fixed_seed:
            header += "=1.0"
        lines = [header + "):"]
        body = _indented(forward)
        if backward:
            body.append("    # backward sweep")
            body += _indented(backward)
        lines += _tape(self.handles, "\n".join(body))
        lines += body
        lines.append("    return " + _listing(returned))
        return self.finish(lines)

    def forward(self, later, emitter, pushed):
        """Primal statements the backward sweep or the result read, in order."""
        needed = _exposed(later, set())
        # values saved once around a loop are copied by the forward sweep itself
        needed |= {key[2] for key in pushed if isinstance(key, tuple) and key[0] == "save"}
        printer = PrimalPrinter(self.spec.function, self.printer, self.spec.kinds, needed,
                                pushed, emitter.controls, emitter.fill, emitter.saves)
        statements = printer.undefined() + printer.block(self.spec.function.body)
        temps = {v for v, k in self.spec.kinds.items()
                 if k.tag in ("array", "shape", "int")} & self.namer.temps
        return fold_forward(statements, self._numbers(), needed,
                            pure=self._pure() | {self.handles["push"]}, arrays=temps)

    def _numbers(self):
        """The variables that hold numbers."""
        return {v for v, k in self.spec.kinds.items() if k.is_scalar}

    def _pure(self):
        """Calls an expression may make and still be moved to where it is read."""
        modules = (self.handles["np"], self.handles["math"])
        return {f"{module}.{f}" for module in modules for f in _PURE}


_PURE = ("exp", "log", "sin", "cos", "tanh", "sqrt", "sum", "outer", "copy", "where",
         "logaddexp", "maximum", "minimum", "abs", "square", "log1p", "expm1", "dot",
         "matmul", "mean", "transpose", "reshape", "zeros", "ones", "zeros_like",
         "ones_like", "full", "full_like", "empty", "empty_like")


def _exposed(statements, assigned):
    """Names `statements` read before assigning them (`assigned` already holds values):
    a temporary the backward sweep recomputes in a loop body before reading it need not
    be kept by the forward sweep. A loop or branch body may not run, so what it assigns
    counts only inside it."""
    found = set()
    for statement in statements:
        if isinstance(statement, (gast.For, gast.While, gast.If)):
            head = statement.iter if isinstance(statement, gast.For) else statement.test
            found |= _names(head) - assigned
            inner = assigned | (_names(statement.target)
                                if isinstance(statement, gast.For) else set())
            found |= _exposed(statement.body, set(inner))
            found |= _exposed(statement.orelse, set(assigned))
            continue
        if isinstance(statement, (gast.Assign, gast.AugAssign)):
            value = statement.value
            targets = statement.targets if isinstance(statement, gast.Assign) \
                else [statement.target]
            found |= _names(value) - assigned
            for target in targets:
                if isinstance(target, (gast.Name, gast.Tuple)) and \
                        not isinstance(statement, gast.AugAssign):
                    assigned |= _names(target)
                else:
                    found |= _names(target) - assigned
            continue
        found |= _names(statement) - assigned
    return found


def _names(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}


def _tape(handles, body):
    """The stack and its two methods bound to local names, where the body uses them: a
    loop that pushes or pops once per trip then makes no attribute lookup."""
    stack, push, pop = (handles[role] for role in ("stack", "push", "pop"))
    uses = {role: re.search(rf"(?<![\w.]){handles[role]}\b", body)
            for role in ("push", "pop")}
    if not any(uses.values()):
        return []
    lines = [f"    {stack} = []"]
    lines += [f"    {handles[role]} = {stack}.{method}"
              for role, method in (("push", "append"), ("pop", "pop")) if uses[role]]
    return lines


def _listing(node):
    """`a, b` for a tuple (no parentheses around a returned tuple), else the expression."""
    if isinstance(node, gast.Tuple):
        return ", ".join(source(elt) for elt in node.elts)
    return source(node)


def _stored_names(statements):
    """Names the statements assign, by name or element (`y[i] = ...` assigns `y`)."""
    found = set()
    for node in (n for s in statements for n in gast.walk(s)):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            found.add(node.id)
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                and isinstance(node.value, gast.Name):
            found.add(node.value.id)
    return found


def _identifiers(text):
    """Every word of `text` that could be a name: more than the names it reads (attributes
    too), which is harmless to the bindings they select and needs no parse."""
    return set(re.findall(r"[A-Za-z_]\w*", text))
