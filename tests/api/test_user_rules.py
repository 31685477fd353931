"""User-defined rules: s2sad.defrule and s2sad.check_rule.

The functions given rules here have no source s2sad could read (an `np.vectorize`
object) or have one that the rule overrides (a closed-form derivative). Every derivative
is checked against central differences and across the two modes, like built-in rules.
"""
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad, numeric_jvp

erf = np.vectorize(math.erf, otypes=[float])


def erf_partial(x):
    return 2 / math.sqrt(math.pi) * np.exp(-x * x)


def scaled_hypot(x, y):
    """A function with source, whose rule takes precedence over it."""
    return np.sqrt(x * x + y * y) * 1.0


def logsumexp(x):
    return np.log(np.sum(np.exp(x)))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def uses_erf(x):
    return np.sum(erf(x) * x)


def uses_erf_scalar(x):
    return erf(x) * x + x


def uses_hypot(x, y):
    return np.sum(scaled_hypot(x, y) ** 2)


def uses_logsumexp(x, w):
    return logsumexp(x * w) * 2.0


def test_partials_rule_in_both_modes(registered):
    s2sad.defrule(erf, partials=[erf_partial])
    x = np.linspace(-1.5, 1.5, 5)
    assert_close(s2sad.grad(uses_erf)(x), numeric_grad(uses_erf, (x,)))
    t = np.random.default_rng(1).normal(size=5)
    _, tangent = s2sad.jvp(uses_erf)(x, t)
    assert_close(tangent, numeric_jvp(uses_erf, (x,), 0, (t,)))
    x0 = 0.3
    want = math.erf(x0) + x0 * erf_partial(x0) + 1.0
    assert_close(s2sad.grad(uses_erf_scalar)(x0), want)
    assert_close(s2sad.jvp(uses_erf_scalar)(x0, 1.0)[1], want)


def test_partials_rule_reads_in_generated_code(registered):
    s2sad.defrule(erf, partials=[erf_partial])
    x = np.ones(3)
    assert "x_bar += t1_bar * erf_partial(x)" in s2sad.source(uses_erf, x)
    assert "t1_dot = x_dot * erf_partial(x)" in s2sad.source(uses_erf, x, mode="forward")


def test_partials_rule_broadcasts_and_vector_mode(registered):
    s2sad.defrule(scaled_hypot, partials=[lambda x, y: x / np.hypot(x, y),
                                          lambda x, y: y / np.hypot(x, y)])
    x, y = np.array([[0.5], [1.5]]), np.array([0.3, -0.7, 1.1])
    got = s2sad.grad(uses_hypot, wrt=(0, 1))(x, y)
    assert_close(got, numeric_grad(uses_hypot, (x, y), (0, 1)))
    forward = s2sad.jacobian(uses_hypot, (0, 1), mode="forward")(x, y)
    assert_close(forward, got, rtol=1e-12)
    listing = s2sad.source(uses_hypot, x, y, wrt=(0, 1))
    assert "scaled_hypot_vjp" not in listing and "scaled_hypot_partial0(" in listing


def test_tangents_and_adjoints_rule_replaces_source(registered):
    s2sad.defrule(logsumexp, ndim=0,
                  tangents=[lambda x_dot, x: softmax(x) @ x_dot],
                  adjoints=[lambda g, x: g * softmax(x)])
    x, w = np.array([0.2, -1.0, 2.5]), np.array([1.5, 0.5, -0.3])
    got = s2sad.grad(uses_logsumexp, wrt=(0, 1))(x, w)
    assert_close(got, numeric_grad(uses_logsumexp, (x, w), (0, 1)))
    t = (np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -1.0]))
    _, tangent = s2sad.jvp(uses_logsumexp, (0, 1))(x, w, t)
    assert_close(tangent, numeric_jvp(uses_logsumexp, (x, w), (0, 1), t))
    assert_close(s2sad.jacobian(uses_logsumexp, 0, mode="forward")(x, w), got[0], rtol=1e-12)
    listing = s2sad.source(uses_logsumexp, x, w, wrt=(0, 1))
    assert "logsumexp_adjoint0(" in listing and "logsumexp_vjp" not in listing
    assert "uses_logsumexp_adjoint(x, w, uses_logsumexp_bar=1.0)" in listing


def test_rule_added_after_a_derivative_was_built(registered):
    x, w = np.array([0.2, -1.0]), np.array([1.5, 0.5])
    from_source = s2sad.grad(uses_logsumexp)(x, w)
    wrong = lambda g, x: 2 * g * softmax(x)  # noqa: E731  (a deliberately wrong rule)
    s2sad.defrule(logsumexp, tangents=[lambda x_dot, x: 2 * softmax(x) @ x_dot],
                  adjoints=[wrong])
    assert_close(s2sad.grad(uses_logsumexp)(x, w), 2 * from_source)


def test_check_rule_accepts_correct_rules(registered):
    s2sad.defrule(erf, partials=[erf_partial])
    s2sad.check_rule(erf, np.linspace(-2, 2, 7))
    s2sad.check_rule(erf, 0.4)
    s2sad.defrule(logsumexp, tangents=[lambda x_dot, x: softmax(x) @ x_dot],
                  adjoints=[lambda g, x: g * softmax(x)])
    s2sad.check_rule(logsumexp, np.array([0.2, -1.0, 2.5]))


def test_check_rule_names_the_wrong_part(registered):
    s2sad.defrule(erf, partials=[lambda x: np.exp(-x * x)])
    with pytest.raises(s2sad.RuleError, match=r"tangent of argument 0 .*central differences"):
        s2sad.check_rule(erf, np.linspace(-2, 2, 7))
    s2sad.defrule(logsumexp, tangents=[lambda x_dot, x: softmax(x) @ x_dot],
                  adjoints=[lambda g, x: g * softmax(x) * 1.01])
    with pytest.raises(s2sad.RuleError, match=r"adjoint of argument 0 .*does not match"):
        s2sad.check_rule(logsumexp, np.array([0.2, -1.0, 2.5]))
    with pytest.raises(s2sad.UsageError, match="no user rule"):
        s2sad.check_rule(np.sin, 0.3)


def test_missing_rule_error_shows_how_to_add_one():
    with pytest.raises(s2sad.UnsupportedError) as info:
        s2sad.grad(uses_erf)(np.ones(3))
    message = str(info.value)
    assert "test_user_rules.py" in message and "`erf`" in message
    assert "s2sad.defrule(erf, partials=[" in message and "docs/rules.md" in message


def test_defrule_usage_errors(registered):
    with pytest.raises(s2sad.UsageError, match="either `partials`"):
        s2sad.defrule(erf, partials=[erf_partial], adjoints=[erf_partial])
    with pytest.raises(s2sad.UsageError, match="both `tangents` and `adjoints`"):
        s2sad.defrule(erf, tangents=[erf_partial])
    with pytest.raises(s2sad.UsageError, match="the same arguments"):
        s2sad.defrule(erf, tangents=[erf_partial, None], adjoints=[erf_partial, erf_partial])
    with pytest.raises(s2sad.UsageError, match="must hold functions"):
        s2sad.defrule(erf, partials=[2.0])


def two_argument_erf(x):
    return np.sum(erf(x, x))


def test_rule_called_with_other_arity(registered):
    s2sad.defrule(erf, partials=[erf_partial])
    with pytest.raises(s2sad.UnsupportedError, match="called with 2 arguments"):
        s2sad.grad(two_argument_erf)(np.ones(2))


def test_user_rule_sample():
    """samples/user_rule.py checks its two rules, fits a probit model with a scipy.special
    function inside and compares its gradients with central differences (in a separate
    process: its rules are global)."""
    sample = Path(__file__).resolve().parents[2] / "samples" / "user_rule.py"
    out = subprocess.run([sys.executable, str(sample)], capture_output=True, text=True,
                         check=True).stdout
    assert "both rules agree" in out
    assert "z_bar = t4_bar * erf_partial(z)" in out
    gaps = [float(g) for g in re.findall(r"differ by ([0-9.e+-]+)", out)]
    assert len(gaps) == 2 and max(gaps) < 1e-6
    start, end = map(float, re.search(r"nll ([0-9.]+) -> ([0-9.]+)", out).groups())
    assert end < 0.7 * start
    w = np.array([float(v) for v in re.search(r"w = \[([^\]]+)\]", out).group(1).split()])
    assert_close(w, np.array([0.75, -1.0, 0.25]), atol=0.1, rtol=0)
