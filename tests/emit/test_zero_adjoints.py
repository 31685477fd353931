"""Where the backward sweep enters a branch or loop, an adjoint that must exist on every
path through it starts as a zero. For an array, that zero must be an array of its shape
whenever anything may index it or add a number to it (a sum's adjoint): a number there
gave 'float' object is not subscriptable. An array assigned on every path before the
branch or loop gets `np.zeros_like` of itself; one that may not exist yet gets it from a
parameter of its shape, or is 0.0 while it is still None (nothing reads its adjoint
then). Each program is checked against central differences in both modes."""
import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad


def made_before_a_nested_branch(x, y):
    b = 0.7
    if x > 0.0:
        v = np.array((x, y))
        if y > 0.5:
            b = np.sum(v) * x
    return b * y


def made_in_an_earlier_branch(x, y):
    b = 0.0
    if x > 0.0:
        v = np.array((x, y))
    if x > 0.5:
        b = np.mean(v) * x
    return b + y


def shaped_like_a_parameter(w, x):
    b = 0.0
    if x > 0.0:
        v = w * x
    if x > 0.5:
        b = np.sum(v)
    return b + x


CASES = [(made_before_a_nested_branch, (0.7, 1.3), "v_bar = np.zeros_like(v)"),
         (made_before_a_nested_branch, (0.7, 0.2), "v_bar = np.zeros_like(v)"),
         (made_in_an_earlier_branch, (0.7, 1.3), "v_bar = 0.0 if v is None else"),
         (made_in_an_earlier_branch, (0.3, 1.3), "v_bar = 0.0 if v is None else"),
         (shaped_like_a_parameter, (np.array([0.5, -1.0, 2.0]), 0.7),
          "v_bar = np.zeros_like(w)")]


@pytest.mark.parametrize("fn, args, zero", CASES)
def test_the_zero_adjoint_of_an_array_is_an_array(fn, args, zero):
    assert zero in s2sad.source(fn, *args, wrt=(0, 1))
    want = numeric_grad(fn, args, (0, 1))
    value, grads = s2sad.value_and_grad(fn, wrt=(0, 1))(*args)
    assert_close(value, fn(*args), rtol=1e-13, atol=1e-13)
    for got, slope in zip(grads, want):
        assert_close(got, slope, rtol=1e-6, atol=1e-8)
    direction = tuple(np.ones_like(a) if np.ndim(a) else 1.0 for a in args)
    tangent = s2sad.jvp(fn, wrt=(0, 1))(*args, direction)[1]
    assert_close(tangent, sum(np.sum(s) for s in want), rtol=1e-6, atol=1e-8)
