"""Elements picked by position: np.diagonal (with `x.diagonal()`), np.take (with
`x.take()`), np.take_along_axis, and np.diagflat, which puts elements on a diagonal.

Picking is linear: the tangent picks from the tangent; the adjoint adds `g` back where
the elements came from, into zeros. An index array may pick an element twice, so
np.take's and np.take_along_axis's adjoints add with np.add.at; a diagonal's positions
are distinct.
"""
import gast
import numpy as np

from .. import ir, runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, Scatter, register
from .literals import constant, literal
from .structural import as_method, check_numeric, known_rank, scatter_along


def _tuple(items):
    return gast.Tuple(elts=list(items), ctx=gast.Load())


def _whole():
    return gast.Slice(None, None, None)


def _trimmed(parts):
    """An index without its trailing whole slices (`x[:, i, j]`, not `x[:, i, j, :]`)."""
    while len(parts) > 1 and isinstance(parts[-1], gast.Slice) and parts[-1].lower is None \
            and parts[-1].upper is None:
        parts = parts[:-1]
    return parts[0] if len(parts) == 1 else _tuple(parts)


# ---------------------------------------------------------------- diagonal


def _diagonal_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.diagonal")
    if kind.is_scalar or (kind.is_array and kind.ndim is not None and kind.ndim < 2):
        raise UnsupportedError("`np.diagonal` needs an array of rank 2 or more")
    return K.array(kind.ndim - 1) if kind.is_array and kind.ndim is not None else K.UNKNOWN


def _diagonal_plan(site):
    """(offset, axis1, axis2), the axes counted from the front."""
    ndim = known_rank(site.kinds[0], "`np.diagonal`")
    offset = constant(site, "offset", 1, 0)
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise UnsupportedError("a computed `offset` in np.diagonal; pass a constant")
    first = int_or_tuple(constant(site, "axis1", 2, 0), "axis1")
    second = int_or_tuple(constant(site, "axis2", 3, 1), "axis2")
    return offset, normalized(first, ndim), normalized(second, ndim)


def _diagonal_adjoint(site):
    """`g` (the diagonal last) added at the diagonal's positions: index arrays at axis1 and
    axis2, whose axis NumPy puts where they stand if they are next to each other, else
    first."""
    offset, first, second = _diagonal_plan(site)
    ndim = known_rank(site.kinds[0], "`np.diagonal`")
    steps = site.fill("np.arange(g.shape[-1])")
    rows = site.fill("s + k", s=steps, k=const(-offset)) if offset < 0 else steps
    cols = site.fill("s + k", s=site.fill("np.arange(g.shape[-1])"), k=const(offset)) \
        if offset > 0 else site.fill("np.arange(g.shape[-1])")
    parts = [_whole() for _ in range(ndim)]
    parts[first], parts[second] = rows, cols
    value = site.g
    if ndim > 2:
        where = min(first, second) if abs(first - second) == 1 else 0
        if where != ndim - 2:
            value = site.fill("np.moveaxis(g, -1, k)", k=const(where))
    return {0: Scatter(_trimmed(parts), value)}


def _diagonal_tangent(site):
    offset, first, second = _diagonal_plan(site)
    if site.vector:
        first, second = first + 1, second + 1
    args = [site.dots[0]]
    if (offset, first, second) != (0, 0, 1):
        args += [literal(offset), const(first), const(second)]
    return gast.Call(func=site.fill("np.diagonal"), args=args, keywords=[])


DIAGONAL = Custom("np.diagonal", _diagonal_kind, _diagonal_adjoint, _diagonal_tangent,
                  names=("a", "offset", "axis1", "axis2"),
                  doc="the adjoint adds `g` on the same diagonal of zeros; any axes and "
                      "offset (constants)")
register(DIAGONAL, np.diagonal)
register(as_method(DIAGONAL, "diagonal", DIAGONAL.names), ir.Method("diagonal"))


# ---------------------------------------------------------------- take


def _index_rank(kind, consts, name):
    value = consts.get(name)
    if value is not None and not isinstance(value, str):
        return np.ndim(value)
    if kind == K.INT:
        return 0
    if kind.is_array:
        return kind.ndim
    return None


def _take_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.take")
    if consts.get("mode", "raise") != "raise" or consts.get("out") is not None:
        raise UnsupportedError("`mode=` and `out=` in np.take have no derivative rule; keep "
                               "the indices in range and leave them out")
    if len(arg_kinds) > 2 and "axis" not in consts:
        raise UnsupportedError("a computed `axis` in np.take; pass a constant")
    picked = _index_rank(arg_kinds[1], consts, "indices")
    axis = consts.get("axis")
    if picked is None:
        return K.array(None)
    if axis is None:
        return K.array(picked) if picked else K.SCALAR
    ndim = 0 if kind.is_scalar else kind.ndim if kind.is_array else None
    if ndim is None:
        return K.array(None)
    rank = ndim - 1 + picked
    return K.array(rank) if rank else K.SCALAR


def _take_axis(site):
    axis = constant(site, "axis", 2)
    return None if axis is None else int_or_tuple(axis, "axis")


def _take_adjoint(site):
    axis, indices = _take_axis(site), site.args[1]
    if isinstance(indices, gast.Tuple):
        # constant indices written as a list: a tuple would index several axes
        indices = gast.List(elts=indices.elts, ctx=gast.Load())
    if axis is None:
        if known_rank(site.kinds[0], "`np.take`") > 1:
            # flat positions, made non-negative, as positions of the array's elements
            indices = site.fill("np.unravel_index(np.mod(i, a.size), a.shape)", i=indices)
        return {0: Scatter(indices, site.g, basic=False)}
    return scatter_along(site, axis, indices)


def _take_tangent(site):
    axis, indices, dot = _take_axis(site), site.args[1], site.dots[0]
    if not site.vector:
        text = "np.take(d, i)" if axis is None else "np.take(d, i, k)"
        return site.fill(text, d=dot, i=indices, k=literal(axis))
    if axis is None:
        dot, axis = site.fill("np.reshape(d, (len(d), -1))", d=dot), 0
    return site.fill("np.take(d, i, k)", d=dot, i=indices, k=literal(shift(axis)))


TAKE = Custom("np.take", _take_kind, _take_adjoint, _take_tangent,
              names=("a", "indices", "axis", "out", "mode"), constants=(1,),
              doc="the adjoint adds `g` at the taken positions with np.add.at (an index may "
                  "repeat); mode 'raise' only")
register(TAKE, np.take)
register(as_method(TAKE, "take", TAKE.names), ir.Method("take"))


# ---------------------------------------------------------------- take_along_axis


def _along_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.take_along_axis")
    if "axis" not in consts and "axis" not in consts.get("computed", ()) \
            and len(arg_kinds) < 3:
        raise UnsupportedError("np.take_along_axis needs `axis`")
    if "axis" in consts.get("computed", ()) or (len(arg_kinds) > 2 and "axis" not in consts):
        raise UnsupportedError("a computed `axis` in np.take_along_axis; pass a constant")
    if consts["axis"] is None:
        return K.array(1)
    return K.array(kind.ndim) if kind.is_array else K.UNKNOWN


def _along_axis(site):
    return site.consts["axis"]


def _along_adjoint(site):
    axis = _along_axis(site)
    if axis is None:
        return {0: Add(site.fill("np.reshape(v, a.shape)", v=site.helper(
            runtime.take_along_axis_adjoint, site.g, site.args[1], const(0),
            site.fill("(a.size,)"))))}
    return {0: Add(site.helper(runtime.take_along_axis_adjoint, site.g, site.args[1],
                               literal(axis), site.fill("a.shape")))}


def _along_tangent(site):
    axis, indices, dot = _along_axis(site), site.args[1], site.dots[0]
    if not site.vector:
        return site.fill("np.take_along_axis(d, i, k)", d=dot, i=indices, k=literal(axis))
    if axis is None:
        dot, axis = site.fill("np.reshape(d, (len(d), -1))", d=dot), 0
    # the indices get a direction axis of length one, which broadcasts
    return site.fill("np.take_along_axis(d, i[None], k)", d=dot, i=indices,
                     k=literal(shift(axis)))


register(Custom("np.take_along_axis", _along_kind, _along_adjoint, _along_tangent,
                names=("arr", "indices", "axis"), constants=(1,),
                doc="the adjoint adds `g` at the taken positions with np.add.at (an index "
                    "may repeat; `runtime.take_along_axis_adjoint`)"), np.take_along_axis)


def _helper_adjoint(site):
    axis = constant(site, "axis", 2)
    return {0: Add(site.fill("np.take_along_axis(g, i, k)", i=site.args[1],
                             k=literal(axis)))}


def _helper_tangent(site):
    axis = constant(site, "axis", 2)
    if site.vector:
        return site.helper(runtime.take_along_axis_adjoint, site.dots[0],
                           site.fill("i[None]", i=site.args[1]), literal(shift(axis)),
                           site.fill("(len(d),) + s", d=site.dots[0], s=site.args[3]))
    return site.helper(runtime.take_along_axis_adjoint, site.dots[0], *site.args[1:])


register(Custom("take_along_axis_adjoint", lambda kinds, consts: K.array(None),
                _helper_adjoint, _helper_tangent, names=("g", "indices", "axis", "shape"),
                constants=(1, 3),
                doc="linear in `g`: its adjoint is np.take_along_axis"),
         runtime.take_along_axis_adjoint)


# ---------------------------------------------------------------- diagflat


def _diagflat_kind(arg_kinds, consts):
    check_numeric(arg_kinds[0], "np.diagflat")
    return K.array(2)


def _diagflat_offset(site):
    k = constant(site, "k", 1, 0)
    if isinstance(k, bool) or not isinstance(k, int):
        raise UnsupportedError("a computed `k` in np.diagflat; pass a constant")
    return k


def _diagflat_adjoint(site):
    k = _diagflat_offset(site)
    value = site.fill("np.diag(g, k)" if k else "np.diag(g)", k=literal(k))
    if site.kinds[0].is_scalar:
        return {0: Add(value, reduce=True)}
    return {0: Add(site.fill("np.reshape(v, np.shape(a))", v=value))}


def _diagflat_tangent(site):
    k, dot = _diagflat_offset(site), site.dots[0]
    if not site.vector:
        return site.fill("np.diagflat(d, k)" if k else "np.diagflat(d)", d=dot, k=literal(k))
    flat = site.fill("np.reshape(d, (len(d), -1))", d=dot)
    value = site.fill("v[:, :, None] * np.eye(v.shape[1], dtype=v.dtype)", v=flat)
    if not k:
        return value
    shifted = ((0, 0), (0, k), (k, 0)) if k > 0 else ((0, 0), (-k, 0), (0, -k))
    return site.fill("np.pad(v, w)", v=value, w=literal(shifted))


register(Custom("np.diagflat", _diagflat_kind, _diagflat_adjoint, _diagflat_tangent,
                names=("v", "k"),
                doc="the adjoint is the same diagonal of `g` (`np.diag(g, k)`), in the "
                    "operand's shape"), np.diagflat)
