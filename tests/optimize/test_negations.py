"""Negations folded into the statements that read them (s2sad/optimize/negations.py),
on statements written by hand: what is rewritten (a negated temporary into a subtraction,
a double negation, the sign taken outside a linear helper or onto a number factor), what
must be left alone (a temporary read twice, an operand that changes, numbers, calls that
are not pure), and the generated gradient of a logistic NLL negating its small result,
checked against central differences."""
import gast
import numpy as np

import s2sad
from s2sad.optimize.negations import fold_negations
from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


def fold(text, arrays=("t_bar", "u_bar", "x_bar", "y_bar"), readers="", **options):
    statements = gast.parse(text).body
    extra = gast.parse(readers).body
    folded = fold_negations(statements, set(arrays), extra, **options)
    return lines(folded)


def test_a_negated_temporary_becomes_a_subtraction():
    assert fold("t_bar = -g\nx_bar += t_bar * 2 * y") == "x_bar -= g * 2 * y"
    assert fold("t_bar = -g\nx_bar = a + t_bar * y") == "x_bar = a - g * y"
    assert fold("t_bar = -g\nx_bar = t_bar / y") == "x_bar = -(g / y)"


def test_double_negation_cancels():
    assert fold("t_bar = -g\nu_bar = -t_bar\nx_bar += u_bar * y") == \
        "u_bar = g\nx_bar += u_bar * y"


def test_left_alone_when_read_twice_or_the_operand_changes():
    assert fold("t_bar = -g\nx_bar += t_bar\ny_bar += t_bar").count("t_bar") == 3
    assert fold("t_bar = -g\ng = h\nx_bar += t_bar").startswith("t_bar = -g")
    assert fold("t_bar = -g", readers="f(t_bar)") == "t_bar = -g"


def test_left_alone_for_numbers_and_across_calls_that_are_not_pure():
    assert fold("t_bar = -g\nx_bar += t_bar", arrays=("x_bar",)) == \
        "t_bar = -g\nx_bar += t_bar"
    assert fold("t_bar = -pop()\nx_bar += t_bar").startswith("t_bar = -pop()")
    assert fold("t_bar = -np.exp(a)\nx_bar += t_bar", pure={"np.exp"}) == \
        "x_bar -= np.exp(a)"


def test_a_linear_helper_takes_the_sign_outside():
    assert fold("t_bar = unbroadcast(-(g * a), s)\nx_bar = t_bar @ X",
                linear={"unbroadcast"}, pure={"unbroadcast"}) == \
        "x_bar = -(unbroadcast(g * a, s) @ X)"


def logistic(w, X, y):
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def test_generated_code_negates_the_small_result_not_the_large_intermediate():
    """The NLL's two negations (of the margin, of its adjoint) fold into one, applied to
    the 3-element gradient rather than to the 50-element adjoint of the margin; `y` and
    the rows of `X` have the same length, so nothing is unbroadcast."""
    rng = np.random.default_rng(0)
    w, X, y = rng.normal(size=3), rng.normal(size=(50, 3)), rng.integers(0, 2, 50) * 1.0
    text = s2sad.source(logistic, w, X, y)
    assert "w_bar = -(t4_bar * t2 @ X)" in text and "margin_bar" not in text, text
    h = 1e-6
    want = [(logistic(w + h * e, X, y) - logistic(w - h * e, X, y)) / (2 * h)
            for e in np.eye(3)]
    np.testing.assert_allclose(s2sad.grad(logistic)(w, X, y), want, rtol=1e-7)


def test_a_negated_scaled_array_negates_the_number():
    text = "w_bar = g * 2 * t\nv_bar = -w_bar\nx_bar += v_bar * y\ny_bar = v_bar"
    arrays = ("w_bar", "v_bar", "x_bar", "y_bar")
    assert fold(text, arrays=arrays, numbers={"g"}) == \
        "v_bar = -(g * 2) * t\nx_bar += v_bar * y\ny_bar = v_bar"
    assert fold(text, arrays=arrays, numbers=set()) == text
    kept = "w_bar = g * 2 * t\ng = 3.0\nv_bar = -w_bar"
    assert fold(kept, arrays=("w_bar", "v_bar"), numbers={"g"}) == kept
