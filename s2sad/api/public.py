"""The public functions that make derived functions (`grad`, `value_and_grad`, `vjp`,
`jvp`) and show the generated derivative (`source`, `compiled`).

They are what users call, so their signatures and docstrings are the documentation; the
work is in the classes they make (modes.py) and in `derivative_for` (derivative.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import pipeline
from ..errors import UsageError, shown
from ..frontend import read
from ..frontend.front import checked
from ..syntax.lines import shown_file
from ..backend.compile import BACKENDS, dialect_listing, function as compiled_function
from .derivative import checked_backend, derivative_for
from .modes import JVP, VJP, Grad, ValueAndGrad

MODES = ("reverse", "gradient", "forward", "vector", "wengert")


def _decorator(cls, what, fn, wrt, backend):
    checked_backend(backend)
    if fn is None:
        return lambda f: cls(f, wrt, what, backend)
    return cls(fn, wrt, what, backend)


def grad(fn: Callable[..., Any] | None = None,
         wrt: int | str | tuple[int | str, ...] = 0,
         backend: str = "python") -> Callable[..., Any]:
    """The gradient of scalar-valued `fn` with respect to the argument(s) `wrt`.

    `wrt` is a position or parameter name, or a tuple of them (then a tuple of gradients
    is returned). Usable as `@grad` and `@grad(wrt=(0, 1))`.

    `backend="numba"` runs the derivative compiled by numba (`pip install 's2sad[numba]'`;
    docs/compiled.md); a construct numba cannot compile raises `s2sad.CompiledError` at
    its line. `backend="auto"` compiles where numba is installed and can, and else runs
    the Python derivative; `backend="python"` (the default) runs the Python derivative.
    The same keyword is taken by `value_and_grad`, `vjp`, `jvp`, `source` and `compiled`.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> grad(f, wrt=(0, 1))(2.0, 5.0)  # doctest: +SKIP
    (5.5, 1.7163378145367738)
    """
    return _decorator(Grad, "grad", fn, wrt, backend)


def value_and_grad(fn: Callable[..., Any] | None = None,
                   wrt: int | str | tuple[int | str, ...] = 0,
                   backend: str = "python") -> Callable[..., Any]:
    """Like `grad`, but returns `(fn(*args), gradient)` from one forward sweep."""
    return _decorator(ValueAndGrad, "value_and_grad", fn, wrt, backend)


def vjp(fn: Callable[..., Any] | None = None,
        wrt: int | str | tuple[int | str, ...] = 0,
        backend: str = "python") -> Callable[..., Any]:
    """`g(*args, cotangent) -> (fn(*args), cotangent . J)` for any output shape."""
    return _decorator(VJP, "vjp", fn, wrt, backend)


def jvp(fn: Callable[..., Any] | None = None,
        wrt: int | str | tuple[int | str, ...] = 0,
        backend: str = "python") -> Callable[..., Any]:
    """`g(*args, tangent) -> (fn(*args), J . tangent)`, the Jacobian-vector product by
    forward mode, for any output shape.

    `tangent` has the shape of the argument `wrt` (a float for a number); when `wrt` is a
    tuple, pass a tuple of tangents, one per argument. The result's tangent has the shape
    of the result."""
    return _decorator(JVP, "jvp", fn, wrt, backend)


def source(fn: Callable[..., Any], *args: Any, mode: str = "reverse",
           wrt: int | str | tuple[int | str, ...] = 0, lines: bool = False,
           backend: str = "python", **kwargs: Any) -> str:
    """The generated Python source of `fn`'s derivative.

    With example arguments, the version specialised for their kinds (float, array rank);
    without, kinds come from annotations (`x: float`) and default values, else the
    generic version that works for any kind. `mode="reverse"` shows the adjoint,
    `mode="gradient"` the adjoint that returns the gradient alone (what `grad` runs when
    the result is a number: no statement only the value needs), `mode="forward"` the
    tangent, `mode="vector"` the tangent in several directions at
    once (what `jacobian` runs), `mode="wengert"` the Wengert list.

    With `lines=True`, each generated statement ends with a comment naming the line of
    your code it comes from, `# model.py:12` (a helper's derivative, and a helper
    inlined, name the helper's file and lines).

    With `backend="numba"` (or "auto"), the numba dialect of the derivative: what the
    compiled backend hands to `numba.njit` (docs/compiled.md).
    """
    if backend not in BACKENDS:
        checked_backend(backend)
    if mode not in MODES:
        raise UsageError(f"mode={shown(mode)} is not one of {', '.join(map(repr, MODES))}.")
    fn, args, skip = _unbound(fn, args)
    if mode == "wengert" and isinstance(fn, read.Derivative):
        raise UsageError(f"source({fn.__name__}, mode='wengert'): the Wengert list of a "
                         "derivative is its generated code; print it with mode='gradient' "
                         "(or 'reverse', 'forward') on the function it was derived from.")
    if not isinstance(fn, read.Derivative):
        checked(fn)
    if mode == "wengert":
        return pipeline.wengert_source(fn, lines)
    derived = derivative_for(fn, args, kwargs, mode, wrt, skip)
    if backend != "python":
        return dialect_listing(derived, shown_file if lines else None)
    return derived.listed_with_lines(shown_file) if lines else derived.listing


def compiled(fn: Callable[..., Any], *args: Any, mode: str = "reverse",
             wrt: int | str | tuple[int | str, ...] = 0, backend: str = "python",
             **kwargs: Any) -> Callable[..., Any]:
    """The generated derivative that `source(fn, *args, ...)` prints, as the function
    s2sad compiled from it: ordinary Python, called with no argument binding, checks or
    dispatch, for arguments of the kinds of the examples (the generic version without
    examples). It takes and returns what its source shows: the adjoint `(*args, seed=1.0)
    -> (value, gradients)`, the gradient alone `(*args) -> gradients` (a number's), the
    tangent `(*args, *tangents) -> (value, tangent)`. Gradients and tangents come as the
    generated code computes them (a NumPy scalar stays one, an adjoint may have fewer
    axes than its argument where it broadcasts); `grad`, `jvp` and the others check the
    arguments, pick the version for their kinds and shape the results.

    With `backend="numba"`, the function that runs it compiled by numba (the first call
    compiles it); "auto": that where numba compiles it, else the Python one."""
    checked_backend(backend)
    if mode not in MODES or mode == "wengert":
        modes = ", ".join(repr(m) for m in MODES if m != "wengert")
        raise UsageError(f"mode={shown(mode)} is not one of {modes} (the Wengert list is not "
                         "a derivative: s2sad.source(f, mode='wengert') prints it).")
    fn, args, skip = _unbound(fn, args)
    if not isinstance(fn, read.Derivative):
        checked(fn)
    return compiled_function(derivative_for(fn, args, kwargs, mode, wrt, skip), backend)


def _unbound(fn, args):
    """A bound method's function, with the object it is bound to as the first of the
    example arguments (and `wrt` shifted past it)."""
    fn, bound_to = read.bound(fn)
    if isinstance(fn, read.Derivative):
        return fn, args, 0    # its derivative is of the code it generates (higher order)
    fn = read.target(fn)
    if bound_to is read.NOTHING:
        return fn, args, 0
    return fn, (bound_to,) + args, 1
