"""The log-likelihood of a local-level Kalman filter, built with lists, and its maximum.

The filter appends each step's one-step-ahead prediction and its variance to lists, as
one writes it to plot them later, and the likelihood is computed from those lists with
NumPy. s2sad differentiates it with respect to the two noise variances (on a log scale,
so they stay positive); the list is its own tape: the backward sweep reads its items
back instead of saving them again.

    python samples/kalman.py
"""
import math

import numpy as np
from scipy.optimize import minimize

import s2sad


def log_likelihood(log_q, log_r, y):
    """log p(y) of the random walk x[t] = x[t-1] + N(0, q) observed as y[t] = x[t] + N(0, r),
    by the Kalman filter's prediction errors."""
    q, r = math.exp(log_q), math.exp(log_r)
    mean, var = y[0], r
    predictions, variances = [], []
    for t in range(1, len(y)):
        var = var + q                       # predict
        predictions.append(mean)
        variances.append(var + r)
        gain = var / (var + r)              # update
        mean = mean + gain * (y[t] - mean)
        var = (1.0 - gain) * var
    errors = y[1:] - np.array(predictions)
    s = np.array(variances)
    return -0.5 * np.sum(np.log(2.0 * np.pi * s) + errors ** 2 / s)


def simulate(n=200, q=0.05, r=0.5, seed=0):
    rng = np.random.default_rng(seed)
    x = np.cumsum(math.sqrt(q) * rng.normal(size=n))
    return x + math.sqrt(r) * rng.normal(size=n)


def fit(y):
    value_and_grad = s2sad.value_and_grad(log_likelihood, wrt=(0, 1))

    def fun(v):
        value, (g_q, g_r) = value_and_grad(v[0], v[1], y)
        return -value, -np.array([g_q, g_r])
    return minimize(fun, np.zeros(2), jac=True, method="BFGS")


def main():
    y = simulate()
    result = fit(y)
    q, r = np.exp(result.x)
    print(f"maximum log-likelihood {-result.fun:.3f} after {result.nit} BFGS iterations")
    print(f"process variance q = {q:.4f} (simulated with 0.05)")
    print(f"noise variance   r = {r:.4f} (simulated with 0.5)")
    print()
    print(s2sad.source(log_likelihood, 0.0, 0.0, y[:5], wrt=(0, 1)))
    return {"y": y, "result": result}


if __name__ == "__main__":
    main()
