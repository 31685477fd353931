"""Flips: np.flip, np.fliplr and np.flipud. The adjoint is flipped back, written as a
reversed slice (a view) where the axes allow it, as is the tangent.
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..syntax.template import const
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, rank, register
from .literals import constant, literal
from .structural import check_numeric, same_rank, subscript


def _reverse(axes, vector):
    """The subscript reversing `axes`, all counted from the front (`g[:, ::-1]`) or all
    from the end (`g[..., ::-1, :]`); None for a mix."""
    if all(a >= 0 for a in axes):
        parts = [gast.Slice(None, None, None) for _ in range(max(axes) + 1 + vector)]
        for a in axes:
            parts[a + vector] = gast.Slice(None, None, literal(-1))
    elif all(a < 0 for a in axes):
        parts = [const(Ellipsis)] + [gast.Slice(None, None, None) for _ in range(-min(axes))]
        for a in axes:
            parts[a] = gast.Slice(None, None, literal(-1))
    else:
        return None
    return parts[0] if len(parts) == 1 else gast.Tuple(elts=parts, ctx=gast.Load())


def _flip_axes(site, function):
    """The axes a flip reverses: a tuple, or None for all of them."""
    if function == "flipud":
        return (0,)
    if function == "fliplr":
        return (1,)
    axis = constant(site, "axis", 1)
    if axis is None:
        return None
    axis = int_or_tuple(axis, "axis")
    return axis if isinstance(axis, tuple) else (axis,)


def _flipped(site, value, axes, vector):
    """`value` reversed along `axes`, as a slice (a view) where the axes allow it."""
    if axes is None:
        kind = site.kinds[0]
        if kind.is_scalar or (kind.is_array and kind.ndim is not None):
            axes = tuple(range(rank(kind)))
            if not axes:
                return value
        elif vector:
            raise UnsupportedError("`np.flip` of all axes of an array of unknown rank has "
                                   "no rule for tangents in several directions; pass "
                                   "`axis`, or compute one direction at a time")
        else:
            return site.fill("np.flip(v)", v=value)
    kind = site.kinds[0]
    if kind.is_array and kind.ndim is not None:
        axes = normalized(axes, kind.ndim)
    index = _reverse(axes, vector)
    if index is None:
        return site.fill("np.flip(v, k)", v=value, k=literal(shift(axes) if vector else axes))
    return subscript(value, index)


def _flip_rule(function):
    def adjoint(site):
        return {0: Add(_flipped(site, site.g, _flip_axes(site, function), False))}

    def tangent(site):
        return _flipped(site, site.dots[0], _flip_axes(site, function), site.vector)

    def kind_of(arg_kinds, consts):
        check_numeric(arg_kinds[0], f"np.{function}")
        return same_rank(arg_kinds, consts)
    return Custom(f"np.{function}", kind_of, adjoint, tangent,
                  names=("m", "axis") if function == "flip" else ("m",),
                  doc="the adjoint is flipped back (a reversed slice, a view)")


for _name in ("flip", "fliplr", "flipud"):
    register(_flip_rule(_name), getattr(np, _name))
