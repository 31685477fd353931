"""The reductions family beyond the rule table: the policies at special points (ties of
max/min, zeros in products, a constant input to std, NaNs in nansum), the run-time
helpers against plain references, the derivatives generated without argument kinds,
the code a reader sees, and the errors for what has no rule."""
import time
import warnings

import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError, runtime
from rulecheck import check_forward, rand
from util import assert_close


def _both_modes(fn, args, wrt=0):
    """The gradient, and the tangents along each unit direction, as one Jacobian row each:
    reverse and forward must agree exactly (not only up to differences)."""
    grad = s2sad.grad(fn, wrt=wrt)(*args)
    forward = s2sad.jacobian(fn, wrt, mode="forward")(*args)
    assert_close(np.reshape(forward, np.shape(grad)), grad, rtol=1e-14, atol=0)
    x = args[wrt]
    for i in np.ndindex(np.shape(x)):
        direction = np.zeros_like(x)
        direction[i] = 1.0
        _, tangent = s2sad.jvp(fn, wrt)(*args, direction)
        assert_close(tangent, grad[i], rtol=1e-14, atol=0)
    return grad


# ---------------------------------------------------------------- max and min: ties


def test_max_tie_goes_to_the_first_maximal_element(gen):
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    assert_close(_both_modes(gen("x", "np.max(x)"), (x,)), np.array([0, 1, 0, 0, 0.0]))
    assert_close(_both_modes(gen("x", "x.max()"), (x,)), np.array([0, 1, 0, 0, 0.0]))
    assert_close(_both_modes(gen("x", "np.min(-x)"), (x,)), np.array([0, -1, 0, 0, 0.0]))


def test_min_tie_goes_to_the_first_minimal_element(gen):
    x = np.array([[2.0, 1.0, 1.0], [0.5, 4.0, 0.5]])
    got = _both_modes(gen("x", "np.sum(np.min(x, axis=1) * np.array([1.0, 10.0]))"), (x,))
    assert_close(got, np.array([[0, 1, 0], [10, 0, 0.0]]))
    got = _both_modes(gen("x", "np.amin(x)"), (np.array([[2.0, 0.5], [0.5, 3.0]]),))
    assert_close(got, np.array([[0, 1], [0, 0.0]]))


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (1, 2), (0, 1, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_ties_along_axes(gen, axis, keepdims):
    """Integer-valued data has many ties; the gradient is 1 at np.argmax's pick in each
    reduced slice, in both modes, with every axis and keepdims."""
    x = np.random.default_rng(0).integers(0, 3, (3, 4, 2)).astype(float)
    fn = gen("x, w", f"np.sum(np.max(x, axis={axis!r}, keepdims={keepdims}) * w)")
    w = np.arange(1.0, 1.0 + np.max(x, axis=axis, keepdims=keepdims).size).reshape(
        np.shape(np.max(x, axis=axis, keepdims=keepdims)))
    expected = np.zeros_like(x)
    axes = tuple(range(3)) if axis is None else axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(a % 3 for a in axes)
    kept = [a for a in range(3) if a not in axes]
    moved = np.moveaxis(x, axes, range(3 - len(axes), 3))
    flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
    first = np.argmax(flat, axis=-1)
    weights = np.reshape(w, first.shape)
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, first[..., None], weights[..., None], axis=-1)
    expected = np.moveaxis(mask.reshape(moved.shape), range(3 - len(axes), 3), axes)
    assert_close(_both_modes(fn, (x, w)), expected)


def test_max_of_a_scalar_and_of_one_element(gen):
    assert s2sad.grad(gen("x", "np.max(x) * x"))(1.5) == 3.0
    assert_close(s2sad.grad(gen("x", "np.max(x) ** 2"))(np.array([1.5])), np.array([3.0]))


def test_ptp_of_a_constant_slice_is_zero(gen):
    x = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 0.5]])
    got = _both_modes(gen("x", "np.sum(np.ptp(x, axis=1))"), (x,))
    assert_close(got, np.array([[0, 0, 0], [0, 1, -1.0]]))


# ---------------------------------------------------------------- prod and cumprod: zeros


def test_prod_with_one_zero_and_several_zeros(gen):
    f = gen("x", "np.prod(x)")
    assert_close(_both_modes(f, (np.array([2.0, 0.0, 3.0]),)), np.array([0.0, 6.0, 0.0]))
    assert_close(_both_modes(f, (np.array([0.0, 0.0, 3.0]),)), np.zeros(3))
    assert_close(_both_modes(f, (np.zeros(4),)), np.zeros(4))
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    got = _both_modes(gen("x", "np.sum(np.prod(x, axis=1))"), (x,))
    assert_close(got, np.array([[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [8.0, 4.0, 2.0]]))
    got = _both_modes(gen("x", "math.prod([x[0], x[1], x[2]])"), (np.array([2.0, 0.0, 3.0]),))
    assert_close(got, np.array([0.0, 6.0, 0.0]))


def test_prod_is_exact_where_dividing_would_underflow(gen):
    """The product of the others is multiplied out, never `out / x`: here the product
    underflows to 0, so `out / x` would be 0 everywhere, but the first two gradient
    entries are 1."""
    x = np.array([1e-200, 1e-200, 1e200])
    got = s2sad.grad(gen("x", "np.prod(x)"))(x)
    assert_close(got, np.array([1.0, 1.0, 0.0]), rtol=1e-12)


def _cumprod_adjoint_reference(g, a):
    """The adjoint of cumprod of a vector, by the O(n^2) definition."""
    n = len(a)
    out = np.zeros(n)
    for k in range(n):
        for i in range(k, n):
            out[k] += g[i] * np.prod(np.delete(a[:i + 1], k))
    return out


@pytest.mark.parametrize("a", [
    np.array([0.5, 0.0, 2.0, -1.5, 0.7]),
    np.array([0.5, 0.0, 2.0, 0.0, 0.7]),
    np.array([0.0, 0.0, 0.0]),
    np.array([3.0]),
    np.array([1.5, -0.5, 2.0, 0.0]),
    np.linspace(-1.0, 1.0, 17),
])
def test_cumprod_with_zeros_against_the_definition(gen, a):
    g = np.random.default_rng(1).normal(size=a.shape)
    expected = _cumprod_adjoint_reference(g, a)
    assert_close(runtime.cumprod_adjoint(g, a), expected, rtol=1e-12, atol=1e-14)
    _, got = s2sad.vjp(gen("x", "np.cumprod(x)"), 0)(a, g)
    assert_close(got, expected, rtol=1e-12, atol=1e-14)
    # the tangent's Jacobian is the adjoint's transpose
    jac = s2sad.jacobian(gen("x", "np.cumprod(x)"), 0, mode="forward")(a)
    assert_close(g @ jac, expected, rtol=1e-12, atol=1e-14)


def test_cumprod_adjoint_is_fast_on_long_inputs():
    """O(n log n) vectorised: a million elements well under a second, and the same as a
    sequential recurrence."""
    n = 10 ** 6
    a = 1.0 + 1e-7 * np.random.default_rng(2).uniform(-1, 1, n)
    a[[10, 5000]] = 0.0
    g = np.random.default_rng(3).normal(size=n)
    start = time.perf_counter()
    got = runtime.cumprod_adjoint(g, a)
    tangent = runtime.cumprod_tangent(g, a)
    assert time.perf_counter() - start < 5.0
    # sequential reference on a prefix: the suffix after index 5000 only feeds later terms
    m = 6000
    s, acc = np.zeros(m), 0.0
    for k in range(n - 1, m - 1, -1):
        acc = g[k] + (a[k + 1] * acc if k + 1 < n else 0.0)
    for k in range(m - 1, -1, -1):
        acc = g[k] + a[k + 1] * acc
        s[k] = acc
    before = np.concatenate([[1.0], np.cumprod(a[:m - 1])])
    assert_close(got[:m], before * s, rtol=1e-9, atol=1e-12)
    # tangent: t[i] = a[i] t[i-1] + out[i-1] d[i]
    t, prev, product = np.zeros(m), 0.0, 1.0
    for i in range(m):
        prev = a[i] * prev + product * g[i]
        product *= a[i]
        t[i] = prev
    assert_close(tangent[:m], t, rtol=1e-9, atol=1e-12)


def test_cumprod_helpers_take_leading_direction_axes():
    a = rand(3, 4)
    d = np.random.default_rng(4).normal(size=(5, 3, 4))
    for axis in (0, 1, -1, None):
        stacked = runtime.cumprod_tangent(d, a, axis)
        for k in range(5):
            assert_close(stacked[k], runtime.cumprod_tangent(d[k], a, axis), rtol=1e-14)


def test_prod_others_and_first_max_shapes():
    a = rand(2, 3, 4)
    for axis in (None, 0, 1, 2, -1, (0, 2), (2, 0), (0, 1, 2)):
        others = runtime.prod_others(a, axis)
        assert others.shape == a.shape
        full = np.prod(a, axis=axis, keepdims=True)
        assert_close(others * a, np.broadcast_to(full, a.shape), rtol=1e-12)
        mask = runtime.first_max(a, axis)
        assert mask.dtype == a.dtype and mask.shape == a.shape
        assert_close(np.sum(mask, axis=axis), np.ones_like(np.sum(a, axis=axis)))
        assert_close(np.max(np.where(mask, a, -np.inf), axis=axis), np.max(a, axis=axis))
    assert runtime.prod_others(np.float64(3.0)) == 1.0
    assert runtime.prod_others(np.zeros((2, 0)), 1).shape == (2, 0)


# ---------------------------------------------------------------- std and var


@pytest.mark.parametrize("body", ["np.std(x)", "np.std(x, ddof=1)", "x.std()",
                                  "np.sum(np.std(x, axis=1))",
                                  "np.sum(np.std(x, axis=0, keepdims=True))",
                                  "0.0 * np.std(x)", "np.var(x)"])
@pytest.mark.parametrize("constant", [0.25, 0.1])
def test_std_at_a_constant_input_has_gradient_zero(gen, body, constant):
    """std is not differentiable where it is 0 (a constant slice); the gradient there is
    0, its smallest subgradient, with no NaN and no warning, in both modes. The mean of
    0.1s is not exactly 0.1, so there the computed std is ~1e-17 and the deviations are
    rounding noise: the gradient is 0 all the same."""
    x = np.full((3, 4), constant)
    fn = gen("x", body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            grad = s2sad.grad(fn)(x)
            _, tangent = s2sad.jvp(fn)(x, np.ones_like(x))
            jac = s2sad.jacobian(fn, mode="forward")(x)
    assert_close(grad, np.zeros_like(x), atol=1e-15)
    assert abs(tangent) < 1e-15
    assert_close(jac, np.zeros_like(x), atol=1e-15)


def test_std_with_one_constant_row(gen):
    x = np.array([[0.5, 0.5, 0.5], [1.0, 2.0, 4.0]])
    fn = gen("x", "np.sum(np.std(x, axis=1))")
    grad = _both_modes(fn, (x,))
    assert_close(grad[0], np.zeros(3))
    row = x[1]
    assert_close(grad[1], (row - row.mean()) / (3 * np.std(row)))


def test_std_of_a_scalar_is_a_constant(gen):
    assert s2sad.grad(gen("x", "np.std(x) + np.var(x) + x"))(0.7) == 1.0


# ---------------------------------------------------------------- empty slices


def _caught(call):
    """`call()` and the messages of the warnings it gave, without a closing full stop
    (NumPy 2.2 ends "Mean of empty slice." with one, 2.3 does not)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    return value, {str(w.message).rstrip(".") for w in caught}


def _over_nothing(fn, x):
    """The derivative of scalar `fn` at the empty `x` by each route, with the warnings
    each gave other than those `fn(x)` itself gives (a route that computes the value
    repeats the function's own, `jacobian` once more to learn the result's shape)."""
    _, own = _caught(lambda: fn(x))
    routes = {"grad": lambda: s2sad.grad(fn)(x), "vjp": lambda: s2sad.vjp(fn)(x, 1.0)[1],
              "jvp": lambda: s2sad.jvp(fn)(x, np.ones_like(x))[1],
              "jacobian forward": lambda: s2sad.jacobian(fn, mode="forward")(x),
              "jacobian reverse": lambda: s2sad.jacobian(fn, mode="reverse")(x)}
    found = {}
    for route, call in routes.items():
        got, caught = _caught(call)
        found[route] = got, caught - own
    return found


def _assert_empty_derivative(found, shape):
    """The gradient (and Jacobian) is an empty array of the argument's shape, the tangent
    0: the sum of nothing, not the NaN of 0 / 0."""
    for route, (got, _) in found.items():
        want = 0.0 if route == "jvp" else np.zeros(shape)
        assert np.shape(got) == np.shape(want), route
        np.testing.assert_array_equal(got, want, err_msg=route)


EMPTY_MEANS = [("np.mean(x * x)", (0,)), ("x.mean()", (0, 3)), ("np.mean(x)", (3, 0)),
               ("np.sum(np.mean(x * x, axis=0))", (0, 3)), ("np.sum(np.mean(x, axis=1))", (3, 0)),
               ("np.sum(x.mean(axis=-1, keepdims=True))", (2, 0))]


@pytest.mark.parametrize("body, shape", EMPTY_MEANS)
def test_mean_over_nothing(gen, body, shape):
    """The mean of no element is NaN, with NumPy's warnings; its derivative divides by
    max(n, 1): no ZeroDivisionError ("float division by zero"), no warning of its own."""
    fn, x = gen("x", body), np.zeros(shape)
    value, own = _caught(lambda: fn(x))
    assert np.isnan(value) and "Mean of empty slice" in own
    found = _over_nothing(fn, x)
    _assert_empty_derivative(found, shape)
    for route, (_, added) in found.items():
        assert not added, (route, added)


EMPTY_SPREADS = [("np.var(x)", (0,)), ("np.std(x)", (0,)), ("x.var()", (0, 3)),
                 ("np.var(x, ddof=1)", (0,)), ("np.sum(np.var(x, axis=1))", (3, 0)),
                 ("np.sum(np.std(x, axis=0))", (0, 2)), ("np.sum(x.std(axis=1, ddof=1))", (2, 0)),
                 ("np.sum(np.std(x, axis=-1, keepdims=True))", (2, 0))]


@pytest.mark.parametrize("body, shape", EMPTY_SPREADS)
def test_var_and_std_over_nothing(gen, body, shape):
    """Var and std of no element are NaN, with NumPy's warnings; the derivative neither
    divides by 0 (ZeroDivisionError) nor calls np.ptp on nothing ("zero-size array to
    reduction operation maximum"). Its deviations `x - np.mean(x)` are empty, and the
    mean of the empty slice gives NumPy's warnings again: the only ones it adds."""
    fn, x = gen("x", body), np.zeros(shape)
    value, own = _caught(lambda: fn(x))
    assert np.isnan(value) and "Degrees of freedom <= 0 for slice" in own
    means = _caught(lambda: np.mean(np.zeros(0)))[1] | _caught(
        lambda: np.mean(np.zeros((0, 2)), axis=0))[1]
    found = _over_nothing(fn, x)
    _assert_empty_derivative(found, shape)
    for route, (_, added) in found.items():
        assert added <= means, (route, added)


EMPTY_FINITE = [("np.sum(x * x)", (0,)), ("np.prod(x)", (0,)), ("x.sum()", (0, 3)),
                ("np.sum(np.prod(x, axis=1))", (3, 0)), ("np.sum(np.mean(x, axis=0))", (3, 0)),
                ("np.sum(np.var(x, axis=1))", (0, 3)), ("np.sum(np.cumprod(x))", (0,)),
                ("np.sum(np.std(x, axis=0))", (3, 0))]


@pytest.mark.parametrize("body, shape", EMPTY_FINITE)
def test_finite_reductions_of_empty_arrays(gen, body, shape):
    """Where the function of an empty array is a number (a sum of nothing, a product of
    nothing, the mean or var of no slice), no route warns."""
    fn, x = gen("x", body), np.zeros(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(fn(x))
    found = _over_nothing(fn, x)
    _assert_empty_derivative(found, shape)
    for route, (_, added) in found.items():
        assert not added, (route, added)


# ---------------------------------------------------------------- nansum


def test_nansum_gradient_is_zero_at_nans(gen):
    x = np.array([[0.5, np.nan, 2.0], [np.nan, np.nan, 1.0]])
    fn = gen("x", "np.sum(np.nansum(x, axis=1) * np.array([1.0, 3.0]))")
    expected = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 3.0]])
    assert_close(s2sad.grad(fn)(x), expected)
    _, tangent = s2sad.jvp(fn)(x, np.ones_like(x))
    assert tangent == 5.0
    assert_close(s2sad.jacobian(fn, mode="forward")(x), expected)
    assert s2sad.grad(gen("x", "np.nansum(x) * 2.0"))(np.array([np.nan]))[0] == 0.0


# ---------------------------------------------------------------- the builtin sum


def test_builtin_sum_of_an_array_sums_its_first_axis(gen):
    x = rand(3, 4)
    fn = gen("x", "np.sum(sum(x) ** 2)")
    assert_close(s2sad.grad(fn)(x), np.broadcast_to(2 * np.sum(x, axis=0), x.shape))
    check_forward(fn, (x,), 0)


def test_sum_of_a_display_with_only_a_narrow_operand_differentiated(gen):
    """The tangent of `sum([a, w])` for a scalar `a` and a constant array `w` is widened
    to the result's shape."""
    fn = gen("a", "sum([a, np.ones((2, 3))])")
    value, tangent = s2sad.jvp(fn)(0.5, 1.0)
    assert np.shape(tangent) == (2, 3) and np.all(tangent == 1.0)
    assert "np.zeros_like" in s2sad.source(fn, 0.5, mode="forward")


# ---------------------------------------------------------------- argmax, argmin


def test_argmax_is_an_index(gen):
    x = np.array([0.5, 3.0, 1.0])
    fn = gen("x", "x[np.argmax(x)] * x[np.argmin(x)]")
    assert_close(s2sad.grad(fn)(x), np.array([3.0, 0.5, 0.0]))
    A = rand(3, 4)
    fn = gen("a", "np.sum(a[np.argmax(a, axis=0)] * a[0])")
    check_forward(fn, (A,), 0)
    s2sad.grad(fn)(A)
    assert "np.add.at" in s2sad.source(fn, A)


# ---------------------------------------------------------------- generic derivatives


GENERIC = [
    ("np.prod(x, axis=1)", (3, 4)), ("np.prod(x)", (4,)), ("x.prod(0)", (3, 4)),
    ("np.max(x, axis=(0, 2))", (2, 3, 2)), ("np.min(x)", (4,)), ("x.max(1)", (3, 4)),
    ("np.ptp(x, axis=0)", (3, 4)), ("np.nansum(x, 1)", (3, 4)),
    ("np.var(x, axis=-1, ddof=1)", (3, 4)), ("np.std(x)", (3, 4)), ("x.std(0)", (3, 4)),
    ("np.cumsum(x)", (3, 4)), ("np.cumsum(x, axis=0)", (3, 4)), ("x.cumsum()", (5,)),
    ("np.cumprod(x)", (3, 4)), ("np.cumprod(x, -1)", (3, 4)), ("x.cumprod(0)", (4,)),
    ("sum(x)", (3, 4)), ("math.prod(x)", (3, 4)), ("math.fsum(x)", (4,)),
    ("x.sum(axis=0)", (3, 4)), ("x.mean(1)", (3, 4)),
]


def _generic(fn, mode):
    namespace = dict(fn.__globals__)
    namespace.update(runtime.HELPERS)
    namespace.update(runtime.BOUND_ON_USE)
    exec(compile(s2sad.source(fn, mode=mode), "<generic>", "exec"), namespace)
    return namespace[fn.__name__ + ("_adjoint" if mode == "reverse" else "_tangent")]


@pytest.mark.parametrize("body, shape", GENERIC, ids=[b for b, _ in GENERIC])
def test_derivative_without_argument_kinds(gen, body, shape):
    """The code generated without example arguments (ranks unknown) gives the same
    numbers as the specialised code."""
    fn = gen("x", body)
    x = rand(*shape)
    value = fn(x)
    cotangent = np.random.default_rng(5).normal(size=np.shape(value))
    _, expected = s2sad.vjp(fn)(x, cotangent)
    _, got = _generic(fn, "reverse")(x, cotangent)
    assert_close(np.asarray(got), expected, rtol=1e-12, atol=1e-14)
    direction = np.random.default_rng(6).normal(size=shape)
    _, expected = s2sad.jvp(fn)(x, direction)
    _, got = _generic(fn, "forward")(x, direction)
    assert_close(np.broadcast_to(got, np.shape(value)), expected, rtol=1e-12, atol=1e-14)


VECTOR = ["np.prod(x, axis=(0, 2), keepdims=True)", "np.max(x, axis=-1)", "x.min()",
          "np.ptp(x, 1)", "np.nansum(x, axis=(1, 2))", "np.var(x, axis=1, ddof=1)",
          "x.std(axis=(0, 1), keepdims=True)", "np.cumsum(x)", "np.cumsum(x, axis=-2)",
          "np.cumprod(x)", "x.cumprod(axis=2)", "sum(x)", "math.prod(x)"]


@pytest.mark.parametrize("body", VECTOR)
def test_vector_mode_has_a_rule_for_rank_3(gen, body):
    """Tangents in several directions at once need no one-direction fallback."""
    fn = gen("x", body)
    x = rand(2, 3, 2)
    s2sad.source(fn, x, mode="vector")
    check_forward(fn, (x,), 0)


# ---------------------------------------------------------------- the code a reader sees


def test_generated_code_reads_well(gen):
    x = rand(4)
    source = s2sad.source(gen("x", "np.max(x)"), x)
    assert "x_bar[np.argmax(x)] += " in source
    assert "x_dot[np.argmax(x)]" in s2sad.source(gen("x", "np.max(x)"), x, mode="forward")
    assert "x_dot[:, np.argmax(x)]" in s2sad.source(gen("x", "np.max(x)"), x, mode="vector")
    source = s2sad.source(gen("x", "np.prod(x)"), x)
    assert "prod_others(x)" in source and "/ x" not in source
    source = s2sad.source(gen("x", "np.cumsum(x, axis=0)"), rand(2, 3))
    assert "np.flip(np.cumsum(np.flip(" in source
    source = s2sad.source(gen("x", "np.std(x, axis=1, ddof=1)"), rand(2, 3))
    assert "x.shape[1] - 1" in source and "np.mean(x, axis=1, keepdims=True)" in source
    mean = gen("x", "np.mean(x)")
    assert "np.full_like(x, f_bar / max(x.size, 1))" in s2sad.source(mean, x)
    assert "f_dot = np.sum(x_dot) / max(x.size, 1)" in s2sad.source(mean, x, mode="forward")
    source = s2sad.source(gen("a, b, c", "math.prod([a, b, c])"), 0.5, 1.0, 2.0, wrt=(0, 1, 2))
    assert "b * c" in source and "a * c" in source and "a * b" in source


def test_methods_sum_and_max_work_now(gen):
    x = rand(2, 3)
    assert_close(s2sad.grad(gen("x", "x.sum()"))(x), np.ones((2, 3)))
    fn = gen("x", "np.sum(x.sum(axis=0) * x.max(1)[0])")
    check_forward(fn, (x,), 0)


# ---------------------------------------------------------------- errors


ERRORS = [
    ("x, k", "np.prod(x, k)", (rand(3), 0), "computed `axis`"),
    ("x, k", "x.sum(k)", (rand(3), 0), "computed `axis`"),
    ("x, k", "np.std(x, ddof=k)", (rand(3), 1), "computed `ddof=`"),
    ("x", "np.max(x, initial=0.0)", (rand(3),), "initial"),
    ("x", "np.var(x, ddof=1, correction=1)", (rand(3),), "ddof.*correction"),
    ("x", "np.cumsum(x, axis=(0, 1))", (rand(2, 3),), "one axis"),
    ("x", "np.sum(np.argmax(x, axis=(0, 1)) * x)", (rand(2, 3),), "one axis"),
    ("x", "sum(x)", (0.5,), "list display"),
    ("x", "math.fsum([x, x])", (rand(3),), "np.sum"),
    ("x", "math.fsum(x)", (rand(2, 3),), "np.sum"),
    ("x", "math.prod([x, x], start=2.0)", (0.5,), "start"),
    ("a, b", "sum([[a, b], [b, a]])", (0.5, 1.0), "nested"),
    ("x", "np.max(x, 0, None, False, 1.0)", (rand(3),), "after `keepdims`"),
]


@pytest.mark.parametrize("params, body, args, message", ERRORS, ids=[e[1] for e in ERRORS])
def test_unsupported_calls_are_clear_errors(gen, params, body, args, message):
    fn = gen(params, body)
    wrt = len(args) - 1
    with pytest.raises(UnsupportedError, match=message):
        s2sad.grad(fn, wrt=wrt)(*args)
    with pytest.raises(UnsupportedError, match=message):
        s2sad.jvp(fn, wrt)(*args, args[wrt])
