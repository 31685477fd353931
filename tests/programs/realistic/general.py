"""Everyday numeric code: weighted sums with enumerate, penalties over a dict of
parameters, a robust loss with a keyword argument, polynomial fitting."""
import math

import numpy as np

from .program import Program

rng = np.random.default_rng(6)


def discounted_return(rewards, gamma):
    """The discounted sum of rewards, by enumerate."""
    total = 0.0
    for t, r in enumerate(rewards):
        total += gamma ** t * r
    return total


def regularised_loss(params, x, y, weights):
    """A linear model's error plus a penalty per parameter group, by dict.items()."""
    pred = x @ params["w"] + params["b"]
    loss = np.mean((pred - y) ** 2)
    for name, value in params.items():
        loss = loss + weights[name] * np.sum(value ** 2)
    return loss


def huber(r, delta=1.0):
    small = np.abs(r) <= delta
    return np.where(small, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))


def robust_fit(w, x, y, delta=1.0):
    """A robust linear fit: a Huber loss called with a keyword argument, after an assert
    on the inputs."""
    assert x.shape[0] == y.shape[0], "x and y must have the same number of rows"
    residual = x @ w - y
    return np.sum(huber(residual, delta=delta))


def polyfit_loss(coeffs, xs, ys):
    """Horner's rule over the coefficients, highest degree first."""
    pred = np.zeros_like(xs)
    for c in coeffs:
        pred = pred * xs + c
    return np.mean((pred - ys) ** 2)


def pairwise_energy(points, strengths):
    """A Lennard-Jones-like energy over pairs, by two zipped loops over rows."""
    energy = 0.0
    for i, (p, s) in enumerate(zip(points, strengths)):
        for j in range(i + 1, len(points)):
            r2 = np.sum((p - points[j]) ** 2)
            energy += s * strengths[j] * (1.0 / r2 ** 3 - 1.0 / r2)
    return energy


def activations_loss(x, w):
    """The same map applied to each feature, by a lambda and map."""
    act = lambda z: z / (1.0 + np.exp(-z))  # noqa: E731
    hidden = list(map(act, [x * w[0], x * w[1], x * w[2]]))
    return np.sum(hidden[0] * hidden[1] + hidden[2])


def cumulative_max_drawdown(returns):
    """A smooth stand-in for drawdown: log-sum-exp of the running peaks minus the value."""
    wealth = np.cumsum(returns)
    peaks = np.zeros_like(wealth)
    peak = wealth[0]
    for i in range(len(wealth)):
        peak = np.logaddexp(peak, wealth[i])
        peaks[i] = peak
    return np.sum(peaks - wealth)


def black_scholes_call(spot, strike, rate, vol, maturity):
    """A European call's price; its gradient gives the Greeks."""
    sqrt_t = math.sqrt(maturity)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * maturity) / (vol * sqrt_t)
    d2 = d1 - vol * sqrt_t
    cdf1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    cdf2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
    return spot * cdf1 - strike * math.exp(-rate * maturity) * cdf2


def unrolled_descent(lr, w0, x, y):
    """Ten steps of gradient descent on least squares, unrolled: the final loss as a
    function of the learning rate and the starting point (as in meta-learning)."""
    w = w0
    for _ in range(10):
        residual = x @ w - y
        w = w - lr * 2.0 * x.T @ residual / len(y)
    return np.mean((x @ w - y) ** 2)


X3 = rng.normal(size=(8, 3))
W3 = np.array([0.5, -1.0, 0.3])
Y8 = X3 @ W3 + 0.5 * rng.normal(size=8)

PROGRAMS = [
    Program(discounted_return, (rng.normal(size=6), 0.9), (0, 1), ("enumerate",)),
    Program(regularised_loss, ({"w": 0.3 * rng.normal(size=3), "b": 0.1}, X3, Y8,
                               {"w": 0.01, "b": 0.001}), 0, ("dict of parameters", "dict.items")),
    Program(robust_fit, (np.array([0.4, -0.8, 0.2]), X3, Y8), 0,
            ("helper with keyword argument", "default argument", "assert")),
    Program(polyfit_loss, (np.array([0.5, -0.2, 1.0]), np.linspace(-1, 1, 7),
                           rng.normal(size=7)), 0),
    Program(pairwise_energy, (np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.3], [1.2, 1.0]]),
                              np.array([1.0, 0.8, 1.2, 0.9])), (0, 1), ("enumerate", "zip")),
    Program(activations_loss, (rng.normal(size=4), np.array([0.5, -0.3, 0.8])), (0, 1),
            ("lambda", "map", "list literal")),
    Program(black_scholes_call, (100.0, 95.0, 0.02, 0.25, 0.75), (0, 1, 2, 3, 4)),
    Program(unrolled_descent, (0.1, np.zeros(3), X3, Y8), (0, 1)),
    Program(cumulative_max_drawdown, (0.1 * rng.normal(size=8),), 0, dual=False),
]
