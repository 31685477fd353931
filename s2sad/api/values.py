"""The values a derived function hands over and returns, as the caller expects them.

Generated code computes in whatever types NumPy gives (a NumPy scalar, an adjoint with
fewer axes where its argument broadcast, a float64 gradient of a float32 argument); the
caller gets each gradient and tangent in its argument's or result's type, shape and dtype,
and a complex gradient of a real argument is refused rather than cast. Tangents passed in
are checked and converted the same way, and `all_float64` tells whether a call may use the
derivative that works in place.
"""
import numpy as np

from ..errors import ArgumentError, UnsupportedError, UsageError, shown
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
    A complex argument has a complex gradient (complex64 kept); a complex gradient of a
    real argument is refused (`real`), never cast."""
    if type(grad) is float and type(value) is not np.ndarray:
        return complex(grad) if type(value) is complex else grad
    if K.is_complex(value):
        dtype = np.result_type(value)
        if isinstance(value, np.ndarray):
            return np.array(np.broadcast_to(grad, value.shape), dtype=dtype)
        return complex(grad) if type(value) is complex else dtype.type(grad)
    if isinstance(value, np.ndarray):
        if isinstance(grad, np.ndarray) and grad.shape == value.shape:
            return grad if grad.dtype == value.dtype else \
                real(grad, fn).astype(value.dtype)
        if isinstance(grad, np.ndarray) and grad.ndim >= value.ndim:
            _misfit(fn, grad, value)
        return np.broadcast_to(np.asarray(real(grad, fn), dtype=value.dtype),
                               value.shape).copy()
    return float(real(grad, fn))


def _misfit(fn, grad, value):
    """Refuse a gradient of as many axes as its argument but another shape. Generated code
    gives an argument's adjoint its shape, or fewer axes where it broadcasts; another shape
    means the arguments do not fit together in `fn`, where `fn` itself would raise at a
    statement the gradient does not need to run (`np.sum(a @ b)`: the gradient of `a` is
    `b`). Broadcasting it to the argument's shape would return a gradient of a function
    that has no value there."""
    code = getattr(fn, "__code__", None)
    raise ArgumentError(
        f"the gradient of `{getattr(fn, '__name__', 'the function')}` came out with shape "
        f"{grad.shape} for an argument of shape {value.shape}: the arguments' shapes do not "
        "fit together in the function (call it on them to see where it raises); pass "
        "arguments of shapes it accepts.",
        *((code.co_filename, code.co_firstlineno) if code else ()))


def real(value, fn):
    """`value`, or an error if it is complex: a complex value met a differentiated one
    while the generated code ran (Python makes a negative number to a fractional power
    complex), which kinds cannot foresee. `fn`: the function, for the message."""
    if isinstance(value, (complex, np.complexfloating)) or \
            isinstance(value, np.ndarray) and value.dtype.kind == "c":
        code = getattr(fn, "__code__", None)
        raise UnsupportedError(
            f"the derivative of `{getattr(fn, '__name__', 'the function')}` at these "
            "arguments is complex where a real one is expected: a complex value met a "
            "differentiated one while it ran (a negative number to a fractional power is "
            "complex in Python); pass complex arguments as complex numbers or arrays "
            "(`x + 0j`), or take a real part (`np.real`, `np.abs`).",
            *((code.co_filename, code.co_firstlineno) if code else ()))
    return value


def seed_like(value, tangent, name, where=(None, None)):
    """The tangent of argument `name` as the generated code expects it: a float for a
    number, an array of the argument's shape and dtype for an array."""
    if type(tangent) is float and type(value) is float:
        return tangent
    if type(tangent) is np.ndarray and type(value) is np.ndarray and \
            tangent.shape == value.shape and tangent.dtype == value.dtype and \
            value.dtype.kind in "fc":
        return tangent
    K.check_differentiable(value, name, where)
    seed = np.asarray(tangent)
    if seed.dtype.kind not in ("fiuc" if K.is_complex(value) else "fiu"):
        raise UsageError(f"the tangent of '{name}' is {type(tangent).__name__} "
                         f"({shown(tangent)}); pass real numbers (a real argument moves "
                         "along the real axis only).")
    if np.shape(seed) != np.shape(value):
        raise UsageError(f"the tangent of '{name}' has shape {np.shape(seed)} but "
                         f"'{name}' has shape {np.shape(value)}: pass a tangent of the "
                         "argument's shape.")
    if type(value) is not np.ndarray:
        return complex(seed) if K.is_complex(value) else float(seed)
    return seed.astype(value.dtype, copy=False)


def result_tangent(value, tangent, seeds, directions=None, fn=None, complex_ok=False):
    """The tangent of the result as the caller gets it: a float for a number (a NumPy
    scalar of the value's type for a NumPy scalar, so float32 stays float32), else a new
    array of the value's shape (with `directions` first): generated code may return a
    tangent of fewer axes, or one of the seeds themselves (`f(x) = x`). A complex value
    or tangent is refused unless the kinds said the result is complex (`complex_ok`)."""
    if type(tangent) is float and type(value) is float and directions is None:
        return tangent
    if not complex_ok:
        real(value, fn)
        real(tangent, fn)
    shape = np.shape(value)
    if directions is None and not shape and type(value) is not np.ndarray:
        if isinstance(value, (np.floating, np.complexfloating)):
            return type(value)(tangent)
        return complex(tangent) if type(value) is complex else float(tangent)
    if directions is not None:
        shape = (directions,) + shape
    dtype = np.asarray(value).dtype if isinstance(value, (np.ndarray, np.inexact)) else None
    if type(tangent) is np.ndarray and tangent.shape == shape and tangent.flags.writeable \
            and (dtype is None or tangent.dtype == dtype) \
            and not any(np.may_share_memory(tangent, s) for s in seeds):
        return tangent
    return np.array(np.broadcast_to(tangent, shape), dtype=dtype)
