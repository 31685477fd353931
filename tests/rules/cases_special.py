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
import numpy as np

from rulecheck import check_grad, check_vjp
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
    "scipy.special.digamma": [(0.3, 6.0)],
    "scipy.special.multigammaln": [(1.6, 5.0), range(1, 4)],
    "scipy.special.polygamma": [range(0, 4), POS],
    "scipy.special.beta": [POS, POS], "scipy.special.betaln": [POS, POS],
    "scipy.special.xlogy": [WIDE, POS], "scipy.special.xlog1py": [WIDE, (-0.5, 2.0)],
    "scipy.special.i0": [WIDE], "scipy.special.i1": [WIDE],
    "scipy.special.i0e": [(0.1, 3.0)], "scipy.special.i1e": [WIDE],
    "scipy.special.iv": [range(0, 3), WIDE], "scipy.special.ive": [range(0, 3), WIDE],
    "scipy.special.zeta": [range(2, 5), POS],
    "scipy.special.expm1": [WIDE], "scipy.special.log1p": [(-0.5, 3.0)],
}


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def weights(seed, *shape):
    return np.random.default_rng(seed).uniform(0.3, 2.0, shape)


def check_logsumexp(gen):
    """Over every axis, none, a tuple, with keepdims; weights `b` of the operand's shape
    or broadcasting against it, by keyword and positionally; inside a loop."""
    for shape in [(4,), (2, 3), (2, 3, 2)]:
        for axis in [None, 0, -1] + ([(0, 2)] if len(shape) == 3 else []):
            for keepdims in (False, True):
                call = f"scipy.special.logsumexp(x, axis={axis}, keepdims={keepdims})"
                fn = gen("x", f"np.sin({call})")
                check_vjp(fn, (arr(1, *shape),), 0)
    check_grad(gen("x", "scipy.special.logsumexp(x) * 2.0"), (arr(2, 3),))
    weighted = gen("x, w", "np.sum(scipy.special.logsumexp(x, axis=-1, b=w) ** 2)")
    for wshape in [(2, 3), (3,), (2, 1), ()]:
        check_grad(weighted, (arr(3, 2, 3), weights(4, *wshape)), (0, 1))
    check_grad(gen("x, w", "np.sum(scipy.special.logsumexp(x, 0, w, True) * x)"),
               (arr(5, 3, 2), weights(6, 3, 2)), (0, 1))
    check_grad(gen("x, w", "scipy.special.logsumexp(x, b=w)"), (arr(7, 4), weights(8, 4)),
               1)
    looped = gen("x", "np.sum([scipy.special.logsumexp(x * k, axis=0) "
                      "for k in (1.0, 2.0)])")
    check_grad(looped, (arr(9, 3, 2),))


def check_softmax(gen):
    for name in ("softmax", "log_softmax"):
        for shape in [(4,), (2, 3), (2, 3, 2)]:
            for axis in ["None", "0", "-1"] + (["(0, 2)"] if len(shape) == 3 else []):
                fn = gen("x", f"scipy.special.{name}(np.sin(x), axis={axis})")
                check_vjp(fn, (arr(10, *shape),), 0)
        check_vjp(gen("x", f"scipy.special.{name}(x, 1) * x"), (arr(11, 2, 3),), 0)
        check_grad(gen("x", f"np.sum(scipy.special.{name}(x) ** 2)"), (arr(12, 5),))


CASES = {
    "scipy.special.logsumexp": check_logsumexp,
    "scipy.special.softmax": check_softmax,
    "scipy.special.log_softmax": check_softmax,
}
