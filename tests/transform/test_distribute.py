"""Loop distribution (s2sad/transform/distribute.py, analysis/carried.py): the Elman
network's input product and output layer run for all trips at once, in the primal, the
adjoint and the tangent; loops that must not be batched are left as they are. Every
derivative is checked against central differences in both modes, for loops of zero, one
and several trips."""
import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad, numeric_jvp
from programs.elman import elman, elman_unbatched


def every_other_row(W, x):
    s = np.zeros(W.shape[1])
    for t in range(1, len(x), 2):
        s = s + np.tanh(x[t] @ W)
    return np.sum(s ** 2)


def shifted(W, x):
    s = 0.0
    for t in range(1, x.shape[0]):
        s += np.sum(np.sin(x[t - 1] @ W))
    return s


def stops_early(W, x):
    s = 0.0
    for t in range(x.shape[0]):
        v = np.sum(np.tanh(x[t] @ W))
        if v > 1.0:
            break
        s += v
    return s


def written_in_place(W, x):
    a = np.zeros((x.shape[0], W.shape[1]))
    for t in range(x.shape[0]):
        a[t] = np.sin(x[t] @ W)
    return np.sum(a ** 2)


def carried_product(W, x):
    p = 1.0
    for t in range(x.shape[0]):
        p = p * np.sum(np.cos(x[t] @ W))
    return p


def read_after(W, x):
    s = 0.0
    y = np.zeros(W.shape[1])
    for t in range(x.shape[0]):
        y = np.sin(x[t] @ W)
        s += np.sum(y)
    return s + np.sum(y ** 2)


def unknown_rows(W, x, n):
    s = 0.0
    for t in range(n):
        s += np.sum(np.sin(x[t] @ W))
    return s


def _network(steps, rng):
    return (rng.normal(size=(3, 4)), 0.5 * rng.normal(size=(4, 4)), rng.normal(size=4),
            rng.normal(size=(4, 2)), rng.normal(size=(steps, 3)),
            rng.uniform(size=(steps, 2)))


def _check(fn, args, wrt):
    """Value, gradient and tangent of `fn` against the function and central differences
    (with respect to the arguments in `wrt` that are not empty)."""
    rng = np.random.default_rng(1)
    wrt = tuple(p for p in wrt if np.size(args[p]))
    value, grads = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    assert_close(value, fn(*args))
    assert_close(grads, numeric_grad(fn, args, wrt))
    tangents = tuple(rng.normal(size=np.shape(args[p])) for p in wrt)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, tangents)
    assert_close(value, fn(*args))
    assert_close(tangent, numeric_jvp(fn, args, wrt, tangents))
    return grads


@pytest.mark.parametrize("steps", [0, 1, 6])
def test_the_elman_network_against_central_differences_and_the_loop(steps):
    args = _network(steps, np.random.default_rng(steps))
    grads = _check(elman, args, (0, 1, 2, 3))
    assert_close(grads, s2sad.grad(elman_unbatched, wrt=(0, 1, 2, 3))(*args))


def test_the_elman_adjoint_batches_the_input_and_output_layers():
    args = _network(5, np.random.default_rng(0))
    text = s2sad.source(elman, *args, wrt=(0, 1, 2, 3))
    backward = text.split("# backward sweep")[1]
    loops = [line for line in text.splitlines() if line.lstrip().startswith("for ")]
    assert len(loops) == 2, text
    assert "= x @ W + b\n" in text and "hs = np.array(h_trips)" in text, text
    assert "W_bar = x.T @ " in backward and "V_bar += hs.T @ " in backward, text
    for line in ("W_bar = x.T @ ", "V_bar += hs.T @ ", "hs @ V"):
        indent = [len(s) - len(s.lstrip()) for s in text.splitlines() if line in s]
        assert indent and max(indent) <= 8, (line, text)
    assert "np.exp" not in text.split("for t in range")[1].split("\n    if ")[0], text
    tangent = s2sad.source(elman, *args, wrt=(0, 1, 2, 3), mode="forward")
    assert "x @ W_dot" in tangent and "hs_dot @ V" in tangent, tangent


def test_a_step_of_two_batches_every_other_row():
    rng = np.random.default_rng(2)
    for steps in (0, 1, 2, 5):
        _check(every_other_row, (rng.normal(size=(3, 4)), rng.normal(size=(steps, 3))), (0, 1))
    text = s2sad.source(every_other_row, rng.normal(size=(3, 4)), rng.normal(size=(5, 3)))
    assert "x[1::2]" in text and "for " not in text, text


def _checked_source(fn):
    rng = np.random.default_rng(3)
    W = 0.3 * rng.normal(size=(3, 4))
    for steps in (0, 1, 4):
        _check(fn, (W, rng.normal(size=(steps, 3))), (0, 1))
    return s2sad.source(fn, W, rng.normal(size=(4, 3)))


@pytest.mark.parametrize("fn", [stops_early, written_in_place])
def test_loops_that_are_not_batched(fn):
    text = _checked_source(fn)
    assert "x @ W" not in text and "_trips" not in text, text


def test_rows_picked_by_another_index_are_kept_trip_by_trip():
    text = _checked_source(shifted)
    assert "t4_trips.append(t4)" in text and "= np.array(t4_trips)" in text, text


def test_a_product_over_the_trips_stays_in_the_loop():
    text = _checked_source(carried_product)
    assert "= x @ W" in text and "p = p * " in text, text


def test_a_value_read_after_the_loop_stays_in_it():
    rng = np.random.default_rng(4)
    for steps in (0, 1, 4):
        _check(read_after, (rng.normal(size=(3, 4)), rng.normal(size=(steps, 3))), (0, 1))
    text = s2sad.source(read_after, rng.normal(size=(3, 4)), rng.normal(size=(4, 3)))
    assert "ys = np.sin(" in text and "y = ys[t]" in text, text


def test_a_trip_count_not_known_to_be_the_rows_is_not_batched():
    rng = np.random.default_rng(5)
    args = (rng.normal(size=(3, 4)), rng.normal(size=(4, 3)), 3)
    _check(unknown_rows, args, (0, 1))
    assert "x @ W" not in s2sad.source(unknown_rows, *args)


def over_rows(W, x):
    s = 0
    for row in x:
        s += np.sum(np.tanh(row @ W))
    return s


def test_a_loop_over_rows_is_one_product_and_zero_trips_keep_the_start():
    rng = np.random.default_rng(6)
    W = rng.normal(size=(3, 4))
    for steps in (0, 1, 4):
        _check(over_rows, (W, rng.normal(size=(steps, 3))), (0, 1))
    assert type(s2sad.value_and_grad(over_rows)(W, np.ones((0, 3)))[0]) is int
    text = s2sad.source(over_rows, W, rng.normal(size=(4, 3)))
    assert "np.tanh(x @ W)" in text and "for " not in text, text


def smoothed(alpha, x, W):
    level = 0.0
    sse = 0.0
    for t in range(1, x.shape[0], 2):
        error = np.sum(np.sin(x[t] @ W)) - level
        sse = sse + error * error
        level = alpha * np.sum(x[t]) + (1 - alpha) * level
    return sse


def test_a_hoisted_value_is_read_by_trip_number_when_rows_are_skipped():
    rng = np.random.default_rng(7)
    W = rng.normal(size=(3, 4))
    for steps in (0, 1, 2, 3, 6):
        _check(smoothed, (0.3, rng.normal(size=(steps, 3)), W), (0, 1, 2))
    text = s2sad.source(smoothed, 0.3, rng.normal(size=(6, 3)), W)
    assert "x[1::2] @ W" in text and "(t - 1) // 2]" in text, text


def prefix_sums(x, c):
    loss = 0.0
    for t in range(x.shape[0]):
        v = np.sin(x[: t + 1] * c)
        loss += np.sum(v)
    return loss


def growing(x, w):
    h = w
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.concatenate([h, x[t]])
        loss += np.sum(h * h)
    return loss


def fixed_window(x, c):
    loss = 0.0
    for t in range(x.shape[0]):
        v = np.sin(x[t] * c)
        loss += np.sum(v)
    return loss


@pytest.mark.parametrize("fn", [prefix_sums, growing])
def test_values_whose_shape_changes_from_trip_to_trip_are_not_stacked(fn):
    """A kept value whose length grows with the trip would stack into a ragged list, which
    `np.array` refuses where the loop runs: what reads it stays in the loop."""
    rng = np.random.default_rng(8)
    for steps in (0, 1, 5):
        x = rng.normal(size=(steps, 2))
        _check(fn, (x, rng.normal(size=2)), (0, 1))
    text = s2sad.source(fn, rng.normal(size=(5, 2)), rng.normal(size=2))
    assert "np.array(" not in text, text


def test_a_value_of_the_same_shape_on_every_trip_is_still_batched():
    rng = np.random.default_rng(9)
    for steps in (0, 1, 5):
        _check(fixed_window, (rng.normal(size=(steps, 2)), 0.7), (0, 1))
    text = s2sad.source(fixed_window, rng.normal(size=(5, 2)), 0.7)
    assert "for t" not in text and "x * c" in text and "np.sin(" in text, text
