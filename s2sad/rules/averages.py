"""np.average(a, axis, weights): the weighted mean `sum(a * w) / sum(w)` along `axis`,
differentiable in `a` (`w / sum(w)`) and in the weights (`(a - out) / sum(w)`). The
weights have the operand's shape, or are a vector along an int `axis` (as NumPy allows),
passed positionally (a differentiated keyword argument is refused everywhere); without
weights it is np.mean's rule.
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..syntax.simplify import binop
from ..syntax.template import const
from .base import REQUIRED, TABLE, Add, Custom, rank, register
from .literals import literal
from .reducing import expand, reduction_axis, reduction_kind, summed

_AVERAGE = ("a", "axis", "weights", "returned", "keepdims")


def _average_kind(arg_kinds, consts):
    if consts.get("returned"):
        raise UnsupportedError("np.average with `returned=True` returns a pair; compute the "
                               "sum of the weights apart (`np.sum(w)`).")
    if "axis" in consts.get("computed", ()) or (len(arg_kinds) > 1 and "axis" not in consts):
        raise UnsupportedError("`axis` of np.average must be a constant written in the call.")
    if len(arg_kinds) > 2:
        a, w = arg_kinds[0], arg_kinds[2]
        if a.is_scalar or w.is_scalar:
            raise UnsupportedError("np.average of a number or with a number as weights: "
                                   "give arrays.")
        if rank(a) != rank(w) and (rank(w) != 1 or not isinstance(consts.get("axis"), int)):
            raise UnsupportedError("np.average's weights must have the operand's shape, or "
                                   "be a vector along an int `axis`.")
    return reduction_kind(arg_kinds, consts)


def _aligned(site, dot=None):
    """The weights (or their tangent `dot`) shaped to broadcast against the operand: a
    vector along `axis` gets length-one axes around it."""
    weights = site.args[2] if dot is None else dot
    ndim, axis = rank(site.kinds[0]), reduction_axis(site.consts)
    if rank(site.kinds[2]) == ndim:
        return weights
    axis = axis % ndim
    shape = (1,) * axis + (-1,) + (1,) * (ndim - axis - 1)
    if dot is not None and site.vector:
        return site.fill("np.reshape(d, (len(d),) + s)", d=weights, s=literal(shape))
    return site.fill("np.reshape(w, s)", w=weights, s=literal(shape))


def _total(site, keepdims):
    """The sum of the weights along `axis` (all of them for a vector of weights)."""
    if rank(site.kinds[2]) != rank(site.kinds[0]):
        return site.fill("np.sum(c)")
    call = site.fill("np.sum(c)")
    axis = reduction_axis(site.consts)
    if axis is not None:
        call.keywords = [gast.keyword(arg="axis", value=literal(axis))]
        if keepdims or site.consts.get("keepdims"):
            call.keywords.append(gast.keyword(arg="keepdims", value=const(True)))
    elif site.consts.get("keepdims"):
        call.keywords = [gast.keyword(arg="keepdims", value=const(True))]
    return call


def _weights_shaped(site, value):
    """`value` (shaped like the operand) summed to the weights' shape."""
    ndim = rank(site.kinds[0])
    if rank(site.kinds[2]) == ndim:
        return value
    axis = reduction_axis(site.consts) % ndim
    others = tuple(k for k in range(ndim) if k != axis)
    return site.fill("np.sum(v, axis=k)", v=value, k=literal(others)) if others else value


def _average_adjoint(site):
    if len(site.args) < 3:
        return TABLE[np.mean].adjoint(site)
    scale = site.fill("g / s", g=expand(site, site.g), s=_total(site, True))
    found = {0: Add(binop(_aligned(site), gast.Mult(), scale))}
    if site.active[2]:
        deviation = site.fill("a - o", o=expand(site, site.out))
        found[2] = Add(_weights_shaped(site, binop(deviation, gast.Mult(), scale)))
    return found


def _average_tangent(site):
    if len(site.args) < 3:
        return TABLE[np.mean].tangent(site)
    terms = []
    if site.dots[0] is not None:
        terms.append(binop(site.dots[0], gast.Mult(), _aligned(site)))
    if site.dots[2] is not None:
        deviation = site.fill("a - o", o=expand(site, site.out))
        terms.append(binop(_aligned(site, site.dots[2]), gast.Mult(), deviation))
    total = terms[0] if len(terms) == 1 else binop(terms[0], gast.Add(), terms[1])
    return binop(summed(site, total), gast.Div(), _total(site, False))


class Average(Custom):
    """Differentiable in the operand and the weights; `axis` and `returned` constants."""

    def differentiable(self, position):
        return position in (0, 2)


register(Average("np.average", _average_kind, _average_adjoint, _average_tangent,
                 names=_AVERAGE, signature=(("a", REQUIRED), ("axis", None), ("weights", None)),
                 doc="`w / sum(w)` in `a`, `(a - out) / sum(w)` in the weights (the "
                     "operand's shape, or a vector along an int `axis`); "
                     "without weights, np.mean's"),
         np.average)
