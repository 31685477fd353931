"""Derivatives through loops and branches against exact answers, independent of finite
differences: products of step derivatives, Fibonacci coefficients, powers of two, zero-trip
loops, the branch taken at each call."""
import math

import numpy as np
import pytest

import s2sad
from programs.control_flow.data import A, anyv
from programs.control_flow.for_loops import for_range_int_args, for_range_n
from programs.control_flow.lists import (list_append_sum, list_runtime_index,
                                         list_static_runtime_index)
from programs.control_flow.loop_carried import accum_product, accum_sq, fib_like, logistic
from programs.control_flow.loops_in_branches import branch_in_loop
from programs.control_flow.returns import ret_elif_chain
from programs.control_flow.while_loops import while_counter, while_halve
from util import assert_close


def test_logistic_map_is_product_of_step_derivatives():
    """d x_n / d x_0 = prod_k 3.9 (1 - 2 x_k); compared for several trip counts with one
    derived function (the trip count is data, not part of the specialisation)."""
    g = s2sad.value_and_grad(logistic)
    for n in (0, 1, 2, 5, 12):
        x, d = 0.3, 1.0
        for _ in range(n):
            d *= 3.9 * (1.0 - 2.0 * x)
            x = 3.9 * x * (1.0 - x)
        value, got = g(0.3, n)
        assert_close(got, d, rtol=1e-10, atol=0)
        assert_close(value, x, rtol=1e-12, atol=0)


def test_fibonacci_swap_is_linear():
    """a, b = b, a + b n times: a_n * b_n with a_n = F(n-1) a + F(n) b,
    b_n = F(n) a + F(n+1) b."""
    fib = [0, 1]
    while len(fib) < 12:
        fib.append(fib[-1] + fib[-2])
    a, b = 0.7, 1.1
    for n in (1, 2, 5, 9):
        an = fib[n - 1] * a + fib[n] * b
        bn = fib[n] * a + fib[n + 1] * b
        want = (fib[n - 1] * bn + fib[n] * an, fib[n] * bn + fib[n + 1] * an)
        assert_close(s2sad.grad(fib_like, wrt=(0, 1))(a, b, n), want, rtol=1e-12)


def test_accumulated_square_and_product():
    x = anyv(6)
    assert_close(s2sad.grad(accum_sq)(x), 2.0 * x, rtol=1e-13)
    want = np.array([np.prod(np.delete(x, i)) for i in range(len(x))])
    assert_close(s2sad.grad(accum_product)(x), want, rtol=1e-12)


def test_while_halving_derivative_is_power_of_two():
    # y = x / 2**k with k trips; d(y*y + x)/dx = 2 y / 2**k + 1
    for x, k in ((5.0, 3), (0.6, 0), (1.7, 1), (100.0, 7)):
        y = x / 2.0 ** k
        value, got = s2sad.value_and_grad(while_halve)(x)
        assert_close(got, 2.0 * y / 2.0 ** k + 1.0, rtol=1e-13)
        assert_close(value, y * y + x, rtol=1e-13)


def test_zero_trip_loops():
    """A loop that never runs passes values through unchanged."""
    assert_close(s2sad.value_and_grad(for_range_n)(0.7, 0), (0.7, 1.0))
    assert_close(s2sad.value_and_grad(fib_like, wrt=(0, 1))(0.7, 1.1, 0), (0.77, (1.1, 0.7)))
    assert_close(s2sad.grad(accum_sq)(np.zeros(0)), np.zeros(0))
    assert_close(s2sad.value_and_grad(while_counter)(0.4, 0), (0.4, 1.0))


def test_one_derivative_follows_the_branch_taken_at_each_call():
    g = s2sad.grad(ret_elif_chain)
    for x, want in ((-1.5, -3.0), (-0.5, math.cos(-0.5)), (0.5, math.exp(0.5)),
                    (1.5, 3 * 1.5 ** 2)):
        assert_close(g(x), want, rtol=1e-13)


def test_branch_in_loop_gradient_elementwise():
    x = A([0.7, -0.3, -0.8, 0.4])
    # s = ((0.49 + 0.3) * -0.8) + 0.16: differentiate by hand
    s1 = 0.49 + 0.3
    want = A([2 * 0.7 * -0.8, -1.0 * -0.8, s1, 2 * 0.4])
    assert_close(s2sad.grad(branch_in_loop)(x), want, rtol=1e-13)


def test_integer_argument_trip_count_does_not_need_respecialising():
    g = s2sad.grad(for_range_int_args)
    for a, b in ((0, 0), (0, 3), (2, 6), (5, 3)):
        want = sum(-k * math.sin(k * 0.7) for k in range(a, b))
        assert_close(g(0.7, a, b), want, rtol=1e-12, atol=1e-14)


def test_list_built_by_append_sums_the_step_derivatives():
    """x_{t+1} = a x_t + sin x_t, summed: d/dx_0 = sum_t prod_{s<=t} (a + cos x_s), the
    list's items each getting the sum's adjoint, popped trip by trip; also for no trip
    (an empty list, a zero derivative) with the same derived function."""
    g = s2sad.grad(list_append_sum, wrt=(0, 1))
    for n in (0, 1, 4, 9):
        x, a, dx, da, total_dx, total_da = 0.3, 0.9, 1.0, 0.0, 0.0, 0.0
        for _ in range(n):
            dx, da = (a + math.cos(x)) * dx, x + (a + math.cos(x)) * da
            x = a * x + math.sin(x)
            total_dx, total_da = total_dx + dx, total_da + da
        assert_close(g(0.3, 0.9, n), (total_dx, total_da), rtol=1e-12, atol=1e-15)


def test_list_item_at_a_run_time_index_is_the_power_rule():
    """xs[t] = x ** (t + 1): xs[k] + xs[-k] * xs[k - n] differentiates term by term."""
    x, n = 0.9, 6
    for k in (1, 2, 4):
        powers = [x ** (t + 1) for t in range(n)]
        slopes = [(t + 1) * x ** t for t in range(n)]
        want = slopes[k] + slopes[-k] * powers[k - n] + powers[-k] * slopes[k - n]
        assert_close(s2sad.grad(list_runtime_index)(x, n, k), want, rtol=1e-12, atol=0)
        _, tangent = s2sad.jvp(list_runtime_index)(x, n, k, 1.0)
        assert_close(tangent, want, rtol=1e-12, atol=0)


def test_tuple_at_a_run_time_index_routes_each_read_to_its_element():
    """p = [x, x * x, sin x] read at i % 3 with weight i + 1, then at n - 8."""
    x, n = 0.9, 7
    slopes = [1.0, 2 * x, math.cos(x)]
    want = sum(slopes[i % 3] * (i + 1) for i in range(n)) + slopes[n - 8]
    assert_close(s2sad.grad(list_static_runtime_index)(x, n), want, rtol=1e-12, atol=0)


def test_a_function_that_writes_into_its_argument():
    """`written_argument` writes into `x`: the derivative copies it first, gives the
    derivative of what the function computes (checked element by element against the
    formula), and leaves the caller's array as it was (the function itself changes it,
    so every reference here is computed on copies)."""
    from programs.control_flow.element_writes import written_argument
    x = np.array([0.7, -0.4, 1.1])
    kept = x.copy()
    a, b, c = x
    w0 = a * b
    w2 = c + math.sin(w0)
    # d/dx of w0^2 + b^2 + w2^2
    dw0 = 2 * w0 + 2 * w2 * math.cos(w0)
    expected = np.array([dw0 * b, dw0 * a + 2 * b, 2 * w2])
    assert_close(s2sad.grad(written_argument)(x), expected, rtol=1e-12)
    _, tangent = s2sad.jvp(written_argument)(x, np.array([1.0, 2.0, 3.0]))
    assert tangent == pytest.approx(expected @ [1.0, 2.0, 3.0], rel=1e-12)
    assert (x == kept).all()
    assert "x = x.copy()" in s2sad.source(written_argument, x)
