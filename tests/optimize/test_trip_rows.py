"""trip_rows.py: a backward loop's elementwise partial of a value the forward loop stacked
(tanh's `1 - h*h` in the distributed Elman network) is computed for all trips before the
loop and read by row; partials that read anything else stay in the loop. Gradients are
checked against the same network in a `while` loop (never distributed) and central
differences, for zero, one and several trips."""
import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad
from programs.elman import elman, elman_unbatched, network


def scaled(W, U, x, c):
    """tanh's partial times a number the loop reads: `c` joins the partial's operands, so
    the partial reads more than the stacked value and stays in the loop."""
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = c * np.tanh(x[t] @ W + h @ U)
        loss += np.sum(h ** 2)
    return loss


def twice(W, U, x):
    """`h` assigned twice a trip: the value the backward trip restores first is not the
    row the forward trip stacked."""
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        h = np.sin(h)
        loss += np.sum(h ** 2)
    return loss


def test_tanh_partial_is_computed_for_all_trips_before_the_backward_loop():
    code = s2sad.source(elman, *network(np.random.default_rng(0), 6), wrt=(0, 1, 2, 3),
                        mode="gradient")
    backward = code.split("# backward sweep")[1]
    rows, loop = backward.split("for t in reversed(range(")
    assert "hs_term = 1 - hs * hs" in rows
    assert "t9_bar = h_bar * hs_term[t]" in loop and "h_new" not in loop


@pytest.mark.parametrize("steps", [0, 1, 2, 6])
def test_gradient_equals_the_loop_as_written_and_differences(steps):
    """The Elman adjoint with tanh's partial hoisted, and with no tape (shifted_rows.py,
    row_pops.py), equals the loop's and central differences, and numba's."""
    args = network(np.random.default_rng(steps), steps)
    wrt = (0, 1, 2, 3)
    got = s2sad.grad(elman, wrt=wrt)(*args)
    for g, want, w in zip(got, s2sad.grad(elman_unbatched, wrt=wrt)(*args), wrt):
        assert_close(g, want, rtol=1e-12, atol=1e-14)
        assert_close(g, numeric_grad(elman, args, w), rtol=1e-5, atol=1e-7)
    assert_close(s2sad.grad(elman, wrt=wrt, backend="numba")(*args), got, rtol=1e-12,
                 atol=1e-14)


@pytest.mark.parametrize("fn, extra", [(scaled, (0.7,)), (twice, ())])
def test_partials_of_other_values_stay_in_the_loop(fn, extra):
    rng = np.random.default_rng(4)
    W, U, _, _, x, _ = network(rng, 5)
    args = (W, U, x) + extra
    code = s2sad.source(fn, *args, wrt=(0, 1), mode="gradient")
    assert "_term" not in code
    for g, w in zip(s2sad.grad(fn, wrt=(0, 1))(*args), (0, 1)):
        assert_close(g, numeric_grad(fn, args, w), rtol=1e-5, atol=1e-7)


def states_kept(W, U, x):
    """The user's own list of states, one a trip: the rows the passes read by trip."""
    h = np.zeros(U.shape[0])
    states = []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        states.append(h)
    H = np.array(states)
    return np.sum(H ** 2) + np.sum(np.sin(H))


def states_from_the_start(W, U, x):
    """The list starts with the state before the loop: row t is trip t - 1's state."""
    h = np.zeros(U.shape[0])
    states = [h]
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        states.append(h)
    H = np.array(states)
    return np.sum(H ** 2) + np.sum(np.sin(H))


def states_and_one_more(W, U, x):
    """A row appended after the loop: the rows are not the trips' alone."""
    h = np.zeros(U.shape[0])
    states = []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        states.append(h)
    states.append(2.0 * h)
    H = np.array(states)
    return np.sum(H ** 2) + np.sum(np.sin(H))


@pytest.mark.parametrize("fn, by_row", [(states_kept, True), (states_from_the_start, False),
                                        (states_and_one_more, False)])
def test_rows_are_read_by_trip_only_when_the_list_holds_one_row_a_trip(fn, by_row):
    """A list that starts with a value, or gets one after the loop, has rows that are not
    the trips': reading row t as trip t's value gave a wrong gradient (4.8 off for the
    first) where the partial was hoisted."""
    rng = np.random.default_rng(6)
    W, U = rng.normal(size=(3, 4)), 0.5 * rng.normal(size=(4, 4))
    code = s2sad.source(fn, W, U, rng.normal(size=(5, 3)), wrt=(0, 1), mode="gradient")
    assert ("H_term" in code) == by_row and ("h_first" in code) == by_row, code
    for steps in (0, 1, 2, 5):
        args = (W, U, rng.normal(size=(steps, 3)))
        for g, w in zip(s2sad.grad(fn, wrt=(0, 1))(*args), (0, 1)):
            assert_close(g, numeric_grad(fn, args, w), rtol=1e-5, atol=1e-7)
