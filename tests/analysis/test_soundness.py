"""Soundness (soundness.py): a value that depends on the differentiated input never meets
an operation that would drop its derivative. Either the derivative flows (a rule, or a
user function differentiated from its source), or the result is declared piecewise
constant there, or the transformation stops with a located error: never a silent zero.
"""
import inspect
import math
import operator

import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError, rules
from util import numeric_grad

# ---------------------------------------------------------------- tuples in variables


def first_of_pair(a):
    p = (a, 2.0)
    return p[0]


def unpacked(a):
    p = (a, 2.0 * a)
    u, v = p
    return u * v


def looped(x1, x2, x3):
    xs = (x1, x2, x3)
    s = 0.0
    for v in xs:
        s = s + v * v
    return s


def reversed_and_unpacked(a, b):
    p = (a, b)
    u, v = p[::-1]
    return u * v * v


def kept_before_overwrite(a, b):
    p = (a, b)
    if a > 0:
        a = a * 3.0
    return p[0] * a


def tuple_of_arrays(x):
    p = (x, 2.0 * x)
    return np.sum(p[1] * p[0])


def stacked(a, b):
    xs = (a, b * 2.0)
    return np.sum(np.stack(xs) ** 2)


def constant_weights(a, b):
    w = (0.5, 0.25)
    s = 0.0
    for i in range(2):
        s = s + w[i] * a * b
    return s


@pytest.mark.parametrize("fn, args, zero", [
    (first_of_pair, (1.5,), 0.0),
    (unpacked, (1.5,), 0.0),
    (looped, (1.0, 2.0, 3.0), 0.0),
    (reversed_and_unpacked, (1.5, 2.0), None),
    (kept_before_overwrite, (1.5, 2.0), None),
    (tuple_of_arrays, (np.array([0.5, -1.0, 2.0]),), 0.0),
    (stacked, (np.array([0.5, -1.0]), np.array([2.0, 1.0])), None),
    (constant_weights, (1.5, 2.0), None),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_tuple_in_a_variable_carries_its_derivative(fn, args, zero):
    """Each of these had a zero derivative in both modes."""
    wrt = tuple(range(len(args)))
    want = numeric_grad(fn, args, wrt)
    got = s2sad.grad(fn, wrt=wrt)(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9)
        if zero is not None:
            assert np.any(g != zero)
    tangents = tuple(np.ones_like(a) if isinstance(a, np.ndarray) else 1.0 for a in args)
    _, tangent = s2sad.jvp(fn, wrt=wrt)(*args, tangents)
    assert tangent == pytest.approx(sum(float(np.sum(w)) for w in want))


def run_time_index(a, b, c, i):
    x = a, b, c
    return x[i] * x[i - 3]


def concatenated_by_index(x):
    return np.sum(np.r_[x, 1.0] ** 2)  # HERE


def column_stacked_by_index(x):
    return np.sum(np.c_[x, x] ** 2)  # HERE


def marked(fn):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, text in enumerate(lines) if "# HERE" in text)


def test_a_tuple_at_a_run_time_index_is_a_run_time_list():
    """Once a located error: the tuple is made a list at run time, and the item read
    gets the derivative, in both modes."""
    got = s2sad.grad(run_time_index, wrt=(0, 1, 2))(1.0, 2.0, 3.0, 1)
    assert got == (0.0, 4.0, 0.0)
    _, tangent = s2sad.jvp(run_time_index, wrt=(0, 1, 2))(1.0, 2.0, 3.0, 1, (0.0, 1.0, 0.0))
    assert tangent == 4.0


@pytest.mark.parametrize("fn", [concatenated_by_index, column_stacked_by_index],
                         ids=lambda v: v.__name__)
def test_index_tricks_have_derivatives(fn):
    """These were zero (np.r_ and np.c_: zeros_like) in both modes, then refused; they are
    joins with rules now (rules/joins_r.py, frontend/numpy_forms.py)."""
    x = np.array([0.5, -1.0, 2.0])
    assert np.allclose(s2sad.grad(fn)(x), 2 * x * (2 if fn is column_stacked_by_index else 1))
    _, tangent = s2sad.jvp(fn)(x, np.ones(3))
    assert np.isclose(tangent, np.sum(2 * x) * (2 if fn is column_stacked_by_index else 1))


def built_but_unused(x):
    unused = np.r_[x, 1.0]
    return np.sum(x * x)


def test_an_operation_whose_result_is_not_used_needs_no_derivative():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(built_but_unused)(x), 2 * x)


# ---------------------------------------------------------------- mutations of the table


def uses_sin(x):
    return np.sum(np.sin(x) * x)


def uses_product(x, y):
    return x * y + x


def uses_sum(x):
    return np.sum(x) * x[0]


def uses_indexing(x):
    return np.sum(x[1:] * x[:-1])


def uses_solve(A, b):
    return np.sum(np.linalg.solve(A, b))


def uses_concatenate(x):
    return np.sum(np.concatenate([x, 2.0 * x]) ** 2)


def uses_transpose(A):
    return np.sum(A.T @ A)


def uses_exp(x):
    return math.exp(x) * x


A = np.array([[2.0, 0.5], [0.25, 3.0]])
MUTANTS = [
    (uses_sin, np.sin, (np.array([0.3, 1.2]),)),
    (uses_product, operator.mul, (1.5, 2.0)),
    (uses_sum, np.sum, (np.array([0.3, 1.2]),)),
    (uses_indexing, operator.getitem, (np.array([0.3, 1.2, -0.5]),)),
    (uses_solve, np.linalg.solve, (A, np.array([1.0, 2.0]))),
    (uses_concatenate, np.concatenate, (np.array([0.3, 1.2]),)),
    (uses_transpose, s2sad.ir.Attr("T"), (A,)),
    (uses_exp, math.exp, (0.7,)),
]
IDS = [fn.__name__ for fn, _, _ in MUTANTS]


class Blind(rules.Rule):
    """A rule with its derivative taken away: no position differentiable, none declared
    constant; everything else as the rule it stands for."""

    def __init__(self, rule):
        self.rule = rule

    def differentiable(self, position):
        return False

    def __getattr__(self, name):
        return getattr(self.rule, name)

    def out_kind(self, arg_kinds, consts):
        return self.rule.out_kind(arg_kinds, consts)


@pytest.mark.parametrize("fn, prim, args", MUTANTS, ids=IDS)
def test_the_unmutated_table_differentiates_these(fn, prim, args):
    got = s2sad.grad(fn)(*args)
    np.testing.assert_allclose(got, numeric_grad(fn, args), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fn, prim, args", MUTANTS, ids=IDS)
@pytest.mark.parametrize("mutation", ["removed", "blind"])
def test_a_rule_taken_away_gives_a_located_error_not_a_zero(fn, prim, args, mutation,
                                                             registered):
    if mutation == "removed":
        del rules.TABLE[prim]
    else:
        rules.TABLE[prim] = Blind(rules.TABLE[prim])
    s2sad.pipeline.forget()
    tangent = np.ones_like(args[0]) if isinstance(args[0], np.ndarray) else 1.0
    for call in (lambda: s2sad.grad(fn)(*args), lambda: s2sad.jvp(fn)(*args, tangent)):
        with pytest.raises(UnsupportedError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(f"{__file__}:"), message
        assert "0x" not in message


# ---------------------------------------------------------------- complex values
# (complex values that kinds foresee are differentiated: tests/end_to_end/test_complex.py)

COMPLEX = np.array([1.0 + 2.0j, 3.0])


def negative_cube_root(x):
    return (-8.0 * x) ** (1.0 / 3.0)


@pytest.mark.parametrize("fn", [negative_cube_root], ids=["negative base"])
def test_a_complex_value_found_while_running_is_refused_not_cast(fn):
    """Python makes a negative number to a fractional power complex, which kinds cannot
    foresee: the derivative is refused at run time instead of cast to its real part."""
    for call in (lambda: s2sad.grad(fn)(1.0), lambda: s2sad.value_and_grad(fn)(1.0),
                 lambda: s2sad.jvp(fn)(1.0, 1.0)):
        for _ in range(3):  # the fast path too
            with pytest.raises(UnsupportedError, match="complex") as caught:
                call()
            assert str(caught.value).startswith(f"{__file__}:")


def real_of_complex_constant(x):
    size = np.abs(np.sum(COMPLEX))
    return size * x


def test_a_real_value_computed_from_complex_constants_is_fine():
    assert s2sad.grad(real_of_complex_constant)(2.0) == pytest.approx(abs(4.0 + 2.0j))


# ---------------------------------------------------------------- writes that truncate


def into_arange(x):
    w = np.arange(3)
    w[0] = x  # HERE
    return np.sum(w * x)


def into_integer_zeros(x):
    w = np.zeros(3, dtype=int)
    w[1] = x * 2.0  # HERE
    return np.sum(w) + x


def into_integer_display(x):
    w = np.array([1, 2, 3])
    w[2] += x  # HERE
    return np.sum(w * w)


def into_float_arange(x):
    w = np.arange(3.0)
    w[0] = x
    return np.sum(w * x)


@pytest.mark.parametrize("fn", [into_arange, into_integer_zeros, into_integer_display])
def test_a_differentiated_value_written_into_an_integer_array_is_refused(fn):
    """The write truncates the value: grad(into_arange)(0.7) gave 3.7 where central
    differences give 3.0, grad(into_integer_zeros) 3.0 instead of 1.0."""
    for call in (lambda: s2sad.grad(fn)(0.7), lambda: s2sad.jvp(fn)(0.7, 1.0)):
        with pytest.raises(UnsupportedError, match="integer") as caught:
            call()
        assert str(caught.value).startswith(f"{__file__}:{marked(fn)}:")


def test_a_float_array_takes_the_write():
    assert s2sad.grad(into_float_arange)(0.7) == pytest.approx(
        numeric_grad(into_float_arange, (0.7,)))
