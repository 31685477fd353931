"""Cyclic and rigid moves: np.roll (elements shifted around an axis), np.rollaxis (an axis
moved) and np.rot90 (a quarter turn in a plane). Each is a permutation of the elements,
so the adjoint applies the inverse move (a roll back, the inverse axis order, a turn the
other way) and the tangent the same move, after the direction axis in vector mode.
"""
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import neg
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, register
from .literals import constant, literal
from .structural import check_numeric, known_rank, same_rank


def _numeric_same_rank(function):
    def kind_of(arg_kinds, consts):
        check_numeric(arg_kinds[0], f"np.{function}")
        if arg_kinds[0].is_scalar:
            raise UnsupportedError(f"`np.{function}` of a number; pass an array")
        return same_rank(arg_kinds, consts)
    return kind_of


# ---------------------------------------------------------------- roll


def _roll_shift(site, negate):
    """The shift as written (a constant, or a computed int), negated for the adjoint."""
    if "shift" in site.consts or len(site.args) < 2:
        value = site.consts["shift"]
        int_or_tuple(value, "shift")
        return literal(tuple(-v for v in value) if negate and isinstance(value, tuple)
                       else -value if negate else value)
    if site.kinds[1] != K.INT:
        raise UnsupportedError("a computed `shift` in np.roll that is not an int; pass an "
                               "int or a constant tuple")
    return neg(site.args[1]) if negate else site.args[1]


def _roll_axis(site):
    axis = constant(site, "axis", 2)
    return None if axis is None else int_or_tuple(axis, "axis")


def _roll_adjoint(site):
    axis = _roll_axis(site)
    text = "np.roll(g, s)" if axis is None else "np.roll(g, s, k)"
    return {0: Add(site.fill(text, s=_roll_shift(site, True), k=literal(axis)))}


def _roll_tangent(site):
    axis, amount, dot = _roll_axis(site), _roll_shift(site, False), site.dots[0]
    if not site.vector:
        text = "np.roll(d, s)" if axis is None else "np.roll(d, s, k)"
        return site.fill(text, d=dot, s=amount, k=literal(axis))
    if axis is None:
        return site.fill("np.reshape(np.roll(np.reshape(d, (len(d), -1)), s, 1), d.shape)",
                         d=dot, s=amount)
    return site.fill("np.roll(d, s, k)", d=dot, s=amount, k=literal(shift(axis)))


register(Custom("np.roll", _numeric_same_rank("roll"), _roll_adjoint, _roll_tangent,
                names=("a", "shift", "axis"), constants=(1,),
                doc="the adjoint is rolled back (`np.roll(g, -shift, axis)`); a computed "
                    "shift is an int"), np.roll)


# ---------------------------------------------------------------- rollaxis


def _rollaxis_order(site):
    """The permutation `np.transpose` applies for `np.rollaxis(a, axis, start)`."""
    ndim = known_rank(site.kinds[0], "`np.rollaxis`")
    axis = int_or_tuple(constant(site, "axis", 1), "axis")
    start = int_or_tuple(constant(site, "start", 2, 0), "start")
    # the axes' numbers ride along as lengths 2, 3, ...: the rolled shape is the order
    rolled = np.rollaxis(np.empty(tuple(range(2, ndim + 2)), dtype=bool), axis, start)
    return tuple(n - 2 for n in rolled.shape)


def _rollaxis_adjoint(site):
    inverse = tuple(int(i) for i in np.argsort(_rollaxis_order(site)))
    return {0: Add(site.fill("np.transpose(g, p)", p=literal(inverse)))}


def _rollaxis_tangent(site):
    order = _rollaxis_order(site)
    if site.vector:
        order = (0,) + shift(order)
    return site.fill("np.transpose(d, p)", d=site.dots[0], p=literal(order))


register(Custom("np.rollaxis", _numeric_same_rank("rollaxis"), _rollaxis_adjoint,
                _rollaxis_tangent, names=("a", "axis", "start"),
                doc="a permutation of the axes; the adjoint permutes them back"), np.rollaxis)


# ---------------------------------------------------------------- rot90


def _rot90_turn(site):
    k = constant(site, "k", 1, 1)
    if isinstance(k, bool) or not isinstance(k, int):
        raise UnsupportedError("a computed `k` in np.rot90; pass a constant int")
    axes = int_or_tuple(constant(site, "axes", 2, (0, 1)), "axes")
    if not isinstance(axes, tuple) or len(axes) != 2:
        raise UnsupportedError("`axes` of np.rot90 must be a constant pair of ints")
    kind = site.kinds[0]
    if kind.is_array and kind.ndim is not None:
        axes = normalized(axes, kind.ndim)
    return k % 4, axes


def _rot90_call(site, value, k, axes):
    if k == 0:
        return value
    if axes == (0, 1):
        return site.fill("np.rot90(v)" if k == 1 else "np.rot90(v, k)", v=value, k=literal(k))
    return site.fill("np.rot90(v, k, p)", v=value, k=literal(k), p=literal(axes))


def _rot90_adjoint(site):
    k, axes = _rot90_turn(site)
    return {0: Add(_rot90_call(site, site.g, (4 - k) % 4, axes))}


def _rot90_tangent(site):
    k, axes = _rot90_turn(site)
    return _rot90_call(site, site.dots[0], k, shift(axes) if site.vector else axes)


register(Custom("np.rot90", _numeric_same_rank("rot90"), _rot90_adjoint, _rot90_tangent,
                names=("m", "k", "axes"),
                doc="the adjoint is turned back (`np.rot90(g, -k, axes)`, written as the "
                    "turn of 4 - k quarters)"), np.rot90)
