"""scipy.integrate.odeint: refused with advice, never differentiated as a black box.

The adjoint of an ODE solve is itself an ODE solved backwards in time, whose accuracy
depends on the solver's; s2sad does not write that. A fixed-step integrator written as a
Python loop (Euler, Runge-Kutta) is differentiated like any other loop, exactly for the
steps it takes. Loaded once the program imports
SciPy (base.OPTIONAL).
"""
from scipy.integrate import odeint

from .base import register
from .elementwise import Refused

register(Refused("scipy.integrate.odeint",
                 doc="is not differentiated (its derivative is another ODE solve); "
                     "write the integrator as a loop over time steps (`for k in "
                     "range(n): y = y + h * f(y, t[k])`, or Runge-Kutta steps), which "
                     "s2sad differentiates like any loop."), odeint)
