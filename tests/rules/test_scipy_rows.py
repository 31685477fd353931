"""SciPy's rows beyond the table test (tests/rules/cases_bessel.py, cases_incomplete.py,
cases_distributions.py, cases_signals.py, cases_matrix_functions.py): the refusals (an
order, a shape or a df that depends on the input, arguments the rules do not read, a
complex square root, odeint), the points the docs name, and the rows inside loops,
branches and helper functions in both modes.
"""
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.signal
import scipy.special
import scipy.stats

import s2sad
from rulecheck import check_grad, check_vjp
from scipy.linalg import sqrtm
from scipy.special import jn
from scipy.stats import multivariate_normal as mvn
from scipy.stats import norm
from util import assert_close, numeric_grad

# ---------------------------------------------------------------- refusals

# body (a function of x), what the error names; the error is at the call's line
REFUSED = [
    ("np.sum(scipy.special.jv(x, 2.0))", "in `v`"),
    ("np.sum(scipy.special.jn(x[0], x))", "in `v`"),
    ("np.sum(scipy.special.yn(x, 2.0))", "in `n`"),
    ("np.sum(scipy.special.yv(x, 2.0))", "in `v`"),
    ("np.sum(scipy.special.gammainc(x, 2.0))", "in `a`"),
    ("np.sum(scipy.special.gammaincc(x, 2.0))", "in `a`"),
    ("np.sum(scipy.special.betainc(2.0, x, 0.5))", "in `b`"),
    ("np.sum(scipy.special.betainc(x, 2.0, 0.5))", "in `a`"),
    ("np.sum(scipy.stats.chi2.cdf(1.5, x))", "in `df`"),
    ("np.sum(scipy.stats.chi2.pdf(x, 2.0, 0.5))", "takes x, df"),
    ("np.sum(scipy.stats.chi2.logpdf(x, loc=0.5))", "`loc=`"),
    ("np.sum(scipy.stats.poisson.pmf(2, x, 1))", "takes k, mu"),
    ("np.sum(scipy.stats.multivariate_normal.logpdf(x, np.zeros(2), np.eye(2), "
     "allow_singular=True))", "allow_singular"),
    ("np.sum(scipy.stats.multivariate_normal.logpdf(x, np.zeros(2)))", "all three"),
    ("np.sum(scipy.signal.convolve(x, np.ones((2, 2))))", "same number of axes"),
    ("np.sum(scipy.linalg.sqrtm(x))", "square matrix"),
    ("np.sum(scipy.linalg.solve_banded((1, 1), np.ones((3, 2)), x, check_finite=False))",
     "check_finite"),
    ("np.sum(scipy.integrate.odeint(np.subtract, x, np.linspace(0.0, 1.0, 3)))",
     "write the integrator as a loop"),
]


@pytest.mark.parametrize("body, names", REFUSED)
def test_refused_at_the_call(gen, body, names):
    fn = gen("x", body)
    with pytest.raises(s2sad.UnsupportedError, match=re.escape(names)) as error:
        s2sad.grad(fn)(np.array([0.7, 1.3]))
    message = str(error.value)
    assert re.search(r"s2sad_rule_case_\d+\.py:\d+", message), message
    with pytest.raises(s2sad.UnsupportedError, match=re.escape(names)):
        s2sad.jvp(fn)(np.array([0.7, 1.3]), np.ones(2))


def test_differentiated_order_says_what_to_do(gen):
    fn = gen("x", "np.sum(scipy.special.gammainc(x, x))")
    with pytest.raises(s2sad.UnsupportedError, match="compute `a` from values that do not "
                                                     "depend on the differentiated input"):
        s2sad.grad(fn)(np.array([0.7, 1.3]))


def test_a_constant_order_computed_from_integers_is_fine(gen):
    fn = gen("x, n", "np.sum(scipy.special.jn(n + 1, x) * scipy.special.yn(n, x))")
    check_grad(fn, (np.array([0.7, 1.3, 2.5]), 2))


def test_complex_square_root_is_an_error(gen):
    fn = gen("a", "np.sum(scipy.linalg.sqrtm(a))")
    negative = np.array([[-2.0, 0.3], [0.1, 1.0]])
    with pytest.raises(ValueError, match="complex square root"):
        s2sad.grad(fn)(negative)


# ---------------------------------------------------------------- the points the docs name


def test_j1_at_zero_has_the_recurrence_derivative(gen):
    fn = gen("x", "scipy.special.j1(x)")
    assert s2sad.grad(fn)(0.0) == pytest.approx(0.5)
    assert s2sad.jvp(fn)(0.0, 1.0)[1] == pytest.approx(0.5)


def test_gammainc_at_zero(gen):
    """At x == 0 the partial x ** (a - 1) e ** -x / gamma(a) is 1 for a == 1, 0 above."""
    fn = gen("x", "scipy.special.gammainc(1.0, x) + scipy.special.gammainc(2.5, x)")
    assert s2sad.grad(fn)(0.0) == pytest.approx(1.0)
    betainc = gen("x", "scipy.special.betainc(1.0, 1.0, x) + scipy.special.betainc(2.0, 2.0, x)")
    assert s2sad.grad(betainc)(0.0) == pytest.approx(1.0)
    assert s2sad.grad(betainc)(1.0) == pytest.approx(1.0)


def test_ive_and_rgamma_on_negative_arguments(gen):
    check_grad(gen("x", "np.sum(scipy.special.ive(1, x) * scipy.special.ive(2, -x))"),
               (np.array([-1.5, -0.4, 0.3, 2.0]),), dtype=False)
    check_grad(gen("x", "np.sum(scipy.special.rgamma(x))"), (np.array([-2.5, -1.3, -0.4]),))


def test_logsf_far_in_the_tail(gen):
    """exp(logpdf - logsf) stays finite where sf underflows: about x for large x."""
    fn = gen("x", "scipy.stats.norm.logsf(x)")
    assert s2sad.grad(fn)(40.0) == pytest.approx(-40.0, rel=1e-3)


def test_poisson_cdf_between_integers(gen):
    """cdf(k) for a non-integer k is cdf(floor(k)): the partial is -pmf(floor(k), mu)."""
    fn = gen("mu", "scipy.stats.poisson.cdf(2.5, mu)")
    assert_close(s2sad.grad(fn)(1.7), numeric_grad(fn, (1.7,), 0))


def test_cov_gradient_lies_in_the_lower_triangle(gen):
    """SciPy reads the lower triangle of cov: the upper one has gradient exactly 0."""
    fn = gen("c", "scipy.stats.multivariate_normal.logpdf(np.ones(3), np.zeros(3), c)")
    a = np.random.default_rng(1).uniform(-1.0, 1.0, (3, 3))
    cov = a @ a.T + 3 * np.eye(3)
    cov[0, 2] += 0.5  # not symmetric: the value ignores it
    got = s2sad.grad(fn)(cov)
    assert not np.any(np.triu(got, 1))
    assert_close(got, numeric_grad(fn, (cov,), 0))


# ---------------------------------------------------------------- spellings


def imported_names(x, cov):
    """The rows found through names imported from SciPy's modules, and an alias: a bound
    method equals the one the table is keyed by; a keyword moves to its position."""
    return np.sum(norm.sf(x, scale=1.5) * jn(1, x)) + mvn.logpdf(x, np.zeros(3), sqrtm(cov))


def module_paths(x, cov):
    return (np.sum(scipy.stats.norm.sf(x, 0.0, 1.5) * scipy.special.jv(1, x))
            + scipy.stats.multivariate_normal.logpdf(x, np.zeros(3), scipy.linalg.sqrtm(cov)))


def test_spellings_find_the_same_rows():
    a = np.random.default_rng(2).uniform(-1.0, 1.0, (3, 3))
    args = (np.array([0.4, 1.1, 1.9]), a @ a.T + 3 * np.eye(3))
    check_grad(imported_names, args, (0, 1))
    assert_close(s2sad.grad(imported_names, wrt=(0, 1))(*args),
                 s2sad.grad(module_paths, wrt=(0, 1))(*args), rtol=1e-12, atol=0)


# ---------------------------------------------------------------- inside loops, branches, helpers


def smooth(x):
    return scipy.special.j0(x) + scipy.special.gammainc(2.0, x * x)


def in_loop(x):
    total = 0.0
    for k in range(3):
        total = total + np.sum(smooth(x + k) * scipy.stats.norm.logsf(x, 0.5, 1.5))
    return total


def in_branch(x):
    if np.sum(x) > 0:
        y = scipy.stats.chi2.logpdf(x * x + 0.5, 3.0)
    else:
        y = scipy.special.iv(1, x) * scipy.stats.poisson.logpmf(2, x * x + 1.0)
    return np.sum(y)


def filtered(a, b):
    return scipy.signal.convolve(a, b, "same")


def in_helper(a, b):
    y = a
    for _ in range(2):
        y = np.tanh(filtered(y, b))
    return np.sum(y * y)


def sylvester_loop(a, q):
    x = q
    for _ in range(2):
        x = scipy.linalg.solve_sylvester(a, a.T, x) + scipy.linalg.sqrtm(a @ a.T)
    return np.sum(x)


def mvn_mixture(x, means, cov):
    total = 0.0
    for k in range(means.shape[0]):
        total = total + scipy.stats.multivariate_normal.pdf(x, means[k], cov)
    return np.log(total)


def test_in_loops_branches_and_helpers():
    rng = np.random.default_rng(4)
    x = rng.uniform(0.3, 1.5, 4)
    check_grad(in_loop, (x,))
    check_grad(in_branch, (x,))
    check_grad(in_branch, (-x,))
    check_grad(in_helper, (rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (2, 2))), (0, 1))
    a = 3 * np.eye(3) + 0.3 * rng.uniform(-1, 1, (3, 3))
    check_grad(sylvester_loop, (a, rng.uniform(-1, 1, (3, 3))), (0, 1))
    check_grad(mvn_mixture, (rng.uniform(-1, 1, 2), rng.uniform(-1, 1, (3, 2)),
                             np.array([[1.5, 0.2], [0.2, 0.8]])), (0, 1, 2))
    check_vjp(lambda_free_banded, (np.array([[0.0, 0.5, 0.2], [3.0, 3.5, 4.0]]),
                                  rng.uniform(-1, 1, 3)), (0, 1))


def lambda_free_banded(ab, b):
    y = b
    for _ in range(2):
        y = scipy.linalg.solve_banded((0, 1), ab, y)
    return y


def test_s2sad_runs_without_scipy(tmp_path):
    """With SciPy unimportable, s2sad imports, differentiates, and lists no SciPy row."""
    code = ("import sys\n"
            "for name in ('scipy', 'scipy.special', 'scipy.stats', 'scipy.signal',\n"
            "             'scipy.linalg', 'scipy.integrate'):\n"
            "    sys.modules[name] = None\n"
            "import numpy as np, s2sad\n"
            "from s2sad.rules import catalog\n"
            "assert 'scipy' not in catalog.markdown().split('## Operators')[1]\n"
            "from s2sad_plain import square\n"
            "assert s2sad.grad(square)(3.0) == 6.0\n")
    (tmp_path / "s2sad_plain.py").write_text("def square(x):\n    return x * x\n")
    root = pathlib.Path(s2sad.__file__).parent.parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(tmp_path)]))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- second derivatives


def bessels(x):
    return np.sum(scipy.special.j0(x) * scipy.special.y1(x) + scipy.special.jv(2, x)
                  + scipy.special.iv(1, x) * scipy.special.ive(0, x) + scipy.special.rgamma(x))


def counts(mu):
    return np.sum(scipy.stats.poisson.cdf(2, mu) + scipy.stats.chi2.pdf(mu, 3.0)
                  + scipy.stats.poisson.logpmf(1, mu))


def filtered_twice(x):
    return np.sum(scipy.signal.convolve(x, x) ** 2)


@pytest.mark.parametrize("fn", [bessels, counts])
def test_second_derivatives(fn):
    """The partials call functions with rows of their own: the Hessian of each, against
    central differences of the gradient."""
    x = np.array([0.6, 1.3, 2.2])
    hessian = s2sad.hessian(fn)(x)
    rows = [numeric_grad(lambda y, k=k: s2sad.grad(fn)(y)[k], (x,), 0) for k in range(3)]
    assert_close(hessian, np.array(rows), rtol=1e-5, atol=1e-6)


def test_second_derivative_through_a_helper_is_refused():
    with pytest.raises(s2sad.UnsupportedError, match=r"test_scipy_rows\.py:\d+.*"
                                                     r"convolve_adjoint_a"):
        s2sad.hessian(filtered_twice)(np.array([0.6, 1.3, 2.2]))
