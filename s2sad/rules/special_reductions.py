"""scipy.special.logsumexp, softmax and log_softmax: reductions along constant axes whose
derivatives reuse their result (the softmax weights are `exp(a - out)`).

- `logsumexp(a, axis, b, keepdims)`: out = log(sum(b * exp(a))); ∂/∂a = b * exp(a -
  out), ∂/∂b = exp(a - out), both spread back over the reduced axes. `return_sign=True`
  (a pair of results) is refused; where the weighted sum is not positive the result is
  NaN (SciPy warns), and so is its derivative.
- `softmax(x, axis)`: x_bar += s * (g - sum(g * s)), the sums along the axes with
  `keepdims`; `log_softmax(x, axis)`: x_bar += g - exp(out) * sum(g).

Keyword arguments are moved to their positions when the call is lowered (`signature`),
so the weights `b=w` are differentiated like a positional argument.
"""

from dataclasses import replace

import gast
import scipy.special

from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import REQUIRED, Add, Custom, rank, register, total
from .axes import shift
from .literals import literal
from .reducing import expand, reduction_axis, reduction_kind, summed

LOGSUMEXP = ("a", "axis", "b", "keepdims", "return_sign")


def _weighted(args, consts):
    """Whether the call passes weights `b` (not the constant None)."""
    return len(args) > 2 and not ("b" in consts and consts["b"] is None)


def _logsumexp_kind(arg_kinds, consts):
    if len(arg_kinds) > len(LOGSUMEXP):
        raise UnsupportedError("`scipy.special.logsumexp` takes at most a, axis, b, keepdims "
                               "and return_sign.")
    for position in (1, 3, 4):
        if position < len(arg_kinds) and LOGSUMEXP[position] not in consts:
            raise UnsupportedError(f"a computed `{LOGSUMEXP[position]}` in "
                                   "`scipy.special.logsumexp`; pass a constant.")
    if consts.get("return_sign"):
        raise UnsupportedError("`scipy.special.logsumexp(..., return_sign=True)` returns a "
                               "pair, which s2sad does not differentiate; keep the weights "
                               "positive and call it without `return_sign`.")
    kinds = [arg_kinds[0]] + ([arg_kinds[2]] if _weighted(arg_kinds, consts) else [])
    return reduction_kind([K.broadcast(kinds)], consts)


def _operand(site):
    """The site seen as reducing `a` broadcast with `b` (the kind `summed` and `expand`
    read), and that kind."""
    if not _weighted(site.args, site.consts):
        return site, site.kinds[0]
    kind = K.broadcast([site.kinds[0], site.kinds[2]])
    return replace(site, kinds=[kind] + list(site.kinds[1:])), kind


def _weights(site):
    """`exp(a - out)`, the out spread back over the reduced axes."""
    return site.fill("np.exp(a - o)", o=expand(site, site.out))


def _logsumexp_adjoint(site):
    weighted = _weighted(site.args, site.consts)
    _, kind = _operand(site)
    shares = site.fill("g * w", g=expand(site, site.g), w=_weights(site))

    def summed_back(value, position):
        """`value`, of the broadcast operand's shape, summed to argument `position`'s."""
        if K.same_shape(site.kinds[position], kind):
            return value
        return site.fill("unbroadcast(v, x)", v=value, x=site.template(position))
    found = {}
    if site.active[0]:
        found[0] = Add(summed_back(site.fill("v * c", v=shares) if weighted else shares, 0))
    if weighted and site.active[2]:
        found[2] = Add(summed_back(shares, 2))
    return found


def _logsumexp_tangent(site):
    reduced, kind = _operand(site)
    weighted = _weighted(site.args, site.consts)
    terms = []
    if site.dots[0] is not None:
        dot = _padded(site, 0, kind)
        terms.append(site.fill("c * d", d=dot) if weighted else dot)
    if weighted and site.dots[2] is not None:
        terms.append(_padded(site, 2, kind))
    if not terms:
        return None
    return summed(reduced, site.fill("w * v", w=_weights(site), v=total(terms)))


def _padded(site, position, kind):
    """The tangent of argument `position`; in vector mode with the axes broadcasting to
    `kind` adds to it inserted after the directions."""
    dot = site.dots[position]
    missing = rank(kind) - rank(site.kinds[position]) if site.vector else 0
    if missing <= 0:
        return dot
    parts = [gast.Slice(None, None, None)] + [literal(None)] * missing
    return gast.Subscript(value=dot, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())


register(Custom("scipy.special.logsumexp", _logsumexp_kind, _logsumexp_adjoint,
                _logsumexp_tangent, positions=(0, 2), names=LOGSUMEXP, constants=(1, 3, 4),
                doc="∂/∂a = b * exp(a - out), ∂/∂b = exp(a - out) along the reduced axes; "
                    "`axis` and `keepdims` constants, `b` differentiable (by keyword too); "
                    "`return_sign=True` refused",
                signature=(("a", REQUIRED), ("axis", None), ("b", None), ("keepdims", False),
                           ("return_sign", False))),
         scipy.special.logsumexp)


def _along(site, value, vector):
    """`np.sum(value, axis=..., keepdims=True)` along softmax's axes (all for None), after
    the directions in vector mode."""
    axis = reduction_axis(site.consts)
    if vector:
        axis = tuple(range(1, rank(site.kinds[0]) + 1)) if axis is None else shift(axis)
    call = site.fill("np.sum(v, keepdims=True)", v=value)
    if axis is not None:
        call.keywords = [gast.keyword(arg="axis", value=literal(axis))] + call.keywords
    return call


def _softmax_kind(arg_kinds, consts):
    if len(arg_kinds) > 2 or (len(arg_kinds) == 2 and "axis" not in consts):
        raise UnsupportedError("softmax takes x and a constant `axis`.")
    reduction_axis(consts)
    return arg_kinds[0]


def _softmax_adjoint(site):
    weighted = site.fill("g * out")
    return {0: Add(site.fill("out * (g - s)", s=_along(site, weighted, False)))}


def _softmax_tangent(site):
    dot = site.dots[0]
    if dot is None:
        return None
    return site.fill("out * (d - s)", d=dot,
                     s=_along(site, site.fill("d * out", d=dot), site.vector))


def _log_softmax_adjoint(site):
    return {0: Add(site.fill("g - np.exp(out) * s", s=_along(site, site.g, False)))}


def _log_softmax_tangent(site):
    dot = site.dots[0]
    if dot is None:
        return None
    return site.fill("d - s", d=dot,
                     s=_along(site, site.fill("np.exp(out) * d", d=dot), site.vector))


SOFTMAX = (("x", REQUIRED), ("axis", None))
register(Custom("scipy.special.softmax", _softmax_kind, _softmax_adjoint, _softmax_tangent,
                names=("x", "axis"), constants=(1,), signature=SOFTMAX,
                doc="x_bar += out * (g - sum(g * out)), the sum along `axis` (a constant; "
                    "None: all axes)"),
         scipy.special.softmax)
register(Custom("scipy.special.log_softmax", _softmax_kind, _log_softmax_adjoint,
                _log_softmax_tangent, names=("x", "axis"), constants=(1,), signature=SOFTMAX,
                doc="x_bar += g - exp(out) * sum(g), the sum along `axis` (a constant; "
                    "None: all axes)"),
         scipy.special.log_softmax)
