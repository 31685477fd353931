"""Derivative rules of your own: for a function s2sad cannot read, and for one whose
derivative you know in closed form.

`scipy.special.erf` is compiled code, so s2sad has no source to differentiate; one line
gives it the partial derivative d erf(x)/dx = 2/sqrt(pi) exp(-x^2) (s2sad's own row for
erf says the same; a rule given here replaces it). A probit model's negative
log-likelihood then differentiates like any other NumPy code.

`logsumexp` has source, but its derivative, the softmax, is known in closed form and is
cheaper than differentiating the stable implementation line by line; its rule gives the
tangent and the adjoint directly.

Both rules are checked by `s2sad.check_rule` before use, and the gradient is compared
with central differences.

    python samples/user_rule.py
"""
import math

import numpy as np
import scipy.special

import s2sad


def erf_partial(x):
    return 2.0 / math.sqrt(math.pi) * np.exp(-x * x)


s2sad.defrule(scipy.special.erf, partials=[erf_partial])


def logsumexp(x):
    shift = np.max(x)
    return shift + np.log(np.sum(np.exp(x - shift)))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def logsumexp_tangent(x_dot, x):
    return softmax(x) @ x_dot


def logsumexp_adjoint(g, x):
    return g * softmax(x)


s2sad.defrule(logsumexp, tangents=[logsumexp_tangent], adjoints=[logsumexp_adjoint], ndim=0)


def probit_nll(w, X, y):
    """-log likelihood of labels y in {0, 1} under P(y = 1 | x) = Phi(x . w)."""
    z = X @ w / math.sqrt(2.0)
    p = 0.5 * (1.0 + scipy.special.erf(z))
    return -np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def soft_maximum(w, X):
    """A smooth stand-in for the largest score max_i x_i . w."""
    return logsumexp(X @ w)


def central_difference(f, w, *rest, h=1e-6):
    out = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = h
        out[i] = (f(w + e, *rest) - f(w - e, *rest)) / (2 * h)
    return out


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    truth = np.array([1.5, -2.0, 0.5])
    y = (X @ truth + 2.0 * rng.normal(size=n) > 0).astype(float)
    return X, y, truth


def main():
    X, y, truth = data()
    s2sad.check_rule(scipy.special.erf, np.linspace(-2.0, 2.0, 9))
    s2sad.check_rule(logsumexp, X @ truth)
    print("both rules agree with central differences and between modes")
    print()
    print(s2sad.source(probit_nll, np.zeros(3), X, y))

    w = np.zeros(3)
    gradient = s2sad.grad(probit_nll)
    g = gradient(w, X, y)
    gap = np.max(np.abs(g - central_difference(probit_nll, w, X, y)))
    print(f"gradient at w = 0: {np.round(g, 4)}; central differences differ by {gap:.1e}")
    start = probit_nll(w, X, y)
    for _ in range(200):
        w = w - 0.002 * gradient(w, X, y)
    # labels were drawn with noise of standard deviation 2: the probit weights are truth / 2
    print(f"200 gradient steps: nll {start:.2f} -> {probit_nll(w, X, y):.2f}, "
          f"w = {np.round(w, 2)}, expected near {truth / 2}")

    g = s2sad.grad(soft_maximum)(w, X)
    gap = np.max(np.abs(g - central_difference(soft_maximum, w, X)))
    print(f"gradient of the soft maximum: {np.round(g, 4)}; central differences differ "
          f"by {gap:.1e}")


if __name__ == "__main__":
    main()
