"""Rule-table cases of the NaN-ignoring reductions (s2sad/rules/nanreductions.py):
np.nanmean, np.nanvar, np.nanstd, np.nanmax, np.nanmin, np.nanprod, np.nancumsum and
np.nancumprod.

Without NaNs each must agree with central differences like its plain function (every
axis and keepdims, float32, both modes, vector mode). With NaNs, which central
differences cannot perturb, the derivative must be 0 at the NaNs and, at the numbers,
that of the function of the numbers alone (`check_with_nans`).
"""
import numpy as np

import s2sad
from cases_reductions import AXES, SHAPES, _check_reduction, with_zeros
from rulecheck import check_grad, check_vjp, rand
from util import assert_close, numeric_jvp, numeric_vjp


def with_nans(shape):
    """Values with a NaN in most slices, never a slice of NaNs only."""
    x = rand(*shape).copy()
    flat = x.reshape(-1)
    flat[1::4] = np.nan
    return x


def check_with_nans(fn, x):
    """Reverse mode, forward mode and the vector-mode Jacobian at `x` (which has NaNs)
    against central differences over the numbers only: a NaN keeps its place."""
    numbers = ~np.isnan(x)

    def of_numbers(values):
        full = x.copy()
        full[numbers] = values
        return fn(full)
    value = fn(x)
    cotangent = np.random.default_rng(5).normal(size=np.shape(value))
    _, got = s2sad.vjp(fn, 0)(x, cotangent)
    assert got.shape == x.shape and not np.any(got[~numbers])
    assert_close(got[numbers], numeric_vjp(of_numbers, (x[numbers],), cotangent))
    tangent = np.random.default_rng(3).normal(size=x.shape)
    _, dot = s2sad.jvp(fn, 0)(x, tangent)
    assert_close(dot, numeric_jvp(of_numbers, (x[numbers],), 0, (tangent[numbers],)))
    forward = s2sad.jacobian(fn, 0, mode="forward")(x)
    assert_close(forward, s2sad.jacobian(fn, 0, mode="reverse")(x), rtol=1e-10, atol=1e-13)
    assert not np.any(np.asarray(forward)[..., ~numbers])


def _nan_calls(call, shape):
    texts = [f"{call}(x)", f"{call}(x, keepdims=True)"]
    texts += [f"{call}(x, axis={axis})" for axis in AXES[shape]]
    return texts


def check_nan_reduction(call, scalar=True, args=None):
    def check(gen):
        _check_reduction(gen, call, args=args, scalar=scalar)
        for shape in SHAPES:
            for text in _nan_calls(call, shape):
                check_with_nans(gen("x", text), with_nans(shape))
        # inside a loop
        check_grad(gen("x", f"sum([{call}(x[i:] * x[i:]) for i in range(2)])"), (rand(4),))
    return check


def _centred(x):
    return x - np.nanmean(x, axis=0, keepdims=True)


def _spread_in_helper(x):
    """NaN reductions in a helper and a loop, on an array with NaNs."""
    total = 0.0
    for k in range(2):
        total = total + np.nansum(np.nanstd(_centred(x * (k + 1)), axis=1))
    return total + np.nanmax(x) * np.nanprod(x[0])


def check_nan_helper_and_loop(gen):
    check_with_nans(_spread_in_helper, with_nans((4, 3)))
    check_grad(_spread_in_helper, (rand(4, 3),))


def check_nan_variance(call):
    def check(gen):
        check_nan_reduction(call, scalar=False)(gen)
        for shape in SHAPES:
            x = rand(*shape)
            check_vjp(gen("x", f"{call}(x, ddof=1)"), (x,), 0)
            check_vjp(gen("x", f"{call}(x, axis=-1, ddof=1, keepdims=True)"), (x,), 0)
        for shape in ((4,), (2, 3)):  # (no slice of one number: that would warn)
            check_with_nans(gen("x", f"{call}(x, axis=-1, ddof=1)"), with_nans(shape))
        check_vjp(gen("x", f"{call}(x, axis=(0, 2), ddof=1)"), (rand(2, 3, 2),), 0)
    return check


def check_nanstd_constant(gen):
    """A slice whose numbers are equal: derivative 0 (the std's kink), never NaN."""
    fn = gen("x", "np.nanstd(x, axis=1)")
    x = np.array([[0.1, np.nan, 0.1], [0.3, -0.2, np.nan]])
    _, got = s2sad.vjp(fn, 0)(x, np.ones(2))
    assert np.all(got[0] == 0.0) and np.all(np.isfinite(got))
    _, dot = s2sad.jvp(fn, 0)(x, np.ones_like(x))
    assert dot[0] == 0.0


def check_nancumulative(call, args=None):
    def check(gen):
        for shape in SHAPES:
            x = rand(*shape) if args is None else args(shape)
            texts = [f"{call}(x)"] + [f"{call}(x, axis={axis})" for axis in AXES[shape]
                                      if not axis.startswith("(")]
            for text in texts:
                check_vjp(gen("x", text), (x,), 0)
                check_with_nans(gen("x", text), with_nans(shape))
        check_grad(gen("x", f"np.sum(np.sin({call}(x, axis=1)) * {call}(x)[2])"), (rand(2, 3),))
        check_vjp(gen("x", f"{call}(x)"), (0.7,), 0)
    return check


CASES = {
    "np.nanmean": lambda gen: (check_nan_reduction("np.nanmean")(gen),
                               check_nan_helper_and_loop(gen)),
    "np.nanmax": check_nan_reduction("np.nanmax"),
    "np.nanmin": check_nan_reduction("np.nanmin"),
    "np.nanprod": check_nan_reduction("np.nanprod"),
    "np.nanvar": check_nan_variance("np.nanvar"),
    "np.nanstd": lambda gen: (check_nan_variance("np.nanstd")(gen), check_nanstd_constant(gen)),
    "np.nancumsum": check_nancumulative("np.nancumsum"),
    "np.nancumprod": check_nancumulative("np.nancumprod", args=with_zeros),
}
