"""Statistical models: likelihoods of Gaussian processes, mixtures and regressions."""
import math
from collections import namedtuple

import numpy as np

from .program import Program

rng = np.random.default_rng(4)


def rbf_kernel(X, log_ell, log_sf):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return np.exp(2 * log_sf) * np.exp(-0.5 * sq / np.exp(2 * log_ell))


def gp_nll(log_ell, log_sf, log_sn, X, y):
    """The negative log marginal likelihood of a GP, by solve and slogdet."""
    K = rbf_kernel(X, log_ell, log_sf) + np.exp(2 * log_sn) * np.eye(len(y))
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ alpha + 0.5 * logdet + 0.5 * len(y) * np.log(2 * np.pi)


def gp_nll_inverse(log_ell, log_sf, log_sn, X, y):
    """The same likelihood by an explicit inverse and determinant."""
    K = rbf_kernel(X, log_ell, log_sf) + np.exp(2 * log_sn) * np.eye(len(y))
    K_inv = np.linalg.inv(K)
    return 0.5 * y @ K_inv @ y + 0.5 * np.log(np.linalg.det(K))


def normal_logpdf(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


def mixture_loglik(means, log_sigmas, logits, x):
    """A 1-D Gaussian mixture: per-component log densities by a comprehension."""
    log_weights = logits - np.log(np.sum(np.exp(logits)))
    comps = [lw + normal_logpdf(x, m, np.exp(ls))
             for lw, m, ls in zip(log_weights, means, log_sigmas)]
    stacked = np.stack(comps)
    top = np.max(stacked, axis=0)
    return np.sum(top + np.log(np.sum(np.exp(stacked - top), axis=0)))


def poisson_nll(beta, X, counts):
    """Poisson regression with a log link (without the constant log(y!))."""
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta)


def student_t_loglik(nu, mu, log_scale, x):
    scale = math.exp(log_scale)
    z = (x - mu) / scale
    n = len(x)
    const = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    return n * (const - log_scale) - (nu + 1) / 2 * np.sum(np.log1p(z * z / nu))


Prior = namedtuple("Prior", ["mu", "tau"])


def ridge_posterior(w, X, y, prior, noise):
    """A log posterior with the prior's parameters in a namedtuple."""
    resid = y - X @ w
    loglik = -0.5 * np.sum(resid ** 2) / noise ** 2
    logprior = -0.5 * np.sum((w - prior.mu) ** 2) / prior.tau ** 2
    return -(loglik + logprior)


X2 = rng.uniform(-2, 2, size=(7, 2))
Y7 = np.sin(X2[:, 0]) + 0.3 * X2[:, 1] + 0.1 * rng.normal(size=7)
XP = np.column_stack([np.ones(8), rng.normal(size=(8, 2))])
COUNTS = np.array([1.0, 0, 3, 2, 1, 4, 0, 2])
SAMPLE = np.concatenate([rng.normal(-1.0, 0.5, 6), rng.normal(1.5, 0.7, 6)])

PROGRAMS = [
    Program(gp_nll, (0.2, 0.1, -1.0, X2, Y7), (0, 1, 2), dual=False),
    Program(gp_nll_inverse, (0.2, 0.1, -1.0, X2, Y7), (0, 1, 2), dual=False),
    Program(mixture_loglik, (np.array([-1.0, 1.2]), np.array([-0.5, -0.3]),
                             np.array([0.1, -0.2]), SAMPLE), (0, 1, 2),
            ("list comprehension", "zip")),
    Program(poisson_nll, (np.array([0.2, 0.3, -0.1]), XP, COUNTS), 0),
    Program(student_t_loglik, (4.0, 0.2, -0.1, SAMPLE), (0, 1, 2), dual=False),
    Program(ridge_posterior, (rng.normal(size=3), XP, rng.normal(size=8), Prior(0.1, 2.0), 0.8),
            (0, 3, 4), ("namedtuple",)),
]
