"""Forward mode: every function of the reverse-mode suites through `jvp`.

Each case is checked twice, against independent references: the tangent J·ẋ for a random
direction ẋ against central differences along ẋ, and against the adjoint by the
dot-product test ⟨J·ẋ, ȳ⟩ = ⟨ẋ, Jᵀ·ȳ⟩ for random ẋ and ȳ (Tapenade's validation of
adjoints; the two modes are generated independently, so agreement to rounding error is
strong evidence both are right).
"""
import math

import numpy as np
import pytest
from programs import control_flow as control
import test_regression_programs as regressions
import test_straight_line as straight
from util import assert_close, numeric_jvp, random_tangents

import s2sad
from s2sad import runtime
from s2sad.api.jacobian import choose

CASES = (straight.CASES + straight.VJP_CASES + control.CASES
         + [(fn, args, (0, 1)) for fn in regressions.CASES
            for args in [(0.37, -0.61), (0.9, 0.2)]])


def _ids(cases):
    seen, out = {}, []
    for case in cases:
        name = case[0].__name__
        seen[name] = seen.get(name, 0) + 1
        out.append(f"{name}-{seen[name]}")
    return out


def _positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


def _directions(args, wrt, seed):
    return random_tangents(args, wrt, seed)


def _tangent_argument(wrt, tangents):
    return tangents if isinstance(wrt, tuple) else tangents[0]


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_jvp_matches_central_differences(fn, args, wrt):
    tangents = _directions(args, wrt, 3)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    assert_close(np.asarray(value, dtype=float), np.asarray(fn(*args), dtype=float),
                 rtol=1e-12, atol=1e-13)
    assert np.shape(tangent) == np.shape(value)
    assert_close(np.asarray(tangent, dtype=float), numeric_jvp(fn, args, wrt, tangents),
                 rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_dot_product_forward_against_reverse(fn, args, wrt):
    tangents = _directions(args, wrt, 5)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    cotangent = np.random.default_rng(11).normal(size=np.shape(value))
    if not np.shape(value):
        cotangent = float(cotangent)
    _, grads = s2sad.vjp(fn, wrt=wrt)(*args, cotangent)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    forward = float(np.sum(np.asarray(tangent, dtype=float) * cotangent))
    reverse = sum(float(np.sum(np.asarray(g, dtype=float) * t))
                  for g, t in zip(grads, tangents))
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-12)


def _generic(fn, wrt):
    """The generic tangent (no example arguments) compiled from `s2sad.source`."""
    text = s2sad.source(fn, wrt=wrt, mode="forward")
    namespace = dict(fn.__globals__)
    namespace.update(runtime.HELPERS)
    exec(compile(text, f"<generic {fn.__name__}>", "exec"), namespace)
    return namespace[f"{fn.__name__}_tangent"], text


GENERIC_CASES = control.GENERIC_CASES + straight.GENERIC_CASES


@pytest.mark.parametrize("fn, args, wrt", GENERIC_CASES, ids=_ids(GENERIC_CASES))
def test_generic_tangent_gives_same_numbers(fn, args, wrt):
    generic, text = _generic(fn, wrt)
    tangents = _directions(args, wrt, 9)
    value, tangent = generic(*args, *tangents)
    want_value, want = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    assert_close(np.asarray(value, dtype=float), np.asarray(want_value, dtype=float),
                 rtol=1e-12, atol=1e-14)
    got = np.broadcast_to(np.asarray(tangent, dtype=float), np.shape(want))
    assert np.shape(got) == np.shape(want), text
    assert_close(got, np.asarray(want, dtype=float), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_jacobian_forward_equals_reverse(fn, args, wrt):
    """Vector forward mode (all directions in one sweep) against one adjoint sweep per
    output element: built independently, equal to rounding."""
    forward = s2sad.jacobian(fn, wrt=wrt, mode="forward")(*args)
    reverse = s2sad.jacobian(fn, wrt=wrt, mode="reverse")(*args)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- jacobian: R^n -> R^m

def wide(x):
    """R^2 -> R^5 (n < m)."""
    t = np.linspace(0.0, 1.0, 5)
    return np.sin(x[0] * t) + x[1] * t * t


def square(x):
    """R^3 -> R^3 (n = m)."""
    return np.sin(x) * x[::-1] + np.exp(-x) / (1.0 + x[0] * x[0])


WEIGHTS = np.array([1.0, -2.0, 0.5])


def narrow(A):
    """R^(2x3) -> R^2 (n > m)."""
    return np.tanh(A) @ WEIGHTS


def mixed(x, s):
    """A vector and a number in, a matrix out."""
    return np.sin(x)[:, None] * x * s


def numeric_jacobian(fn, args, position):
    x = np.asarray(args[position], dtype=float)
    out_shape = np.shape(fn(*args))
    J = np.zeros(out_shape + x.shape)
    for i in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(float(x[i])))
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        moved = list(args)
        moved[position] = plus if x.shape else float(plus)
        fp = np.asarray(fn(*moved), dtype=float)
        moved[position] = minus if x.shape else float(minus)
        fm = np.asarray(fn(*moved), dtype=float)
        J[(Ellipsis,) + i] = (fp - fm) / (2 * h)
    return J


JACOBIAN_CASES = [
    (wide, (np.array([0.7, -0.4]),), 0),
    (square, (np.array([0.3, 1.2, -0.5]),), 0),
    (narrow, (np.array([[0.1, -0.2, 0.3], [0.5, 0.9, -1.1]]),), 0),
    (mixed, (np.array([0.2, -0.7, 1.3]), 0.6), (0, 1)),
]


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
@pytest.mark.parametrize("fn, args, wrt", JACOBIAN_CASES, ids=_ids(JACOBIAN_CASES))
def test_jacobian_matches_central_differences(fn, args, wrt, mode):
    got = s2sad.jacobian(fn, wrt=wrt, mode=mode)(*args)
    got = got if isinstance(wrt, tuple) else (got,)
    for block, position in zip(got, _positions(wrt)):
        want = numeric_jacobian(fn, args, position)
        assert np.shape(block) == want.shape
        assert_close(np.asarray(block), want, rtol=1e-6, atol=1e-8)


def test_jacobian_shapes_are_output_then_input():
    J = s2sad.jacobian(mixed, wrt=(0, 1))(np.ones(3), 2.0)
    assert J[0].shape == (3, 3, 3) and J[1].shape == (3, 3)
    assert type(s2sad.jacobian(wide)(np.array([0.1, 0.2]))) is np.ndarray
    assert type(s2sad.jacobian(float32_fn)(0.4)) is float


@pytest.mark.parametrize("n, m, mode", [(1, 1, "forward"), (2, 5, "forward"),
                                        (3, 3, "forward"), (6, 2, "reverse"),
                                        (100, 1, "reverse")])
def test_auto_picks_the_mode_with_fewer_sweeps(n, m, mode):
    assert choose(n, m) == mode


def test_jacobian_of_float32_stays_float32():
    x = np.array([0.7, -0.4], dtype=np.float32)
    for mode in ("forward", "reverse"):
        J = s2sad.jacobian(float32_fn, mode=mode)(x)
        assert J.dtype == np.float32
        assert_close(J, numeric_jacobian(float32_fn, (x.astype(float),), 0), rtol=1e-4,
                     atol=1e-5)


# ---------------------------------------------------------------- the jvp API

def identity(x):
    return x


def test_jvp_of_identity_returns_a_new_array():
    x, t = np.ones(3), np.arange(3.0)
    value, tangent = s2sad.jvp(identity)(x, t)
    assert np.array_equal(tangent, t) and tangent is not t
    assert not np.shares_memory(tangent, t)


def shifted(s, A):
    return A + s


def test_jvp_tangent_has_the_results_shape_when_only_a_number_varies():
    """The generated tangent is `s_dot` (a number); the caller gets the result's shape."""
    tangent = s2sad.jvp(shifted)(0.5, np.ones((2, 3)), 2.0)[1]
    assert tangent.shape == (2, 3) and np.all(tangent == 2.0)


def float32_fn(x):
    return np.sin(x) * x


def test_jvp_float32_keeps_dtype():
    x = np.array([0.5, 1.5], dtype=np.float32)
    _, tangent = s2sad.jvp(float32_fn)(x, np.ones(2, dtype=np.float32))
    assert tangent.dtype == np.float32
    assert_close(tangent, np.cos(x) * x + np.sin(x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("tangent, message", [
    (np.ones(2), "shape"),
    ("a", "real numbers"),
])
def test_jvp_rejects_a_tangent_that_does_not_match(tangent, message):
    with pytest.raises(s2sad.UsageError, match=message):
        s2sad.jvp(float32_fn)(np.ones(3), tangent)


def test_jvp_tuple_wrt_needs_a_tuple_of_tangents():
    with pytest.raises(s2sad.UsageError, match="tuple of 2 tangents"):
        s2sad.jvp(mixed, wrt=(0, 1))(np.ones(3), 2.0, np.ones(3))


def test_jacobian_rejects_an_unknown_mode():
    with pytest.raises(s2sad.UsageError, match="mode"):
        s2sad.jacobian(wide, mode="sideways")


def test_jvp_source_is_the_tangent():
    f = s2sad.jvp(float32_fn)
    f(np.ones(2), np.ones(2))
    assert "def float32_fn_tangent(x, x_dot):" in f.source


def test_forward_sample_prints_matching_derivatives():
    """samples/forward.py compares jvp and all three jacobian modes with derivatives worked
    out by hand; every printed difference must be at rounding level."""
    import subprocess
    import sys
    from pathlib import Path
    sample = Path(__file__).resolve().parents[2] / "samples" / "forward.py"
    out = subprocess.run([sys.executable, str(sample)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for line in lines:
        if " by hand " in line:
            got, want = line.split(":", 1)[1].split("by hand")
            assert float(got) == pytest.approx(float(want), rel=1e-14), line
    differences = [float(line.rsplit(":", 1)[1]) for line in lines if "difference" in line]
    assert len(differences) == 3 and max(differences) < 1e-14


# ---------------------------------------------------------------- reduced from review findings

def undifferentiated_becomes_active_in_branch(a, x):
    if x > 0:
        a = a * x
    return a


def undifferentiated_becomes_active_in_loop(a, x):
    for i in range(2):
        a = a * x
    return a


def differentiated_array_rebound_to_narrower_tangent(x, s):
    if s > 0:
        x = np.zeros(3) + s
    return x[0] * x[1]


def differentiated_matrix_rebound(A, s):
    if s > 0:
        A = np.eye(3) + s
    return A @ A


def scalar_restarted_from_zero_then_spread(s, x):
    a = s
    B = np.ones(4) * a
    B[1] = np.sum(x * x)
    for i in range(2):
        a = B[2]
    return B * a


def fill_three(a, b):
    y = np.zeros(3)
    y[0] = a
    y[1:] = b[1:]
    return y


def zero_scalar_passed_to_helper(s, x):
    for i in range(2):
        s = 2.0
    return fill_three(s, x) * x


def product(a, b):
    return a @ b


def cube_sum(x):
    return np.sum(x * x * x)


V3 = np.array([0.3, -0.2, 0.7])
REVIEW_CASES = [
    (undifferentiated_becomes_active_in_branch, (2.0, 0.5), 1),
    (undifferentiated_becomes_active_in_branch, (2.0, -0.5), 1),
    (undifferentiated_becomes_active_in_loop, (2.0, 0.5), 1),
    (differentiated_array_rebound_to_narrower_tangent, (V3, 0.5), (0, 1)),
    (differentiated_array_rebound_to_narrower_tangent, (V3, -0.5), (0, 1)),
    (differentiated_matrix_rebound, (np.eye(3) * 0.3, 0.5), (0, 1)),
    (scalar_restarted_from_zero_then_spread, (0.5, np.ones(4)), (0, 1)),
    (zero_scalar_passed_to_helper, (0.5, V3), (0, 1)),
    (product, (np.ones((2, 1)) * 0.5, np.arange(6.0).reshape(2, 1, 3)), (0, 1)),
    (product, (V3, np.arange(36.0).reshape(3, 3, 4) / 10), (0, 1)),
    (product, (np.arange(12.0).reshape(3, 4) / 5, np.arange(40.0).reshape(2, 4, 5) / 9),
     (0, 1)),
    (product, (np.arange(24.0).reshape(2, 3, 4) / 7, np.ones((4, 2))), (0, 1)),
    (cube_sum, (np.array(0.5),), 0),
]


@pytest.mark.parametrize("fn, args, wrt", REVIEW_CASES, ids=_ids(REVIEW_CASES))
def test_review_case(fn, args, wrt):
    tangents = _directions(args, wrt, 21)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    assert_close(np.asarray(tangent, dtype=float), numeric_jvp(fn, args, wrt, tangents),
                 rtol=1e-5, atol=1e-6)
    forward = s2sad.jacobian(fn, wrt=wrt, mode="forward")(*args)
    reverse = s2sad.jacobian(fn, wrt=wrt, mode="reverse")(*args)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)
    blocks = forward if isinstance(wrt, tuple) else (forward,)
    for block, position in zip(blocks, _positions(wrt)):
        assert_close(np.asarray(block, dtype=float), numeric_jacobian(fn, args, position),
                     rtol=1e-5, atol=1e-6)


def unused_argument(x, y):
    return y * 2.0


def test_tangent_of_a_result_that_ignores_the_argument():
    assert "return unused_argument, 0.0" in s2sad.source(unused_argument, 1.0, 2.0,
                                                         mode="forward")
    x = np.ones(2, dtype=np.float32)
    value, tangent = s2sad.jvp(unused_argument)(x, x * 3, x)
    assert tangent.dtype == np.float32 and not np.any(tangent)


def test_vector_tangent_sums_name_one_axis_plainly():
    text = s2sad.source(cube_sum, np.ones(3), mode="vector")
    assert "axis=1)" in text and "axis=(1,)" not in text


# ---------------------------------------------------------------- a copy's tangent is a copy

def copy_then_write_original(x):
    """The issue's program: `w7_dot = w6_dot` let the writes into `w6_dot` change `w7`'s
    tangent."""
    w6 = np.ones(3) * x
    w7 = w6.copy()
    for k in range(3):
        w6[k] = math.sin(x)
    return np.sum(w7 * w7)


def test_tangent_of_a_copy_does_not_see_later_writes():
    value, tangent = s2sad.jvp(copy_then_write_original)(0.3, 1.0)
    assert value == pytest.approx(0.27, rel=1e-14)
    assert tangent != pytest.approx(1.7196056804260906, rel=1e-6)
    assert tangent == pytest.approx(1.8, rel=1e-13)  # 6 x; central differences agree
    assert tangent == pytest.approx(numeric_jvp(copy_then_write_original, (0.3,), 0, (1.0,)),
                                    rel=1e-8)
    assert tangent == pytest.approx(s2sad.grad(copy_then_write_original)(0.3), rel=1e-13)
    assert s2sad.jacobian(copy_then_write_original, mode="forward")(0.3) == \
        pytest.approx(1.8, rel=1e-13)


def np_copy_then_write_original(x):
    w6 = np.ones(3) * x
    w7 = np.copy(w6)
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)


def array_of_array_then_write_original_in_loop(x):
    w6 = np.ones(3) * x
    w7 = np.array(w6)
    for k in range(2):
        w6[k] = math.sin(x) * w6[k]
    return np.sum(w7 * w7) + np.sum(w6 * w6)


def unary_plus_then_write_original(x):
    w6 = np.ones(3) * x
    w7 = +w6
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)


def times_one_then_write_original(x):
    """`w6_dot * 1.0` is simplified to `w6_dot`."""
    w6 = np.ones(3) * x
    w7 = w6 * 1.0
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)


def flatten_then_write_original(x):
    """`w6.flatten()` is a copy, its tangent `np.ravel(w6_dot)` a view."""
    w6 = np.ones((2, 2)) * x
    w7 = w6.flatten()
    w6[0, 1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6)


def copy_of_a_transposed_view(x):
    """`t = w6.T` is a view (its tangent one too, rightly); `t.copy()` is not."""
    w6 = np.arange(4.0).reshape(2, 2) * x
    w7 = w6.T.copy()
    w6[0, 1] = math.sin(x)
    return np.sum(w7 * w6) + w7[0, 1]


def copy_of_a_copy_both_written(x):
    w6 = np.ones(3) * x
    w7 = w6.copy()
    w8 = w7.copy()
    w6[0] = math.sin(x)
    w7[1] = math.cos(x)
    return np.sum(w8 * w8) + np.sum(w7 * w6)


def copy_taken_in_the_writing_loop(x):
    w6 = np.ones(3) * x
    s = 0.0
    for k in range(3):
        w7 = w6.copy()
        w6[k] = math.sin(x) * w6[k]
        s = s + np.sum(w7 * w7)
    return s


def copy_in_a_branch_then_write_original(x):
    w6 = np.zeros(3) + x
    if x > 0:
        w7 = w6.copy()
    else:
        w7 = w6 * 2.0
    w6[2] = x * x
    return np.sum(w7 * w7) + np.sum(w6)


def copy_then_write_the_copy(x):
    """Writes into the copy must not reach the original's tangent (already a copy)."""
    w6 = np.ones(3) * x
    w7 = w6.copy()
    for k in range(3):
        w7[k] = math.sin(x) * w7[k]
    return np.sum(w7 * w7) + np.sum(w6 * w6)


def element_read_then_written(x):
    """In vector mode `w6[0]`'s tangent is `w6_dot[:, 0]`, a view; the number is not."""
    w6 = np.ones(3) * x
    s = 0.0
    for k in range(3):
        t = w6[k]
        w6[k] = math.sin(x) * t
        s = s + t * w6[k]
    return s


def first_element(v):
    return v[0]


def helper_reads_an_element_then_written(x):
    """The helper's tangent returns the view `v_dot[:, 0]` in vector mode."""
    w6 = np.ones(3) * x
    t = first_element(w6)
    w6[0] = math.sin(x)
    return t * w6[0]


COPY_CASES = [copy_then_write_original, np_copy_then_write_original,
              array_of_array_then_write_original_in_loop, unary_plus_then_write_original,
              times_one_then_write_original, flatten_then_write_original,
              copy_of_a_transposed_view, copy_of_a_copy_both_written,
              copy_taken_in_the_writing_loop, copy_in_a_branch_then_write_original,
              copy_then_write_the_copy, element_read_then_written,
              helper_reads_an_element_then_written]


@pytest.mark.parametrize("fn", COPY_CASES, ids=lambda fn: fn.__name__)
@pytest.mark.parametrize("x", [0.3, -0.7])
def test_tangent_of_a_copy_against_central_differences_and_the_adjoint(fn, x):
    want = numeric_jvp(fn, (x,), 0, (1.0,))
    assert s2sad.jvp(fn)(x, 1.0)[1] == pytest.approx(want, rel=1e-7, abs=1e-9)
    assert s2sad.jacobian(fn, mode="forward")(x) == pytest.approx(want, rel=1e-7, abs=1e-9)
    assert s2sad.grad(fn)(x) == pytest.approx(want, rel=1e-7, abs=1e-9)


def copy_nothing_writes(x):
    w7 = x.copy()
    return np.sum(w7 * np.sin(w7))


def test_tangent_of_a_copy_nothing_writes_stays_an_alias():
    """Where no element write can reach the shared memory the tangent is not copied."""
    text = s2sad.source(copy_nothing_writes, np.ones(3), mode="forward")
    assert "np.copy" not in text and "x_dot * np.cos(w7)" in text
