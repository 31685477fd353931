"""What the rules that move elements around without changing them share (reshapes.py,
transposes.py, flips.py, triangles.py, joins.py, constructors.py): calls and subscripts
written into the generated code, the number of directions of a vector-mode tangent,
checks of the operand, and the adjoint given back the operand's shape.

Their adjoints undo the move (`np.reshape(g, a.shape)`, the inverse permutation, a flip
back); their tangents repeat it on the tangent, which in vector mode has the direction
axis first, so every axis number moves one place right (`axes.shift`).
"""
import gast

from ..errors import UnsupportedError
from ..ir import kinds as K
from .axes import along
from .base import Add, Custom, Scatter


# names for the positional arguments of methods taking varargs (`x.reshape(2, 3)`)
VARARGS = tuple(f"*{i}" for i in range(1, 33))


def subscript(value, index):
    return gast.Subscript(value=value, slice=index, ctx=gast.Load())


def scatter_along(site, axis, indices):
    """The adjoint that adds `g` at `indices` along axis `axis` of the operand (repeated
    indices add up: `np.add.at`)."""
    index = along(axis, indices)
    if isinstance(index, gast.Tuple):
        index = subscript(site.fill("np.s_"), index)
    return {0: Scatter(index, site.g, basic=False)}


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


def with_directions(site, shape):
    """The shape `(directions,) + shape` of a tangent, `shape` an expression."""
    if isinstance(shape, gast.Tuple):
        return gast.Tuple(elts=[directions(site)] + list(shape.elts), ctx=gast.Load())
    return site.fill("(n,) + s", n=directions(site), s=shape)


def check_numeric(kind, what):
    """An error for an operand that is not a number or an array (a shape, a string...)."""
    if K.not_a_number(kind):
        raise UnsupportedError(f"{what} of {kind}")


def same_rank(arg_kinds, consts):
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


def check_order(consts):
    order = consts.get("order")
    if order not in (None, "C", "A", "K"):
        raise UnsupportedError(f"`order={order!r}` has no derivative rule; only the default "
                               "C order is supported")


def as_method(rule, name, names):
    """`rule` as the rule of method `name` (the array is argument 0), with its own
    parameter names."""
    return Custom(f".{name}()", rule.kind_of, rule.adjoint_of, rule.tangent_of,
                  rule.positions, names, rule.doc)
