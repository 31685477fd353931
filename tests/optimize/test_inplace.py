"""Array statements computed in place (s2sad/inplace.py): what is split, what must stay
an expression (shapes that would broadcast, other dtypes, a statement that reads its own
target), and that gradients computed in place equal the ones computed without."""
import re

import gast
import numpy as np
import pytest

import s2sad
from s2sad.optimize.inplace import allowed, rewrite
from s2sad.syntax.printer import source

M, N = ("d", 1), ("d", 2)
SHAPES = {"A": (M, N), "B": (M, N), "a": (N,), "c": (M,), "k": (M, N)}
BOUNDS = {"g_bar": (M, N), "w_bar": (N,), "big_bar": (M, M, N)}
FLOATING = {"A", "B", "a", "c", "g_bar", "w_bar", "big_bar", "y"}


def in_place(text, readers=""):
    statements = rewrite(gast.parse(text).body, SHAPES, BOUNDS, FLOATING, {"s"}, "np",
                         gast.parse(readers).body, {"sigmoid"})
    return "\n".join(source(s).strip() for s in statements)


def test_a_line_splits_where_numpy_cannot_reuse_the_new_array():
    assert in_place("y = np.tanh(A @ B.T @ A + a)") == \
        "y = A @ B.T @ A + a\nnp.tanh(y, out=y)"
    assert in_place("y = g_bar * (1 - A * A)") == \
        "y = A * A\nnp.subtract(1, y, out=y)\ny *= g_bar"
    assert in_place("y = s / (A + 1.0)") == "y = A + 1.0\nnp.divide(s, y, out=y)"
    assert in_place("y = np.exp(A - B) * s") == "y = A - B\nnp.exp(y, out=y)\ny *= s"


def test_a_line_numpy_computes_in_its_new_arrays_stays_whole():
    for text in ["y = A @ B.T @ A / s", "y = 0.5 * (1.0 + A)", "y = -(A * B)",
                 "y = A * B - a"]:
        assert in_place(text) == text


def test_nothing_is_written_in_place_that_would_have_to_grow():
    kept = [
        "y = np.tanh(a + 1.0) * A",          # the innermost value has fewer axes
        "y = big_bar * (1 - A * A)",         # an adjoint that may have more axes
        "y = np.exp(g_bar + 1.0)",           # only an adjoint: its axes are not known
        "y = np.exp(x + 1.0)",               # a name of unknown shape
        "y = np.exp(k * 2)",                 # k may hold integers
        "y = np.exp(np.abs(A) * 2.0) * f(A)",  # a call that is not NumPy's
        "y = (1 - y * y) * A",               # reads the name it assigns
        "y = (1 - A * A) * (a + 1.0)",       # the other operand needs its own array
    ]
    for text in kept:
        assert in_place(text) == text, text


def test_an_adjoint_known_to_have_the_lengths_of_its_value_is_a_buffer():
    assert in_place("u_bar = g_bar * A\ny = np.exp(u_bar)") == \
        "u_bar = g_bar * A\ny = np.exp(u_bar)"
    assert in_place("u_bar = g_bar * A\ny = np.exp(u_bar + 1.0)") == \
        "u_bar = g_bar * A\ny = u_bar + 1.0\nnp.exp(y, out=y)"


def test_an_outer_product_read_once_in_place_becomes_two_broadcasts():
    text = "g_bar = np.outer(c, a)\ny = g_bar * (1 - A * A)"
    assert in_place(text) == \
        "y = A * A\nnp.subtract(1, y, out=y)\ny *= a\ny *= c[:, None]"
    assert in_place(text, readers="f(g_bar)").startswith("g_bar = np.outer(c, a)")
    between = "g_bar = np.outer(c, a)\nc = a\ny = g_bar * (1 - A * A)"
    assert in_place(between).startswith("g_bar = np.outer(c, a)")
    vectors_unknown = "g_bar = np.outer(w_bar, a)\ny = g_bar * (1 - A * A)"
    assert in_place(vectors_unknown).startswith("g_bar = np.outer(w_bar, a)")


def test_only_code_whose_floats_are_all_float64_is_written_in_place():
    plain = gast.parse("y = np.tanh(x @ W)").body
    assert allowed(plain, {}, {})
    for text in ["y = x.astype(np.float32)", "y = np.zeros(3, dtype=np.float32)",
                 "y = x * 1j", "y = np.float32(x)"]:
        assert not allowed(gast.parse(text).body, {}, {}), text
    assert not allowed(plain, {"A": np.ones(3, dtype=np.float32)}, {})
    assert allowed(plain, {"A": np.ones(3), "k": np.arange(3)}, {})
    assert not allowed(plain, {}, {"g": "g_vjp"})


def network(W, b, v, X):
    hidden = np.tanh(X @ W + b)
    return np.sum(np.logaddexp(0.0, -(hidden @ v)))


def data(dtype=np.float64, w_dtype=None):
    rng = np.random.default_rng(3)
    W, b, v, X = (rng.normal(size=shape) for shape in [(4, 6), (6,), (6,), (30, 4)])
    return (W.astype(w_dtype or dtype), b.astype(dtype), v.astype(dtype), X.astype(dtype))


def test_float64_gradients_are_computed_in_place_and_agree_with_differences():
    args = data()
    code = s2sad.source(network, *args, mode="gradient", wrt=(0, 1, 2))
    for line in ["hidden = np.tanh(X @ W + b)", "np.subtract(1, t2_bar, out=t2_bar)",
                 "t2_bar *= v", "t2_bar *= t3_bar[:, None]"]:
        assert line in code
    assert "np.outer" not in code
    W_bar, b_bar, v_bar = s2sad.grad(network, wrt=(0, 1, 2))(*args)
    h = 1e-6
    for k in [(0, 0), (2, 5), (3, 1)]:
        up, down = args[0].copy(), args[0].copy()
        up[k] += h
        down[k] -= h
        difference = (network(up, *args[1:]) - network(down, *args[1:])) / (2 * h)
        assert W_bar[k] == pytest.approx(difference, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("dtype, w_dtype", [(np.float32, None), (np.float64, np.float32),
                                            (np.float16, np.float64)])
def test_other_dtypes_keep_the_expressions_and_the_same_gradient(dtype, w_dtype):
    args = data(dtype, w_dtype)
    code = s2sad.source(network, *args, mode="gradient", wrt=(0, 1, 2))
    assert "out=" not in code and "*=" not in code
    assert "t2_bar = hidden_bar * (1 - hidden * hidden)" in code
    got = s2sad.grad(network, wrt=(0, 1, 2))(*args)
    wide = s2sad.grad(network, wrt=(0, 1, 2))(*(a.astype(np.float64) for a in args))
    for g, w, a in zip(got, wide, args):
        assert g.dtype == a.dtype
        np.testing.assert_allclose(g, w, rtol=2e-2 if np.float16 in (dtype, w_dtype)
                                   else 1e-4, atol=1e-3)


def test_a_vjp_seed_of_another_dtype_is_used_as_float64():
    """An adjoint written in place for float64 arguments computes in float64 throughout,
    also from a float32 or float16 cotangent."""
    def f(x):
        return np.tanh(x) * 3.0
    x = np.linspace(0.1, 1.0, 5)
    vjp = s2sad.vjp(f)
    assert "np.subtract(1, x_bar, out=x_bar)" in s2sad.source(f, x)
    for seed in [np.full(5, 0.1, dtype=np.float32), np.full(5, 0.1, dtype=np.float16)]:
        got = vjp(x, seed)[1]
        assert np.array_equal(got, vjp(x, seed.astype(np.float64))[1])
        wide = seed.astype(np.float64)
        np.testing.assert_allclose(got, 3.0 * wide * (1 - np.tanh(x) ** 2), rtol=1e-14)


def test_code_that_makes_another_dtype_is_not_written_in_place():
    def f(x):
        y = np.tanh(x * 2.0 + 1.0).astype(np.float32)
        return np.sum(np.exp(y * y + 1.0))
    x = np.linspace(-1.0, 1.0, 7)
    assert "out=" not in s2sad.source(f, x, mode="gradient")
    y = np.tanh(x * 2.0 + 1.0)
    expected = np.exp(y * y + 1.0) * 2.0 * y * (1.0 - y * y) * 2.0
    np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-5)


def test_a_loop_that_reads_the_state_it_assigns_keeps_its_line():
    def rnn(W, U, x):
        h = np.zeros(U.shape[0])
        for t in range(x.shape[0]):
            h = np.tanh(x[t] @ W + h @ U)
        return np.sum(h * h)
    rng = np.random.default_rng(5)
    W, U, x = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(6, 3))
    code = s2sad.source(rnn, W, U, x, mode="gradient", wrt=(0, 1))
    assert re.search(r"h = np\.tanh\(t\d+\[t\] \+ h @ U\)", code), code
    U_bar = s2sad.grad(rnn, wrt=1)(W, U, x)
    h = 1e-6
    up, down = U.copy(), U.copy()
    up[1, 2] += h
    down[1, 2] -= h
    assert U_bar[1, 2] == pytest.approx((rnn(W, up, x) - rnn(W, down, x)) / (2 * h),
                                        rel=1e-6)
