"""The linear algebra of scipy.linalg: cholesky, solve_triangular, cho_factor and
cho_solve, expm, and inv, solve and det (NumPy's rules: the same functions there).

SciPy is optional: these rows are loaded once the program imports scipy.linalg (base.OPTIONAL).
The derivatives are the helpers of s2sad/runtime_linalg.py; the matrix exponential's is
its Fréchet derivative, the top right block of expm([[A, E], [0, A]]), whose adjoint is
the same with A.T.

cho_factor returns (c, lower), `c` holding the factor in one triangle and, in the other,
what this SciPy leaves there: `a`'s entries (SciPy up to 1.17) or zeros (later ones).
Its derivative is found by calling cho_factor once on a small matrix; a SciPy that leaves
anything else has no rule for `c`.
"""
import dataclasses

import numpy as np
import scipy.linalg as sl

from .. import ir, runtime_linalg as helpers
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import TABLE, Add, Custom, NonDifferentiable, register, total
from .decompositions import BOOLS, derivative, helper, matrix_rank, result_kind
from .inverses import NUMPY2
from .literals import constant, literal


def _flags(site, what, names, **defaults):
    """The constant keyword arguments `defaults` names, as the call passes them."""
    found = {}
    for key, (default, allowed) in defaults.items():
        value = constant(site, key, names.index(key), default)
        if value not in allowed:
            raise UnsupportedError(f"`{what}` with `{key}={value!r}` has no derivative rule; "
                                   f"pass {' or '.join(map(repr, allowed))}.")
        found[key] = value
    return found


def _t(site, x, ndim):
    return site.fill("x.T" if ndim == 2 else "np.swapaxes(x, -1, -2)", x=x)


# ---------------------------------------------------------------- cholesky

def _lower_keyword(keys):
    return {} if keys["lower"] else {"lower": False}


_NO_OVERWRITE = (False, (False,))
register(derivative(
    "scipy.linalg.cholesky",
    lambda site, d, keys: helper(site, helpers.cholesky_tangent, d, site.out,
                                 **_lower_keyword(keys)),
    lambda site, g, keys: helper(site, helpers.cholesky_adjoint, g, site.out,
                                 **_lower_keyword(keys)),
    result_kind("scipy.linalg.cholesky", same=True),
    names=("a", "lower", "overwrite_a", "check_finite"),
    doc="the upper factor (lower with lower=True), as np.linalg.cholesky: only the triangle "
        "read gets a derivative",
    lower=(False, BOOLS), overwrite_a=_NO_OVERWRITE, check_finite=(True, BOOLS)),
    sl.cholesky)


# ---------------------------------------------------------------- solve_triangular

TRIANGULAR = ("a", "b", "trans", "lower", "unit_diagonal", "overwrite_b", "check_finite")


def _triangular_keywords(site):
    keys = _flags(site, "scipy.linalg.solve_triangular", TRIANGULAR,
                  trans=(0, (0, 1, 2, "N", "T", "C")), lower=(False, BOOLS),
                  unit_diagonal=(False, BOOLS), overwrite_b=_NO_OVERWRITE,
                  check_finite=(True, BOOLS))
    written = {"trans": 1 if keys["trans"] in (1, 2, "T", "C") else 0,
               "lower": keys["lower"], "unit": keys["unit_diagonal"]}
    return {key: value for key, value in written.items() if value}


def _triangular_kind(arg_kinds, consts):
    matrix_rank(arg_kinds[0], "scipy.linalg.solve_triangular", square=True)
    b = arg_kinds[1]
    if b.is_scalar:
        raise UnsupportedError("scipy.linalg.solve_triangular with a number as `b`: pass a "
                               "vector or matrix.")
    return b if b.is_array else K.UNKNOWN


def _two_arguments(tangent_fn, adjoint_fn, keywords, positions):
    """The adjoint and tangent of a solve in a matrix (`positions[0]`) and a right-hand
    side (`positions[1]`), by helpers `fn(d_or_g, *operands, position, **keywords)`."""
    def operands(site):
        return [site.args[p] for p in range(positions[1])] + [site.out, site.args[positions[1]]]

    def adjoint(site):
        return {p: Add(helper(site, adjoint_fn, site.g, *operands(site), literal(p),
                              **keywords(site))) for p in positions if site.active[p]}

    def tangent(site):
        return total(helper(site, tangent_fn, site.dots[p], *operands(site), literal(p),
                            **keywords(site)) for p in positions if site.dots[p] is not None)
    return adjoint, tangent


_adjoint, _tangent = _two_arguments(helpers.triangular_tangent, helpers.triangular_adjoint,
                                    _triangular_keywords, (0, 1))
register(Custom("scipy.linalg.solve_triangular", _triangular_kind, _adjoint, _tangent, (0, 1),
                names=TRIANGULAR,
                doc="x = op(T)^-1 b, T the triangle of a read (unit diagonal with "
                    "unit_diagonal), op the transpose with trans: b's adjoint op(T)^-T g, "
                    "a's minus its outer product with x in that triangle"),
         sl.solve_triangular)


# ---------------------------------------------------------------- cho_factor, cho_solve

def _left_behind():
    """What cho_factor leaves in the triangle it does not use: "a" (the argument's
    entries), "zeros", or None (anything else)."""
    a = np.array([[4.0, 1.0], [3.0, 4.0]])
    found = {sl.cho_factor(a)[0][1, 0], sl.cho_factor(a, lower=True)[0][0, 1]}
    return {frozenset({3.0, 1.0}): "a", frozenset({0.0}): "zeros"}.get(frozenset(found))


LEFT_BEHIND = _left_behind()
FACTOR = ("a", "lower", "overwrite_a", "check_finite")


def _factor_parts(site, keys, value):
    """The factor's triangle of `value` and the rest, by `lower`."""
    if keys["lower"]:
        return site.fill("np.tril(x)", x=value), site.fill("np.triu(x, 1)", x=value)
    return site.fill("np.triu(x)", x=value), site.fill("np.tril(x, -1)", x=value)


def _factor_derivative(fn):
    """The derivative of `c`: the factor's (from the triangle of `value` the factor uses:
    an adjoint there only, a tangent read there by the helper), plus the rest of
    `value` where c keeps a's entries."""
    def write(site, value, keys):
        if LEFT_BEHIND is None:
            raise UnsupportedError("scipy.linalg.cho_factor of this SciPy leaves values s2sad "
                                   "does not know in the unused triangle; use "
                                   "scipy.linalg.cholesky.")
        used, rest = _factor_parts(site, keys, value)
        factor = _factor_parts(site, keys, site.out)[0]
        used = value if fn is helpers.cholesky_tangent else used
        call = helper(site, fn, used, factor, **_lower_keyword(keys))
        return site.fill("x + y", x=call, y=rest) if LEFT_BEHIND == "a" else call
    return write


register(derivative(
    "scipy.linalg.cho_factor[0]", _factor_derivative(helpers.cholesky_tangent),
    _factor_derivative(helpers.cholesky_adjoint),
    result_kind("scipy.linalg.cho_factor", same=True), names=FACTOR,
    doc="c: the Cholesky factor's derivative in the triangle it holds (upper unless "
        "lower=True); the other triangle's is that of what this SciPy leaves there (a's "
        "entries, or zeros)",
    lower=(False, BOOLS), overwrite_a=_NO_OVERWRITE, check_finite=(True, BOOLS)),
    ir.Part(sl.cho_factor, 0))
register(NonDifferentiable("scipy.linalg.cho_factor[1]", doc="the flag `lower`"),
         ir.Part(sl.cho_factor, 1))


class _Packed(Custom):
    """A rule whose first argument is a tuple display or a tuple held by name: its items
    arrive as the leading arguments."""
    packs = True


def _cho_solve_kind(arg_kinds, consts):
    packed = consts.get("packed")
    if packed is None or packed.size != 2 or len(arg_kinds) < 3:
        raise UnsupportedError("scipy.linalg.cho_solve needs its first argument written as "
                               "the pair `(c, lower)` (unpack cho_factor's result: "
                               "`c, lower = cho_factor(a)`).")
    matrix_rank(arg_kinds[0], "scipy.linalg.cho_solve", square=True)
    return arg_kinds[2] if arg_kinds[2].is_array else K.UNKNOWN


def _no_keywords(site):
    _flags(site, "scipy.linalg.cho_solve", ("c", "lower", "b", "overwrite_b", "check_finite"),
           overwrite_b=_NO_OVERWRITE, check_finite=(True, BOOLS))
    return {}


def _cho_operands(site):
    return [site.args[0], site.args[1], site.args[2]]


def _cho_adjoint(site):
    _no_keywords(site)
    return {p: Add(helper(site, helpers.cho_solve_adjoint, site.g, *_cho_operands(site),
                          literal(p))) for p in (0, 2) if site.active[p]}


def _cho_tangent(site):
    _no_keywords(site)
    return total(helper(site, helpers.cho_solve_tangent, site.dots[p], *_cho_operands(site),
                        literal(p)) for p in (0, 2) if site.dots[p] is not None)


register(_Packed("scipy.linalg.cho_solve", _cho_solve_kind, _cho_adjoint, _cho_tangent, (0, 2),
                 names=("c", "lower", "b", "overwrite_b", "check_finite"), constants=(1,),
                 doc="x = A^-1 b with A = L L.T from the triangle of c that `lower` names: "
                     "b's adjoint A^-1 g; c's (A_bar + A_bar.T) L in that triangle, with "
                     "A_bar = -A^-1 g x.T"),
         sl.cho_solve)


# ---------------------------------------------------------------- expm

def _expm_adjoint(site):
    ndim = matrix_rank(site.kinds[0], "scipy.linalg.expm", square=True)
    if ndim is None:
        raise UnsupportedError("the derivative of `scipy.linalg.expm` needs the rank of its "
                               "argument; call with example arguments.")
    return {0: Add(helper(site, helpers.expm_frechet, _t(site, site.args[0], ndim), site.g))}


register(Custom("scipy.linalg.expm", result_kind("scipy.linalg.expm", same=True), _expm_adjoint,
                lambda site: helper(site, helpers.expm_frechet, site.args[0], site.dots[0]),
                names=("A",),
                doc="the Fréchet derivative expm_frechet(A, dA), the top right block of "
                    "expm([[A, dA], [0, A]]); the adjoint expm_frechet(A.T, g); stacks too"),
         sl.expm)


# ---------------------------------------------------------------- NumPy's rules

ALIASES = [(np.linalg.inv, sl.inv), (np.linalg.det, sl.det)]
if NUMPY2:  # b read as NumPy 2 reads it
    ALIASES.append((np.linalg.solve, sl.solve))
for _numpy, _scipy in ALIASES:
    register(dataclasses.replace(TABLE[_numpy], name=f"scipy.linalg.{_scipy.__name__}"),
             _scipy)
