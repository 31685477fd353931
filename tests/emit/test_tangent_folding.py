"""The tangent's temporaries written back into the user's own lines
(optimize/forward_folding.py over the tangent, emit/assemble.py `TangentBuilder._folded`):
what goes back (a temporary one later line alone reads, a loop's bound), what stays named
(a temporary the value and its tangent both read, the user's variables, a tangent that
reads a value the next line overwrites), and the derivatives of the folded code against
central differences and the adjoint."""
import re
import sys
from pathlib import Path

import gast

import numpy as np
import pytest

import s2sad
from s2sad.optimize.forward_folding import fold_forward
from s2sad.syntax.printer import source
from util import numeric_grad, numeric_jvp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
import loops  # noqa: E402


def elman_arguments():
    rng = np.random.default_rng(0)
    return (rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=(4, 4)),
            rng.normal(size=4), rng.normal(size=(4, 1)), rng.normal(size=(3, 1)))


def test_the_elman_tangent_reads_like_the_users_code():
    text = s2sad.source(loops.elman, *elman_arguments(), wrt=(1, 2, 3), mode="forward")
    assert "h = np.zeros(U.shape[0])" in text
    assert "for t in range(x.shape[0]):" in text
    # the input layer and the output layer run for all steps at once
    # (transform/distribute.py), the recurrence reads its row of the input layer
    assert re.search(r"\n        h = np\.tanh\(t\d+\[t\] \+ h @ U\)\n", text), text
    assert "ys = 1.0 / " in text and "0.5 * np.sum(t" in text, text
    assert "x.shape\n" not in text and "t3" not in text
    # the tangent reads the old `h`: it stays before the line that overwrites it
    lines = [line.strip() for line in text.splitlines()]
    tangent = next(i for i, line in enumerate(lines) if line.startswith("t9_dot ="))
    assert "h @ U_dot" in lines[tangent] and lines[tangent + 1].startswith("h = np.tanh(")


def test_the_folded_elman_tangent_is_the_derivative():
    args = elman_arguments()
    rng = np.random.default_rng(1)
    tangents = tuple(rng.normal(size=args[i].shape) for i in (1, 2, 3))
    value, tangent = s2sad.jvp(loops.elman, wrt=(1, 2, 3))(*args, tangents)
    assert value == pytest.approx(loops.elman(*args))
    assert tangent == pytest.approx(numeric_jvp(loops.elman, args, (1, 2, 3), tangents),
                                    rel=1e-6, abs=1e-9)
    gradients = s2sad.grad(loops.elman, wrt=(1, 2, 3))(*args)
    assert tangent == pytest.approx(sum(np.sum(g * t) for g, t in zip(gradients, tangents)))


def test_a_temporary_the_value_and_its_tangent_both_read_stays_named():
    text = s2sad.source(loops.logistic_map, 0.3, 10, mode="forward")
    assert "t1 = 3.9 * x\n" in text and "t2 = 1 - x\n" in text
    assert "x_dot = 3.9 * x_dot * t2 - t1 * x_dot" in text
    assert "t1_dot" not in text and "t2_dot" not in text


def sines(x, n):
    s = 0.0
    y = x * x
    for i in range(n):
        u = np.sin(y) * 2.0
        s = s + u
        y = y * 0.5
    return s


def test_the_users_variables_keep_their_lines():
    text = s2sad.source(sines, 0.7, 4, mode="forward")
    assert "u = np.sin(y) * 2.0" in text and "y = x * x" in text


@pytest.mark.parametrize("x", [0.7, -1.3])
def test_folded_tangents_in_loops_against_central_differences(x):
    for fn, args in ((loops.logistic_map, (x, 6)), (loops.damped_sines, (x, 5)),
                     (loops.scaled_power, (x, 0.3, 4)), (sines, (x, 4))):
        value, tangent = s2sad.jvp(fn)(*args, 1.0)
        assert tangent == pytest.approx(numeric_jvp(fn, args, 0, (1.0,)), rel=1e-6)
        assert tangent == pytest.approx(s2sad.grad(fn)(*args))


def prefix_products(x):
    y = x.copy()
    for i in range(1, len(y)):
        y[i] = y[i] * y[i - 1] + np.sin(y[i - 1])
    return np.sum(y * y)


def test_element_reads_written_back_into_an_element_write():
    x = np.array([0.3, -0.4, 0.9, 1.1])
    text = s2sad.source(prefix_products, x, mode="forward")
    assert "for i in range(1, len(y)):" in text
    tangent = np.array([0.2, 1.0, -0.5, 0.1])
    _, got = s2sad.jvp(prefix_products)(x, tangent)
    assert got == pytest.approx(numeric_jvp(prefix_products, (x,), 0, (tangent,)), rel=1e-6)
    assert got == pytest.approx(s2sad.grad(prefix_products)(x) @ tangent)
    assert s2sad.grad(prefix_products)(x) == pytest.approx(
        numeric_grad(prefix_products, (x,)), rel=1e-6)


def loop(text, numbers=("t1", "t2"), pure=("np.sin", "push")):
    body = gast.parse("for i in range(3):\n" + "".join(
        "    " + line + "\n" for line in text.split("\n"))).body
    return "\n".join(source(s).strip() for s in fold_forward(body, set(numbers), set(),
                                                             set(pure))[0].body)


def test_an_element_read_does_not_move_past_a_write_that_may_reach_it():
    for kept in ("t1 = x[0]\nv[0] = 2.0\nh = t1 * 2.0",     # v may be a view of x
                 "t1 = x[0]\nv += 1.0\nh = t1 * 2.0",       # an update in place
                 "t1 = x[0]\nnp.add.at(x, 0, 1.0)\nh = t1 * 2.0"):   # a call that writes
        assert loop(kept) == kept, kept
    assert loop("t1 = x[0]\npush(h)\nh = t1 * 2.0") == "push(h)\nh = x[0] * 2.0"
    assert loop("t1 = a * 2.0\nv[0] = 2.0\nh = t1 * 2.0") == "v[0] = 2.0\nh = a * 2.0 * 2.0"


def test_a_loop_bound_goes_into_the_for_but_not_into_a_while():
    body = gast.parse("t1 = len(y)\nfor i in range(t1):\n    s = s + y[i]").body
    folded = fold_forward(body, set(), set(), {"len"}, arrays={"t1"})
    assert source(folded[0]).startswith("for i in range(len(y)):")
    kept = "t1 = len(y)\nwhile i < t1:\n    i = i + 1"
    folded = fold_forward(gast.parse(kept).body, set(), set(), {"len"}, arrays={"t1"})
    assert "\n".join(source(s).strip() for s in folded).startswith("t1 = len(y)")


def filtered(q, r, y):
    mean, var = y[0], r
    for t in range(1, len(y)):
        var = var + q
        gain = var / (var + r)
        mean = mean + gain * (y[t] - mean)
    return mean * var


def test_a_temporary_copying_a_name_goes_back_into_its_reader():
    y = np.array([0.3, 1.2, -0.4])
    text = s2sad.source(filtered, 0.2, 0.5, y, wrt=(0, 1), mode="forward")
    assert "var_dot = r_dot\n" in text and "var = r\n" in text
    for position in (0, 1):
        _, tangent = s2sad.jvp(filtered, wrt=position)(0.2, 0.5, y, 1.0)
        assert tangent == pytest.approx(numeric_jvp(filtered, (0.2, 0.5, y), position, (1.0,)),
                                        rel=1e-6)
        assert tangent == pytest.approx(s2sad.grad(filtered, wrt=position)(0.2, 0.5, y))
