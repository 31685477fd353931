"""The regularized incomplete gamma and beta functions of scipy.special, in x, registered
once the program imports SciPy (base.OPTIONAL).

Their derivative in x is the integrand they integrate, written through logarithms so
that it holds at x == 0: SciPy's `xlogy(a - 1, x)` is 0 there for a == 1 and -inf for
a > 1 (s2sad's own `xlogy`, which is 0 wherever x is 0, would not do). In the shape
parameters there is no closed form (a hypergeometric series): a shape that depends on
the differentiated input is an error at the call naming it, never a silent zero.
"""
import scipy.special

from .base import register
from .special import SciPy

SHAPE = "in x only: a shape that depends on the input is an error (no closed form)"
GAMMA = "lib.exp(special.xlogy(a - 1, b) - b - special.gammaln(a))"
BETA = ("lib.exp(special.xlogy(a - 1, c) + special.xlog1py(b - 1, -c) "
        "- special.betaln(a, b))")

register(SciPy("scipy.special.gammainc", (None, GAMMA),
               doc="P(a, x); " + SHAPE + "; at x == 0 the partial is inf for a < 1",
               refused=(0,), parameters=("a", "x")), scipy.special.gammainc)
register(SciPy("scipy.special.gammaincc", (None, "-" + GAMMA),
               doc="Q(a, x) = 1 - P(a, x); " + SHAPE + "; at x == 0 the partial is -inf "
                   "for a < 1", refused=(0,), parameters=("a", "x")), scipy.special.gammaincc)
register(SciPy("scipy.special.betainc", (None, None, BETA),
               doc="I_x(a, b); " + SHAPE + "; at x == 0 (x == 1) the partial is inf for "
                   "a < 1 (b < 1)", refused=(0, 1), parameters=("a", "b", "x")),
         scipy.special.betainc)
