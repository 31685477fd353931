"""Derivatives of derivatives: `hessian`, `hvp`, `jvp`/`jacobian`/`grad` of `grad`, and
derivatives called inside differentiated functions, checked against analytic values and
against central differences of the first derivative (itself checked against the function
everywhere else), in both modes of the outer derivative."""
import math

import numpy as np
import pytest

import s2sad
from util import assert_close, module_from, numeric_grad, numeric_jvp


def log_sin(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def quadratic(A, x):
    return 0.5 * x @ A @ x + np.sum(np.sin(x))


def iterated(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x) * s + x
        x = x * 1.1
    return s


def squared_until(x):
    while x < 10.0:
        x = x * x + 1.0
    return x


def written(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x[i] * x[(i + 1) % 3]
        if y[i] > 0.5:
            y[i] = np.sin(y[i])
    return np.sum(y ** 2) + x[0] * np.max(x)


def recursive(x, n):
    if n == 0:
        return x
    return recursive(math.sin(x) * x, n - 1) * x


def matrix_energy(W):
    return np.sum(np.tanh(W @ W.T)) + np.sum(W ** 4)


def numeric_hessian(f, args, wrt):
    """Central differences of s2sad's gradient, one column per element of `args[wrt]`,
    in the layout of `hessian` (x.shape + x.shape)."""
    gradient = s2sad.grad(f, wrt)
    x = args[wrt]
    if not np.ndim(x):
        return float(numeric_jvp(gradient, args, wrt, (1.0,)))
    columns = [numeric_jvp(gradient, args, wrt, (np.eye(x.size)[k].reshape(x.shape),))
               for k in range(x.size)]
    return np.moveaxis(np.array(columns), 0, -1).reshape(x.shape * 2)


def test_the_seeds_function_has_its_analytic_hessian():
    """f = ln x1 + x1 x2 - sin x2 at (2, 5) (seed 002): H = [[-1/4, 1], [1, sin 5]]."""
    H = s2sad.hessian(log_sin, wrt=(0, 1))(2.0, 5.0)
    assert type(H) is tuple and all(type(row) is tuple for row in H)
    np.testing.assert_allclose(H, [[-0.25, 1.0], [1.0, math.sin(5.0)]], rtol=1e-14)
    assert s2sad.hessian(log_sin)(2.0, 5.0) == pytest.approx(-0.25, rel=1e-14)
    assert s2sad.hvp(log_sin, wrt=(0, 1))(2.0, 5.0, (1.0, 2.0)) == pytest.approx(
        (-0.25 + 2.0, 1.0 + 2.0 * math.sin(5.0)), rel=1e-14)
    assert s2sad.jvp(s2sad.grad(log_sin))(2.0, 5.0, 1.0) == pytest.approx((5.5, -0.25))
    assert s2sad.grad(s2sad.grad(log_sin, wrt=1), wrt=(0, 1))(2.0, 5.0) == pytest.approx(
        (1.0, math.sin(5.0)), rel=1e-14)


def test_rosenbrock_hessian_is_the_analytic_one_and_hvp_is_its_product():
    x = np.array([1.2, 0.8, -0.5, 2.0])
    n = len(x)
    want = np.zeros((n, n))
    for i in range(n - 1):
        want[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        want[i + 1, i + 1] += 200
        want[i, i + 1] = want[i + 1, i] = -400 * x[i]
    H = s2sad.hessian(rosenbrock)(x)
    np.testing.assert_allclose(H, want, rtol=1e-14)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(s2sad.hvp(rosenbrock)(x, v), want @ v, rtol=1e-14)
    np.testing.assert_allclose(s2sad.jacobian(s2sad.grad(rosenbrock))(x), want, rtol=1e-14)


def test_layouts_follow_jax():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.3, 0.4])
    H = s2sad.hessian(quadratic, wrt=(0, 1))(A, x)
    assert [[np.shape(b) for b in row] for row in H] == [[(2, 2, 2, 2), (2, 2, 2)],
                                                         [(2, 2, 2), (2, 2)]]
    np.testing.assert_allclose(H[1][1], A - np.diag(np.sin(x)), rtol=1e-14)
    # d2/dA_ij dx_k of 0.5 x A x is (x_i [j == k] + x_j [i == k]) / 2
    eye = np.eye(2)
    want = 0.5 * (np.einsum("i,jk->ijk", x, eye) + np.einsum("j,ik->ijk", x, eye))
    np.testing.assert_allclose(H[0][1], want, rtol=1e-14)
    np.testing.assert_allclose(H[1][0], np.moveaxis(want, 2, 0), rtol=1e-14)
    W = np.array([[0.3, -0.2, 0.1], [0.5, 0.4, -0.6]])
    H = s2sad.hessian(matrix_energy)(W)
    assert H.shape == (2, 3, 2, 3)
    assert_close(H, numeric_hessian(matrix_energy, (W,), 0), rtol=1e-6)
    np.testing.assert_allclose(H.reshape(6, 6), H.reshape(6, 6).T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("f, args", [
    (iterated, (0.5, 3)), (squared_until, (1.5,)), (recursive, (0.7, 3)),
    (written, (np.array([0.9, -0.4, 0.8]),)), (rosenbrock, (np.array([0.5, 1.5, -1.0]),)),
], ids=["loop", "while", "recursion", "element writes", "rosenbrock"])
def test_loops_while_recursion_and_writes(f, args):
    H = s2sad.hessian(f)(*args)
    assert_close(H, numeric_hessian(f, args, 0), rtol=1e-6, atol=1e-6)
    v = np.linspace(0.5, 1.5, np.size(args[0])).reshape(np.shape(args[0])) \
        if np.ndim(args[0]) else 0.75
    product = s2sad.hvp(f)(*args, v)
    assert_close(product, np.tensordot(H, v, axes=np.ndim(v)), rtol=1e-12, atol=1e-12)
    if not np.ndim(args[0]):
        assert s2sad.grad(s2sad.grad(f))(*args) == pytest.approx(H, rel=1e-12)
    if not np.ndim(args[0]) and f is not recursive:
        third = s2sad.grad(s2sad.grad(s2sad.grad(f)))(*args)
        by_forward = s2sad.jvp(s2sad.grad(s2sad.grad(f)))(*args, 1.0)[1]
        assert third == pytest.approx(by_forward, rel=1e-10)


def loss(w, x, y):
    z = np.tanh(x @ w)
    return np.sum((z - y) ** 2)


gradient_of_loss = s2sad.grad(loss)


def penalised(w, x, y):
    g = gradient_of_loss(w, x, y)
    return loss(w, x, y) + 0.1 * np.sum(g * g)


def penalised_inline(w, x, y):
    g = s2sad.grad(loss)(w, x, y)
    return loss(w, x, y) + 0.1 * np.sum(g * g)


@pytest.mark.parametrize("f", [penalised, penalised_inline])
def test_a_gradient_norm_penalty_is_differentiated_in_both_modes(f):
    rng = np.random.default_rng(0)
    x, y, w = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3)
    want = numeric_grad(f, (w, x, y))
    assert_close(s2sad.grad(f)(w, x, y), want, rtol=1e-6)
    t = rng.normal(size=3)
    assert s2sad.jvp(f)(w, x, y, t)[1] == pytest.approx(float(want @ t), rel=1e-6)


def two_variables(x, y):
    return x * x * y + math.sin(x * y)


gradient_in_both = s2sad.grad(two_variables, wrt=(0, 1))
value_and_gradient = s2sad.value_and_grad(two_variables)
gradient_in_x = s2sad.grad(two_variables)


def unpacks_a_pair_of_gradients(x, y):
    gx, gy = gradient_in_both(x, y)  # PAIR
    return gx * gy


def unpacks_value_and_gradient(x, y):
    value, gx = value_and_gradient(x, y)  # PAIR
    return value * gx


def slope_in_x(x, y):
    return gradient_in_x(x, y) * y


@pytest.mark.parametrize("f", [unpacks_a_pair_of_gradients, unpacks_value_and_gradient])
def test_a_derivative_returning_a_pair_called_inside_is_refused_at_the_call(f):
    with open(__file__) as source:
        lines = [i for i, text in enumerate(source, 1) if text.endswith("# PAIR\n")]
    with pytest.raises(s2sad.UnsupportedError, match="returns a pair or a tuple") as caught:
        s2sad.grad(f)(0.7, 1.3)
    assert any(str(caught.value).startswith(f"{__file__}:{line}:") for line in lines)


def test_a_derivative_called_inside_is_differentiated_in_another_argument():
    """d/dy of y * df/dx, with df/dx = 2xy + y cos(xy): a mixed partial through the
    generated gradient, in both modes."""
    x, y = 0.7, 1.3
    want = numeric_grad(slope_in_x, (x, y), 1)
    assert s2sad.grad(slope_in_x, wrt=1)(x, y) == pytest.approx(want, rel=1e-7)
    assert s2sad.jvp(slope_in_x, wrt=1)(x, y, 1.0)[1] == pytest.approx(want, rel=1e-7)


def test_source_shows_the_second_order_code_and_the_cli_prints_it(capsys):
    text = s2sad.source(s2sad.grad(iterated), 0.5, 3, mode="forward")
    assert text.startswith("def iterated_gradient_tangent(x, n, x_dot):")
    assert "push(s_dot)" in text and "s_dot = pop()" in text
    from s2sad.api import cli
    assert cli.main(["samples/seeds.py:log_sin", "--mode", "hessian"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("def log_sin_gradient_tangent(x1, x2, x1_dot):")


def first_two(xs):
    return np.sum(np.sin(xs[0])) + np.sum(np.cos(xs[1]))


def scaled_first(c, xs):
    return np.sum(np.sin(xs[0]) * c)


gradient_of_first_two = s2sad.grad(first_two)
gradient_of_scaled_first = s2sad.grad(scaled_first, wrt=1)


def through_a_list(xs):
    g = gradient_of_first_two(xs)  # CONTAINER
    return np.sum(np.sin(g[0])) + np.sum(g[1])


def through_a_later_list(c, xs):
    g = gradient_of_scaled_first(c, xs)  # CONTAINER
    return np.sum(g[0])


def through_a_keyword(c, xs):
    g = gradient_of_scaled_first(c, xs=xs)  # CONTAINER
    return np.sum(g[0])


def through_a_tuple(a, b):
    g = gradient_of_first_two((a, b))  # CONTAINER
    return np.sum(g[0])


def through_an_array(c, x):
    g = gradient_of_scaled_first(c, x)
    return np.sum(g[0] * g[1])


@pytest.mark.parametrize("f, args", [
    (through_a_list, ([np.ones((5, 6)), np.ones((4, 3)), np.ones((2, 4))],)),
    (through_a_list, ([np.ones(3), np.ones(3)],)),
    (through_a_later_list, (1.5, [np.ones((2, 3)), np.ones(4)])),
    (through_a_keyword, (1.5, [np.ones((2, 3)), np.ones(4)])),
    (through_a_tuple, (np.ones(3), np.ones(2))),
])
def test_a_container_given_to_a_derivative_inside_is_refused_at_the_call(f, args):
    """Its gradient is a list or tuple of its items' gradients, which may differ in shape:
    it was made an array (a crash for items of different shapes, and an array's `+` where
    the function adds lists)."""
    with open(__file__) as source:
        lines = [i for i, text in enumerate(source, 1) if text.endswith("# CONTAINER\n")]
    with pytest.raises(s2sad.UnsupportedError, match="a list or tuple given to the "
                       "derivative") as caught:
        s2sad.grad(f)(*args)
    assert any(str(caught.value).startswith(f"{__file__}:{line}:") for line in lines)


def test_an_array_given_to_a_derivative_inside_is_differentiated():
    rng = np.random.default_rng(5)
    args = (0.7, rng.normal(size=(2, 3)))
    for position in (0, 1):
        assert_close(s2sad.grad(through_an_array, wrt=position)(*args),
                     numeric_grad(through_an_array, args, position), rtol=1e-6)


def grows_a_list(x):
    values = []  # LIST
    for i in range(3):
        values.append(x * i)
    return sum(values) * x


def test_refusals_are_located():
    with open(__file__) as source:
        line = next(i for i, text in enumerate(source, 1) if text.endswith("# LIST\n"))
    with pytest.raises(s2sad.UnsupportedError, match="builds a list at run time") as caught:
        s2sad.hessian(grows_a_list)(0.5)
    assert str(caught.value).startswith(f"{__file__}:{line}:")
    with pytest.raises(s2sad.UsageError, match="cannot be differentiated again"):
        s2sad.grad(s2sad.hvp(log_sin))(2.0, 5.0, 1.0)
    with pytest.raises(s2sad.UsageError, match="cannot be differentiated again"):
        s2sad.jvp(s2sad.hessian(log_sin))(2.0, 5.0, 1.0)
    with pytest.raises(s2sad.UnsupportedError, match="containers"):
        s2sad.hessian(lambda_free_dict)({"a": 1.0, "b": 2.0})


def test_the_third_derivative_of_a_recursive_function_is_refused_at_its_def():
    """The second derivative's adjoint calls itself and returns a pair, which the
    lowering inlines, and a recursive call cannot be inlined."""
    with pytest.raises(s2sad.UnsupportedError, match="recursive call") as caught:
        s2sad.grad(s2sad.grad(s2sad.grad(recursive)))(0.7, 3)
    assert str(caught.value).startswith(f"{__file__}:{recursive.__code__.co_firstlineno}:")


def rows_summed(x):
    total = 0.0
    for row in x:
        total += row
    return total


def test_a_result_whose_rank_is_known_only_when_it_runs_is_a_usage_error():
    """Summing a matrix's rows gives a vector: `grad` says so when it runs, and so does
    every second derivative (its generated gradient would take a seed)."""
    x = np.arange(4.0).reshape(2, 2)
    for call in (lambda: s2sad.hessian(rows_summed)(x), lambda: s2sad.hvp(rows_summed)(x, x),
                 lambda: s2sad.jvp(s2sad.grad(rows_summed))(x, x)):
        with pytest.raises(s2sad.UsageError, match="known only when it runs"):
            call()
    np.testing.assert_array_equal(s2sad.hessian(rows_summed)(np.arange(3.0)), np.zeros((3, 3)))


def lambda_free_dict(p):
    return p["a"] ** 2 * p["b"]


def test_a_redefined_helper_reaches_the_second_derivative(tmp_path):
    module = module_from(tmp_path, "second_cells", """
        import math
        SCALE = 2.0

        def f(x):
            return SCALE * math.sin(x) * x
        """)
    hessian = s2sad.hessian(module.f)
    x = 0.7
    exact = 2.0 * (2 * math.cos(x) - x * math.sin(x))
    assert hessian(x) == pytest.approx(exact, rel=1e-14)
    module.SCALE = 3.0
    assert hessian(x) == pytest.approx(1.5 * exact, rel=1e-14)
