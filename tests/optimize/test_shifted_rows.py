"""shifted_rows.py: the `h` before each trip, which the backward loop popped only to keep
it for the recurrent weight's product after the loop, is read from the rows the
distributed forward loop stacked, shifted by one trip; the tape goes. The Elman gradients, which this code computes,
are checked in test_trip_rows.py against the network in a `while` loop (never
distributed), central differences and the numba backend, for zero, one, two and several
trips; programs where the popped value is read for anything else keep their tape, and
their gradients are checked here."""
import numpy as np
import pytest

import s2sad
from programs.elman import elman, network
from util import assert_close, numeric_grad


def squared_state(W, U, x):
    """The recurrence reads `h * h`: its adjoint needs the popped `h` itself."""
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + (h * h) @ U)
        loss += np.sum(h ** 2)
    return loss


def read_before(b, W, U, x):
    """The adjoint of `h * h`, before the loop, reads the `h` the pops restore after the
    backward loop."""
    h = np.tanh(b)
    loss = np.sum(h * h)
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        loss += np.sum(h ** 2)
    return loss


def test_the_elman_adjoint_keeps_no_tape():
    code = s2sad.source(elman, *network(np.random.default_rng(0), 6), wrt=(0, 1, 2, 3),
                        mode="gradient")
    assert "push" not in code and "= pop()" not in code and "stack" not in code, code
    forward, backward = code.split("# backward sweep")
    assert "h_first = h\n    for t in range(" in forward, code
    assert "U_bar += np.concatenate((hs[-2::-1], h_first[None])).T @ U_bar_right" in \
        backward and "U_bar_left" not in code and "if h_trips:" in backward, code


@pytest.mark.parametrize("fn", [squared_state, read_before])
def test_a_popped_value_read_for_anything_else_keeps_the_tape(fn):
    rng = np.random.default_rng(3)
    W, U, b, _, x, _ = network(rng, 5)
    args = (W, U, x) if fn is squared_state else (b, W, U, x)
    wrt = tuple(range(len(args) - 1))
    code = s2sad.source(fn, *args, wrt=wrt, mode="gradient")
    assert "push(h)" in code and "h = pop()" in code and "h_first" not in code, code
    for steps in (0, 1, 5):
        part = args[:-1] + (x[:steps],)
        for g, w in zip(s2sad.grad(fn, wrt=wrt)(*part), wrt):
            assert_close(g, numeric_grad(fn, part, w), rtol=1e-5, atol=1e-7)
