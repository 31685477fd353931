"""A quotient the backward sweep has computed, read again rather than divided again
(s2sad/optimize/quotients.py): the quotient rule's second adjoint reading the first, what
must be left alone (an operand or the quotient changed, an array adjoint, another form),
and the derivatives of a quotient dividing once in both modes, with the analytic values."""
import math

import gast
import pytest

import s2sad
from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


def quotients(text, numbers=("q", "x1_bar", "x2_bar")):
    from s2sad.optimize.quotients import reuse_quotients
    statements = reuse_quotients(gast.parse(text).body, set(numbers))
    return lines(statements)


def test_the_quotient_rules_second_adjoint_reads_the_first():
    assert quotients("x1_bar = g / b\nx2_bar -= g * t / b") == \
        "x1_bar = g / b\nx2_bar -= x1_bar * t"
    assert quotients("q = g / b\nw = a + 1.0\nx2_bar = h + g * (t + 1.0) / b") == \
        "q = g / b\nw = a + 1.0\nx2_bar = h + q * (t + 1.0)"
    kept = [
        "x1_bar = g / b\ng = 2.0\nx2_bar -= g * t / b",    # g changed
        "x1_bar = g / b\nb = 2.0\nx2_bar -= g * t / b",    # b changed
        "x1_bar = g / b\nx1_bar += 1.0\nx2_bar -= g * t / b",  # the quotient changed
        "x1_bar = x1_bar / b\nx2_bar -= x1_bar * t / b",   # the quotient is g itself
        "x1_bar = g / b\nx2_bar -= t * g / b",             # another form: left alone
    ]
    for text in kept:
        assert quotients(text) == text, text
    assert quotients("u_bar = g / b\nx2_bar -= g * t / b") == \
        "u_bar = g / b\nx2_bar -= g * t / b"    # an array may be updated through a view
    loop = "for i in range(3):\n    x1_bar = g / b\n    x2_bar -= g * t / b"
    assert quotients(loop).endswith("x2_bar -= x1_bar * t")


def test_a_quotients_derivatives_divide_once():
    """d(a/b) in both modes: one division for the two partials besides the quotient
    itself, and the analytic values."""
    def ratio(a, b):
        return a / b * math.exp(b)
    text = s2sad.source(ratio, 1.5, 0.5, wrt=(0, 1), mode="gradient")
    tangent = s2sad.source(ratio, 1.5, 0.5, wrt=(0, 1), mode="forward")
    assert text.count(" / ") == 2 and tangent.count(" / ") == 2, (text, tangent)
    a, b = 1.5, 0.5
    expected = (math.exp(b) / b, -a / b ** 2 * math.exp(b) + a / b * math.exp(b))
    assert s2sad.grad(ratio, wrt=(0, 1))(a, b) == pytest.approx(expected, rel=1e-14)
    assert s2sad.jvp(ratio, wrt=(0, 1))(a, b, (0.3, -0.7))[1] == pytest.approx(
        0.3 * expected[0] - 0.7 * expected[1], rel=1e-14)
