"""Linear algebra: products that contract axes (`np.outer`, `np.inner`, `np.vdot`,
`np.tensordot`, `np.einsum`, `np.trace`), norms, and the matrix functions of `np.linalg`
(`inv`, `solve`, `det`, `slogdet`).

The products are linear in each operand, so a tangent is the same product with one
operand replaced by its tangent, and an adjoint is another contraction of the result's
adjoint with the other operands. `inv` and `solve` reuse their result in their
derivatives; `det` uses the cofactor matrix (`runtime.cofactor`, called by name from
generated code), which needs no inverse and so holds at singular matrices too. The
norms' policies where they are not differentiable are in the doc of their row: a zero
vector's norm has gradient 0, never NaN. Where the derivative's formula needs ranks that are not known when
it is generated, or a case has no exact rule, the rule raises an `UnsupportedError`
saying what to write instead.
"""
import dataclasses
import math
import numbers
import string

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime import cofactor
from ..syntax.simplify import binop, neg, times
from ..syntax.template import const
from .arrays import _PRODUCT_ADJOINTS
from .axes import shift
from .base import Add, Custom, NonDifferentiable, TABLE, bilinear, rank, register, total
from .elementwise import MULTIPLY
from .literals import literal


def _known_ranks(site, positions, what):
    """The ranks of the arguments at `positions`, which the formula of `what` needs."""
    ranks = []
    for position in positions:
        kind = site.kinds[position]
        if kind.is_array and kind.ndim is not None:
            ranks.append(kind.ndim)
        elif kind.is_scalar:
            ranks.append(0)
        else:
            raise UnsupportedError(f"the derivative of `{what}` needs the ranks of its "
                                   "operands; call with example arguments (or annotate the "
                                   "arrays) so that they are known.")
    return ranks


def _call(site, template, keywords=(), **subs):
    """`site.fill(template)` with keyword arguments appended to the (outer) call."""
    call = site.fill(template, **subs)
    call.keywords = list(call.keywords) + [gast.keyword(arg=key, value=value)
                                           for key, value in keywords]
    return call


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
    ra, rb = _known_ranks(site, (0, 1), "np.outer")
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
    ra, rb = _known_ranks(site, (0, 1), "np.inner")
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
        ra = _known_ranks(site, (0,), "np.inner")[0] if site.vector else 1
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
    ra, rb = _known_ranks(site, (0, 1), "np.vdot")
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
    ra, rb = _known_ranks(site, (0, 1), "np.tensordot")
    ca, cb = _tensordot_axes(site.consts, (ra, rb), len(site.args))
    fa = [i for i in range(ra) if i not in ca]
    fb = [i for i in range(rb) if i not in cb]
    if ra == rb and ca == cb == tuple(range(ra)):
        templates = ("g * b", "g * a")
        return {i: Add(site.fill(templates[i])) for i in (0, 1) if site.active[i]}
    if ca == (ra - 1,) and cb == (0,) and ra <= 2 and rb <= 2:
        templates = _PRODUCT_ADJOINTS[(ra, rb)]
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
    ra, rb = _known_ranks(site, (0, 1), "np.tensordot")
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


# ---------------------------------------------------------------- np.einsum


@dataclasses.dataclass(frozen=True)
class Subscripts:
    """An einsum specification taken apart: one string of labels per operand and the
    output's labels (implicit mode's output made explicit: the labels used once, in
    alphabetical order, as NumPy does)."""
    terms: tuple
    out: str

    def fresh(self, count):
        """`count` labels the subscripts do not use, from `j` on."""
        used = set("".join(self.terms) + self.out)
        order = string.ascii_lowercase[9:] + string.ascii_lowercase[:9] + string.ascii_uppercase
        return [c for c in order if c not in used][:count]


def parse_subscripts(text, count=None):
    """`text` (as given to np.einsum) for `count` operands, or an UnsupportedError."""
    if not isinstance(text, str):
        raise UnsupportedError("np.einsum is differentiated with its subscripts written as a "
                               "string literal in the call (`np.einsum('ij,j->i', a, x)`); the "
                               "form with lists of axis numbers has no derivative rule.")
    spec = text.replace(" ", "")
    if "." in spec:
        raise UnsupportedError(f"np.einsum subscripts with an ellipsis ({text!r}) have no "
                               "derivative rule; name every axis with a letter.")
    if spec.count("->") > 1:
        raise UnsupportedError(f"np.einsum subscripts {text!r} have more than one '->'.")
    inputs, arrow, out = spec.partition("->")
    terms = tuple(inputs.split(","))
    if not all(label in string.ascii_letters for label in "".join(terms) + out):
        raise UnsupportedError(f"np.einsum subscripts {text!r}: labels must be letters.")
    if count is not None and len(terms) != count:
        raise UnsupportedError(f"np.einsum subscripts {text!r} name {len(terms)} operands, "
                               f"but {count} are passed.")
    labels = "".join(terms)
    if not arrow:
        out = "".join(sorted(label for label in set(labels) if labels.count(label) == 1))
    elif len(set(out)) != len(out) or any(label not in labels for label in out):
        raise UnsupportedError(f"np.einsum output {out!r} must name distinct labels of the "
                               "operands.")
    return Subscripts(terms, out)


def _einsum_kind(arg_kinds, consts):
    operands = arg_kinds[1:]
    if arg_kinds and arg_kinds[0].is_array:
        raise UnsupportedError("np.einsum is differentiated with its subscripts as the first "
                               "argument, a string literal (`np.einsum('ij,j->i', a, x)`).")
    if any(kind.is_scalar for kind in operands):
        raise UnsupportedError("np.einsum of a number has no derivative rule; multiply by "
                               "it outside the einsum.")
    if "subscripts" not in consts:
        return K.UNKNOWN
    spec = parse_subscripts(consts["subscripts"], len(operands))
    for term, kind in zip(spec.terms, operands):
        if kind.is_array and kind.ndim is not None and kind.ndim != len(term):
            raise UnsupportedError(f"np.einsum term {term!r} names {len(term)} axes of an "
                                   f"operand of rank {kind.ndim}.")
    return K.array(len(spec.out))


def _site_subscripts(site):
    node = site.args[0]
    if not (isinstance(node, gast.Constant) and isinstance(node.value, str)):
        parse_subscripts(None)
    return parse_subscripts(node.value, len(site.args) - 1)


def _einsum_operand_adjoint(site, spec, k):
    """The adjoint of operand k: the einsum of `g` (labelled like the output) with the
    other operands, giving operand k's labels. A label repeated in operand k's term (a
    diagonal, a trace) is renamed, with an identity matrix tying the copies together; a
    label summed over in operand k alone is spread by a ones operand."""
    term = spec.terms[k]
    array = site.args[k + 1]
    fresh = iter(spec.fresh(len(term)))
    inputs = [(spec.out, site.g)]
    inputs += [(t, arg) for j, (t, arg) in enumerate(zip(spec.terms, site.args[1:])) if j != k]
    labels = []
    for position, label in enumerate(term):
        if label in labels:
            renamed = next(fresh)
            labels.append(renamed)
            inputs.append((label + renamed, site.fill("np.eye(x.shape[p], dtype=x.dtype)",
                                                      x=array, p=const(position))))
        else:
            labels.append(label)
    result = "".join(labels)
    present = set("".join(t for t, _ in inputs))
    if any(label not in present for label in result):
        inputs.append((result, site.fill("np.ones_like(x)", x=array)))
    text = ",".join(t for t, _ in inputs) + "->" + result
    return gast.Call(func=site.fill("np.einsum"), args=[const(text)] + [v for _, v in inputs],
                     keywords=[])


def _einsum_adjoint(site):
    spec = _site_subscripts(site)
    return {k + 1: Add(_einsum_operand_adjoint(site, spec, k))
            for k in range(len(spec.terms)) if site.active[k + 1]}


def _einsum_tangent(site):
    """The same einsum with one operand replaced by its tangent, per operand; in vector
    mode the tangent and the output get a new leading label for the directions."""
    spec = _site_subscripts(site)
    operands = site.args[1:]
    terms = []
    for k, dot in enumerate(site.dots[1:]):
        if dot is None:
            continue
        args = list(operands)
        args[k] = dot
        if site.vector:
            direction = spec.fresh(1)[0]
            labels = list(spec.terms)
            labels[k] = direction + labels[k]
            text = const(",".join(labels) + "->" + direction + spec.out)
        else:
            text = const(site.args[0].value)
        terms.append(gast.Call(func=site.fill("np.einsum"), args=[text] + args, keywords=[]))
    return total(terms)


class Einsum(Custom):
    """Every operand after the subscripts is differentiable, however many there are."""

    def differentiable(self, position):
        return position >= 1


register(Einsum("np.einsum", _einsum_kind, _einsum_adjoint, _einsum_tangent,
                names=("subscripts",),
                doc="each operand's adjoint is another einsum, of `g` with the other "
                    "operands; subscripts a string literal, explicit ('ij,jk->ik') or "
                    "implicit ('ij,jk'), repeated labels (diagonals, traces) included; no "
                    "ellipsis ('...')"),
         np.einsum)


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
    eye = _call(site, "np.eye(a.shape[i], a.shape[j])", keywords,
                i=const(axis1), j=const(axis2))
    if ndim == 2:
        if (axis1, axis2) == (0, 1):
            eye = _call(site, "np.eye(*a.shape)", keywords)
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
    return _call(site, "np.trace(d)", keywords, d=site.dots[0])


_TRACE = ("a", "offset", "axis1", "axis2", "dtype", "out")
register(Custom("np.trace", _trace_kind, _trace_adjoint, _trace_tangent, names=_TRACE,
                doc="adjoint `g` times the identity (shifted by `offset`) on the two axes; "
                    "`offset`, `axis1`, `axis2` constants; any rank from 2"), np.trace)
register(Custom(".trace()", _trace_kind, _trace_adjoint, _trace_tangent, names=_TRACE,
                doc="as `np.trace(x, ...)`"), ir.Method("trace"))

# `x.dot(y)` is `np.dot(x, y)`
register(dataclasses.replace(TABLE[np.dot], name=".dot()",
                             doc="as `np.dot(x, y)`: for matrices `g @ y.T` and `x.T @ g`"),
         ir.Method("dot"))


# ---------------------------------------------------------------- np.linalg.norm


@dataclasses.dataclass(frozen=True)
class NormPlan:
    """What a call to np.linalg.norm computes: `how` is "two" (the 2-norm of a vector or
    the Frobenius norm of a matrix, the same formula), "one", "max" (ord=inf), "min"
    (ord=-inf), "zero" (ord=0, a count) or "p" (another p > 1); `axis` None (all
    elements), an int or a pair; `ndim` the operand's rank (None if unknown)."""
    how: str
    p: float
    axis: object
    keepdims: bool
    ndim: int

    @property
    def out_ndim(self):
        if self.keepdims:
            return self.ndim
        if self.axis is None:
            return 0
        if self.ndim is None:
            return None
        return self.ndim - (len(self.axis) if isinstance(self.axis, tuple) else 1)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _vector_ord(ord):
    if ord is None or (_is_number(ord) and ord == 2):
        return "two", 2
    if not _is_number(ord):
        raise UnsupportedError(f"np.linalg.norm of a vector with ord={ord!r}: ord must be a "
                               "number (None, 2, 1, np.inf, -np.inf, 0 or p > 1).")
    if ord == 1:
        return "one", 1
    if ord == math.inf:
        return "max", ord
    if ord == -math.inf:
        return "min", ord
    if ord == 0:
        return "zero", 0
    if ord > 1:
        return "p", ord
    raise UnsupportedError(f"np.linalg.norm with ord={ord!r} has no derivative rule (it is "
                           "not differentiable where an element is zero); rules exist for "
                           "ord None, 2, 1, np.inf, -np.inf, 0 and p > 1.")


def _norm_plan(arg_kinds, consts):
    advice = {"ord": "a number or string literal", "axis": "an int literal, or a tuple by "
              "keyword: `axis=(0, 1)`", "keepdims": "True or False"}
    for position, param in enumerate(("ord", "axis", "keepdims"), 1):
        if len(arg_kinds) > position and param not in consts:
            raise UnsupportedError(f"`{param}` of np.linalg.norm must be a constant written in "
                                   f"the call ({advice[param]}).")
    kind = arg_kinds[0]
    if kind.is_scalar:
        raise UnsupportedError("np.linalg.norm of a number: use abs(x).")
    ndim = kind.ndim if kind.is_array else None
    ord, axis = consts.get("ord"), consts.get("axis")
    keepdims = bool(consts.get("keepdims"))
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, tuple):
        if len(axis) != 2 or not all(isinstance(a, int) for a in axis):
            raise UnsupportedError(f"`axis={axis!r}` of np.linalg.norm: give one axis (a vector "
                                   "norm) or two (a matrix norm).")
        if ndim is not None:
            axis = tuple(a % ndim for a in axis)
        matrix = True
    elif axis is None:
        if ord is None:
            return NormPlan("two", 2, None, keepdims, ndim)
        if ndim is None:
            raise UnsupportedError("np.linalg.norm with an `ord` and no `axis` needs the rank "
                                   "of its operand; call with example arguments or give "
                                   "`axis`.")
        if ndim > 2:
            raise UnsupportedError("np.linalg.norm with an `ord` of an array of rank above 2 "
                                   "needs `axis`.")
        matrix = ndim == 2
    elif isinstance(axis, int) and not isinstance(axis, bool):
        matrix = False
        if ndim is not None:
            axis = axis % ndim
    else:
        raise UnsupportedError(f"`axis={axis!r}` of np.linalg.norm must be a constant int or "
                               "pair of ints.")
    if not matrix:
        how, p = _vector_ord(ord)
        return NormPlan(how, p, axis, keepdims, ndim)
    if ord is None or ord == "fro":
        return NormPlan("two", 2, axis, keepdims, ndim)
    if ord == "nuc":
        raise UnsupportedError("the nuclear norm (ord='nuc') has no derivative rule yet; the "
                               "Frobenius norm (ord=None or 'fro') has.")
    raise UnsupportedError(f"the matrix norm with ord={ord!r} has no derivative rule; the "
                           "Frobenius norm (ord=None or 'fro') has, and vector norms "
                           "along one `axis` for every ord.")


def _norm_kind(arg_kinds, consts):
    plan = _norm_plan(arg_kinds, consts)
    ndim = plan.out_ndim
    return K.UNKNOWN if ndim is None else K.array(ndim)


def _expanded(site, plan, value):
    """A value shaped like the norm, with the reduced axes put back (length one)."""
    if plan.keepdims or plan.axis is None:
        return value
    return site.fill("np.expand_dims(v, k)", v=value, k=literal(plan.axis))


def _safe(site, value):
    """The norm where it is positive, 1 where it is 0 (x is all zero there, so a partial
    x / norm is 0, not NaN)."""
    return site.fill("np.where(n > 0, n, 1.0)", n=value)


def _norm_partial(site, plan):
    """The derivative of the norm with respect to x, shaped like x, for the norms other
    than the 2-norm. Zero where x is all zero."""
    if plan.how == "one":
        return site.fill("np.sign(a)")
    if plan.how == "p":
        return site.fill("np.sign(a) * (np.abs(a) / s) ** q",
                         s=_expanded(site, plan, _safe(site, site.out)), q=const(plan.p - 1))
    pick = "np.argmax" if plan.how == "max" else "np.argmin"
    if plan.axis is None:
        return site.fill(f"np.sign(a) * (np.arange(a.size) == {pick}(np.abs(a)))")
    return site.fill(f"np.sign(a) * (np.indices(a.shape, sparse=True)[k] == "
                     f"{pick}(np.abs(a), axis=k, keepdims=True))", k=literal(plan.axis))


def _norm_adjoint(site):
    plan = _norm_plan(site.kinds, site.consts)
    if plan.how == "zero":
        return {}
    if plan.how == "two":
        if plan.keepdims or plan.axis is None:
            return {0: Add(times(site.g, site.fill("a / s", s=_safe(site, site.out))))}
        scaled = site.fill("g / s", s=_safe(site, site.out))
        return {0: Add(site.fill("a * v", v=_expanded(site, plan, scaled)))}
    return {0: Add(times(_expanded(site, plan, site.g), _norm_partial(site, plan)))}


def _norm_tangent(site):
    plan = _norm_plan(site.kinds, site.consts)
    if plan.how == "zero":
        return None
    axis = plan.axis
    if site.vector:
        axis = tuple(range(1, rank(site.kinds[0]) + 1)) if axis is None else shift(axis)
        if isinstance(axis, tuple) and len(axis) == 1:
            axis = axis[0]
    keywords = [] if axis is None else [("axis", literal(axis))]
    if plan.keepdims:
        keywords.append(("keepdims", const(True)))
    if plan.how == "two":
        summed = _call(site, "np.sum(a * d)", keywords, d=site.dots[0])
        return binop(summed, gast.Div(), _safe(site, site.out))
    product = binop(_norm_partial(site, plan), gast.Mult(), site.dots[0])
    return _call(site, "np.sum(v)", keywords, v=product)


register(Custom(
    "np.linalg.norm", _norm_kind, _norm_adjoint, _norm_tangent,
    names=("x", "ord", "axis", "keepdims"),
    doc="vector norms along `axis` or of a vector: ord None/2 `x / norm`; 1 `sign(x)` (0 at "
        "zero elements); inf/-inf `sign(x)` at the first element of largest/smallest |x|, 0 "
        "elsewhere; p > 1; 0 (a count) derivative 0. The Frobenius norm of matrices (`axis` "
        "a pair, or none); `keepdims`. A zero vector's norm has gradient 0, never NaN. Other "
        "matrix norms (nuclear, spectral, induced) are an error"),
    np.linalg.norm)


# ---------------------------------------------------------------- inv, solve, det, slogdet


def _square_kind(kind, what):
    """The rank of a (stack of) square matrices, None if unknown."""
    if kind.is_scalar or (kind.is_array and kind.ndim is not None and kind.ndim < 2):
        raise UnsupportedError(f"`{what}` needs a square matrix (or a stack of them), "
                               f"not {kind}.")
    return kind.ndim if kind.is_array else None


def _by_rank(site, template_2d, template_any, ndim, **subs):
    """The 2-D template (with `.T`) for matrices, the stacked one (with swapaxes) else."""
    return site.fill(template_2d if ndim == 2 else template_any, **subs)


def _inv_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if _square_kind(kind, "np.linalg.inv") is None:
        return K.UNKNOWN
    return K.Kind("array", kind.ndim, kind.shape)


def _inv_adjoint(site):
    ndim = _square_kind(site.kinds[0], "np.linalg.inv")
    value = _by_rank(site, "out.T @ g @ out.T",
                "np.swapaxes(out, -1, -2) @ g @ np.swapaxes(out, -1, -2)", ndim)
    return {0: Add(neg(value))}


def _inv_tangent(site):
    return neg(site.fill("out @ d @ out", d=site.dots[0]))


register(Custom("np.linalg.inv", _inv_kind, _inv_adjoint, _inv_tangent, names=("a",),
                doc="`-out.T @ g @ out.T`, reusing the inverse; stacks of matrices too"),
         np.linalg.inv)


# NumPy 2 reads `b` in solve(A, b) as one vector only when it has one axis (a vector for
# every matrix of a stacked A), NumPy 1 as a stack of vectors when it has one axis less
# than A; otherwise b is a (stack of) matrices. The derivative follows the NumPy it runs on.
NUMPY2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def _solve_form(arg_kinds):
    """The ranks of A and b, and whether b holds vectors (None when a rank is unknown)."""
    ra = _square_kind(arg_kinds[0], "np.linalg.solve")
    b = arg_kinds[1]
    if b.is_scalar:
        raise UnsupportedError("np.linalg.solve with a number as `b`: pass a vector or "
                               "matrix.")
    rb = b.ndim if b.is_array else None
    if ra is None or rb is None:
        return ra, rb, None
    return ra, rb, rb == 1 or (not NUMPY2 and rb == ra - 1)


def _solve_kind(arg_kinds, consts):
    ra, rb, vector = _solve_form(arg_kinds)
    if ra is None or rb is None:
        return K.UNKNOWN
    if ra == 2:
        return K.Kind("array", rb, arg_kinds[1].shape)
    return K.array(max(ra - 1, rb) if vector else max(ra, rb))


def _solve_adjoint(site):
    """b's adjoint solves with A transposed; A's is minus its outer product with the
    solution (`out`). Stacks are summed back where an operand was broadcast."""
    ra, rb, vector = _solve_form(site.kinds)
    if ra is None or rb is None:
        _known_ranks(site, (0, 1), "np.linalg.solve")
    if vector and ra > 2:
        # one vector per matrix: solved as one-column matrices
        b_bar = site.fill("np.linalg.solve(np.swapaxes(a, -1, -2), g[..., None])[..., 0]")
        a_bar = site.fill("v[..., :, None] * out[..., None, :]", v=b_bar)
    else:
        b_bar = _by_rank(site, "np.linalg.solve(a.T, g)",
                    "np.linalg.solve(np.swapaxes(a, -1, -2), g)", ra)
        if vector:
            a_bar = site.fill("np.outer(v, out)", v=b_bar)
        else:
            a_bar = _by_rank(site, "v @ out.T", "v @ np.swapaxes(out, -1, -2)", max(ra, rb),
                        v=b_bar)
    result = {}
    if site.active[1]:
        result[1] = Add(b_bar, reduce=ra > 2)
    if site.active[0]:
        result[0] = Add(neg(a_bar), reduce=rb > (1 if vector else 2))
    return result


def _solve_tangent(site):
    """`solve(A, b_dot - A_dot @ out)`; in vector mode a vector b's right-hand sides (one
    per direction) are solved for as the columns of one matrix."""
    ra, rb, vector = _solve_form(site.kinds)
    if site.vector:
        for kind in site.kinds[:2]:
            rank(kind)  # known, or an error: where the directions go depends on them
    stacked_vectors = vector and ra is not None and ra > 2
    # in vector mode, a stack of fewer matrices than the result gets new axes after the
    # directions, so that the stacks line up
    da, db = (None if dot is None else site.aligned(i) for i, dot in enumerate(site.dots))
    product = "(d @ out[..., None])[..., 0]" if stacked_vectors else "d @ out"
    if da is not None and db is not None:
        rhs = site.fill(f"e - {product}", d=da, e=db)
    elif db is not None:
        rhs = db
    else:
        rhs = site.fill(product, d=da)
    if stacked_vectors:
        value = site.fill("np.linalg.solve(a, r[..., None])[..., 0]", r=rhs)
    elif site.vector and vector:
        value = site.fill("np.linalg.solve(a, r.T).T", r=rhs)
    else:
        value = site.fill("np.linalg.solve(a, r)", r=rhs)
    return value if db is not None else neg(value)


register(Custom("np.linalg.solve", _solve_kind, _solve_adjoint, _solve_tangent, (0, 1),
                names=("a", "b"),
                doc="b's adjoint `solve(A.T, g)`, A's `-solve(A.T, g) @ out.T`, reusing the "
                    "solution; b a vector or a matrix, A and b stacks of them too (b read as "
                    "the NumPy in use reads it)"), np.linalg.solve)


def _det_kind(arg_kinds, consts):
    ndim = _square_kind(arg_kinds[0], "np.linalg.det")
    return K.UNKNOWN if ndim is None else K.array(ndim - 2)



def _per_matrix(site, scale, matrix, ndim):
    """`scale` (one number per matrix) times `matrix` (a stack of them)."""
    if ndim == 2:
        return times(scale, matrix)
    spread = site.fill("v[..., None, None]" if ndim else "np.expand_dims(v, (-2, -1))",
                       v=scale)
    return binop(spread, gast.Mult(), matrix)


def _over_matrices(site, value, ndim):
    """The sum of `value` over its last two axes (per matrix, per direction)."""
    if ndim == 2 and not site.vector:
        return site.fill("np.sum(v)", v=value)
    return site.fill("np.sum(v, axis=(-2, -1))", v=value)


def _det_adjoint(site):
    ndim = _square_kind(site.kinds[0], "np.linalg.det")
    return {0: Add(_per_matrix(site, site.g, site.helper(cofactor, site.args[0]), ndim))}


def _det_tangent(site):
    ndim = _square_kind(site.kinds[0], "np.linalg.det")
    product = binop(site.helper(cofactor, site.args[0]), gast.Mult(), site.dots[0])
    return _over_matrices(site, product, ndim)


def _logdet_adjoint(site):
    ndim = _square_kind(site.kinds[0], "np.linalg.slogdet")
    if ndim == 2:
        return {0: Add(times(site.g, site.fill("np.linalg.inv(a).T")))}
    return {0: Add(_per_matrix(site, site.g,
                               site.fill("np.swapaxes(np.linalg.inv(a), -1, -2)"), ndim))}


def _logdet_tangent(site):
    """trace(inv(A) @ A_dot), by a solve, over the last two axes."""
    ndim = _square_kind(site.kinds[0], "np.linalg.slogdet")
    if ndim == 2 and not site.vector:
        return site.fill("np.trace(np.linalg.solve(a, d))", d=site.dots[0])
    return site.fill("np.trace(np.linalg.solve(a, d), axis1=-2, axis2=-1)", d=site.dots[0])


register(Custom("np.linalg.det", _det_kind, _det_adjoint, _det_tangent, names=("a",),
                doc="`g * cofactor(A)`, the cofactor matrix det(A) * inv(A).T computed from "
                    "the SVD without inverting A or dividing by det(A), so exact at a "
                    "singular A too; stacks of matrices too"), np.linalg.det)


class Sign(NonDifferentiable):
    def out_kind(self, arg_kinds, consts):
        return _det_kind(arg_kinds, consts)


register(Sign("np.linalg.slogdet[0]", doc="the sign of the determinant: derivative zero"),
         ir.Part(np.linalg.slogdet, 0))
register(Custom("np.linalg.slogdet[1]", _det_kind, _logdet_adjoint, _logdet_tangent,
                names=("a",),
                doc="log|det A|: g * inv(A).T; at a singular A (log|det| = -inf) the "
                    "derivative raises LinAlgError; stacks of matrices too"),
         ir.Part(np.linalg.slogdet, 1))
