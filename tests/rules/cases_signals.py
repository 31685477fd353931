"""Rule-table cases of convolution, correlation and interpolation (s2sad/rules/signals.py):
np.convolve and np.correlate in every mode, with either operand the longer, in each
operand and both; np.interp in `x` and `fp`, inside and outside the knots, with `left`
and `right`, and the refusal of a differentiated `xp`.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand

LENGTHS = [(5, 3), (3, 5), (4, 4), (1, 3), (6, 2)]


def _operands(n, m):
    return rand(n), np.random.default_rng(n * 10 + m).uniform(-1.0, 1.0, m)


def check_convolved(name):
    def check(gen):
        for n, m in LENGTHS:
            a, v = _operands(n, m)
            check_vjp(gen("a, v", f"np.{name}(a, v)"), (a, v), (0, 1))
            for mode in ("full", "same", "valid"):
                fn = gen("a, v", f"np.{name}(a, v, mode='{mode}')")
                check_vjp(fn, (a, v), (0, 1))
                check_vjp(fn, (a, v), 0)
                check_vjp(fn, (a, v), 1)
                check_vjp(gen("a, v", f"np.{name}(a, v, '{mode}')"), (a, v), 1)
        # composed, with the same vector as both operands, and in a loop
        a, v = _operands(6, 3)
        check_grad(gen("a", f"np.sum(np.{name}(a, a[:3] ** 2, 'same') * a)"), (a,))
        check_grad(gen("a, v", f"sum([np.sum(np.{name}(a * i, v, 'full') ** 2) "
                               "for i in range(3)])"), (a, v), (0, 1))
    return check


def _interp_knots(x, fp):
    return np.interp(x, np.linspace(-1.5, 1.5, 6), fp)


def _interp_in_helper(x, fp):
    return np.sum(_interp_knots(np.sin(x), fp) * x)


def check_interp(gen):
    fp = np.random.default_rng(3).uniform(-2.0, 2.0, 6)
    # points inside and outside the knots, none on a knot (a kink)
    x = np.array([-2.1, -1.2, -0.35, 0.1, 0.93, 1.6])
    body = "np.interp(x, np.linspace(-1.5, 1.5, 6), fp{})"
    for extra in ("", ", left=-3.0", ", right=5.0", ", -3.0, 5.0"):
        fn = gen("x, fp", body.format(extra))
        check_vjp(fn, (x, fp), (0, 1))
        check_vjp(fn, (x, fp), 0)
        check_vjp(fn, (x, fp), 1)
        check_vjp(fn, (x.reshape(2, 3), fp), (0, 1))
        check_grad(gen("x, fp", body.format(extra)), (0.37, fp), (0, 1))
    check_grad(_interp_in_helper, (rand(4), fp), (0, 1))
    # in a loop: the interpolated value fed back
    check_grad(gen("x, fp", "np.interp(np.interp(np.interp(x, np.linspace(-1.5, 1.5, 6), "
                            "fp), np.linspace(-1.5, 1.5, 6), fp), np.linspace(-1.5, 1.5, "
                            "6), fp)"), (0.21, 0.5 * fp), (0, 1))


def check_interp_at_knots(gen):
    """At a knot the slope is that of the segment starting there; at the last knot, of
    the last segment; 0 outside."""
    fn = gen("x", "np.interp(x, np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0]))")
    _, grad = s2sad.vjp(fn, 0)(np.array([0.0, 1.0, 3.0, 3.5, -1.0]), np.ones(5))
    assert np.array_equal(grad, [2.0, 0.5, 0.5, 0.0, 0.0])


def check_interp_refusals(gen):
    fn = gen("x, xp", "np.sum(np.interp(x, xp, np.arange(4.0)))")
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*`np\.interp`.*argument 2"):
        s2sad.grad(fn, wrt=(0, 1))(rand(3), np.arange(4.0))
    fn = gen("x, v", "np.sum(np.interp(x, np.arange(4.0), np.arange(4.0), left=v))")
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*computed `left`.*np\.where"):
        s2sad.grad(fn)(rand(3), 0.5)
    fn = gen("x", "np.sum(np.interp(x, np.arange(4.0), np.arange(4.0), period=4.0))")
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*`period=`.*x % period"):
        s2sad.grad(fn)(rand(3))


CASES = {
    "np.convolve": check_convolved("convolve"),
    "np.correlate": check_convolved("correlate"),
    "np.interp": lambda gen: (check_interp(gen), check_interp_at_knots(gen),
                              check_interp_refusals(gen)),
}
