"""Matrix functions of scipy.linalg: sqrtm, solve_sylvester and solve_banded.

Each is the solution of a linear equation, so its derivative solves another:
`S = sqrtm(A)` has `S dS + dS S = dA` (a Sylvester equation in dS), `X =
solve_sylvester(A, B, Q)` has `A dX + dX B = dQ - dA X - X dB`, and `x = solve_banded((l,
u), ab, b)` has `A dx = db - dA x`. Each adjoint solves the transposed equation once for
`g` and reuses the solution (`out`). The banded helpers read SciPy's storage, `ab[u + i -
j, j] = A[i, j]`. Loaded once the program imports SciPy
(base.OPTIONAL).
"""
import numpy as np
from scipy.linalg import solve_banded, solve_sylvester, sqrtm

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import neg
from .base import Add, Custom, register, total


def sylvester_root(s, q):
    """dS with `s dS + dS s = q`, for a leading axis of directions too; an error for a
    complex square root, which s2sad does not differentiate."""
    if np.iscomplexobj(s):
        raise ValueError("sqrtm gave a complex square root, which s2sad does not "
                         "differentiate: the matrix has an eigenvalue on the negative real "
                         "axis, or complex eigenvalues and a SciPy older than 1.16, which "
                         "returns their real root as a complex array.")
    if np.ndim(q) == 3:
        return np.stack([solve_sylvester(s, s, d) for d in q])
    return solve_sylvester(s, s, q)


def sylvester_each(a, b, q):
    """solve_sylvester(a, b, d) for each direction `d` along the first axis of `q`."""
    return np.stack([solve_sylvester(a, b, d) for d in q])


def _rows(n, shift):
    """The columns j, and rows j + shift, of a band `shift` below the diagonal of an n x n
    matrix, as two slices."""
    return slice(max(0, -shift), min(n, n - shift)), slice(max(0, shift), min(n, n + shift))


def banded_product(l_and_u, ab, x):
    """A @ x for the A whose bands `ab` holds; `ab` may have a leading axis of directions."""
    lower, upper = l_and_u
    x = np.asarray(x)
    n = ab.shape[-1]
    result = np.zeros(ab.shape[:-2] + x.shape, dtype=np.result_type(ab, x))
    trailing = (slice(None),) * (x.ndim - 1)
    for k in range(lower + upper + 1):
        columns, rows = _rows(n, k - upper)
        band = ab[..., k, columns]
        result[(Ellipsis, rows) + trailing] += band.reshape(band.shape + (1,) * (x.ndim - 1)) \
            * x[columns]
    return result


def banded_outer(l_and_u, v, x):
    """The bands of the outer product v @ x.T (summed over columns for matrices), in the
    storage of `ab`: the adjoint of A at its stored entries."""
    lower, upper = l_and_u
    n = np.shape(x)[0]
    result = np.zeros((lower + upper + 1, n), dtype=np.result_type(v, x))
    for k in range(lower + upper + 1):
        columns, rows = _rows(n, k - upper)
        product = v[rows] * x[columns]
        result[k, columns] = product if product.ndim == 1 else np.sum(product, axis=-1)
    return result


def solve_banded_transposed(l_and_u, ab, g):
    """solve(A.T, g) for the A whose bands `ab` holds: A.T's bands are A's, mirrored."""
    lower, upper = l_and_u
    n = ab.shape[-1]
    flipped = np.zeros_like(ab)
    for k in range(lower + upper + 1):
        shift = k - lower
        columns, rows = _rows(n, shift)
        flipped[k, columns] = ab[lower + upper - k, rows]
    return solve_banded((upper, lower), flipped, g)


def solve_banded_each(l_and_u, ab, r):
    """solve_banded(l_and_u, ab, d) for each direction `d` along the first axis of `r`."""
    return np.stack([solve_banded(l_and_u, ab, d) for d in r])


def _square(kind, what):
    if kind.is_scalar or (kind.is_array and kind.ndim not in (None, 2)):
        raise UnsupportedError(f"`{what}` is differentiated for a square matrix (2-d), not "
                               f"{kind}.")
    return K.array(2)


# ---------------------------------------------------------------- sqrtm


def _sqrtm_kind(arg_kinds, consts):
    if len(arg_kinds) > 1:
        raise UnsupportedError("scipy.linalg.sqrtm is differentiated with the matrix alone.")
    return _square(arg_kinds[0], "scipy.linalg.sqrtm")


def _sqrtm_adjoint(site):
    return {0: Add(site.helper(sylvester_root, site.fill("out.T"), site.g, fresh=True))}


def _sqrtm_tangent(site):
    return site.helper(sylvester_root, site.out, site.dots[0], fresh=True)


# ---------------------------------------------------------------- solve_sylvester


def _sylvester_kind(arg_kinds, consts):
    for kind in arg_kinds[:2]:
        _square(kind, "scipy.linalg.solve_sylvester")
    return _square(arg_kinds[2], "scipy.linalg.solve_sylvester")


def _sylvester_adjoint(site):
    """Y = solve_sylvester(A.T, B.T, g): Q's adjoint, -Y X.T A's, -X.T Y B's."""
    y = site.helper(solve_sylvester, site.fill("a.T"), site.fill("b.T"), site.g, fresh=True)
    parts = {0: "-(y @ out.T)", 1: "-(out.T @ y)"}
    result = {position: Add(site.fill(text, y=y)) for position, text in parts.items()
              if site.active[position]}
    if site.active[2]:
        result[2] = Add(y)
    return result


def _sylvester_tangent(site):
    da, db, dq = site.dots[:3]
    terms = [None if da is None else neg(site.fill("d @ out", d=da)),
             None if db is None else neg(site.fill("out @ d", d=db)), dq]
    rhs = total(term for term in terms if term is not None)
    solver = sylvester_each if site.vector else solve_sylvester
    return site.helper(solver, site.args[0], site.args[1], rhs, fresh=True)


# ---------------------------------------------------------------- solve_banded


def _banded_kind(arg_kinds, consts):
    if "l_and_u" not in consts or len(arg_kinds) != 3:
        raise UnsupportedError("scipy.linalg.solve_banded is differentiated as "
                               "solve_banded((l, u), ab, b) with constant l and u.")
    b = arg_kinds[2]
    if b.is_scalar or (b.is_array and b.ndim not in (None, 1, 2)):
        raise UnsupportedError(f"scipy.linalg.solve_banded with {b} as `b`: pass a vector "
                               "or a matrix.")
    return b if b.is_array else K.UNKNOWN


def _banded_adjoint(site):
    bands = site.args[0]
    v = site.helper(solve_banded_transposed, bands, site.args[1], site.g, fresh=True)
    result = {}
    if site.active[2]:
        result[2] = Add(v)
    if site.active[1]:
        result[1] = Add(neg(site.helper(banded_outer, bands, v, site.out, fresh=True)))
    return result


def _banded_tangent(site):
    bands = site.args[0]
    dab, db = site.dots[1:3]
    product = None if dab is None else site.helper(banded_product, bands, dab, site.out,
                                                   fresh=True)
    if product is None:
        rhs = db
    else:
        rhs = neg(product) if db is None else site.fill("d - p", d=db, p=product)
    solver = solve_banded_each if site.vector else solve_banded
    return site.helper(solver, bands, site.args[1], rhs, fresh=True)


register(Custom("scipy.linalg.sqrtm", _sqrtm_kind, _sqrtm_adjoint, _sqrtm_tangent,
                names=("A",),
                doc="dS solves S dS + dS S = dA (a Sylvester equation), the adjoint the "
                    "transposed one; a real square root only (A with no eigenvalue on "
                    "the closed negative real axis: an error otherwise), not "
                    "differentiable where two eigenvalues of S sum to 0"), sqrtm)
register(Custom("scipy.linalg.solve_sylvester", _sylvester_kind, _sylvester_adjoint,
                _sylvester_tangent, (0, 1, 2), names=("a", "b", "q"),
                doc="A X + X B = Q: Y = solve_sylvester(A.T, B.T, g) is Q's adjoint, "
                    "-Y X.T A's, -X.T Y B's; square matrices, where the equation has "
                    "one solution (no eigenvalue of A is minus one of B)"),
         solve_sylvester)
register(Custom("scipy.linalg.solve_banded", _banded_kind, _banded_adjoint,
                _banded_tangent, (1, 2), names=("l_and_u", "ab", "b"), constants=(0,),
                doc="(l, u) constant; b's adjoint solves with A.T (its bands mirrored), "
                    "the bands' is minus the outer product with the solution at the "
                    "stored entries (the unused corners of `ab` get 0); b a vector or "
                    "a matrix"), solve_banded)
