"""Lists a function builds at run time: making one, appending to it, reading its items,
and the calls that take one whole (`sum`, `math.fsum`, `max`, `np.array`, `np.stack`...).

A list built with `append` is its own tape: an item, once appended, is never overwritten,
so the backward sweep needs nothing saved for it. Its adjoint is a list of the items'
adjoints (emit/lists.py keeps it): a read `y = xs[i]` adds `y_bar` at `xs_bar[i]`
(`Item`), a call that takes the whole list adds one value to each item's adjoint
(`Each`: `np.stack`'s adjoint gives each item its slice of `g`, `sum`'s gives each `g`),
and the adjoint of `xs.append(v)` pops the last one into `v_bar` (emit/operations.py).
A tangent is a list of the items' tangents that goes through the same operations
(`np.stack(xs_dot)`, `xs_dot[i]`, `sum(xs_dot)`); in vector mode each item's tangent has
the direction axis first, so an axis of the joined result moves one place right.

The rows are keyed by `ir.OnList(prim)`, apart from the same call on arrays or on a list
display written in the call (which joins.py packs): the lowering knows which lists are
built at run time and says so in the primitive.
"""
import builtins
import math
import operator
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import int_or_tuple, shift
from .base import Add, Custom, register
from .literals import literal
from .structural import call, subscript


@dataclass(frozen=True)
class Each:
    """A contribution to every item's adjoint of a list: `value` holds one value per item
    (an array's rows, a list), or with `same`, is one value added to every item."""
    value: object
    same: bool = False


@dataclass(frozen=True)
class Item:
    """A contribution `value` to the adjoint of item `index` of a list, or with `many`
    (a slice), one value per item of `index`."""
    index: object
    value: object
    many: bool = False


def item_kind(kinds, what):
    """The one kind of the items whose kinds are `kinds` (numbers may mix with integers,
    and anything with an unknown kind, for a derivative made without example arguments),
    or an error for a list of numbers and arrays, or of values that are neither."""
    found = None
    for kind in kinds:
        if kind is None:
            continue
        if kind.tag == "unknown" or found is not None and found.tag == "unknown":
            found = K.UNKNOWN
            continue
        if kind.tag not in ("scalar", "int", "array"):
            raise UnsupportedError(f"{what} holding {kind}; s2sad differentiates lists of "
                                   "numbers or of arrays (a list of lists: use np.array "
                                   "or keep one list per row)")
        if found is not None and found.is_scalar != kind.is_scalar:
            raise UnsupportedError(f"{what} of numbers and arrays mixed; keep numbers and "
                                   "arrays in lists of their own (or make every item an "
                                   "array, `np.array(v)`)")
        found = kind if found is None else K.join(found, kind, None)
    if found is not None and found.tag == "array" and found.shape[:1] == ("mutable",):
        found = K.array(found.ndim)
    return found


def _item_of(arg_kinds):
    kind = arg_kinds[0]
    if kind.tag != "list":
        raise UnsupportedError(f"a list operation on {kind}")
    return kind.item if kind.item is not None else K.SCALAR


# ---------------------------------------------------------------- making and appending

def _list_kind(arg_kinds, consts):
    return K.list_of(item_kind(arg_kinds, "a list"))


def _list_adjoint(site):
    return {i: Add(subscript(site.g, const(i))) for i in range(len(site.args))
            if site.active[i]}


def _append_kind(arg_kinds, consts):
    return K.list_of(item_kind([arg_kinds[0].item, arg_kinds[1]], "a list"))


def _emitted_apart(site):
    raise AssertionError("written by the emitters themselves (emit/lists.py, tangent.py)")


class _Items(Custom):
    """A rule differentiable in each of any number of arguments (a list's items)."""

    def differentiable(self, position):
        return True


register(_Items("[...]", _list_kind, _list_adjoint, _emitted_apart,
                doc="each item's adjoint is its item of the list's"), ir.LIST)
register(Custom(".append()", _append_kind, _emitted_apart, _emitted_apart, (0, 1),
                doc="the appended value's adjoint is popped off the list's"), ir.APPEND)


# ---------------------------------------------------------------- reading items

def _getitem_kind(arg_kinds, consts):
    if isinstance(consts.get("index"), ir.Slice):
        return arg_kinds[0]
    if arg_kinds[1] not in (K.INT, K.UNKNOWN):
        raise UnsupportedError(f"indexing a list with {arg_kinds[1]}; index it with an "
                               "integer or a slice")
    return _item_of(arg_kinds)


def _getitem_adjoint(site):
    many = isinstance(site.consts.get("index"), ir.Slice)
    return {0: Item(site.args[1], site.g, many)}


def _getitem_tangent(site):
    return subscript(site.dots[0], site.args[1])


register(Custom("xs[i]", _getitem_kind, _getitem_adjoint, _getitem_tangent, constants=(1,),
                doc="the item's adjoint is added to the list's at the index"),
         ir.OnList(operator.getitem))


def _concat_kind(arg_kinds, consts):
    return K.list_of(item_kind([k.item for k in arg_kinds], "a list"))


def _concat_adjoint(site):
    parts = {0: site.fill("g[:len(a)]"), 1: site.fill("g[len(a):]")}
    return {i: Each(parts[i]) for i in (0, 1) if site.active[i]}


def _concat_tangent(site):
    return site.fill("a + b", a=site.dots[0], b=site.dots[1])


register(Custom("list(xs)", lambda kinds, consts: kinds[0], lambda site: {0: Each(site.g)},
                lambda site: site.fill("list(d)", d=site.dots[0]),
                doc="the copy's adjoint goes to each item"), ir.OnList(builtins.list))
register(Custom("xs + ys", _concat_kind, _concat_adjoint, _concat_tangent, (0, 1),
                doc="each list's adjoint is its part of the result's"),
         ir.OnList(operator.add))


# ---------------------------------------------------------------- sums and extrema

def _sum_kind(arg_kinds, consts):
    return _item_of(arg_kinds)


def _sum_adjoint(site):
    return {0: Each(site.g, same=True)}


def _fsum_tangent(site):
    return site.fill("sum(d)" if site.vector else "math.fsum(d)", d=site.dots[0])


register(Custom("sum(xs)", _sum_kind, _sum_adjoint,
                lambda site: site.fill("sum(d)", d=site.dots[0]),
                doc="each item's adjoint gets the sum's"), ir.OnList(builtins.sum))
register(Custom("math.fsum(xs)", lambda kinds, consts: K.SCALAR, _sum_adjoint, _fsum_tangent,
                doc="each item's adjoint gets the sum's"), ir.OnList(math.fsum))


def _extremum_kind(arg_kinds, consts):
    item = _item_of(arg_kinds)
    if not item.is_scalar:
        raise UnsupportedError("`max` or `min` of a list of arrays; stack it first "
                               "(`np.max(np.stack(xs), axis=0)`)")
    return K.SCALAR if item == K.SCALAR else item


def _extremum_adjoint(site):
    return {0: Item(site.fill("a.index(out)"), site.g)}


def _extremum_tangent(site):
    return subscript(site.dots[0], site.fill("a.index(out)"))


for _prim in (builtins.max, builtins.min):
    register(Custom(f"{_prim.__name__}(xs)", _extremum_kind, _extremum_adjoint,
                    _extremum_tangent, doc="the first extremal item's adjoint gets the "
                    "result's (Python's choice on ties)"), ir.OnList(_prim))


# ---------------------------------------------------------------- joins into an array

def _stacked_kind(arg_kinds, consts):
    item = _item_of(arg_kinds)
    int_or_tuple(consts.get("axis", 0), "axis")
    if item.is_scalar:
        return K.array(1)
    return K.array(None if item.ndim is None else item.ndim + 1)


def _stack_adjoint(site):
    axis = site.consts.get("axis", 0)
    rows = site.g if axis == 0 else site.fill("np.moveaxis(g, k, 0)", k=literal(axis))
    return {0: Each(rows)}


def _stack_tangent(site, function):
    axis = site.consts.get("axis", 0)
    if site.vector:
        axis = shift(axis)
    keywords = [] if axis == 0 else [("axis", literal(axis))]
    return call(site, "stack" if site.vector or axis else function, [site.dots[0]], keywords)


for _name in ("array", "asarray", "stack"):
    register(Custom(f"np.{_name}(xs)", _stacked_kind, _stack_adjoint,
                    lambda site, _name=_name: _stack_tangent(site, _name),
                    names=("arrays", "axis") if _name == "stack" else ("object",),
                    doc="each item's adjoint is its slice of the result's"),
             ir.OnList(getattr(np, _name)))


def _rank(item, what):
    if item.is_scalar:
        return 0
    if item.ndim is None:
        raise UnsupportedError(f"the derivative of `{what}` needs the rank of the list's "
                               "items; call with example arguments")
    return item.ndim


def _join_plan(function, item, axis):
    """For `np.vstack`, `np.hstack` or `np.concatenate` of items of kind `item`: the
    rank of the result, the axis items are joined along, the rank each item is raised to
    first, and whether each item is one position along the axis (a stack)."""
    rank = _rank(item, f"np.{function}")
    if function == "vstack":
        return (2, 0, 2, True) if rank <= 1 else (rank, 0, rank, False)
    if function == "hstack":
        return (1, 0, 1, rank == 0) if rank <= 1 else (rank, 1, rank, False)
    if rank == 0:
        raise UnsupportedError("`np.concatenate` of a list of numbers; use np.array")
    return rank, axis, rank, False


def _join_kind(function):
    def kind(arg_kinds, consts):
        axis = int_or_tuple(consts.get("axis", 0), "axis")
        rank, _, _, _ = _join_plan(function, _item_of(arg_kinds), axis)
        return K.array(rank)
    return kind


def _join_adjoint(function):
    def adjoint(site):
        axis = site.consts.get("axis", 0)
        _, axis, ndmin, _ = _join_plan(function, site.kinds[0].item or K.SCALAR, axis)
        pieces = site.fill("split_like(g, a, k, n)", k=literal(axis), n=const(ndmin))
        return {0: Each(pieces)}
    return adjoint


def _join_tangent(function):
    def tangent(site):
        axis = site.consts.get("axis", 0)
        if not site.vector:
            keywords = [("axis", literal(axis))] if function == "concatenate" and axis else []
            return call(site, function, [site.dots[0]], keywords)
        rank, axis, ndmin, stacked = _join_plan(function, site.kinds[0].item or K.SCALAR,
                                                axis)
        item = _rank(site.kinds[0].item or K.SCALAR, f"np.{function}")
        axis = shift(axis)
        if stacked:
            joined = call(site, "stack", [site.dots[0]], [("axis", literal(axis))])
            return joined if rank == item + 1 else subscript(joined, _new_axes(rank - item - 1))
        return call(site, "concatenate", [site.dots[0]], [("axis", literal(axis))])
    return tangent


def _new_axes(count):
    return gast.Tuple(elts=[gast.Slice(None, None, None)] * 2 + [const(None)] * count,
                      ctx=gast.Load())


for _name in ("vstack", "hstack", "concatenate"):
    register(Custom(f"np.{_name}(xs)", _join_kind(_name), _join_adjoint(_name),
                    _join_tangent(_name), names=("arrays", "axis"),
                    doc="each item's adjoint is its part of the result's"),
             ir.OnList(getattr(np, _name)))
