"""Products that pair every element of one operand with elements of the other: np.cross
(of 3-vectors) and np.kron. Both are bilinear: the tangent is the product with one
operand's tangent plus the product with the other's; the adjoints come from the
product's symmetry. For np.cross, <g, a x b> = <a, b x g> = <b, g x a>, so `a`'s adjoint
is `np.cross(b, g)` and `b`'s `np.cross(g, a)`; for np.kron, `g` reshaped so that every
axis splits into (a's index, b's index) is contracted with the other operand (einsum).
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import int_or_tuple, normalized
from .base import Add, Custom, bilinear, known_ranks, register, total
from .literals import literal
from .structural import check_numeric


def _tuple(items):
    return gast.Tuple(elts=list(items), ctx=gast.Load())


# ---------------------------------------------------------------- cross


def _cross_kind(arg_kinds, consts):
    ranks = []
    for kind in arg_kinds[:2]:
        check_numeric(kind, "np.cross")
        if kind.is_scalar:
            raise UnsupportedError("`np.cross` of a number; pass vectors of length 3")
        ranks.append(kind.ndim if kind.is_array else None)
    for name in ("axisa", "axisb", "axisc", "axis"):
        if name in consts.get("computed", ()):
            raise UnsupportedError(f"a computed `{name}` in np.cross; pass a constant")
    return K.array(None if None in ranks else max(ranks))


def _cross_axes(site):
    """(axisa, axisb, axisc), each counted from the end, so that they hold whatever
    leading axes (directions, broadcasting) come in front."""
    ra, rb = known_ranks(site, (0, 1), "np.cross")
    common = site.consts.get("axis")
    # NumPy: `axis`, when given, overrides the three others
    axes = [site.consts.get(name, -1) if common is None else common
            for name in ("axisa", "axisb", "axisc")]
    for value, name in zip(axes, ("axisa", "axisb", "axisc")):
        int_or_tuple(value, name)
    return tuple(normalized(axis, rank) - rank
                 for axis, rank in zip(axes, (ra, rb, max(ra, rb))))


def _cross_call(site, left, right, axes):
    keywords = [(name, literal(axis)) for name, axis in zip(("axisa", "axisb", "axisc"), axes)
                if axis != -1]
    return site.fill_call("np.cross(u, v)", keywords, u=left, v=right)


def _cross_adjoint(site):
    ax, bx, cx = _cross_axes(site)
    result = {}
    if site.active[0]:
        result[0] = Add(_cross_call(site, site.args[1], site.g, (bx, cx, ax)), reduce=True)
    if site.active[1]:
        result[1] = Add(_cross_call(site, site.g, site.args[0], (cx, ax, bx)), reduce=True)
    return result


def _cross_tangent(site):
    axes = _cross_axes(site)
    terms = []
    for position in (0, 1):
        if site.dots[position] is not None:
            pair = [site.args[0], site.args[1]]
            pair[position] = site.aligned(position)
            terms.append(_cross_call(site, pair[0], pair[1], axes))
    return total(terms)


register(Custom("np.cross", _cross_kind, _cross_adjoint, _cross_tangent, positions=(0, 1),
                names=("a", "b", "axisa", "axisb", "axisc", "axis"),
                doc="of 3-vectors (broadcast, along constant axes); `a`'s adjoint is "
                    "`np.cross(b, g)`, `b`'s `np.cross(g, a)`"), np.cross)


# ---------------------------------------------------------------- kron


def _kron_kind(arg_kinds, consts):
    ranks = []
    for kind in arg_kinds[:2]:
        check_numeric(kind, "np.kron")
        ranks.append(0 if kind.is_scalar else kind.ndim if kind.is_array else None)
    if None in ranks:
        return K.array(None)
    rank = max(ranks)
    return K.array(rank) if rank else K.SCALAR


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _kron_adjoint(site):
    """`g` reshaped to (a.shape[0], b.shape[0], a.shape[1], ...), each pair of axes one
    axis of the result, contracted with the other operand over its letters."""
    ra, rb = known_ranks(site, (0, 1), "np.kron")
    rank = max(ra, rb)
    shape, split, letters = [], [], {0: "", 1: ""}
    for axis in range(rank):
        for position, own in ((0, ra), (1, rb)):
            letter = _LETTERS[2 * axis + position]
            split.append(letter)
            inner = axis - (rank - own)
            if inner >= 0:
                letters[position] += letter
                shape.append(site.fill("x.shape[k]", x=site.args[position], k=const(inner)))
            else:
                shape.append(const(1))
    grid = site.fill("np.reshape(g, s)", s=_tuple(shape)) if rank else site.g
    result = {}
    for position in (0, 1):
        if site.active[position]:
            other = 1 - position
            spec = f"{''.join(split)},{letters[other]}->{letters[position]}"
            result[position] = Add(site.fill("np.einsum(s, G, y)", s=const(spec), G=grid,
                                             y=site.args[other]))
    return result


def _kron_tangent(site):
    if site.vector:
        return total(site.fill("np.kron(u, v)", u=site.aligned(0), v=site.args[1])
                     if i == 0 else site.fill("np.kron(u, v)", u=site.args[0],
                                              v=site.aligned(1))
                     for i in (0, 1) if site.dots[i] is not None)
    return bilinear(site, "np.kron(d, b)", "np.kron(a, d)")


register(Custom("np.kron", _kron_kind, _kron_adjoint, _kron_tangent, positions=(0, 1),
                names=("a", "b"),
                doc="bilinear; each operand's adjoint contracts `g` (reshaped to pairs of "
                    "axes) with the other operand (np.einsum)"), np.kron)
