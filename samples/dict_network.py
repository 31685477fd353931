"""A small network whose parameters are a dict, trained by SciPy through `s2sad.ravel`.

The loss reads `params["W1"]`, `params["b1"]`, ... as a user writes it; `s2sad.grad`
returns the gradient as a dict with the same keys, and `s2sad.ravel` turns both into the
one vector `scipy.optimize.minimize` works on. The generated adjoint takes the dict's
leaves as parameters of their own (`params_W1`, ...): it is printed at the end.

    python samples/dict_network.py
"""
import numpy as np
from scipy.optimize import minimize

import s2sad


def loss(params, x, y, decay=1e-3):
    hidden = np.tanh(x @ params["W1"] + params["b1"])
    out = hidden @ params["W2"] + params["b2"]
    penalty = decay * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    return np.mean((out - y) ** 2) + penalty


def data(n=64, seed=0):
    """Noisy samples of a smooth function of two inputs."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n, 2))
    y = np.sin(2.0 * x[:, 0]) * x[:, 1] + 0.05 * rng.normal(size=n)
    return x, y


def initial(hidden=8, seed=1):
    rng = np.random.default_rng(seed)
    return {"W1": 0.5 * rng.normal(size=(2, hidden)), "b1": np.zeros(hidden),
            "W2": 0.5 * rng.normal(size=hidden), "b2": 0.0}


def train(params, x, y):
    """L-BFGS over the raveled parameters: the gradient, a dict like `params`, ravels to
    a vector in the same order."""
    vector, unravel = s2sad.ravel(params)
    value_and_grad = s2sad.value_and_grad(loss)

    def fun(v):
        value, g = value_and_grad(unravel(v), x, y)
        return value, s2sad.ravel(g)[0]
    result = minimize(fun, vector, jac=True, method="L-BFGS-B")
    return unravel(result.x), result


def main():
    x, y = data()
    params = initial()
    before = loss(params, x, y)
    trained, result = train(params, x, y)
    after = loss(trained, x, y)
    print(f"loss before training: {before:.4f}")
    print(f"loss after {result.nit} L-BFGS iterations: {after:.4f}")
    gradient = s2sad.grad(loss)(trained, x, y)
    print("gradient keys:", list(gradient))
    print()
    print(s2sad.source(loss, params, x, y, mode="gradient"))
    return {"before": before, "after": after, "params": trained, "x": x, "y": y}


if __name__ == "__main__":
    main()
