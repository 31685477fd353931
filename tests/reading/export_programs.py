"""Programs exported by test_export.py, written as users write them: each reads something
the exported module must carry (a module constant, a closure value, a helper function
with a derivative of its own, a run-time helper of s2sad, SciPy, a user rule).

`CASES` rows are (function, example arguments, wrt).
"""
import math
from math import exp as e

import numpy
import numpy as np
import numpy.linalg as la
import scipy.special
from numpy import sin as sine
from scipy.special import expit

import s2sad

L2 = 0.01
WEIGHTS = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
PICKS = np.array([0, 2, 2, 1, 0])
OFFSETS = (0.5, -0.25)


def seed_002(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def logistic_loss(w, x, y):
    p = 1 / (1 + np.exp(-(x @ w)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + L2 * np.sum(w ** 2)


def logistic_map(r, x, n):
    for _ in range(n):
        x = r * x * (1 - x)
    return x


def branch(x, y):
    if x > y:
        z = x * y + OFFSETS[0]
    else:
        z = math.exp(x - y) + OFFSETS[1]
    return z * z


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def polynomial(x, y):
    return 2.0 * power(x, 3) - power(x * y, 2)


def broadcast(a, b):
    return np.sum(np.tanh(a * b) * WEIGHTS)


def picked(x):
    return np.sum(np.sin(x[PICKS]) * np.arange(1.0, 6.0))


def product(a):
    return np.prod(a, axis=0).sum() + np.prod(a)


def eigen(a):
    m = a @ a.T + np.eye(3)
    w, v = np.linalg.eigh(m)
    return np.sum(np.log(w)) + v[0, 0] ** 2


def log_gamma(x):
    return np.sum(scipy.special.gammaln(x) * x)


def imported_names(x):
    """Functions imported by name, under names of the user's, and NumPy by two names."""
    return e(x[0]) + numpy.sum(sine(x) * expit(x)) * HALF + la.norm(x)


HALF = np.float32(0.5)


def erf(x):
    """`math.erf` elementwise, which s2sad differentiates by the rule `with_erf_rule`
    gives it (in a test that removes it after: rules are global)."""
    return np.array([math.erf(v) for v in np.ravel(x)]).reshape(np.shape(x))


def erf_partial(x):
    return 2.0 / math.sqrt(math.pi) * np.exp(-x * x)


def with_erf_rule():
    s2sad.defrule(erf, partials=[erf_partial])


def probit_nll(w, x, y):
    p = 0.5 * (1.0 + erf(x @ w / math.sqrt(2.0)))
    return -np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def weighted(c):
    def loss(x):
        return np.sum(c * x ** 2) + np.sum(np.cos(x))
    return loss


closure = weighted(np.array([1.0, 2.0, 3.0]))

_rng = np.random.default_rng(24)

CASES = [
    (seed_002, (2.0, 5.0), (0, 1)),
    (logistic_loss, (_rng.normal(size=3), _rng.normal(size=(5, 3)),
                     np.array([1.0, 0.0, 1.0, 1.0, 0.0])), 0),
    (logistic_map, (3.2, 0.3, 6), (0, 1)),
    (branch, (1.5, 0.5), (0, 1)),
    (branch, (0.5, 1.5), (0, 1)),
    (polynomial, (1.3, 0.7), (0, 1)),
    (broadcast, (_rng.normal(size=3), _rng.normal(size=(2, 3))), (0, 1)),
    (picked, (_rng.normal(size=4),), 0),
    (product, (_rng.uniform(0.5, 1.5, size=(3, 2)),), 0),
    (eigen, (_rng.normal(size=(3, 3)),), 0),
    (log_gamma, (_rng.uniform(1.0, 3.0, size=4),), 0),
    (closure, (_rng.normal(size=3),), 0),
    (imported_names, (_rng.normal(size=3),), 0),
]
