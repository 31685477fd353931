"""The second batch of shape rules (cases in cases_shapes2.py) beyond the table: inside
loops and helpers, np.atleast_*d of several arrays, second derivatives through the
run-time helpers, and every refusal, located at the user's line and saying what to do."""
import re

import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand
from util import assert_close, numeric_jvp


# ---------------------------------------------------------------- loops and helpers


def rolled_in_loop(x):
    y = x
    for k in range(3):
        y = np.roll(y, 1, axis=-1) * x + np.diff(np.pad(y, ((0, 0), (1, 0)), mode="edge"))
    return np.sum(y ** 2)


def _smooth(v, h):
    return np.gradient(np.repeat(v, 2, axis=0), h, axis=0)


def through_helper(x, h):
    total = 0.0
    for row in np.split(x, 2, axis=1):
        total = total + np.sum(_smooth(row, h) * np.take(row, [0, 0, 1], axis=0).sum())
    return total


def picked_in_branch(x, idx):
    if np.sum(x) > 0.0:
        y = np.take_along_axis(x, idx, axis=1)
    else:
        y = np.rot90(np.tile(x, (1, 2)))
    return np.sum(np.kron(y, x[0]) ** 2)


def test_rules_in_loops_branches_and_helpers():
    x = rand(2, 4)
    check_grad(rolled_in_loop, (x,))
    check_grad(through_helper, (rand(3, 4), 0.5), (0, 1))
    idx = np.array([[0, 3, 3], [1, 2, 0]])
    check_grad(picked_in_branch, (np.abs(x), idx))
    check_grad(picked_in_branch, (-np.abs(x), idx))


def several_at_least(x, s):
    u, v = np.atleast_2d(x, s)
    return u * v


def several_looped(x, s):
    total = 0.0
    for item in np.atleast_1d(x, s, x * s):
        total = total + np.sum(item ** 2)
    return total


def several_indexed(x, y):
    return np.atleast_3d(x, y)[1] * x


def test_atleast_of_several_arrays_is_one_operation_each():
    check_vjp(several_at_least, (rand(3), 0.7), (0, 1))
    check_grad(several_looped, (rand(2, 2), 0.7), (0, 1))
    check_vjp(several_indexed, (rand(2), rand(2, 2)), (0, 1))


# ---------------------------------------------------------------- second derivatives


def second_gradient(x, h):
    return np.sum(np.gradient(x, h, axis=1, edge_order=2) ** 3)


def second_pad(x):
    return np.sum(np.pad(x ** 2, ((1, 2), (0, 1)), mode="reflect") ** 2)


def second_take(x, idx):
    return np.sum(np.take_along_axis(x, idx, axis=0) ** 3) + np.sum(np.diff(x, 2) ** 2)


def second_mixed(x):
    a, b = np.split(np.r_[x, x ** 2], 2)
    return np.sum(np.cross(a, np.roll(b, 1)) ** 2)


@pytest.mark.parametrize("fn, args", [
    (second_gradient, (rand(3, 5), 0.5)),
    (second_pad, (rand(3, 4),)),
    (second_take, (rand(3, 4), np.array([[0, 2, 2, 1], [1, 1, 0, 2]]))),
    (second_mixed, (rand(3),)),
], ids=["gradient", "pad", "take_along_axis", "split"])
def test_hessians_through_the_helpers(fn, args):
    x = args[0]
    direction = np.random.default_rng(2).normal(size=x.shape)
    hessian = s2sad.hessian(fn)(*args)
    want = numeric_jvp(lambda *a: s2sad.grad(fn)(*a), args, 0, (direction,))
    assert_close(np.tensordot(hessian, direction, axes=x.ndim), want, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- refusals


def split_count(x, n):
    return np.sum(np.split(x, n)[0])


def split_range(x):
    return np.sum(np.split(x, 2)[3])


def split_unpacked(x):
    a, b, c = np.split(x, 2)
    return np.sum(a)


def pad_mean(x):
    return np.sum(np.pad(x, 1, mode="mean"))


def gradient_of_matrix(x):
    return np.sum(np.gradient(x))


def gradient_coordinates(x, t):
    return np.sum(np.gradient(x, t))


def diff_prepend(x):
    return np.sum(np.diff(x, prepend=0.0))


def select_held(x):
    conditions = [x > 0]
    return np.sum(np.select(conditions, [x]))


def r_directive(x):
    return np.sum(np.r_["0,2", x, x])


def r_computed_slice(x, n):
    return np.sum(np.r_[x, 0:n])


def c_slice(x):
    return np.sum(np.c_[x, 0:4])


def tile_computed(x, n):
    return np.sum(np.tile(x, n))


def take_clipped(x):
    return np.sum(np.take(x, [0, 5], mode="clip"))


def diagonal_computed(x, k):
    return np.sum(np.diagonal(x, k))


REFUSALS = [
    (split_count, (rand(4), 2), "sections computed at run time", "pass a constant count"),
    (split_range, (rand(4),), "the part 3 of 2 parts", "index within the parts"),
    (split_unpacked, (rand(4),), "a tuple of 2 values into 3 names", "as many names"),
    (pad_mean, (rand(4),), "mode 'mean'", "use one of"),
    (gradient_of_matrix, (rand(3, 3),), "returns a list", "pass `axis=k`"),
    (gradient_coordinates, (rand(4), np.arange(4.0)), "coordinates", "one number"),
    (diff_prepend, (rand(4),), "`prepend=`", "np.concatenate the values first"),
    (select_held, (rand(4),), "lists not written in the call", "list displays"),
    (r_directive, (rand(4),), "directive '0,2'", "np.concatenate or np.stack"),
    (r_computed_slice, (rand(4), 2), "slice of computed bounds", "np.arange"),
    (c_slice, (rand(4),), "a slice in `np.c_", "np.arange"),
    (tile_computed, (rand(4), 2), "computed `reps`", "pass a constant"),
    (take_clipped, (rand(4),), "`mode=`", "keep the indices in range"),
    (diagonal_computed, (rand(3, 3), 1), "computed `offset`", "pass a constant"),
]


@pytest.mark.parametrize("fn, args, construct, advice", REFUSALS,
                         ids=[r[0].__name__ for r in REFUSALS])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_refusals_are_located(fn, args, construct, advice, mode):
    line = fn.__code__.co_firstlineno + 1
    with pytest.raises(s2sad.UnsupportedError) as caught:
        if mode == "reverse":
            s2sad.grad(fn)(*args)
        else:
            s2sad.jvp(fn, 0)(*args, np.ones_like(args[0]))
    message = str(caught.value)
    assert re.search(rf"test_shapes2\.py:({line}|{line + 1}):", message), message
    assert construct in message and advice.lower() in message.lower(), message
