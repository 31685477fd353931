"""Assembly of a derivative function: header, forward sweep, backward sweep, return.

What comes in is a `Spec` (analysis/specialise.py); the emitters produce the statements,
the optimization passes rewrite them, and what goes out is a `Derived`: the source and the
compiled function with the derivatives of the user functions it calls.
"""
import math
import re
import types
from dataclasses import dataclass, field

import gast
import numpy as np

from .. import cache, ir, runtime, runtime_dask
from ..analysis import infer, tape
from ..analysis.specialise import Spec
from ..frontend import calls, stamps
from ..frontend.front import front
from ..optimize import inplace, negations, passes, unread
from ..optimize.constants import floats
from ..optimize.forward_folding import fold_forward
from ..optimize.inplace import shapes_of
from ..syntax import queries
from ..syntax.compile import compile_function
from ..syntax.lines import Lines, commented, users_line
from ..syntax.printer import Printer, name, source, tuple_of
from .adjoint import AdjointEmitter, backward_sweep
from .checkpoints import Checkpointing
from .primal import PrimalEmitter
from .tangent import TangentEmitter


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
    # the derivative whose generated code this one differentiates (higher order)
    within: object = None
    # the user's (file, line) of each generated line (None where none), and the number of
    # the line that begins the backward sweep (None: no backward sweep)
    lines: tuple = ()
    backward_from: int = None
    # whether running it may call NumPy (and so give its floating-point warnings)
    calls_numpy: bool = True
    # its compiled forms by backend ("numba": backend/compile.py), made on first use
    backends: dict = field(default_factory=dict)

    def fresh(self):
        """Whether everything it was built from still holds: no function's code changed
        and no name it read means something else."""
        return self.stamp.holds() and all(
            cache.front_of(cache.entry(fn), layouts) is built
            for fn, built, layouts in self.built_from) and (
            self.within is None or self.within.fresh())

    @property
    def listing(self):
        """This source followed by each callee's, once each: everything it runs."""
        return "\n\n".join(derived.source for derived in self.everything())

    def listed_with_lines(self, name):
        """`listing` with the user's line of each generated statement as a trailing
        comment (`# model.py:12`); `name(file)` says how a file is shown."""
        return "\n\n".join(commented(derived.source, derived.lines, name)
                           for derived in self.everything())

    def everything(self):
        """This derivative and each callee's, once each, in the order `listing` shows."""
        seen, found = set(), []

        def visit(derived):
            if id(derived) not in seen:
                seen.add(id(derived))
                found.append(derived)
                for callee in derived.callees:
                    visit(callee)
        visit(self)
        return found


@dataclass
class Pending:
    """An adjoint still being generated, called from its own recursion."""
    name: str
    cell: object


_HELPERS = [("np", np), ("math", math)] + sorted(runtime.HELPERS.items())


class _Builder:
    """What building any derivative function needs: names for modules and helpers, the
    objects the generated code reaches as closure cells, and the derivatives of the user
    functions it calls."""
    float64 = False
    lazy = False   # for Dask arguments: the helpers' Dask forms (runtime_dask.py)

    def __init__(self, fn, spec, top, def_name, mode, derive, layouts=None):
        self.fn = fn
        self.derive = derive
        self.spec = spec
        self.top = top
        self.mode = mode
        base = front(fn, layouts)
        self.modules = {**base.modules, **(spec.modules or {})}
        self.namer = (spec.namer or base.namer).copy()
        self.bindings = {}
        self.handles = {}
        for key, obj in _HELPERS:
            identifier = self.modules.get(obj) or self.namer.fresh(key)
            self.handles[key] = identifier
            if identifier not in base.modules.values():
                self.bindings[identifier] = obj
        for obj, word in base.modules.items():
            if any(obj is helper for helper in runtime.BOUND_ON_USE.values()):
                self.bindings[word] = obj  # a helper the function reads by this name
        for role in ("stack", "push", "pop"):
            self.handles[role] = self.namer.fresh(role)
        self.def_name = def_name
        self.namer.reserve(self.def_name)
        self.bindings.update(spec.function.bindings)
        self.printer = Printer(self.bind)
        self.callees = {}
        self.derived_callees = []
        for op in spec.function.ops():
            if isinstance(op, ir.Op) and calls.is_called(op.prim) \
                    and op.callee.isidentifier():
                # the function it was built from, whatever the name means by now
                self.bindings[op.callee] = op.prim
                if op.prim is fn and spec.function.rebound:
                    self.bindings[op.callee] = base.itself(fn, op.callee)

    def bind(self, value, hint="const"):
        for word, bound in self.bindings.items():
            if bound is value:
                return word
        if isinstance(value, types.ModuleType):
            spelled = self.module_name(value)
            if spelled is not None:
                return spelled
        word = self.namer.fresh(hint)
        self.bindings[word] = value
        return word

    def module_name(self, module):
        """How the function itself reads `module`: its own name for it (`sp` after `from
        scipy import special as sp`), or the dotted path from a package it reads
        (`scipy.special` after `import scipy.special`); None if it reads neither."""
        if module in self.modules:
            return self.modules[module]
        package, _, rest = module.__name__.partition(".")
        for value, word in self.modules.items():
            if getattr(value, "__name__", None) == package and rest:
                return f"{word}.{rest}"
        return None

    def callee(self, op, arguments, positions):
        """The name of the generated derivative (same mode) of the user function `op`
        calls, for the kinds of `arguments` and the differentiated `positions`."""
        kinds = tuple(infer.kind_of(a, self.spec.kinds) for a in arguments)
        derived = self.derive(op.prim, kinds, positions, self.mode, top=False, lazy=self.lazy)
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

    def _numbers(self):
        """The variables that hold numbers."""
        return {v for v, k in self.spec.kinds.items() if k.is_scalar}

    def _pure(self):
        """Calls an expression may make and still be moved to where it is read."""
        modules = (self.handles["np"], self.handles["math"])
        return {f"{module}.{f}" for module in modules for f in _PURE} | _PURE_BUILTINS

    def _array_temps(self):
        """The temporaries that hold arrays, shapes or integers: written back into their
        reader anywhere, not only in loops (see `fold_forward`)."""
        return {v for v, k in self.spec.kinds.items()
                if k.tag in ("array", "shape", "int")} & self.namer.temps

    def finish(self, lines, backward_from=None):
        """Compile the generated `Lines` into a `Derived`."""
        if self.lazy:
            lines.texts = [self._lazy_calls(text) for text in lines.texts]
        text = "\n".join(lines.texts) + "\n"
        used = _identifiers(text)
        bindings = {k: runtime_dask.FORMS.get(v, v) if self.lazy else v
                    for k, v in self.bindings.items() if k in used}
        where = tuple(users_line(line, self.spec.function.filename) if line else None
                      for line in lines.lines)
        sweeps = self.def_name, backward_from
        compiled = compile_function(text, self.fn, bindings, self.def_name, where, sweeps)
        return Derived(text, compiled, self.spec, tuple(self.derived_callees), self.def_name,
                       lines=where, backward_from=backward_from,
                       calls_numpy=self._calls_numpy(used))

    def _lazy_calls(self, text):
        """A line of a derivative for Dask arguments, with the NumPy calls Dask cannot run
        lazily (`np.add.at`, `np.copy`) written as calls of their Dask forms."""
        for call, form in runtime_dask.CALLS.items():
            pattern = rf"(?<![\w.]){re.escape(self.handles['np'] + '.' + call)}\("
            if re.search(pattern, text):
                word = self.bind(form, form.__name__)
                text = re.sub(pattern, word + "(", text)
        return text

    def _calls_numpy(self, used):
        """Whether the code may call NumPy: it holds a value that is not a number (an
        array), reads a module of NumPy's or SciPy's (`used`: its words), or calls a
        derivative that may."""
        numpy_names = {word for obj, word in self.modules.items()
                       if getattr(obj, "__name__", "").partition(".")[0] in ("numpy", "scipy")}
        numpy_names |= {self.handles["np"]}
        return bool(numpy_names & used) or any(
            kind is not None and (not kind.is_scalar or kind.complex)
            for kind in self.spec.kinds.values()) or any(
            callee.calls_numpy for callee in self.derived_callees)


class TangentBuilder(_Builder):
    """Puts the tangent function together: primal and tangent statements interleaved,
    returning the value and its tangent."""

    def build(self):
        function = self.spec.function
        emitter = TangentEmitter(self.spec, self.namer, self.printer, self.handles,
                                 self.callee, vector=self.mode == "vector", top=self.top,
                                 lean=self.mode == "directional")
        seeds = emitter.seeds()
        body, returned = emitter.emit()
        if emitter.lean:
            body = self._lean(body, returned)
        body = self._folded(body, returned)
        lines = Lines()
        lines.add(f"def {self.def_name}({', '.join(function.params + tuple(seeds))}):")
        statements = Lines()
        statements.block(body)
        text = "\n".join(statements.texts + [source(returned)])
        if emitter.directions and re.search(rf"\b{emitter.directions}\b", text):
            first = seeds[0]
            lines.add(f"    {emitter.directions} = len({first})")
        lines.texts += statements.texts
        lines.lines += statements.lines
        lines.add("    return " + _listing(returned))
        return self.finish(lines)


    def _folded(self, body, returned):
        """The temporaries that only one later line reads written back into it, as in an
        adjoint's forward sweep (optimize/forward_folding.py): the user's own lines come
        back, each with its tangent line beside it, and the user's variables keep theirs.
        A tangent is written back like the value it belongs to, except a number's in
        several directions, an array that other names may view; then the signs that
        meet cancel (`negations.outward`)."""
        dot = self.namer.dot
        numbers, arrays = self._numbers() & self.namer.temps, self._array_temps()
        # a temporary that copies a name (`t2 = r`, of `mean, var = y[0], r`) goes back
        # into its reader anywhere: `var = r`
        arrays |= {t.id for s in queries.walk(body) if isinstance(s, gast.Assign)
                   and isinstance(s.value, gast.Name) for t in s.targets
                   if isinstance(t, gast.Name) and t.id in self.namer.temps}
        if self.mode != "vector":
            numbers |= {dot(v) for v in numbers}
        body = fold_forward(body, numbers, queries.names(returned), pure=self._pure(),
                            arrays=arrays | {dot(v) for v in arrays})
        return negations.outward(body, linear={self.handles["np"] + ".sum"})

    def _lean(self, body, returned):
        """A tangent returned alone (`hvp`): without the statements only the value needed,
        and, where every floating-point argument is float64, computed in place like an
        adjoint (optimize/inplace.py)."""
        body = unread.run(body, returned)
        if not (self.float64 and inplace.allowed(body, self.bindings, self.callees)):
            return body
        kinds, dot = self.spec.kinds, self.namer.dot
        shapes, bounds = shapes_of(kinds, dot)
        wrt = self.spec.wrt
        floating = floats(self.spec.function, wrt) | {dot(v) for v in kinds} | \
            {v for v, k in kinds.items() if k.is_array}
        numbers = {v for v, k in kinds.items() if k.is_scalar} | \
            {dot(v) for v, k in kinds.items() if k.is_scalar}
        return inplace.rewrite(body, shapes, bounds, floating, numbers, self.handles["np"],
                               [returned], {self.handles["sigmoid"]})


class AdjointBuilder(_Builder):
    """Puts the forward sweep, backward sweep and return together and compiles them."""

    def _checked(self):
        """The parameters that hold floating-point values: the differentiated ones of a
        function the API calls, which refuses integer and boolean arrays there."""
        return self.spec.wrt if self.top else ()

    def emitter(self, pushed, start):
        """A trial of the backward sweep (see `adjoint.backward_sweep`), naming from `start`."""
        self.namer = start.copy()
        return AdjointEmitter(self.spec, self.namer, self.printer, self.handles,
                              self.callee, pushed, lean=self.mode == "gradient")

    def build(self):
        function = self.spec.function
        start = self.namer.copy()
        emitter, backward = backward_sweep(function, lambda pushed: self.emitter(pushed, start))
        pushed = emitter.pushed
        seeds = emitter.seed_names()
        seed = seeds[0]
        gradients = [name(g) for g in emitter.gradients(private=self.top)]
        grads = gradients[0] if len(gradients) == 1 else tuple_of(gradients)
        kept, results = [], []
        leaves = function.result if function.layout is not None else (function.result,)
        out_kinds = self.spec.out_kinds or (self.spec.out_kind,)
        for leaf, kind in zip(leaves, out_kinds):
            result = self.printer.atom(leaf)
            if self.top and self.mode == "reverse" and isinstance(leaf, ir.Var) \
                    and leaf.name in queries.written(backward):
                # the value returned, kept before the backward sweep restores `leaf`
                value = self.namer.fresh(leaf.name if function.layout else "result")
                copy = "x" if kind.is_scalar else "np.copy(x)"
                kept.append(gast.Assign(targets=[gast.Name(id=value, ctx=gast.Store(),
                                                           annotation=None, type_comment=None)],
                                        value=emitter.fill(copy, x=leaf.name),
                                        type_comment=None))
                result = name(value)
            results.append(result)
        result = results[0] if function.layout is None else tuple_of(results)
        returned = tuple_of([result, grads]) if self.top and self.mode == "reverse" \
            else grads
        kinds, bar = self.spec.kinds, self.namer.bar
        arrays = {bar(v) for v, k in kinds.items() if k.is_array}
        number_bars = {bar(v) for v, k in kinds.items() if k.is_scalar}
        numbers = self._numbers() | number_bars
        numbers.update(s for s, kind in zip(seeds, out_kinds) if kind.is_scalar)
        fixed_seed = self.mode == "gradient" and self.spec.out_kind.is_scalar
        context = self._context(emitter, kept, returned, arrays, numbers, number_bars,
                                seed if fixed_seed else None)

        def print_forward(statements):
            return self.forward(kept + statements + [returned], emitter, pushed) + kept
        forward, backward = passes.optimize(backward, context, print_forward)
        forward, backward = Checkpointing(self, _exposed, returned).rewrite(forward, backward)
        params = function.params + (() if fixed_seed else tuple(seeds))
        header = f"def {self.def_name}({', '.join(params)}"
        if self.top and self.spec.out_kind.is_scalar and not fixed_seed:
            header += "=1.0"
        lines = Lines()
        lines.add(header + "):")
        body = Lines()
        body.block(forward)
        if backward:
            body.add("    # backward sweep")
            body.block(backward, body.last())
        for line in _tape(self.handles, "\n".join(body.texts)):
            lines.add(line)
        start = len(lines.texts)
        lines.texts += body.texts
        lines.lines += body.lines
        backward_from = start + body.texts.index("    # backward sweep") + 1 \
            if backward else None
        lines.add("    return " + _listing(returned))
        return self.finish(lines, backward_from)

    def forward(self, later, emitter, pushed):
        """Primal statements the backward sweep or the result read, in order."""
        needed = _exposed(later, set())
        # values saved once around a loop are copied by the forward sweep itself
        needed |= {save.name for save in pushed if isinstance(save, tape.LoopEntry)}
        primal = PrimalEmitter(self.spec.function, self.printer, self.spec.kinds, needed,
                               pushed, emitter.controls, emitter.fill, emitter.saves)
        statements = primal.undefined(emitter.adjoints.unbound) + \
            primal.block(self.spec.function.body)
        return fold_forward(statements, self._numbers(), needed,
                            pure=self._pure() | {self.handles["push"]},
                            arrays=self._array_temps())

    def _context(self, emitter, kept, returned, arrays, numbers, number_bars, fixed_seed):
        """What the optimization passes know of this adjoint (`fixed_seed`: the seed's name
        when `grad` fixes it at 1.0)."""
        kinds, bar = self.spec.kinds, self.namer.bar
        vectors = {v for v, k in kinds.items() if k.is_array and k.ndim == 1}
        shapes, bounds = shapes_of(kinds, bar)
        return passes.Context(
            arrays=frozenset(arrays), numbers=frozenset(numbers),
            number_bars=frozenset(number_bars),
            vectors=frozenset(vectors | {bar(v) for v in vectors}),
            floats=frozenset(floats(self.spec.function, self._checked())), shapes=shapes,
            bounds=bounds, pure=frozenset(self._pure() | {self.handles["unbroadcast"]}),
            kept=tuple(kept), returned=returned, handles=self.handles, fresh=self.namer.fresh,
            copy=lambda x: emitter.fill("np.copy(x)", x=x), fixed_seed=fixed_seed,
            float64=self.float64, bindings=self.bindings, callees=self.callees)


_PURE = ("exp", "log", "sin", "cos", "tanh", "sqrt", "sum", "outer", "copy", "where",
         "logaddexp", "maximum", "minimum", "abs", "square", "log1p", "expm1", "dot",
         "matmul", "mean", "transpose", "reshape", "zeros", "ones", "zeros_like",
         "ones_like", "full", "full_like", "empty", "empty_like")


# builtins the generated code calls that change nothing (`len(y)` goes into `range(...)`)
_PURE_BUILTINS = {"len", "min", "max"}


def _exposed(statements, assigned):
    """Names `statements` read before assigning them (`assigned` already holds values):
    a temporary the backward sweep recomputes in a loop body before reading it need not
    be kept by the forward sweep. A loop or branch body may not run, so what it assigns
    counts only inside it."""
    found = set()
    for statement in statements:
        if isinstance(statement, (gast.For, gast.While, gast.If)):
            head = statement.iter if isinstance(statement, gast.For) else statement.test
            found |= queries.names(head) - assigned
            inner = assigned | (queries.names(statement.target)
                                if isinstance(statement, gast.For) else set())
            found |= _exposed(statement.body, set(inner))
            found |= _exposed(statement.orelse, set(assigned))
            continue
        if isinstance(statement, (gast.Assign, gast.AugAssign)):
            value = statement.value
            targets = statement.targets if isinstance(statement, gast.Assign) \
                else [statement.target]
            found |= queries.names(value) - assigned
            for target in targets:
                if isinstance(target, (gast.Name, gast.Tuple)) and \
                        not isinstance(statement, gast.AugAssign):
                    assigned |= queries.names(target)
                else:
                    found |= queries.names(target) - assigned
            continue
        found |= queries.names(statement) - assigned
    return found


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


def _identifiers(text):
    """Every word of `text` that could be a name: more than the names it reads (attributes
    too), which is harmless to the bindings they select and needs no parse."""
    return set(re.findall(r"[A-Za-z_]\w*", text))
