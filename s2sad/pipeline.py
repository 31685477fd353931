"""The transformation, stage by stage, and the caches that make it run once per kind.

    read -> fence -> lower to the Wengert list       (frontend/, once per function)
         -> infer kinds -> activity -> soundness     (analysis/, per argument kinds)
         -> emit adjoint or tangent -> optimize      (emit/, optimize/)
         -> print and compile                        (syntax/)

`front` does the kind-independent stages once per function; `derive` specialises for the
kinds of the arguments, the differentiated positions and the mode, cached per key.
"""
import contextlib
import functools
import gc
import types
import weakref

from . import cache, ir
from .errors import UnsupportedError
from .analysis.specialise import specialise
from .emit.assemble import AdjointBuilder, Pending, TangentBuilder
from .emit.primal import PrimalEmitter
from .frontend import calls, read
from .frontend.front import front
from .frontend.stamps import Stamp
from .ir import kinds as K
from .ir import trees
from .syntax.compile import is_generated
from .syntax.lines import Lines, commented, shown_file, users_line
from .syntax.printer import Printer, source


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
    return cache.entry(read.target(fn)).derived


def _built_from(fn, layouts=None):
    """Each user function the derivative of `fn` was built from (`fn`, the functions it
    calls, theirs, ...) with its front (`fn`'s for these parameter layouts)."""
    found = {}

    def visit(f, shaped=None):
        if f in found:
            return
        found[f] = cache.front_of(cache.entry(f), shaped)
        for op in found[f].function.ops():
            if isinstance(op, ir.Op) and calls.is_user_function(op.prim):
                visit(op.prim)
    visit(fn, layouts)
    return tuple((f, built, layouts if f is fn else None) for f, built in found.items())


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


MODES = {"reverse": ("adjoint", "vjp"), "gradient": ("gradient", "vjp"),
         "forward": ("tangent", "jvp"), "directional": ("tangent", "jvp"),
         "vector": ("tangents", "jvps")}


def derive(fn, arg_kinds, positions, mode="reverse", top=True, float64=False, layouts=None,
           lazy=False, batched=True):
    """The generated derivative of `fn` for these kinds and positions (cached): the
    adjoint ("reverse"), the adjoint that returns the gradients alone ("gradient": the
    primal statements only the value needed are left out), the tangent ("forward"), the
    tangent that returns the tangent alone ("directional": `hvp`), or the tangent in
    several directions at once ("vector"). `float64`: every floating-point
    argument is float64 (`inplace` may then compute array statements in place). `lazy`:
    the arguments are Dask arrays, which the derivative keeps lazy (runtime_dask.py).

    `layouts`: how each parameter is laid out when some are containers (ir/layouts.py);
    `arg_kinds` and `positions` are then those of the leaves, the generated code's own
    parameters.

    While a recursive function's derivative is being built, a call back into it gets a
    `Pending` one: its name and the cell the compiled function will be put in.

    `batched` False: loops are differentiated as written, not distributed (the code is to
    be differentiated again, which the lists distribution keeps do not allow yet; or the
    arguments are Dask arrays, which stacking the trips' values would compute)."""
    if isinstance(fn, read.Derivative):
        return _derive_generated(fn, arg_kinds, positions, mode, top, float64, layouts, lazy)
    batched = batched and not lazy
    if mode == "gradient" and not top:
        mode = "reverse"
    if mode == "directional" and not top:
        mode = "forward"
    float64 = float64 and mode in ("reverse", "gradient", "directional")
    key = (K.canonical(arg_kinds), tuple(positions), mode, top, float64, layouts) + \
        (("lazy",) if lazy else ()) + (() if batched else ("unbatched",))
    with _building_once():
        front(fn, layouts)
        derived = cache.entry(fn).derived
        if key in derived and not derived[key].fresh():
            del derived[key]
        if key not in derived:
            if (fn, key) in _building:
                return _building[(fn, key)]
            spec = specialise(fn, arg_kinds, positions, layouts, batched)
            if not top and spec.function.layout is not None:
                raise UnsupportedError(
                    f"`{fn.__name__}` returns a container and is called from another "
                    "differentiated function in a way that needs a derivative of its own; "
                    "unpack its result where you call it (`a, b = "
                    f"{fn.__name__}(...)`).", spec.function.filename,
                    spec.function.first_line)
            pending = Pending(_variant_name(fn, derived, top, mode, batched), types.CellType())
            _building[(fn, key)] = pending
            builder = AdjointBuilder if mode in ("reverse", "gradient") else TangentBuilder
            try:
                building = builder(fn, spec, top, pending.name, mode, derive if batched else
                                   functools.partial(derive, batched=False), layouts)
                # in-place statements need float64 arrays, which complex values are not
                building.float64 = float64 and not any(
                    kind.complex for kind in spec.kinds.values() if kind is not None)
                building.lazy = lazy
                made = building.build()
            finally:
                del _building[(fn, key)]
            made.built_from = _built_from(fn, layouts)
            made.stamp = Stamp(check for _, built, _ in made.built_from
                               for check in built.stamp.checks)
            pending.cell.cell_contents = made.function
            derived[key] = made
        return derived[key]


_building = {}


def _derive_generated(derivative, arg_kinds, positions, mode, top, float64, layouts,
                      lazy=False):
    """The derivative of a derivative s2sad made (higher order): of the code it generated
    for these kinds, read and differentiated like the user's own. It holds as long as
    that code does."""
    if layouts is not None and any(layout != trees.LEAF for layout in layouts):
        raise UnsupportedError(
            f"`{derivative.__name__}` is differentiated again with containers among its "
            "arguments or in its result; pass arrays (s2sad.ravel flattens a structure).")
    inner = derivative.generated(arg_kinds)
    try:
        made = derive(inner.function, arg_kinds, positions, mode, top, float64, lazy=lazy)
    except UnsupportedError as error:
        raise _at_the_users_code(error, derivative) from None
    if not isinstance(made, Pending):
        made.within = inner
    return made


def _at_the_users_code(error, derivative):
    """An error met in generated code, said at the user's function it came from: the
    generated file and its line mean nothing to the user."""
    if not is_generated(str(error.filename or "")):
        return error
    message = str(error).split(": ", 1)[1] if error.line is not None else str(error)
    fn = derivative
    while isinstance(fn, read.Derivative):
        fn = fn._fn
    return UnsupportedError(
        f"the derivative of `{derivative.__name__}` (of the code it generates) is not "
        f"supported: in that code, {message}", fn.__code__.co_filename,
        fn.__code__.co_firstlineno)


def _variant_name(fn, cache, top, mode, batched=True):
    """`f_adjoint` (`f_tangent`, `f_tangents`) for the top-level derivative; `f_vjp`,
    `f_vjp2`, ... (`f_jvp`, `f_jvps`) for the variants called from other generated code,
    one per kinds and differentiated positions."""
    whole, called = MODES[mode]
    base = read.base_name(fn)
    if top:
        return f"{base}_{whole}"
    count = 1 + sum(1 for key in cache if _sibling(key, mode, batched)) + sum(
        1 for (other, key) in _building if other is fn and _sibling(key, mode, batched))
    return f"{base}_{called}" + (str(count) if count > 1 else "")


def _sibling(key, mode, batched):
    """Whether the derivative cached under `key` is another variant of the same mode,
    batched or not alike (the two never call each other, so they may share names)."""
    return not key[3] and key[2] == mode and (key[-1] != "unbatched") == batched


def wengert_source(fn, lines=False):
    """The Wengert list of `fn` as readable Python; with `lines`, each statement with the
    line of the user's code it comes from as a comment."""
    function = front(fn).function
    printer = Printer()
    out = Lines()
    out.add(f"def {function.name}({', '.join(function.params)}):")
    out.block(PrimalEmitter(function, printer).block(function.body))
    out.add("    return " + source(printer.atom(function.result)))
    text = "\n".join(out.texts) + "\n"
    if not lines:
        return text
    where = [line and users_line(line, function.filename) for line in out.lines]
    return commented(text, where, shown_file)
