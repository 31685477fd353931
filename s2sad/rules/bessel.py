"""Bessel functions and the reciprocal gamma function of scipy.special, registered once
the program imports SciPy (base.OPTIONAL); `iv`, `ive`, `i0`, `i1` are in special.py.

Derivatives in x follow the recurrences `J'_v = (J_{v-1} - J_{v+1}) / 2` (Y alike),
which hold at x == 0 too where `J_1(x) / x` would not. The order is not differentiated:
a Bessel function has no closed-form derivative in it, so an order that depends on the
differentiated input is an error at the call naming it.
"""
import scipy.special

from .base import NonDifferentiable, register
from .special import SciPy

ORDER = "the order is not differentiated: an error if it depends on the input"


def _row(fn, partials, doc, parameters, refused=()):
    register(SciPy(f"scipy.special.{fn.__name__}", partials, doc=doc, refused=refused,
                   parameters=parameters), fn)


_row(scipy.special.j0, ("-special.j1(a)",), "smooth everywhere", ("x",))
_row(scipy.special.j1, ("(special.j0(a) - special.jv(2, a)) / 2",), "smooth everywhere",
     ("x",))
_row(scipy.special.jv, (None, "(special.jv(a - 1, b) - special.jv(a + 1, b)) / 2"),
     "`scipy.special.jn` is this function; " + ORDER + "; x < 0 with a non-integer order "
     "gives NaN", ("v", "x"), (0,))
_row(scipy.special.y0, ("-special.y1(a)",), "defined for x > 0 (-inf at 0, NaN below)",
     ("x",))
_row(scipy.special.y1, ("(special.y0(a) - special.yv(2, a)) / 2",),
     "defined for x > 0 (-inf at 0, NaN below)", ("x",))
_row(scipy.special.yn, (None, "(special.yn(a - 1, b) - special.yn(a + 1, b)) / 2"),
     "integer order; " + ORDER + "; defined for x > 0", ("n", "x"), (0,))
_row(scipy.special.yv, (None, "(special.yv(a - 1, b) - special.yv(a + 1, b)) / 2"),
     "real order; " + ORDER + "; defined for x > 0", ("v", "x"), (0,))
_row(scipy.special.rgamma, ("-digamma(a) * out",),
     "1 / gamma(x); at 0, -1, -2, ... (where it is 0) the partial is 0 * inf = NaN", ("x",))
register(NonDifferentiable("scipy.special.gammasgn", None,
                           "the sign of gamma(x): no derivative (piecewise constant)"),
         scipy.special.gammasgn)
