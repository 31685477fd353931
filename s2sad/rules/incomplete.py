"""The regularized incomplete gamma and beta functions of scipy.special, in x.

Their derivative in x is the integrand they integrate, written through logarithms so
that it holds at x == 0: SciPy's `xlogy(a - 1, x)` is 0 there for a == 1 and -inf for
a > 1 (s2sad's own `xlogy`, which is 0 wherever x is 0, would not do). In the shape
parameters there is no closed form (it is a hypergeometric series): a shape that
depends on the differentiated input is an error at the call, never a silent zero.
SciPy is optional: without it there are no rows.
"""
from .base import register
from .library_calls import Calling

try:
    import scipy.special as special
except ImportError:  # pragma: no cover - SciPy is optional at run time
    special = None

SHAPE = "in x only: a shape argument that depends on the input is an error (no closed form)"
GAMMA = "lib.exp(xlogy(a - 1, b) - b - gammaln(a))"
BETA = "lib.exp(xlogy(a - 1, c) + xlog1py(b - 1, -c) - betaln(a, b))"

if special is not None:
    register(Calling("scipy.special.gammainc", (None, GAMMA), None,
                     "P(a, x); " + SHAPE + "; at x == 0 the partial is inf for a < 1",
                     (("xlogy", special.xlogy), ("gammaln", special.gammaln)), (0,)),
             special.gammainc)
    register(Calling("scipy.special.gammaincc", (None, "-" + GAMMA), None,
                     "Q(a, x) = 1 - P(a, x); " + SHAPE + "; at x == 0 the partial is -inf "
                     "for a < 1", (("xlogy", special.xlogy), ("gammaln", special.gammaln)),
                     (0,)), special.gammaincc)
    register(Calling("scipy.special.betainc", (None, None, BETA), None,
                     "I_x(a, b); " + SHAPE + "; at x == 0 (x == 1) the partial is inf for "
                     "a < 1 (b < 1)",
                     (("xlogy", special.xlogy), ("xlog1py", special.xlog1py),
                      ("betaln", special.betaln)), (0, 1)),
             special.betainc)
