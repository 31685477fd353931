"""`np.vstack(x)`, `np.hstack(x)` and `np.column_stack(x)` of one array: NumPy joins the
array's rows, so the result holds x's elements rearranged, a transpose then a reshape.
Both derivatives follow from that: the tangent is the same join of the tangent (in vector
mode the rearrangement, behind the directions), the adjoint reshapes back and transposes
back.
"""
import gast

from ..ir import kinds as K
from ..syntax.template import const
from .base import Add
from .literals import literal
from .structural import known_rank


def plan(function, rank):
    """(perm, groups): the result is x transposed by `perm`, then reshaped so that each
    of its axes is the product of the permuted axes in its group (an empty group: 1)."""
    rest = [[axis] for axis in range(3, rank)]
    if function == "vstack":
        if rank == 1:
            return (0,), [[0], []]
        if rank == 2:
            return (0, 1), [[0], [1]]
        return tuple(range(rank)), [[0, 1], [2]] + rest
    if function == "column_stack" and rank <= 2:
        return ((0,), [[], [0]]) if rank == 1 else ((1, 0), [[0], [1]])
    if rank <= 2:  # hstack
        return tuple(range(rank)), [list(range(rank))]
    return (1, 0) + tuple(range(2, rank)), [[0], [1, 2]] + rest


def kind(function, operand):
    if not operand.is_array or operand.ndim is None:
        return K.array(None)
    return K.array(len(plan(function, operand.ndim)[1]))


def _shape(site, perm, groups, lead=None):
    """The result's shape, from the operand's axis lengths (`lead`: a leading length)."""
    lengths = [site.fill("a.shape[k]", k=const(perm[axis])) for axis in range(len(perm))]

    def product(group):
        if not group:
            return const(1)
        result = lengths[group[0]]
        for axis in group[1:]:
            result = gast.BinOp(left=result, op=gast.Mult(), right=lengths[axis])
        return result
    parts = ([lead] if lead is not None else []) + [product(group) for group in groups]
    return gast.Tuple(elts=parts, ctx=gast.Load())


def adjoint(site, function):
    perm, _ = plan(function, known_rank(site.kinds[0], f"`np.{function}`"))
    permuted = gast.Tuple(elts=[site.fill("a.shape[k]", k=const(p)) for p in perm],
                          ctx=gast.Load())
    value = site.fill("np.reshape(g, s)", s=permuted)
    if perm != tuple(range(len(perm))):
        inverse = tuple(perm.index(axis) for axis in range(len(perm)))
        value = site.fill("np.transpose(v, p)", v=value, p=literal(inverse))
    return {0: Add(value)}


def tangent(site, function):
    if not site.vector:
        return site.fill(f"np.{function}(d)", d=site.dots[0])
    perm, groups = plan(function, known_rank(site.kinds[0], f"`np.{function}`"))
    moved = (0,) + tuple(p + 1 for p in perm)
    dot = site.dots[0]
    if moved != tuple(range(len(moved))):
        dot = site.fill("np.transpose(d, p)", d=dot, p=literal(moved))
    shape = _shape(site, perm, groups, const(-1))
    return site.fill("np.reshape(d, s)", d=dot, s=shape)
