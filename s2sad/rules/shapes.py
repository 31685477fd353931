"""Primitives that move elements around without changing them: reshapes, transposes,
squeezes, broadcasts, flips and triangles; and the helpers the other structural rule
modules (joins.py, constructors.py) share.

Their adjoints undo the move (`np.reshape(g, a.shape)`, the inverse permutation, a flip
back); their tangents repeat it on the tangent, which in vector mode has the direction
axis first, so every axis number moves one place right (negative axes count from the end
and stay).
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, Scatter, rank, register
from .literals import MISSING, constant, literal

# ---------------------------------------------------------------- helpers

# names for the positional arguments of methods taking varargs (`x.reshape(2, 3)`)
_VARARGS = tuple(f"*{i}" for i in range(1, 33))


def subscript(value, index):
    return gast.Subscript(value=value, slice=index, ctx=gast.Load())


def call(site, function, args, keywords=()):
    """`np.function(*args, **keywords)` with the module handle of the generated code."""
    return gast.Call(func=gast.Attribute(value=gast.Name(id=site.handles["np"], ctx=gast.Load(),
                                                         annotation=None, type_comment=None),
                                         attr=function, ctx=gast.Load()),
                     args=list(args),
                     keywords=[gast.keyword(arg=k, value=v) for k, v in keywords])


def directions(site):
    """`len(d)` for the first nonzero tangent `d`: the number of directions."""
    first = next(d for d in site.dots if d is not None)
    return site.fill("len(d)", d=first)


def _with_directions(site, shape):
    """The shape `(directions,) + shape` of a tangent, `shape` an expression."""
    if isinstance(shape, gast.Tuple):
        return gast.Tuple(elts=[directions(site)] + list(shape.elts), ctx=gast.Load())
    return site.fill("(n,) + s", n=directions(site), s=shape)


def _check_numeric(kind, what):
    """An error for an operand that is not a number or an array (a shape, a string...)."""
    if K.not_a_number(kind):
        raise UnsupportedError(f"{what} of {kind}")


def _same_rank(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array:
        return K.array(kind.ndim)
    return kind if kind.is_scalar else K.UNKNOWN


def known_rank(kind, what):
    if kind.is_scalar:
        return 0
    if kind.is_array and kind.ndim is not None:
        return kind.ndim
    raise UnsupportedError(f"{what} needs the rank of its operands when the derivative is "
                           "generated; call s2sad with example arguments")


def back_to(site, value):
    """`value` (holding all of argument 0's elements in another arrangement) as the
    argument's adjoint: reshaped to its shape, or summed to a number for a scalar."""
    kind = site.kinds[0]
    if kind.is_scalar:
        return Add(value, reduce=True)
    return Add(site.fill("np.reshape(v, a.shape)" if kind.is_array
                         else "np.reshape(v, np.shape(a))", v=value))


def _check_order(consts):
    order = consts.get("order")
    if order not in (None, "C", "A", "K"):
        raise UnsupportedError(f"`order={order!r}` has no derivative rule; only the default "
                               "C order is supported")


def _method(rule, name, names):
    """`rule` as the rule of method `name` (the array is argument 0), with its own
    parameter names."""
    return Custom(f".{name}()", rule.kind_of, rule.adjoint_of, rule.tangent_of,
                  rule.positions, names, rule.doc)


# ---------------------------------------------------------------- reshape, ravel

def _shape_rank(arg_kinds, consts, name, first):
    """The rank of the shape given as `name` (by keyword) or as the positional arguments
    from `first` on (one tuple, one int, or several ints), None when not known."""
    value = consts.get(name, MISSING)
    if value is MISSING and first < len(arg_kinds) and f"*{first}" in consts:
        value = consts[f"*{first}"] if first + 1 == len(arg_kinds) else MISSING
    if isinstance(value, tuple):
        return len(value)
    if isinstance(value, int):
        return 1
    given = arg_kinds[first:]
    if len(given) > 1:
        return len(given) if all(k == K.INT for k in given) else None
    if len(given) == 1:
        if given[0] == K.INT:
            return 1
        if given[0].tag == "shape":
            return given[0].ndim
    return None


def _reshape_kind(first):
    def kind_of(arg_kinds, consts):
        _check_order(consts)
        _check_numeric(arg_kinds[0], "reshaping")
        ndim = _shape_rank(arg_kinds, consts, "shape", first)
        if ndim is None:
            return K.array(None)
        return K.array(ndim) if ndim else K.Kind("array", 0)
    return kind_of


def _reshape_adjoint(site):
    return {0: back_to(site, site.g)}


def _shape_argument(site):
    """The shape a reshape was given, as an expression (None: passed by keyword)."""
    given = site.args[1:]
    if len(given) > 1:
        return gast.Tuple(elts=list(given), ctx=gast.Load())
    if given:
        return given[0]
    return None


def _reshape_tangent(site):
    shape = _shape_argument(site)
    if site.vector:
        if shape is None or not (isinstance(shape, gast.Tuple)
                                 or site.kinds[1].tag in ("shape", "int")):
            shape = site.fill("out.shape")
        elif site.kinds[1] == K.INT and len(site.args) == 2:
            shape = gast.Tuple(elts=[shape], ctx=gast.Load())
        shape = _with_directions(site, shape)
    elif shape is None:
        shape = site.fill("out.shape")
    return site.fill("np.reshape(d, s)", d=site.dots[0], s=shape)


_RESHAPE_DOC = "reshapes the adjoint back to the operand's shape (C order only)"
RESHAPE = Custom("np.reshape", _reshape_kind(1), _reshape_adjoint, _reshape_tangent,
                 names=("a", "shape", "order", "copy"), doc=_RESHAPE_DOC)
register(RESHAPE, np.reshape)
register(Custom(".reshape()", _reshape_kind(1), _reshape_adjoint, _reshape_tangent,
                names=("a",) + _VARARGS + ("order", "copy"), doc=_RESHAPE_DOC),
         ir.Method("reshape"))


def _ravel_kind(arg_kinds, consts):
    _check_order(consts)
    _check_numeric(arg_kinds[0], "flattening")
    return K.array(1)


def _ravel_tangent(site):
    if site.vector:
        return site.fill("np.reshape(d, (len(d), -1))", d=site.dots[0])
    return site.fill("np.ravel(d)", d=site.dots[0])


RAVEL = Custom("np.ravel", _ravel_kind, _reshape_adjoint, _ravel_tangent,
               names=("a", "order"), doc=_RESHAPE_DOC)
register(RAVEL, np.ravel)
register(_method(RAVEL, "ravel", ("a", "order")), ir.Method("ravel"))
register(_method(RAVEL, "flatten", ("a", "order")), ir.Method("flatten"))

# ---------------------------------------------------------------- axis permutations


def _transpose_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim is not None and kind.ndim > 1:
        return K.array(kind.ndim)
    return kind


def _reversed_axes(ndim):
    """The permutation `np.transpose(d)` applies to a vector-mode tangent's value axes."""
    return (0,) + tuple(range(ndim, 0, -1))


def _transpose_axes(site):
    """The permutation of `np.transpose(a, axes)`, `a.transpose(*axes)` or
    `a.transpose(axes)`; None for the default (reverse all axes)."""
    if "axes" in site.consts or len(site.args) < 2:
        axes = site.consts.get("axes")
    elif len(site.args) == 2:
        axes = constant(site, "axes", 1)
    else:
        axes = tuple(constant(site, "axes", i) for i in range(1, len(site.args)))
    if axes is None:
        return None
    axes = int_or_tuple(axes, "axes")
    return axes if isinstance(axes, tuple) else (axes,)


def _inverse_permutation(axes, kind):
    if any(a < 0 for a in axes):
        axes = normalized(axes, known_rank(kind, "a transpose with negative axes"))
    return tuple(int(i) for i in np.argsort(axes))


def _transpose_adjoint(site):
    axes = _transpose_axes(site)
    if axes is None:
        return {0: Add(site.fill("np.transpose(g)"))}
    inverse = _inverse_permutation(axes, site.kinds[0])
    return {0: Add(site.fill("np.transpose(g, p)", p=literal(inverse)))}


def _transpose_tangent(site):
    dot, axes = site.dots[0], _transpose_axes(site)
    if not site.vector:
        if axes is None:
            return site.fill("np.transpose(d)", d=dot)
        return site.fill("np.transpose(d, p)", d=dot, p=literal(axes))
    if axes is None:
        ndim = rank(site.kinds[0])
        if ndim <= 1:
            return dot
        return site.fill("np.transpose(d, p)", d=dot, p=literal(_reversed_axes(ndim)))
    return site.fill("np.transpose(d, p)", d=dot, p=literal((0,) + shift(axes)))


TRANSPOSE = Custom("np.transpose", _transpose_kind, _transpose_adjoint, _transpose_tangent,
                   names=("a", "axes"), doc="the adjoint is permuted back")
register(TRANSPOSE, np.transpose)
register(Custom(".transpose()", _transpose_kind, _transpose_adjoint, _transpose_tangent,
                names=("a",), doc=TRANSPOSE.doc), ir.Method("transpose"))


def _dot_transpose_tangent(site):
    dot = site.dots[0]
    if not site.vector:
        return site.fill("d.T", d=dot)
    ndim = rank(site.kinds[0])
    if ndim <= 1:
        return dot
    if ndim == 2:
        return site.fill("np.swapaxes(d, 1, 2)", d=dot)
    return site.fill("np.transpose(d, axes)", d=dot, axes=literal(_reversed_axes(ndim)))


register(Custom(".T", _transpose_kind, lambda site: {0: Add(site.fill("g.T"))},
                _dot_transpose_tangent, doc="the adjoint is transposed back"), ir.Attr("T"))


def _swapaxes_pair(site):
    return tuple(int_or_tuple(constant(site, name, i), name)
                 for i, name in ((1, "axis1"), (2, "axis2")))


def _swapaxes_adjoint(site):
    i, j = _swapaxes_pair(site)
    return {0: Add(site.fill("np.swapaxes(g, i, j)", i=literal(i), j=literal(j)))}


def _swapaxes_tangent(site):
    i, j = _swapaxes_pair(site)
    if site.vector:
        i, j = shift(i), shift(j)
    return site.fill("np.swapaxes(d, i, j)", d=site.dots[0], i=literal(i), j=literal(j))


SWAPAXES = Custom("np.swapaxes", _same_rank, _swapaxes_adjoint, _swapaxes_tangent,
                  names=("a", "axis1", "axis2"), doc="the adjoint swaps the axes back")
register(SWAPAXES, np.swapaxes)
register(_method(SWAPAXES, "swapaxes", SWAPAXES.names), ir.Method("swapaxes"))


def _moveaxis_pair(site):
    return tuple(int_or_tuple(constant(site, name, i), name)
                 for i, name in ((1, "source"), (2, "destination")))


def _moveaxis_order(source, destination, ndim):
    """The permutation `np.transpose` applies for `np.moveaxis(a, source, destination)`."""
    source = normalized(source if isinstance(source, tuple) else (source,), ndim)
    destination = normalized(destination if isinstance(destination, tuple)
                              else (destination,), ndim)
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tuple(order)


def _moveaxis_adjoint(site):
    source, destination = _moveaxis_pair(site)
    kind = site.kinds[0]
    if kind.is_array and kind.ndim is not None:
        # the inverse move as a permutation: np.transpose gives a view that the adjoint
        # emitter knows not to update in place
        inverse = np.argsort(_moveaxis_order(source, destination, kind.ndim))
        return {0: Add(site.fill("np.transpose(g, p)", p=literal(tuple(map(int, inverse)))))}
    return {0: Add(site.fill("np.moveaxis(g, d, s)", s=literal(source), d=literal(destination)))}


def _moveaxis_tangent(site):
    source, destination = _moveaxis_pair(site)
    if site.vector:
        source, destination = shift(source), shift(destination)
    return site.fill("np.moveaxis(t, s, d)", t=site.dots[0], s=literal(source),
                     d=literal(destination))


register(Custom("np.moveaxis", _same_rank, _moveaxis_adjoint, _moveaxis_tangent,
                names=("a", "source", "destination"),
                doc="the adjoint moves the axes back"), np.moveaxis)

# ---------------------------------------------------------------- squeeze, expand_dims


def _count(axis):
    return len(axis) if isinstance(axis, tuple) else 1


def _squeeze_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    _check_numeric(kind, "squeezing")
    if not kind.is_array:
        return kind if kind.is_scalar else K.UNKNOWN
    axis = consts.get("axis", MISSING if len(arg_kinds) > 1 else None)
    if axis is None or axis is MISSING or kind.ndim is None:
        # which axes have length one is known only at run time
        return K.array(None)
    return K.array(kind.ndim - _count(int_or_tuple(axis, "axis")))


def _squeeze_tangent(site):
    axis = constant(site, "axis", 1)
    dot = site.dots[0]
    if axis is None:
        if site.vector:
            return site.fill("np.reshape(d, s)", d=dot, s=_with_directions(
                site, site.fill("np.shape(out)")))
        return site.fill("np.squeeze(d)", d=dot)
    axis = int_or_tuple(axis, "axis")
    return site.fill("np.squeeze(d, k)", d=dot, k=literal(shift(axis) if site.vector else axis))


SQUEEZE = Custom("np.squeeze", _squeeze_kind, _reshape_adjoint, _squeeze_tangent,
                 names=("a", "axis"), doc="the adjoint is reshaped to the operand's shape")
register(SQUEEZE, np.squeeze)
register(_method(SQUEEZE, "squeeze", SQUEEZE.names), ir.Method("squeeze"))


def _expand_dims_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    _check_numeric(kind, "np.expand_dims")
    if "axis" not in consts:
        return K.array(None) if kind.is_scalar or kind.ndim is not None else K.UNKNOWN
    added = _count(int_or_tuple(consts["axis"], "axis"))
    if kind.is_scalar:
        return K.array(added)
    if kind.ndim is None:
        return K.array(None)
    return K.array(kind.ndim + added)


def _expand_dims_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g, reduce=True)}
    axis = int_or_tuple(constant(site, "axis", 1), "axis")
    return {0: Add(site.fill("np.squeeze(g, k)", k=literal(axis)))}


def _expand_dims_tangent(site):
    axis = int_or_tuple(constant(site, "axis", 1), "axis")
    return site.fill("np.expand_dims(d, k)", d=site.dots[0],
                     k=literal(shift(axis) if site.vector else axis))


register(Custom("np.expand_dims", _expand_dims_kind, _expand_dims_adjoint,
                _expand_dims_tangent, names=("a", "axis"),
                doc="the adjoint drops the added axes"), np.expand_dims)

# ---------------------------------------------------------------- broadcast_to


def _broadcast_to_kind(arg_kinds, consts):
    _check_numeric(arg_kinds[0], "np.broadcast_to")
    ndim = _shape_rank(arg_kinds, consts, "shape", 1)
    if ndim is None:
        return K.array(None)
    return K.array(ndim) if ndim else K.Kind("array", 0)


def _broadcast_to_tangent(site):
    shape = site.args[1] if len(site.args) > 1 else site.fill("out.shape")
    if not site.vector:
        return site.fill("np.broadcast_to(d, s)", d=site.dots[0], s=shape)
    if len(site.args) < 2 or isinstance(shape, gast.Tuple) or site.kinds[1].tag == "shape":
        pass
    elif site.kinds[1] == K.INT:
        shape = gast.Tuple(elts=[shape], ctx=gast.Load())
    else:
        shape = site.fill("out.shape")
    return site.fill("np.broadcast_to(d, s)", d=site.aligned(0),
                     s=_with_directions(site, shape))


register(Custom("np.broadcast_to", _broadcast_to_kind,
                lambda site: {0: Add(site.g, reduce=True)}, _broadcast_to_tangent,
                names=("array", "shape", "subok"),
                doc="the adjoint sums over the broadcast axes"), np.broadcast_to)

# ---------------------------------------------------------------- flips


def _reverse(axes, vector):
    """The subscript reversing `axes`, all counted from the front (`g[:, ::-1]`) or all
    from the end (`g[..., ::-1, :]`); None for a mix."""
    if all(a >= 0 for a in axes):
        parts = [gast.Slice(None, None, None) for _ in range(max(axes) + 1 + vector)]
        for a in axes:
            parts[a + vector] = gast.Slice(None, None, literal(-1))
    elif all(a < 0 for a in axes):
        parts = [const(Ellipsis)] + [gast.Slice(None, None, None) for _ in range(-min(axes))]
        for a in axes:
            parts[a] = gast.Slice(None, None, literal(-1))
    else:
        return None
    return parts[0] if len(parts) == 1 else gast.Tuple(elts=parts, ctx=gast.Load())


def _flip_axes(site, function):
    """The axes a flip reverses: a tuple, or None for all of them."""
    if function == "flipud":
        return (0,)
    if function == "fliplr":
        return (1,)
    axis = constant(site, "axis", 1)
    if axis is None:
        return None
    axis = int_or_tuple(axis, "axis")
    return axis if isinstance(axis, tuple) else (axis,)


def _flipped(site, value, axes, vector):
    """`value` reversed along `axes`, as a slice (a view) where the axes allow it."""
    if axes is None:
        kind = site.kinds[0]
        if kind.is_scalar or (kind.is_array and kind.ndim is not None):
            axes = tuple(range(rank(kind)))
            if not axes:
                return value
        elif vector:
            raise UnsupportedError("`np.flip` of all axes of an array of unknown rank has "
                                   "no rule for tangents in several directions; pass "
                                   "`axis`, or compute one direction at a time")
        else:
            return site.fill("np.flip(v)", v=value)
    kind = site.kinds[0]
    if kind.is_array and kind.ndim is not None:
        axes = normalized(axes, kind.ndim)
    index = _reverse(axes, vector)
    if index is None:
        return site.fill("np.flip(v, k)", v=value, k=literal(shift(axes) if vector else axes))
    return subscript(value, index)


def _flip_rule(function):
    def adjoint(site):
        return {0: Add(_flipped(site, site.g, _flip_axes(site, function), False))}

    def tangent(site):
        return _flipped(site, site.dots[0], _flip_axes(site, function), site.vector)

    def kind_of(arg_kinds, consts):
        _check_numeric(arg_kinds[0], f"np.{function}")
        return _same_rank(arg_kinds, consts)
    return Custom(f"np.{function}", kind_of, adjoint, tangent,
                  names=("m", "axis") if function == "flip" else ("m",),
                  doc="the adjoint is flipped back (a reversed slice, a view)")


for _name in ("flip", "fliplr", "flipud"):
    register(_flip_rule(_name), getattr(np, _name))

# ---------------------------------------------------------------- triangles


def _triangle(function):
    def kind_of(arg_kinds, consts):
        kind = arg_kinds[0]
        if kind.is_scalar or (kind.is_array and kind.ndim == 1):
            raise UnsupportedError(f"`np.{function}` of a vector or number has no derivative "
                                   "rule; pass a matrix")
        return _same_rank(arg_kinds, consts)

    def keywords(site):
        k = constant(site, "k", 1, 0)
        if not isinstance(k, int):
            raise UnsupportedError(f"a computed `k` in np.{function}; pass a constant")
        return [] if k == 0 else [("k", literal(k))]

    # the last two axes hold the matrices, also with a direction axis in front
    return Custom(f"np.{function}", kind_of,
                  lambda site: {0: Add(call(site, function, [site.g], keywords(site)))},
                  lambda site: call(site, function, [site.dots[0]], keywords(site)),
                  names=("m", "k"), doc="keeps the same triangle of the adjoint")


for _name in ("triu", "tril"):
    register(_triangle(_name), getattr(np, _name))


def _diag_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim in (1, 2):
        return K.array(3 - kind.ndim)
    raise UnsupportedError(f"`np.diag` of {kind}: pass a vector or a matrix")


def _diag_offset(site):
    k = constant(site, "k", 1, 0)
    if not isinstance(k, int):
        raise UnsupportedError("a computed `k` in np.diag; pass a constant")
    return k


def _diag_adjoint(site):
    """A vector's adjoint is the diagonal of the matrix adjoint; a matrix's adjoint has
    the vector adjoint on the diagonal (added in place, each element once)."""
    k = _diag_offset(site)
    if site.kinds[0].ndim == 1:
        # np.diag of a matrix is a read-only view: the adjoint gets a copy it may update
        diagonal = call(site, "diag", [site.g], [("k", literal(k))] if k else [])
        return {0: Add(site.fill("v.copy()", v=diagonal))}
    steps = site.fill("np.arange(len(g))")
    rows, cols = (steps, site.fill("s + k", s=steps, k=literal(abs(k)))) if k >= 0 else \
        (site.fill("s + k", s=steps, k=literal(-k)), steps)
    if k == 0:
        cols = site.fill("np.arange(len(g))")
    return {0: Scatter(gast.Tuple(elts=[rows, cols], ctx=gast.Load()), site.g)}


def _diag_tangent(site):
    k = _diag_offset(site)
    keywords = [("k", literal(k))] if k else []
    if not site.vector:
        return call(site, "diag", [site.dots[0]], keywords)
    if site.kinds[0].ndim == 2:
        return call(site, "diagonal", [site.dots[0]] + ([literal(k)] if k else []),
                    [("axis1", const(1)), ("axis2", const(2))])
    if k:
        raise UnsupportedError("`np.diag(v, k)` of a vector with k != 0 has no rule for "
                               "tangents in several directions; compute one direction at a "
                               "time with s2sad.jvp")
    return site.fill("d[:, :, None] * np.eye(d.shape[1], dtype=d.dtype)", d=site.dots[0])


register(Custom("np.diag", _diag_kind, _diag_adjoint, _diag_tangent, names=("v", "k"),
                doc="of a vector (a diagonal matrix) or of a matrix (its diagonal); the "
                    "adjoint takes or fills the same diagonal"), np.diag)
