"""The public API: `grad`, `value_and_grad`, `vjp`, `source`.

Each derived function binds its arguments like the original (defaults and keywords work
as in Python), looks up the derivative generated for the kinds of those arguments (float
or array of some rank), generating and compiling it on first use, and calls it.
"""
import functools
import inspect

import numpy as np

from . import kinds as K
from . import pipeline
from .errors import UsageError

MODES = ("reverse", "wengert")


def _positions(fn, wrt):
    """`wrt` (a position, a parameter name, or a tuple of them) as a tuple of positions."""
    params = list(inspect.signature(fn).parameters)
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
                f"wrt={item!r} names no parameter of {fn.__name__}({', '.join(params)}); "
                f"use a position 0..{len(params) - 1} or one of {', '.join(map(repr, params))}.")
        if position in positions:
            raise UsageError(f"wrt names the parameter '{params[position]}' twice.")
        positions.append(position)
    if not positions:
        raise UsageError("wrt names no parameter: give at least one.")
    return tuple(positions)


class _Derivative:
    """A function derived from `fn`: binds arguments, specialises, calls generated code."""

    def __init__(self, fn, wrt, what):
        pipeline.front(fn)
        self._fn = fn
        self._wrt = wrt
        self._positions = _positions(fn, wrt)
        self._signature = inspect.signature(fn)
        self._nparams = len(self._signature.parameters)
        if any(p.kind != p.POSITIONAL_OR_KEYWORD for p in self._signature.parameters.values()):
            self._nparams = -1
        self._what = what
        self._last = None
        self._by_type = {}
        functools.update_wrapper(self, fn)
        self.__name__ = f"{what}_{fn.__name__}"

    def _bind(self, args, kwargs):
        if not kwargs and len(args) == self._nparams:
            return args
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"{self.__name__}: {exc}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _derive(self, values):
        """The derivative for these values; a cheap key of types and shapes finds it again
        without recomputing kinds, so a call costs little more than the generated code."""
        key = tuple([(v.shape, v.dtype) if type(v) is np.ndarray else type(v) for v in values])
        derived = self._by_type.get(key)
        if derived is None:
            names = list(self._signature.parameters)
            kinds = K.of_arguments(values, self._positions, names)
            derived = pipeline.derive_adjoint(self._fn, kinds, self._positions)
            out_kind = derived.spec.out_kind
            if out_kind == K.OTHER or (self._what != "vjp" and out_kind.is_array):
                raise self._not_scalar(out_kind)
            self._by_type[key] = derived
        self._last = derived
        return derived

    def _run(self, values, seed):
        derived = self._derive(values)
        value, grads = derived.function(*values, seed)
        if self._what != "vjp" and derived.spec.out_kind.tag == "unknown" and np.ndim(value):
            raise self._not_scalar(f"an array of shape {np.shape(value)}")
        return value, self._shape_like(values, grads)

    def _not_scalar(self, what):
        if self._what == "vjp":
            return UsageError(f"vjp({self._fn.__name__}) needs a function that returns a "
                              f"number or a float array, but it returns {what}.")
        advice = ("return a float or a NumPy array" if what == K.OTHER
                  else "use s2sad.vjp for a vector-Jacobian product")
        return UsageError(
            f"{self._what}({self._fn.__name__}) needs a function that returns a scalar, but "
            f"it returns {what}; {advice}.")

    def _shape_like(self, values, grads):
        """Each gradient as the type of its argument: float for a float, array for an array."""
        positions = self._positions
        if len(positions) == 1:
            grads = _like(values[positions[0]], grads)
            return (grads,) if isinstance(self._wrt, tuple) else grads
        return tuple(map(_like, [values[p] for p in positions], grads))

    @property
    def source(self):
        """The generated adjoint: of the last call's specialisation, else the generic one."""
        if self._last is None:
            return source(self._fn, wrt=self._wrt)
        return self._last.listing


def _like(value, grad):
    if type(grad) is float and type(value) is not np.ndarray:
        return grad
    if isinstance(value, np.ndarray):
        if isinstance(grad, np.ndarray) and grad.shape == value.shape:
            return grad
        return np.broadcast_to(np.asarray(grad, dtype=value.dtype), value.shape).copy()
    return float(grad)


class _Grad(_Derivative):
    def __call__(self, *args, **kwargs):
        return self._run(self._bind(args, kwargs), 1.0)[1]


class _ValueAndGrad(_Derivative):
    def __call__(self, *args, **kwargs):
        return self._run(self._bind(args, kwargs), 1.0)


class _VJP(_Derivative):
    def __call__(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the cotangent of its result.")
        values, cotangent = self._bind(args[:-1], kwargs), args[-1]
        K.check_differentiable(cotangent, "cotangent")
        if isinstance(cotangent, np.ndarray) and cotangent.ndim == 0:
            cotangent = cotangent[()]
        try:
            value, grads = self._run(values, cotangent)
        except (ValueError, TypeError):
            self._check_cotangent(np.shape(self._fn(*values)), cotangent)
            raise
        self._check_cotangent(np.shape(value), cotangent)
        return value, grads

    def _check_cotangent(self, shape, cotangent):
        if np.shape(cotangent) != shape:
            raise UsageError(f"the cotangent has shape {np.shape(cotangent)} but "
                             f"{self._fn.__name__} returns shape {shape}: pass a cotangent "
                             "of the result's shape.")


def _decorator(cls, what, fn, wrt):
    if fn is None:
        return lambda f: cls(f, wrt, what)
    return cls(fn, wrt, what)


def grad(fn=None, wrt=0):
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


def value_and_grad(fn=None, wrt=0):
    """Like `grad`, but returns `(fn(*args), gradient)` from one forward sweep."""
    return _decorator(_ValueAndGrad, "value_and_grad", fn, wrt)


def vjp(fn=None, wrt=0):
    """`g(*args, cotangent) -> (fn(*args), cotangent . J)` for any output shape."""
    return _decorator(_VJP, "vjp", fn, wrt)


def source(fn, *args, mode="reverse", wrt=0, **kwargs):
    """The generated Python source of `fn`'s derivative.

    With example arguments, the version specialised for their kinds (float, array rank);
    without, kinds come from annotations (`x: float`) and default values, else the
    generic version that works for any kind. `mode="wengert"` shows the Wengert list.
    """
    if mode not in MODES:
        raise UsageError(f"mode={mode!r} is not one of {', '.join(map(repr, MODES))}.")
    fn = inspect.unwrap(fn)
    pipeline.front(fn)
    if mode == "wengert":
        return pipeline.wengert_source(fn)
    positions = _positions(fn, wrt)
    signature = inspect.signature(fn)
    if args or kwargs:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"source({fn.__name__}, ...): {exc}") from None
        bound.apply_defaults()
        kinds = K.of_arguments(tuple(bound.arguments.values()), positions, list(bound.arguments))
    else:
        kinds = tuple(_declared_kind(p, i in positions)
                      for i, p in enumerate(signature.parameters.values()))
    return pipeline.derive_adjoint(fn, kinds, positions).listing


def _declared_kind(parameter, differentiated):
    kind = K.from_annotation(parameter.annotation)
    if kind == K.UNKNOWN and parameter.default is not inspect.Parameter.empty:
        kind = K.of_value(parameter.default)
    if differentiated and kind == K.INT:
        kind = K.SCALAR
    return kind
