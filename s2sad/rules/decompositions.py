"""The matrix decompositions of np.linalg: cholesky, eigh and eigvalsh, svd and svdvals,
qr, pinv and lstsq, of a matrix or a stack of them (lstsq: one matrix, as NumPy).

Their formulas are the helpers of s2sad/runtime_linalg.py, called by name from the
generated code (`a_bar += cholesky_adjoint(l_bar, l)`). A function with several outputs
has one rule per output (`ir.Part`, as `np.linalg.slogdet`): `w, v = np.linalg.eigh(a)`
is two operations, each with its own derivative.

cholesky, eigh and eigvalsh read one triangle of their argument (the lower one unless
told otherwise): their derivative is the one of what they compute, so the other triangle
gets zero, and an entry below the diagonal stands for both places of the symmetric matrix
read. Along symmetric directions it agrees with the derivative of the symmetric-input
function.
"""
import gast
import numpy as np

from .. import ir, runtime_linalg as helpers
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import Add, Custom, NonDifferentiable, known_ranks, register, total
from .literals import constant, literal


def helper(site, fn, *args, **keywords):
    """`fn(*args, **keywords)`, a run-time helper bound by name, its keywords literal."""
    call = site.helper(fn, *args)
    call.keywords = [gast.keyword(arg=key, value=literal(value))
                     for key, value in keywords.items()]
    return call


def matrix_rank(kind, what, square=False):
    """The rank of a (stack of) matrices, None if unknown; an error for fewer axes."""
    if kind.is_scalar or (kind.is_array and kind.ndim is not None and kind.ndim < 2):
        shape = "square matrix" if square else "matrix"
        raise UnsupportedError(f"`{what}` needs a {shape} (or a stack of them), not {kind}.")
    return kind.ndim if kind.is_array else None


def result_kind(what, drop=0, same=False):
    """The result kind: a (stack of) matrices, the argument's kind if `same`, or with
    `drop` axes fewer (the eigenvalues of each matrix)."""
    def kind_of(arg_kinds, consts):
        ndim = matrix_rank(arg_kinds[0], what)
        if ndim is None:
            return K.UNKNOWN
        return arg_kinds[0] if same else K.array(ndim - drop)
    return kind_of


def derivative(what, tangent, adjoint, kind_of, names=("a",), doc="", **fixed):
    """A rule of one argument whose tangent is `tangent(site, d, keywords)` and adjoint
    `adjoint(site, g, keywords)`, helper calls; `keywords` holds the constant arguments
    of `fixed` (name: (default, allowed values)) as the call passes them."""
    def keywords(site):
        found = {}
        for key, (default, allowed) in fixed.items():
            value = constant(site, key, names.index(key), default)
            if value not in allowed:
                raise UnsupportedError(
                    f"`{what}` with `{key}={value!r}` has no derivative rule; pass "
                    f"{' or '.join(map(repr, allowed))}.")
            found[key] = value
        return found

    return Custom(what, kind_of, lambda site: {0: Add(adjoint(site, site.g, keywords(site)))},
                  lambda site: tangent(site, site.dots[0], keywords(site)),
                  names=names, doc=doc)


BOOLS = (False, True)


# ---------------------------------------------------------------- cholesky

def _upper_keywords(keys):
    return {"lower": False} if keys["upper"] else {}


register(derivative(
    "np.linalg.cholesky",
    lambda site, d, keys: helper(site, helpers.cholesky_tangent, d, site.out,
                                 **_upper_keywords(keys)),
    lambda site, g, keys: helper(site, helpers.cholesky_adjoint, g, site.out,
                                 **_upper_keywords(keys)),
    result_kind("np.linalg.cholesky", same=True), names=("a", "upper"), upper=(False, BOOLS),
    doc="the lower factor L (upper with upper=True): A's adjoint L^-T Phi(L^T g) L^-1, Phi "
        "the lower triangle with its diagonal halved, by solves; only the triangle NumPy "
        "reads gets a derivative (an entry off the diagonal counts twice); stacks too"),
    np.linalg.cholesky)


# ---------------------------------------------------------------- eigh, eigvalsh

def _uplo(keys):
    return {"uplo": "U"} if keys["UPLO"] == "U" else {}


def _eigh(what, part, doc):
    return derivative(
        what,
        lambda site, d, keys: helper(site, helpers.eigh_tangent, d, site.args[0],
                                     literal(part), **_uplo(keys)),
        lambda site, g, keys: helper(site, helpers.eigh_adjoint, g, site.args[0],
                                     literal(part), **_uplo(keys)),
        result_kind(what, drop=1 - part, same=part == 1), names=("a", "UPLO"), doc=doc,
        UPLO=("L", ("L", "U")))


EIGENVALUES = ("the eigenvalues w: A's adjoint V diag(g) V.T from the eigenvectors V, in the "
               "triangle read (UPLO); an eigenvalue of several eigenvectors is not "
               "differentiable (docs/rules.md); stacks too")
register(_eigh("np.linalg.eigh[0]", 0, EIGENVALUES), ir.Part(np.linalg.eigh, 0))
register(_eigh("np.linalg.eigh[1]", 1,
               "the eigenvectors V: A's adjoint V (F * V.T g) V.T, F[i, j] = 1 / (w[j] - "
               "w[i]), in the triangle read (UPLO); undefined at equal eigenvalues: inf or "
               "NaN there (docs/rules.md); stacks too"),
         ir.Part(np.linalg.eigh, 1))
register(_eigh("np.linalg.eigvalsh", 0, EIGENVALUES), np.linalg.eigvalsh)


# ---------------------------------------------------------------- svd, svdvals

def _svd_kind(what, index, whole):
    def kind_of(arg_kinds, consts):
        if whole and consts.get("compute_uv", True) is not False:
            raise UnsupportedError(f"`{what}` returns the tuple (U, s, Vt): unpack it "
                                   "(`u, s, vt = np.linalg.svd(a)`) or pass compute_uv=False.")
        return result_kind(what, drop=1 if index == 1 else 0)(arg_kinds, consts)
    return kind_of


def _svd(what, part, doc):
    """Output `part` of np.linalg.svd (None: the call with compute_uv=False)."""
    index = 1 if part is None else part

    def call(fn):
        def write(site, d_or_g, keys):
            if part is not None and not keys["compute_uv"]:
                raise UnsupportedError(f"`{what}` with compute_uv=False: the call returns "
                                       "the singular values alone, use them unindexed.")
            full = {"full_matrices": True} if index != 1 and keys["full_matrices"] else {}
            return helper(site, fn, d_or_g, site.args[0], literal(index), **full)
        return write

    return derivative(what, call(helpers.svd_tangent), call(helpers.svd_adjoint),
                      _svd_kind(what, index, part is None),
                      names=("a", "full_matrices", "compute_uv"), doc=doc,
                      full_matrices=(True, BOOLS), compute_uv=(part is not None, BOOLS))


SINGULAR = ("A's adjoint U diag(g) Vt; a singular value is not differentiable where it "
            "is 0 (for a matrix that is not square) or repeated (docs/rules.md); stacks too")
register(_svd("np.linalg.svd", None, "with compute_uv=False, the singular values: "
              + SINGULAR), np.linalg.svd)
register(_svd("np.linalg.svd[1]", 1, "the singular values: " + SINGULAR),
         ir.Part(np.linalg.svd, 1))
for _part, _name in ((0, "U"), (2, "Vt")):
    register(_svd(f"np.linalg.svd[{_part}]", _part,
                  f"{_name}, by the formulas with F[i, j] = 1 / (s[j]^2 - s[i]^2) and 1 / s: "
                  "undefined (inf or NaN) at repeated singular values, and at a zero one of "
                  "a matrix that is not square (docs/rules.md); full_matrices=True only for "
                  "square matrices (run-time error otherwise); stacks too"),
             ir.Part(np.linalg.svd, _part))
if hasattr(np.linalg, "svdvals"):
    register(derivative(
        "np.linalg.svdvals",
        lambda site, d, keys: helper(site, helpers.svd_tangent, d, site.args[0], literal(1)),
        lambda site, g, keys: helper(site, helpers.svd_adjoint, g, site.args[0], literal(1)),
        result_kind("np.linalg.svdvals", drop=1), doc="the singular values: " + SINGULAR), np.linalg.svdvals)


# ---------------------------------------------------------------- qr

def _qr(part, doc):
    what = f"np.linalg.qr[{part}]"
    return derivative(
        what,
        lambda site, d, keys: helper(site, helpers.qr_tangent, d, site.args[0], literal(part)),
        lambda site, g, keys: helper(site, helpers.qr_adjoint, g, site.args[0], literal(part)),
        result_kind(what), names=("a", "mode"),
        doc=doc + "; mode 'reduced', a square or tall (a wide matrix is a run-time error); "
        "stacks too", mode=("reduced", ("reduced",)))


register(_qr(0, "Q: with C = Q.T dA R^-1 and W the antisymmetric part of C's lower "
             "triangle, dQ = dA R^-1 - Q (C - W)"), ir.Part(np.linalg.qr, 0))
register(_qr(1, "R: dR = (C - W) R"), ir.Part(np.linalg.qr, 1))


# ---------------------------------------------------------------- pinv

def _pinv_kind(arg_kinds, consts):
    ndim = matrix_rank(arg_kinds[0], "np.linalg.pinv")
    return K.UNKNOWN if ndim is None else K.array(ndim)


register(Custom("np.linalg.pinv", _pinv_kind,
                lambda site: {0: Add(helper(site, helpers.pinv_adjoint, site.g, site.args[0],
                                            site.out))},
                lambda site: helper(site, helpers.pinv_tangent, site.dots[0], site.args[0],
                                    site.out),
                names=("a",),
                doc="P = pinv(A) of full rank: dP = -P dA P + P P.T dA.T (I - A P) + "
                    "(I - P A) dA.T P.T P, reusing P; pinv jumps where the rank changes "
                    "(docs/rules.md); stacks too"), np.linalg.pinv)


# ---------------------------------------------------------------- lstsq

def _lstsq_ranks(arg_kinds):
    ra, rb = (k.ndim if k.is_array else (0 if k.is_scalar else None) for k in arg_kinds[:2])
    if ra not in (2, None) or rb not in (1, 2, None):
        raise UnsupportedError("np.linalg.lstsq needs a matrix `a` and a vector or matrix "
                               "`b`.")
    return ra, rb


def _lstsq_kind(part):
    def kind_of(arg_kinds, consts):
        ra, rb = _lstsq_ranks(arg_kinds)
        if part == 0:
            return K.UNKNOWN if rb is None else K.array(rb)
        return K.array(1)
    return kind_of


def _lstsq(part, tangent_fn, adjoint_fn, doc):
    def adjoint(site):
        known_ranks(site, (0, 1), f"np.linalg.lstsq[{part}]")
        return {i: Add(helper(site, adjoint_fn, site.g, site.args[0], site.args[1],
                              literal(i))) for i in (0, 1) if site.active[i]}

    def tangent(site):
        return total(helper(site, tangent_fn, dot, site.args[0], site.args[1], literal(i))
                     for i, dot in enumerate(site.dots[:2]) if dot is not None)

    return Custom(f"np.linalg.lstsq[{part}]", _lstsq_kind(part), adjoint, tangent, (0, 1),
                  names=("a", "b", "rcond"), constants=(2,), doc=doc)


register(_lstsq(0, helpers.lstsq_tangent, helpers.lstsq_adjoint,
                "the solution x = pinv(A) @ b: b's adjoint pinv(A).T @ g, A's pinv's adjoint "
                "with g b.T; A of full rank (docs/rules.md)"), ir.Part(np.linalg.lstsq, 0))
register(_lstsq(1, helpers.residuals_tangent, helpers.residuals_adjoint,
                "the residuals |b - A x|^2 per column: 2 r.(db - dA x) with r = b - A x (x's "
                "own derivative drops out as A.T r = 0); empty where lstsq returns none"),
         ir.Part(np.linalg.lstsq, 1))


class _Rank(NonDifferentiable):
    def out_kind(self, arg_kinds, consts):
        return K.INT


register(_Rank("np.linalg.lstsq[2]", doc="the rank of A: an integer"),
         ir.Part(np.linalg.lstsq, 2))


def _singular_values_of_a(site, dot_or_g, name):
    fn = helpers.svd_tangent if name == "tangent" else helpers.svd_adjoint
    return helper(site, fn, dot_or_g, site.args[0], literal(1))


register(Custom("np.linalg.lstsq[3]", _lstsq_kind(3),
                lambda site: {0: Add(_singular_values_of_a(site, site.g, "adjoint"))},
                lambda site: _singular_values_of_a(site, site.dots[0], "tangent"),
                names=("a", "b", "rcond"), constants=(1, 2),
                doc="the singular values of A: as np.linalg.svd's"),
         ir.Part(np.linalg.lstsq, 3))
