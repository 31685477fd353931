"""The batched form of one operation of a loop: the same operation applied to every
trip at once, each operand that differs from trip to trip holding the trips along a new
first axis.

    t6 = t5 @ W          (t5: one row per trip)   ->  t6s = t5s @ W
    y = 1.0 / t12        (t12: one vector per trip) -> ys = 1.0 / t12s
    t17 = np.sum(t16)    (t16: one vector per trip) -> t17s = np.sum(t16s, axis=1)

NumPy's broadcasting aligns shapes from the right, so a batched operand (one axis more)
meets an unbatched one exactly as the per-trip operands met, as long as every batched
operand has the rank of the result (a per-trip scalar beside a per-trip vector would
align with the vector's last axis instead). A matrix product broadcasts over leading
axes the same way, except for a 1-D right operand, which a batched left one would
contract over the trip axis instead.

A per-trip number is batched only when NumPy computes it (a row of an array, a sum, a
value computed from one): a Python float divided by zero raises where a NumPy array
holds inf.
"""
import operator

import numpy as np

from .. import ir, rules
from ..ir import kinds as K
from ..rules.partials import Elementwise

OPERATORS = frozenset({operator.add, operator.sub, operator.mul, operator.truediv,
                       operator.pow, operator.neg, operator.pos})


def batchable(op, batched, kinds, numpy_valued):
    """Whether `op` has a batched form when the variables in `batched` hold one value per
    trip; `numpy_valued(name)`: whether a per-trip value is computed by NumPy."""
    if op.kwargs and op.prim is not np.sum or op.packed is not None:
        return False
    kind = kinds.get(op.target.name)
    if kind is None or kind.tag not in ("array", "scalar") or kind.complex:
        return False
    moving = [a for a in op.args if isinstance(a, ir.Var) and a.name in batched]
    if not moving or any(not isinstance(a, (ir.Var, ir.Const)) for a in op.args):
        return False
    if any(rank(kinds[a.name]) is None for a in op.args if isinstance(a, ir.Var)) or \
            rank(kind) is None:
        return False
    if kind.tag == "scalar" and not any(numpy_valued(a.name) for a in moving):
        return False
    if op.prim is operator.matmul:
        return _matmul(op, batched, kinds)
    if op.prim is np.sum:
        return _summed_axis(op, kinds) is not None
    if op.prim is ir.COPY or _elementwise(op.prim):
        return all(rank(kinds[a.name]) == rank(kind) for a in moving)
    return False


def form(op, batched, names, kinds):
    """The batched operation: `names` maps each batched variable to the variable holding
    its trips."""
    args = tuple(ir.Var(names[a.name]) if isinstance(a, ir.Var) and a.name in batched
                 else a for a in op.args)
    kwargs = op.kwargs
    if op.prim is np.sum:
        kwargs = (("axis", ir.Const(_summed_axis(op, kinds))),)
    return ir.Op(ir.Var(names[op.target.name]), op.prim, args, kwargs, op.callee, op.line)


def batched_kind(kind, trips):
    """The kind of the trips of a per-trip value of `kind`, stacked along a first axis
    of length symbol `trips`: shape tokens stay equal where the per-trip ones were."""
    lengths = K.lengths(kind) if kind.is_array else ()
    if lengths is not None:
        return K.Kind("array", rank(kind) + 1, K.dims((trips,) + tuple(lengths)))
    return K.Kind("array", rank(kind) + 1, ("trips", kind.shape))


def _elementwise(prim):
    return (prim in OPERATORS or isinstance(prim, np.ufunc)) and \
        isinstance(rules.lookup(prim), Elementwise)


def _matmul(op, batched, kinds):
    left, right = op.args
    if not all(isinstance(a, ir.Var) and kinds[a.name].is_array for a in (left, right)):
        return False
    ranks = [rank(kinds[a.name]) for a in (left, right)]
    moves = [a.name in batched for a in (left, right)]
    if moves[1]:
        return ranks[1] >= 2 and (not moves[0] or ranks[0] >= 2)
    return ranks[1] >= 1


def _summed_axis(op, kinds):
    """The axis of the batched sum, or None: a whole 1-D value summed, or one axis."""
    ndim = rank(kinds[op.args[0].name]) if isinstance(op.args[0], ir.Var) else None
    if len(op.args) != 1 or ndim is None:
        return None
    if not op.kwargs:
        return 1 if ndim == 1 else None
    axis = dict(op.kwargs).get("axis")
    if len(op.kwargs) != 1 or not isinstance(axis, ir.Const) or \
            type(axis.value) is not int or not -ndim <= axis.value < ndim:
        return None
    return axis.value + 1 if axis.value >= 0 else axis.value


def rank(kind):
    """The rank of a number or array, None for any other kind or an unknown rank."""
    if kind.is_scalar:
        return 0
    return kind.ndim if kind.is_array else None
