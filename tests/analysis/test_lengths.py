"""Array kinds record which axis lengths are equal (and which are 1): the derivative
knows shapes agree where the pattern says so, needs no `unbroadcast` there, and is reused
for every call with the same pattern; a call whose lengths make a new pattern gets a new
derivative. Every gradient is checked against central differences."""
import numpy as np
import pytest

import s2sad
from s2sad.ir import kinds as K
from s2sad import pipeline
from util import numeric_grad


def affine(A, b):
    return np.sum(np.tanh(A + b) ** 2)


def counted(A, b):
    return np.sum(np.tanh(A + b) ** 2)


def step(x, W, h, U, b):
    return np.sum(np.tanh(x @ W + h @ U + b))


def rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).uniform(-1, 1, shape)


def test_equal_lengths_share_a_symbol_and_one_is_one():
    kinds = K.of_arguments((rand(3, 4), rand(4), rand(1, 4), 2.0), (0,), "ABCs")
    assert [K.lengths(k) for k in kinds[:3]] == [
        (("d", 1), ("d", 2)), (("d", 2),), (1, ("d", 2))]
    assert K.of_arguments((rand(5, 6), rand(6)), (0,), "AB") == \
        K.of_arguments((rand(3, 4), rand(4)), (0,), "AB")
    assert K.of_arguments((rand(4, 4), rand(4)), (0,), "AB") != \
        K.of_arguments((rand(3, 4), rand(4)), (0,), "AB")


@pytest.mark.parametrize("shapes, rows, sums", [
    (((3, 4), (4,)), 1, 0),     # b is added to every row: its adjoint sums the rows
    (((3, 4), (3, 4)), 0, 0),   # same shape: nothing to sum
    (((3, 4), (1,)), 0, 1),     # a length 1 broadcasts: unbroadcast at run time
    (((3, 1), (4,)), 1, 1),     # both broadcast
])
def test_unbroadcast_only_where_the_pattern_broadcasts(shapes, rows, sums):
    args = tuple(rand(*s) for s in shapes)
    text = s2sad.source(affine, *args, wrt=(0, 1))
    assert text.count(", axis=0)") == rows and text.count("unbroadcast(") == sums, text
    grads = s2sad.grad(affine, wrt=(0, 1))(*args)
    for position, g in enumerate(grads):
        np.testing.assert_allclose(g, numeric_grad(affine, args, position), rtol=1e-6, atol=1e-9)


def test_a_recurrent_step_needs_no_unbroadcast_when_the_lengths_agree():
    args = (rand(3), rand(3, 5), rand(5), rand(5, 5), rand(5))
    text = s2sad.source(step, *args, wrt=(1, 3, 4))
    assert "unbroadcast" not in text, text
    grads = s2sad.grad(step, wrt=(1, 3, 4))(*args)
    for position, g in zip((1, 3, 4), grads):
        np.testing.assert_allclose(g, numeric_grad(step, args, position), rtol=1e-6, atol=1e-9)


def test_one_derivative_per_pattern_and_the_fast_path_checks_the_pattern():
    grad = s2sad.grad(counted, wrt=(0, 1))
    count = 0
    for shapes in [((3, 4), (4,)), ((3, 4), (4,)), ((6, 2), (2,)), ((6, 2), (2,))]:
        args = tuple(rand(*s) for s in shapes)
        for position, g in enumerate(grad(*args)):
            np.testing.assert_allclose(g, numeric_grad(counted, args, position), rtol=1e-6,
                                       atol=1e-9)
    assert len(pipeline.derivatives(counted)) == count + 1
    for shapes in [((3, 4), (1,)), ((4, 4), (4,)), ((3, 1), (4,)), ((4, 4), (4,))]:
        args = tuple(rand(*s) for s in shapes)
        for position, g in enumerate(grad(*args)):
            assert g.shape == args[position].shape
            np.testing.assert_allclose(g, numeric_grad(counted, args, position), rtol=1e-6,
                                       atol=1e-9)
    assert len(pipeline.derivatives(counted)) == count + 4


def doubled(v):
    return v * 2.0


def broadcast_with_a_helper_result(a, b):
    return np.sum(a + doubled(b))


def test_a_helper_result_has_its_own_shape_not_the_callers_first_argument():
    """A helper numbers shapes from its own arguments: its result, shaped like its first
    argument `b`, must not be taken for the caller's first argument `a`'s shape (which
    would leave out the sum that undoes broadcasting)."""
    a, b = np.ones((2, 1)), np.arange(3.0)
    ga, gb = s2sad.grad(broadcast_with_a_helper_result, wrt=(0, 1))(a, b)
    assert ga.shape == (2, 1) and np.all(ga == 3.0)
    assert gb.shape == (3,) and np.all(gb == 4.0)
