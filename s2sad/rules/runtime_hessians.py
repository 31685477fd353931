"""The rules of the helpers that compute the derivatives of np.cumprod, np.prod and det
(s2sad/runtime.py): their own derivatives are second derivatives of those functions,
computed by helpers of the same kind, so a gradient of a function that calls np.cumprod,
np.prod or np.linalg.det can be differentiated again (a Hessian).

- `cumprod_tangent(d, a)` and `cumprod_adjoint(g, a)` are linear in their first argument
  and each other's transpose; their derivatives in `a` are the second derivative of
  np.cumprod, `cumprod_second(d, e, a)` (symmetric in `d` and `e`) and
  `cumprod_adjoint_tangent(g, a, e)` (the Hessian of <g, cumprod(a)> applied to `e`),
  which are linear in all but `a` and transpose to each other.
- The gradients of np.prod and det, `prod_others(a)` and `cofactor(a)`, have the
  derivatives `prod_others_tangent(a, e)` and `cofactor_tangent(a, e)`: the Hessian
  applied to `e`, symmetric, so each is its own transpose in `e`.
- A derivative in `a` of a second-derivative helper is a third derivative: a located
  error naming the helper.
"""
from .. import runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, register, total
from .literals import literal
from .runtime_helpers import kind_of, one_direction


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
            one_direction(f"{helper}(...)", " with leading axes of directions already")
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

    register(Custom(f"runtime.{gradient}", kind_of(0), lambda site: {0: Add(call(site, site.g))},
                    lambda site: call(site, site.dots[0]), names=names,
                    doc=f"its derivative is {hessian} (the Hessian of {of}, symmetric)"),
             getattr(runtime, gradient))
    register(Custom(f"runtime.{hessian}", kind_of(1), adjoint, tangent, positions=(0, 1),
                    names=names[:1] + ("e",) + names[1:],
                    doc=f"linear in e (its own transpose); in a a third derivative of {of}: "
                        "an error"),
             getattr(runtime, hessian))


_hessian_pair("prod_others", "prod_others_tangent", "np.prod", ("a", "axis"))
_hessian_pair("cofactor", "cofactor_tangent", "np.linalg.det", ("a",))
