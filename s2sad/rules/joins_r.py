"""The index trick np.r_[...]: its items, numbers and arrays of one rank (a slice of
constants made np.arange while lowering), joined along the first axis, numbers as
arrays of one element. It keeps np.r_'s dtype rule (a Python number does not widen a
float32 array), so the lowering leaves it one operation, written back as indexed.
Each item's adjoint is its stretch of `g` (one element for a number), as for
np.concatenate; the tangent joins the tangents with np.r_, or in vector mode with
np.concatenate after the direction axis.
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Sequence, register
from .joins import _join_adjoint, _leaves, _tangent_or_zero
from .structural import check_numeric, known_rank, subscript


def _r_kind(arg_kinds, consts):
    packed = consts.get("packed")
    ranks = set()
    for kind in arg_kinds[:packed.size]:
        check_numeric(kind, "np.r_[...]")
        ranks.add(0 if kind.is_scalar else kind.ndim if kind.is_array else None)
    if None in ranks:
        return K.array(None)
    if len(ranks - {0}) > 1:
        raise UnsupportedError("`np.r_[...]` of arrays of different ranks; join arrays of "
                               "one rank (numbers too)")
    return K.array(max(ranks | {1}))


def _r_adjoint(site):
    spans = []
    for i in _leaves(site):
        if known_rank(site.kinds[i], "`np.r_[...]`") == 0:
            spans.append((const(1), True))
        else:
            spans.append((site.fill("b.shape[0]", b=site.args[i]), False))
    return _join_adjoint(site, 0, spans)


def _r_tangent(site):
    dots = [_tangent_or_zero(site, i) for i in _leaves(site)]
    if not site.vector:
        items = dots[0] if len(dots) == 1 else gast.Tuple(elts=dots, ctx=gast.Load())
        return subscript(site.fill("np.r_"), items)
    shaped = [site.fill("d[:, None]", d=d) if known_rank(site.kinds[i], "`np.r_[...]`") == 0
              else d for i, d in zip(_leaves(site), dots)]
    return site.fill("np.concatenate(v, axis=1)", v=gast.List(elts=shaped, ctx=gast.Load()))


register(Sequence("np.r_", _r_kind, _r_adjoint, _r_tangent, names=("items",),
                  doc="`np.r_[a, b, 0:3]` of numbers and arrays of one rank (a slice of "
                      "constants, `start:stop:step` or `start:stop:nj`, is np.arange or "
                      "np.linspace); each item's adjoint is its stretch of `g`"), np.r_)
