"""Rule-table cases of the scipy.stats family (s2sad/rules/distributions.py and
multivariate.py): norm.sf and norm.logsf (one, two and three arguments), chi2 pdf,
logpdf and cdf, poisson pmf, logpmf and cdf (elementwise rows, by their domains), and
dirichlet and multivariate_normal (custom rows).

Domains stay inside each distribution's support (x > 0 for chi2, scale > 0, mu > 0);
integer arguments (poisson's k, chi2.cdf's df) are sampled from ranges and never
differentiated: tests/rules/test_scipy_rows.py checks the refusals.
"""

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
