"""Keyword arguments moved to the positions where their rule reads them
(s2sad/frontend/placing.py), checked in both modes against central differences
(rulecheck: reverse, forward, vector-mode Jacobian, float32), alone and inside loops,
branches and helpers; and what is still missing is a located error, never a name left
free in the generated code.

The bug: `np.partition(x, kth=3)` generated `np.argpartition(x, b)` with `b` unbound (a
NameError when the derivative ran), and `np.dot(a=x, b=y)` an internal ValueError.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand
from s2sad.rules.base import Site


def _weights(*shape):
    return np.random.default_rng(4).uniform(0.5, 2.0, shape)


KEYWORD_CALLS = [
    ("x", "np.partition(x, kth=3)", (5,)),
    ("x", "np.partition(x, kth=1, axis=0)", (3, 4)),
    ("x", "np.partition(a=x, kth=2, axis=None)", (3, 4)),
    ("x", "np.sort(x, axis=0, kind='stable')", (3, 4)),
    ("x", "np.quantile(x, q=0.3)", (6,)),
    ("x", "np.percentile(q=30.0, a=x, axis=1)", (3, 4)),
    ("x", "np.nanquantile(x, q=0.7, keepdims=True)", (3, 4)),
    ("x", "np.linalg.matrix_power(x + np.eye(3), n=3)", (3, 3)),
    ("x", "x.astype(dtype=np.float64)", (3,)),
    ("x", "np.broadcast_to(x, shape=(2, 3))", (3,)),
]
PAIR_CALLS = [
    ("np.dot(a=x, b=y.T)", (2, 3), (2, 3)),
    ("x.dot(b=y.T)", (2, 3), (2, 3)),
    ("np.convolve(x, v=y, mode='same')", (5,), (3,)),
    ("np.correlate(a=x, v=y)", (5,), (3,)),
    ("np.average(x, weights=y)", (2, 3), (2, 3)),
    ("np.average(x, axis=1, weights=y)", (2, 3), (3,)),
    ("np.average(x, weights=y, axis=0, keepdims=True)", (2, 3), (2,)),
    ("np.interp(x, fp=y, xp=np.linspace(-1.05, 1.05, 4))", (5,), (4,)),
]


@pytest.mark.parametrize("params, body, shape", KEYWORD_CALLS)
def test_keyword_reaches_its_position(gen, params, body, shape):
    check_vjp(gen(params, body), (rand(*shape),), 0)


@pytest.mark.parametrize("body, left, right", PAIR_CALLS)
def test_keyword_operand_is_differentiated(gen, body, left, right):
    check_vjp(gen("x, y", body), (rand(*left), _weights(*right)), (0, 1))


def test_partition_keyword_in_loop_branch_and_helper(gen):
    check_grad(gen("x", "sum(np.sum(np.partition(x * k, kth=2) ** 2) for k in range(3))"),
               (rand(5),))
    check_grad(_partition_in_helper, (rand(5),))
    check_grad(_partition_in_branch, (rand(5),))
    check_grad(_partition_in_branch, (-rand(5),))


def _partitioned(x, k):
    return np.partition(np.sin(x), kth=k)


def _partition_in_helper(x):
    return np.sum(_partitioned(x, 1) * np.arange(5.0)) + np.sum(_partitioned(x * x, 3))


def _partition_in_branch(x):
    if np.sum(x) > 0:
        y = np.partition(x ** 2, kth=2)
    else:
        y = np.partition(x, kth=1, axis=-1)
    return np.sum(y * np.arange(5.0))


def test_generated_code_passes_the_moved_argument(gen):
    """The moved keyword stands at its position in the generated code; an option
    (`axis=`) stays a keyword."""
    fn = gen("x", "np.sum(np.partition(x, kth=3, axis=0) * np.sum(x, axis=0))")
    code = s2sad.source(fn, rand(5, 2))
    assert "np.partition(x, 3, axis=0)" in code and "np.sum(x, axis=0)" in code
    assert "argpartition(x, 3" in code


def test_a_missing_argument_is_located(gen):
    """A rule that reads an argument the call does not pass says so at the line."""
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*argument 2.*by position"):
        s2sad.grad(gen("x", "np.sum(np.quantile(x))"))(rand(4))
    with pytest.raises(s2sad.UnsupportedError, match=r"`kth` given twice"):
        s2sad.grad(gen("x", "np.sum(np.partition(x, 1, kth=2))"))(rand(4))
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: the keyword argument "
                                                     r"`start=` of `sum`"):
        s2sad.grad(gen("x", "sum([x, x * x], start=1.0)"))(0.5)


def test_site_refuses_a_template_naming_a_missing_argument():
    site = Site(args=[None], kinds=[None], out=None, out_kind=None, g=None, lib="np",
                handles={}, active=[True])
    with pytest.raises(s2sad.UnsupportedError, match="argument 2"):
        site.fill("np.argpartition(a, b)")
    with pytest.raises(s2sad.UnsupportedError, match="argument 3"):
        site.args[2]


CLIP_CALLS = ["np.clip(x, a_min=0.1, a_max=0.6)", "np.clip(x, min=-0.3, max=0.6)",
              "np.clip(x, -0.3, a_max=0.6)", "np.clip(x, max=0.6)", "np.clip(x, min=y, max=None)",
              "np.clip(a=x, a_max=y, a_min=-0.5)"]


@pytest.mark.parametrize("body", CLIP_CALLS)
def test_clip_bounds_by_keyword(gen, body):
    """`a_min=`/`a_max=` and NumPy 2's `min=`/`max=`; a bound left out before one given
    is None."""
    x, y = rand(6), np.full(6, -0.1)
    check_vjp(gen("x, y", body), (x, y), (0, 1) if "y" in body else 0)


def test_clip_keyword_in_loop(gen):
    check_grad(gen("x", "sum(np.sum(np.clip(x * k, min=-0.5, max=0.5)) for k in range(3))"),
               (rand(5),))


def test_clip_unknown_keyword_is_located(gen):
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*`out=`.*a_min, a_max"):
        s2sad.grad(gen("x", "np.sum(np.clip(x, 0.1, 0.2, out=None))"))(rand(4))
    # one bound given and the last left out: both are read, as positionally
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*pass both bounds"):
        s2sad.grad(gen("x", "np.sum(np.clip(x, min=0.1))"))(rand(4))
