"""SciPy's special functions beyond the table (tests/rules/cases_special.py): the names a
program reaches them by (`from scipy.special import erf`, `sp.psi`), calls inside loops,
branches and helpers, the refusals of logsumexp, the generated code (partials call
SciPy by the function's own name for the module), and s2sad without SciPy: nothing
breaks, and a user's rule given before SciPy's rows load is kept.
"""
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.special
from scipy import special as sp
from scipy.special import digamma, erf, expit, gammaln, logsumexp, softmax

import s2sad
from rulecheck import check_grad, check_vjp
from util import assert_close, numeric_grad

X = np.random.default_rng(0).uniform(0.5, 2.5, size=(2, 3))


def by_name(x):
    return np.sum(erf(x) * gammaln(x) + digamma(x + 1.0))


def by_alias(x):
    return np.sum(sp.psi(x) * sp.i1(x) + sp.i0e(x))


def in_loop(x):
    total = 0.0
    for k in range(3):
        total = total + np.sum(expit(x * k) * scipy.special.log_ndtr(x - k))
    return total


def in_branch(x):
    if np.sum(x) > 0.0:
        return np.sum(sp.xlogy(x, x + 1.0))
    return np.sum(sp.betaln(x, 2.0))


def log_partition(x, w):
    return logsumexp(x, axis=0, b=w)


def calls_helper(x, w):
    return np.sum(log_partition(x, w) * softmax(x, axis=1))


def polygamma_orders(x):
    return np.sum(sp.polygamma(1, x) + sp.polygamma(0, x) * sp.polygamma(2, x))


@pytest.mark.parametrize("fn", [by_name, by_alias, in_loop, in_branch, polygamma_orders],
                         ids=lambda f: f.__name__)
def test_forms_and_places_of_call(fn):
    check_grad(fn, (X,))
    check_grad(fn, (-X if fn is in_branch else X[0],))


def test_helper_with_weights_by_keyword():
    check_grad(calls_helper, (X, np.array([0.4, 1.2, 0.8])), (0, 1))


def test_generated_code_reads_the_module_by_its_own_name():
    adjoint = s2sad.source(by_alias, X)
    assert "sp.zeta(2, x)" in adjoint and "sp.i1e(x)" in adjoint, adjoint
    assert "special" not in adjoint, adjoint
    tangent = s2sad.source(in_loop, X, mode="forward")
    assert "scipy.special.log_ndtr" in tangent, tangent


def signed(x):
    return logsumexp(x, return_sign=True)[0]


def computed_axis(x):
    return np.sum(logsumexp(x, axis=x.ndim - 1))


def unknown_keyword(x):
    return np.sum(softmax(x, axes=0))


@pytest.mark.parametrize("fn, message", [
    (signed, r"return_sign=True\)` returns a pair"),
    (computed_axis, r"computed `axis`"),
    (unknown_keyword, r"keyword argument `axes=`.*takes x, axis")])
def test_refusals_are_located(fn, message):
    with pytest.raises(s2sad.UnsupportedError, match=r"test_special\.py:\d+: .*" + message):
        s2sad.grad(fn)(X)


def second(x):
    return np.sum(gammaln(x) + sp.i0(x) * sp.i1e(x))


def test_second_derivatives_through_scipy_partials():
    """The partials call SciPy functions that have rows of their own (digamma's is
    `zeta(2, x)`, i0's `i1(x)`, i1e's reads `ive(2, x)`), so a Hessian differentiates
    them again; each Hessian is diagonal, checked against central differences of the
    gradient."""
    x = X[0]
    hessian = s2sad.hessian(second)(x)
    gradient = s2sad.grad(second)
    columns = [numeric_grad(lambda v: float(gradient(v) @ e), (x,)) for e in np.eye(x.size)]
    assert_close(hessian, np.array(columns), rtol=1e-5, atol=1e-6)
    assert_close(s2sad.hessian(log_gammas)(x), np.diag(sp.polygamma(1, x)), rtol=1e-10)


def log_gammas(x):
    return np.sum(gammaln(x))


def zeta_in_order(s):
    return sp.zeta(s, 2.0)


def test_zeta_in_its_order_is_refused():
    with pytest.raises(s2sad.UnsupportedError,
                       match=r"test_special\.py:\d+: the derivative of `scipy\.special\.zeta` "
                             r"in `x` is not supported"):
        s2sad.grad(zeta_in_order)(3.0)


def _run(tmp_path, code):
    """Run `code` as a module file in a fresh interpreter with this s2sad; its output."""
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent(code))
    root = pathlib.Path(s2sad.__file__).parent.parent
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_scipy_nothing_breaks(tmp_path):
    assert _run(tmp_path, """
        import sys
        sys.modules["scipy"] = None  # SciPy cannot be imported
        import numpy as np
        import s2sad
        from s2sad.rules.base import load_optional
        load_optional()

        def f(x):
            return np.sum(np.sin(x) * x)

        print(s2sad.grad(f)(np.zeros(2)))
    """) == "[0. 0.]"


def test_importing_s2sad_does_not_import_scipy(tmp_path):
    assert _run(tmp_path, "import sys, s2sad; print('scipy' in sys.modules)") == "False"


def test_a_user_rule_given_before_the_rows_load_is_kept(tmp_path):
    assert _run(tmp_path, """
        import numpy as np
        import scipy.special
        import s2sad

        def seven(x):
            return 0.0 * x + 7.0

        s2sad.defrule(scipy.special.erf, partials=[seven])

        def f(x):
            return np.sum(scipy.special.erf(x) + scipy.special.expit(x))

        print(s2sad.grad(f)(np.zeros(2)))
    """) == "[7.25 7.25]"


def test_multigammaln_of_an_array(gen):
    """`multigammaln(a, d)` takes one int `d` (the table tests it on numbers): of an array
    `a`, in a loop, against central differences in both modes."""
    a = np.random.default_rng(2).uniform(1.6, 5.0, (2, 3))
    check_vjp(gen("a", "scipy.special.multigammaln(a, 3)"), (a,), 0)
    check_grad(gen("a", "sum(np.sum(scipy.special.multigammaln(a * k, 2)) for k in (1, 2))"),
               (a,))
