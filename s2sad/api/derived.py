"""The public API: `grad`, `value_and_grad`, `vjp`, `jvp`, `source` (`jacobian` builds on
these, in jacobian.py).

Each derived function binds its arguments like the original (defaults and keywords work
as in Python), looks up the derivative generated for the kinds of those arguments (float
or array of some rank), generating and compiling it on first use, and calls it.
"""
from __future__ import annotations

import collections
import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import pipeline
from ..errors import UnsupportedError, UsageError, shown
from ..frontend import read
from ..ir import kinds as K
from . import dispatch, pyfloats

MODES = ("reverse", "gradient", "forward", "vector", "wengert")
# what each derived function may return: only a scalar, or any float value
_ANY_OUTPUT = ("vjp", "jvp", "jacobian")

# a specialisation a derived function has run: its derivative, the argument kinds, the mode
_Seen = collections.namedtuple("_Seen", "derived kinds mode")
# argument types and shapes a derived function remembers the specialisation of
_KEYS = 256


def _positions(fn, wrt):
    """`wrt` (a position, a parameter name, or a tuple of them) as a tuple of positions."""
    params = list(read.signature(fn).parameters)
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    positions = []
    for item in items:
        if isinstance(item, str) and item in params:
            position = params.index(item)
        elif type(item) is int and -len(params) <= item < len(params):
            position = item % len(params)
        elif not params:
            raise UsageError(f"{fn.__name__}() has no parameters to differentiate with "
                             "respect to; add the inputs as parameters.")
        else:
            raise UsageError(
                f"wrt={shown(item)} names no parameter of {fn.__name__}({', '.join(params)}); "
                f"use a position 0..{len(params) - 1} or one of {', '.join(map(repr, params))}.")
        if position in positions:
            raise UsageError(f"wrt names the parameter '{params[position]}' twice.")
        positions.append(position)
    if not positions:
        raise UsageError("wrt names no parameter: give at least one.")
    return tuple(positions)


def _binding(fn):
    """The code and defaults of `fn` and of the functions it wraps: what its signature
    and the positions of `wrt` come from."""
    found = []
    while fn is not None and len(found) < 300:   # (a cycle of wrappers ends somewhere)
        found += [getattr(fn, "__code__", None), getattr(fn, "__defaults__", None),
                  getattr(fn, "__kwdefaults__", None)]
        fn = getattr(fn, "__wrapped__", None)
    return found


class _Derivative(read.Derivative):
    """A function derived from `fn`: binds arguments, specialises, calls generated code."""

    def __init__(self, fn, wrt, what):
        fn = read.target(fn)
        pipeline.front(fn)
        self._fn = fn
        self._wrt = wrt
        self._take_signature()
        self._what = what
        self._now = [None]      # the last call's _Seen, shared with the dispatcher
        self._by_type = {}
        self._specialisations = {}
        self._dispatcher = None
        self._own_class = None
        pipeline.on_forget(self)
        functools.update_wrapper(self, fn)
        self.__name__ = f"{what}_{fn.__name__}"

    def __call__(self, *args, **kwargs):
        return self._slow(*args, **kwargs)

    _trailing = 0   # arguments a call passes after the function's own (a cotangent)

    def _take_signature(self):
        """The signature calls are bound with and the positions `wrt` names, taken again
        whenever the code or defaults they come from change: autoreload replaces both in
        place, and a new default or parameter must reach the next call."""
        self._binding = _binding(self._fn)
        self._positions = _positions(self._fn, self._wrt)
        self._signature = read.signature(self._fn)
        params = self._signature.parameters.values()
        self._nparams = len(params)
        if any(p.kind != p.POSITIONAL_OR_KEYWORD for p in params):
            self._nparams = -1
        # positional arguments of a call the fast path takes
        self._arity = self._nparams + self._trailing if self._nparams >= 0 else -1

    @property
    def _where(self):
        """The file and line of the function, for messages about its arguments."""
        return self._fn.__code__.co_filename, self._fn.__code__.co_firstlineno

    @property
    def _last(self):
        """The derivative the last call ran (None before the first call): for `grad` of a
        function known to return a number, the adjoint that returns the gradients alone,
        so that `source` shows the code that runs."""
        seen = self._now[0]
        return None if seen is None else seen.derived

    def _bind(self, args, kwargs):
        binding = _binding(self._fn)
        if len(binding) != len(self._binding) or any(
                now is not then for now, then in zip(binding, self._binding)):
            self.forgotten()
            self._take_signature()
        if not kwargs and len(args) == self._nparams:
            return args
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"{self.__name__}: {exc}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _derive(self, values, mode="reverse"):
        """The derivative for these values; a cheap key of types and shapes finds it again
        without recomputing kinds. Keys last until what the derivatives were built from
        changes (stamps.py) or `pipeline.forget()` drops them (a user rule changed); at
        most `_KEYS` of them are kept, the oldest dropped first."""
        key = (mode,) + tuple([(v.shape, v.dtype) if type(v) is np.ndarray else type(v)
                               for v in values])
        seen = self._by_type.get(key)
        if seen is not None and not seen.derived.fresh():
            self.forgotten()
            seen = None
        if seen is None:
            names = list(self._signature.parameters)
            kinds = K.of_arguments(values, self._positions, names, self._where)
            derived = pipeline.derive(self._fn, kinds, self._positions, mode,
                                      float64=_float64(values))
            out_kind = derived.spec.out_kind
            if K.not_a_number(out_kind) or (self._what not in _ANY_OUTPUT
                                            and out_kind.is_array):
                raise self._not_scalar(K.OTHER if K.not_a_number(out_kind) else out_kind)
            with pipeline.cache.LOCK:
                # one record per derivative, however many shapes share it
                seen = self._specialisations.get(id(derived))
                if seen is None:
                    seen = self._specialisations[id(derived)] = _Seen(derived, kinds, mode)
                while len(self._by_type) >= _KEYS:
                    del self._by_type[next(iter(self._by_type))]
                self._by_type[key] = seen
        self._now[0] = seen
        return seen.derived

    def forgotten(self):
        """The pipeline dropped its derivatives, or what they were built from changed:
        drop the keys and the fast path too."""
        with pipeline.cache.LOCK:
            self._by_type.clear()
            self._specialisations.clear()
            self._dispatcher = None
            if self._own_class is not None and "__call__" in vars(self._own_class):
                del self._own_class.__call__

    def _learn(self, args, kwargs, branch):
        """After a slow call, let later calls with arguments of the same kinds take the
        fast path: `branch(dispatcher)` gives the branch's (guards, lines), or None.

        Python looks `__call__` up on the type, so the dispatcher is installed as the
        `__call__` of a class of this object's own."""
        if kwargs or len(args) != self._arity or self._nparams < 0:
            return
        with pipeline.cache.LOCK:
            if self._dispatcher is None:
                self._dispatcher = dispatch.Dispatcher(
                    self.__name__, self._arity, self._slow, now=self._now,
                    like=functools.partial(_like, fn=self._fn),
                    result_tangent=functools.partial(result_tangent, fn=self._fn))
                # every call first checks that what the derivatives were built from holds
                self._dispatcher.fresh = self._last.stamp.guard(self._dispatcher.constant)
            if not self._dispatcher.ripe(self._now[0]):
                return
            found = branch(self._dispatcher)
            function = found and self._dispatcher.branch(*found)
            if function is None:
                return
            if self._own_class is None:
                self._own_class = type(type(self).__name__, (type(self),), {})
                self.__class__ = self._own_class
            self._own_class.__call__ = staticmethod(function)

    def _grads_lines(self, values, result, returned, floats=False):
        """Lines that return `returned` (a format with one field) filled with the
        gradients in the variable `result` as `_shape_like` gives them; `floats`: the
        generated code is known to return Python floats, which need no test."""
        positions = self._positions
        names = [result] if len(positions) == 1 else [f"g{k}" for k in range(len(positions))]
        lines = [] if len(positions) == 1 else [f"{', '.join(names)}, = {result}"]
        arrays = [type(values[p]) is np.ndarray for p in positions]
        shaped = [f"like(a{p}, {n})" for p, n in zip(positions, names)]

        def together(items):
            if len(items) == 1:
                return f"({items[0]},)" if isinstance(self._wrt, tuple) else items[0]
            return f"({', '.join(items)})"
        if not any(arrays):
            fast = result if len(positions) > 1 else together([result])
            if floats:
                return ["return " + returned.format(fast)]
            tests = " and ".join(f"type({n}) is float" for n in names)
            lines += [f"if {tests}:", "    return " + returned.format(fast)]
        return lines + ["return " + returned.format(together(shaped))]

    def _adjoint_branch(self, dispatcher, values, derived, value, seed="1.0",
                        seed_guard=None):
        """The guards and lines of a fast-path branch that runs adjoint `derived` with
        `seed`; `value`: the adjoint returns the value before the gradients."""
        guards = dispatch.argument_guards(values, dispatcher.constant)
        if not guards:
            return None
        call = ", ".join([f"a{i}" for i in range(len(values))] + ([seed] if seed else []))
        lines = self._call_lines(dispatcher, derived, call)
        types = _python_types(values) + ([float if seed == "1.0" else None] if seed else [])
        floats = self._returns_floats(derived, types)
        if value:
            lines += ["v, r = r"] + self._grads_lines(values, "r", "v, {}", floats)
        else:
            lines += self._grads_lines(values, "r", "{}", floats)
        return guards + ([seed_guard] if seed_guard else []), lines

    def _returns_floats(self, derived, types):
        """Whether `derived` returns Python floats when its parameters have `types`."""
        math_name = pipeline.front(self._fn).modules.get(math)
        return pyfloats.returns_floats(derived.source, types, math_name)

    def _call_lines(self, dispatcher, derived, call):
        """The lines that record the call's specialisation (`_last`) and call it."""
        seen = dispatcher.constant(self._now[0], "s")
        function = dispatcher.constant(derived.function, "f")
        return [f"now[0] = {seen}", f"r = {function}({call})"]

    def _run(self, values, seed):
        derived = self._derive(values)
        value, grads = derived.function(*values, seed)
        if type(value) is not float:
            real(value, self._fn)
        if self._what not in _ANY_OUTPUT and derived.spec.out_kind.tag == "unknown" \
                and np.ndim(value):
            raise self._not_scalar(f"an array of shape {np.shape(value)}")
        return value, self._shape_like(values, grads)

    def _not_scalar(self, what):
        if self._what in _ANY_OUTPUT:
            return UsageError(f"{self._what}({self._fn.__name__}) needs a function that "
                              f"returns a number or a float array, but it returns {what}.")
        advice = ("return a float or a NumPy array" if what == K.OTHER
                  else "use s2sad.vjp for a vector-Jacobian product")
        return UsageError(
            f"{self._what}({self._fn.__name__}) needs a function that returns a scalar, but "
            f"it returns {what}; {advice}.")

    def _shape_like(self, values, grads):
        """Each gradient as the type of its argument: float for a float, array for an array."""
        positions = self._positions
        if len(positions) == 1:
            grads = _like(values[positions[0]], grads, self._fn)
            return (grads,) if isinstance(self._wrt, tuple) else grads
        return tuple(_like(values[p], g, self._fn) for p, g in zip(positions, grads))

    @property
    def source(self):
        """The generated derivative (adjoint or tangent) the last call ran; before a call,
        the one a call with arguments of the declared kinds would run (`_declared_mode`)."""
        if self._last is None:
            return _derived(self._fn, (), {}, self._declared_mode(), self._wrt).listing
        return self._last.listing

    def _declared_mode(self):
        return "reverse"


def _float64(values):
    """Whether every floating-point value among `values` is float64: arrays of float64,
    integers or booleans, NumPy scalars of those, Python numbers, None and strings (the
    cache key of a specialisation records these types and dtypes, not what a tuple
    holds). Declared kinds (annotations) stand for float64 arrays, NumPy's default."""
    for value in values:
        if type(value) in (float, int, bool, str) or value is None:
            continue
        if type(value) is not np.ndarray and not isinstance(value, np.generic):
            return False
        if value.dtype.kind not in "iub" and value.dtype != np.float64:
            return False
    return True


def _python_types(values):
    """float or int for the values of exactly those types (which the guards test), else
    None: the parameter types `pyfloats.returns_floats` takes."""
    return [type(v) if type(v) in (float, int) else None for v in values]


def _like(value, grad, fn=None):
    """A gradient has its argument's dtype: NumPy may promote a float32 computation that
    mixes in float64 values (`np.dot(0.5, x)`), the argument's precision is what counts.
    A complex one is refused (`real`), never cast."""
    if type(grad) is float and type(value) is not np.ndarray:
        return grad
    if isinstance(value, np.ndarray):
        if isinstance(grad, np.ndarray) and grad.shape == value.shape:
            return grad if grad.dtype == value.dtype else \
                real(grad, fn).astype(value.dtype)
        return np.broadcast_to(np.asarray(real(grad, fn), dtype=value.dtype),
                               value.shape).copy()
    return float(real(grad, fn))


def real(value, fn):
    """`value`, or an error if it is complex: a complex value met a differentiated one
    while the generated code ran (Python makes a negative number to a fractional power
    complex), which kinds cannot foresee. `fn`: the function, for the message."""
    if isinstance(value, (complex, np.complexfloating)) or \
            isinstance(value, np.ndarray) and value.dtype.kind == "c":
        code = getattr(fn, "__code__", None)
        raise UnsupportedError(
            f"the derivative of `{getattr(fn, '__name__', 'the function')}` at these "
            "arguments is complex: a complex value met a differentiated one while it ran "
            "(a negative number to a fractional power is complex in Python); complex "
            "numbers are not supported yet.", *((code.co_filename, code.co_firstlineno)
                                                if code else ()))
    return value


class _Grad(_Derivative):
    def _slow(self, *args, **kwargs):
        """Runs the adjoint that returns the gradients alone when the result is known to
        be a scalar; else the one that returns the value too, to check it is one."""
        values = self._bind(args, kwargs)
        derived = self._derive(values, "gradient")
        if not derived.spec.out_kind.known:
            return self._run(values, 1.0)[1]
        grads = self._shape_like(values, derived.function(*values))
        self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return grads

    def _branch(self, dispatcher, values, derived):
        return self._adjoint_branch(dispatcher, values, derived, value=False, seed=None)

    def _declared_mode(self):
        """As `_slow` chooses: the adjoint without the value when the declared kinds
        make the result a number."""
        lean = _derived(self._fn, (), {}, "gradient", self._wrt)
        return "gradient" if lean.spec.out_kind.known else "reverse"


class _ValueAndGrad(_Derivative):
    def _slow(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        value, grads = self._run(values, 1.0)
        derived = self._last
        if derived.spec.out_kind.is_scalar:
            self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return value, grads

    def _branch(self, dispatcher, values, derived):
        return self._adjoint_branch(dispatcher, values, derived, value=True)


class _VJP(_Derivative):
    _trailing = 1

    def _slow(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the cotangent of its result.")
        values, cotangent = self._bind(args[:-1], kwargs), args[-1]
        K.check_differentiable(cotangent, "cotangent")
        if isinstance(cotangent, np.ndarray) and cotangent.ndim == 0:
            cotangent = cotangent[()]
        if _float64(values) and getattr(cotangent, "dtype", None) != np.float64 and \
                type(cotangent) is not float:
            # a float64 adjoint may work in place: its seed must be float64 too
            cotangent = np.asarray(cotangent, dtype=np.float64)
            cotangent = cotangent[()] if cotangent.ndim == 0 else cotangent
        try:
            value, grads = self._run(values, cotangent)
        except (ValueError, TypeError):
            self._check_cotangent(np.shape(self._fn(*values)), cotangent)
            raise
        self._check_cotangent(np.shape(value), cotangent)
        derived = self._last
        if type(args[-1]) is float and derived.spec.out_kind.is_scalar:
            self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return value, grads

    def _branch(self, dispatcher, values, derived):
        n = len(values)
        return self._adjoint_branch(dispatcher, values, derived, value=True, seed=f"a{n}",
                                    seed_guard=f"type(a{n}) is float")

    def _check_cotangent(self, shape, cotangent):
        if np.shape(cotangent) != shape:
            raise UsageError(f"the cotangent has shape {np.shape(cotangent)} but "
                             f"{self._fn.__name__} returns shape {shape}: pass a cotangent "
                             "of the result's shape.")


class _JVP(_Derivative):
    _trailing = 1

    def _slow(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the tangent of the differentiated argument(s).")
        values = self._bind(args[:-1], kwargs)
        seeds = self._seeds(values, args[-1])
        derived = self._derive(values, "forward")
        value, tangent = derived.function(*values, *seeds)
        result = value, result_tangent(value, tangent, seeds, fn=self._fn)
        self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return result

    def _branch(self, dispatcher, values, derived):
        """Guards on the arguments and the tangents' container, then (after unpacking a
        tuple of tangents) on the tangents themselves."""
        guards = dispatch.argument_guards(values, dispatcher.constant)
        if not guards:
            return None
        n, count = len(values), len(self._positions)
        lines = []
        if isinstance(self._wrt, tuple):
            seeds = [f"t{k}" for k in range(count)]
            guards += [f"type(a{n}) is tuple", f"len(a{n}) == {count}"]
            lines.append(f"{', '.join(seeds)}, = a{n}")
        else:
            seeds = [f"a{n}"]
        call = ", ".join([f"a{i}" for i in range(n)] + seeds)
        types = _python_types(values) + [float if type(values[p]) is float else None
                                         for p in self._positions]
        body = self._call_lines(dispatcher, derived, call)
        if self._returns_floats(derived, types):
            body.append("return r")
        else:
            body += ["v, d = r",
                     "if type(v) is float and type(d) is float:",
                     "    return r",
                     f"return v, result_tangent(v, d, ({', '.join(seeds)},))"]
        checks = " and ".join(dispatch.seed_guards(values, self._positions, seeds))
        return guards, lines + [f"if {checks}:"] + ["    " + line for line in body]

    def _seeds(self, values, tangent):
        """The tangent of each differentiated argument, checked against the argument."""
        names = list(self._signature.parameters)
        if isinstance(self._wrt, tuple):
            if not isinstance(tangent, (tuple, list)) or len(tangent) != len(self._positions):
                raise UsageError(
                    f"{self.__name__}: wrt names {len(self._positions)} arguments, so pass a "
                    f"tuple of {len(self._positions)} tangents, one per argument.")
            tangents = tuple(tangent)
        else:
            tangents = (tangent,)
        return tuple(seed_like(values[p], t, names[p], self._where)
                     for p, t in zip(self._positions, tangents))

    def _declared_mode(self):
        return "forward"


def seed_like(value, tangent, name, where=(None, None)):
    """The tangent of argument `name` as the generated code expects it: a float for a
    number, an array of the argument's shape and dtype for an array."""
    if type(tangent) is float and type(value) is float:
        return tangent
    if type(tangent) is np.ndarray and type(value) is np.ndarray and \
            tangent.shape == value.shape and tangent.dtype == value.dtype and \
            value.dtype.kind == "f":
        return tangent
    K.check_differentiable(value, name, where)
    seed = np.asarray(tangent)
    if seed.dtype.kind not in "fiu":
        raise UsageError(f"the tangent of '{name}' is {type(tangent).__name__} "
                         f"({shown(tangent)}); pass real numbers.")
    if np.shape(seed) != np.shape(value):
        raise UsageError(f"the tangent of '{name}' has shape {np.shape(seed)} but "
                         f"'{name}' has shape {np.shape(value)}: pass a tangent of the "
                         "argument's shape.")
    if type(value) is not np.ndarray:
        return float(seed)
    return seed.astype(value.dtype, copy=False)


def result_tangent(value, tangent, seeds, directions=None, fn=None):
    """The tangent of the result as the caller gets it: a float for a number (a NumPy
    scalar of the value's type for a NumPy scalar, so float32 stays float32), else a new
    array of the value's shape (with `directions` first): generated code may return a
    tangent of fewer axes, or one of the seeds themselves (`f(x) = x`)."""
    if type(tangent) is float and type(value) is float and directions is None:
        return tangent
    real(value, fn)
    real(tangent, fn)
    shape = np.shape(value)
    if directions is None and not shape and type(value) is not np.ndarray:
        if isinstance(value, np.floating):
            return type(value)(tangent)
        return float(tangent)
    if directions is not None:
        shape = (directions,) + shape
    dtype = np.asarray(value).dtype if isinstance(value, (np.ndarray, np.floating)) else None
    if type(tangent) is np.ndarray and tangent.shape == shape and tangent.flags.writeable \
            and (dtype is None or tangent.dtype == dtype) \
            and not any(np.may_share_memory(tangent, s) for s in seeds):
        return tangent
    return np.array(np.broadcast_to(tangent, shape), dtype=dtype)


def _decorator(cls, what, fn, wrt):
    if fn is None:
        return lambda f: cls(f, wrt, what)
    return cls(fn, wrt, what)


def grad(fn: Callable[..., Any] | None = None,
         wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """The gradient of scalar-valued `fn` with respect to the argument(s) `wrt`.

    `wrt` is a position or parameter name, or a tuple of them (then a tuple of gradients
    is returned). Usable as `@grad` and `@grad(wrt=(0, 1))`.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> grad(f, wrt=(0, 1))(2.0, 5.0)  # doctest: +SKIP
    (5.5, 1.7163378145367738)
    """
    return _decorator(_Grad, "grad", fn, wrt)


def value_and_grad(fn: Callable[..., Any] | None = None,
                   wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """Like `grad`, but returns `(fn(*args), gradient)` from one forward sweep."""
    return _decorator(_ValueAndGrad, "value_and_grad", fn, wrt)


def vjp(fn: Callable[..., Any] | None = None,
        wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """`g(*args, cotangent) -> (fn(*args), cotangent . J)` for any output shape."""
    return _decorator(_VJP, "vjp", fn, wrt)


def jvp(fn: Callable[..., Any] | None = None,
        wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """`g(*args, tangent) -> (fn(*args), J . tangent)`, the Jacobian-vector product by
    forward mode, for any output shape.

    `tangent` has the shape of the argument `wrt` (a float for a number); when `wrt` is a
    tuple, pass a tuple of tangents, one per argument. The result's tangent has the shape
    of the result."""
    return _decorator(_JVP, "jvp", fn, wrt)


def source(fn: Callable[..., Any], *args: Any, mode: str = "reverse",
           wrt: int | str | tuple[int | str, ...] = 0, **kwargs: Any) -> str:
    """The generated Python source of `fn`'s derivative.

    With example arguments, the version specialised for their kinds (float, array rank);
    without, kinds come from annotations (`x: float`) and default values, else the
    generic version that works for any kind. `mode="reverse"` shows the adjoint,
    `mode="gradient"` the adjoint that returns the gradient alone (what `grad` runs when
    the result is a number: no statement only the value needs), `mode="forward"` the
    tangent, `mode="vector"` the tangent in several directions at
    once (what `jacobian` runs), `mode="wengert"` the Wengert list.
    """
    if mode not in MODES:
        raise UsageError(f"mode={shown(mode)} is not one of {', '.join(map(repr, MODES))}.")
    fn = read.target(fn)
    pipeline.front(fn)
    if mode == "wengert":
        return pipeline.wengert_source(fn)
    return _derived(fn, args, kwargs, mode, wrt).listing


def compiled(fn: Callable[..., Any], *args: Any, mode: str = "reverse",
             wrt: int | str | tuple[int | str, ...] = 0, **kwargs: Any) -> Callable[..., Any]:
    """The generated derivative that `source(fn, *args, ...)` prints, as the function
    s2sad compiled from it: ordinary Python, called with no argument binding, checks or
    dispatch, for arguments of the kinds of the examples (the generic version without
    examples). It takes and returns what its source shows: the adjoint `(*args, seed=1.0)
    -> (value, gradients)`, the gradient alone `(*args) -> gradients` (a number's), the
    tangent `(*args, *tangents) -> (value, tangent)`. Gradients and tangents come as the
    generated code computes them (a NumPy scalar stays one, an adjoint may have fewer
    axes than its argument where it broadcasts); `grad`, `jvp` and the others check the
    arguments, pick the version for their kinds and shape the results."""
    if mode not in MODES or mode == "wengert":
        modes = ", ".join(repr(m) for m in MODES if m != "wengert")
        raise UsageError(f"mode={shown(mode)} is not one of {modes} (the Wengert list is not "
                         "a derivative: s2sad.source(f, mode='wengert') prints it).")
    fn = read.target(fn)
    pipeline.front(fn)
    return _derived(fn, args, kwargs, mode, wrt).function


def _derived(fn, args, kwargs, mode, wrt):
    """The derivative `source` shows: for the kinds of example arguments, else of the
    declared ones."""
    positions = _positions(fn, wrt)
    signature = read.signature(fn)
    if args or kwargs:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"source({fn.__name__}, ...): {exc}") from None
        bound.apply_defaults()
        values = tuple(bound.arguments.values())
        kinds = K.of_arguments(values, positions, list(bound.arguments))
        float64 = _float64(values)
    else:
        kinds = tuple(_declared_kind(p, i in positions)
                      for i, p in enumerate(signature.parameters.values()))
        float64 = True
    return pipeline.derive(fn, kinds, positions, mode, float64=float64)


def _declared_kind(parameter, differentiated):
    kind = K.from_annotation(parameter.annotation)
    if kind == K.UNKNOWN and parameter.default is not inspect.Parameter.empty:
        kind = K.of_value(parameter.default)
    if differentiated and kind == K.INT:
        kind = K.SCALAR
    return kind
