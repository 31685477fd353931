"""The policy of the elementwise rules where a derivative is a choice or singular.

- At a kink the derivative takes one side: `abs` +1 at +0.0 and -1 at -0.0; ties in
  `max`/`min`/`np.maximum`/... go to the first argument; `np.clip` passes the derivative
  to `a` on the closed interval [lo, hi].
- A partial that is infinite where the function is finite (`sqrt` at 0) gives 0 for a
  zero incoming derivative: `np.where(x > 0, np.sqrt(x), 0.0)` has gradient 0 where
  x <= 0, not NaN. A nonzero derivative through it is inf for arrays and a
  ZeroDivisionError for floats, as the formula computes.
- Powers with a literal exponent have the derivative a person would write; with a
  variable exponent y, the partial in x is 0 where y == 0 and the partial in y is 0 at
  x == 0 (as in JAX).

Each case is asserted with exact values, by every route s2sad offers (`gradients`), with
warnings raised as errors.
"""
import importlib
import math
import warnings

import numpy as np
import pytest

import s2sad
from s2sad import runtime
from util import numeric_grad


def _unit_tangents(args, positions, p, index):
    """Tangents for `positions`: 1 in element `index` of argument `p`, 0 elsewhere."""
    tangents = []
    for q in positions:
        t = np.zeros(np.shape(args[q]))
        if q == p:
            t[index] = 1.0
        tangents.append(t if np.ndim(args[q]) else float(t))
    return tangents


def _by_jvp(fn, args, wrt):
    """The gradient of scalar-valued `fn` assembled from one jvp per unit tangent."""
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    grads = []
    for p in positions:
        grad = np.zeros(np.shape(args[p]))
        for index in np.ndindex(grad.shape):
            tangents = _unit_tangents(args, positions, p, index)
            _, grad[index] = s2sad.jvp(fn, wrt)(
                *args, tuple(tangents) if isinstance(wrt, tuple) else tangents[0])
        grads.append(grad if np.ndim(args[p]) else float(grad))
    return tuple(grads) if isinstance(wrt, tuple) else grads[0]


ROUTES = {
    "grad": lambda fn, args, wrt: s2sad.grad(fn, wrt=wrt)(*args),
    "vjp": lambda fn, args, wrt: s2sad.vjp(fn, wrt=wrt)(*args, 1.0)[1],
    "jvp": _by_jvp,
    "jacobian forward": lambda fn, args, wrt: s2sad.jacobian(fn, wrt, mode="forward")(*args),
    "jacobian reverse": lambda fn, args, wrt: s2sad.jacobian(fn, wrt, mode="reverse")(*args),
}
REVERSE = ("grad", "vjp", "jacobian reverse")


def gradients(fn, *args, wrt=0, routes=tuple(ROUTES)):
    """The gradient of scalar-valued `fn` at `args` by each route, with warnings as errors."""
    found = {}
    for route in routes:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            found[route] = ROUTES[route](fn, args, wrt)
    return found


def assert_exact(found, want):
    """Every route gave exactly `want` (a number, an array, or a tuple of them)."""
    for route, got in found.items():
        if isinstance(want, tuple):
            assert isinstance(got, tuple) and len(got) == len(want), route
            pairs = zip(got, want)
        else:
            pairs = [(got, want)]
        for g, w in pairs:
            assert np.shape(g) == np.shape(w), route
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w), err_msg=route)


def assert_near(found, want, rtol):
    """Every route gave `want` (central differences, say) to within `rtol`."""
    for route, got in found.items():
        for g, w in zip(got, want) if isinstance(want, tuple) else [(got, want)]:
            assert np.shape(g) == np.shape(w), route
            np.testing.assert_allclose(g, w, rtol=rtol, atol=0, err_msg=route)


# ---------------------------------------------------------------- guarded partials

def where_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0))


def where_sqrt_clamped(x):
    return np.sum(np.where(x > 0, np.sqrt(np.maximum(x, 0.0)), 0.0))


def half_over_sqrt(x):
    """0.5 / sqrt(x) where x > 0 (elsewhere a finite placeholder)."""
    return 0.5 / np.sqrt(np.where(x > 0, x, 1.0))


def test_where_sqrt_has_zero_gradient_at_zero():
    """The trap that gives NaN in JAX: the adjoint of `where` passes 0 to `sqrt` at
    x = 0, where sqrt's partial is infinite; 0 comes out. In forward mode the tangent of
    sqrt at 0 is inf (no warning) and `where` selects the other branch."""
    x = np.array([4.0, 0.0, 0.25, 0.0, 1.0])
    want = np.where(x > 0, half_over_sqrt(x), 0.0)
    assert_exact(gradients(where_sqrt, x), want)


def test_where_sqrt_with_negative_entries():
    """With negative entries, the primal's own sqrt is computed from np.maximum(x, 0)
    so that no warning comes from it; the derivative raises none either."""
    x = np.array([4.0, 0.0, -1.0, 0.25, -0.0, -3.5])
    want = np.where(x > 0, half_over_sqrt(x), 0.0)
    assert_exact(gradients(where_sqrt_clamped, x), want)


def test_where_sqrt_of_negatives_itself():
    """The literal example, sqrt of negatives and all: NaN stays in the unused branch."""
    x = np.array([4.0, 0.0, -1.0, 0.25])
    with np.errstate(invalid="ignore"):  # the primal's own sqrt(-1)
        found = {route: ROUTES[route](where_sqrt, (x,), 0) for route in ROUTES}
    assert_exact(found, np.where(x > 0, half_over_sqrt(x), 0.0))


def max_sqrt(x):
    return max(math.sqrt(x), 1.0)


def test_scalar_max_of_sqrt_at_zero():
    """`max` passes 0 to `sqrt` at x = 0: the gradient is 0, not a ZeroDivisionError.
    A float tangent of sqrt at 0 with a nonzero seed is infinite, which float code raises
    (as Python does for the formula); the vector tangent of `jacobian` is an array, which
    holds inf, and max then selects 0."""
    assert_exact(gradients(max_sqrt, 0.0, routes=REVERSE + ("jacobian forward",)), 0.0)
    assert s2sad.jvp(max_sqrt)(0.0, 0.0) == (1.0, 0.0)
    with pytest.raises(ZeroDivisionError):
        s2sad.jvp(max_sqrt)(0.0, 1.0)
    assert_exact(gradients(max_sqrt, 4.0), 0.25)


def sqrt_vector(x):
    return np.sqrt(x)


def test_jacobian_of_sqrt_at_zero_has_zeros_off_the_diagonal():
    want = np.array([[np.inf, 0.0], [0.0, 0.5]])
    x = np.array([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for mode in ("forward", "reverse"):
            np.testing.assert_array_equal(s2sad.jacobian(sqrt_vector, mode=mode)(x), want)
        np.testing.assert_array_equal(s2sad.jvp(sqrt_vector)(x, np.array([0.0, 1.0]))[1],
                                      [0.0, 0.5])
        np.testing.assert_array_equal(s2sad.vjp(sqrt_vector)(x, np.array([0.0, 1.0]))[1],
                                      [0.0, 0.5])


def sqrt_scalar(x):
    return math.sqrt(x)


def test_scalar_sqrt_at_zero():
    """A zero seed gives 0 in both modes; a nonzero one raises like the formula."""
    assert s2sad.vjp(sqrt_scalar)(0.0, 0.0) == (0.0, 0.0)
    assert s2sad.jvp(sqrt_scalar)(0.0, 0.0) == (0.0, 0.0)
    with pytest.raises(ZeroDivisionError):
        s2sad.grad(sqrt_scalar)(0.0)
    with pytest.raises(ZeroDivisionError):
        s2sad.jvp(sqrt_scalar)(0.0, 1.0)


def guarded_at_zero(x):
    return (np.sum(np.where(x > 0, np.cbrt(x), 0.0))
            + np.sum(np.where(np.abs(x) < 1, np.arcsin(np.clip(x, -1.0, 1.0)), 0.0))
            + np.sum(np.where(x > 1, np.arccosh(np.maximum(x, 1.0)), 0.0)))


def test_cbrt_arcsin_arccosh_at_their_singular_points():
    """cbrt at 0, arcsin at +-1, arccosh at 1: the selected-away branch contributes 0."""
    x = np.array([0.0, 1.0, -1.0, 8.0])
    want = np.array([1.0, 1 / 3, 0.0, 1 / 12 + 1 / math.sqrt(63.0)])
    for route, got in gradients(guarded_at_zero, x).items():
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, err_msg=route)


def test_generated_guards_read_like_the_formula():
    """Array code divides through `safe_divide`; float code writes a conditional
    expression and calls no helper."""
    arrays = s2sad.source(where_sqrt, np.ones(3))
    assert "safe_divide(t2_bar * 0.5, t2)" in arrays
    assert "np.where(t1, where_sqrt_bar, 0.0)" in arrays
    floats = s2sad.source(sqrt_scalar, 2.0)
    assert "x_bar = sqrt_scalar_bar * 0.5 / sqrt_scalar if sqrt_scalar_bar else 0.0" in floats
    tangent = s2sad.source(sqrt_scalar, 2.0, mode="forward")
    assert "x_dot * 0.5 / sqrt_scalar if x_dot else 0.0" in tangent
    for source in (floats, tangent, s2sad.source(max_sqrt, 2.0),
                   s2sad.source(max_sqrt, 2.0, mode="forward")):
        assert not any(helper in source for helper in runtime.HELPERS), source


# ---------------------------------------------------------------- kinks

def builtin_abs(x):
    return abs(x)


def math_fabs(x):
    return math.fabs(x)


def numpy_abs(x):
    return np.sum(np.abs(x))


def numpy_fabs(x):
    return np.sum(np.fabs(x))


@pytest.mark.parametrize("fn", [builtin_abs, math_fabs])
def test_abs_takes_the_side_of_the_zero_sign(fn):
    assert_exact(gradients(fn, 0.0), 1.0)
    assert_exact(gradients(fn, -0.0), -1.0)
    assert_exact(gradients(fn, -2.0), -1.0)


@pytest.mark.parametrize("fn", [numpy_abs, numpy_fabs])
def test_numpy_abs_takes_the_side_of_the_zero_sign(fn):
    x = np.array([0.0, -0.0, 2.0, -3.0])
    assert_exact(gradients(fn, x), np.array([1.0, -1.0, 1.0, -1.0]))


def builtin_max(x, y):
    return max(x, y)


def builtin_min(x, y):
    return min(x, y)


def numpy_maximum(x, y):
    return np.sum(np.maximum(x, y))


def numpy_minimum(x, y):
    return np.sum(np.minimum(x, y))


def numpy_fmax(x, y):
    return np.sum(np.fmax(x, y))


def numpy_fmin(x, y):
    return np.sum(np.fmin(x, y))


@pytest.mark.parametrize("fn", [builtin_max, builtin_min])
def test_builtin_ties_go_to_the_first_argument(fn):
    assert_exact(gradients(fn, 1.5, 1.5, wrt=(0, 1)), (1.0, 0.0))
    assert_exact(gradients(fn, 1.0, 2.0, wrt=(0, 1)), (0.0, 1.0) if fn is builtin_max
                 else (1.0, 0.0))


@pytest.mark.parametrize("fn", [numpy_maximum, numpy_minimum, numpy_fmax, numpy_fmin])
def test_numpy_ties_go_to_the_first_argument(fn):
    x = np.array([1.0, 2.0, -1.0, 0.0])
    y = np.array([1.0, 1.0, 3.0, -0.0])
    larger = np.array([1.0, 1.0, 0.0, 1.0])
    first = larger if fn in (numpy_maximum, numpy_fmax) else np.array([1.0, 0.0, 1.0, 1.0])
    assert_exact(gradients(fn, x, y, wrt=(0, 1)), (first, 1.0 - first))


@pytest.mark.parametrize("fn", [numpy_fmax, numpy_fmin])
def test_fmax_and_fmin_pass_the_derivative_to_the_number_not_the_nan(fn):
    x = np.array([np.nan, 2.0])
    y = np.array([1.0, np.nan])
    assert_exact(gradients(fn, x, y, wrt=(0, 1)), (np.array([0.0, 1.0]), np.array([1.0, 0.0])))


def clip(x, lo, hi):
    return np.sum(np.clip(x, lo, hi))


def clip_above(x, hi):
    return np.sum(np.clip(x, None, hi))


def clip_below(x, lo):
    return np.sum(np.clip(x, lo, None))


def clip_nothing(x):
    return np.sum(np.clip(x, None, None))


CLIPPED = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])


def test_clip_passes_the_derivative_to_x_on_the_closed_interval():
    lo, hi = np.zeros(5), np.ones(5)
    assert_exact(gradients(clip, CLIPPED, lo, hi, wrt=(0, 1, 2)),
                 (np.array([0.0, 1.0, 1.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 0.0, 0.0]),
                  np.array([0.0, 0.0, 0.0, 0.0, 1.0])))
    # scalar bounds receive the sum of their elements' derivatives
    assert_exact(gradients(clip, CLIPPED, 0.0, 1.0, wrt=(0, 1, 2)),
                 (np.array([0.0, 1.0, 1.0, 1.0, 0.0]), 1.0, 1.0))


def test_clip_with_crossed_bounds_gives_hi():
    lo, hi = np.full(5, 1.0), np.zeros(5)
    assert_exact(gradients(clip, CLIPPED, lo, hi, wrt=(0, 1, 2)),
                 (np.zeros(5), np.zeros(5), np.ones(5)))


def test_clip_with_a_missing_bound():
    assert_exact(gradients(clip_above, CLIPPED, np.ones(5), wrt=(0, 1)),
                 (np.array([1.0, 1.0, 1.0, 1.0, 0.0]), np.array([0.0, 0.0, 0.0, 0.0, 1.0])))
    assert_exact(gradients(clip_below, CLIPPED, np.zeros(5), wrt=(0, 1)),
                 (np.array([0.0, 1.0, 1.0, 1.0, 1.0]), np.array([1.0, 0.0, 0.0, 0.0, 0.0])))
    assert_exact(gradients(clip_nothing, CLIPPED), np.ones(5))


# ---------------------------------------------------------------- hypot

def hypot2(x, y):
    return math.hypot(x, y)


def hypot3(x, y, z):
    return math.hypot(x, y, z)


def hypot5(a, b, c, d, e):
    return math.hypot(a, b, c, d, e)


def numpy_hypot(x, y):
    return np.sum(np.hypot(x, y))


def test_hypot_at_the_origin_has_zero_gradient():
    assert_exact(gradients(hypot2, 0.0, 0.0, wrt=(0, 1)), (0.0, 0.0))
    assert_exact(gradients(hypot3, 0.0, 0.0, 0.0, wrt=(0, 1, 2)), (0.0, 0.0, 0.0))
    x, y = np.array([0.0, 3.0]), np.array([0.0, 4.0])
    assert_exact(gradients(numpy_hypot, x, y, wrt=(0, 1)),
                 (np.array([0.0, 0.6]), np.array([0.0, 0.8])))


def atan2(y, x):
    return math.atan2(y, x)


def numpy_arctan2(y, x):
    return np.sum(np.arctan2(y, x))


def test_atan2_at_the_origin_has_zero_gradient():
    assert_exact(gradients(atan2, 0.0, 0.0, wrt=(0, 1)), (0.0, 0.0))
    y, x = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    assert_exact(gradients(numpy_arctan2, y, x, wrt=(0, 1)),
                 (np.array([0.0, 0.5]), np.array([0.0, -0.5])))


def test_hypot_of_any_number_of_arguments():
    assert_exact(gradients(hypot3, 2.0, 3.0, 6.0, wrt=(0, 1, 2)), (2 / 7, 3 / 7, 6 / 7))
    args = (6.0, 2.0, 2.0, 2.0, 1.0)  # hypot 7
    assert_exact(gradients(hypot5, *args, wrt=(0, 1, 2, 3, 4)), tuple(a / 7 for a in args))


# ---------------------------------------------------------------- powers

POWERS = {  # exponent -> (derivative at 0, derivative at 2)
    0: (0.0, 0.0), 1: (1.0, 1.0), 2: (0.0, 4.0), 3: (0.0, 12.0),
    0.5: (math.inf, 0.5 / math.sqrt(2.0)), -1: (None, -0.25),
}


@pytest.mark.parametrize("exponent", sorted(POWERS))
def test_literal_exponents(exponent, gen):
    fn = gen("x", f"x ** {exponent}")
    at_zero, at_two = POWERS[exponent]
    assert_exact(gradients(fn, 2.0), at_two)
    assert_exact(gradients(gen("x", f"np.sum(x ** {exponent})"), np.array([2.0])),
                 np.array([at_two]))
    if at_zero is None:  # the function itself is infinite at 0
        with pytest.raises(ZeroDivisionError):
            s2sad.grad(fn)(0.0)
    elif at_zero == math.inf:  # the derivative is: floats raise, arrays hold inf
        with pytest.raises(ZeroDivisionError):
            s2sad.grad(fn)(0.0)
        with pytest.raises(ZeroDivisionError):
            s2sad.jvp(fn)(0.0, 1.0)
        fn = gen("x", f"np.sum(x ** {exponent})")
        assert_exact(gradients(fn, np.array([0.0])), np.array([np.inf]))
    else:
        assert_exact(gradients(fn, 0.0), at_zero)
        assert_exact(gradients(gen("x", f"np.sum(x ** {exponent})"), np.array([0.0])),
                     np.array([at_zero]))


@pytest.mark.parametrize("power", ["x ** 0.5", "x ** 0.3", "np.power(x, 0.5)",
                                   "np.float_power(x, 0.25)", "math.pow(x, 0.5)"])
def test_fractional_powers_pass_a_zero_derivative_at_zero(power, gen):
    """Like sqrt: 0 through a power below 1 at 0 is 0, in both modes for arrays."""
    scalar = gen("x", f"max({power}, 1.0)")
    assert_exact(gradients(scalar, 0.0, routes=REVERSE), 0.0)
    if not power.startswith("math"):
        array = power.replace("x", "np.maximum(x, 0.0)")
        fn = gen("x", f"np.sum(np.where(x > 0, {array}, 0.0))")
        assert_exact(gradients(fn, np.array([0.0, -1.0])), np.zeros(2))


def test_power_with_a_variable_exponent_at_zero_base(gen):
    """d(a ** b)/db = log(a) * out is 0 where out is 0 (a == 0, b > 0), not NaN."""
    fn = gen("x, y", "x ** y")
    assert_exact(gradients(fn, 0.0, 2.0, wrt=(0, 1)), (0.0, 0.0))
    arrays = gen("x, y", "np.sum(np.power(x, y))")
    x, y = np.array([0.0, 2.0]), np.array([2.0, 3.0])
    assert_exact(gradients(arrays, x, y, wrt=(0, 1)),
                 (np.array([0.0, 12.0]), np.array([0.0, 8.0 * math.log(2.0)])))


POWERS_OF_FLOATS = ["x ** y", "pow(x, y)", "math.pow(x, y)", "np.power(x, y)",
                    "np.float_power(x, y)"]
POWERS_OF_ARRAYS = ["x ** y", "np.power(x, y)", "np.float_power(x, y)"]


@pytest.mark.parametrize("power", POWERS_OF_FLOATS)
def test_variable_exponent_zero_at_zero_base(power, gen):
    """x ** 0 is the constant 1: its derivative in x is 0 also at x = 0, where the general
    partial y * x ** (y - 1) is 0 * 0 ** -1 (ZeroDivisionError: "0.0 cannot be raised to
    a negative power"). Its derivative in y, log(x) * x ** y, is 0 at x = 0, as in JAX
    (not math.log's ValueError). With an int exponent that is not differentiated, and with
    a float one that is."""
    fn = gen("x, y", power)
    assert_exact(gradients(fn, 0.0, 0), 0.0)
    assert_exact(gradients(fn, 0.0, 0.0, wrt=(0, 1)), (0.0, 0.0))
    assert s2sad.jvp(fn)(0.0, 0, 1.0) == (1.0, 0.0)


@pytest.mark.parametrize("power", POWERS_OF_ARRAYS)
def test_variable_exponent_zero_at_zero_base_in_arrays(power, gen):
    """The same elementwise, with an array exponent and a number one: not (nan, -inf) with
    NumPy's "divide by zero encountered in power"."""
    fn = gen("x, y", f"np.sum({power})")
    assert_exact(gradients(fn, np.zeros(3), np.zeros(3), wrt=(0, 1)),
                 (np.zeros(3), np.zeros(3)))
    assert_exact(gradients(fn, np.zeros(3), 0.0, wrt=(0, 1)), (np.zeros(3), 0.0))
    assert_exact(gradients(fn, np.zeros(3), np.zeros(3, int)), np.zeros(3))


@pytest.mark.parametrize("power", POWERS_OF_FLOATS)
def test_variable_exponents_at_and_away_from_zero(power, gen):
    """Exponents 1 and 2 at x = 0 (analytic: x ** 1 has derivative 1, x ** 2 derivative
    0, both 0 in y, as x ** y is 0 for every y > 0); elsewhere, negative exponents and
    0 included, central differences."""
    fn = gen("x, y", power)
    assert_exact(gradients(fn, 0.0, 1.0, wrt=(0, 1)), (1.0, 0.0))
    assert_exact(gradients(fn, 0.0, 2.0, wrt=(0, 1)), (0.0, 0.0))
    assert_exact(gradients(fn, 0.0, 1), 1.0)
    assert_exact(gradients(fn, 0.0, 2), 0.0)
    for x, y in ((2.0, -1.0), (0.5, -1.5), (3.0, 0.0), (1.5, 2.5), (0.7, 1.0)):
        assert_near(gradients(fn, x, y, wrt=(0, 1)), numeric_grad(fn, (x, y), (0, 1)), 1e-8)
    assert_near(gradients(fn, 2.0, -2), numeric_grad(fn, (2.0, -2)), 1e-8)


@pytest.mark.parametrize("power", POWERS_OF_ARRAYS)
def test_variable_exponents_in_arrays(power, gen):
    """The same points elementwise: at x = 0 analytic, elsewhere central differences."""
    fn = gen("x, y", f"np.sum({power})")
    x, y = np.zeros(4), np.array([0.0, 1.0, 2.0, 3.5])
    assert_exact(gradients(fn, x, y, wrt=(0, 1)),
                 (np.array([0.0, 1.0, 0.0, 0.0]), np.zeros(4)))
    x, y = np.array([2.0, 0.5, 3.0, 1.5, 0.7]), np.array([-1.0, -1.5, 0.0, 2.5, 1.0])
    assert_near(gradients(fn, x, y, wrt=(0, 1)), numeric_grad(fn, (x, y), (0, 1)), 1e-8)


@pytest.mark.parametrize("power", POWERS_OF_ARRAYS)
def test_variable_exponent_below_one_passes_a_zero_derivative_at_zero(power, gen):
    """Like sqrt and a literal x ** 0.5: `where` passes 0 to x ** y at x <= 0, where the
    partial in x is infinite for 0 < y < 1; 0 comes out, not NaN, and no warning, with an
    exponent that is a number or an array, in both modes."""
    clamped = power.replace("x", "np.maximum(x, 0.0)", 1)
    fn = gen("x, y", f"np.sum(np.where(x > 0, {clamped}, 0.0))")
    x = np.array([0.0, -1.0, 4.0])
    want = (np.array([0.0, 0.0, 0.25]), 2.0 * math.log(4.0))
    for y in (0.5, np.full(3, 0.5)):
        expected = want if np.ndim(y) == 0 else (want[0], np.array([0.0, 0.0, want[1]]))
        assert_near(gradients(fn, x, y, wrt=(0, 1)), expected, 1e-15)


@pytest.mark.parametrize("power", POWERS_OF_FLOATS)
def test_variable_exponent_below_one_in_floats(power, gen):
    """`max` passes 0 to x ** y at x = 0: the gradient is 0 (the float tangent along x
    is infinite, which float code raises, as for sqrt)."""
    fn = gen("x, y", f"max({power}, 1.0)")
    assert_exact(gradients(fn, 0.0, 0.5, wrt=(0, 1), routes=REVERSE + ("jacobian forward",)),
                 (0.0, 0.0))
    assert s2sad.jvp(fn, wrt=(0, 1))(0.0, 0.5, (0.0, 1.0)) == (1.0, 0.0)


def test_variable_exponents_read_like_the_formula(gen):
    """Float code tests the exponent (and for log(x) the base) in the conditional it
    already has for the incoming derivative; array code calls `xpow` and `xlogy`."""
    fn = gen("x, y", "x ** y")
    reverse = s2sad.source(fn, 2.0, 3.0, wrt=(0, 1))
    assert "x_bar = f_bar * y * x ** (y - 1) if f_bar and y else 0.0" in reverse
    assert "y_bar = f_bar * f * math.log(x) if f_bar and f and x else 0.0" in reverse
    forward = s2sad.source(fn, 2.0, 3.0, wrt=(0, 1), mode="forward")
    assert "x_dot * y * x ** (y - 1) if x_dot and y else 0.0" in forward
    for source in (reverse, forward):
        assert not any(helper in source for helper in runtime.HELPERS), source
    arrays = s2sad.source(gen("x, y", "np.sum(x ** y)"), np.ones(2), np.ones(2), wrt=(0, 1))
    assert "x_bar = xpow(f_bar * y, x, y - 1)" in arrays and "xlogy(f_bar * t1, x)" in arrays
    assert "if 2.0" not in s2sad.source(gen("x", "2.0 ** x"), 1.0)


def test_literal_exponents_read_like_the_derivative(gen):
    reverse = s2sad.source(gen("x", "x ** 3 + x ** 2 + x ** 0"), 2.0)
    backward = reverse.split("backward sweep")[1]
    assert "3 * x ** 2" in backward and "2 * x +" in backward
    assert "(3 - 1)" not in backward and "x ** -1" not in backward  # x ** 0: nothing
    assert "0.3 / x ** 0.7" in s2sad.source(gen("x", "x ** 0.3"), 2.0, mode="forward")


# ---------------------------------------------------------------- the rest

def where_one_argument(x):
    return np.sum(x[np.where(x > 0)])


def test_one_argument_where_is_an_error():
    with pytest.raises(s2sad.UnsupportedError, match="np.where"):
        s2sad.grad(where_one_argument)(np.ones(3))


def tuple_result(x):
    m, e = math.frexp(x)
    return m


def test_functions_returning_tuples_are_errors():
    with pytest.raises(s2sad.UnsupportedError, match="frexp"):
        s2sad.grad(tuple_result)(3.0)


def lgamma(x):
    return math.lgamma(x)


def gamma(x):
    return math.gamma(x)


def test_digamma_matches_scipy():
    scipy_special = importlib.import_module("scipy.special")
    rng = np.random.default_rng(0)
    for x, rtol in ((rng.uniform(1e-6, 40.0, 4000), 2e-14), (rng.uniform(-20.0, 0.0, 4000), 1e-12),
                    (rng.uniform(1.3, 1.6, 4000), 2e-14), (rng.uniform(40.0, 1e10, 100), 1e-15)):
        np.testing.assert_allclose(runtime.digamma(x), scipy_special.digamma(x), rtol=rtol)
    assert runtime.digamma(1.0) == pytest.approx(-np.euler_gamma, rel=1e-15)
    assert type(runtime.digamma(2.5)) is float
    assert runtime.digamma(np.ones(2, np.float32)).dtype == np.float32
    assert runtime.digamma(0.0) == -math.inf and math.isnan(runtime.digamma(-2.0))


@pytest.mark.parametrize("x", [1e155, 1e170, 1e300, 1e305])
def test_lgamma_at_large_arguments(x):
    """lgamma is finite up to about 2.5e305 and its derivative is log(x) there (the
    rest of digamma's series, -1/(2x) - ..., is below half an ulp of it): above 1.3e154
    digamma's x * x overflows, which gave NumPy's "overflow encountered in multiply"
    with the right value."""
    assert_exact(gradients(lgamma, x), math.log(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(runtime.digamma(np.array([x, -x / 3])),
                                      [math.log(x), np.nan])


@pytest.mark.parametrize("x", [0.3, 2.5, 7.0, -1.5, -2.25])
def test_gamma_and_lgamma(x):
    want = float(importlib.import_module("scipy.special").digamma(x))
    for route, got in gradients(lgamma, x).items():
        assert got == pytest.approx(want, rel=1e-13), route
    for route, got in gradients(gamma, x).items():
        assert got == pytest.approx(math.gamma(x) * want, rel=1e-13), route
