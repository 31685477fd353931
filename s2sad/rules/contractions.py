"""Products that contract axes: np.outer, np.inner, np.vdot, np.tensordot, and np.trace
(with `x.trace()`), which contracts two axes of one operand.

The products are linear in each operand, so a tangent is the same product with one
operand replaced by its tangent, and an adjoint is another contraction of the result's
adjoint with the other operands. Where the formula needs ranks that are not known when
the derivative is generated, the rule raises an `UnsupportedError` saying what to write
instead.
"""
import numbers

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import times
from ..syntax.template import const
from .base import Add, Custom, bilinear, known_ranks, rank, register, total
from .elementwise import MULTIPLY
from .literals import literal
from .products import PRODUCT_ADJOINTS


def _pair(first, second):
    """The literal `((first...), (second...))`: the pairs of axes np.tensordot takes."""
    return gast.Tuple(elts=[literal(tuple(first)), literal(tuple(second))], ctx=gast.Load())


def _no_scalars(arg_kinds, what, instead):
    if any(kind.is_scalar for kind in arg_kinds):
        raise UnsupportedError(f"`{what}` of a number has no derivative rule; {instead}")


# ---------------------------------------------------------------- np.outer


def _outer_kind(arg_kinds, consts):
    _no_scalars(arg_kinds[:2], "np.outer", "multiply by the number instead (`a * b`).")
    return K.array(2)


def _outer_adjoint(site):
    vectors = all(kind.is_array and kind.ndim == 1 for kind in site.kinds)
    templates = ("g @ b", "a @ g") if vectors else \
        ("np.reshape(g @ np.ravel(b), a.shape)", "np.reshape(np.ravel(a) @ g, b.shape)")
    return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}


def _outer_tangent(site):
    """`np.outer(a_dot, b) + np.outer(a, b_dot)`; in vector mode (directions first) the
    operands are flattened and the outer product written with broadcasting."""
    da, db = site.dots
    if not site.vector:
        return bilinear(site, "np.outer(d, b)", "np.outer(a, d)")
    ra, rb = known_ranks(site, (0, 1), "np.outer")
    terms = []
    if da is not None:
        template = "d[:, :, None] * b" if (ra, rb) == (1, 1) else \
            "np.reshape(d, (len(d), -1, 1)) * np.ravel(b)"
        terms.append(site.fill(template, d=da))
    if db is not None:
        template = "a[:, None] * d[:, None, :]" if (ra, rb) == (1, 1) else \
            "np.ravel(a)[:, None] * np.reshape(d, (len(d), 1, -1))"
        terms.append(site.fill(template, d=db))
    return total(terms)


register(Custom("np.outer", _outer_kind, _outer_adjoint, _outer_tangent, (0, 1),
                names=("a", "b"),
                doc="adjoints `g @ b` and `a @ g`; operands of any rank are flattened, as "
                    "NumPy does; a number operand is an error (write `a * b`)"), np.outer)


# ---------------------------------------------------------------- np.inner


def _inner_kind(arg_kinds, consts):
    a, b = arg_kinds[:2]
    if a.is_scalar or b.is_scalar:
        return K.broadcast(arg_kinds[:2])
    if a.ndim is None or b.ndim is None:
        return K.UNKNOWN
    return K.array(a.ndim + b.ndim - 2)


_INNER_ADJOINTS = {(1, 1): ("g * b", "g * a"), (2, 1): ("np.outer(g, b)", "g @ a"),
                   (1, 2): ("g @ b", "np.outer(g, a)"), (2, 2): ("g @ b", "g.T @ a")}


def _inner_adjoint(site):
    """The last axes are contracted: a's adjoint contracts `g` with b over b's leading
    axes, b's contracts `g` with a over a's leading axes."""
    if any(kind.is_scalar for kind in site.kinds):
        return MULTIPLY.adjoint(site)
    ra, rb = known_ranks(site, (0, 1), "np.inner")
    templates = _INNER_ADJOINTS.get((ra, rb))
    if templates is None:
        la, lb = ra - 1, rb - 1
        templates = (
            "np.tensordot(g, b, axes=k)" if lb else "np.tensordot(g, b, axes=0)",
            "np.tensordot(g, a, axes=k)" if la else "np.tensordot(g, a, axes=0)")
        axes = (_pair(range(la, la + lb), range(lb)), _pair(range(la), range(la)))
        return {i: Add(site.fill(templates[i], k=axes[i])) for i in (0, 1) if site.active[i]}
    return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}


def _inner_tangent(site):
    if any(kind.is_scalar for kind in site.kinds):
        return MULTIPLY.tangent(site)
    da, db = site.dots
    terms = []
    if da is not None:
        terms.append(site.fill("np.inner(d, b)", d=da))
    if db is not None:
        ra = known_ranks(site, (0,), "np.inner")[0] if site.vector else 1
        if ra == 1:
            terms.append(site.fill("np.inner(a, d)", d=db))
        else:
            # a's leading axes come first in np.inner(a, b_dot): move the directions in front
            terms.append(site.fill("np.moveaxis(np.inner(a, d), k, 0)", d=db, k=const(ra - 1)))
    return total(terms)


register(Custom("np.inner", _inner_kind, _inner_adjoint, _inner_tangent, (0, 1),
                names=("a", "b"),
                doc="contracts the last axes: each adjoint contracts `g` with the other "
                    "operand (`g @ b`, `np.outer(g, a)`, np.tensordot for higher ranks); a "
                    "number operand multiplies"), np.inner)


# ---------------------------------------------------------------- np.vdot


def _vdot_kind(arg_kinds, consts):
    _no_scalars(arg_kinds[:2], "np.vdot", "multiply instead (`a * b`).")
    return K.SCALAR


def _vdot_adjoint(site):
    a, b = site.kinds
    same = K.same_shape(a, b) or (a.ndim == 1 and b.ndim == 1)
    templates = ("g * b", "g * a") if same else \
        ("g * np.reshape(b, a.shape)", "g * np.reshape(a, b.shape)")
    return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}


def _vdot_tangent(site):
    da, db = site.dots
    if not site.vector:
        return bilinear(site, "np.vdot(d, b)", "np.vdot(a, d)")
    ra, rb = known_ranks(site, (0, 1), "np.vdot")
    terms = []
    for d, r, other in ((da, ra, "b"), (db, rb, "a")):
        if d is None:
            continue
        template = f"d @ {other}" if (ra, rb) == (1, 1) else \
            f"np.reshape(d, (len(d), -1)) @ np.ravel({other})"
        terms.append(site.fill(template, d=d))
    return total(terms)


register(Custom("np.vdot", _vdot_kind, _vdot_adjoint, _vdot_tangent, (0, 1), names=("a", "b"),
                doc="adjoints `g * b` and `g * a`, reshaped to the other operand's shape; "
                    "real operands, flattened as NumPy does"), np.vdot)


# ---------------------------------------------------------------- np.tensordot


def _as_axes(value, ndim, what):
    values = value if isinstance(value, tuple) else (value,)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        raise UnsupportedError(f"`axes` of np.tensordot must be constant integers, not {what}.")
    normal = tuple(v + ndim if v < 0 else v for v in values)
    if any(not 0 <= v < ndim for v in normal) or len(set(normal)) != len(normal):
        raise UnsupportedError(f"`axes` {value!r} of np.tensordot do not fit an operand of "
                               f"rank {ndim}.")
    return normal


def _tensordot_axes(consts, ranks, nargs):
    """The contracted axes of a and of b, paired in order."""
    if nargs > 2 and "axes" not in consts:
        raise UnsupportedError("`axes` of np.tensordot must be a constant: an integer or a "
                               "pair of tuples of integers, e.g. `axes=((1,), (0,))`.")
    axes = consts.get("axes", 2)
    ra, rb = ranks
    if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
        if not 0 <= axes <= min(ra, rb):
            raise UnsupportedError(f"`axes={axes}` of np.tensordot does not fit operands of "
                                   f"ranks {ra} and {rb}.")
        return tuple(range(ra - axes, ra)), tuple(range(axes))
    if not (isinstance(axes, tuple) and len(axes) == 2):
        raise UnsupportedError("`axes` of np.tensordot must be an integer or a pair of tuples "
                               "of integers, e.g. `axes=((1,), (0,))`.")
    ca, cb = _as_axes(axes[0], ra, axes[0]), _as_axes(axes[1], rb, axes[1])
    if len(ca) != len(cb):
        raise UnsupportedError(f"`axes` {axes!r} of np.tensordot pair different numbers of "
                               "axes.")
    return ca, cb


def _tensordot_kind(arg_kinds, consts):
    _no_scalars(arg_kinds[:2], "np.tensordot", "multiply instead (`a * b`).")
    a, b = arg_kinds[:2]
    if a.ndim is None or b.ndim is None or not (a.is_array and b.is_array):
        return K.UNKNOWN
    ca, cb = _tensordot_axes(consts, (a.ndim, b.ndim), len(arg_kinds))
    return K.array(a.ndim + b.ndim - 2 * len(ca))


def _transposed(site, expr, perm):
    if list(perm) == sorted(perm):
        return expr
    return site.fill("np.transpose(v, p)", v=expr, p=literal(tuple(perm)))


def _tensordot_adjoint(site):
    """a's adjoint contracts `g` with b over b's free axes, then puts the axes back in a's
    order (and likewise for b); a full contraction in order is `g * b`, and a matrix
    product (`axes=1` on operands of rank up to 2) reads like `@`'s adjoint."""
    ra, rb = known_ranks(site, (0, 1), "np.tensordot")
    ca, cb = _tensordot_axes(site.consts, (ra, rb), len(site.args))
    fa = [i for i in range(ra) if i not in ca]
    fb = [i for i in range(rb) if i not in cb]
    if ra == rb and ca == cb == tuple(range(ra)):
        templates = ("g * b", "g * a")
        return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}
    if ca == (ra - 1,) and cb == (0,) and ra <= 2 and rb <= 2:
        templates = PRODUCT_ADJOINTS[(ra, rb)]
        return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}
    result = {}
    if site.active[0]:
        # np.tensordot(g, b) over b's free axes: a's free axes, then b's contracted ones in
        # b's order, each standing for the a axis it is paired with
        value = site.fill("np.tensordot(g, b, axes=k)",
                          k=_pair(range(len(fa), len(fa) + len(fb)), fb))
        order = fa + [ca[cb.index(j)] for j in sorted(cb)]
        result[0] = Add(_transposed(site, value, [order.index(i) for i in range(ra)]))
    if site.active[1]:
        value = site.fill("np.tensordot(a, g, axes=k)", k=_pair(fa, range(len(fa))))
        order = [cb[ca.index(j)] for j in sorted(ca)] + fb
        result[1] = Add(_transposed(site, value, [order.index(i) for i in range(rb)]))
    return result


def _tensordot_tangent(site):
    """The same contraction with one operand's tangent; in vector mode the tangent's axes
    move one place right and b's term gets its direction axis moved to the front."""
    da, db = site.dots[:2]
    ra, rb = known_ranks(site, (0, 1), "np.tensordot")
    ca, cb = _tensordot_axes(site.consts, (ra, rb), len(site.args))
    given = site.consts.get("axes", 2)
    written = const(given) if isinstance(given, int) else _pair(ca, cb)
    terms = []
    if da is not None:
        k = _pair([i + 1 for i in ca], cb) if site.vector else written
        terms.append(site.fill("np.tensordot(d, b, axes=k)", d=da, k=k))
    if db is not None:
        if not site.vector:
            terms.append(site.fill("np.tensordot(a, d, axes=k)", d=db, k=written))
        else:
            value = site.fill("np.tensordot(a, d, axes=k)", d=db,
                              k=_pair(ca, [i + 1 for i in cb]))
            free = ra - len(ca)
            if free:
                value = site.fill("np.moveaxis(v, k, 0)", v=value, k=const(free))
            terms.append(value)
    return total(terms)


register(Custom("np.tensordot", _tensordot_kind, _tensordot_adjoint, _tensordot_tangent,
                (0, 1), names=("a", "b", "axes"),
                doc="each adjoint contracts `g` with the other operand over its free axes; "
                    "`axes` a constant integer or pair of tuples of integers"), np.tensordot)


# ---------------------------------------------------------------- np.trace, x.trace()


def _trace_axes(consts, ndim):
    for param in ("dtype", "out"):
        if consts.get(param) is not None:
            raise UnsupportedError(f"`{param}=` in np.trace has no derivative rule; convert "
                                   "the result afterwards instead.")
    offset = consts.get("offset", 0)
    axis1, axis2 = consts.get("axis1", 0), consts.get("axis2", 1)
    for value in (offset, axis1, axis2):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise UnsupportedError("`offset`, `axis1` and `axis2` of np.trace must be constant "
                                   "integers.")
    if ndim is not None:
        if ndim < 2:
            raise UnsupportedError(f"np.trace of an array of rank {ndim}: it needs at least "
                                   "two axes.")
        axis1, axis2 = axis1 % ndim, axis2 % ndim
        if axis1 == axis2:
            raise UnsupportedError("`axis1` and `axis2` of np.trace must differ.")
    return offset, axis1, axis2


def _trace_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_scalar:
        raise UnsupportedError("np.trace of a number: it needs an array of rank 2 or more.")
    for position, param in enumerate(("offset", "axis1", "axis2"), 1):
        if len(arg_kinds) > position and param not in consts:
            raise UnsupportedError(f"`{param}` of np.trace must be a constant integer.")
    if not kind.is_array or kind.ndim is None:
        _trace_axes(consts, None)
        return K.UNKNOWN
    _trace_axes(consts, kind.ndim)
    return K.array(kind.ndim - 2)


def _trace_adjoint(site):
    """`g` times the identity (shifted by `offset`) on the two axes traced over."""
    kind = site.kinds[0]
    ndim = kind.ndim if kind.is_array else None
    offset, axis1, axis2 = _trace_axes(site.consts, ndim)
    keywords = [("k", literal(offset))] if offset else []
    keywords.append(("dtype", site.fill("a.dtype")))
    eye = site.fill_call("np.eye(a.shape[i], a.shape[j])", keywords,
                         i=const(axis1), j=const(axis2))
    if ndim == 2:
        if (axis1, axis2) == (0, 1):
            eye = site.fill_call("np.eye(*a.shape)", keywords)
            return {0: Add(times(site.g, eye))}
        return {0: Add(times(site.g, site.fill("e.T", e=eye)))}
    value = site.fill("np.multiply.outer(e, g)", e=eye)
    if (axis1, axis2) != (0, 1):
        value = site.fill("np.moveaxis(v, (0, 1), k)", v=value, k=literal((axis1, axis2)))
    return {0: Add(value)}


def _trace_tangent(site):
    kind = site.kinds[0]
    offset, axis1, axis2 = _trace_axes(site.consts, kind.ndim if kind.is_array else None)
    keywords = [("offset", literal(offset))] if offset else []
    if site.vector:
        rank(kind)  # known (the axes were normalised), or an error
        axis1, axis2 = axis1 + 1, axis2 + 1
    if (axis1, axis2) != (0, 1):
        keywords += [("axis1", const(axis1)), ("axis2", const(axis2))]
    return site.fill_call("np.trace(d)", keywords, d=site.dots[0])


_TRACE = ("a", "offset", "axis1", "axis2", "dtype", "out")
register(Custom("np.trace", _trace_kind, _trace_adjoint, _trace_tangent, names=_TRACE,
                doc="adjoint `g` times the identity (shifted by `offset`) on the two axes; "
                    "`offset`, `axis1`, `axis2` constants; any rank from 2"), np.trace)
register(Custom(".trace()", _trace_kind, _trace_adjoint, _trace_tangent, names=_TRACE,
                doc="as `np.trace(x, ...)`"), ir.Method("trace"))
