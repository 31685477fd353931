"""Sorting and partitioning (np.sort, np.partition): the result is the operand permuted,
`out = take_along_axis(a, p, axis)`, so its tangent is the tangent permuted the same way
and its adjoint is `g` permuted back (by the inverse permutation, `np.argsort(p)`).

The permutation is `np.argsort(a, kind="stable")` for a sort and `np.argpartition(a,
kth)` for a partition (the arrangement np.partition makes). Where elements tie, the
result is not differentiable; the derivative is then the one of that permutation (a tie
passes each output's derivative to the earlier element of the pair), as docs/rules.md
says. `x.sort()` sorts in place: the fence refuses it, advising `x = np.sort(x)`.
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import shift
from .base import Add, Custom, register
from .literals import literal

_SORT = ("a", "axis", "kind", "order", "stable")
_PARTITION = ("a", "kth", "axis", "kind", "order")


def _axis(consts):
    if consts.get("order") is not None:
        raise UnsupportedError("`order=` sorts a structured array, which has no derivative; "
                               "sort a float array.")
    axis = consts.get("axis", -1)
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, int)):
        raise UnsupportedError("`axis` must be a constant int (or None, for the flattened "
                               "array).")
    return axis


def _sorted_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    axis = _axis(consts)
    if kind.is_scalar:
        raise UnsupportedError("sorting a number: NumPy sorts arrays; pass an array.")
    if axis is None:
        return K.array(1)
    return kind if kind.is_array else K.UNKNOWN


def _permutation(site, partition):
    """`np.argsort(a, axis=k, kind="stable")` or `np.argpartition(a, kth, axis=k)`."""
    axis = _axis(site.consts)
    if partition:
        call = site.fill("np.argpartition(a, b)")
    else:
        call = site.fill("np.argsort(a)")
    call.keywords = [gast.keyword(arg="axis", value=literal(axis))]
    if not partition:
        call.keywords.append(gast.keyword(arg="kind", value=const("stable")))
    return call


def _permuted(partition):
    def adjoint(site):
        axis = _axis(site.consts)
        back = site.fill("np.argsort(p, axis=k)", p=_permutation(site, partition),
                         k=literal(axis))
        if axis is None:
            value = site.fill("np.reshape(g[r], np.shape(a))", r=back)
        else:
            value = site.fill("np.take_along_axis(g, r, axis=k)", r=back, k=literal(axis))
        return {0: Add(value)}

    def tangent(site):
        axis = _axis(site.consts)
        p = _permutation(site, partition)
        if axis is None:
            if site.vector:
                return site.fill("np.reshape(d, (len(d), -1))[:, p]", d=site.dots[0], p=p)
            return site.fill("np.ravel(d)[p]", d=site.dots[0], p=p)
        if site.vector:
            return site.fill("np.take_along_axis(d, p[None], axis=k)", d=site.dots[0], p=p,
                             k=literal(shift(axis)))
        return site.fill("np.take_along_axis(d, p, axis=k)", d=site.dots[0], p=p,
                         k=literal(axis))
    return adjoint, tangent


register(Custom("np.sort", _sorted_kind, *_permuted(False), names=_SORT,
                doc="the tangent permuted as the values are, the adjoint permuted back; at "
                    "ties, the permutation `np.argsort(kind=\"stable\")` picks"), np.sort)
register(Custom("np.partition", _sorted_kind, *_permuted(True), names=_PARTITION,
                constants=(1,),
                doc="the tangent permuted as the values are (by `np.argpartition`, which "
                    "arranges them as np.partition does), the adjoint permuted back"),
         np.partition)
