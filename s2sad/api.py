"""The public API: `grad`, `value_and_grad`, `vjp`, `jvp`, `source` (`jacobian` builds on
these, in jacobian.py).

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

MODES = ("reverse", "forward", "vector", "wengert")
# what each derived function may return: only a scalar, or any float value
_ANY_OUTPUT = ("vjp", "jvp", "jacobian")


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

    def _derive(self, values, mode="reverse"):
        """The derivative for these values; a cheap key of types and shapes finds it again
        without recomputing kinds, so a call costs little more than the generated code."""
        key = tuple([(v.shape, v.dtype) if type(v) is np.ndarray else type(v) for v in values])
        if mode != "reverse":
            key = (mode,) + key
        derived = self._by_type.get(key)
        if derived is None:
            names = list(self._signature.parameters)
            kinds = K.of_arguments(values, self._positions, names)
            derived = pipeline.derive(self._fn, kinds, self._positions, mode)
            out_kind = derived.spec.out_kind
            if K.not_a_number(out_kind) or (self._what not in _ANY_OUTPUT
                                            and out_kind.is_array):
                raise self._not_scalar(K.OTHER if K.not_a_number(out_kind) else out_kind)
            self._by_type[key] = derived
        self._last = derived
        return derived

    def _run(self, values, seed):
        derived = self._derive(values)
        value, grads = derived.function(*values, seed)
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
    """A gradient has its argument's dtype: NumPy may promote a float32 computation that
    mixes in float64 values (`np.dot(0.5, x)`), the argument's precision is what counts."""
    if type(grad) is float and type(value) is not np.ndarray:
        return grad
    if isinstance(value, np.ndarray):
        if isinstance(grad, np.ndarray) and grad.shape == value.shape:
            return grad if grad.dtype == value.dtype else grad.astype(value.dtype)
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


class _JVP(_Derivative):
    def __call__(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the tangent of the differentiated argument(s).")
        values = self._bind(args[:-1], kwargs)
        seeds = self._seeds(values, args[-1])
        derived = self._derive(values, "forward")
        value, tangent = derived.function(*values, *seeds)
        return value, result_tangent(value, tangent, seeds)

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
        return tuple(seed_like(values[p], t, names[p])
                     for p, t in zip(self._positions, tangents))

    @property
    def source(self):
        """The generated tangent: of the last call's specialisation, else the generic one."""
        if self._last is None:
            return source(self._fn, wrt=self._wrt, mode="forward")
        return self._last.listing


def seed_like(value, tangent, name):
    """The tangent of argument `name` as the generated code expects it: a float for a
    number, an array of the argument's shape and dtype for an array."""
    if type(tangent) is float and type(value) is float:
        return tangent
    if type(tangent) is np.ndarray and type(value) is np.ndarray and \
            tangent.shape == value.shape and tangent.dtype == value.dtype and \
            value.dtype.kind == "f":
        return tangent
    K.check_differentiable(value, name)
    seed = np.asarray(tangent)
    if seed.dtype.kind not in "fiu":
        raise UsageError(f"the tangent of '{name}' is {type(tangent).__name__} "
                         f"({tangent!r:.40}); pass real numbers.")
    if np.shape(seed) != np.shape(value):
        raise UsageError(f"the tangent of '{name}' has shape {np.shape(seed)} but "
                         f"'{name}' has shape {np.shape(value)}: pass a tangent of the "
                         "argument's shape.")
    if type(value) is not np.ndarray:
        return float(seed)
    return seed.astype(value.dtype, copy=False)


def result_tangent(value, tangent, seeds, directions=None):
    """The tangent of the result as the caller gets it: a float for a number (a NumPy
    scalar of the value's type for a NumPy scalar, so float32 stays float32), else a new
    array of the value's shape (with `directions` first): generated code may return a
    tangent of fewer axes, or one of the seeds themselves (`f(x) = x`)."""
    if type(tangent) is float and type(value) is float and directions is None:
        return tangent
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


def jvp(fn=None, wrt=0):
    """`g(*args, tangent) -> (fn(*args), J . tangent)`, the Jacobian-vector product by
    forward mode, for any output shape.

    `tangent` has the shape of the argument `wrt` (a float for a number); when `wrt` is a
    tuple, pass a tuple of tangents, one per argument. The result's tangent has the shape
    of the result."""
    return _decorator(_JVP, "jvp", fn, wrt)


def source(fn, *args, mode="reverse", wrt=0, **kwargs):
    """The generated Python source of `fn`'s derivative.

    With example arguments, the version specialised for their kinds (float, array rank);
    without, kinds come from annotations (`x: float`) and default values, else the
    generic version that works for any kind. `mode="reverse"` shows the adjoint,
    `mode="forward"` the tangent, `mode="vector"` the tangent in several directions at
    once (what `jacobian` runs), `mode="wengert"` the Wengert list.
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
    return pipeline.derive(fn, kinds, positions, mode).listing


def _declared_kind(parameter, differentiated):
    kind = K.from_annotation(parameter.annotation)
    if kind == K.UNKNOWN and parameter.default is not inspect.Parameter.empty:
        kind = K.of_value(parameter.default)
    if differentiated and kind == K.INT:
        kind = K.SCALAR
    return kind
