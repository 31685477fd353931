"""The adjoint `grad` runs takes no seed: it starts from 1.0 and carries that number into
the statements that read it. Checked: the gradients against central differences and the
adjoint with a seed; that no array the caller gets back aliases an argument; that a
multiplication by 1.0 stays where it makes integers or booleans floats; and the cases
where a name must not be replaced, on generated code directly."""
import textwrap

import gast
import numpy as np
import pytest

import s2sad
from s2sad.ir import kinds as K
from s2sad import pipeline
from s2sad.optimize.constants import propagate
from s2sad.syntax.printer import source as unparse
from util import numeric_grad


def squared_error(y, z):
    total = 0.0
    for t in range(z.shape[0]):
        p = 1.0 / (1.0 + np.exp(-y[t]))
        total += 0.5 * np.sum((p - z[t]) ** 2)
    return total


def dot_self(x):
    return np.dot(x, x)


def masked(a):
    return np.sum(np.greater(a, 0.0) * a)


def scaled(x):
    return 3.0 * x


def weighted(x, counts):
    return np.sum(x * counts) + np.sum(x * x)


def no_trips(x, n):
    s = 0.0
    for i in range(n):
        s = s + 0.5 * x
    return s + x


def gradient_source(fn, args):
    names = list(fn.__code__.co_varnames[:fn.__code__.co_argcount])
    return pipeline.derive(fn, K.of_arguments(args, (0,), names), (0,), "gradient").source


CASES = {
    squared_error: (np.array([[0.3, -1.0], [2.0, 0.1], [-0.5, 0.7]]),
                    np.array([[0.2, 0.9], [0.5, 0.1], [0.3, 0.3]])),
    dot_self: (np.array([0.3, -1.2, 2.0]),),
    masked: (np.array([0.5, -1.2, 2.0]),),
    scaled: (1.5,),
    no_trips: (0.7, 0),
}


@pytest.mark.parametrize("fn", list(CASES), ids=lambda f: f.__name__)
def test_gradient_without_seed_is_right(fn):
    args = CASES[fn]
    g = s2sad.grad(fn)(*args)
    _, with_seed = s2sad.value_and_grad(fn)(*args)
    np.testing.assert_allclose(g, with_seed, rtol=1e-15)
    np.testing.assert_allclose(g, numeric_grad(fn, args, 0), rtol=1e-7, atol=1e-9)
    assert np.asarray(g).dtype == np.float64


def test_the_seed_is_folded_away():
    text = gradient_source(squared_error, CASES[squared_error])
    assert text.startswith("def squared_error_gradient(y, z):"), text
    # the loop runs for all trips at once (transform/distribute.py): the sum's adjoint is
    # the function's own factor, the seed 1.0 is gone
    backward = text.split("# backward sweep")[1]
    assert "total_bar" not in text and "1.0" not in backward and "0.5)" in backward, text


def test_a_gradient_never_aliases_an_argument():
    x = np.array([0.3, -1.2, 2.0])
    g = s2sad.grad(dot_self)(x)
    assert not np.shares_memory(g, x)
    np.testing.assert_array_equal(x, [0.3, -1.2, 2.0])
    np.testing.assert_allclose(g, 2 * x, rtol=1e-15)


def test_a_mask_stays_multiplied_by_one():
    assert "1.0 * t1" in gradient_source(masked, CASES[masked])
    np.testing.assert_array_equal(s2sad.grad(masked)(np.array([0.5, -1.2])), [1.0, 0.0])
    assert s2sad.grad(masked)(np.array([0.5, -1.2])).dtype == np.float64


def test_a_differentiated_array_is_known_to_hold_floats():
    """`grad` refuses integer arrays where it differentiates, so `1.0 * x` is `x` there
    (copied: the gradient is updated in place); `counts`, not differentiated, may hold
    integers and keeps its 1.0."""
    x, counts = np.array([0.5, -1.2, 2.0]), np.array([1, 2, 3])
    names = ["x", "counts"]
    text = pipeline.derive(weighted, K.of_arguments((x, counts), (0,), names), (0,),
                           "gradient").source
    backward = text.split("# backward sweep")[1]
    assert "1.0 * x" not in backward and "1.0 * counts" in backward, text
    g = s2sad.grad(weighted)(x, counts)
    np.testing.assert_array_equal(g, counts + 2 * x)
    assert g.dtype == np.float64 and not np.shares_memory(g, x)


def statements(code):
    return gast.parse(textwrap.dedent(code)).body


def propagated(code, readers=(), floats=()):
    out = propagate(statements(code), lambda x: gast.Call(
        func=gast.Name(id="copy", ctx=gast.Load(), annotation=None, type_comment=None),
        args=[x], keywords=[]), readers=readers, floats=floats)
    return "\n".join(unparse(s) for s in out)


def test_a_number_assigned_once_is_carried_forward():
    assert propagated("""
        s = 1.0
        a = s * 0.5
        for i in range(n):
            b = a * 2 * t
            c = b * a
        """, floats={"t"}) == "for i in range(n):\n    c = t * 0.5"


def test_a_copy_is_read_as_its_source_unless_the_source_changes():
    assert propagated("s = 1.0\na = s * t\nb = a * u", floats={"t"}) == "b = t * u"
    kept = "y_new = y\ny = pop()\nb = y_new * u"
    assert propagated(kept) == kept
    updated = "a = b\nb += 1.0\nc = a * u"
    assert propagated(updated) == updated


@pytest.mark.parametrize("code", [
    # assigned twice
    "s = 1.0\nfor i in range(n):\n    s = s * x\nr = s * x",
    # read before its assignment in the loop (the value of the trip before, or unbound)
    "for i in range(n):\n    r = s * x\n    s = 1.0",
    # assigned in a loop, read after it: unbound when the loop runs no trip
    "for i in range(n):\n    s = 1.0\nr = s * x",
    # assigned in a tuple
    "s = 1.0\ns, t = f(s)\nr = s * x",
])
def test_names_that_may_see_another_value_stay(code):
    assert propagated(code) == "\n".join(unparse(s) for s in statements(code))


def test_names_read_by_what_follows_stay():
    readers = statements("x_bar")[0].value
    assert propagated("x_bar = 1.0\ny = x_bar * z", readers=[readers]) == \
        "x_bar = 1.0\ny = x_bar * z"


def test_an_alias_of_an_array_updated_in_place_is_a_copy():
    assert propagated("s = 1.0\nx_bar = s * x\nx_bar += x", floats={"x"}) == \
        "x_bar = copy(x)\nx_bar += x"
    assert propagated("s = 1.0\nx_bar = s * x\ny = x_bar + x", floats={"x"}) == "y = x + x"
    # an array that may hold integers keeps its multiplication
    assert propagated("s = 1.0\nx_bar = s * x\ny = x_bar + x") == \
        "x_bar = 1.0 * x\ny = x_bar + x"
