"""Distributions of scipy.stats beyond the densities and cdfs of distributions.py:
norm.sf and norm.logsf, chi2 and poisson, elementwise rows registered once the program
imports scipy.stats (base.OPTIONAL); dirichlet and multivariate_normal are in
multivariate.py.

The rows are distributions.py's `Distribution`: keyed by the bound method, keyword
arguments moved to their positions, parameters left out read as their defaults. The
partials call the distribution's own density (`stats.norm.pdf`). A discrete argument
(poisson's k) is piecewise constant; a shape without a closed-form derivative
(chi2.cdf's df) is an error naming it when it depends on the input.
"""
import scipy.stats

from .base import REQUIRED, register
from .distributions import LOCATION, Distribution


def _row(name, partials, signature, doc, refused=()):
    distribution, _, method = name.partition(".")
    register(Distribution(f"scipy.stats.{name}", partials, doc=doc, signature=signature,
                          refused=refused, parameters=tuple(p for p, _ in signature)),
             getattr(getattr(scipy.stats, distribution), method))


NORM = (("x", REQUIRED),) + LOCATION
SCALE = "scale > 0"
PDF = "stats.norm.pdf(a, b, c)"
_row("norm.sf", (f"-{PDF}", PDF, f"{PDF} * (a - b) / c"), NORM, "1 - cdf; " + SCALE)
RATIO = "lib.exp(stats.norm.logpdf(a, b, c) - out)"
_row("norm.logsf", (f"-{RATIO}", RATIO, f"{RATIO} * (a - b) / c"), NORM,
     "log(1 - cdf), its partial exp(logpdf - logsf) kept finite in the far tail; " + SCALE)

CHI2 = (("x", REQUIRED), ("df", REQUIRED))
DF = "0.5 * (lib.log(a) - 0.6931471805599453 - digamma(b / 2))"
NO_LOC = "x and df (no loc or scale); x > 0"
_row("chi2.pdf", ("out * ((b / 2 - 1) / a - 0.5)", f"out * {DF}"), CHI2, NO_LOC)
_row("chi2.logpdf", ("(b / 2 - 1) / a - 0.5", DF), CHI2, NO_LOC)
_row("chi2.cdf", ("stats.chi2.pdf(a, b)", None), CHI2,
     NO_LOC + "; in x only: a df that depends on the input is an error (no closed form)",
     refused=(1,))

POISSON = (("k", REQUIRED), ("mu", REQUIRED))
COUNT = "k and mu (no loc); k is an integer count: piecewise constant, no derivative; mu > 0"
_row("poisson.pmf", (None, "out * (a / b - 1)"), POISSON, COUNT)
_row("poisson.logpmf", (None, "a / b - 1"), POISSON, COUNT)
_row("poisson.cdf", (None, "-stats.poisson.pmf(lib.floor(a), b)"), POISSON,
     COUNT + "; the partial in mu is -pmf(floor(k), mu)")
