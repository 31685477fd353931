"""Distributions of scipy.stats beyond the densities and cdfs of distributions.py:
norm.sf and norm.logsf, chi2, poisson (elementwise rows); dirichlet and
multivariate_normal are in multivariate.py.

A distribution's method is keyed by the bound method itself (`scipy.stats.norm.sf`): a
bound method equals another of the same object and function, so `from scipy.stats import
norm; norm.sf(x)` finds the same row. The partials call the distribution's own density
by a name bound in the generated code (`norm_pdf`). A discrete argument (poisson's k) is
piecewise constant; a shape without a closed-form derivative (chi2.cdf's df) is an error
when it depends on the input. SciPy is optional: without it there are no rows.
"""
from dataclasses import dataclass

from .base import register
from .library_calls import Calling

try:
    import scipy.stats as stats
except ImportError:  # pragma: no cover - SciPy is optional at run time
    stats = None


@dataclass(frozen=True)
class ByArity(Calling):
    """A row whose partials depend on how many arguments are passed (`norm.sf(x)`,
    `norm.sf(x, loc)`, `norm.sf(x, loc, scale)`): `arities` maps a count to its partials."""
    arities: tuple = ()

    def partials_for(self, count):
        return dict(self.arities).get(count, self.partials)


def _location_scale(name, density, calls, doc):
    """A row of norm that decreases in x: its partial in x is `-density(args)` for the
    arguments `args` ("a", "a, b" or "a, b, c"), in loc `density(args)`, in scale that
    times the standardized x."""
    one, two, three = density("a"), density("a, b"), density("a, b, c")
    arities = ((1, (f"-{one}",)), (2, (f"-{two}", two)),
               (3, (f"-{three}", three, f"{three} * (a - b) / c")))
    register(ByArity(f"scipy.stats.norm.{name}", dict(arities)[3], None, doc, calls,
                     arities=arities), getattr(stats.norm, name))


if stats is not None:
    SCALE = "x, loc and scale positionally (loc 0, scale 1 if left out); scale > 0"
    _location_scale("sf", lambda args: f"norm_pdf({args})", (("norm_pdf", stats.norm.pdf),),
                    "1 - cdf; " + SCALE)
    _location_scale("logsf", lambda args: f"lib.exp(norm_logpdf({args}) - out)",
                    (("norm_logpdf", stats.norm.logpdf),),
                    "log(1 - cdf), its partial exp(logpdf - logsf) kept finite in the far "
                    "tail; " + SCALE)

    DF = "0.5 * (lib.log(a) - 0.6931471805599453 - digamma(b / 2))"
    CHI2 = "x and df positionally (no loc or scale); x > 0"
    register(Calling("scipy.stats.chi2.pdf", ("out * ((b / 2 - 1) / a - 0.5)", f"out * {DF}"),
                     None, CHI2), stats.chi2.pdf)
    register(Calling("scipy.stats.chi2.logpdf", ("(b / 2 - 1) / a - 0.5", DF), None, CHI2),
             stats.chi2.logpdf)
    register(Calling("scipy.stats.chi2.cdf", ("chi2_pdf(a, b)", None), None,
                     CHI2 + "; in x only: a df that depends on the input is an error "
                     "(no closed form)", (("chi2_pdf", stats.chi2.pdf),), (1,)),
             stats.chi2.cdf)

    POISSON = ("k and mu positionally (no loc); k is an integer count: piecewise constant, "
               "no derivative in it; mu > 0")
    register(Calling("scipy.stats.poisson.pmf", (None, "out * (a / b - 1)"), None, POISSON),
             stats.poisson.pmf)
    register(Calling("scipy.stats.poisson.logpmf", (None, "a / b - 1"), None, POISSON),
             stats.poisson.logpmf)
    register(Calling("scipy.stats.poisson.cdf", (None, "-poisson_pmf(lib.floor(a), b)"), None,
                     POISSON + "; the partial in mu is -pmf(floor(k), mu)",
                     (("poisson_pmf", stats.poisson.pmf),)), stats.poisson.cdf)
