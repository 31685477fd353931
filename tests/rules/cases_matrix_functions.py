"""Rule-table cases of scipy.linalg's matrix functions (s2sad/rules/matrix_functions.py):
sqrtm, solve_sylvester (each of A, B, Q alone and all three) and solve_banded (ab and b,
a vector or a matrix b, several band widths), in both modes and vector mode against
central differences, on well-conditioned matrices (n * I plus a small random part)."""
import numpy as np

from rulecheck import check_grad, check_vjp


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def well(n, seed=0):
    return n * np.eye(n) + 0.4 * arr(seed, n, n)


def real_roots(n, seed=0):
    """A matrix with distinct positive eigenvalues: its square root is real, and every
    SciPy returns it as a real array (older ones give complex for complex eigenvalues)."""
    basis = np.eye(n) + 0.3 * arr(seed, n, n)
    return basis @ np.diag(np.arange(1.0, n + 1) + 0.5) @ np.linalg.inv(basis)


def check_sqrtm(gen):
    fn = gen("a", "scipy.linalg.sqrtm(a)")
    for n in (1, 2, 3, 4):
        check_vjp(fn, (real_roots(n, n),), 0)
    spd = arr(3, 3, 3)
    check_vjp(fn, (spd @ spd.T + np.eye(3),), 0)
    check_grad(gen("a", "np.sum(scipy.linalg.sqrtm(a @ a.T + np.eye(3)) ** 2)"), (arr(4, 3, 3),))


def check_solve_sylvester(gen):
    fn = gen("a, b, q", "scipy.linalg.solve_sylvester(a, b, q)")
    for n, m in ((2, 2), (3, 3), (3, 2), (2, 4)):
        args = (well(n, 1), well(m, 2), arr(3, n, m))
        for wrt in ((0, 1, 2), 0, 1, 2):
            check_vjp(fn, args, wrt)
    check_grad(gen("a", "np.sum(np.sin(scipy.linalg.solve_sylvester(a, a.T, a)))"),
               (well(3, 5),))


def _bands(lower, upper, n, seed):
    ab = arr(seed, lower + upper + 1, n)
    ab[upper] += 4.0  # a dominant diagonal
    return ab


def check_solve_banded(gen):
    for lower, upper in ((1, 1), (0, 2), (2, 0), (1, 2), (0, 0)):
        fn = gen("ab, b", f"scipy.linalg.solve_banded(({lower}, {upper}), ab, b)")
        for b in (arr(7, 5), arr(8, 5, 2)):
            args = (_bands(lower, upper, 5, lower + 2 * upper), b)
            for wrt in ((0, 1), 0, 1):
                check_vjp(fn, args, wrt)
    check_grad(gen("ab, b", "np.sum(np.cos(scipy.linalg.solve_banded((1, 1), ab, b * b)))"),
               (_bands(1, 1, 4, 9), arr(10, 4)), (0, 1))


CASES = {
    "scipy.linalg.sqrtm": check_sqrtm,
    "scipy.linalg.solve_sylvester": check_solve_sylvester,
    "scipy.linalg.solve_banded": check_solve_banded,
}
