"""The values a derived function hands over and returns, as the caller expects them.

Generated code computes in whatever types NumPy gives (a NumPy scalar, an adjoint with
fewer axes where its argument broadcast, a float64 gradient of a float32 argument); the
caller gets each gradient and tangent in its argument's or result's type, shape and dtype,
and a complex result is refused rather than cast. Tangents passed in are checked and
converted the same way, and `all_float64` tells whether a call may use the derivative
that works in place.
"""
import numpy as np

from ..errors import UnsupportedError, UsageError, shown
from ..ir import kinds as K


def all_float64(values):
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


def like(value, grad, fn=None):
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
