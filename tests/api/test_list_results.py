"""A function that returns a list of arrays: `vjp` takes a list cotangent (or a tuple of
the same items) and `jvp` gives the tangent as a list, the function's own structure;
checked against central differences, for a list display, one built in a loop over a
tuple and one from a helper. A list chosen in a branch is a list built at run time:
refused at its line.
"""
import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad, numeric_jvp


def pair(a, b):
    return [a * 2.0, np.sin(b) * a[0]]


def looped(a, b):
    out = []
    for t in (a, b):
        out.append(np.tanh(t) * b[1])
    return [out[0], out[1]]


def _listed(t):
    return [t ** 2, np.cos(t)]


def from_helper(a, b):
    first, second = _listed(a)
    return [first * b[0], second] + [b * 3.0]


def branched(a, b):
    if a[0] > 0:
        return [a * b[0], b]
    return [np.exp(a), b * b]


A, B = np.array([0.3, -0.5]), np.array([0.1, 0.2, 0.4])
PROGRAMS = [pair, looped, from_helper]


def _cotangent(value, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=np.shape(v)) for v in value]


@pytest.mark.parametrize("fn", PROGRAMS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("container", [list, tuple])
def test_vjp_of_a_list_result(fn, sign, container):
    args = (sign * A, B)
    value = fn(*args)
    cotangent = _cotangent(value, 3)
    got_value, grads = s2sad.vjp(fn, (0, 1))(*args, container(cotangent))
    assert isinstance(got_value, list) and len(got_value) == len(value)
    for got, expected in zip(got_value, value):
        assert_close(got, expected, rtol=1e-13, atol=0)

    def projected(*a):
        return sum(float(np.sum(c * v)) for c, v in zip(cotangent, fn(*a)))
    for position, grad in enumerate(grads):
        assert_close(grad, numeric_grad(projected, args, position))


@pytest.mark.parametrize("fn", PROGRAMS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_jvp_of_a_list_result(fn, sign):
    args = (sign * A, B)
    tangents = (np.array([0.7, -0.2]), np.array([0.5, 1.0, -0.3]))
    value, tangent = s2sad.jvp(fn, (0, 1))(*args, tangents)
    assert isinstance(value, list) and isinstance(tangent, list)
    for position in range(len(value)):
        def item(*a, position=position):
            return fn(*a)[position]
        assert_close(tangent[position], numeric_jvp(item, args, (0, 1), tangents))


def test_a_cotangent_with_another_length_is_refused():
    with pytest.raises(s2sad.ArgumentError, match="it has 1 items where the result has 2"):
        s2sad.vjp(pair, (0, 1))(A, B, (np.ones(2),))


def test_a_list_chosen_in_a_branch_is_refused_at_its_line():
    with pytest.raises(s2sad.UnsupportedError, match=r"test_list_results\.py:\d+: returning "
                                                     "a list built at run time"):
        s2sad.vjp(branched, (0, 1))(A, B, [np.ones(2), np.ones(3)])
