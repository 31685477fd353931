"""scipy.signal.convolve, in both operands, for n-d arrays and each mode.

Convolution is bilinear: the tangent is `convolve(a_dot, b) + convolve(a, b_dot)` in
the same mode. Each mode's result is a window of the full convolution, so an operand's
adjoint places g in that window of a zero array of the full shape and correlates it
with the other operand (`convolve(full, flip(b), "valid")`): the adjoint of the full
convolution, restricted to what the mode kept. `method` ("direct", "fft", "auto")
changes how the value is computed, not the derivative, which uses SciPy's default.
Loaded once the program imports SciPy (base.OPTIONAL).
"""
import numpy as np
from scipy.signal import convolve

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, register, total

MODES = ("full", "valid", "same")


def _window(a_shape, b_shape, mode):
    """Where convolve(a, b, mode) sits in the full convolution, as slices."""
    if mode == "full":
        return tuple(slice(None) for _ in a_shape)
    if mode == "valid":
        return tuple(slice(min(m, n) - 1, max(m, n)) for m, n in zip(a_shape, b_shape))
    return tuple(slice((n - 1) // 2, (n - 1) // 2 + m) for m, n in zip(a_shape, b_shape))


def _spread(g, a, b, mode):
    """g placed in the mode's window of a zero array of the full convolution's shape."""
    full = np.zeros(tuple(m + n - 1 for m, n in zip(np.shape(a), np.shape(b))),
                    dtype=np.result_type(g, a, b))
    full[_window(np.shape(a), np.shape(b), mode)] = g
    return full


def convolve_adjoint_a(g, a, b, mode):
    """The adjoint in `a` of convolve(a, b, mode): g correlated with b."""
    return convolve(_spread(g, a, b, mode), np.flip(b), "valid")


def convolve_adjoint_b(g, a, b, mode):
    """The adjoint in `b` of convolve(a, b, mode): g correlated with a."""
    return convolve(_spread(g, a, b, mode), np.flip(a), "valid")


def convolve_each_a(d, b, mode):
    """convolve(a_dot, b, mode) for each direction along the first axis of `d`."""
    return np.stack([convolve(direction, b, mode) for direction in d])


def convolve_each_b(a, d, mode):
    """convolve(a, b_dot, mode) for each direction along the first axis of `d`."""
    return np.stack([convolve(a, direction, mode) for direction in d])


def _mode(arg_kinds, consts):
    mode = consts.get("mode", "full")
    if len(arg_kinds) > 2 and "mode" not in consts or mode not in MODES:
        raise UnsupportedError("scipy.signal.convolve's `mode` must be a constant: one of "
                               "'full', 'valid', 'same'.")
    if "method" in consts.get("computed", ()):
        raise UnsupportedError("scipy.signal.convolve's `method` must be a constant.")
    return mode


def _kind(arg_kinds, consts):
    _mode(arg_kinds, consts)
    a, b = arg_kinds[:2]
    if a.is_scalar or b.is_scalar:
        raise UnsupportedError("scipy.signal.convolve of a number: pass arrays (np.atleast_1d"
                               "(x)), or multiply.")
    if a.is_array and b.is_array and None not in (a.ndim, b.ndim):
        if a.ndim != b.ndim:
            raise UnsupportedError("scipy.signal.convolve needs operands with the same number "
                                   f"of axes, not {a.ndim} and {b.ndim}.")
        return K.array(a.ndim)
    return K.UNKNOWN


def _adjoint(site):
    mode = const(_mode(site.kinds, site.consts))
    a, b = site.args[:2]
    result = {}
    if site.active[0]:
        result[0] = Add(site.helper(convolve_adjoint_a, site.g, a, b, mode, fresh=True))
    if site.active[1]:
        result[1] = Add(site.helper(convolve_adjoint_b, site.g, a, b, mode, fresh=True))
    return result


def _tangent(site):
    mode = const(_mode(site.kinds, site.consts))
    a, b = site.args[:2]
    da, db = site.dots[:2]
    if site.vector:
        terms = (None if da is None else site.helper(convolve_each_a, da, b, mode, fresh=True),
                 None if db is None else site.helper(convolve_each_b, a, db, mode, fresh=True))
    else:
        terms = (None if da is None else site.helper(convolve, da, b, mode, fresh=True),
                 None if db is None else site.helper(convolve, a, db, mode, fresh=True))
    return total(term for term in terms if term is not None)


register(Custom("scipy.signal.convolve", _kind, _adjoint, _tangent, (0, 1),
                names=("in1", "in2", "mode", "method"),
                doc="bilinear: tangent convolve(a_dot, b) + convolve(a, b_dot), adjoints "
                    "g correlated with the other operand over the mode's window of the "
                    "full convolution; n-d arrays of equal rank, modes full, valid and "
                    "same (a constant); any `method`"), convolve)
