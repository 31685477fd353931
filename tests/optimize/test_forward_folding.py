"""Temporaries of the forward sweep written back into the line that reads them
(s2sad/optimize/forward_folding.py): number temporaries in a loop and array temporaries in
straight-line code, what must stay named (a temporary needed later or read twice, inputs
that may change between, a call not known to be pure), and a network's gradient whose
forward sweep is the user's own line and that holds less memory, checked against central
differences."""
import gast
import numpy as np
import pytest

import s2sad
from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


def forward(text, numbers=("t1", "t2", "t3"), needed=()):
    from s2sad.optimize.forward_folding import fold_forward
    loop = gast.parse("for i in range(3):\n" + "".join(
        "    " + line + "\n" for line in text.split("\n"))).body
    return "\n".join(source(s).strip()
                     for s in fold_forward(loop, set(numbers), set(needed))[0].body)


def test_forward_temporaries_the_backward_sweep_recomputes_are_written_back():
    assert forward("t1 = 3.9 * x\nt2 = 1 - x\npush(x)\nx = t1 * t2") == \
        "push(x)\nx = 3.9 * x * (1 - x)"


def test_forward_temporaries_stay_where_needed_or_their_inputs_change():
    kept = "t1 = 3.9 * x\nx = t1 * 2.0"
    assert forward(kept, needed=("t1",)) == kept
    kept = "t1 = y[i]\ny[i] = 0.0\nx = t1 * 2.0"
    assert forward(kept) == kept
    kept = "t1 = 3.9 * x\nx = t1 * 2.0\nz = t1"
    assert forward(kept) == kept
    kept = "t1 = f(x)\nx = t1 * 2.0"
    assert forward(kept) == kept


PURE = {"np.tanh", "np.exp", "np.zeros", "push"}


def arrays_back(text, arrays=("t1", "t2", "t3"), needed=(), numbers=()):
    from s2sad.optimize.forward_folding import fold_forward
    statements = fold_forward(gast.parse(text).body, set(numbers), set(needed), PURE,
                              arrays=set(arrays))
    return lines(statements)


def test_array_temporaries_go_back_into_their_reader_in_straight_line_code():
    assert arrays_back("t1 = X @ W\nt2 = t1 + b\nh = np.tanh(t2)") == \
        "h = np.tanh(X @ W + b)"
    assert arrays_back("t1 = U.shape\nt2 = t1[0]\nh = np.zeros(t2)") == \
        "h = np.zeros(U.shape[0])"
    assert arrays_back("t1 = x @ W\npush(h)\nh = np.tanh(t1 + h)") == \
        "push(h)\nh = np.tanh(x @ W + h)"
    # number temporaries keep their Wengert lines outside loops
    assert arrays_back("u = a * b\nv = u + c", arrays=(), numbers=("u",)) == \
        "u = a * b\nv = u + c"


def test_array_temporaries_stay_where_something_between_may_change_them():
    kept = [
        "t1 = x[1:]\nx[0] = 0.0\nh = t1 * 2.0",        # an element write between
        "t1 = x[1:]\ny[0] = 0.0\nh = t1 * 2.0",        # y may be a view of x
        "t1 = x[1:]\nz += 1.0\nh = t1 * 2.0",          # an update in place between
        "t1 = x[1:]\nz = f(x)\nh = t1 * 2.0",          # a call that may write x
        "t1 = x[1:]\nf(x)\nh = t1 * 2.0",
        "t1 = x * 2.0\nh = g(f(x), t1)",               # the reader calls f first
        "t1 = x * 2.0\nx = y\nh = t1 + 1.0",           # what it reads is assigned
        "t1 = x * 2.0\nh = t1 + t1",                   # read twice
        "t1 = f(x)\nh = t1 + 1.0",                     # not known to be pure
    ]
    for text in kept:
        assert arrays_back(text) == text, text
    assert arrays_back("t1 = x * 2.0\nh = t1 + 1.0", needed=("t1",)) == \
        "t1 = x * 2.0\nh = t1 + 1.0"


def mlp(W, b, v, X):
    hidden = np.tanh(X @ W + b)
    return np.sum(np.logaddexp(0.0, -(hidden @ v)))


def test_the_gradient_computes_the_users_expressions_and_holds_less_memory():
    """The forward sweep of a network's gradient is the network's own line, and the
    arrays the gradient holds at once shrink: a named temporary lives until return, and
    the backward sweep updates arrays in place (float64)."""
    import tracemalloc
    rng = np.random.default_rng(1)
    W, b, v, X = rng.normal(size=(10, 64)), rng.normal(size=64), rng.normal(size=64), \
        rng.normal(size=(2000, 10))
    grad = s2sad.grad(mlp, wrt=(0, 1, 2))
    assert "hidden = np.tanh(X @ W + b)" in s2sad.source(mlp, W, b, v, X, mode="gradient")
    grad(W, b, v, X)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        W_bar, b_bar, v_bar = grad(W, b, v, X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 3.5 * hidden_bytes(X, W)
    h = 1e-6
    for k in [(0, 0), (3, 7), (9, 63)]:
        up, down = W.copy(), W.copy()
        up[k] += h
        down[k] -= h
        assert W_bar[k] == pytest.approx((mlp(up, b, v, X) - mlp(down, b, v, X)) / (2 * h),
                                         rel=1e-6, abs=1e-7)


def hidden_bytes(X, W):
    return X.shape[0] * W.shape[1] * 8
