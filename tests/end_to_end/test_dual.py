"""The dual-number oracle (dual.py) against the lecture notes, then s2sad against the oracle.

The oracle is checked first on its own (the seeds' tangent tables, every elementary
function against central differences), so that agreeing with it means something; then
every scalar-argument case of the other suites goes through s2sad's generated tangent
(`jvp`) and adjoint (`grad`), which must match the oracle to rounding error: the dual
evaluation and the generated code compute the same chain rule by unrelated routes.
"""
import functools
import math

import dual
import numpy as np
import pytest
from programs import control_flow as control
import test_forward_mode as forward
import test_regression_programs as regressions
import test_seeds as seeds
import test_straight_line as straight
from util import numeric_grad

import s2sad

# ---------------------------------------------------------------- the seeds' tables


def test_seed000_tangent_table():
    """Seed 000's forward table at (1.5, 0.5) with x_dot = (1, 0), to the table's digits.
    The notes round each intermediate to 4 digits before using it, so their v6 = 2.0167
    is the exact 2.016647 rounded late; the tangent column is exact."""
    v = dual.dualize(gw_table)(dual.Dual(1.5, 1.0), dual.Dual(0.5, 0.0))
    values = [3.0, 0.1411, 1.6487, 1.3513, 1.4924, 2.0167]
    tangents = [2.0, -1.98, 0.0, 2.0, 0.02, 3.0118]
    digits = [4, 2, 4, 4, 2, 4]
    for i, (want_value, want_tangent, n) in enumerate(zip(values, tangents, digits)):
        assert v[i].val == pytest.approx(want_value, abs=1e-4), f"v{i + 1}"
        assert round(v[i].dot, n) == want_tangent, f"v{i + 1} dot"
    assert v[5].dot == pytest.approx(seeds.gw_gradient(1.5, 0.5)[0], rel=1e-15)


def gw_table(x1, x2):
    v1 = x1 / x2
    v2 = math.sin(v1)
    v3 = math.exp(x2)
    v4 = v1 - v3
    v5 = v2 + v4
    v6 = v5 * v4
    return v1, v2, v3, v4, v5, v6


def seed002_table(x1, x2):
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return v1, v2, v3, v4, v5


def test_seed002_tangent_table():
    """Seed 002's forward primal and tangent traces at (2, 5) with x_dot = (1, 0): the
    tangents are exact (1/2, 1*5 + 0*2, 0*cos 5, 0.5 + 5, 5.5 - 0)."""
    v = dual.dualize(seed002_table)(dual.Dual(2.0, 1.0), dual.Dual(5.0, 0.0))
    assert [round(d.val, 3) for d in v] == [0.693, 10.0, -0.959, 10.693, 11.652]
    assert [d.dot for d in v] == [0.5, 5.0, 0.0, 5.5, 5.5]


def test_seed002_reverse_table_by_two_tangent_sweeps():
    """The notes' reverse sweep gives x1_bar = 5.5, x2_bar = 1.716: the same numbers
    come from one tangent sweep per input."""
    d1, d2 = dual.derivative(seeds.seed002, (2.0, 5.0), (0, 1))
    assert d1 == 5.5
    assert round(d2, 3) == 1.716
    assert d2 == 2.0 - math.cos(5.0)


# ---------------------------------------------------------------- the oracle on its own

def _point(name):
    return {"acosh": 1.7, "log2": 1.3, "log10": 1.3}.get(name, 0.45)


@pytest.mark.parametrize("name", sorted(dual.UNARY) + ["log", "cbrt"])
def test_every_math_function_against_central_differences(name):
    f, x = getattr(math, name, None) or np.cbrt, _point(name)
    got = dual.derivative(lambda t: getattr(dual.dual_math, name)(t), (x,))
    assert got == pytest.approx(numeric_grad(lambda t: float(f(t)), (x,)), rel=1e-7)


@pytest.mark.parametrize("name", sorted(dual.UFUNC_METHODS))
def test_numpy_ufuncs_on_duals_and_object_arrays(name):
    ufunc = getattr(np, name)
    x = 1.6 if name == "arccosh" else 0.45
    slope = numeric_grad(lambda t: float(ufunc(t)), (x,))
    assert dual.derivative(lambda t: ufunc(t), (x,)) == pytest.approx(slope, rel=1e-7)
    _, tangent = dual.jvp(lambda v: ufunc(v), (np.full(2, x),), 0, np.array([1.0, -2.0]))
    np.testing.assert_allclose(tangent, [slope, -2.0 * slope], rtol=1e-7)


@pytest.mark.parametrize("fn, args", [
    (lambda x, y: x ** y, (1.3, 0.7)), (lambda x, y: y ** 3 - 2.0 ** x, (1.3, 0.7)),
    (lambda x, y: x % y, (2.3, 0.7)), (lambda x, y: abs(x - y) * (x / y), (0.3, 0.7)),
    (lambda x, y: dual.dual_math.atan2(y, x) + dual.dual_math.hypot(x, y), (0.3, -0.7)),
    (lambda x, y: dual.dual_math.log(x, y) - (1.0 - x) / (2.0 + y), (1.3, 2.7)),
    (lambda x, y: -x // y + (x * 3) // 1, (1.3, 0.7)),
])
def test_operators_against_central_differences(fn, args):
    got = dual.derivative(fn, args, (0, 1))
    want = numeric_grad(fn, args, (0, 1))
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)


def helper_with_math(t):
    return math.sin(t) * math.exp(t)


def calls_a_helper(x):
    return helper_with_math(x * x) + float(x)


def test_helpers_and_float_keep_the_derivative():
    """The module's helper is rebound to dual math too, and `float(x)` passes the
    derivative on (d/dx [sin(x^2) exp(x^2) + x])."""
    x = 0.8
    u = x * x
    want = 2 * x * (math.cos(u) + math.sin(u)) * math.exp(u) + 1.0
    assert dual.derivative(calls_a_helper, (x,)) == pytest.approx(want, rel=1e-14)


def affine(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 1.5 * fn(*args, **kwargs) + 0.25
    return wrapper


def times_cosine(fn):
    @functools.wraps(fn)
    def wrapper(t):
        return fn(t) * math.cos(t)
    return wrapper


@affine
@times_cosine
def decorated_sine(t):
    return math.sin(t)


def test_a_decorated_function_runs_its_wrappers_on_duals():
    """The wrappers call the function they wrap from a closure cell, which is rebound too
    (a TypeError from math.sin on a Dual before): d/dt [1.5 sin t cos t + 0.25]."""
    t = 0.4
    assert dual.derivative(decorated_sine, (t,)) == pytest.approx(1.5 * math.cos(2 * t),
                                                                  rel=1e-14)
    assert dual.jvp(decorated_sine, (t,), 0, 1.0)[0] == decorated_sine(t)


def test_float_array_cannot_silently_drop_a_derivative():
    d = dual.Dual(0.5, 1.0)
    with pytest.raises(TypeError, match="drop its derivative"):
        np.zeros(2)[0] = d
    assert float(dual.Dual(0.5)) == 0.5


# ---------------------------------------------------------------- s2sad against the oracle

def _scalar_cases():
    regression_cases = [(fn, args, (0, 1)) for fn in regressions.CASES
                        for args in [(0.37, -0.61), (0.9, 0.2)]]
    seed_cases = [(seeds.seed002, (2.0, 5.0), (0, 1)),
                  (seeds.griewank_walther, (1.5, 0.5), (0, 1)),
                  (seeds.seed001, (0.3,), 0), (seeds.seed001_np, (1.7,), 0),
                  (seeds.logistic_loss, (-1.2, 0.7), (0, 1))]
    cases = (seed_cases + straight.CASES + control.CASES + forward.REVIEW_CASES
             + regression_cases)
    return [c for c in cases if not any(isinstance(a, np.ndarray) for a in c[1])]


SCALAR_CASES = _scalar_cases()


def _ids(cases):
    seen, out = {}, []
    for fn, _, _ in cases:
        seen[fn.__name__] = seen.get(fn.__name__, 0) + 1
        out.append(f"{fn.__name__}-{seen[fn.__name__]}")
    return out


def assert_same(got, want, rtol=1e-12):
    """Equal to rounding error: relative, but absolute near zero (a sum that cancels)."""
    got, want = np.atleast_1d(np.asarray(got, float)), np.atleast_1d(np.asarray(want, float))
    assert got.shape == want.shape
    scale = np.maximum(1.0, np.abs(want))
    assert np.all(np.abs(got - want) <= rtol * scale), f"{got} != {want}"


def test_the_case_tables_have_many_scalar_cases():
    assert len(SCALAR_CASES) > 150


@pytest.mark.parametrize("fn, args, wrt", SCALAR_CASES, ids=_ids(SCALAR_CASES))
def test_jvp_and_grad_equal_the_dual_derivative(fn, args, wrt):
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    oracle = [dual.derivative(fn, args, p) for p in positions]
    for p, want in zip(positions, oracle):
        value, got = s2sad.jvp(fn, wrt=p)(*args, 1.0)
        assert_same(got, want)
        assert_same(value, fn(*args), rtol=1e-13)
    grads = s2sad.grad(fn, wrt=positions)(*args)
    assert_same(grads, oracle)


@pytest.mark.parametrize("fn, args, wrt", SCALAR_CASES, ids=_ids(SCALAR_CASES))
def test_jvp_in_a_random_direction_equals_the_dual_tangent(fn, args, wrt):
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    directions = tuple(np.random.default_rng(len(args)).normal(size=len(positions)))
    _, got = s2sad.jvp(fn, wrt=positions)(*args, directions)
    _, want = dual.jvp(fn, args, positions, directions)
    assert_same(got, want)
