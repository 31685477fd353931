"""An Elman recurrent network (a loop over time steps with matrix products): gradients for
every parameter at once, by position and by name, and one step against the hand
derivative."""
import numpy as np
import pytest

import s2sad
from programs.control_flow.elman import ELMAN_ARGS, elman, elman_rows_loss
from util import assert_close, numeric_grad


@pytest.mark.parametrize("fn", [elman, elman_rows_loss])
def test_elman_gradient_all_parameters(fn):
    value, got = s2sad.value_and_grad(fn, wrt=(0, 1, 2, 3))(*ELMAN_ARGS)
    assert_close(value, fn(*ELMAN_ARGS), rtol=1e-12)
    assert all(g.shape == a.shape for g, a in zip(got, ELMAN_ARGS))
    assert_close(got, numeric_grad(fn, ELMAN_ARGS, (0, 1, 2, 3)))


def test_elman_gradient_by_name_in_any_order():
    got = s2sad.grad(elman, wrt=("b", "Wh"))(*ELMAN_ARGS)
    assert_close(got, numeric_grad(elman, ELMAN_ARGS, (3, 2)))


def test_elman_one_step_matches_hand_derivative():
    x, Wx, Wh, b = ELMAN_ARGS
    x1 = x[:1]
    h = np.tanh(x1[0] @ Wx + b)
    dz = 2 * h * (1 - h * h)
    gx, gWx, gWh, gb = s2sad.grad(elman, wrt=(0, 1, 2, 3))(x1, Wx, Wh, b)
    assert_close(gb, dz, rtol=1e-12)
    assert_close(gWx, np.outer(x1[0], dz), rtol=1e-12)
    assert_close(gWh, np.zeros_like(Wh))
    assert_close(gx, (Wx @ dz)[None, :], rtol=1e-12)
