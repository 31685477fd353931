"""Rule-table cases of the matrix decompositions (s2sad/rules/decompositions.py and, with
SciPy, s2sad/rules/scipy_linalg.py): np.linalg.cholesky, eigh, eigvalsh, svd, svdvals, qr,
pinv and lstsq; scipy.linalg's cholesky, solve_triangular, cho_factor, cho_solve, expm,
inv, solve and det.

Each case checks reverse mode against central differences, forward mode (one direction
and the vector-mode Jacobian against the reverse one) and float32, for single matrices
and stacks. The matrices are well conditioned (n * I plus a small random part) and not
symmetric: the functions that read one triangle are checked against central differences
in every entry, so the other triangle's zero derivative is checked too. Eigenvalues and
singular values are distinct.
"""
import numpy as np
import scipy.linalg

from cases_linalg import arr, well
from rulecheck import check_grad, check_vjp



# every output of a call unpacked, each used
def eigh_unpacked(a):
    w, v = np.linalg.eigh(a)
    return np.sum(w * (v[:, -1:] @ v[:, -1:].T))


def svd_unpacked(a):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return np.sum(u[:, :1] * s[0] @ vt[:1] * a)


def qr_unpacked(a):
    q, r = np.linalg.qr(a)
    return np.sum(q * np.sin(a)) + np.sum(r ** 2)


def lstsq_unpacked(a, b):
    x, res, rank, sv = np.linalg.lstsq(a, b)
    return np.sum(x ** 2) + res[0] * sv[0] * rank


# ---------------------------------------------------------------- cholesky


def check_cholesky(gen):
    fn = gen("a", "np.linalg.cholesky(a)")
    for n, batch in ((1, ()), (3, ()), (3, (2,)), (2, (2, 1))):
        check_vjp(fn, (well(n, *batch),), 0)
    check_vjp(gen("a", "np.linalg.cholesky(a, upper=True)"), (well(3, 2),), 0)
    check_grad(gen("a", "np.sum(np.log(np.diag(np.linalg.cholesky(a @ a.T))))"),
               (well(3),))


# ---------------------------------------------------------------- eigh, eigvalsh

def check_eigh_values(gen):
    for call in ("np.linalg.eigh(a)[0]", "np.linalg.eigh(a, UPLO='U')[0]",
                 "np.linalg.eigh(a, 'U')[0]"):
        for batch in ((), (2,)):
            check_vjp(gen("a", call), (well(3, *batch),), 0)
    check_grad(gen("a", "np.sum(np.linalg.eigh(a + a.T)[0] ** 3)"), (well(3),))


def check_eigh_vectors(gen):
    for call in ("np.linalg.eigh(a)[1]", "np.linalg.eigh(a, UPLO='U')[1]"):
        for batch in ((), (2,)):
            check_vjp(gen("a", call), (well(3, *batch),), 0)
    # both outputs unpacked: the projector onto the top eigenvector, weighted
    check_grad(eigh_unpacked, (well(3),))


def check_eigvalsh(gen):
    for call in ("np.linalg.eigvalsh(a)", "np.linalg.eigvalsh(a, UPLO='U')"):
        for batch in ((), (2,), (2, 2)):
            check_vjp(gen("a", call), (well(3, *batch),), 0)


# ---------------------------------------------------------------- svd, svdvals

SVD_SHAPES = ((3, 3), (4, 2), (2, 4), (2, 4, 3), (2, 2, 3))


def check_svd_values(gen):
    for call in ("np.linalg.svd(a)[1]", "np.linalg.svd(a, full_matrices=False)[1]"):
        for shape in SVD_SHAPES:
            check_vjp(gen("a", call), (arr(1, *shape),), 0)


def check_svd_vectors(gen, part):
    for shape in SVD_SHAPES:
        check_vjp(gen("a", f"np.linalg.svd(a, full_matrices=False)[{part}]"),
                  (arr(1, *shape),), 0)
    for shape in ((3, 3), (2, 3, 3)):
        check_vjp(gen("a", f"np.linalg.svd(a)[{part}]"), (arr(2, *shape),), 0)
    check_grad(svd_unpacked, (arr(3, 4, 3),))


def check_svd_compute_uv(gen):
    fn = gen("a", "np.linalg.svd(a, compute_uv=False)")
    for shape in SVD_SHAPES:
        check_vjp(fn, (arr(1, *shape),), 0)
    check_vjp(gen("a", "np.linalg.svd(a, False, False)"), (arr(1, 3, 2),), 0)


def check_svdvals(gen):
    for shape in SVD_SHAPES:
        check_vjp(gen("a", "np.linalg.svdvals(a)"), (arr(1, *shape),), 0)


# ---------------------------------------------------------------- qr

def check_qr(gen, part):
    for shape in ((3, 3), (4, 2), (2, 4, 3), (2, 3, 3)):
        check_vjp(gen("a", f"np.linalg.qr(a)[{part}]"), (arr(1, *shape),), 0)
    check_vjp(gen("a", f"np.linalg.qr(a, mode='reduced')[{part}]"), (arr(2, 3, 2),), 0)
    check_grad(qr_unpacked, (arr(3, 4, 3),))


# ---------------------------------------------------------------- pinv, lstsq

def check_pinv(gen):
    for shape in ((3, 3), (4, 2), (2, 4), (2, 4, 3), (2, 2, 3)):
        check_vjp(gen("a", "np.linalg.pinv(a)"), (arr(1, *shape),), 0)


LSTSQ_SHAPES = (((4, 2), (4,)), ((4, 2), (4, 3)), ((3, 3), (3,)), ((2, 4), (2,)),
                ((2, 4), (2, 2)))


def check_lstsq(gen, part):
    fn = gen("a, b", f"np.linalg.lstsq(a, b, rcond=None)[{part}]")
    for sa, sb in LSTSQ_SHAPES:
        if part == 1 and sa[0] <= sa[1]:
            continue  # no residuals returned
        args = (arr(1, *sa), arr(2, *sb))
        check_vjp(fn, args, (0, 1))
        check_vjp(fn, args, 1)
    check_grad(lstsq_unpacked, (arr(1, 4, 2), arr(2, 4)), (0, 1))


def check_lstsq_sv(gen):
    check_vjp(gen("a, b", "np.linalg.lstsq(a, b)[3]"), (arr(1, 4, 2), arr(2, 4)), 0)
    check_vjp(gen("a, b", "np.linalg.lstsq(a, b)[3]"), (arr(1, 2, 3), arr(2, 2, 2)), 0)


# ---------------------------------------------------------------- scipy.linalg

def batches(fn, *args):
    """Whether this SciPy takes stacks of matrices in `fn` (1.16 and later do)."""
    try:
        fn(*args)
    except ValueError:
        return False
    return True


def check_scipy_cholesky(gen):
    for call in ("scipy.linalg.cholesky(a)", "scipy.linalg.cholesky(a, lower=True)",
                 "scipy.linalg.cholesky(a, True, check_finite=False)"):
        check_vjp(gen("a", call), (well(3),), 0)
    check_vjp(gen("a", "scipy.linalg.cholesky(a)"), (well(1),), 0)
    if batches(scipy.linalg.cholesky, well(3, 2)):
        check_vjp(gen("a", "scipy.linalg.cholesky(a, lower=True)"), (well(3, 2),), 0)


def check_solve_triangular(gen):
    keywords = ["", ", lower=True", ", trans=1", ", trans='T', lower=True",
                ", unit_diagonal=True", ", 1, True, True"]
    for extra in keywords:
        fn = gen("a, b", f"scipy.linalg.solve_triangular(a, b{extra})")
        for b_shape in ((3,), (3, 2)):
            args = (well(3), arr(7, *b_shape))
            check_vjp(fn, args, (0, 1))
            check_vjp(fn, args, 0)
            check_vjp(fn, args, 1)
    if batches(scipy.linalg.solve_triangular, well(3, 2), arr(7, 2, 3, 2)):
        fn = gen("a, b", "scipy.linalg.solve_triangular(a, b, trans=1, lower=True)")
        check_vjp(fn, (well(3, 2), arr(7, 2, 3, 2)), (0, 1))


def cho_factor_solve(a, b):
    c, lower = scipy.linalg.cho_factor(a)
    return scipy.linalg.cho_solve((c, lower), b)


def cho_factor_solve_lower(a, b):
    factor = scipy.linalg.cho_factor(a, lower=True)[0]
    return scipy.linalg.cho_solve((factor, True), b) * np.sum(factor)


def check_cho_factor(gen):
    for call in ("scipy.linalg.cho_factor(a)[0]", "scipy.linalg.cho_factor(a, lower=True)[0]"):
        check_vjp(gen("a", call), (well(3),), 0)


def check_cho_solve(gen):
    for b_shape in ((3,), (3, 2)):
        args = (well(3), arr(7, *b_shape))
        for fn in (cho_factor_solve, cho_factor_solve_lower):
            check_vjp(fn, args, (0, 1))
            check_vjp(fn, args, 1)
    fn = gen("c, b", "scipy.linalg.cho_solve((c, False), b)")
    check_vjp(fn, (np.triu(well(3)), arr(7, 3)), (0, 1))


def check_expm(gen):
    fn = gen("a", "scipy.linalg.expm(a)")
    for shape in ((1, 1), (3, 3), (2, 3, 3)):
        check_vjp(fn, (arr(1, *shape),), 0)
    check_grad(gen("a", "np.sum(scipy.linalg.expm(a * a))"), (arr(2, 3, 3),))


def check_scipy_alias(gen, call, args, wrt):
    check_vjp(gen(", ".join("ab"[:len(args)]), call), args, wrt)


CASES = {
    "np.linalg.cholesky": check_cholesky,
    "np.linalg.eigh[0]": check_eigh_values,
    "np.linalg.eigh[1]": check_eigh_vectors,
    "np.linalg.eigvalsh": check_eigvalsh,
    "np.linalg.svd": check_svd_compute_uv,
    "np.linalg.svd[0]": lambda gen: check_svd_vectors(gen, 0),
    "np.linalg.svd[1]": check_svd_values,
    "np.linalg.svd[2]": lambda gen: check_svd_vectors(gen, 2),
    "np.linalg.qr[0]": lambda gen: check_qr(gen, 0),
    "np.linalg.qr[1]": lambda gen: check_qr(gen, 1),
    "np.linalg.pinv": check_pinv,
    "np.linalg.lstsq[0]": lambda gen: check_lstsq(gen, 0),
    "np.linalg.lstsq[1]": lambda gen: check_lstsq(gen, 1),
    "np.linalg.lstsq[3]": check_lstsq_sv,
}
if hasattr(np.linalg, "svdvals"):
    CASES["np.linalg.svdvals"] = check_svdvals
CASES.update({
    "scipy.linalg.cholesky": check_scipy_cholesky,
    "scipy.linalg.solve_triangular": check_solve_triangular,
    "scipy.linalg.cho_factor[0]": check_cho_factor,
    "scipy.linalg.cho_solve": check_cho_solve,
    "scipy.linalg.expm": check_expm,
    "scipy.linalg.inv": lambda gen: check_scipy_alias(gen, "scipy.linalg.inv(a)",
                                                      (well(3),), 0),
    "scipy.linalg.det": lambda gen: check_scipy_alias(gen, "scipy.linalg.det(a)",
                                                      (well(3),), 0),
    "scipy.linalg.solve": lambda gen: check_scipy_alias(gen, "scipy.linalg.solve(a, b)",
                                                        (well(3), arr(7, 3, 2)), (0, 1)),
})

# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "np.linalg.lstsq[2]": ("a, b", "np.sum(np.linalg.lstsq(a, b)[0]) * np.linalg.lstsq(a, b)[2]",
                           (arr(1, 4, 2), arr(2, 4)), (0, 1), None),
    "scipy.linalg.cho_factor[1]": ("a", "np.sum(scipy.linalg.cho_factor(a)[0] * "
                                   "scipy.linalg.cho_factor(a)[1])", (well(3),), 0, None),
}
