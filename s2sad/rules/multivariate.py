"""The multivariate distributions of scipy.stats: dirichlet pdf and logpdf (in x and
alpha), multivariate_normal pdf and logpdf (in x, mean and cov) and entropy (in cov).

SciPy factors a covariance with `eigh`, which reads its lower triangle only: the value
is a function of `tril(cov) + tril(cov, -1).T`, whatever the upper triangle holds. The
derivative in cov follows what the value reads, so it is exact in every direction: an
adjoint nonzero in the lower triangle only (twice the symmetric gradient below the
diagonal), a tangent of the mirrored lower triangle. For a symmetric cov passed through
`0.5 * (c + c.T)` the chain rule gives the usual symmetric gradient. The densities reuse
their value (`pdf`'s derivative is `out` times `logpdf`'s). Loaded once the program imports
SciPy (base.OPTIONAL).
"""
import numpy as np
import scipy.stats as stats

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import times
from ..syntax.template import const
from .base import Add, Custom, known_ranks, register, total


# ---------------------------------------------------------------- dirichlet


def _dirichlet_kind(arg_kinds, consts):
    x, alpha = arg_kinds[:2] if len(arg_kinds) == 2 else (None, None)
    if x is None or not (x.is_array and alpha.is_array) or x.ndim not in (None, 1, 2) \
            or alpha.ndim not in (None, 1):
        raise UnsupportedError("scipy.stats.dirichlet is differentiated as pdf(x, alpha) or "
                               "logpdf(x, alpha): alpha a vector, x a vector of as many "
                               "entries (or a matrix of one column per point).")
    return K.UNKNOWN if x.ndim is None else (K.SCALAR if x.ndim == 1 else K.array(1))


def _dirichlet_adjoint(site, density):
    rank, _ = known_ranks(site, (0, 1), "scipy.stats.dirichlet")
    g = times(site.g, site.out) if density else site.g
    spread = "b" if rank == 1 else "b[:, None]"
    result = {}
    if site.active[0]:
        result[0] = Add(site.fill(f"g * ({spread} - 1) / a", g=g))
    if site.active[1]:
        text = ("g * (np.log(a) - digamma(b) + digamma(np.sum(b)))" if rank == 1 else
                "np.log(a) @ g - np.sum(g) * (digamma(b) - digamma(np.sum(b)))")
        result[1] = Add(site.fill(text, g=g))
    return result


def _dirichlet_tangent(site, density):
    rank, _ = known_ranks(site, (0, 1), "scipy.stats.dirichlet")
    dx, dalpha = site.dots[:2]
    spread = "b" if rank == 1 else "b[:, None]"
    terms = []
    if dx is not None:
        terms.append(site.fill(f"np.sum(d * ({spread} - 1) / a, axis=k)", d=dx, k=const(-rank)))
    if dalpha is not None:
        text = ("d @ (np.log(a) - digamma(b) + digamma(np.sum(b)))" if rank == 1 else
                "d @ (np.log(a) - (digamma(b) - digamma(np.sum(b)))[:, None])")
        terms.append(site.fill(text, d=dalpha))
    tangent = total(terms)
    return site.fill("t * out", t=tangent) if density else tangent


# ---------------------------------------------------------------- multivariate_normal


def _lower(cov):
    """The matrix SciPy reads of `cov`: its lower triangle, mirrored."""
    return np.tril(cov) + np.swapaxes(np.tril(cov, -1), -1, -2)


def _residuals(x, mean, cov):
    """The points' residuals `x - mean` (one row each), `inv(cov) @ residual` for each, and
    inv(cov), for the matrix SciPy reads."""
    cov = _lower(np.asarray(cov))
    d = cov.shape[-1]
    r = np.reshape(np.asarray(x) - mean, (-1, d))
    inverse = np.linalg.inv(cov)
    return r, r @ inverse, inverse


def mvn_adjoint_x(g, x, mean, cov):
    """The adjoint in x of multivariate_normal.logpdf: -g inv(cov) (x - mean), per point."""
    _, s, _ = _residuals(x, mean, cov)
    return np.reshape(-np.reshape(g, (-1, 1)) * s, np.shape(x))


def mvn_adjoint_mean(g, x, mean, cov):
    """The adjoint in mean: the sum over the points of g inv(cov) (x - mean)."""
    _, s, _ = _residuals(x, mean, cov)
    return np.reshape(np.reshape(g, (1, -1)) @ s, np.shape(mean))


def _onto_lower(m):
    """The adjoint of `m` (one for the matrix SciPy reads) in the cov passed: the lower
    triangle's entries appear twice in the matrix read, the upper ones not at all."""
    return np.tril(m + np.swapaxes(m, -1, -2)) - np.diag(np.diag(m))


def mvn_adjoint_cov(g, x, mean, cov):
    """The adjoint in cov: over the points, g (s s.T - inv(cov)) / 2 with s = inv(cov) (x -
    mean), onto the lower triangle SciPy reads."""
    _, s, inverse = _residuals(x, mean, cov)
    g = np.reshape(g, (-1,))
    return _onto_lower(0.5 * ((s.T * g) @ s - np.sum(g) * inverse))


def mvn_tangent(x, mean, cov, dx, dmean, dcov):
    """The tangent of multivariate_normal.logpdf, with tangents None where zero; each
    tangent may carry a leading axis of directions (then the result has it too)."""
    r, s, inverse = _residuals(x, mean, cov)
    shape = np.shape(x)[:-1] if np.ndim(x) > 1 else ()
    d = r.shape[-1]
    result = 0.0
    if dx is not None:
        result = result - np.sum(np.reshape(dx, np.shape(dx)[:np.ndim(dx) - np.ndim(x)]
                                            + (-1, d)) * s, axis=-1)
    if dmean is not None:
        result = result + (dmean @ s.T)
    if dcov is not None:
        read = _lower(dcov)
        trace = np.sum(inverse * np.swapaxes(read, -1, -2), axis=(-2, -1))
        quadratic = np.einsum("ni,...ij,nj->...n", s, read, s)
        result = result + 0.5 * (quadratic - np.expand_dims(trace, -1))
    result = np.asarray(result)
    leading = result.shape[:-1]
    return np.reshape(result, leading + shape)[()]


def entropy_adjoint_cov(g, cov):
    """The adjoint in cov of multivariate_normal.entropy: g inv(cov) / 2 onto the lower
    triangle SciPy reads."""
    return _onto_lower(0.5 * g * np.linalg.inv(_lower(cov)))


def entropy_tangent(cov, dcov):
    """trace(inv(cov) dcov) / 2 for the matrices SciPy reads; dcov may carry directions."""
    inverse = np.linalg.inv(_lower(cov))
    return 0.5 * np.sum(inverse.T * _lower(dcov), axis=(-2, -1))


def _mvn_kind(arg_kinds, consts):
    if len(arg_kinds) != 3:
        raise UnsupportedError("scipy.stats.multivariate_normal is differentiated as "
                               "pdf(x, mean, cov) or logpdf(x, mean, cov), all three "
                               "positional (allow_singular left False).")
    x, mean, cov = arg_kinds
    if not (x.is_array and mean.is_array and cov.is_array) or mean.ndim not in (None, 1) \
            or cov.ndim not in (None, 2):
        raise UnsupportedError("scipy.stats.multivariate_normal needs x an array of points "
                               "(the last axis their coordinates), mean a vector and cov a "
                               "matrix.")
    if x.ndim is None:
        return K.UNKNOWN
    return K.SCALAR if x.ndim == 1 else K.array(x.ndim - 1)


def _mvn_adjoint(site, density):
    g = times(site.g, site.out) if density else site.g
    helpers = (mvn_adjoint_x, mvn_adjoint_mean, mvn_adjoint_cov)
    return {position: Add(site.helper(helper, g, *site.args[:3], fresh=True))
            for position, helper in enumerate(helpers) if site.active[position]}


def _mvn_tangent(site, density):
    dots = [const(None) if dot is None else dot for dot in site.dots[:3]]
    tangent = site.helper(mvn_tangent, *site.args[:3], *dots, fresh=True)
    return site.fill("t * out", t=tangent) if density else tangent


def _entropy_kind(arg_kinds, consts):
    if len(arg_kinds) != 2 or not arg_kinds[1].is_array or arg_kinds[1].ndim not in (None, 2):
        raise UnsupportedError("scipy.stats.multivariate_normal.entropy is differentiated as "
                               "entropy(mean, cov), cov a matrix.")
    return K.SCALAR


def _entropy_adjoint(site):
    return {1: Add(site.helper(entropy_adjoint_cov, site.g, site.args[1], fresh=True))}


def _entropy_tangent(site):
    return site.helper(entropy_tangent, site.args[1], site.dots[1], fresh=True)


def _both(name, kind, adjoint, tangent, positions, doc, method):
    """The logpdf row and the pdf row (the same derivative times the density). Naming the
    parameters refuses any other keyword (`allow_singular=True`)."""
    names = ("x", "alpha") if len(positions) == 2 else ("x", "mean", "cov")
    for density, prefix in ((False, "log"), (True, "")):
        register(Custom(f"scipy.stats.{name}.{prefix}pdf", kind,
                        lambda site, density=density: adjoint(site, density),
                        lambda site, density=density: tangent(site, density), positions,
                        names=names, doc=("out times logpdf's: " if density else "") + doc),
                 getattr(method, f"{prefix}pdf"))


_both("dirichlet", _dirichlet_kind, _dirichlet_adjoint, _dirichlet_tangent, (0, 1),
      "in x (alpha - 1) / x, in alpha log(x) - digamma(alpha) + digamma(sum(alpha)); x "
      "inside the simplex (SciPy checks that it sums to 1, so differentiate through a "
      "normalisation, `x / np.sum(x)`), as many entries as alpha, or a matrix of one "
      "column per point", stats.dirichlet)
_both("multivariate_normal", _mvn_kind, _mvn_adjoint, _mvn_tangent, (0, 1, 2),
      "in x -inv(cov) (x - mean), in mean its negative, in cov (s s.T - inv(cov)) / 2 "
      "with s = inv(cov) (x - mean), onto the lower triangle SciPy reads (exact for a "
      "non-symmetric cov too); cov positive definite (allow_singular left False)",
      stats.multivariate_normal)
register(Custom("scipy.stats.multivariate_normal.entropy", _entropy_kind,
                _entropy_adjoint, _entropy_tangent, (1,), names=("mean", "cov"),
                constants=(0,),
                doc="in cov inv(cov) / 2 onto the lower triangle SciPy reads; "
                    "independent of mean"), stats.multivariate_normal.entropy)
