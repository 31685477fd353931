"""Bessel functions and the reciprocal gamma function of scipy.special.

Derivatives in x follow the recurrences `J'_v = (J_{v-1} - J_{v+1}) / 2` (Y alike) and
`I'_v = (I_{v-1} + I_{v+1}) / 2`, which hold at x == 0 too where `J_1(x) / x` would not.
The order is not differentiated: a Bessel function has no closed-form derivative in it,
so an order that depends on the differentiated input is an error at the call.
SciPy is optional: without it there are no rows.
"""
from .base import NonDifferentiable, register
from .library_calls import Calling

try:
    import scipy.special as special
except ImportError:  # pragma: no cover - SciPy is optional at run time
    special = None

ORDER = "the order (argument 1) is not differentiated: an error if it depends on the input"


def _row(fn, partials, doc, calls=(), refused=()):
    register(Calling(f"scipy.special.{fn.__name__}", partials, None, doc, calls, refused), fn)


if special is not None:
    _row(special.j0, ("-j1(a)",), "smooth everywhere", (("j1", special.j1),))
    _row(special.j1, ("(j0(a) - jv(2, a)) / 2",), "smooth everywhere",
         (("j0", special.j0), ("jv", special.jv)))
    _row(special.jv, (None, "(jv(a - 1, b) - jv(a + 1, b)) / 2"),
         "`scipy.special.jn` is this function; " + ORDER + "; x < 0 with a non-integer "
         "order gives NaN", (("jv", special.jv),), (0,))
    _row(special.y0, ("-y1(a)",), "defined for x > 0 (-inf at 0, NaN below)",
         (("y1", special.y1),))
    _row(special.y1, ("(y0(a) - yv(2, a)) / 2",), "defined for x > 0 (-inf at 0, NaN below)",
         (("y0", special.y0), ("yv", special.yv)))
    _row(special.yn, (None, "(yn(a - 1, b) - yn(a + 1, b)) / 2"),
         "integer order; " + ORDER + "; defined for x > 0", (("yn", special.yn),), (0,))
    _row(special.yv, (None, "(yv(a - 1, b) - yv(a + 1, b)) / 2"),
         "real order; " + ORDER + "; defined for x > 0", (("yv", special.yv),), (0,))
    _row(special.rgamma, ("-digamma(a) * out",),
         "1 / gamma(x); at 0, -1, -2, ... (where it is 0) the partial is 0 * inf = NaN")
    register(NonDifferentiable("scipy.special.gammasgn", None,
                               "the sign of gamma(x): no derivative (piecewise constant)"),
             special.gammasgn)
