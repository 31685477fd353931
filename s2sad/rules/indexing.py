"""Indexing (`x[index]`: integers, slices, `None`, `...`, index arrays, masks) and the
identities (`x.real` of a real array, copies).

An index's adjoint adds `g` into a zero array at the indexed elements (with np.add.at
where an index array may pick an element twice); its tangent indexes the tangent, with
the direction axis kept whole in front in vector mode.
"""
import numbers
import operator

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import Add, Custom, Scatter, register
from .indices import index_parts


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
        elif isinstance(part, tuple) and _list_rank(part, consts) is not None:
            # a list of integers (`x[[0, 2, 0]]`): an index array of the list's rank
            tags.append("array")
            taken, advanced = taken + 1, max(advanced, _list_rank(part, consts))
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


def _list_rank(items, consts):
    """The rank of the index array a (nested) list of integers stands for, or None."""
    if items and all(isinstance(item, tuple) for item in items):
        ranks = {_list_rank(item, consts) for item in items}
        return None if None in ranks or len(ranks) != 1 else 1 + ranks.pop()
    return 1 if all(_is_int_part(item, consts) for item in items) else None


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
                names=("a", "order", "subok"), doc="the identity"),
         ir.COPY, ir.Method("copy"), np.copy)
# real input is returned as it is (a complex one is refused: not in rules.COMPLEX)
register(Custom("np.real_if_close", _identity_kind, _identity_adjoint,
                lambda site: site.dots[0], names=("a", "tol"),
                doc="the identity (of real input, which it returns unchanged)"),
         np.real_if_close)
