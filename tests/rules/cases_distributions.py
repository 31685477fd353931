"""Rule-table cases of the scipy.stats family (s2sad/rules/more_distributions.py and
multivariate.py): norm.sf and norm.logsf (one, two and three arguments), chi2 pdf,
logpdf and cdf, poisson pmf, logpmf and cdf (elementwise rows, by their domains), and
dirichlet and multivariate_normal (custom rows).

Domains stay inside each distribution's support (x > 0 for chi2, scale > 0, mu > 0);
integer arguments (poisson's k, chi2.cdf's df) are sampled from ranges and never
differentiated: tests/rules/test_scipy_rows.py checks the refusals.
"""
import numpy as np

from rulecheck import check_grad, check_vjp

SCALE = (0.5, 2.0)
DOMAINS = {
    "scipy.stats.norm.sf": [(-2.0, 2.0), (-1.0, 1.0), SCALE],
    "scipy.stats.norm.logsf": [(-2.0, 6.0), (-1.0, 1.0), SCALE],
    "scipy.stats.chi2.pdf": [(0.3, 6.0), (1.5, 5.0)],
    "scipy.stats.chi2.logpdf": [(0.3, 6.0), (1.5, 5.0)],
    "scipy.stats.chi2.cdf": [(0.3, 6.0), range(1, 6)],
    "scipy.stats.poisson.pmf": [range(0, 6), (0.5, 4.0)],
    "scipy.stats.poisson.logpmf": [range(0, 6), (0.5, 4.0)],
    "scipy.stats.poisson.cdf": [range(0, 6), (0.5, 4.0)],
}
OTHER_ARITIES = {"scipy.stats.norm.sf": (1, 2), "scipy.stats.norm.logsf": (1, 2)}
# scipy.stats computes in float64
FLOAT64 = set(DOMAINS)


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def positive(seed, *shape):
    return np.random.default_rng(seed).uniform(0.3, 1.5, shape)


def spd(n, seed):
    """A well-conditioned symmetric positive definite matrix."""
    a = arr(seed, n, n)
    return a @ a.T + n * np.eye(n)


def check_dirichlet(gen, method):
    """x through a normalisation (SciPy checks that it sums to 1), alpha directly."""
    alpha = positive(1, 4) + 1.0
    on_simplex = gen("x, alpha", f"scipy.stats.dirichlet.{method}(x / np.sum(x), alpha)")
    direct = gen("x, alpha", f"scipy.stats.dirichlet.{method}(x, alpha)")
    x = positive(2, 4)
    check_grad(on_simplex, (x, alpha), (0, 1))
    check_grad(direct, (x / np.sum(x), alpha), 1)
    columns = gen("x, alpha", f"scipy.stats.dirichlet.{method}(x / np.sum(x, axis=0), alpha)")
    check_vjp(columns, (positive(3, 4, 3), alpha), (0, 1))
    check_vjp(columns, (positive(3, 4, 3), alpha), 1)
    check_grad(gen("x, alpha", f"np.sum(np.sin(scipy.stats.dirichlet.{method}("
                               f"x / np.sum(x), alpha * alpha)))"), (x, alpha), (0, 1))


def check_mvn(gen, method):
    """x one point or a matrix of points (and a stack of them); the cov read as SciPy reads
    it (perturbing its upper triangle changes nothing) and through a symmetrisation."""
    fn = gen("x, mean, cov", f"scipy.stats.multivariate_normal.{method}(x, mean, cov)")
    for n, x in ((4, arr(1, 4)), (3, arr(2, 5, 3)), (2, arr(3, 2, 3, 2)), (1, arr(4, 1))):
        args = (x, arr(5, n), spd(n, n))
        check_vjp(fn, args, (0, 1, 2))
        check_vjp(fn, args, 2)
    symmetric = gen("x, mean, c", f"scipy.stats.multivariate_normal.{method}(x, mean, "
                                  "0.5 * (c + c.T))")
    check_vjp(symmetric, (arr(6, 5, 3), arr(7, 3), spd(3, 8) + 0.2 * arr(9, 3, 3)), (0, 1, 2))


def check_entropy(gen):
    fn = gen("mean, cov", "scipy.stats.multivariate_normal.entropy(mean, cov)")
    for n in (1, 2, 4):
        check_grad(fn, (arr(1, n), spd(n, n)), (0, 1))
    check_grad(gen("c", "scipy.stats.multivariate_normal.entropy(np.zeros(3), c @ c.T)"),
               (arr(2, 3, 3) + 2 * np.eye(3),))


CASES = {
    "scipy.stats.dirichlet.pdf": lambda gen: check_dirichlet(gen, "pdf"),
    "scipy.stats.dirichlet.logpdf": lambda gen: check_dirichlet(gen, "logpdf"),
    "scipy.stats.multivariate_normal.pdf": lambda gen: check_mvn(gen, "pdf"),
    "scipy.stats.multivariate_normal.logpdf": lambda gen: check_mvn(gen, "logpdf"),
    "scipy.stats.multivariate_normal.entropy": check_entropy,
}
