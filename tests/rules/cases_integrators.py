"""Rule-table case of scipy.integrate.odeint (s2sad/rules/integrators.py): refused at the
call with advice to write the integrator as a loop."""
import numpy as np

import s2sad

NONDIFF = {
    "scipy.integrate.odeint": (
        "a", "np.sum(scipy.integrate.odeint(np.subtract, a, np.linspace(0.0, 1.0, 3)))",
        (np.ones(2),), 0, s2sad.UnsupportedError),
}
