"""The run-time helpers of the matrix decompositions' derivatives (rules/decompositions.py):
Cholesky, the symmetric eigenproblem, the SVD, QR, the pseudo-inverse, least squares, the
matrix exponential and triangular solves.

Their formulas are a few lines of matrix algebra each, too long to read as one generated
expression. Each works on a matrix or a stack of them (the last two axes), and a tangent
`d` may carry leading axes of directions (vector mode): everything is written with `@`,
`np.linalg.solve` on matrix right-hand sides and functions of the last two axes, which
broadcast over them. float32 stays float32.

A decomposition's helpers recompute it from its argument `a` (an output alone does not
determine the others' derivatives); NumPy's routines are deterministic, so the factors
are the ones the function got.

Where a derivative does not exist (equal eigenvalues or singular values for the vectors,
a zero singular value for the SVD of a non-square matrix) the formulas divide by zero:
the result holds inf or NaN and NumPy warns (docs/rules.md). These helpers have no rules
of their own: a second derivative through them is a located error.
"""
import numpy as np


def _t(x):
    return np.swapaxes(x, -1, -2)


def _eye(x):
    return np.eye(x.shape[-1], dtype=np.result_type(x, np.float32))


# ---------------------------------------------------------------- one triangle read

def _read(d, lower):
    """The symmetric matrix a routine sees of `d` when it reads one triangle only."""
    if lower:
        return np.tril(d) + _t(np.tril(d, -1))
    return np.triu(d) + _t(np.triu(d, 1))


def _read_adjoint(s, lower):
    """The adjoint of `_read`: for the derivative <s, E> along symmetric matrices E, the
    gradient in the read triangle (`s + s.T` off the diagonal, `s` on it), zero in the
    other."""
    both = s + _t(s)
    return (np.tril(both) if lower else np.triu(both)) - s * _eye(s)


def _half_lower(x):
    """The lower triangle of `x` with its diagonal halved."""
    return (np.tril(x) + np.tril(x, -1)) / 2


def _inverse_gap(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it: infinite at equal values."""
    gap = w[..., None, :] - w[..., :, None]
    eye = _eye(gap)
    return (1 / (gap + eye)) * (1 - eye)


def _solve_right(x, r):
    """`x @ inv(r)`, by a solve."""
    return _t(np.linalg.solve(_t(r), _t(x)))


# ---------------------------------------------------------------- Cholesky

def cholesky_tangent(d, l, lower=True):
    """The derivative of the Cholesky factor `l` (lower, or upper with `lower=False`) along
    `d`: L Phi(L^-1 D L^-T) with D the symmetric matrix read from `d`'s triangle and Phi
    the lower triangle with its diagonal halved."""
    low = l if lower else _t(l)
    x = _t(np.linalg.solve(low, _t(np.linalg.solve(low, _read(d, lower)))))
    dot = low @ _half_lower(x)
    return dot if lower else _t(dot)


def cholesky_adjoint(g, l, lower=True):
    """The adjoint of `cholesky_tangent`: L^-T Phi(L^T G) L^-1, back through the triangle
    read."""
    low, g = (l, g) if lower else (_t(l), _t(g))
    p = _half_lower(_t(low) @ g)
    # one inverse and two products cost half of two solves with a matrix right-hand side
    inverse = np.linalg.inv(low)
    return _read_adjoint(_t(inverse) @ p @ inverse, lower)


# ---------------------------------------------------------------- symmetric eigenproblem

def _eigh(a, uplo):
    return np.linalg.eigh(a, UPLO=uplo)


def eigh_tangent(d, a, part, uplo="L"):
    """The derivative of output `part` of np.linalg.eigh(a) (0: the eigenvalues, 1: the
    eigenvectors V) along `d`: from E = V.T D V, the diagonal of E, or V (F * E)."""
    w, v = _eigh(a, uplo)
    e = _t(v) @ _read(d, uplo == "L") @ v
    if part == 0:
        return np.diagonal(e, axis1=-2, axis2=-1)
    return v @ (_inverse_gap(w) * e)


def eigh_adjoint(g, a, part, uplo="L"):
    """The adjoint of `eigh_tangent`: V diag(g) V.T, or V (F * V.T G) V.T."""
    w, v = _eigh(a, uplo)
    inner = g[..., :, None] * _eye(v) if part == 0 else _inverse_gap(w) * (_t(v) @ g)
    return _read_adjoint(v @ inner @ _t(v), uplo == "L")


# ---------------------------------------------------------------- singular values

def _svd(a, part, full_matrices):
    if full_matrices and part != 1 and a.shape[-1] != a.shape[-2]:
        raise ValueError("the derivative of U or Vt of np.linalg.svd(a, full_matrices=True) "
                         "of a matrix that is not square is not defined (the added columns "
                         "are any basis); pass full_matrices=False")
    return np.linalg.svd(a, full_matrices=False)


def svd_tangent(d, a, part, full_matrices=False):
    """The derivative of output `part` of np.linalg.svd(a) (0: U, 1: the singular values
    s, 2: Vt) along `d`, from P = U.T D V; `full_matrices` for a square matrix only."""
    u, s, vt = _svd(a, part, full_matrices)
    v = _t(vt)
    p = _t(u) @ d @ v
    if part == 1:
        return np.diagonal(p, axis1=-2, axis2=-1)
    f = _inverse_gap(s * s)
    if part == 0:
        inner = p * s[..., None, :] + s[..., :, None] * _t(p)
        return u @ (f * inner) + (d - u @ (_t(u) @ d)) @ (v / s[..., None, :])
    inner = s[..., :, None] * p + _t(p) * s[..., None, :]
    dv = v @ (f * inner) + (_t(d) - v @ (_t(v) @ _t(d))) @ (u / s[..., None, :])
    return _t(dv)


def svd_adjoint(g, a, part, full_matrices=False):
    """The adjoint of `svd_tangent`."""
    u, s, vt = _svd(a, part, full_matrices)
    if part == 1:
        return (u * g[..., None, :]) @ vt
    f = _inverse_gap(s * s)
    if part == 0:
        inner = (f * (_t(u) @ g - _t(g) @ u)) * s[..., None, :]
        rest = (g - u @ (_t(u) @ g)) / s[..., None, :] @ vt
        return u @ inner @ vt + rest
    v, gv = _t(vt), _t(g)
    inner = s[..., :, None] * (f * (vt @ gv - g @ v))
    rest = (u / s[..., None, :]) @ (g - (g @ v) @ vt)
    return u @ inner @ vt + rest


# ---------------------------------------------------------------- QR

def _qr(a):
    if a.shape[-2] < a.shape[-1]:
        raise ValueError("the derivative of np.linalg.qr of a wide matrix (fewer rows than "
                         "columns) is not supported: R's last columns are not determined "
                         "smoothly by s2sad's formula; factor the transpose instead")
    return np.linalg.qr(a)


def qr_tangent(d, a, part):
    """The derivative of output `part` of np.linalg.qr(a) (0: Q, 1: R; a square or tall)
    along `d`: with C = Q.T D R^-1 and W the antisymmetric part of C's lower triangle,
    dR = (C - W) R and dQ = D R^-1 - Q (C - W)."""
    q, r = _qr(a)
    b = _solve_right(d, r)
    c = _t(q) @ b
    below = np.tril(c, -1)
    upper = c - below + _t(below)
    return b - q @ upper if part == 0 else upper @ r


def qr_adjoint(g, a, part):
    """The adjoint of `qr_tangent`: (G_Q + Q M) R^-T, M the upper triangle of
    K = G_R R.T - Q.T G_Q copied below it."""
    q, r = _qr(a)
    k = -(_t(q) @ g) if part == 0 else g @ _t(r)
    m = np.triu(k) + _t(np.triu(k, 1))
    x = q @ m + (g if part == 0 else 0)
    return _solve_right(x, _t(r))


# ---------------------------------------------------------------- pseudo-inverse, least squares

def pinv_tangent(d, a, p):
    """The derivative of p = pinv(a) along `d`, where a's rank is constant (full):
    -P D P + P P.T D.T (I - A P) + (I - P A) D.T P.T P."""
    dt = _t(d)
    return (-p @ d @ p + p @ (_t(p) @ dt) @ (_eye(p) - a @ p)
            + (_eye(a) - p @ a) @ (dt @ _t(p)) @ p)


def pinv_adjoint(g, a, p):
    """The adjoint of `pinv_tangent`."""
    gt = _t(g)
    return (-_t(p) @ g @ _t(p) + (_eye(p) - a @ p) @ gt @ (p @ _t(p))
            + (_t(p) @ p) @ gt @ (_eye(a) - p @ a))


def lstsq_tangent(d, a, b, position):
    """The derivative of x = lstsq(a, b)[0] = pinv(a) @ b along `d`, the tangent of `a`
    (`position` 0) or of `b` (1); a vector `b`'s tangent in several directions holds them
    along its first axis."""
    p = np.linalg.pinv(a)
    if position == 1:
        return d @ _t(p) if np.ndim(b) == 1 else p @ d
    return pinv_tangent(d, a, p) @ b


def lstsq_adjoint(g, a, b, position):
    """The adjoint of `lstsq_tangent`."""
    p = np.linalg.pinv(a)
    if position == 1:
        return _t(p) @ g
    outer = np.multiply.outer(g, b) if np.ndim(b) == 1 else g @ _t(b)
    return pinv_adjoint(outer, a, p)


def _residual(a, b):
    """b - a x, and whether lstsq returns residuals (a of full column rank, taller than
    wide), whose number is then 1 for a vector `b`, else its number of columns."""
    x, residuals, _, _ = np.linalg.lstsq(a, b, rcond=None)
    return x, b - a @ x, np.size(residuals) > 0


def residuals_tangent(d, a, b, position):
    """The derivative of lstsq's residuals, |b - a x|^2 per column: 2 r.(db - da x),
    where a.T r = 0 makes x's own derivative drop out; none (an empty array) where
    lstsq returns none."""
    x, r, returned = _residual(a, b)
    change = d if position == 1 else -(d @ x)
    if np.ndim(b) == 1:
        per_column = 2 * np.sum(r * change, axis=-1)[..., None]
    else:
        per_column = 2 * np.sum(r * change, axis=-2)
    return per_column if returned else per_column[..., :0]


def residuals_adjoint(g, a, b, position):
    """The adjoint of `residuals_tangent`."""
    x, r, returned = _residual(a, b)
    if not returned:
        return np.zeros_like(a if position == 0 else b)
    spread = 2 * r * g
    if position == 1:
        return spread
    return -(np.multiply.outer(spread, x) if np.ndim(b) == 1 else spread @ _t(x))


# ---------------------------------------------------------------- matrix exponential

def expm_frechet(a, e):
    """The derivative of scipy.linalg.expm at `a` along `e` (the Fréchet derivative): the
    top right block of expm([[a, e], [0, a]]). Its adjoint is expm_frechet(a.T, g)."""
    from scipy.linalg import expm
    a, e = np.broadcast_arrays(a, e)
    top = np.concatenate([a, e], axis=-1)
    bottom = np.concatenate([np.zeros_like(a), a], axis=-1)
    n = a.shape[-1]
    return expm(np.concatenate([top, bottom], axis=-2))[..., :n, n:]


# ---------------------------------------------------------------- triangular solves

def _mask(a, lower, unit):
    """The triangle of `a` a triangular solve reads (without the diagonal if `unit`)."""
    t = np.tril(a) if lower else np.triu(a)
    return t - t * _eye(a) if unit else t


def _columns(x, vector):
    return x[..., None] if vector else x


def _transposed(trans):
    return trans in (1, 2, "T", "C")


def triangular_tangent(d, a, x, b, position, trans=0, lower=False, unit=False):
    """The derivative of x = solve_triangular(a, b, trans, lower, unit_diagonal) along the
    tangent `d` of `a` (`position` 0) or of `b` (1): op(T)^-1 (db - op(dT) x), op the
    transpose where `trans`, T the triangle read (a vector `b`'s tangent in several
    directions holds them along its first axis)."""
    vector = np.ndim(b) == 1
    t = _mask(a, lower, unit) + (_eye(a) if unit else 0)
    op = _t(t) if _transposed(trans) else t
    if position == 1:
        several = vector and np.ndim(d) == 2
        solved = np.linalg.solve(op, _t(d) if several else _columns(d, vector))
        return _t(solved) if several else (solved[..., 0] if vector else solved)
    dt = _mask(d, lower, unit)
    rhs = -((_t(dt) if _transposed(trans) else dt) @ _columns(x, vector))
    solved = np.linalg.solve(op, rhs)
    return solved[..., 0] if vector else solved


def triangular_adjoint(g, a, x, b, position, trans=0, lower=False, unit=False):
    """The adjoint of `triangular_tangent`: b's is op(T)^-T g, a's minus its outer product
    with x, kept in the triangle read (off the diagonal where it is a unit one)."""
    vector = np.ndim(b) == 1
    t = _mask(a, lower, unit) + (_eye(a) if unit else 0)
    gb = np.linalg.solve(t if _transposed(trans) else _t(t), _columns(g, vector))
    if position == 1:
        return gb[..., 0] if vector else gb
    outer = -(gb @ _t(_columns(x, vector)))
    return _mask(_t(outer) if _transposed(trans) else outer, lower, unit)


# ---------------------------------------------------------------- scipy.linalg.cho_solve

def _factor(c, lower):
    """The lower Cholesky factor L (A = L L.T) held in the triangle `lower` says of the
    result `c` of scipy.linalg.cho_factor (the other triangle holds anything)."""
    return np.tril(c) if lower else _t(np.triu(c))


def cho_solve_tangent(d, c, lower, b, position):
    """The derivative of x = cho_solve((c, lower), b) along the tangent `d` of `c`
    (`position` 0) or of `b` (2): A^-1 (db - dA x), dA = dL L.T + L dL.T."""
    low = _factor(c, lower)
    a = low @ _t(low)
    vector = np.ndim(b) == 1
    if position == 2:
        several = vector and np.ndim(d) == 2
        solved = np.linalg.solve(a, _t(d) if several else _columns(d, vector))
        return _t(solved) if several else (solved[..., 0] if vector else solved)
    dl = _factor(d, lower)
    x = np.linalg.solve(a, _columns(b, vector))
    solved = np.linalg.solve(a, -((dl @ _t(low) + low @ _t(dl)) @ x))
    return solved[..., 0] if vector else solved


def cho_solve_adjoint(g, c, lower, b, position):
    """The adjoint of `cho_solve_tangent`: b's is A^-1 g; with A's -A^-1 g x.T, the
    factor's is (A_bar + A_bar.T) L, in the triangle of `c` that holds it."""
    low = _factor(c, lower)
    a = low @ _t(low)
    vector = np.ndim(b) == 1
    y = np.linalg.solve(a, _columns(g, vector))
    if position == 2:
        return y[..., 0] if vector else y
    x = np.linalg.solve(a, _columns(b, vector))
    a_bar = -(y @ _t(x))
    l_bar = (a_bar + _t(a_bar)) @ low
    return np.tril(l_bar) if lower else np.triu(_t(l_bar))


HELPERS = {fn.__name__: fn for fn in (
    cholesky_tangent, cholesky_adjoint, eigh_tangent, eigh_adjoint, svd_tangent, svd_adjoint,
    qr_tangent, qr_adjoint, pinv_tangent, pinv_adjoint, lstsq_tangent, lstsq_adjoint,
    residuals_tangent, residuals_adjoint, expm_frechet, triangular_tangent,
    triangular_adjoint, cho_solve_tangent, cho_solve_adjoint)}
