"""Straight-line functions: s2sad's gradients against central differences."""
import math

import numpy as np
import pytest

import s2sad
from s2sad import runtime
from util import assert_close, numeric_grad, numeric_vjp

SCALE = 2.5
OFFSET = -0.75
WEIGHTS = np.array([1.0, -2.0, 0.5])


# ---------------------------------------------------------------- helpers (module level)

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def msigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def scale(x, k=2.0):
    return k * x * x


def softplus(x):
    return math.log(1.0 + math.exp(x))


def softplus_sq(x):
    s = softplus(x)
    return s * s


# ---------------------------------------------------------------- scalars, math

def s_poly(x, y):
    return x * x * y + 3 * x - y / x + 2.0


def s_math_mix(x, y):
    return math.sin(x) * math.exp(y) + math.log(x * y) - math.sqrt(x)


def s_trig(x):
    return math.tan(x) + math.atan(x) + math.cosh(x) / math.tanh(x + 1.0) - math.acos(x / 2)


def s_pow(x, y):
    return x ** y + y ** 2.5 + 2.0 ** x - x ** -1.5


def s_atan2_hypot(x, y):
    return math.atan2(y, x) * math.hypot(x, y) + math.asinh(x * y)


def s_neg_abs_mod(x, y):
    return -x + abs(y) * (x % 1.5) - abs(-x * y)


def s_augassign(x, y):
    z = x
    z += y
    z *= x
    z -= 1.0
    z /= y
    z **= 2
    return z


def s_tuple_assign(x, y):
    a, b = x * y, x + y
    a, b = b, a
    return a * b * b


def s_unary(x, y):
    return -(x * y) + (+x) - -y * x


# ---------------------------------------------------------------- scalars, np

def s_np(x, y):
    return np.sin(x) * np.exp(y) + np.log(x) + np.tanh(x * y) + np.sqrt(y)


def s_np2(x):
    return np.arctan(x) + np.log1p(x) + np.expm1(x) + np.cbrt(x) + np.square(x) - np.cos(x)


# ---------------------------------------------------------------- broadcasting

def b_3_23(a, b):
    return np.sum(np.sin(a) * b + a / (b + 3.0))


def b_31_13(a, b):
    return np.sum(a * b - np.exp(a - b))


def b_31_3(a, b):
    return np.sum(np.tanh(a + b) * a - b)


def b_13_23(a, b):
    return np.mean(a ** 2 * b)


def b_scalar_array(s, x):
    return np.sum(s * x + x / s - s ** 2 * np.cos(x))


def b_array_pow(x, p):
    return np.sum(x ** p)


def b_scalar_minus(s, x):
    return np.sum((1.0 - x) * (s - x) / (x + s))


# ---------------------------------------------------------------- reductions

def r_sum_axis0(x):
    return np.sum(np.sum(x, axis=0) ** 2)


def r_sum_axis1_keepdims(x):
    return np.sum(x / np.sum(x, axis=1, keepdims=True) * x)


def r_mean_axes(x):
    m0 = np.mean(x, axis=0)
    m1 = np.mean(x, axis=1)
    return np.sum(m0 ** 2) + np.sum(m1 ** 3)


def r_mean_keepdims(x):
    return np.sum((x - np.mean(x, axis=0, keepdims=True)) ** 2)


def r_mean_all(x):
    return np.mean(x * x) * np.sum(x)


def r_sum_negaxis(x):
    return np.sum(np.sum(x, axis=-1) ** 2)


def r_sum_tuple_axis(x):
    return np.sum(np.sum(x, axis=(0, 2)) ** 2)


def r_sum_keepdims_all(x):
    return np.sum(x * np.sum(x, keepdims=True))


# ---------------------------------------------------------------- dot / matmul

def d_vv(u, v):
    return np.dot(u, v) + u @ v


def d_mv(A, v):
    return np.sum(np.sin(A @ v))


def d_vm(v, A):
    return np.sum((v @ A) ** 2)


def d_mm(A, B):
    return np.sum(np.tanh(A @ B))


def d_dot_mv(A, v):
    return np.sum(np.dot(A, v) ** 2)


def d_dot_vm(v, A):
    return np.sum(np.exp(np.dot(v, A)))


def d_dot_mm(A, B):
    return np.sum(np.dot(A, B) * np.dot(A, B))


def d_dot_scalar(s, x):
    return np.sum(np.dot(s, x) * x)


def d_chain(A, v):
    w = A @ v
    return w @ w


# ---------------------------------------------------------------- indexing

def i_index(x):
    return x[0] * x[-1] + x[1] ** 2


def i_slice(x):
    return np.sum(x[1:] * x[:-1])


def i_2d(x):
    return x[1, 2] * x[0, 0] + np.sum(x[0]) * np.sum(x[:, 1])


def i_newaxis(x, y):
    return np.sum(np.sin(x[:, None] * y[None, :]))


def i_step(x):
    return np.sum(x[::2] ** 2) + x[-2]


def i_transpose(A, B):
    return np.sum(A.T @ B) + np.sum(A.T * A.T)


# ---------------------------------------------------------------- overwrites, reuse

def o_overwrite(x, y):
    x = x * y
    x = np.sin(x)
    return x * y


def o_overwrite_array(x):
    x = x * 2.0
    x = np.sum(x * x)
    return x


def o_reuse(x):
    a = x * x
    b = a + a
    c = a * b
    return c + a


def o_param_aug(x, y):
    x += y
    y *= x
    return np.sum(x * y)


# ---------------------------------------------------------------- helper functions

def h_sigmoid_twice(x, y):
    return sigmoid(x) * sigmoid(x * y)


def h_msigmoid_twice(x, y):
    return msigmoid(x) * msigmoid(x * y)


def h_default(x):
    return scale(x) + scale(x, 3.0)


def h_keyword(x, y):
    return scale(x, k=y) + scale(k=x, x=y)


def h_array(x):
    return np.sum(sigmoid(x) * x)


def h_nested(x):
    return softplus_sq(x) + softplus(2.0 * x)


# ---------------------------------------------------------------- constants, ints, sizes

def c_const(x):
    return SCALE * x ** 2 + OFFSET


def c_const_array(x):
    return np.sum(WEIGHTS * x) + SCALE * np.sum(x)


def n_int_pow(x, n):
    return x ** n


def n_int_array_pow(x, n):
    return np.sum(x ** n) * n


def n_len_shape(x):
    return np.sum(x) / len(x) + np.sum(x * x) / x.shape[0]


def n_shape2(x):
    return np.sum(x) * x.shape[1] - x.shape[0] * np.mean(x)


def k_default(x, y=2.0):
    return x ** y


def k_kwonly(x, *, k=2.0):
    return k * np.sum(x * x)


# ---------------------------------------------------------------- data

rng = np.random.default_rng(20240601)


def pos(*shape):
    return rng.uniform(0.5, 1.5, shape)


def anyv(*shape):
    return rng.uniform(-1.0, 1.0, shape)


CASES = [
    (s_poly, (1.3, 0.7), (0, 1)),
    (s_math_mix, (0.8, 1.2), (0, 1)),
    (s_trig, (0.6,), 0),
    (s_pow, (1.4, 1.9), (0, 1)),
    (s_atan2_hypot, (0.7, -1.1), (0, 1)),
    (s_neg_abs_mod, (2.3, -0.9), (0, 1)),
    (s_augassign, (1.2, 0.8), (0, 1)),
    (s_tuple_assign, (0.5, 1.5), (0, 1)),
    (s_unary, (0.5, 1.5), (0, 1)),
    (s_np, (0.9, 0.4), (0, 1)),
    (s_np2, (0.7,), 0),
    (b_3_23, (anyv(3), pos(2, 3)), (0, 1)),
    (b_31_13, (anyv(3, 1), anyv(1, 3)), (0, 1)),
    (b_31_3, (anyv(3, 1), anyv(3)), (0, 1)),
    (b_13_23, (anyv(1, 3), anyv(2, 3)), (0, 1)),
    (b_scalar_array, (1.3, anyv(2, 3)), (0, 1)),
    (b_array_pow, (pos(3), 1.7), (0, 1)),
    (b_scalar_minus, (0.9, pos(3)), (0, 1)),
    (r_sum_axis0, (anyv(2, 3),), 0),
    (r_sum_axis1_keepdims, (pos(2, 3),), 0),
    (r_mean_axes, (anyv(2, 3),), 0),
    (r_mean_keepdims, (anyv(2, 3),), 0),
    (r_mean_all, (anyv(2, 3),), 0),
    (r_sum_negaxis, (anyv(2, 3),), 0),
    (r_sum_tuple_axis, (anyv(2, 3, 4),), 0),
    (r_sum_keepdims_all, (anyv(2, 3),), 0),
    (d_vv, (anyv(3), anyv(3)), (0, 1)),
    (d_mv, (anyv(2, 3), anyv(3)), (0, 1)),
    (d_vm, (anyv(2), anyv(2, 3)), (0, 1)),
    (d_mm, (anyv(2, 3), anyv(3, 4)), (0, 1)),
    (d_dot_mv, (anyv(2, 3), anyv(3)), (0, 1)),
    (d_dot_vm, (anyv(2), anyv(2, 3)), (0, 1)),
    (d_dot_mm, (anyv(2, 3), anyv(3, 4)), (0, 1)),
    (d_dot_scalar, (1.7, anyv(3)), (0, 1)),
    (d_chain, (anyv(2, 3), anyv(3)), (0, 1)),
    (i_index, (anyv(4),), 0),
    (i_slice, (anyv(5),), 0),
    (i_2d, (anyv(2, 3),), 0),
    (i_newaxis, (anyv(3), anyv(4)), (0, 1)),
    (i_step, (anyv(5),), 0),
    (i_transpose, (anyv(3, 2), anyv(3, 4)), (0, 1)),
    (o_overwrite, (0.7, 1.3), (0, 1)),
    (o_overwrite_array, (anyv(3),), 0),
    (o_reuse, (1.1,), 0),
    (o_param_aug, (0.6, 1.3), (0, 1)),
    (h_sigmoid_twice, (0.3, -1.2), (0, 1)),
    (h_msigmoid_twice, (0.3, -1.2), (0, 1)),
    (h_default, (0.9,), 0),
    (h_keyword, (0.9, 1.4), (0, 1)),
    (h_array, (anyv(2, 3),), 0),
    (h_nested, (0.4,), 0),
    (c_const, (1.2,), 0),
    (c_const_array, (anyv(3),), 0),
    (n_int_pow, (1.7, 3), 0),
    (n_int_array_pow, (anyv(3), 3), 0),
    (n_len_shape, (anyv(4),), 0),
    (n_shape2, (anyv(2, 3),), 0),
    (k_default, (1.5, 2.5), (0, 1)),
]


def _id(case):
    return case[0].__name__


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=[_id(c) for c in CASES])
def test_grad_matches_central_differences(fn, args, wrt):
    got = s2sad.grad(fn, wrt=wrt)(*args)
    want = numeric_grad(fn, args, wrt)
    assert_close(got, want)


# ---------------------------------------------------------------- vjp of array-valued functions

def v_elementwise(x, y):
    return np.sin(x) * y


def v_matvec(A, v):
    return A @ v


def v_sum_axis(x):
    return np.sum(x ** 2, axis=0)


def v_outer(x, y):
    return x[:, None] * y


def v_shift(x):
    return x[1:] * x[:-1]


def v_matmat(A, B):
    return np.tanh(A @ B.T)


VJP_CASES = [
    (v_elementwise, (anyv(2, 3), anyv(3)), (0, 1)),
    (v_matvec, (anyv(2, 3), anyv(3)), (0, 1)),
    (v_sum_axis, (anyv(2, 3),), 0),
    (v_outer, (anyv(3), anyv(4)), (0, 1)),
    (v_shift, (anyv(5),), 0),
    (v_matmat, (anyv(2, 3), anyv(4, 3)), (0, 1)),
]


@pytest.mark.parametrize("fn, args, wrt", VJP_CASES, ids=[_id(c) for c in VJP_CASES])
def test_vjp_matches_central_differences(fn, args, wrt):
    value = fn(*args)
    cotangent = np.random.default_rng(7).normal(size=np.shape(value))
    got_value, got = s2sad.vjp(fn, wrt)(*args, cotangent)
    assert_close(got_value, value, rtol=1e-13, atol=0)
    want = numeric_vjp(fn, args, cotangent, wrt)
    assert_close(got, want)


def test_vjp_of_scalar_function_scales_gradient():
    args = (0.8, 1.2)
    value, got = s2sad.vjp(s_math_mix, (0, 1))(*args, 3.0)
    assert value == pytest.approx(s_math_mix(*args))
    assert_close(got, tuple(3.0 * g for g in numeric_grad(s_math_mix, args, (0, 1))))


# ---------------------------------------------------------------- types, shapes, dtypes

def test_float_arguments_give_float_gradients():
    g = s2sad.grad(s_poly, wrt=(0, 1))(1.3, 0.7)
    assert isinstance(g, tuple) and len(g) == 2
    assert all(type(v) is float for v in g)
    assert type(s2sad.grad(s_trig)(0.6)) is float
    assert type(s2sad.grad(s_np)(0.9, 0.4)) is float


def test_wrt_tuple_gives_tuple_and_position_gives_bare_value():
    assert type(s2sad.grad(s_trig)(0.6)) is float
    one = s2sad.grad(s_trig, wrt=(0,))(0.6)
    assert isinstance(one, tuple) and len(one) == 1 and type(one[0]) is float
    _, g = s2sad.vjp(v_sum_axis, (0,))(anyv(2, 3), np.ones(3))
    assert isinstance(g, tuple) and len(g) == 1 and g[0].shape == (2, 3)


def test_array_arguments_give_arrays_of_same_shape_and_dtype():
    a, b = anyv(3), pos(2, 3)
    ga, gb = s2sad.grad(b_3_23, wrt=(0, 1))(a, b)
    for g, x in ((ga, a), (gb, b)):
        assert isinstance(g, np.ndarray)
        assert g.shape == x.shape and g.dtype == x.dtype


def test_mixed_scalar_and_array_arguments():
    s, x = 1.3, anyv(2, 3)
    gs, gx = s2sad.grad(b_scalar_array, wrt=(0, 1))(s, x)
    assert type(gs) is float
    assert isinstance(gx, np.ndarray) and gx.shape == x.shape


def test_float32_input_gives_float32_gradient():
    x = anyv(2, 3).astype(np.float32)
    y = anyv(3).astype(np.float32)
    gx, gy = s2sad.grad(v_elementwise_sum, wrt=(0, 1))(x, y)
    assert gx.dtype == np.float32 and gx.shape == x.shape
    assert gy.dtype == np.float32 and gy.shape == y.shape
    want = numeric_grad(v_elementwise_sum, (x.astype(float), y.astype(float)), (0, 1))
    assert_close((gx, gy), want, rtol=1e-4, atol=1e-5)


def v_elementwise_sum(x, y):
    return np.sum(np.sin(x) * y)


@pytest.mark.parametrize("fn, args, wrt", CASES[::4], ids=[_id(c) for c in CASES[::4]])
def test_value_and_grad_value_equals_function(fn, args, wrt):
    value, g = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    assert_close(value, fn(*args), rtol=1e-13, atol=0)
    assert_close(g, s2sad.grad(fn, wrt=wrt)(*args), rtol=1e-13, atol=0)


# ---------------------------------------------------------------- calling conventions

def test_wrt_by_name_and_keyword_arguments():
    want = numeric_grad(s_math_mix, (0.8, 1.2), 1)
    assert_close(s2sad.grad(s_math_mix, wrt="y")(0.8, 1.2), want)
    assert_close(s2sad.grad(s_math_mix, wrt="y")(x=0.8, y=1.2), want)
    assert_close(s2sad.grad(s_math_mix, wrt="y")(y=1.2, x=0.8), want)
    assert_close(s2sad.grad(s_math_mix, wrt=("y", "x"))(0.8, y=1.2),
                 numeric_grad(s_math_mix, (0.8, 1.2), (1, 0)))
    assert_close(s2sad.grad(s_math_mix, wrt=-1)(0.8, 1.2), want)


def test_default_argument_of_differentiated_function():
    assert_close(s2sad.grad(k_default)(1.5), 2.0 * 1.5)
    assert_close(s2sad.grad(k_default)(1.5, 3.0), 3.0 * 1.5 ** 2)
    assert_close(s2sad.grad(k_default, wrt="y")(1.5), math.log(1.5) * 1.5 ** 2)


def test_keyword_only_argument():
    x = anyv(3)
    assert_close(s2sad.grad(k_kwonly)(x), 4.0 * x)
    assert_close(s2sad.grad(k_kwonly)(x, k=0.5), 1.0 * x)
    assert_close(s2sad.grad(k_kwonly, wrt="k")(x, k=0.5), float(np.sum(x * x)))


def test_keyword_only_argument_cannot_be_passed_by_position():
    # Python refuses k_kwonly(x, 0.5); the derived function binds arguments "like the
    # original", so it must refuse too rather than silently accept the value for `k`.
    x = anyv(3)
    with pytest.raises(TypeError):
        k_kwonly(x, 0.5)
    with pytest.raises(s2sad.UsageError):
        s2sad.grad(k_kwonly)(x, 0.5)


def test_int_argument_not_differentiated_several_values():
    for n in (1, 2, 3, 5):
        assert_close(s2sad.grad(n_int_pow)(1.7, n), n * 1.7 ** (n - 1))


def test_module_constant_read_at_call_time():
    global SCALE
    g = s2sad.grad(c_const)
    assert_close(g(1.2), 2 * 2.5 * 1.2)
    old = SCALE
    SCALE = 4.0
    try:
        assert_close(g(1.2), 2 * 4.0 * 1.2)
    finally:
        SCALE = old


# ---------------------------------------------------------------- specialisations

def poly(x):
    return np.sum(3.0 * x * x + np.sin(x) - x / 2.0)


def poly_grad(x):
    return 6.0 * x + np.cos(x) - 0.5


def test_one_grad_many_specialisations():
    g = s2sad.grad(poly)
    values = [0.7, np.array(0.7), anyv(3), anyv(2, 3), anyv(2, 1, 3), anyv(4), 1.1]
    for x in values:
        got = g(x)
        if isinstance(x, np.ndarray):
            assert isinstance(got, np.ndarray) and got.shape == x.shape
        else:
            assert type(got) is float
        assert_close(got, np.asarray(poly_grad(x)).reshape(np.shape(got)))


def _generic(fn, wrt=0):
    """The generic adjoint (no example arguments) compiled from `s2sad.source(fn)`."""
    text = s2sad.source(fn, wrt=wrt)
    namespace = dict(fn.__globals__)
    namespace.update(runtime.HELPERS)
    namespace.setdefault("np", np)
    namespace.setdefault("math", math)
    exec(compile(text, f"<generic {fn.__name__}>", "exec"), namespace)
    return namespace[f"{fn.__name__}_adjoint"], text


GENERIC_CASES = CASES + VJP_CASES + [(poly, (anyv(2, 3),), 0), (poly, (0.3,), 0)]


@pytest.mark.parametrize("fn, args, wrt", GENERIC_CASES,
                         ids=[f"{_id(c)}-{i}" for i, c in enumerate(GENERIC_CASES)])
def test_generic_source_gives_same_numbers_as_specialised(fn, args, wrt):
    generic, text = _generic(fn, wrt)
    out = fn(*args)
    seed = np.random.default_rng(1).normal(size=np.shape(out)) if np.ndim(out) else 1.5
    value, grads = generic(*args, seed)
    want_value, want = s2sad.vjp(fn, wrt=wrt)(*args, seed)
    assert_close(np.asarray(value)[()], want_value, rtol=1e-12, atol=1e-14)
    if not isinstance(wrt, tuple):
        grads, want = (grads,), (want,)
    for x, g, w in zip([args[i] for i in (wrt if isinstance(wrt, tuple) else (wrt,))],
                       grads, want):
        assert np.shape(g) == np.shape(x), f"generic gradient has shape {np.shape(g)}:\n{text}"
        assert_close(np.asarray(g)[()] if np.ndim(g) == 0 else g, w, rtol=1e-12, atol=1e-14)


def test_specialised_source_differs_by_kind():
    scalar = s2sad.source(poly, 0.5)
    array = s2sad.source(poly, anyv(3))
    assert "def poly_adjoint" in scalar and "def poly_adjoint" in array
    # the code the last call ran is exposed on the derived function
    g = s2sad.grad(poly)
    g(anyv(2, 3))
    assert g.source == s2sad.source(poly, anyv(2, 3), mode="gradient")
    assert g.source.startswith("def poly_gradient(x):")


def test_wengert_source_renames_overwrites():
    text = s2sad.source(o_overwrite, mode="wengert")
    assert "def o_overwrite(" in text
    compiled = {}
    exec(compile(text, "<wengert>", "exec"), {"np": np, "math": math}, compiled)
    assert compiled["o_overwrite"](0.7, 1.3) == pytest.approx(o_overwrite(0.7, 1.3))


# ---------------------------------------------------------------- returned arrays are independent

def add_sum(x, y):
    return np.sum(x + y)


def add_arrays(x, y):
    return x + y


def identity(x):
    return x


def test_gradients_do_not_alias_each_other():
    # an optimiser updating one gradient in place must not change the other
    gx, gy = s2sad.grad(add_sum, wrt=(0, 1))(np.ones(3), np.ones(3))
    assert not np.shares_memory(gx, gy)
    gx *= 0.5
    assert_close(gy, np.ones(3))


def test_vjp_results_do_not_alias_the_cotangent():
    cotangent = np.array([1.0, 2.0, 3.0])
    _, (gx, gy) = s2sad.vjp(add_arrays, (0, 1))(np.ones(3), np.ones(3), cotangent)
    _, g = s2sad.vjp(identity)(np.ones(3), cotangent)
    for result in (gx, gy, g):
        assert not np.shares_memory(result, cotangent)
    assert not np.shares_memory(gx, gy)
