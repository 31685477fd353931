"""s2sad's own run-time helpers (s2sad/runtime.py), which generated derivatives call:
rules for them make a generated derivative differentiable in turn (a Hessian is the
derivative of a gradient), and let a user call them too.

- The guarded quotients and powers are elementwise, and their partials are guarded the
  same way, so a zero derivative passing through stays zero at every order:
  `safe_divide(n, d)` has the partials `safe_divide(1, d)` and `safe_divide(-out, d)`;
  `xlogy(w, a)` has `xlogy(1, a)` and `safe_divide(w, a)`; `xpow(w, a, e)` has
  `xpow(1, a, e)`, `xpow(w * e, a, e - 1)` and `xlogy(out, a)`.
- `digamma` has the partial `polygamma(1, a)`, and `polygamma(n, a)` the partial
  `polygamma(n + 1, a)`; `sigmoid` has `out * (1 - out)`.
- `unbroadcast(g, x)` and `tangent_buffer(t, y)` are linear in their first argument:
  the one sums `g` down to `x`'s shape, its adjoint spreads the adjoint back; the other
  spreads `t` to `y`'s shape, its adjoint sums back (`unbroadcast`).
- `matmul_adjoint_a(g, a, b)` is linear in `g` and in `b` (it reads only `a`'s shape):
  <c, matmul_adjoint_a(g, a, b)> = <g, c @ b>, so its adjoint in `g` is `c @ b` and
  in `b` is `matmul_adjoint_b(g, c, b)`; `matmul_adjoint_b` likewise with <g, a @ c>.
- `cumprod_tangent(d, a)` and `cumprod_adjoint(g, a)` are linear in their first argument
  and each other's transpose; their derivatives in `a` are the second derivative of
  np.cumprod, `cumprod_second(d, e, a)` (symmetric in `d` and `e`) and
  `cumprod_adjoint_tangent(g, a, e)` (the Hessian of <g, cumprod(a)> applied to `e`),
  which are linear in all but `a` and transpose to each other. Likewise the gradients of
  np.prod and det, `prod_others(a)` and `cofactor(a)`, have the derivatives
  `prod_others_tangent(a, e)` and `cofactor_tangent(a, e)`: the Hessian applied to `e`.
  A third derivative is a located error.
- `first_max` and `first_min` are 0/1 masks, piecewise constant: no derivative.
- The list helpers: `list_zeros` makes zeros (no derivative); `add_each`, `add_to_each`
  and `split_like` have no rule yet: a call is a located error.
"""
import gast

from .. import runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import number
from ..syntax.template import const
from .base import Add, Custom, NonDifferentiable, known_ranks, rank, register, total
from .elementwise import Checked
from .literals import literal
from .partials import ratio, xlogy, xpow
from .structural import directions


# ---------------------------------------------------------------- guarded elementwise helpers

class Power(Checked):
    """`xpow(w, a, e)` or `xpow(w, a, e, np.float_power)`: the partials compute their
    powers with the function the call does."""

    names = ("w", "a", "e", "power")

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) == 4 and consts.get("power") not in (runtime.np.power,
                                                                runtime.np.float_power):
            raise UnsupportedError("`xpow` with a power function other than np.power or "
                                   "np.float_power has no derivative rule; pass one of them "
                                   "as a constant.")
        return super().out_kind(arg_kinds, consts)

    def partials_at(self, site):
        if site.consts.get("power") is runtime.np.float_power:
            return _power_partials("float_power")
        return self.partials


def _power_partials(form="power"):
    return (xpow("1", "b", "c", form), xpow("a * c", "b", "c - 1", form), xlogy("out", "b"),
            None)


class Polygamma(Checked):
    """`polygamma(n, a)`: the order `n` is an integer; the partial in `a` is the next
    order, written as a literal where `n` is one."""

    def partials_at(self, site):
        order = number(site.args[0])
        if isinstance(order, int):
            return (None, f"polygamma({order + 1}, b)")
        return self.partials


GUARD = "guarded like the partials it computes: 0 wherever the incoming derivative is 0"
register(Checked("runtime.safe_divide", (ratio("1", "b"), ratio("-out", "b")), doc=GUARD),
         runtime.safe_divide)
register(Checked("runtime.xlogy", (xlogy("1", "b"), ratio("a", "b")), doc=GUARD),
         runtime.xlogy)
register(Power("runtime.xpow", _power_partials(), doc=GUARD), runtime.xpow)
register(Checked("runtime.sigmoid", ("out * (1 - out)",)), runtime.sigmoid)
register(Checked("runtime.digamma", ("polygamma(1, a)",),
                 doc="the trigamma function, computed by s2sad's runtime"), runtime.digamma)
register(Polygamma("runtime.polygamma", (None, "polygamma(a + 1, b)"),
                   doc="the order is an integer constant"), runtime.polygamma)
class LikeFirst(NonDifferentiable):
    """No derivative, and a result of the first argument's kind (its shape)."""

    def out_kind(self, arg_kinds, consts):
        return arg_kinds[0]


register(LikeFirst("runtime.first_max", doc="a 0/1 mask: no derivative"), runtime.first_max)
register(LikeFirst("runtime.first_min", doc="a 0/1 mask: no derivative"), runtime.first_min)


# ---------------------------------------------------------------- linear helpers

def _kind_of(position):
    def kind(arg_kinds, consts):
        return arg_kinds[position]
    return kind


def _unbroadcast_kind(arg_kinds, consts):
    """The kind of `x` (a float for a number); with `directions`, an array with one axis
    more."""
    kind = arg_kinds[1]
    if len(arg_kinds) < 3:
        return K.SCALAR if kind.is_scalar or kind.tag == "int" else kind
    if kind.is_scalar or kind.tag == "int" or kind.is_array and kind.ndim is not None:
        return K.array(rank(K.SCALAR if kind.tag == "int" else kind) + 1)
    return K.array(None)


def _unbroadcast_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    if len(site.args) == 3:
        # the directions stay first: the summed axes come back after them
        spread = site.fill("np.expand_dims(g, tuple(range(1, 1 + np.ndim(a) - np.ndim(g))))")
        return {0: Add(site.fill("v * np.ones_like(t)", v=spread, t=site.template(0)))}
    return {0: Add(site.fill("g * np.ones_like(t)", t=site.template(0)))}


def _unbroadcast_tangent(site):
    if len(site.args) == 3 and site.vector:
        _one_direction("unbroadcast(g, x, directions)")
    if site.vector:
        return site.fill("unbroadcast(d, b, n)", d=site.dots[0], n=directions(site))
    if len(site.args) == 3:
        return site.fill("unbroadcast(d, b, c)", d=site.dots[0])
    return site.fill("unbroadcast(d, b)", d=site.dots[0])


def _one_direction(what, where=""):
    raise UnsupportedError(f"`{what}` (s2sad's run-time helper){where} has no rule for "
                           "tangents in several directions; compute one direction at a time "
                           "with s2sad.jvp.")


register(Custom("runtime.unbroadcast", _unbroadcast_kind, _unbroadcast_adjoint,
                _unbroadcast_tangent, names=("g", "x", "directions"), constants=(1, 2),
                doc="linear in g: its adjoint spreads the adjoint back to g's shape"),
         runtime.unbroadcast)


def _buffer_kind(arg_kinds, consts):
    return _unbroadcast_kind(arg_kinds, consts)


def _buffer_tangent(site):
    if site.vector:
        return site.fill("tangent_buffer(d, out, n)", d=site.aligned(0), n=directions(site))
    return site.fill("tangent_buffer(d, out)", d=site.dots[0])


register(Custom("runtime.tangent_buffer", _buffer_kind,
                lambda site: {0: Add(site.fill("unbroadcast(g, a)"))}, _buffer_tangent,
                names=("t", "y", "directions"), constants=(1, 2),
                doc="linear in t: its adjoint sums back to t's shape"),
         runtime.tangent_buffer)


# ---------------------------------------------------------------- the adjoints of `a @ b`

def _product(site, left, right, ranks):
    """`left @ right`, or `left * right` where an operand of the product was a number."""
    return site.fill("x * y" if 0 in ranks else "x @ y", x=left, y=right)


def _matmul_a_adjoint(site):
    ranks = known_ranks(site, (1, 2), "matmul_adjoint_a")
    found = {}
    if site.active[0]:
        found[0] = Add(_product(site, site.g, site.args[2], ranks))
    if site.active[2]:
        found[2] = Add(site.fill("matmul_adjoint_b(a, g, c)"))
    return found


def _matmul_b_adjoint(site):
    ranks = known_ranks(site, (1, 2), "matmul_adjoint_b")
    found = {}
    if site.active[0]:
        found[0] = Add(_product(site, site.args[1], site.g, ranks))
    if site.active[1]:
        found[1] = Add(site.fill("matmul_adjoint_a(a, b, g)"))
    return found


def _matmul_tangent(which, other):
    """The tangent of `matmul_adjoint_<which>(g, a, b)`: bilinear in `g` and the operand
    at `other`. In vector mode only for operands of rank 2 or more, where it is the
    helper's own product with the directions kept in front."""
    helper = f"matmul_adjoint_{which}"
    vector_terms = {"a": ("d @ np.swapaxes(c, -1, -2)", "a @ np.swapaxes(d, -1, -2)"),
                    "b": ("np.swapaxes(b, -1, -2) @ d", "np.swapaxes(d, -1, -2) @ a")}[which]
    target = {"a": "b", "b": "c"}[which]

    def tangent(site):
        dots = site.dots[0], site.dots[other]
        if not site.vector:
            terms = [site.fill(f"{helper}(d, b, c)", d=dots[0]) if dots[0] is not None
                     else None]
            if dots[1] is not None:
                args = [site.args[0], site.args[1], site.args[2]]
                args[other] = dots[1]
                terms.append(site.fill(f"{helper}(x, y, z)", x=args[0], y=args[1], z=args[2]))
            return total(term for term in terms if term is not None)
        ranks = known_ranks(site, (0, 1, 2), helper)
        if min(ranks[1:]) < 2:
            _one_direction(f"{helper}(g, a, b)", " with an operand of rank below 2")
        # each tangent's directions stand before every batch axis of the product
        terms = [site.fill(vector_terms[i], d=_padded(dot, max(ranks) - ranks[position]))
                 for i, (dot, position) in enumerate(zip(dots, (0, other)))
                 if dot is not None]
        return site.fill(f"unbroadcast(v, {target}, n)", v=total(terms), n=directions(site))
    return tangent


def _padded(dot, missing):
    """A vector-mode tangent with `missing` new axes after its direction axis."""
    if not missing:
        return dot
    parts = [gast.Slice(None, None, None)] + [const(None)] * missing
    return gast.Subscript(value=dot, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())


register(Custom("runtime.matmul_adjoint_a", _kind_of(1), _matmul_a_adjoint,
                _matmul_tangent("a", 2), positions=(0, 2), constants=(1,),
                doc="linear in g and in b (reads a's shape only)"),
         runtime.matmul_adjoint_a)
register(Custom("runtime.matmul_adjoint_b", _kind_of(2), _matmul_b_adjoint,
                _matmul_tangent("b", 1), positions=(0, 1), constants=(2,),
                doc="linear in g and in a (reads b's shape only)"),
         runtime.matmul_adjoint_b)


# ---------------------------------------------------------------- cumulative products

# helper -> (parameters; for each differentiable position, the tangent term with its
# tangent `d` and the adjoint with the adjoint `g` of the result, None: a third derivative)
CUMULATIVE = {
    "cumprod_tangent": (("d", "a"), {0: ("cumprod_tangent(d, b)", "cumprod_adjoint(g, b)"),
                                     1: ("cumprod_second(a, d, b)",
                                         "cumprod_adjoint_tangent(g, b, a)")}),
    "cumprod_adjoint": (("g", "a"), {0: ("cumprod_adjoint(d, b)", "cumprod_tangent(g, b)"),
                                     1: ("cumprod_adjoint_tangent(a, b, d)",
                                         "cumprod_adjoint_tangent(a, b, g)")}),
    "cumprod_second": (("d", "e", "a"), {0: ("cumprod_second(d, b, c)",
                                             "cumprod_adjoint_tangent(g, c, b)"),
                                         1: ("cumprod_second(a, d, c)",
                                             "cumprod_adjoint_tangent(g, c, a)"),
                                         2: None}),
    "cumprod_adjoint_tangent": (("g", "a", "e"), {0: ("cumprod_adjoint_tangent(d, b, c)",
                                                      "cumprod_second(g, c, b)"),
                                                  1: None,
                                                  2: ("cumprod_adjoint_tangent(a, b, d)",
                                                      "cumprod_adjoint_tangent(a, b, g)")}),
}


def _cumulative(helper):
    """The rule of one of the cumulative-product helpers: linear in each argument but the
    array `a`, in which its derivative is the next helper's (the adjoint of np.cumprod
    differentiated in `a` is `cumprod_adjoint_tangent`), up to the second derivative of
    np.cumprod; a third is a located error."""
    params, terms = CUMULATIVE[helper]

    def refuse(site):
        raise UnsupportedError(
            f"the derivative of `{helper}` (s2sad's run-time helper for derivatives of "
            "np.cumprod) in `a` is a third derivative of np.cumprod, which s2sad has no "
            "rule for; differentiate np.cumprod twice at most.")

    def adjoint(site):
        found = {}
        for position, term in terms.items():
            if position < len(site.active) and site.active[position]:
                if term is None:
                    refuse(site)
                value = _with_axis(site, site.fill(term[1]))
                if _leading(site, params):
                    # summed over the leading axes of directions the argument has not
                    value = site.fill("unbroadcast(v, x)", v=value, x=site.args[position])
                found[position] = Add(value)
        return found

    def tangent(site):
        if site.vector and _leading(site, params):
            _one_direction(f"{helper}(...)", " with leading axes of directions already")
        found = []
        for position, term in terms.items():
            if site.dots[position] is not None:
                if term is None:
                    refuse(site)
                found.append(_with_axis(site, site.fill(term[0], d=site.dots[position])))
        return total(found)

    return Custom(f"runtime.{helper}", _cumulative_kind(helper), adjoint, tangent,
                  positions=tuple(terms), names=params + ("axis",),
                  doc="linear in each argument but `a`; in `a` the next helper's derivative, "
                      "up to the second derivative of np.cumprod (a third is an error)")


def _cumulative_kind(helper):
    """The result's rank: that of np.cumprod's result (flat without an axis) for the
    tangents, of `a` for the adjoints, after the leading axes of the arguments."""
    params = CUMULATIVE[helper][0]

    def kind(arg_kinds, consts):
        ranks = [0 if k.is_scalar else k.ndim if k.is_array else None for k in arg_kinds]
        if any(rank is None for rank in ranks[:len(params)]):
            return K.array(None)
        base = ranks[params.index("a")]
        flat = consts.get("axis") is None or base == 0
        lead = max(rank - (1 if name == "g" and flat else base)
                   for name, rank in zip(params, ranks) if name != "a")
        own = 1 if flat and helper in ("cumprod_tangent", "cumprod_second") else base
        return K.array(lead + own)
    return kind


def _leading(site, params):
    """Whether an argument may have leading axes of directions (then a vector-mode
    tangent's directions could not be told from them, and an adjoint sums over them): one
    whose rank is unknown or above that of `a` (of the flat result, for an adjoint of the
    result without an axis)."""
    ranks = [0 if k.is_scalar else k.ndim if k.is_array else None for k in site.kinds]
    if any(rank is None for rank in ranks[:len(params)]):
        return True
    base = ranks[params.index("a")]
    flat = site.consts.get("axis") is None
    return any(rank > (1 if name == "g" and flat else base)
               for name, rank in zip(params, ranks) if name != "a")


def _with_axis(site, call):
    """The call with the helper bound by name (`Site.helper`) and the constant `axis`."""
    fn = runtime.BOUND_ON_USE[call.func.id]
    call.func = site.helper(fn).func
    if site.consts.get("axis") is not None:
        call.args.append(const(site.consts["axis"]))
    return call


for _helper in CUMULATIVE:
    register(_cumulative(_helper), getattr(runtime, _helper))


# ---------------------------------------------------------------- gradients of np.prod and det

def _hessian_pair(gradient, hessian, of, names):
    """`gradient(a[, axis])`, the gradient of `of`, whose derivative along `e` is
    `hessian(a, e[, axis])`: the Hessian of `of` applied to `e`, linear in `e` and its own
    transpose (a Hessian is symmetric); its derivative in `a` is a third derivative of
    `of`, a located error."""
    def call(site, e):
        axis = site.consts.get("axis")
        return site.helper(getattr(runtime, hessian), site.args[0], e,
                           *(() if axis is None else (literal(axis),)))

    def refuse(site):
        raise UnsupportedError(f"the derivative of `{hessian}` (s2sad's run-time helper for "
                               f"the second derivative of {of}) in `a` is a third derivative "
                               f"of {of}, which s2sad has no rule for; differentiate {of} "
                               "twice at most.")

    def adjoint(site):
        if site.active[0]:
            refuse(site)
        return {1: Add(call(site, site.g))}

    def tangent(site):
        if site.dots[0] is not None:
            refuse(site)
        return call(site, site.dots[1])

    register(Custom(f"runtime.{gradient}", _kind_of(0), lambda site: {0: Add(call(site, site.g))},
                    lambda site: call(site, site.dots[0]), names=names,
                    doc=f"its derivative is {hessian} (the Hessian of {of}, symmetric)"),
             getattr(runtime, gradient))
    register(Custom(f"runtime.{hessian}", _kind_of(1), adjoint, tangent, positions=(0, 1),
                    names=names[:1] + ("e",) + names[1:],
                    doc=f"linear in e (its own transpose); in a a third derivative of {of}: "
                        "an error"),
             getattr(runtime, hessian))


_hessian_pair("prod_others", "prod_others_tangent", "np.prod", ("a", "axis"))
_hessian_pair("cofactor", "cofactor_tangent", "np.linalg.det", ("a",))


# ---------------------------------------------------------------- lists

register(LikeFirst("runtime.list_zeros", doc="zeros: no derivative"), runtime.list_zeros)


def _list_helper(helper):
    """A helper the adjoints of lists call, whose result is a list of adjoints: no rule
    yet, so any call is an error naming it (never a silently zero derivative)."""
    def refuse(*args):
        raise UnsupportedError(f"`{helper}` (s2sad's run-time helper for the adjoints of "
                               "lists) has no derivative rule yet; differentiate a function "
                               "that builds lists once only.")
    return Custom(f"runtime.{helper}", refuse, refuse, refuse,
                  doc="no derivative rule yet: any call is an error")


for _helper in ("add_each", "add_to_each", "split_like"):
    register(_list_helper(_helper), getattr(runtime, _helper))
