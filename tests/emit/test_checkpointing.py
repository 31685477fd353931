"""Checkpointed loops (`s2sad.checkpoint`): their gradients equal the plain loop's and
central differences, their tangents the plain loop's, and the driver holds at most k
snapshots and runs the trips the binomial schedule says (runtime_checkpoint.py)."""
import numpy as np
import pytest

import s2sad
import s2sad as ad
from s2sad import checkpoint, runtime_checkpoint
from util import assert_close, numeric_grad, numeric_jvp


def logistic(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=3):
        x = 3.9 * x * (1 - x)
    return x


def logistic_aliased(x, n):
    for i in ad.checkpoint(range(n), 3):
        x = 3.9 * x * (1 - x)
    return x


def logistic_plain(x, n):
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def leapfrog(q, p, dt, n):
    q = q.copy()
    p = p.copy()
    for i in checkpoint(range(n), snapshots=2):
        p = p - 0.5 * dt * np.sin(q)
        q = q + dt * p
        p = p - 0.5 * dt * np.sin(q)
    return np.sum(q * q) + np.sum(p * np.cos(q))


def leapfrog_plain(q, p, dt, n):
    q = q.copy()
    p = p.copy()
    for i in range(n):
        p = p - 0.5 * dt * np.sin(q)
        q = q + dt * p
        p = p - 0.5 * dt * np.sin(q)
    return np.sum(q * q) + np.sum(p * np.cos(q))


def euler_elements(y0, k, n):
    y = y0.copy()
    for i in s2sad.checkpoint(range(1, n), snapshots=4):
        for j in range(len(y)):
            y[j] = y[j] + 0.1 * np.sin(k * y[j] + i)
    return np.sum(y * y)


def euler_elements_plain(y0, k, n):
    y = y0.copy()
    for i in range(1, n):
        for j in range(len(y)):
            y[j] = y[j] + 0.1 * np.sin(k * y[j] + i)
    return np.sum(y * y)


def branches(x, a, n):
    s = 0.0
    for i in s2sad.checkpoint(range(n), snapshots=2):
        if x > 0.5:
            x = x * a - 0.3
        else:
            x = np.sqrt(x + 1.0) * a
        s = s + x * x
    return s


def branches_plain(x, a, n):
    s = 0.0
    for i in range(n):
        if x > 0.5:
            x = x * a - 0.3
        else:
            x = np.sqrt(x + 1.0) * a
        s = s + x * x
    return s


def shrink(x, c):
    n = 0
    while s2sad.checkpoint(x > 0.01, snapshots=3):
        x = x * (0.7 + 0.1 * np.sin(c * x))
        n = n + 1
    return x * c + n


def shrink_plain(x, c):
    n = 0
    while x > 0.01:
        x = x * (0.7 + 0.1 * np.sin(c * x))
        n = n + 1
    return x * c + n


VECTOR = np.array([0.2, -0.4, 0.9])
CASES = [
    (logistic, logistic_plain, (0.3, 12), 0),
    (logistic, logistic_plain, (0.3, 1), 0),
    (logistic, logistic_plain, (0.3, 0), 0),
    (logistic_aliased, logistic_plain, (0.3, 5), 0),
    (leapfrog, leapfrog_plain, (VECTOR, np.array([0.5, 0.1, -0.3]), 0.1, 9), (0, 1)),
    (euler_elements, euler_elements_plain, (VECTOR, 1.3, 6), (0, 1)),
    (branches, branches_plain, (0.2, 1.1, 7), (0, 1)),
    (shrink, shrink_plain, (2.0, 1.5), (0, 1)),
]


@pytest.mark.parametrize("f, plain, args, wrt", CASES,
                         ids=[f"{c[0].__name__}-{c[2][-1]}" for c in CASES])
def test_gradient_equals_the_plain_loop_and_differences(f, plain, args, wrt):
    with runtime_checkpoint.counting() as runs:
        value, gradient = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert len(runs) == 1 and runs[0].peak <= runs[0].snapshots
    assert runs[0].taped == runs[0].trips
    expected = s2sad.grad(plain, wrt=wrt)(*args)
    assert_close(value, plain(*args))
    wrts = wrt if isinstance(wrt, tuple) else (wrt,)
    gradients = gradient if isinstance(wrt, tuple) else (gradient,)
    for w, got, want in zip(wrts, gradients, expected if isinstance(wrt, tuple) else
                            (expected,)):
        assert_close(got, want, rtol=1e-12, atol=1e-14)
        assert_close(got, numeric_grad(f, args, w), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f, plain, args, wrt", CASES,
                         ids=[f"{c[0].__name__}-{c[2][-1]}" for c in CASES])
def test_tangent_is_the_loop(f, plain, args, wrt):
    w = wrt[0] if isinstance(wrt, tuple) else wrt
    tangent = np.ones_like(args[w]) * 0.7 if isinstance(args[w], np.ndarray) else 0.7
    value, derivative = s2sad.jvp(f, wrt=w)(*args, tangent)
    assert_close(value, plain(*args))
    assert_close(derivative, numeric_jvp(f, args, w, (tangent,)), rtol=1e-5, atol=1e-6)
    assert "revolve" not in s2sad.source(f, *args, mode="forward", wrt=w)


def test_gradient_inside_a_helper_and_snapshots_from_a_variable():
    def logistic_k(x, n, k):
        for i in s2sad.checkpoint(range(n), snapshots=k):
            x = 3.9 * x * (1 - x)
        return x

    def caller(x, n):
        return logistic_k(x, n, 2) * 2.0

    with runtime_checkpoint.counting() as runs:
        gradient = s2sad.grad(caller)(0.3, 9)
    assert_close(gradient, 2.0 * s2sad.grad(logistic_plain)(0.3, 9), rtol=1e-12)
    assert_close(s2sad.jvp(caller)(0.3, 9, 1.0)[1], gradient, rtol=1e-12)
    assert runs[0].snapshots == 2 and runs[0].peak == 2
    assert runs[0].advances == runtime_checkpoint.advances(9, 2) + 1


def test_the_generated_code_is_two_local_functions_and_the_driver():
    code = s2sad.source(logistic, 0.3, 12)
    assert "def trip(i, x):" in code and "def trip_adjoint(i, x, x_bar):" in code
    assert "checkpoints = revolve(range(n), 3, trip, x)" in code
    assert "x_bar = checkpoints.reverse(trip_adjoint, x_bar)" in code
    assert "revolve_while(more, 3, trip, x, n)" in s2sad.source(shrink, 2.0, 1.5)


def test_a_trip_adjoint_keeps_its_tape_only_where_a_push_is_in_a_branch_or_loop():
    logistic_code = s2sad.source(logistic, 0.3, 12)
    assert "push" not in logistic_code and "3.9 * x * (1 - x)" not in \
        logistic_code.split("def trip_adjoint")[1]
    leapfrog_code = s2sad.source(leapfrog, VECTOR, VECTOR, 0.1, 9, wrt=(0, 1))
    assert "q_saved = q" in leapfrog_code and "q = q_saved" in leapfrog_code
    assert "push" not in leapfrog_code
    assert "push(y[j])" in s2sad.source(euler_elements, VECTOR, 1.3, 6, wrt=(0, 1))


def test_a_loop_that_saves_nothing_stays_a_loop():
    def sum_of_squares(x):
        s = 0.0
        for i in s2sad.checkpoint(range(len(x)), snapshots=2):
            s = s + x[i] * x[i]
        return s

    assert "revolve" not in s2sad.source(sum_of_squares, VECTOR)
    assert_close(s2sad.grad(sum_of_squares)(VECTOR), 2 * VECTOR)


def test_long_loop_holds_k_snapshots():
    with runtime_checkpoint.counting() as runs:
        gradient = s2sad.grad(logistic)(0.3, 2000)
    assert_close(gradient, s2sad.grad(logistic_plain)(0.3, 2000), rtol=1e-9)
    stats = runs[0]
    r = runtime_checkpoint.repetitions(2000, 3)
    assert stats.peak == 3 and max(stats.runs) <= r + 1
    assert stats.advances == runtime_checkpoint.advances(2000, 3) + 1


def helper(u, w):
    return np.tanh(u * w)


def with_helper(x, w, n):
    for i in s2sad.checkpoint(range(n), snapshots=3):
        x = helper(x, w) + 0.5 * x
    return x


def with_list(x, n):
    out = []
    for i in s2sad.checkpoint(range(n), snapshots=2):
        x = np.sin(x) * 1.1
        out.append(x)
    return sum(out) + x


def inner_while(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):
        y = x
        while y > 0.1:
            y = y * 0.5
        x = x * y + 0.2
    return x


def element_state(a, n):
    y = np.zeros(n + 1)
    y[0] = 0.3
    for i in s2sad.checkpoint(range(n), snapshots=3):
        y[i + 1] = np.sin(a * y[i]) + y[i] * y[i]
    return np.sum(y)


def leaves_a_temporary(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):
        y = x * x
        x = y * 0.5 + x
    return x * y


def with_continue(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):
        if x > 2.0:
            continue
        x = x * x + 0.1
    return x


MORE = [(with_helper, (0.3, 1.2, 7), (0, 1)), (with_list, (0.3, 6), 0),
        (with_continue, (0.9, 5), 0),
        (leaves_a_temporary, (0.3, 6), 0),
        (inner_while, (0.9, 5), 0), (element_state, (0.7, 8), 0)]


@pytest.mark.parametrize("f, args, wrt", MORE, ids=[m[0].__name__ for m in MORE])
def test_helpers_lists_inner_loops_and_element_writes(f, args, wrt):
    with runtime_checkpoint.counting() as runs:
        gradient = s2sad.grad(f, wrt=wrt)(*args)
    assert runs[0].peak <= runs[0].snapshots and runs[0].taped == runs[0].trips
    assert_close(gradient, numeric_grad(f, args, wrt), rtol=1e-5, atol=1e-6)
    assert "def trip_adjoint(" in s2sad.source(f, *args, wrt=wrt)


def counted_inner(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):
        k = 0
        while k < 3:
            x = np.sin(x) + 0.1 * k
            k += 1
    return x


def test_a_user_counter_is_kept():
    args = (0.4, 5)
    assert_close(s2sad.grad(counted_inner)(*args), numeric_grad(counted_inner, args, 0),
                 rtol=1e-5, atol=1e-7)
    assert "while k < 3" in s2sad.source(counted_inner, *args)


def elman(W, U, x):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in s2sad.checkpoint(range(x.shape[0]), snapshots=3):
        h = np.tanh(x[t] @ W + h @ U)
        loss += np.sum(h ** 2)
    return loss


def elman_plain(W, U, x):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        loss += np.sum(h ** 2)
    return loss


def test_a_checkpointed_loop_is_neither_distributed_nor_batched_after_it():
    """Loop distribution and the batched weight gradients keep a value per trip, which
    is what the snapshots are there not to hold."""
    rng = np.random.default_rng(3)
    args = rng.normal(size=(2, 4)), 0.3 * rng.normal(size=(4, 4)), rng.normal(size=(11, 2))
    code = s2sad.source(elman, *args, wrt=(0, 1))
    assert "append" not in code and "x @ W" not in code and "np.outer(h, " in code
    with runtime_checkpoint.counting() as runs:
        gradients = s2sad.grad(elman, wrt=(0, 1))(*args)
    assert runs[0].peak <= 3
    for got, want, w in zip(gradients, s2sad.grad(elman_plain, wrt=(0, 1))(*args), (0, 1)):
        assert_close(got, want, rtol=1e-12, atol=1e-14)
        assert_close(got, numeric_grad(elman, args, w), rtol=1e-5, atol=1e-6)
