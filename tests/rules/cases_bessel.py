"""Rule-table cases of the Bessel family (s2sad/rules/bessel.py): scipy.special j0, j1,
jv (jn), y0, y1, yn, yv, rgamma and gammasgn (iv and ive are in special.py).

The elementwise rows are checked by the table test from their sampling domains (both
modes, vector mode, the generic derivative, float32), inside each function's smooth
region: x > 0 where Y has its pole at 0, an integer order (sampled from a range, so never
differentiated). tests/rules/test_scipy_rows.py checks the points the docs name and the
refusals.
"""
import numpy as np

ORDER = range(0, 4)
DOMAINS = {
    "scipy.special.j0": [(-6.0, 6.0)], "scipy.special.j1": [(-6.0, 6.0)],
    "scipy.special.jv": [ORDER, (0.2, 8.0)],
    "scipy.special.y0": [(0.5, 8.0)], "scipy.special.y1": [(0.5, 8.0)],
    "scipy.special.yn": [ORDER, (0.5, 8.0)], "scipy.special.yv": [ORDER, (0.5, 8.0)],
    "scipy.special.rgamma": [(0.3, 4.0)],
}
# an integer order array and float32 x may give float64 values and derivatives
FLOAT64 = {"scipy.special.jv", "scipy.special.yn", "scipy.special.yv"}


def _x(*shape):
    return np.random.default_rng(8).uniform(0.3, 2.5, shape)


NONDIFF = {
    "scipy.special.gammasgn": ("a", "np.sum(a * scipy.special.gammasgn(a - 1.5))", (_x(2, 3),),
                               0, None),
}
