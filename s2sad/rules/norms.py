"""np.linalg.norm: vector norms along an axis (ord None/2, 1, inf, -inf, 0, p > 1), the
Frobenius norm of matrices and the norms through their singular values (nuclear,
spectral: ord 'nuc', 2, -2; `runtime_matrices.matrix_norm_gradient`).

The policies where a norm is not differentiable are in the doc of its row: a zero
vector's norm has gradient 0, never NaN; the inf-norms' derivative goes to the first
element of largest (smallest) magnitude. Other matrix norms are an error saying which
ones have a rule.

The norm of complex values is real and not holomorphic. Each vector norm is a function
of the moduli |x|, whose adjoint (complexes.py) is conj(x) / |x|: so the partial of a
complex x is its real one with `conj(x) / |x|` (0 at 0) for `sign(x)`, `conj(x) / norm`
for the 2-norm, and the tangent the real part of the sum. The norms through singular
values, with d s = real(u^H dA v), have the conjugate of their real partial: conj(U V^H)
for the nuclear norm.
"""
import dataclasses
import math
import numbers

import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime_matrices import matrix_norm_gradient
from ..syntax.simplify import binop, times
from ..syntax.template import const
from .axes import shift
from .base import Add, Custom, rank, register
from .literals import literal


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
    if ord in SINGULAR:
        return NormPlan(SINGULAR[ord], 0, axis, keepdims, ndim)
    raise UnsupportedError(f"the matrix norm with ord={ord!r} has no derivative rule; the "
                           "Frobenius norm (ord=None or 'fro'), the nuclear norm ('nuc') and "
                           "the spectral norms (2, -2) have, and vector norms along one "
                           "`axis` for every ord.")


# the matrix norms through singular values: their `how`, which is `which` of
# runtime_matrices.matrix_norm_gradient
SINGULAR = {"nuc": "nuc", 2: "max_singular", -2: "min_singular"}


@dataclasses.dataclass(frozen=True)
class Norm(Custom):
    """A norm: real, also of complex values."""

    def complex_result(self, arg_kinds):
        return False


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


def _complex(site):
    return site.kinds[0].complex


def _sign(site):
    """sign(x), the derivative of |x|; for complex x conj(x) / |x| (0 at 0)."""
    if _complex(site):
        return site.fill("safe_divide(np.conj(a), np.abs(a))")
    return site.fill("np.sign(a)")


def _real(site, value):
    return site.fill("np.real(v)", v=value) if _complex(site) else value


def _norm_partial(site, plan):
    """The derivative of the norm with respect to x, shaped like x, for the norms other
    than the 2-norm. Zero where x is all zero."""
    if plan.how == "one":
        return _sign(site)
    if plan.how in SINGULAR.values():
        which = const(plan.how.partition("_")[0])
        args = (site.args[0], which) + (() if plan.axis is None else (literal(plan.axis),))
        gradient = site.helper(matrix_norm_gradient, *args)
        return site.fill("np.conj(p)", p=gradient) if _complex(site) else gradient
    if plan.how == "p":
        return site.fill("sign * (np.abs(a) / s) ** q", sign=_sign(site),
                         s=_expanded(site, plan, _safe(site, site.out)), q=const(plan.p - 1))
    pick = "np.argmax" if plan.how == "max" else "np.argmin"
    if plan.axis is None:
        return site.fill(f"sign * (np.arange(a.size) == {pick}(np.abs(a)))", sign=_sign(site))
    return site.fill(f"sign * (np.indices(a.shape, sparse=True)[k] == "
                     f"{pick}(np.abs(a), axis=k, keepdims=True))", sign=_sign(site),
                     k=literal(plan.axis))


def _norm_adjoint(site):
    plan = _norm_plan(site.kinds, site.consts)
    if plan.how == "zero":
        return {}
    if plan.how == "two":
        a = site.fill("np.conj(a)") if _complex(site) else site.args[0]
        if plan.keepdims or plan.axis is None:
            return {0: Add(times(site.g, site.fill("x / s", x=a, s=_safe(site, site.out))))}
        scaled = site.fill("g / s", s=_safe(site, site.out))
        return {0: Add(site.fill("x * v", x=a, v=_expanded(site, plan, scaled)))}
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
        a = site.fill("np.conj(a)") if _complex(site) else site.args[0]
        summed = site.fill_call("np.sum(x * d)", keywords, x=a, d=site.dots[0])
        return binop(_real(site, summed), gast.Div(), _safe(site, site.out))
    product = binop(_norm_partial(site, plan), gast.Mult(), site.dots[0])
    return _real(site, site.fill_call("np.sum(v)", keywords, v=product))


register(Norm(
    "np.linalg.norm", _norm_kind, _norm_adjoint, _norm_tangent,
    names=("x", "ord", "axis", "keepdims"),
    doc="vector norms along `axis` or of a vector: ord None/2 `x / norm`; 1 `sign(x)` (0 at "
        "zero elements); inf/-inf `sign(x)` at the first element of largest/smallest |x|, 0 "
        "elsewhere; p > 1; 0 (a count) derivative 0. The Frobenius norm of matrices (`axis` "
        "a pair, or none), and through singular values (stacked too): nuclear ('nuc') `U "
        "V^T` over the positive singular values, spectral (2, -2) `u v^T` of the largest "
        "(smallest) one, where tied singular values give the pair NumPy's SVD returns; "
        "`keepdims`. A zero vector's or matrix's norm has gradient 0, never NaN. The induced "
        "norms (ord 1, -1, inf, -inf of matrices) are an error; of complex values, "
        "`conj(x) / |x|` for sign(x), conj(U V^H) for the nuclear norm"),
    np.linalg.norm)
