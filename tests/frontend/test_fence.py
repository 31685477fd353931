"""The fence refuses a construct where it can run, and only there: code after an exit on
every path never runs, and exits.py drops it before lowering, so it is not refused."""
import math

import pytest

import s2sad
from s2sad import UnsupportedError


def after_return(x):
    y = x * 2.0
    return math.sin(y)
    print(y)


def after_both_branches(x):
    if x > 0:
        return x * x
    else:
        return -x
    z = x and 3.0
    return z


def after_continue(x):
    s = 0.0
    for _ in range(3):
        s = s + x
        continue
        print(s)
    return s


def reachable_print(x):
    if x > 0:
        print(x)
    return x


@pytest.mark.parametrize("fn, x, expected", [
    (after_return, 0.3, 2.0 * math.cos(0.6)),
    (after_both_branches, 2.0, 4.0),
    (after_both_branches, -2.0, -1.0),
    (after_continue, 2.0, 3.0),
])
def test_code_after_an_exit_is_not_refused(fn, x, expected):
    assert s2sad.grad(fn)(x) == pytest.approx(expected, rel=1e-12)
    assert s2sad.jvp(fn)(x, 1.0)[1] == pytest.approx(expected, rel=1e-12)


def test_code_that_may_run_is_refused():
    with pytest.raises(UnsupportedError, match=r"test_fence.py:\d+: an expression statement "
                                               r"whose value is discarded"):
        s2sad.grad(reachable_print)(1.0)
