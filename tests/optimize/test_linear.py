"""In a loop's backward sweep, a number expression linear in one variable is collected as
`a + b * x` with the single-use temporaries it reads (s2sad/linear.py): what is
rewritten, what must not be, and loop gradients checked against central differences and
against the derivative written by hand."""
import math

import gast
import pytest

import s2sad
from s2sad.optimize.linear import fold_linear
from s2sad.syntax.printer import source
from util import numeric_grad

NUMBERS = ("x", "y", "t1", "t2", "t3", "x_bar", "i")


def collected(text, numbers=NUMBERS, loop=True):
    body = "".join("    " + line + "\n" for line in text.split("\n"))
    tree = gast.parse(("for k in range(3):\n" + body) if loop else text).body
    out = fold_linear(tree, set(numbers))
    statements = out[0].body if loop else out
    return "\n".join(source(s).strip() for s in statements)


def test_the_logistic_step_is_collected():
    assert collected("x = pop()\nt1 = 3.9 * x\nt2 = 1 - x\nx_bar = x_bar * (t2 * 3.9 - t1)") \
        == "x = pop()\nx_bar = x_bar * (3.9 - 7.8 * x)"


@pytest.mark.parametrize("text, want", [
    ("y = (x - 1.0) * 2.0 + x", "y = 3.0 * x - 2.0"),
    ("y = -(x * 0.5) - x / 2", "y = -(1.0 * x)"),
    ("y = 2 * x + 3 * x", "y = 5 * x"),
    ("t1 = x * 2.0\ny = x_bar * (t1 - x)", "y = x_bar * (1.0 * x)"),
])
def test_linear_forms_are_written_as_a_person_would(text, want):
    assert collected(text) == want


@pytest.mark.parametrize("text", [
    # nothing to gain
    "y = 3.9 - 7.8 * x",
    "y = x_bar * x",
    # not linear
    "y = (1 - x) * x",
    "y = math.sin(x) * 2.0 + 1.0",
    # two variables
    "y = 2.0 * x + y * 3.0 - x",
    # terms that cancel: x - x is nan at x = inf
    "y = x + 1.0 - x",
    # a coefficient that reads worse than its literals
    "y = 0.1 * x + 0.2 * x + 1.0",
    # the temporary is read twice, or its input changes before the read
    "t1 = 3.9 * x\nt2 = 1 - x\ny = t2 * 3.9 - t1\nz = t1",
    "t1 = 3.9 * x\nx = pop()\ny = 1 - x - t1",
    # an array name is not a number
    "y = (a - 1.0) * 2.0 + a",
])
def test_left_alone(text):
    assert collected(text) == text


def test_straight_line_code_keeps_its_wengert_form():
    text = "t1 = 3.9 * x\nt2 = 1 - x\nx_bar = x_bar * (t2 * 3.9 - t1)"
    assert collected(text, loop=False) == text


def logistic_map(x, n):
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def damped(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x) * 0.5
        x = 0.5 * x + 0.25 * (1.0 - x) + 0.1
    return s + x


@pytest.mark.parametrize("fn, args", [(logistic_map, (0.3, 8)), (damped, (0.7, 5)),
                                      (logistic_map, (0.3, 0))])
def test_loop_gradients_stay_exact(fn, args):
    g = s2sad.grad(fn)(*args)
    assert g == pytest.approx(numeric_grad(fn, args, 0), rel=1e-6, abs=1e-9)
    assert s2sad.value_and_grad(fn)(*args)[1] == pytest.approx(g, rel=1e-13)
    assert s2sad.jvp(fn)(*args, 1.0)[1] == pytest.approx(g, rel=1e-12, abs=1e-300)


def test_logistic_map_derivative_is_the_product_of_the_steps():
    x, want = 0.3, 1.0
    for _ in range(200):
        want *= 3.9 * (1 - 2 * x)
        x = 3.9 * x * (1 - x)
    assert s2sad.grad(logistic_map)(0.3, 200) == pytest.approx(want, rel=1e-9)
    assert "3.9 - 7.8 * x" in s2sad.source(logistic_map, 0.3, 200, mode="gradient")
