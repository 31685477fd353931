"""Filters: Kalman filter likelihoods, exponential smoothing, an IIR filter."""
import math

import numpy as np

from .program import Program

rng = np.random.default_rng(2)


def local_level_loglik(q, r, ys):
    """The Kalman filter of a random walk observed in noise: its log-likelihood."""
    m, p = 0.0, 10.0
    loglik = 0.0
    for t in range(len(ys)):
        p = p + q
        s = p + r
        v = ys[t] - m
        loglik = loglik - 0.5 * (math.log(2 * math.pi * s) + v * v / s)
        k = p / s
        m = m + k * v
        p = (1 - k) * p
    return loglik


def kalman_predictions(q, r, ys):
    """The same filter, keeping the one-step predictions and their variances in lists."""
    m, p = 0.0, 10.0
    means = []
    variances = []
    for y in ys:
        p = p + q
        means.append(m)
        variances.append(p + r)
        k = p / (p + r)
        m = m + k * (y - m)
        p = (1 - k) * p
    nll = 0.0
    for mean, var, y in zip(means, variances, ys):
        nll += 0.5 * (np.log(2 * np.pi * var) + (y - mean) ** 2 / var)
    return nll


def tracking_loglik(log_q, log_r, zs):
    """A constant-velocity Kalman filter in 2-D (matrices), tuned by its log noise levels."""
    dt = 0.1
    F = np.array([[1.0, dt], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = np.exp(log_q) * np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]])
    R = np.exp(log_r) * np.eye(1)
    x = np.zeros(2)
    P = np.eye(2)
    total = 0.0
    for t in range(zs.shape[0]):
        x = F @ x
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        innovation = zs[t] - H @ x
        S_inv = np.linalg.inv(S)
        total = total - 0.5 * (np.log(np.linalg.det(S)) + innovation @ S_inv @ innovation)
        K = P @ H.T @ S_inv
        x = x + K @ innovation
        P = (np.eye(2) - K @ H) @ P
    return total


def smoothing_sse(alpha, ys):
    """Simple exponential smoothing: the sum of squared one-step forecast errors."""
    level = ys[0]
    sse = 0.0
    for t in range(1, len(ys)):
        error = ys[t] - level
        sse = sse + error * error
        level = alpha * ys[t] + (1 - alpha) * level
    return sse


def holt_sse(params, ys):
    """Holt's linear trend method with its smoothing weights in a dict."""
    level, trend = ys[0], ys[1] - ys[0]
    sse = 0.0
    for y in ys[1:]:
        forecast = level + trend
        sse += (y - forecast) ** 2
        new_level = params["alpha"] * y + (1 - params["alpha"]) * forecast
        trend = params["beta"] * (new_level - level) + (1 - params["beta"]) * trend
        level = new_level
    return sse


def iir_energy(b, a, x):
    """A direct-form-I IIR filter y[n] = sum b x[n-k] - sum a y[n-k]; the output energy."""
    y = np.zeros(len(x))
    for n in range(len(x)):
        acc = 0.0
        for k in range(len(b)):
            if n - k >= 0:
                acc = acc + b[k] * x[n - k]
        for k in range(1, len(a)):
            if n - k >= 0:
                acc = acc - a[k] * y[n - k]
        y[n] = acc / a[0]
    return np.sum(y ** 2)


YS = np.cumsum(0.3 * rng.normal(size=12)) + 0.5 * rng.normal(size=12)
ZS = np.cumsum(0.2 * rng.normal(size=(8, 1)), axis=0) + 0.1 * rng.normal(size=(8, 1))
TREND = 1.0 + 0.2 * np.arange(10) + 0.1 * rng.normal(size=10)

PROGRAMS = [
    Program(local_level_loglik, (0.3, 0.5, YS), (0, 1)),
    Program(kalman_predictions, (0.3, 0.5, YS), (0, 1), ("list append", "zip")),
    Program(tracking_loglik, (-1.0, -2.0, ZS), (0, 1), dual=False),
    Program(smoothing_sse, (0.4, YS), 0),
    Program(holt_sse, ({"alpha": 0.5, "beta": 0.3}, TREND), 0, ("dict of parameters",)),
    Program(iir_energy, (np.array([0.2, 0.3, 0.2]), np.array([1.0, -0.5, 0.2]),
                         rng.normal(size=10)), (0, 1)),
]
