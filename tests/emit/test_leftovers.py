"""Leftovers of emitting one operation at a time, gone from the generated code in both
modes, with the derivatives of the programs that had them still right (central
differences and the other mode): `1.0 * g` from collected coefficients
(optimize/linear.py), `if not n == 0` for a branch that only its else side needs
(syntax/simplify.negated), a result named `power_1` beside `power` (frontend/lower.py),
and the two partials of a square `y * y` (syntax/simplify.doubled)."""
import math
import re
import sys
from pathlib import Path

import gast

import numpy as np
import pytest

import s2sad
from s2sad.syntax.printer import source
from s2sad.syntax.simplify import negated
from util import numeric_grad, numeric_jvp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
import loops  # noqa: E402


def both_modes(fn, args, wrt=0):
    """The gradient and the tangent along each axis agree with central differences."""
    gradient = s2sad.grad(fn, wrt=wrt)(*args)
    want = numeric_grad(fn, args, wrt)
    assert np.allclose(gradient, want, rtol=1e-6, atol=1e-8)
    seed = np.ones_like(np.asarray(args[wrt], dtype=float))
    _, tangent = s2sad.jvp(fn, wrt=wrt)(*args, seed if seed.ndim else 1.0)
    assert tangent == pytest.approx(numeric_jvp(fn, args, wrt, (seed if seed.ndim else 1.0,)),
                                    rel=1e-6, abs=1e-8)
    assert tangent == pytest.approx(np.sum(gradient * seed))


def elman_arguments():
    rng = np.random.default_rng(3)
    return (rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=(4, 4)),
            rng.normal(size=4), rng.normal(size=(4, 1)), rng.normal(size=(3, 1)))


def test_no_product_by_one_where_another_factor_is_a_float():
    args = elman_arguments()
    text = s2sad.source(loops.elman, *args, wrt=(1, 2, 3))
    assert "1.0 *" not in text and "* 1.0" not in text
    # the loss of every step is summed after the loop (transform/distribute.py)
    assert re.search(r"np\.full_like\(t\d+, loss_bar \* 0\.5\)", text), text
    for position in (1, 2, 3):
        assert np.allclose(s2sad.grad(loops.elman, wrt=position)(*args),
                           numeric_grad(loops.elman, args, position), rtol=1e-6, atol=1e-8)


def count_down(x, n):
    y = 0.0
    for i in range(n):
        y = y + 0.5 * 2 * (x - i)
    return y


def test_a_coefficient_one_stays_where_it_makes_a_float_of_an_integer():
    """`1.0 * i` with `i` an integer is a float, and nothing else in it is."""
    from s2sad.optimize.linear import fold_linear
    loop = gast.parse("for i in range(3):\n    t1 = 0.5 * g\n    x_bar = t1 * 2 * i").body
    assert "x_bar = 1.0 * g * i" in source(fold_linear(loop, {"g", "t1", "i"})[0])
    loop = gast.parse("for i in range(3):\n    t1 = 0.5 * g\n    x_bar = t1 * 2 * v").body
    assert "x_bar = g * v" in source(fold_linear(loop, {"g", "t1", "v"}, floats={"v"})[0])
    both_modes(count_down, (0.7, 4))


def test_a_branch_only_its_else_side_needs_tests_the_opposite_comparison():
    text = s2sad.source(loops.power, 1.5, 3)
    assert "if n != 0:" in text and "if not" not in text
    for n in (0, 1, 4):
        both_modes(loops.power, (1.5, n))


def negation(text, ints=()):
    written = source(negated(gast.parse(text, mode="eval").body, set(ints))).strip()
    return written[1:-1] if written.startswith("(") and written.endswith(")") else written


def test_an_order_is_reversed_only_between_integers():
    """`not a < b` is True when either is NaN, where `a >= b` is False."""
    assert negation("n == 0") == "n != 0"
    assert negation("a != b") == "a == b"
    assert negation("a is None") == "a is not None"
    assert negation("not x") == "x"
    assert negation("n < 3", ints={"n"}) == "n >= 3"
    assert negation("n > m", ints={"n", "m"}) == "n <= m"
    assert negation("x < 3") == "not x < 3"
    assert negation("n < 3.0", ints={"n"}) == "not n < 3.0"
    assert negation("a < b < c", ints={"a", "b", "c"}) == "not a < b < c"
    nan = float("nan")
    assert (not nan < 3.0) is True and (nan >= 3.0) is False


def skip_small(x, n):
    y = x * x
    if n < 2:
        pass
    else:
        y = y * math.sin(x)
    return y


def test_a_branch_on_an_integer_order_in_both_modes():
    text = s2sad.source(skip_small, 0.8, 3)
    assert text.count("if n >= 2:") == 2 and "skip_small_1" not in text
    for n in (1, 2, 5):
        both_modes(skip_small, (0.8, n))


def test_the_result_of_a_function_that_calls_itself_is_not_named_after_it():
    for mode in ("reverse", "forward"):
        text = s2sad.source(loops.power, 1.5, 3, mode=mode)
        assert "power_1" not in text and "result" in text
    assert "def power_adjoint(x, n, result_bar=1.0):" in s2sad.source(loops.power, 1.5, 3)


def squares(x):
    return np.sum(x * x)


def loop_squares(x, n):
    s = 0.0
    for i in range(n):
        y = x * 0.5 + i
        s = s + y * y
    return s


def test_a_square_has_one_partial_in_both_modes():
    x = np.array([0.3, -1.2, 2.0])
    adjoint = s2sad.source(squares, x)
    assert "x_bar = 2 * squares_bar * x" in adjoint and "+=" not in adjoint
    assert "np.sum(2 * x_dot * x)" in s2sad.source(squares, x, mode="forward")
    both_modes(squares, (x,))
    text = s2sad.source(loop_squares, 0.4, 3)
    assert "2 * " in text
    both_modes(loop_squares, (0.4, 3))


def both_branches(x, n):
    if x > 0:
        y = x
    else:
        y = -x
    for i in range(n):
        y = math.sin(y) * 1.5
    return y


def first_in_the_loop(x, n):
    s = 0.0
    for i in range(n):
        y = math.sin(x) * 1.5
        x = y * x
        s = s + y * y
    return s


def test_a_variable_assigned_on_every_path_before_its_save_is_not_set_to_none_first():
    text = s2sad.source(both_branches, 0.7, 3)
    assert "None" not in text and "push(y)" in text
    for x in (0.7, -0.4):
        for n in (0, 3):
            both_modes(both_branches, (x, n))


def test_a_variable_a_save_may_find_unassigned_is_set_to_none_first():
    """The first trip saves `y` before the loop has assigned it: `y = None` is needed."""
    text = s2sad.source(first_in_the_loop, 0.6, 3)
    assert "y = None" in text
    for n in (0, 1, 4):
        both_modes(first_in_the_loop, (0.6, n))


def energy(x, k):
    r = k * x * x
    s = math.sqrt(r)
    return s + math.log(1.0 + r)


def test_a_guarded_partial_whose_seed_is_one_loses_its_guard():
    """`g * 0.5 / out if g else 0.0` (a zero seed gives 0, not 0 * inf) with the gradient's
    seed 1.0 is `0.5 / out`; the adjoint, whose seed is an argument, keeps the guard, and
    with a zero seed still gives 0 where the square root's partial is infinite."""
    text = s2sad.source(energy, 0.5, 2.0, mode="gradient")
    assert "r_bar = t2_bar + 0.5 / s" in text and " if " not in text
    assert " if energy_bar else 0.0" in s2sad.source(energy, 0.5, 2.0)
    both_modes(energy, (0.5, 2.0))
    _, (x_bar, k_bar) = s2sad.compiled(energy, 0.0, 2.0, wrt=(0, 1))(0.0, 2.0, 0.0)
    assert (x_bar, k_bar) == (0.0, 0.0)
