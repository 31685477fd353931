"""Rule-table cases of SciPy's special functions (s2sad/rules/special.py and
special_reductions.py).

The elementwise rows are checked by the table test from their sampling domains
(`DOMAINS`, each inside the function's smooth region: away from the poles of gamma, the
ends of erfinv's and logit's domains, the kink of i0e at 0), for several shapes
broadcasting against each other, with float32 kept where SciPy keeps it. logsumexp,
softmax and log_softmax are custom rows: reverse mode against central differences,
forward mode and the vector-mode Jacobian, float32, over axes, `keepdims` and the
weights `b`.
"""
WIDE = (-2.0, 2.0)
POS = (0.3, 3.0)
PROBABILITY = (0.05, 0.95)

DOMAINS = {
    "scipy.special.erf": [WIDE], "scipy.special.erfc": [WIDE], "scipy.special.erfcx": [WIDE],
    "scipy.special.erfinv": [(-0.9, 0.9)], "scipy.special.erfcinv": [(0.1, 1.9)],
    "scipy.special.expit": [WIDE], "scipy.special.logit": [PROBABILITY],
    "scipy.special.ndtr": [WIDE], "scipy.special.log_ndtr": [(-6.0, 3.0)],
    "scipy.special.ndtri": [PROBABILITY],
    "scipy.special.gamma": [(0.3, 4.0)], "scipy.special.gammaln": [(0.3, 6.0)],
    "scipy.special.digamma": [(0.3, 6.0)], "scipy.special.polygamma": [range(0, 4), POS],
    "scipy.special.beta": [POS, POS], "scipy.special.betaln": [POS, POS],
    "scipy.special.xlogy": [WIDE, POS], "scipy.special.xlog1py": [WIDE, (-0.5, 2.0)],
    "scipy.special.i0": [WIDE], "scipy.special.i1": [WIDE],
    "scipy.special.i0e": [(0.1, 3.0)], "scipy.special.i1e": [WIDE],
    "scipy.special.expm1": [WIDE], "scipy.special.log1p": [(-0.5, 3.0)],
}
