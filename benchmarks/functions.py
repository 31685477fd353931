"""The benchmark functions, written as a user would write them: floats and `math`, or
NumPy, with no trace of differentiation. s2sad differentiates them from this source, and
the peers run this same code with `math` and `np` rebound to their own modules (see
peers.py), so every column differentiates one program.
"""
import math

import numpy as np


def griewank_walther(x1, x2):
    """Seed 000: f(x1, x2) = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]."""
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def logistic_map(x, n):
    """`n` steps of the logistic map; each overwrites `x`, which its derivative needs."""
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def loop_sum_of_squares(x):
    """Seed 000's sum of squares as a Python loop over the elements."""
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


def rosenbrock(x):
    """The n-dimensional Rosenbrock function, vectorized with slices."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def logistic_nll(w, X, y):
    """Mean negative log-likelihood of labels y in {0, 1} under P(y = 1) = sigmoid(X w)."""
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def mlp_nll(W, b, v, c, X, y):
    """Seed 001's network with one hidden layer of tanh units and a logistic output:
    NLL = sum_i log(1 + exp(-s_i (tanh(x_i W + b) . v + c))), s_i = 2 y_i - 1."""
    hidden = np.tanh(X @ W + b)
    score = hidden @ v + c
    return np.sum(np.logaddexp(0.0, -(2 * y - 1) * score))


def elman(W, U, b, V, x, z):
    """Seed 000's Elman network: h_t = tanh(x_t W + h_{t-1} U + b), y_t = sigmoid(h_t V),
    L = 1/2 sum_t |y_t - z_t|^2, differentiated by back-propagation through time."""
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U + b)
        y = 1.0 / (1.0 + np.exp(-(h @ V)))
        loss += 0.5 * np.sum((y - z[t]) ** 2)
    return loss


def gp_nll(log_params, X, y):
    """Negative log marginal likelihood of a Gaussian process with a squared-exponential
    kernel, through the Cholesky factor of its covariance; `log_params` holds the logs
    of the length scale, the signal variance and the noise variance."""
    length, signal, noise = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    squared = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = signal * np.exp(-0.5 * squared / length ** 2) + noise * np.eye(len(y))
    L = np.linalg.cholesky(K)
    z = np.linalg.solve(L, y)
    return 0.5 * (z @ z) + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * np.log(2 * np.pi)


def power_spectrum_loss(x, target):
    """Mean squared error between the power spectra of the signals (rows of `x`) and a
    target spectrum: real signals, complex intermediates, a real loss."""
    spectrum = np.abs(np.fft.fft(x, axis=-1)) ** 2
    return np.sum((spectrum - target) ** 2) / x.size
