"""The scipy.stats distributions beyond the table (tests/rules/cases_stats.py): however the
method is reached (`scipy.stats.norm.pdf`, `from scipy.stats import norm`, `stats.t`),
keyword arguments and defaults, calls inside loops, branches and helpers, the refusals
(the cdf in a shape parameter, unknown or repeated keywords), and a realistic use: a
Student-t and a gamma log-likelihood fitted in their parameters, the gradient checked in
both modes against central differences along the way.
"""
import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from scipy import stats
from scipy.stats import beta, gamma, norm, t

import s2sad
from rulecheck import check_grad, check_vjp
from util import assert_close, numeric_grad, numeric_jvp

X = np.random.default_rng(0).normal(size=5)
POSITIVE = np.random.default_rng(1).uniform(0.5, 3.0, size=5)
UNIT = np.random.default_rng(2).uniform(0.2, 0.8, size=5)


def by_module(x, mu, s):
    return np.sum(scipy.stats.norm.logpdf(x, mu, s))


def by_name(x, mu, s):
    return np.sum(norm.logpdf(x, loc=mu, scale=s))


def by_submodule(x, mu, s):
    return np.sum(stats.norm.pdf(x, mu, scale=s) + stats.norm.cdf(x, loc=mu))


def defaults(x, mu, s):
    return np.sum(norm.logcdf(x) + norm.pdf(x, mu) + norm.cdf((x - mu) / s))


def shape_by_keyword(x, nu, s):
    return np.sum(t.logpdf(x, df=nu, scale=s) + t.cdf(x, 3.0, scale=s))


def gamma_keywords(x, a, s):
    return np.sum(gamma.logpdf(x, a, scale=s) + gamma.pdf(x, a=a, loc=0.1))


def beta_keywords(x, a, b):
    return np.sum(beta.logpdf(x, a=a, b=b) + beta.cdf(x, 2.0, b=2.5, scale=1.2))


@pytest.mark.parametrize("fn, args", [
    (by_module, (X, 0.3, 1.4)), (by_name, (X, 0.3, 1.4)), (by_submodule, (X, 0.3, 1.4)),
    (defaults, (X, 0.3, 1.4)), (shape_by_keyword, (X, 4.5, 1.2)),
    (gamma_keywords, (POSITIVE, 2.5, 1.3)), (beta_keywords, (UNIT, 1.5, 2.5))],
    ids=lambda value: getattr(value, "__name__", ""))
def test_forms_of_call(fn, args):
    check_grad(fn, args, (0, 1, 2))


def normal_density(x, m, s):
    return norm.logpdf(x, m, s)


def t_probability(x, m, s):
    return t.cdf(x, 4, m, s)


def test_parameters_broadcast_against_x():
    means = np.array([[0.1], [0.4]])
    scales = np.array([0.8, 1.1, 1.5, 0.9, 1.2])
    check_vjp(normal_density, (X, means, scales), (0, 1, 2))
    check_vjp(t_probability, (X, means, 1.3), (0, 1, 2))


def in_loop(x, mu, s):
    total = 0.0
    for k in range(3):
        total = total + np.sum(gamma.logpdf(x, 1.5 + k * mu, scale=s))
    return total


def in_branch(x, mu, s):
    if mu > 0.0:
        return np.sum(t.logpdf(x, 5.0, mu, s))
    return np.sum(norm.logpdf(x, mu, s))


def helper(x, mu, s):
    return np.sum(norm.logcdf(x, mu, s))


def calls_helper(x, mu, s):
    return helper(x, mu, s) * helper(x, 2.0 * mu, s)


@pytest.mark.parametrize("fn", [in_loop, in_branch, calls_helper], ids=lambda f: f.__name__)
def test_in_loops_branches_and_helpers(fn):
    check_grad(fn, (POSITIVE, 0.4, 1.3), (0, 1, 2))
    if fn is in_branch:
        check_grad(fn, (POSITIVE, -0.4, 1.3), (0, 1, 2))


def gamma_cdf(x, a):
    return np.sum(gamma.cdf(x, a))  # the line of the refusal


def t_logcdf(x, nu):
    return np.sum(t.logcdf(x, df=nu))


def beta_cdf(x, b):
    return np.sum(beta.cdf(x, 2.0, b))


@pytest.mark.parametrize("fn, parameter, name", [
    (gamma_cdf, "a", "gamma.cdf"), (t_logcdf, "df", "t.logcdf"), (beta_cdf, "b", "beta.cdf")])
def test_cdf_in_a_shape_parameter_is_refused(fn, parameter, name):
    """No closed form: an error naming the function and the parameter, at the line, in
    both modes; the other arguments still differentiate."""
    args = (POSITIVE if fn is not beta_cdf else UNIT, 2.5)
    pattern = rf"test_stats\.py:\d+: the derivative of `scipy\.stats\.{name}` in " \
              rf"`{parameter}` is not supported"
    with pytest.raises(s2sad.UnsupportedError, match=pattern):
        s2sad.grad(fn, wrt=1)(*args)
    with pytest.raises(s2sad.UnsupportedError, match=pattern):
        s2sad.jvp(fn, wrt=(0, 1))(*args, (np.ones(5), 1.0))
    check_grad(fn, args, 0)


def unknown_keyword(x):
    return np.sum(norm.pdf(x, mean=1.0))


def repeated(x):
    return np.sum(norm.pdf(x, 0.0, loc=1.0))


def missing_shape(x):
    return np.sum(t.pdf(x, scale=2.0))


def quantile(x):
    return np.sum(norm.ppf(x))


@pytest.mark.parametrize("fn, message", [
    (quantile, r"no derivative rule for `norm\.ppf`, a method of SciPy's `norm_gen` object.*"
               r"s2sad\.defrule\(norm\.ppf, partials="),
    (unknown_keyword, r"keyword argument `mean=`.*`norm\.pdf` takes x, loc, scale"),
    (repeated, r"`loc` given twice"),
    (missing_shape, r"a call without `df`.*Pass `df`")])
def test_bad_calls_are_located_errors(fn, message):
    with pytest.raises(s2sad.UnsupportedError, match=r"test_stats\.py:\d+: .*" + message):
        s2sad.grad(fn)(X)


def probability(x, mu):
    return np.sum(norm.cdf(x, mu))


def standard_density(x):
    return np.sum(norm.logpdf(x))


def test_generated_code_calls_the_distribution():
    """The cdf's partials call the pdf, through the module the function reads; a
    parameter left out is its default, folded away where it can be."""
    adjoint = s2sad.source(probability, X, 0.3)
    assert "stats.norm.pdf(x, mu, 1.0)" in adjoint, adjoint
    tangent = s2sad.source(standard_density, X, mode="forward")
    assert "t1_dot = -(x_dot * x)" in tangent, tangent


# ---------------------------------------------------------------- likelihoods, fitted

DATA = 0.7 + 1.3 * np.random.default_rng(7).standard_t(4.0, size=60)
WAITS = np.random.default_rng(8).gamma(2.5, 1.7, size=60)


def student_t_nll(theta, x):
    """-log likelihood of x under a Student-t with location, log scale and log df."""
    mu, log_s, log_nu = theta[0], theta[1], theta[2]
    return -np.sum(t.logpdf(x, np.exp(log_nu), loc=mu, scale=np.exp(log_s)))


def gamma_nll(theta, x):
    shape, scale = np.exp(theta[0]), np.exp(theta[1])
    return -np.sum(gamma.logpdf(x, shape, scale=scale))


@pytest.mark.parametrize("nll, start, data", [
    (student_t_nll, np.array([0.0, 0.0, 1.0]), DATA),
    (gamma_nll, np.array([0.0, 0.0]), WAITS)], ids=["student_t", "gamma"])
def test_likelihood_fit(nll, start, data):
    gradient = s2sad.grad(nll)
    tangent = s2sad.jvp(nll)
    seen = []

    def checked(theta, data):
        g = gradient(theta, data)
        if len(seen) < 4:  # the gradient along the way, in both modes
            assert_close(g, numeric_grad(nll, (theta, data), 0))
            direction = np.linspace(-1.0, 1.0, theta.size)
            assert_close(tangent(theta, data, direction)[1],
                         numeric_jvp(nll, (theta, data), 0, (direction,)))
            assert_close(tangent(theta, data, direction)[1], g @ direction)
        seen.append(theta)
        return g

    fit = scipy.optimize.minimize(nll, start, args=(data,), jac=checked, method="BFGS")
    assert fit.success
    assert np.max(np.abs(gradient(fit.x, data))) < 1e-4
    assert len(seen) >= 4


def cdf_terms(theta, x):
    return np.sum(norm.logcdf(x, theta[0], np.exp(theta[1])) + gamma.cdf(x + 3.0, 2.0, theta[0]))


@pytest.mark.parametrize("fn, theta", [(student_t_nll, np.array([0.1, 0.2, 1.0])),
                                       (cdf_terms, np.array([0.1, 0.2]))],
                         ids=["student_t", "cdf_terms"])
def test_hessian(fn, theta):
    """The partials call the distributions' own methods and special functions that have
    rows, so the derivative is differentiated again: the Hessian against central
    differences of the gradient."""
    gradient = s2sad.grad(fn)
    columns = [numeric_grad(lambda v: float(gradient(v, DATA[:8]) @ e), (theta,))
               for e in np.eye(theta.size)]
    assert_close(s2sad.hessian(fn)(theta, DATA[:8]), np.array(columns), rtol=1e-5, atol=1e-6)


def test_every_access_of_a_method_finds_its_row():
    """`scipy.stats.norm.pdf` makes a new bound method at each access; they compare and
    hash equal (same object, same function), so the table keyed by one finds them all,
    and a method of another distribution does not."""
    from s2sad import rules
    assert scipy.stats.norm.pdf is not scipy.stats.norm.pdf
    assert rules.lookup(scipy.stats.norm.pdf) is rules.lookup(norm.pdf) is not None
    assert rules.lookup(scipy.stats.t.pdf) is not rules.lookup(norm.pdf)
    assert rules.lookup(scipy.stats.norm.ppf) is None


def too_few(x):
    return np.sum(t.pdf(x))


def test_too_few_arguments():
    with pytest.raises(s2sad.UnsupportedError, match=r"test_stats\.py:\d+: `scipy\.stats\.t\."
                       r"pdf` takes x, df, loc, scale; pass at least the first 2"):
        s2sad.grad(too_few)(X)
