"""Axis arguments (`axis=`, `axes=`, `source=`...) as the rules read and write them: checked
to be constant ints or tuples, made non-negative for a known rank, numbered for a tangent
whose direction axis comes first, and applied in a subscript.
"""
import gast

from ..errors import UnsupportedError
from ..syntax.template import const


def int_or_tuple(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, tuple)) or (
            isinstance(value, tuple) and not all(isinstance(v, int) for v in value)):
        raise UnsupportedError(f"`{name}` must be a constant int or tuple of ints")
    return value


def normalized(axis, ndim):
    """An axis (or axes) counted from the front of a value of rank `ndim`."""
    if isinstance(axis, tuple):
        return tuple(normalized(a, ndim) for a in axis)
    return axis + ndim if axis < 0 else axis


def shift(axis):
    """An axis (or axes) of a value, numbered in its tangent with directions first
    (negative axes count from the end and stay)."""
    if isinstance(axis, tuple):
        return tuple(shift(a) for a in axis)
    return axis + 1 if axis >= 0 else axis


def along(axis, item):
    """The subscript applying `item` (an index or a slice node) to axis `axis` of an
    array (`g[:, item]`, `g[..., item]`), without knowing the array's rank."""
    if axis >= 0:
        parts = [gast.Slice(None, None, None) for _ in range(axis)] + [item]
    else:
        parts = [const(Ellipsis), item] + [gast.Slice(None, None, None)
                                           for _ in range(-axis - 1)]
    if len(parts) == 1:
        return parts[0]
    return gast.Tuple(elts=parts, ctx=gast.Load())
