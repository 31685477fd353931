"""What s2sad differentiates: the code an object runs when called (frontend.py).

A decorator's wrapper is differentiated as written, with the function it wraps as a
helper it calls, never unwrapped to that function (which may compute another value); a
derivative s2sad made is never taken for the function it came from. Wrappers that run
the function unchanged (`functools.lru_cache`, `staticmethod`) are seen through.
"""
import functools
import inspect
import math
import re

import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError, UsageError
from util import assert_close, numeric_grad


def scaled(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 10.0 * fn(x)
    return wrapper


def scaled_forwarding(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 10.0 * fn(*args, **kwargs)
    return wrapper


def logged(fn):
    """A wrapper that only passes its arguments on."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@scaled
def square(x):
    return x * x


@scaled_forwarding
def square_forwarded(x):
    return x * x


@logged
@scaled_forwarding
def weighted(x, y, *, w=2.0):
    return w * x * y + math.sin(x)


def cube(x):
    return x ** 3


def cubes(x):
    return np.sum(x ** 3)


def test_a_wrapper_that_changes_the_value_is_differentiated_as_written():
    """10 x**2 at 2: value 40, derivative 40 (unwrapping gave (4.0, 4.0))."""
    assert s2sad.value_and_grad(square)(2.0) == (40.0, 40.0)
    assert s2sad.jvp(square)(2.0, 1.0) == (40.0, 40.0)
    assert s2sad.grad(square)(2.0) != 4.0


def printing(fn):
    @functools.wraps(fn)
    def wrapper(x):
        print(x)
        return fn(x)
    return wrapper


@printing
def printed_square(x):
    return x * x


def test_check_grads_checks_the_wrapper():
    """It checked the function inside, so it passed the wrong (4.0, 4.0)."""
    checks = s2sad.check_grads(square, (2.0,))
    assert all(c.error < c.tolerance for c in checks)
    with pytest.raises(UnsupportedError, match="expression statement"):
        s2sad.check_grads(printed_square, (2.0,))


def test_a_wrapper_forwarding_args_and_kwargs_takes_the_wrapped_parameters():
    assert s2sad.value_and_grad(square_forwarded)(2.0) == (40.0, 40.0)
    assert "fn(x)" in s2sad.source(square_forwarded, 2.0)


def test_stacked_forwarding_wrappers_keep_keywords_and_defaults():
    x, y = 0.7, 1.3
    want = 10.0 * (2.0 * x * y + math.sin(x))
    value, (gx, gy) = s2sad.value_and_grad(weighted, wrt=(0, 1))(x, y)
    assert value == pytest.approx(want)
    assert gx == pytest.approx(10.0 * (2.0 * y + math.cos(x)))
    assert gy == pytest.approx(20.0 * x)
    assert s2sad.grad(weighted, wrt="y")(x, y=y, w=3.0) == pytest.approx(30.0 * x)
    assert list(inspect.signature(s2sad.grad(weighted)).parameters) == ["x", "y", "w"]


def clashing(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        x = 2.0
        return x * fn(*args, **kwargs)
    return wrapper


@clashing
def clashed(x):
    return x


def test_a_wrapper_variable_named_like_a_wrapped_parameter_is_refused_at_its_line():
    with pytest.raises(UnsupportedError, match=r"test_read.py:\d+: .*`x`.*Rename"):
        s2sad.grad(clashed)(1.0)


def top_with_wrapped_helper(x):
    return square(x) + x


def test_a_wrapped_helper_is_called_as_written():
    """The helper's wrapper scales by 10: d/dx (10 x**2 + x) = 20 x + 1."""
    assert s2sad.grad(top_with_wrapped_helper)(1.5) == pytest.approx(31.0)


@pytest.mark.parametrize("derive, args, want", [
    (lambda: s2sad.grad(s2sad.grad(cube)), (3.0,), 18.0),
    (lambda: s2sad.value_and_grad(s2sad.grad(cube)), (3.0,), (27.0, 18.0)),
    (lambda: s2sad.jvp(s2sad.grad(cube)), (3.0, 1.0), (27.0, 18.0)),
    (lambda: s2sad.vjp(s2sad.grad(cube)), (3.0, 1.0), (27.0, 18.0)),
    (lambda: s2sad.grad(s2sad.grad(s2sad.grad(cube))), (3.0,), 6.0),
], ids=["grad", "value_and_grad", "jvp", "vjp", "third"])
def test_a_derivative_of_a_derivative_differentiates_its_code_not_the_function(
        derive, args, want):
    """grad(grad(cube))(3.0) once gave 27.0, the first derivative: the outer derivative
    must differentiate the code the inner one runs (6x, then 6)."""
    assert derive()(*args) == pytest.approx(want, rel=1e-12)


def test_the_jacobian_of_a_gradient_is_the_hessian():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.jacobian(s2sad.grad(cubes))(x), np.diag(6.0 * x))


def test_grad_of_jvp_says_the_result_is_a_pair():
    with pytest.raises(s2sad.UsageError, match="returns a tuple"):
        s2sad.grad(s2sad.jvp(cube))(3.0, 1.0)


def test_source_and_compiled_of_a_derivative_show_the_second_order_code():
    text = s2sad.source(s2sad.grad(cube), 2.0, mode="forward")
    assert text.startswith("def cube_gradient_tangent(x, x_dot):")
    tangent = s2sad.compiled(s2sad.grad(cube), 2.0, mode="forward")
    assert tangent(2.0, 1.0) == pytest.approx((12.0, 12.0))


derived_cube = s2sad.grad(cube)


def calls_a_derivative(x):
    return derived_cube(x) * x


def makes_a_derivative(x):
    return s2sad.grad(cube)(x) * x


@pytest.mark.parametrize("fn", [calls_a_derivative, makes_a_derivative])
def test_a_derivative_called_inside_a_differentiated_function_is_differentiated(fn):
    """d/dx (3x**2 * x) = 9x**2, in both modes."""
    assert s2sad.grad(fn)(2.0) == pytest.approx(36.0, rel=1e-12)
    assert s2sad.jvp(fn)(2.0, 1.0) == pytest.approx((24.0, 36.0), rel=1e-12)


@functools.lru_cache(maxsize=None)
def cached_sine(x):
    return math.sin(x) * x


def calls_cached(x):
    return cached_sine(x) + 1.0


def test_lru_cache_is_seen_through_at_top_level_and_as_a_callee():
    want = math.cos(0.4) * 0.4 + math.sin(0.4)
    assert s2sad.grad(cached_sine)(0.4) == pytest.approx(want)
    assert s2sad.grad(calls_cached)(0.4) == pytest.approx(want)


def plain(x):
    return x * math.exp(x)


def test_a_raw_staticmethod_object_is_its_function():
    assert s2sad.grad(staticmethod(plain))(0.5) == pytest.approx(1.5 * math.exp(0.5))


class Memo:
    """A callable object that claims to be the function it wraps."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn

    def __call__(self, x):
        return self.fn(x) * 2.0


def test_a_callable_object_is_differentiated_through_its_call_method():
    """`Memo.__call__` runs the function the object holds: s2sad differentiates the
    method with the object as a container whose function is a constant."""
    memo = Memo(plain)
    x = 0.7
    assert_close(s2sad.grad(memo)(x), 2.0 * math.exp(x) * (1.0 + x))
    assert "def Memo_call_adjoint(x" in s2sad.source(memo, x)
    s2sad.check_grads(memo, (x,))


def test_a_partial_is_refused_without_a_memory_address():
    with pytest.raises(UsageError) as caught:
        s2sad.grad(functools.partial(plain))(1.0)
    assert "0x" not in str(caught.value) and "partial" in str(caught.value)


@pytest.mark.parametrize("wrap", [functools.partial, np.vectorize], ids=["partial", "vectorize"])
def test_a_library_object_around_a_function_is_refused_at_that_function(wrap):
    """Not at the library's own `__call__` (NumPy's file for `np.vectorize`)."""
    line = plain.__code__.co_firstlineno
    with pytest.raises(UsageError, match=rf"^{re.escape(__file__)}:{line}: "):
        s2sad.grad(wrap(plain))(1.0)


@s2sad.grad
def rec(x, n):
    if n == 0:
        return x
    return math.sin(rec(x, n - 1)) + x


def rec_plain(x, n):
    if n == 0:
        return x
    return math.sin(rec_plain(x, n - 1)) + x


def test_a_recursive_function_decorated_with_grad():
    """The decorator binds the name after it runs: 'undefined name' before."""
    want = numeric_grad(rec_plain, (0.3, 3))
    assert rec(0.3, 3) == pytest.approx(want, rel=1e-7)
    assert rec(0.3, 3) == pytest.approx(2.7066979441430488)


memo_plain = Memo(plain)


def calls_a_callable_object(x):
    return memo_plain(x) + x  # HERE


def test_calling_a_callable_object_is_refused_with_advice_that_applies():
    """Its `__call__` doubles the value: calling `__wrapped__` instead would be wrong."""
    lines, first = inspect.getsourcelines(calls_a_callable_object)
    line = first + next(i for i, text in enumerate(lines) if "# HERE" in text)
    with pytest.raises(UnsupportedError) as caught:
        s2sad.grad(calls_a_callable_object)(1.0)
    message = str(caught.value)
    assert message.startswith(f"{__file__}:{line}:") and "__wrapped__" not in message
    assert "def" in message and "0x" not in message
