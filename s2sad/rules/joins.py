"""Joins: np.concatenate, np.stack and the *stack functions, and np.array / np.asarray of
list displays. Each operand's adjoint is its part of the result's adjoint (a slice along
the joined axis, or one element); the tangent joins the operands' tangents, with zeros
for operands that carry none.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop
from ..syntax.template import const
from . import rows
from .axes import along, int_or_tuple, shift
from .base import Add, Sequence, register
from .constructors import dtype_keyword
from .literals import literal
from .structural import call, directions, known_rank, subscript


def _packed(consts, function):
    packed = consts.get("packed")
    if packed is None:
        raise UnsupportedError(f"`{function}` of a value that is not a list or tuple display "
                               "has no derivative rule; write the list in the call "
                               f"(`{function}([a, b])`)")
    return packed


def _no_dtype(consts, function):
    for key in ("out", "dtype", "casting"):
        if consts.get(key) not in (None, "same_kind"):
            raise UnsupportedError(f"`{key}=` in `{function}` has no derivative rule; "
                                   "convert the result afterwards instead")


def _leaves(site):
    return list(range(site.consts["packed"].size))


def _entry_kind(arg_kinds, count):
    """The common kind of the `count` joined operands: an array rank, or None."""
    ranks = set()
    for kind in arg_kinds[:count]:
        if kind.is_scalar:
            ranks.add(0)
        elif kind.is_array and kind.ndim is not None:
            ranks.add(kind.ndim)
        else:
            return None
    return max(ranks) if ranks else None


def _tangent_or_zero(site, position, vector_like=None):
    """The tangent of operand `position`, or a zero of its shape (with the directions in
    front in vector mode)."""
    dot = site.dots[position]
    if dot is not None:
        return dot
    operand, kind = site.args[position], site.kinds[position]
    if site.vector:
        if vector_like is not None:
            return site.fill("np.zeros_like(d)", d=vector_like)
        shape = "b.shape" if kind.is_array else "np.shape(b)"
        return site.fill(f"np.zeros_like(b, shape=(n,) + {shape})", b=operand,
                         n=directions(site))
    if kind.is_scalar:
        return const(0.0)
    return site.fill("np.zeros_like(b)", b=operand)


def _list(items):
    return gast.List(elts=list(items), ctx=gast.Load())


def _join_adjoint(site, axis, spans):
    """Adjoints of joined operands: operand i is the stretch of `g` along `axis` after
    the ones before it. `spans[i]` is its length (an expression) and whether it adds an
    axis position of its own (taken by an index, dropping the axis)."""
    contributions = {}
    start = None
    for position, (length, single) in enumerate(spans):
        stop = length if start is None else binop(start, gast.Add(), length)
        if site.active[position]:
            if single:
                item = const(0) if start is None else start
            else:
                item = gast.Slice(start, None if position == len(spans) - 1 else stop, None)
            if axis is None:
                value = subscript(site.g, item)
                contributions[position] = _back_to_operand(site, position, value)
            else:
                contributions[position] = Add(subscript(site.g, along(axis, item)))
        start = stop
    return contributions


def _back_to_operand(site, position, value):
    if site.kinds[position].is_scalar:
        return Add(value, reduce=True)
    return Add(site.fill("np.reshape(v, x.shape)", v=value, x=site.args[position]))


def _concatenate_kind(arg_kinds, consts):
    packed = _packed(consts, "np.concatenate")
    _no_dtype(consts, "np.concatenate")
    if len(arg_kinds) > packed.size and "axis" not in consts:
        raise UnsupportedError("a computed `axis` in np.concatenate; pass a constant")
    axis = consts.get("axis", 0)
    if axis is None:
        return K.array(1)
    int_or_tuple(axis, "axis")
    ndim = _entry_kind(arg_kinds, packed.size)
    return K.array(ndim) if ndim else K.array(None)


def _concatenate_axis(site):
    return site.consts.get("axis", 0)


def _concatenate_adjoint(site):
    axis = _concatenate_axis(site)
    if axis is None:
        spans = [(site.fill("np.size(b)", b=site.args[i]), False) for i in _leaves(site)]
    else:
        spans = [(site.fill("b.shape[k]", b=site.args[i], k=literal(axis)), False)
                 for i in _leaves(site)]
    return _join_adjoint(site, axis, spans)


def _concatenate_tangent(site):
    axis = _concatenate_axis(site)
    dots = [_tangent_or_zero(site, i) for i in _leaves(site)]
    if not site.vector:
        return call(site, "concatenate", [_list(dots)],
                    [] if axis == 0 else [("axis", literal(axis))])
    if axis is None:
        dots = [site.fill("np.reshape(d, (len(d), -1))", d=d) for d in dots]
        axis = 0
    return call(site, "concatenate", [_list(dots)], [("axis", literal(shift(axis)))])


register(Sequence("np.concatenate", _concatenate_kind, _concatenate_adjoint,
                  _concatenate_tangent, names=("arrays", "axis", "out", "dtype", "casting"),
                  doc="of a list display (also `axis=None`); each operand's adjoint is its "
                      "slice of the result's"),
         np.concatenate)


def _stack_kind(arg_kinds, consts):
    packed = _packed(consts, "np.stack")
    _no_dtype(consts, "np.stack")
    if len(arg_kinds) > packed.size and "axis" not in consts:
        raise UnsupportedError("a computed `axis` in np.stack; pass a constant")
    int_or_tuple(consts.get("axis", 0), "axis")
    ndim = _entry_kind(arg_kinds, packed.size)
    return K.array(None if ndim is None else ndim + 1)


def _stack_adjoint(site):
    axis = site.consts.get("axis", 0)
    return {i: Add(subscript(site.g, along(axis, const(i))))
            for i in _leaves(site) if site.active[i]}


def _stack_tangent(site):
    axis = site.consts.get("axis", 0)
    first = next(d for d in site.dots if d is not None)
    dots = [_tangent_or_zero(site, i, first) for i in _leaves(site)]
    if site.vector:
        axis = shift(axis)
    return call(site, "stack", [_list(dots)], [] if axis == 0 else [("axis", literal(axis))])


register(Sequence("np.stack", _stack_kind, _stack_adjoint, _stack_tangent,
                  names=("arrays", "axis", "out", "dtype", "casting"),
                  doc="of a list display; each operand's adjoint is its slice of the "
                      "result's at its index"), np.stack)


def _ranks(site, function):
    return [known_rank(site.kinds[i], f"`np.{function}`") for i in _leaves(site)]


def _stack_plan(site, function):
    """How `np.hstack`, `np.vstack` or `np.column_stack` joins its operands: the axis of
    the result they are joined along, and for each operand its length along it, whether
    it takes one position (an index) and the subscript giving its tangent the result's
    rank in vector mode."""
    ranks = _ranks(site, function)
    plan = []
    if function == "hstack":
        axis = 0 if ranks[0] <= 1 else 1
        for i, r in zip(_leaves(site), ranks):
            if r == 0:
                plan.append((const(1), True, (None,)))
            else:
                plan.append((site.fill("b.shape[k]", b=site.args[i], k=const(axis)), False, ()))
        return axis, plan
    if 0 in ranks:
        raise UnsupportedError(f"`np.{function}` of a number has no derivative rule; join "
                               "arrays")
    if function == "vstack":
        for i, r in zip(_leaves(site), ranks):
            if r == 1:
                plan.append((const(1), True, (None,)))
            else:
                plan.append((site.fill("b.shape[0]", b=site.args[i]), False, ()))
        return 0, plan
    for i, r in zip(_leaves(site), ranks):
        if r == 1:
            plan.append((const(1), True, (gast.Slice(None, None, None), None)))
        elif r == 2:
            plan.append((site.fill("b.shape[1]", b=site.args[i]), False, ()))
        else:
            raise UnsupportedError("`np.column_stack` of arrays of rank above 2 has no "
                                   "derivative rule; use np.concatenate")
    return 1, plan


def _stack_like(function):
    def kind_of(arg_kinds, consts):
        if consts.get("packed") is None and arg_kinds[0].is_array:
            _no_dtype(consts, f"np.{function}")
            return rows.kind(function, arg_kinds[0])
        packed = _packed(consts, f"np.{function}")
        _no_dtype(consts, f"np.{function}")
        ndim = _entry_kind(arg_kinds, packed.size)
        if ndim is None:
            return K.array(None)
        if function == "hstack":
            return K.array(max(ndim, 1))
        return K.array(max(ndim, 2))

    def adjoint(site):
        if site.consts.get("packed") is None:
            return rows.adjoint(site, function)
        axis, plan = _stack_plan(site, function)
        return _join_adjoint(site, axis, [(length, single) for length, single, _ in plan])

    def tangent(site):
        if site.consts.get("packed") is None:
            return rows.tangent(site, function)
        dots = [_tangent_or_zero(site, i) for i in _leaves(site)]
        if not site.vector:
            return call(site, function, [_list(dots)])
        axis, plan = _stack_plan(site, function)
        shaped = []
        for dot, (_, single, new) in zip(dots, plan):
            if single:
                dot = subscript(dot, gast.Tuple(
                    elts=[gast.Slice(None, None, None)] + [
                        const(None) if part is None else part for part in new],
                    ctx=gast.Load()))
            shaped.append(dot)
        return call(site, "concatenate", [_list(shaped)], [("axis", literal(axis + 1))])

    return Sequence(f"np.{function}", kind_of, adjoint, tangent,
                    names=("tup", "dtype", "casting"), doc=_STACK_DOCS[function])


_STACK_DOCS = {
    "hstack": "of a list display of numbers and arrays, joined as NumPy does (vectors along "
              "their axis, arrays along axis 1); each operand's adjoint is its slice; of one "
              "array, its rows joined (a transpose and a reshape, undone in the adjoint)",
    "vstack": "of a list display of arrays (a vector is a row); each operand's adjoint is "
              "its rows of the result's; of one array, its rows joined",
    "column_stack": "of a list display of vectors (each a column) and matrices; each "
                    "operand's adjoint is its columns of the result's; of one array, its "
                    "rows joined as columns",
}


for _name in ("hstack", "vstack", "column_stack"):
    register(_stack_like(_name), getattr(np, _name))

# ---------------------------------------------------------------- np.array, np.asarray


def _array_kind_of(function):
    def kind_of(arg_kinds, consts):
        if consts.get("ndmin"):
            raise UnsupportedError(f"`ndmin=` in `{function}` has no derivative rule; "
                                   "reshape the result instead")
        dtype_keyword(consts, function)
        packed = consts.get("packed")
        if packed is None:
            return arg_kinds[0]
        if packed.layout is None:
            raise UnsupportedError(f"`{function}` of nested lists of different lengths")
        ndim = _entry_kind(arg_kinds, packed.size)
        if ndim is None:
            return K.array(None)
        return K.array(len(packed.layout) + ndim)
    return kind_of


def _dtype_literal(site, dtype):
    """An expression for a constant dtype: its string, or `np.<name>` for a type."""
    if isinstance(dtype, str):
        return const(dtype)
    if dtype is float:
        return site.fill("float")
    return gast.Attribute(value=site.fill("np"), attr=np.dtype(dtype).name, ctx=gast.Load())


def _positions(layout):
    return list(np.ndindex(*layout))


def _array_adjoint(site):
    if dtype_keyword(site.consts, "np.array") == "discrete":
        return {}
    packed = site.consts.get("packed")
    if packed is None:
        if site.kinds[0].is_array and site.consts.get("dtype") is not None:
            return {0: Add(site.fill("g.astype(a.dtype)"))}
        return {0: Add(site.g, reduce=site.kinds[0].is_scalar)}
    contributions = {}
    for position, where in zip(_leaves(site), _positions(packed.layout)):
        if site.active[position]:
            index = literal(where) if len(where) > 1 else const(where[0])
            contributions[position] = Add(subscript(site.g, index))
    return contributions


def _display(packed, items):
    """The nested list display of `packed` over `items` (one per leaf)."""
    def build(node):
        return _list(build(item) if isinstance(item, ir.Packed) else items[item]
                     for item in node.items)
    return build(packed)


def _array_tangent(site, function):
    if dtype_keyword(site.consts, f"np.{function}") == "discrete":
        return None
    dtype = site.consts.get("dtype")
    keywords = [] if dtype is None else [("dtype", _dtype_literal(site, dtype))]
    packed = site.consts.get("packed")
    if packed is None:
        return call(site, function, [site.dots[0]], keywords) if keywords else site.dots[0]
    first = next(d for d in site.dots if d is not None)
    dots = [_tangent_or_zero(site, i, first) for i in _leaves(site)]
    display = _display(packed, dots)
    if not site.vector:
        return call(site, function, [display], keywords)
    if len(packed.layout) == 1:
        return call(site, "stack", [display], [("axis", const(1))] + keywords)
    return site.fill("np.moveaxis(v, k, 0)", v=call(site, function, [display], keywords),
                     k=const(len(packed.layout)))


_ARRAY_DOC = ("of numbers or arrays of one shape in (nested) list displays, constants "
              "among them too; each entry's adjoint is its element (or sub-array) of the "
              "result's; of an array, a copy")
register(Sequence("np.array", _array_kind_of("np.array"), _array_adjoint,
                  lambda site: _array_tangent(site, "array"),
                  names=("object", "dtype", "copy", "order", "subok", "ndmin", "like"),
                  doc=_ARRAY_DOC), np.array)
register(Sequence("np.asarray", _array_kind_of("np.asarray"), _array_adjoint,
                  lambda site: _array_tangent(site, "asarray"),
                  names=("a", "dtype", "order", "device", "copy", "like"), doc=_ARRAY_DOC),
         np.asarray)
