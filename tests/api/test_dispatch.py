"""The fast path of derived functions (s2sad/dispatch.py): after a first call, calls with
arguments of the kinds already seen skip argument binding and run the generated code
through a small generated dispatcher. Every test calls twice or more, so the later calls
take the fast path, and checks that they give what the slow path gives: the same numbers,
the same types (a float stays a Python float, a float32 gradient stays float32), the same
errors; and that new kinds, keywords, defaults and changed rules still reach the slow
path."""
import math

import numpy as np
import pytest

import s2sad
from s2sad import pipeline
from util import assert_close


def gw(x1, x2):
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def gw_grad(x1, x2):
    u, e = x1 / x2, math.exp(x2)
    a, b = math.sin(u) + u - e, u - e
    du1, du2 = 1 / x2, -x1 / x2 ** 2
    da1, da2 = (math.cos(u) + 1) * du1, (math.cos(u) + 1) * du2 - e
    db1, db2 = du1, du2 - e
    return a * db1 + da1 * b, a * db2 + da2 * b


def numpy_scalar(x):
    """For a float x the generated gradient is a NumPy float, which callers get as a
    Python float."""
    return np.sin(x) * x


def poly(x, c=3.0):
    return np.sum(c * x ** 2)


def steps(x, n):
    for i in range(n):
        x = x * (1.0 - 0.1 * x)
    return x


def product(x, y):
    return np.sum(x * y)


def promoting(x):
    """A float32 `x` gives a float64 gradient in the generated code (np.ones is float64)."""
    return np.sum(x * np.ones(3))


def doubled(x):
    return x * 2.0


def twice(x):
    return 2.0 * x


def uses_twice(x):
    return twice(x) * x


def fast(derived):
    """Whether calls of `derived` now go through a dispatcher."""
    return "__call__" in vars(type(derived))


def repeat(fn, *args):
    """`fn(*args)` three times (the slow path, which builds the fast path at the second
    call of a kind, then the fast path): the last result, checked equal to the first."""
    first = fn(*args)
    fn(*args)
    assert fast(fn)
    last = fn(*args)
    _same(first, last)
    return last


def _same(a, b):
    assert type(a) is type(b)
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    else:
        assert a == b


# ---------------------------------------------------------------- same results

def test_grad_of_floats():
    got = repeat(s2sad.grad(gw, wrt=(0, 1)), 1.5, 0.5)
    assert all(type(g) is float for g in got)
    assert_close(got, gw_grad(1.5, 0.5), rtol=1e-13)
    assert type(repeat(s2sad.grad(gw), 1.5, 0.5)) is float
    single = repeat(s2sad.grad(gw, wrt=(1,)), 1.5, 0.5)
    assert type(single) is tuple and len(single) == 1 and type(single[0]) is float


def test_value_and_grad_vjp_and_jvp_of_floats():
    want = gw_grad(1.5, 0.5)
    value, grads = repeat(s2sad.value_and_grad(gw, wrt=(0, 1)), 1.5, 0.5)
    assert value == gw(1.5, 0.5) and type(grads[1]) is float
    assert_close(grads, want, rtol=1e-13)
    value, grads = repeat(s2sad.vjp(gw, wrt=(0, 1)), 1.5, 0.5, -2.0)
    assert_close(grads, (-2.0 * want[0], -2.0 * want[1]), rtol=1e-13)
    value, tangent = repeat(s2sad.jvp(gw, wrt=(0, 1)), 1.5, 0.5, (1.0, 0.25))
    assert type(tangent) is float
    assert_close(tangent, want[0] + 0.25 * want[1], rtol=1e-13)
    value, tangent = repeat(s2sad.jvp(gw, wrt=1), 1.5, 0.5, 1.0)
    assert_close(tangent, want[1], rtol=1e-13)


def test_numpy_float_results_become_python_floats():
    want = math.sin(0.7) + 0.7 * math.cos(0.7)
    assert type(repeat(s2sad.grad(numpy_scalar), 0.7)) is float
    value, grad = repeat(s2sad.value_and_grad(numpy_scalar), 0.7)
    assert type(grad) is float and grad == pytest.approx(want, rel=1e-14)
    _, tangent = repeat(s2sad.jvp(numpy_scalar), 0.7, 1.0)
    assert type(tangent) is float or isinstance(tangent, np.floating)
    assert tangent == pytest.approx(want, rel=1e-14)


def test_float32_gradient_keeps_dtype_and_shape():
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    g = repeat(s2sad.grad(promoting), x)
    assert g.dtype == np.float32 and g.shape == (3,)
    assert_close(g, np.ones(3))
    _, tangent = repeat(s2sad.jvp(promoting), x, np.ones(3, dtype=np.float32))
    assert tangent == pytest.approx(3.0)


def test_array_gradients_are_new_arrays_of_the_arguments_shape():
    x = np.arange(6.0).reshape(2, 3)
    grad = s2sad.grad(poly)
    g = repeat(grad, x, 3.0)
    assert_close(g, 6.0 * x)
    assert grad(x, 3.0) is not g


# ---------------------------------------------------------------- new kinds still work

def test_new_kinds_after_the_fast_path():
    grad = s2sad.grad(poly)
    assert repeat(grad, 2.0, 3.0) == 12.0
    x1, x2 = np.array([1.0, 2.0]), np.arange(6.0).reshape(3, 2)
    for _ in range(2):
        assert_close(grad(x1, 3.0), 6.0 * x1)
        assert_close(grad(x2, 3.0), 6.0 * x2)
        assert_close(grad(x2, np.ones(2)), 2.0 * x2)
        assert grad(2.0, 3.0) == 12.0 and type(grad(2.0, 3.0)) is float
        assert type(grad(3, 3.0)) is float and grad(3, 3.0) == 18.0
        assert type(grad(3.0, 3)) is float and grad(3.0, 3) == 18.0
        assert grad(np.float32(2.0), 3.0) == 12.0


def test_source_and_last_follow_the_last_call():
    grad = s2sad.grad(product, wrt=(0, 1))
    x = np.ones(3)
    repeat(grad, 2.0, 3.0)
    scalar = grad.source
    repeat(grad, x, 3.0)
    assert grad.source == s2sad.source(product, x, 3.0, wrt=(0, 1), mode="gradient") != scalar
    grad(2.0, 3.0)
    assert grad.source == scalar == s2sad.source(product, 2.0, 3.0, wrt=(0, 1),
                                                 mode="gradient")
    assert "def product_gradient" in grad.source
    assert grad._last.function(2.0, 3.0) == (3.0, 2.0)


def test_source_shows_the_code_each_derived_function_runs():
    """`grad` of a function known to return a number runs the adjoint without the value;
    `value_and_grad`, and `grad` where the result's kind is unknown, run the one with it.
    Before a call, the kinds are the declared ones (none here: the generic adjoint)."""
    grad, both = s2sad.grad(product, wrt=(0, 1)), s2sad.value_and_grad(product, wrt=(0, 1))
    assert grad.source.startswith("def product_adjoint(x, y, product_bar):")
    assert grad(2.0, 3.0) == (3.0, 2.0) and both(2.0, 3.0) == (6.0, (3.0, 2.0))
    assert grad.source.startswith("def product_gradient(x, y):")
    assert both.source.startswith("def product_adjoint(x, y, product_bar=1.0):")


def declared(x: float, y: float):
    return math.sin(x) * y


def test_source_before_a_call_follows_the_annotations():
    grad = s2sad.grad(declared, wrt=(0, 1))
    assert grad.source.startswith("def declared_gradient(x, y):")
    assert grad.source == s2sad.source(declared, 1.5, 0.5, wrt=(0, 1), mode="gradient")
    assert grad(1.5, 0.5) == (math.cos(1.5) * 0.5, math.sin(1.5))


def test_shapes_that_broadcast_get_another_derivative():
    """Arrays of one rank but different shapes have other kinds than arrays of equal
    shapes: the gradient must be summed back to the smaller shape."""
    grad = s2sad.grad(product, wrt=(0, 1))
    x, y = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    gx, gy = repeat(grad, x, y)
    assert_close(gy, x)
    row = np.ones((1, 3))
    gx, gy = grad(x, row)
    assert gy.shape == (1, 3) and gx.shape == (2, 3)
    assert_close(gy, x.sum(axis=0, keepdims=True))
    gx, gy = grad(x, row)
    assert gy.shape == (1, 3)
    assert_close(repeat(grad, x, y)[1], x)


def test_integer_argument_that_is_not_differentiated():
    grad = s2sad.grad(steps)
    want = repeat(grad, 0.3, 4)
    x, d = 0.3, 1.0
    for _ in range(4):
        x, d = x * (1.0 - 0.1 * x), d * (1.0 - 0.2 * x)
    assert want == pytest.approx(d, rel=1e-14)
    assert grad(0.3, 2) == pytest.approx((1.0 - 0.06) * (1.0 - 0.2 * 0.3 * 0.97), rel=1e-14)
    with pytest.raises(Exception):
        grad(0.3, 2.5)


def test_keywords_and_defaults():
    grad = s2sad.grad(poly)
    repeat(grad, 2.0, 3.0)
    assert grad(2.0) == 12.0
    assert grad(x=2.0) == 12.0
    assert grad(2.0, c=1.0) == 4.0
    assert grad(c=1.0, x=2.0) == 4.0
    assert grad(2.0, 1.0) == 4.0
    value, grads = s2sad.value_and_grad(poly, wrt=("x", "c"))(x=2.0)
    assert value == 12.0 and grads == (12.0, 4.0)
    jvp = s2sad.jvp(poly)
    repeat(jvp, 2.0, 3.0, 1.0)
    assert jvp(2.0, 1.0, c=1.0) == (4.0, 4.0)
    assert jvp(2.0, 1.0) == (12.0, 12.0)


def test_tangents_of_other_types_take_the_slow_path():
    jvp = s2sad.jvp(gw, wrt=(0, 1))
    _, want = repeat(jvp, 1.5, 0.5, (1.0, 0.0))
    assert jvp(1.5, 0.5, [1.0, 0.0]) == jvp(1.5, 0.5, (1, 0)) == (gw(1.5, 0.5), want)
    x = np.ones(3)
    jvp = s2sad.jvp(poly)
    _, tangent = repeat(jvp, x, 3.0, np.ones(3))
    assert tangent == 18.0
    _, tangent = jvp(x, 3.0, np.ones(3, dtype=np.float32))
    assert tangent == 18.0


# ---------------------------------------------------------------- changed rules

def test_forget_drops_the_fast_path():
    grad = s2sad.grad(gw, wrt=(0, 1))
    want = repeat(grad, 1.5, 0.5)
    pipeline.forget()
    assert not fast(grad)
    assert repeat(grad, 1.5, 0.5) == want


def test_a_derived_function_called_once_compiles_no_dispatcher():
    grad = s2sad.grad(gw, wrt=(0, 1))
    grad(1.5, 0.5)
    assert not fast(grad)
    grad(1.5, 0.5)
    assert fast(grad)


def test_a_rule_registered_later_is_used_by_existing_derived_functions(registered):
    grad, jvp = s2sad.grad(uses_twice), s2sad.jvp(uses_twice)
    assert repeat(grad, 1.5) == 6.0
    assert repeat(jvp, 1.5, 1.0)[1] == 6.0
    s2sad.defrule(twice, partials=[lambda x: 3.0])   # deliberately not 2
    assert grad(1.5) == grad(1.5) == 7.5
    assert jvp(1.5, 1.0)[1] == jvp(1.5, 1.0)[1] == 7.5
    assert "partial0" in grad.source


# ---------------------------------------------------------------- same errors

def test_errors_after_the_fast_path_are_the_slow_paths():
    grad = s2sad.grad(gw, wrt=(0, 1))
    repeat(grad, 1.5, 0.5)
    with pytest.raises(s2sad.UsageError, match=r"grad_gw: .*argument"):
        grad(1.5)
    with pytest.raises(s2sad.UsageError, match=r"grad_gw: .*argument"):
        grad(1.5, 0.5, 2.0)
    with pytest.raises(s2sad.UsageError, match=r"grad_gw: .*bogus"):
        grad(1.5, 0.5, bogus=1.0)
    with pytest.raises(s2sad.UsageError, match=r"grad_gw: .*multiple values"):
        grad(1.5, 0.5, x1=1.0)
    with pytest.raises(s2sad.ArgumentError, match="'x2'"):
        grad(1.5, "a")
    with pytest.raises(s2sad.ArgumentError, match="'x2'"):
        grad(1.5, True)


def test_an_array_result_still_names_vjp():
    grad = s2sad.grad(doubled)
    assert repeat(grad, 1.5) == 2.0
    with pytest.raises(s2sad.UsageError, match="returns a scalar.*s2sad.vjp"):
        grad(np.ones(3))
    assert grad(1.5) == 2.0


def test_vjp_and_jvp_errors_after_the_fast_path():
    vjp = s2sad.vjp(doubled)
    assert repeat(vjp, 1.5, 1.0) == (3.0, 2.0)
    with pytest.raises(s2sad.UsageError, match="cotangent has shape"):
        vjp(1.5, np.ones(2))
    with pytest.raises(s2sad.UsageError, match="cotangent"):
        vjp()
    jvp = s2sad.jvp(gw, wrt=(0, 1))
    repeat(jvp, 1.5, 0.5, (1.0, 0.0))
    with pytest.raises(s2sad.UsageError, match="tuple of 2 tangents"):
        jvp(1.5, 0.5, (1.0, 0.0, 2.0))
    with pytest.raises(s2sad.UsageError, match="tuple of 2 tangents"):
        jvp(1.5, 0.5, 1.0)
    with pytest.raises(s2sad.UsageError, match="tangent of 'x2' has shape"):
        jvp(1.5, 0.5, (1.0, np.ones(2)))
