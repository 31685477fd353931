"""The incoming adjoint of a loop's number statement taken out of the sum it feeds
(s2sad/optimize/scalar_factors.py): single-use number adjoints factored in a loop, and
what is left alone (more than one incoming adjoint, an adjoint read twice, adjoints that
are not numbers, an operand that changes between), and straight-line code keeping its
named adjoints."""
import gast

from s2sad.syntax.printer import source


def factor(text, numbers=("x_bar", "t1_bar", "t2_bar", "y_bar")):
    loop = gast.parse("for i in range(3):\n" + "".join(
        "    " + line + "\n" for line in text.split("\n"))).body
    from s2sad.optimize.scalar_factors import factor_scalars
    return "\n".join(source(s).strip() for s in factor_scalars(loop, set(numbers))[0].body)


def test_single_use_number_adjoints_are_factored_in_a_loop():
    assert factor("t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar * 3.9 - t2_bar") \
        == "x_bar = x_bar * (t2 * 3.9 - t1)"


def test_factoring_needs_one_incoming_adjoint_single_uses_and_numbers():
    kept = "t1_bar = x_bar * t2\nt2_bar = y_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept) == kept
    kept = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar\ny_bar = t1_bar"
    assert factor(kept) == kept
    kept = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept, numbers=("x_bar", "t1_bar")) == kept
    kept = "t1_bar = x_bar * t2\nt2 = 5.0\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept) == kept


def test_straight_line_code_keeps_its_named_adjoints():
    from s2sad.optimize.scalar_factors import factor_scalars
    text = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar * 3.9 - t2_bar"
    out = factor_scalars(gast.parse(text).body, {"x_bar", "t1_bar", "t2_bar"})
    assert "\n".join(source(s).strip() for s in out) == text
