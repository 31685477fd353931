"""Copies: np.repeat (each element repeated in place, `x.repeat()` too) and np.tile (the
whole array repeated). Each output element is a copy of one input element, so the
adjoint sums the copies back: a reshape that puts the copies on their own axis, summed
over it; with a different count per element (`repeats` an array), an np.add.at into the
repeated positions. The tangent repeats the tangent.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, Scatter, register
from .literals import constant, literal
from .structural import as_method, check_numeric, known_rank, scatter_along, subscript


def _tuple(items):
    return gast.Tuple(elts=list(items), ctx=gast.Load())


# ---------------------------------------------------------------- repeat


def _repeat_axis(site):
    axis = constant(site, "axis", 2)
    return None if axis is None else int_or_tuple(axis, "axis")


def _repeat_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.repeat")
    axis = consts.get("axis")
    if axis is None and len(arg_kinds) < 3:
        return K.array(1)
    if isinstance(axis, tuple):
        raise UnsupportedError("np.repeat repeats along one axis: pass an int")
    return K.array(kind.ndim) if kind.is_array else K.array(1 if kind.is_scalar else None)


def _one_count(site):
    """Whether every element is repeated as often (`repeats` an int)."""
    if "repeats" in site.consts:
        return isinstance(site.consts["repeats"], int)
    return site.kinds[1] == K.INT


def _repeat_adjoint(site):
    kind, axis, count = site.kinds[0], _repeat_axis(site), site.args[1]
    if kind.is_scalar:
        return {0: Add(site.g, reduce=True)}
    if _one_count(site):
        if axis is None:
            # (a.size, r), not (-1, r): repeats may be 0
            return {0: Add(site.fill("np.reshape(np.sum(np.reshape(g, (a.size, r)), axis=1), "
                                     "a.shape)", r=count))}
        ndim = known_rank(kind, "`np.repeat`")
        after = normalized(axis, ndim) + 1
        shape = [site.fill("a.shape[k]", k=const(i)) for i in range(ndim)]
        shape = _tuple(shape[:after] + [count] + shape[after:])
        return {0: Add(site.fill("np.sum(np.reshape(g, s), axis=k)", s=shape,
                                 k=const(after)))}
    if axis is None:
        sources = site.fill("np.repeat(np.arange(a.size), r)", r=count)
        if known_rank(kind, "`np.repeat`") > 1:
            sources = site.fill("np.unravel_index(i, a.shape)", i=sources)
        return {0: Scatter(sources, site.g, basic=False)}
    sources = site.fill("np.repeat(np.arange(a.shape[k]), r)", k=literal(axis), r=count)
    return scatter_along(site, axis, sources)


def _repeat_tangent(site):
    axis, count, dot = _repeat_axis(site), site.args[1], site.dots[0]
    if not site.vector:
        if axis is None:
            return site.fill("np.repeat(d, r)", d=dot, r=count)
        return site.fill("np.repeat(d, r, k)", d=dot, r=count, k=literal(axis))
    if axis is None:
        flat = site.fill("d[:, None]" if site.kinds[0].is_scalar else
                         "np.reshape(d, (len(d), -1))", d=dot)
        return site.fill("np.repeat(d, r, 1)", d=flat, r=count)
    return site.fill("np.repeat(d, r, k)", d=dot, r=count, k=literal(shift(axis)))


REPEAT = Custom("np.repeat", _repeat_kind, _repeat_adjoint, _repeat_tangent,
                names=("a", "repeats", "axis"), constants=(1,),
                doc="the adjoint sums each element's copies (a reshape and a sum; with an "
                    "array of counts, np.add.at)")
register(REPEAT, np.repeat)
register(as_method(REPEAT, "repeat", REPEAT.names), ir.Method("repeat"))


# ---------------------------------------------------------------- tile


def _reps(site):
    reps = constant(site, "reps", 1)
    if reps is None:
        raise UnsupportedError("np.tile needs `reps`")
    reps = int_or_tuple(reps, "reps")
    return reps if isinstance(reps, tuple) else (reps,)


def _tile_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.tile")
    if "reps" not in consts:
        raise UnsupportedError("a computed `reps` in np.tile; pass a constant int or tuple")
    reps = int_or_tuple(consts["reps"], "reps")
    count = len(reps) if isinstance(reps, tuple) else 1
    ndim = 0 if kind.is_scalar else kind.ndim if kind.is_array else None
    return K.array(None if ndim is None else max(ndim, count))


def _tile_plan(site):
    """The operand's rank, the number of axes the tiling adds in front and the counts of
    copies along every axis of the result."""
    ndim = known_rank(site.kinds[0], "`np.tile`")
    reps = _reps(site)
    size = max(ndim, len(reps))
    return ndim, size - ndim, (1,) * (size - len(reps)) + reps


def _tile_adjoint(site):
    """`g` reshaped with each axis's copies on an axis of their own before it, summed
    over those: (2, n, 3, m) for `np.tile(a, (2, 3))` with `a` of shape (n, m)."""
    if site.kinds[0].is_scalar:
        return {0: Add(site.g, reduce=True)}
    ndim, added, reps = _tile_plan(site)
    shape, summed = [], []
    for axis, count in enumerate(reps):
        if count != 1:
            summed.append(len(shape))
            shape.append(literal(count))
        if axis >= added:
            shape.append(site.fill("a.shape[k]", k=const(axis - added)))
    if not summed:
        return {0: Add(site.fill("np.reshape(g, a.shape)") if added else site.g)}
    axes = summed[0] if len(summed) == 1 else tuple(summed)
    return {0: Add(site.fill("np.sum(np.reshape(g, s), axis=k)", s=_tuple(shape),
                             k=literal(axes)))}


def _tile_tangent(site):
    reps, dot = _reps(site), site.dots[0]
    if not site.vector:
        return site.fill("np.tile(d, r)", d=dot, r=literal(reps if len(reps) > 1 else reps[0]))
    _, added, reps = _tile_plan(site)
    if added:
        dot = subscript(dot, _tuple([gast.Slice(None, None, None)] + [const(None)] * added))
    return site.fill("np.tile(d, r)", d=dot, r=literal((1,) + reps))


register(Custom("np.tile", _tile_kind, _tile_adjoint, _tile_tangent, names=("A", "reps"),
                doc="`reps` a constant; the adjoint sums the copies (`g` reshaped with the "
                    "copies on axes of their own, summed over them)"), np.tile)
