"""What the adjoint's stack holds: exactly what the to-be-recorded analysis promises.

The generated source is run with its stack replaced by a list that counts what is pushed,
so these tests see the real forward sweep, not a model of it.
"""
import os
import sys

import numpy as np

import s2sad
from s2sad import runtime
from util import assert_close, numeric_grad

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "samples"))
import loops  # noqa: E402


class Recording(list):
    """A stack that remembers every value pushed and its greatest depth."""
    last = None

    def __init__(self):
        super().__init__()
        self.pushed = []
        self.depth = 0
        Recording.last = self

    def append(self, value):
        self.pushed.append(value)
        super().append(value)
        self.depth = max(self.depth, len(self))


def recorded(fn, *args, wrt=0):
    """Run the generated adjoint of `fn` with a recording stack: (value, grad, stack)."""
    text = s2sad.source(fn, *args, wrt=wrt).split("\n\n\n")[0]
    namespace = dict(fn.__globals__, _Recording=Recording, **runtime.HELPERS)
    Recording.last = None
    exec(text.replace("stack = []", "stack = _Recording()"), namespace)
    value, grad = namespace[fn.__name__ + "_adjoint"](*args)
    return value, grad, Recording.last


def test_logistic_map_saves_one_float_per_trip():
    value, grad, stack = recorded(loops.logistic_map, 0.3, 1000)
    assert len(stack.pushed) == 1000
    assert all(type(v) is float for v in stack.pushed)
    assert stack.depth == 1000 and len(stack) == 0
    assert_close(value, loops.logistic_map(0.3, 1000), rtol=0, atol=0)
    x, by_hand = 0.3, 1.0
    for _ in range(1000):
        by_hand *= 3.9 * (1 - 2 * x)
        x = 3.9 * x * (1 - x)
    assert_close(grad, by_hand, rtol=1e-9, atol=0)


def test_saved_values_are_the_trajectory():
    """The values saved are x_0 ... x_{n-1}: the inputs of each trip's derivative."""
    _, _, stack = recorded(loops.logistic_map, 0.3, 5)
    x, expected = 0.3, []
    for _ in range(5):
        expected.append(x)
        x = 3.9 * x * (1 - x)
    assert stack.pushed == expected


def test_linear_accumulation_saves_nothing():
    """`s += x[i] * x[i]`: s is used linearly and x never overwritten."""
    x = np.linspace(0.5, 1.5, 1000)
    text = s2sad.source(loops.loop_sum_of_squares, x)
    assert "stack" not in text
    assert_close(s2sad.grad(loops.loop_sum_of_squares)(x), 2 * x, rtol=0, atol=0)


def test_in_place_prefix_sum_saves_nothing():
    """y[i] = y[i-1] + y[i] is linear in the overwritten element."""
    text = s2sad.source(loops.prefix_sum_energy, np.arange(4.0))
    assert "stack" not in text and "_saved" not in text


def test_elman_network_tapes_nothing():
    """The output layer runs for all steps after the loop (transform/distribute.py), which
    keeps the recurrence's states as the rows of one array; the state each step started
    from, which the tape would hold, is read from those rows (optimize/shifted_rows.py):
    no stack is made at all."""
    rng = np.random.default_rng(3)
    steps, inputs, hidden = 5, 2, 4
    args = (rng.normal(size=(steps, inputs)), rng.normal(size=(inputs, hidden)),
            0.5 * rng.normal(size=(hidden, hidden)), rng.normal(size=hidden),
            rng.normal(size=(hidden, 1)), rng.normal(size=(steps, 1)))
    value, grads, stack = recorded(loops.elman, *args, wrt=(1, 2))
    assert stack is None
    assert_close(value, loops.elman(*args), rtol=1e-13, atol=0)
    for grad, position in zip(grads, (1, 2)):
        assert_close(grad, numeric_grad(loops.elman, args, position), rtol=1e-6, atol=1e-8)


def test_nonlinear_overwrite_in_straight_line_code_is_kept_in_a_variable():
    def f(x):
        y = x * 1.0
        z = y * y
        for i in range(3):
            y = y + 1.0
        return z + y
    text = s2sad.source(f, 0.5)
    assert "stack" not in text
    assert_close(s2sad.grad(f)(0.5), 2 * 0.5 + 1, rtol=1e-15, atol=0)


def test_value_read_before_a_loop_that_overwrites_it_is_saved():
    def f(x):
        z = x * x
        for i in range(3):
            x = np.sin(x)
        return z * x
    value, grad, stack = recorded(f, 0.7)
    assert len(stack.pushed) == 3
    x3 = np.sin(np.sin(np.sin(0.7)))
    d3 = np.cos(0.7) * np.cos(np.sin(0.7)) * np.cos(np.sin(np.sin(0.7)))
    assert_close(grad, 2 * 0.7 * x3 + 0.49 * d3, rtol=1e-14, atol=0)


def test_branch_decisions_inside_a_loop_are_replayed():
    """A test that reads a value its own branch overwrites cannot be re-evaluated: the
    forward sweep pushes which way it went."""
    def f(x, n):
        for i in range(n):
            if x > 1.0:
                x = x / 3.0
            else:
                x = x * x + 1.0
        return x
    _, grad, stack = recorded(f, 0.5, 4)
    assert sum(type(v) is bool for v in stack.pushed) == 4
    h = 1e-6
    assert_close(grad, (f(0.5 + h, 4) - f(0.5 - h, 4)) / (2 * h), rtol=1e-6, atol=0)
