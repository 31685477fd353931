"""What the reductions share: every reduction takes `axis` (None, an int, a negative int, a
tuple where NumPy allows one) and `keepdims` as constants, known when the derivative is
generated. Here they are checked, the result's kind and the reduced count are derived from
them, and values are spread back over, or summed along, the reduced axes.
"""
import functools

import gast

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop
from ..syntax.template import const
from .axes import shift
from .base import rank
from .literals import literal


def reduction_axis(consts):
    """The constant `axis` of a reduction (None: all axes); an error for a `dtype=` or
    `out=`, which have no rule."""
    for name in ("dtype", "out"):
        if consts.get(name) is not None:
            raise UnsupportedError(f"`{name}=` in a reduction has no derivative rule; "
                                   "convert the result afterwards instead.")
    axis = consts.get("axis")
    if axis is not None and not isinstance(axis, (int, tuple)):
        raise UnsupportedError("`axis` must be a constant int or tuple of ints.")
    return axis


def reduction_kind(arg_kinds, consts):
    """The kind of the result: the operand's kind less the reduced axes."""
    kind = arg_kinds[0]
    axis = reduction_axis(consts)
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


def check_constants(names):
    """A check that every positional argument after the array is a constant the rule can
    read: `consts` holds only constant arguments, so a computed one would otherwise be
    taken for its default."""
    def check(arg_kinds, consts):
        if len(arg_kinds) > len(names):
            raise UnsupportedError(
                f"positional arguments after `{names[-1]}` (such as `initial` or `where`) "
                f"have no derivative rule; pass at most {', '.join(names)}.")
        for position in range(1, len(arg_kinds)):
            if names[position] not in consts:
                raise UnsupportedError(
                    f"a computed `{names[position]}`: it must be known when the derivative "
                    "is generated; pass a constant written in the call.")
    return check


def checked(kind_of, names):
    """`kind_of`, after the check of `check_constants(names)`."""
    check = check_constants(names)

    def kind(arg_kinds, consts):
        check(arg_kinds, consts)
        return kind_of(arg_kinds, consts)
    return kind


def reduced_count(site):
    """The number of elements each result element reduces over, as an expression."""
    axis = reduction_axis(site.consts)
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


def reduction_keywords(site, vector):
    """`axis=..., keepdims=...` of the reduction, over the axes after the directions for
    a tangent in vector mode."""
    axis = reduction_axis(site.consts)
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


def with_axis(site, fn, *args):
    """`fn(*args, axis)`, the axis left out when it is None."""
    axis = reduction_axis(site.consts)
    return site.helper(fn, *args, *(() if axis is None else (literal(axis),)))


def expand(site, value):
    """`value`, shaped like the result, with the reduced axes back as length-one axes, so
    it broadcasts against the operand."""
    axis = reduction_axis(site.consts)
    if axis is None or site.consts.get("keepdims"):
        return value
    return site.fill("np.expand_dims(v, k)", v=value, k=literal(axis))


def summed(site, value):
    """`np.sum(value, axis=..., keepdims=...)` over the reduction's axes."""
    call = site.fill("np.sum(v)", v=value)
    call.keywords = reduction_keywords(site, site.vector)
    return call
