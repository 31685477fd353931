"""backend="numba": the compiled derivatives equal the Python backend's and central
differences, in reverse mode (grad, value_and_grad, vjp) and forward mode (jvp), on scalar
loops, a while loop, branches with a break, element writes, an Elman network, a helper
with a derivative of its own, and a helper the derivative calls as it is (`_clipped`,
compiled by numba too).

numba compiles each derivative once per argument kinds; the programs are few and small so
that the compilations stay few."""
import numpy as np
import pytest

import s2sad
from numba_programs import (branches_and_break, element_writes, elman_args, grow_until,
                            logistic_map, sum_of_squares, uses_clipped, with_helper)
from programs.elman import elman
from util import assert_close, numeric_grad, numeric_jvp

RNG = np.random.default_rng(25)

SCALAR = [(logistic_map, (3.7, 0.3, 20), 0), (grow_until, (0.7,), 0),
          (branches_and_break, (0.8, 9), 0), (with_helper, (1.3, 0.4), (0, 1)),
          (uses_clipped, (0.7,), 0)]
ARRAYS = [(sum_of_squares, (RNG.uniform(0.5, 1.5, 6),), 0),
          (element_writes, (RNG.uniform(0.5, 1.5, 5),), 0),
          (elman, elman_args(RNG), (0, 1, 2, 3))]


def _names(cases):
    return [case[0].__name__ for case in cases]


@pytest.mark.parametrize("fn, args, wrt", SCALAR + ARRAYS, ids=_names(SCALAR + ARRAYS))
def test_grad_equals_python_and_differences(fn, args, wrt):
    compiled = s2sad.grad(fn, wrt=wrt, backend="numba")(*args)
    assert_close(compiled, s2sad.grad(fn, wrt=wrt)(*args), rtol=1e-12, atol=1e-14)
    assert_close(compiled, numeric_grad(fn, args, wrt), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("fn, args, wrt", SCALAR[:2] + ARRAYS[:1],
                         ids=_names(SCALAR[:2] + ARRAYS[:1]))
def test_value_and_grad_and_vjp(fn, args, wrt):
    value, gradient = s2sad.value_and_grad(fn, wrt=wrt, backend="numba")(*args)
    assert value == pytest.approx(fn(*args), rel=1e-13)
    assert_close(gradient, numeric_grad(fn, args, wrt), rtol=1e-5, atol=1e-7)
    value, pulled = s2sad.vjp(fn, wrt=wrt, backend="numba")(*args, 2.0)
    assert value == pytest.approx(fn(*args), rel=1e-13)
    assert_close(pulled, 2.0 * np.asarray(gradient), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fn, args, wrt", SCALAR[:3] + ARRAYS[:1],
                         ids=_names(SCALAR[:3] + ARRAYS[:1]))
def test_jvp_equals_python_and_differences(fn, args, wrt):
    tangent = 0.7 if np.ndim(args[0]) == 0 else RNG.normal(size=np.shape(args[0]))
    value, pushed = s2sad.jvp(fn, wrt=wrt, backend="numba")(*args, tangent)
    assert value == pytest.approx(fn(*args), rel=1e-13)
    assert_close(pushed, s2sad.jvp(fn, wrt=wrt)(*args, tangent)[1], rtol=1e-12, atol=1e-14)
    assert_close(pushed, numeric_jvp(fn, args, wrt, (tangent,)), rtol=1e-5, atol=1e-7)


def test_the_gradient_holds_alone_and_inside_a_loop_of_calls():
    """The same compiled gradient called again and again (the fast path after the first
    call) on other arguments of the same kinds, and on a longer loop (a tape sized anew)."""
    grad = s2sad.grad(logistic_map, backend="numba")
    for r, n in ((3.1, 5), (3.5, 40), (2.9, 0)):
        assert grad(r, 0.3, n) == pytest.approx(numeric_grad(logistic_map, (r, 0.3, n)),
                                                rel=1e-5, abs=1e-9)
        assert grad(r, 0.3, n) == s2sad.grad(logistic_map)(r, 0.3, n)


def test_compiled_returns_the_numba_function():
    """`compiled(..., backend="numba")` runs the compiled adjoint with no argument binding,
    as `compiled` runs the Python one."""
    args = (3.7, 0.3, 20)
    fast = s2sad.compiled(logistic_map, *args, mode="gradient", backend="numba")
    assert fast(*args) == s2sad.compiled(logistic_map, *args, mode="gradient")(*args)
