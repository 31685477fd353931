"""The matrix functions of np.linalg that an inverse underlies: inv, solve, det and
slogdet, of a matrix or a stack of them.

`inv` and `solve` reuse their result in their derivatives; `det` uses the cofactor
matrix (`runtime.cofactor`, called by name from generated code), which needs no inverse
and so holds at singular matrices too.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime import cofactor
from ..syntax.simplify import binop, neg, times
from .base import Add, Custom, NonDifferentiable, known_ranks, rank, register


def _square_kind(kind, what):
    """The rank of a (stack of) square matrices, None if unknown."""
    if kind.is_scalar or (kind.is_array and kind.ndim is not None and kind.ndim < 2):
        raise UnsupportedError(f"`{what}` needs a square matrix (or a stack of them), "
                               f"not {kind}.")
    return kind.ndim if kind.is_array else None


def _by_rank(site, template_2d, template_any, ndim, **subs):
    """The 2-D template (with `.T`) for matrices, the stacked one (with swapaxes) else."""
    return site.fill(template_2d if ndim == 2 else template_any, **subs)


# ---------------------------------------------------------------- inv


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


# ---------------------------------------------------------------- solve


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
        known_ranks(site, (0, 1), "np.linalg.solve")
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


# ---------------------------------------------------------------- det, slogdet


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
