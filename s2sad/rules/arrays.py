"""Array primitives whose adjoint is not elementwise: reductions, products, indexing.

Shapes, joins, casts and constructors are in shapes.py.

Each adjoint picks its formula from the operands' ranks, known when the derivative is
generated; when a rank is unknown (no example arguments), a runtime helper that works
for every rank is called instead.
"""
import functools
import numbers
import operator

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop
from ..syntax.template import const
from .axes import shift
from .base import Add, Custom, Scatter, bilinear, rank, register, total
from .elementwise import MULTIPLY
from .indices import index_parts
from .literals import literal


def _axis(consts):
    for name in ("dtype", "out"):
        if consts.get(name) is not None:
            raise UnsupportedError(f"`{name}=` in a reduction has no derivative rule; "
                                   "convert the result afterwards instead.")
    axis = consts.get("axis")
    if axis is not None and not isinstance(axis, (int, tuple)):
        raise UnsupportedError("`axis` must be a constant int or tuple of ints.")
    return axis


def _reduction_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    axis = _axis(consts)
    if not kind.is_array:
        return kind if kind.is_scalar else K.UNKNOWN
    if consts.get("keepdims"):
        return K.array(kind.ndim)
    if axis is None:
        return K.SCALAR
    if kind.ndim is None:
        return K.UNKNOWN
    removed = len(axis) if isinstance(axis, tuple) else 1
    return K.array(kind.ndim - removed)


def _spread(site, value):
    """`value` (shaped like the reduced result) broadcast back to the operand's shape."""
    axis = _axis(site.consts)
    if axis is None and not site.consts.get("keepdims"):
        return site.fill("np.full_like(t, v)", v=value, t=site.template(0))
    if not site.consts.get("keepdims"):
        value = site.fill("np.expand_dims(v, axis)", v=value, axis=const(axis))
    return site.fill("v * np.ones_like(t)", v=value, t=site.template(0))


def _sum_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: _spread_add(site, site.g)}


def _spread_add(site, value):
    """The contribution of a reduction's adjoint: for a reduction to one number, that
    number, left narrow (the emitter widens it to the operand's shape only where an
    operation needs the array)."""
    if _axis(site.consts) is None and not site.consts.get("keepdims"):
        return Add(value, narrow=True)
    return Add(_spread(site, value))


def reduced_count(site):
    """The number of elements each result element reduces over, as an expression."""
    axis = _axis(site.consts)
    if axis is None:
        return site.fill("t.size", t=site.template(0))
    axes = axis if isinstance(axis, tuple) else (axis,)
    if not axes:
        return const(1)
    terms = [site.fill("t.shape[k]", k=literal(k), t=site.template(0)) for k in axes]
    return functools.reduce(lambda left, right: binop(left, gast.Mult(), right), terms)


def nonempty_count(site):
    """`max(n, 1)`, the count to divide by: an empty slice has a NaN mean (NumPy warns)
    but an empty adjoint and a tangent of 0 (the sum of nothing), which dividing by 1
    gives without a ZeroDivisionError or a warning of the derivative's own."""
    return site.fill("max(n, 1)", n=reduced_count(site))


def _mean_adjoint(site):
    if isinstance(_axis(site.consts), tuple):
        raise UnsupportedError("`np.mean` over a tuple of axes has no derivative rule yet.")
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: _spread_add(site, site.fill("g / n", n=nonempty_count(site)))}


def _reduction_tangent(function):
    """Sums and means are linear: the tangent is the same reduction of the tangent, over
    axes moved one place right in vector mode (the direction axis is not reduced). A
    mean's is the sum divided by the count, so that an empty slice's is 0, not NaN."""
    def tangent(site):
        dot = site.dots[0]
        if site.kinds[0].is_scalar:
            return dot
        call = site.fill("np.sum(d)", d=dot)
        call.keywords = reduction_keywords(site, site.vector)
        if function == "mean":
            return binop(call, gast.Div(), nonempty_count(site))
        return call
    return tangent


def reduction_keywords(site, vector):
    """`axis=..., keepdims=...` of the reduction, over the axes after the directions for
    a tangent in vector mode."""
    axis = _axis(site.consts)
    if vector:
        axis = tuple(range(1, rank(site.kinds[0]) + 1)) if axis is None else shift(axis)
        if isinstance(axis, tuple) and len(axis) == 1:
            axis = axis[0]
    keywords = []
    if axis is not None:
        keywords.append(gast.keyword(arg="axis", value=literal(axis)))
    if site.consts.get("keepdims"):
        keywords.append(gast.keyword(arg="keepdims", value=const(True)))
    return keywords


_REDUCTION = ("a", "axis", "dtype", "out", "keepdims")
register(Custom("np.sum", _reduction_kind, _sum_adjoint, _reduction_tangent("sum"),
                names=_REDUCTION, doc="the adjoint spreads over the summed axes"), np.sum)
register(Custom("np.mean", _reduction_kind, _mean_adjoint, _reduction_tangent("mean"),
                names=_REDUCTION, doc="the adjoint spreads over the averaged axes, divided "
                                      "by their length; over no element (a NaN mean) the "
                                      "gradient is empty and the tangent 0"), np.mean)


def _product_kind(arg_kinds, consts):
    a, b = arg_kinds
    if a.is_scalar or b.is_scalar:
        return K.broadcast(arg_kinds)
    if a.ndim is None or b.ndim is None:
        return K.UNKNOWN
    return K.array(max(a.ndim + b.ndim - 2, 0), _product_lengths(a, b))


def _product_lengths(a, b):
    """The token of `a @ b` for vectors and matrices: (n, k) @ (k, m) is (n, m) and a
    vector loses its axis, so only the lengths n and m need be known (a vector times a
    matrix has the matrix's column count whatever the vector). None (a fresh token)
    otherwise."""
    if max(a.ndim, b.ndim) > 2:
        return None
    rows = () if a.ndim == 1 else (K.lengths(a) or (None,))[:1]
    cols = () if b.ndim == 1 else (K.lengths(b) or (None, None))[1:]
    if None in rows + cols or not rows + cols:
        return None
    return K.dims(rows + cols)


# (rank of a, rank of b) -> adjoint templates for a and b
_PRODUCT_ADJOINTS = {
    (1, 1): ("g * b", "g * a"),
    (2, 1): ("np.outer(g, b)", "g @ a"),
    (1, 2): ("b @ g", "np.outer(a, g)"),
    (2, 2): ("g @ b.T", "a.T @ g"),
}


_ANY_RANK = ("matmul_adjoint_a(g, a, b)", "matmul_adjoint_b(g, a, b)")


def _product_adjoint(site):
    a, b = site.kinds
    if a.is_scalar or b.is_scalar:
        templates = ("g * b", "g * a")
        reduce = (not K.same_shape(a, site.out_kind), not K.same_shape(b, site.out_kind))
    else:
        templates = _PRODUCT_ADJOINTS.get((a.ndim, b.ndim), _ANY_RANK)
        reduce = (False, False)
    return {i: Add(site.fill(templates[i]), reduce[i]) for i in (0, 1) if site.active[i]}


def _product_tangent(site, dot=False):
    """`a_dot @ b + a @ b_dot`. In vector mode a vector `b` has its tangent's direction
    axis first, so its term is written `b_dot @ a.T` (directions stay in front)."""
    a, b = site.kinds
    if a.is_scalar or b.is_scalar:
        return MULTIPLY.tangent(site)
    if not site.vector:
        if dot and not (a.ndim is not None and b.ndim is not None and max(a.ndim, b.ndim) <= 2):
            return bilinear(site, "np.dot(d, b)", "np.dot(a, d)")
        return bilinear(site, "d @ b", "a @ d")
    if rank(a) > 2 or rank(b) > 2:
        raise UnsupportedError("products of arrays of rank above 2 have no rule for "
                               "tangents in several directions yet; compute one direction "
                               "at a time with s2sad.jvp.")
    terms = []
    if site.dots[0] is not None:
        terms.append(site.fill("d @ b", d=site.dots[0]))
    if site.dots[1] is not None:
        template = "d @ a.T" if rank(b) == 1 else "a @ d"
        terms.append(site.fill(template, d=site.dots[1]))
    return total(terms)


register(Custom("@", _product_kind, _product_adjoint, _product_tangent, (0, 1),
                doc="arrays of rank above 2 are stacks of matrices, broadcast against each "
                    "other"),
         operator.matmul, np.matmul)


def _dot_kind(arg_kinds, consts):
    a, b = arg_kinds
    if a.is_array and b.is_array and (a.ndim or 0) >= 2 and (b.ndim or 0) > 2:
        raise UnsupportedError("`np.dot` of a matrix with an array of rank above 2 pairs their "
                               "axes differently from `@` and has no derivative rule; use "
                               "`@` (np.matmul), which pairs the last two axes and "
                               "broadcasts the others.")
    return _product_kind(arg_kinds, consts)


register(Custom("np.dot", _dot_kind, _product_adjoint,
                lambda site: _product_tangent(site, dot=True), (0, 1),
                doc="like `@`; a matrix with an array of rank above 2 is an error"), np.dot)


def _index_parts(index):
    return index if isinstance(index, tuple) else (index,)


def _is_int_part(part, consts):
    """Whether an index part is an integer (which drops its axis)."""
    if isinstance(part, (ir.Const, ir.Global)):
        # from the value: a constant or global array is not hashable
        return isinstance(part.value, numbers.Integral) \
            and not isinstance(part.value, (bool, np.bool_))
    return isinstance(part, ir.Var) and part in consts["int_atoms"]


def _constant_array(part):
    """The value of an index part that is a constant or global array, else None."""
    if isinstance(part, (ir.Const, ir.Global)) and isinstance(part.value, np.ndarray):
        return part.value
    return None


def _index_shape(parts, consts, part_kinds):
    """For each index part: "slice", "new" (None), "ellipsis", "int" or "array"; and the
    number of axes the index removes from the operand and adds to the result, or None
    where the parts' kinds leave it open (an argument index array of rank above one may
    be a boolean mask or hold integers)."""
    tags, taken, added, advanced = [], 0, 0, 0
    for i, part in enumerate(parts):
        if isinstance(part, ir.Slice):
            tags.append("slice")
        elif isinstance(part, ir.Const) and part.value is None:
            tags.append("new")
            added += 1
        elif isinstance(part, ir.Const) and part.value is Ellipsis:
            tags.append("ellipsis")
        elif _is_int_part(part, consts):
            tags.append("int")
            taken += 1
        else:
            tags.append("array")
            value = _constant_array(part)
            kind = part_kinds[i] if part_kinds is not None else K.UNKNOWN
            if value is not None and value.dtype == bool:
                taken, advanced = taken + value.ndim, max(advanced, 1)
            elif value is not None:
                taken, advanced = taken + 1, max(advanced, value.ndim)
            elif kind.is_array and kind.ndim == 1:
                # one axis taken, one added: the same for a mask and for integers
                taken, advanced = taken + 1, max(advanced, 1)
            else:
                taken = None
        if taken is None:
            return tags, None, None
    return tags, taken, added + advanced


def _part_kinds(arg_kinds, consts):
    if not isinstance(consts["index"], tuple):
        return [arg_kinds[1]]
    return consts.get("index_kinds")


def _getitem_kind(arg_kinds, consts):
    kind, index = arg_kinds[0], consts["index"]
    if not kind.is_array:
        if kind.is_scalar:
            raise UnsupportedError("indexing a scalar value.")
        parts = index_parts(kind)
        if parts is not None and parts[1] != 0 and _is_int_part(index, consts):
            return K.array(parts[1])  # one array of a tuple of index arrays
        return K.INT if K.not_a_number(kind) and not isinstance(index, ir.Slice) else K.UNKNOWN
    parts = _whole_index(arg_kinds, consts)
    if parts is not None:
        count, rank = parts
        if count is None or rank is None:
            return K.array(None)
        return K.UNKNOWN if kind.ndim is None else K.array(kind.ndim - count + rank)
    tags, taken, added = _index_shape(_index_parts(index), consts,
                                      _part_kinds(arg_kinds, consts))
    if taken is None:
        return K.array(None)
    if kind.ndim is None:
        return K.UNKNOWN
    found = K.lengths(kind)
    if found is not None and added == 0 and tags == ["int"] * taken:
        return K.array(kind.ndim - taken, K.dims(found[taken:]))
    return K.array(kind.ndim - taken + added, _sliced_shape(kind, index))


def _whole_index(arg_kinds, consts):
    """(count, rank) of an index that is one value holding a tuple of integers or of index
    arrays (`x[np.nonzero(m)]`, `A[np.triu_indices(n)]`), else None."""
    if isinstance(consts["index"], tuple):
        return None
    return index_parts(arg_kinds[1])


def _sliced_shape(kind, index):
    """The shape token of `x[a:]`, `x[:-b]`, `x[a:-b]` (constant a, b >= 0, no step): the
    first axis's length is the symbol of the length shortened by a + b (clipped at 0), so
    `x[1:]` and `x[:-1]` have the same lengths and `x[1:] - x[:-1] ** 2` needs no
    `unbroadcast`. None (a fresh token) otherwise."""
    found = K.lengths(kind)
    if found is None or not isinstance(index, ir.Slice) or index.step is not None:
        return None
    lower = 0 if index.lower is None else _literal_int(index.lower)
    upper = 0 if index.upper is None else _literal_int(index.upper)
    if lower is None or upper is None or lower < 0 or upper > 0 or \
            (index.upper is not None and upper == 0):
        return None
    if lower == upper == 0:
        return kind.shape
    return K.dims((("cut", found[0], lower - upper),) + tuple(found[1:]))


def _literal_int(atom):
    if isinstance(atom, ir.Const) and type(atom.value) is int:
        return atom.value
    return None


def _getitem_adjoint(site):
    basic = site.consts["basic_index"]
    index = site.args[1]
    if not basic and any(isinstance(p, gast.Slice) for p in _gast_parts(index)):
        # a slice is written `np.s_[i, 1:3]` outside a subscript (np.add.at's argument)
        index = gast.Subscript(value=site.fill("np.s_"), slice=index, ctx=gast.Load())
    return {0: Scatter(index, site.g, basic)}


def _gast_parts(index):
    return index.elts if isinstance(index, gast.Tuple) else [index]


def _split_advanced(tags):
    """Whether the advanced parts of an index (arrays, and integers next to arrays) are
    apart, so NumPy puts their axes first in the result."""
    if "array" not in tags:
        return False
    where = [i for i, tag in enumerate(tags) if tag in ("array", "int")]
    return where[-1] - where[0] + 1 != len(where)


def _getitem_tangent(site):
    dot = site.dots[0]
    if site.vector and _whole_index(site.kinds, site.consts) is not None:
        # the tuple's arrays index the axes after the direction axis
        return site.fill("d[(slice(None),) + i]", d=dot, i=site.args[1])
    if site.vector:
        tags, _, _ = _index_shape(_index_parts(site.consts["index"]), site.consts,
                                  _part_kinds(site.kinds, site.consts))
        if _split_advanced(tags):
            if "ellipsis" in tags:
                raise UnsupportedError("an index with `...` and index arrays apart has no "
                                       "rule for tangents in several directions; compute one "
                                       "direction at a time with s2sad.jvp")
            # with index arrays apart NumPy puts their axes first: index the tangent with
            # its direction axis last instead, then move that axis to the front
            moved = site.fill("np.moveaxis(d, 0, -1)", d=dot)
            picked = gast.Subscript(value=moved, slice=site.args[1], ctx=gast.Load())
            return site.fill("np.moveaxis(v, -1, 0)", v=picked)
    return gast.Subscript(value=dot, slice=directions_first(site.args[1], site.vector),
                          ctx=gast.Load())


def directions_first(index, vector):
    """The subscript that picks what `index` picks, from a tangent: in vector mode the
    direction axis comes first and is kept whole (`x[i]` -> `x_dot[:, i]`)."""
    if not vector:
        return index
    whole = gast.Slice(None, None, None)
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return gast.Tuple(elts=[whole] + list(parts), ctx=gast.Load())


class Indexing(Custom):
    """`x[index]`: piecewise constant in the index when `x` is an array or a number; an
    index into anything else (`np.r_[x, c]`, a tuple) is data, not an index."""

    def constant(self, position, arg_kinds):
        return position > 0 and arg_kinds[0].tag in ("array", "scalar", "int", "unknown")


register(Indexing("indexing", _getitem_kind, _getitem_adjoint, _getitem_tangent,
                  doc="integers, slices, `None`, `...`, index arrays and masks; with index "
                      "arrays or masks the adjoint adds with np.add.at (an element may be "
                      "picked more than once)"),
         operator.getitem)
register(Custom(".real", lambda kinds, consts: kinds[0], lambda site: {0: Add(site.g)},
                lambda site: site.fill("d.real", d=site.dots[0]),
                doc="of a real array: the identity"), ir.Attr("real"))


def _identity_kind(arg_kinds, consts):
    return arg_kinds[0]


def _identity_adjoint(site):
    return {0: Add(site.g)}


register(Custom("copy", _identity_kind, _identity_adjoint, lambda site: site.dots[0],
                doc="the identity"), ir.COPY, ir.Method("copy"), np.copy)
