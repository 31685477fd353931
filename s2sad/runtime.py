"""The few helpers generated array code may call at run time.

Scalar code calls only `digamma` (the derivative of `math.lgamma`, which neither `math`
nor NumPy has) and, in a derivative differentiated again, `polygamma` (digamma's).
Array code calls `written_last` for the adjoint of an element write with an index array
(`y[idx] = v`, where an element picked twice keeps one value), `unbroadcast` only where
an operand's shape is not known to equal the result's, the `matmul_adjoint_*` helpers
only when an operand's rank was
unknown when the derivative was generated, `tangent_buffer` only where an array written
element by element gets a tangent whose shape is not known to be its own, and
`safe_divide`, `xlogy` and `xpow` for partials that are infinite where the function is
finite (`sqrt` at 0, `a ** b` at a == 0), so that a zero derivative passing through them
stays zero, and `sigmoid` for `logaddexp` where its result is not computed.

Derivatives that no short NumPy expression states well call the rest: the product of
the other elements (`prod_others`, for np.prod), the first extremal element
(`first_max`, `first_min`), the cumulative product's derivatives (`cumprod_tangent`,
`cumprod_adjoint`, and its second derivatives `cumprod_second` and
`cumprod_adjoint_tangent`, which a derivative differentiated again calls) and the
cofactor matrix (`cofactor`, for np.linalg.det), the transpose of np.gradient's
difference quotients (`gradient_adjoint`) and of np.pad's copies into the border
(`pad_adjoint`), and the positions np.take_along_axis took elements from
(`take_along_axis_adjoint`); the Hessians of np.prod and det applied
to a direction (`prod_others_tangent`, `cofactor_tangent`) differentiate those. They work
for any rank and for tangents with leading axes of directions.

The matrix decompositions' derivatives call the helpers of runtime_linalg.py (bound
on use like these), which have no rules: a second derivative through them is an error.

Every other helper has a derivative rule (rules/runtime_helpers.py, rules/runtime_hessians.py),
so that generated code can be differentiated in turn; the list helpers and third
derivatives are located errors.

The adjoints and tangents of lists built at run time use four: zeros shaped like a list's
items (`list_zeros`), a new list of sums (`add_each`, `add_to_each`) and an array's parts
back in the shapes of the items joined into it (`split_like`).
"""
import math

import numpy as np

from . import runtime_linalg


def unbroadcast(g, x, directions=None):
    """Sum `g` down to the shape of `x`, undoing NumPy broadcasting. With `directions`
    (a tangent in several directions, as in vector mode), `g` has the direction axis
    first, which is kept: the result has the shape `(directions,) + np.shape(x)`."""
    shape = np.shape(x) if directions is None else (directions,) + np.shape(x)
    if np.shape(g) == shape:
        return g
    first = 0 if directions is None else 1
    g = np.sum(g, axis=tuple(range(first, first + np.ndim(g) - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return g if shape else g[()]


def matmul_adjoint_a(g, a, b):
    """The adjoint of `a` in `a @ b` (or `np.dot(a, b)`), for operands of any rank."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    if np.ndim(b) == 1:
        return unbroadcast(np.multiply.outer(g, b) if np.ndim(a) > 1 else g * b, a)
    if np.ndim(a) == 1:
        # a vector times a stack of matrices: each matrix's row of g, summed over the stack
        return unbroadcast((g[..., None, :] @ np.swapaxes(b, -1, -2))[..., 0, :], a)
    return unbroadcast(g @ np.swapaxes(b, -1, -2), a)


def matmul_adjoint_b(g, a, b):
    """The adjoint of `b` in `a @ b` (or `np.dot(a, b)`), for operands of any rank."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(a[:, None] * np.expand_dims(g, -2), b)
    if np.ndim(b) == 1:
        # a stack of matrices times a vector
        return unbroadcast((np.swapaxes(a, -1, -2) @ g[..., None])[..., 0], b)
    return unbroadcast(np.swapaxes(a, -1, -2) @ g, b)


def written_last(g, index):
    """`g[index]` at the positions of `index` whose write `y[index] = v` leaves in `y`, 0 at
    a position a later one overwrites (an index array that picks an element twice): the
    adjoint of the values an element write writes. Which write is left is found by doing
    one, of the positions, so it is NumPy's own choice."""
    g = np.asarray(g)
    picked = g[index]
    positions = np.arange(picked.size).reshape(picked.shape)
    owner = np.full(g.shape, -1)
    owner[index] = positions
    return np.where(owner[index] == positions, picked, np.zeros_like(picked))


def tangent_buffer(t, y, directions=None):
    """A new array of `y`'s shape (with `directions` in front, in vector mode) holding the
    tangent `t`, which may have fewer axes or share memory with another tangent: an
    element write then updates only this one. It is complex where `y` is, so a complex
    element written later is kept whole."""
    shape = np.shape(y) if directions is None else (directions,) + np.shape(y)
    return np.array(np.broadcast_to(t, shape),
                    dtype=np.result_type(t, y) if np.iscomplexobj(y) else None)


def _result(num, other):
    """Zeros of the broadcast shape and the dtype the operation would have (a Python
    float keeps float32 float32, as in NumPy 2)."""
    return np.zeros(np.broadcast_shapes(np.shape(num), np.shape(other)),
                    np.result_type(num, other, 1.0))


def _bare(result):
    return result if result.ndim else result[()]


def safe_divide(num, den):
    """`num / den`, but 0 wherever `num` is 0, also where `den` is 0: a zero derivative
    passing through a partial that is infinite there (`g * 0.5 / sqrt(x)` at x = 0)
    contributes nothing, where `0 * inf` would be NaN. Where `num` is not 0 and `den` is,
    the derivative is infinite and the result is inf, without NumPy's warning: it is
    the value asked for (a tangent that `np.where` then discards, say)."""
    result = _result(num, den)
    with np.errstate(divide="ignore"):
        np.divide(num, den, out=result, where=np.not_equal(num, 0))
    return _bare(result)


def xlogy(w, a):
    """`w * log(a)`, but 0 wherever `w` or `a` is 0: the derivative of `a ** b` in `b` is
    `log(a) * out`, taken as 0 at a == 0 (as in JAX), where the logarithm is -inf: 0 ** b
    is 0 for every b > 0 and inf for every b < 0."""
    result = _result(w, a)
    nonzero = np.not_equal(w, 0) & np.not_equal(a, 0)
    np.log(a, out=result, where=nonzero)
    np.multiply(w, result, out=result, where=nonzero)
    return _bare(result)


def xpow(w, a, e, power=np.power):
    """`w * power(a, e)`, but 0 wherever `w` is 0, also where the power is infinite: the
    derivative of `a ** b` in `a` is `b * a ** (b - 1)`, with w = g * b, so that `x ** 0`
    (b == 0) and a zero incoming derivative give 0 at a == 0. Where `w` is not 0 and the
    power infinite the result is inf, without NumPy's warning, like `safe_divide`."""
    result = np.ones(np.broadcast_shapes(np.shape(w), np.shape(a), np.shape(e)),
                     np.result_type(w, a, e, 1.0))
    with np.errstate(divide="ignore"):
        power(a, e, out=result, where=np.not_equal(w, 0))
    return _bare(np.multiply(w, result, out=result))


# coefficients B_2k / 2k of the asymptotic series of digamma, k = 1..7
_DIGAMMA_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
# digamma's positive zero as the sum of two floats, and the Taylor coefficients there
# (psi^(k)(root) / k!, k = 1..13, computed with mpmath): near its zero the recurrence
# would lose the relative accuracy of a small result to cancellation
_ROOT = (1.4616321449683622, 9.549995429965697e-17)
_ROOT_SERIES = (0.9676722454476212, -0.4427631689835921, 0.258499760955651,
                -0.16394270544240652, 0.10782405069126237, -0.07219956125645471,
                0.04880428816414311, -0.03316112647484736, 0.022597648232218104,
                -0.01542476590494896, 0.010538791616612175, -0.007204534386356869,
                0.004926781395729853)


def digamma(x):
    """The digamma function psi(x) = d/dx log Gamma(x): the derivative of
    `math.lgamma` (and `math.gamma(x) * digamma(x)` that of `math.gamma`).

    Negative x reflect to 1 - x (psi(x) = psi(1 - x) - pi / tan(pi x)), then the
    recurrence psi(x) = psi(x + 1) - 1/x raises x to 10 or more, where the asymptotic
    series log(x) - 1/(2x) - sum B_2k / (2k x^2k) is accurate to a few ulps; near the
    zero at 1.4616... a Taylor series keeps the relative accuracy. Poles: -inf
    at +0.0, inf at -0.0, NaN at negative integers (as scipy.special.digamma). A float
    gives a float, an array an array of its own float dtype."""
    values = np.asarray(x, dtype=np.float64)
    result = np.zeros(values.shape)
    negative = values < 0
    # above 1.3e154 shifted * shifted overflows: its reciprocal is 0, the series' limit
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # reflection, with pi * x reduced to [-pi/2, pi/2] so that tan stays accurate
        turn = values - np.round(values)
        result -= np.where(negative, math.pi / np.tan(math.pi * turn), 0.0)
        shifted = np.where(negative, 1.0 - values, values)
        small = shifted < 10.0
        while np.any(small):
            result[small] -= 1.0 / shifted[small]
            shifted = np.where(small, shifted + 1.0, shifted)
            small = shifted < 10.0
        square = 1.0 / (shifted * shifted)
        result += np.log(shifted) - 0.5 / shifted - _horner(_DIGAMMA_SERIES, square) * square
    near = np.abs(values - _ROOT[0]) < 0.1
    if np.any(near):
        step = (values[near] - _ROOT[0]) - _ROOT[1]
        result[near] = _horner(_ROOT_SERIES, step) * step
    result[negative & (turn == 0)] = np.nan
    result[values == 0] = -np.copysign(np.inf, values[values == 0])
    if isinstance(x, (np.ndarray, np.generic)):
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
        return result.astype(dtype) if isinstance(x, np.ndarray) else dtype.type(result)
    return float(result)


# Bernoulli numbers B_2k, k = 1..10, for the asymptotic series of the polygamma functions
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)


def polygamma(n, x):
    """The polygamma function psi^(n)(x), the n-th derivative of digamma (n >= 1): the
    derivative of `digamma` is `polygamma(1, x)` (the trigamma function), and that of
    `polygamma(n, x)` is `polygamma(n + 1, x)`.

    The recurrence psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1) n! / x^(n+1) raises x to
    n + 15 or more, where the asymptotic series (-1)^(n+1) [(n-1)! / x^n + n! / (2 x^(n+1))
    + sum B_2k (2k+n-1)! / ((2k)! x^(2k+n))] is accurate to a few ulps; its terms are
    added smallest first. Negative x reflect to 1 - x: psi^(n)(x) = (-1)^n psi^(n)(1 - x)
    - pi^(n+1) Q_n(cot(pi x)), where Q_n is the polynomial with d^n/dx^n cot(pi x) =
    pi^n Q_n(cot(pi x)). Poles at 0 and the negative integers: inf for odd n, signed
    infinities at 0 and NaN elsewhere for even n. A float gives a float, an array an
    array of its own float dtype; `n` may be an integer array (elementwise, as a ufunc)."""
    orders = np.asarray(n)
    if orders.dtype.kind not in "iu" or np.any(orders < 1):
        raise ValueError(f"polygamma needs integer orders n >= 1, not {n!r}")
    if orders.ndim:
        values = np.asarray(x)
        shape = np.broadcast_shapes(orders.shape, values.shape)
        float_type = values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)
        result = np.empty(shape, float_type)
        for order in np.unique(orders):
            where = np.broadcast_to(orders == order, shape)
            result[where] = polygamma(int(order), np.broadcast_to(values, shape)[where])
        return result
    n = int(n)
    values = np.asarray(x, dtype=np.float64)
    negative = values < 0
    reflected = np.where(negative, 1.0 - values, values)
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = _polygamma_positive(n, reflected, sign)
        if np.any(negative):
            turn = values - np.round(values)
            cot = 1.0 / np.tan(math.pi * turn)
            polynomial = np.polynomial.polynomial
            q = np.array([0.0, 1.0])
            for _ in range(n):
                q = -polynomial.polymul([1.0, 0.0, 1.0], polynomial.polyder(q))
            wrapped = -sign * result - math.pi ** (n + 1) * polynomial.polyval(cot, q)
            result = np.where(negative, wrapped, result)
    result = np.array(result, dtype=np.float64)
    poles = (values <= 0) & (values == np.round(values))
    if n % 2:
        result[poles] = np.inf
    else:
        result[poles] = np.nan
        zero = values == 0
        result[zero] = -np.copysign(np.inf, values[zero])
    if isinstance(x, (np.ndarray, np.generic)):
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
        return result.astype(dtype) if isinstance(x, np.ndarray) else dtype.type(result)
    return float(result)


def _polygamma_positive(n, x, sign):
    """psi^(n)(x) for x > 0 (an array), by the recurrence and the asymptotic series."""
    start = n + 15.0
    steps = int(np.max(np.ceil(start - x), initial=0.0))
    shifted = x + np.maximum(np.ceil(start - x), 0.0)
    factorial = math.factorial(n)
    inverse = 1.0 / shifted
    square = inverse * inverse
    terms = [0.0] * len(_BERNOULLI)
    power = inverse ** (n + 1)  # 1 / x^(2k + n) for k = 1 at the first step
    for k, bernoulli in enumerate(_BERNOULLI, start=1):
        power = power * (inverse if k == 1 else square)
        terms[k - 1] = bernoulli * math.factorial(2 * k + n - 1) / math.factorial(2 * k) * power
    series = sum(reversed(terms)) + factorial * 0.5 * inverse ** (n + 1) \
        + math.factorial(n - 1) * inverse ** n
    result = sign * series
    for k in reversed(range(steps)):
        point = x + k
        result = result + np.where(point < shifted, sign * factorial / point ** (n + 1), 0.0)
    return result


def _horner(coefficients, x):
    """c0 + c1 x + c2 x^2 + ..."""
    total = 0.0
    for coefficient in reversed(coefficients):
        total = total * x + coefficient
    return total


def sigmoid(x):
    """1 / (1 + exp(-x)): the derivative of logaddexp without its result, which the
    gradient alone does not need (np.logaddexp costs ten times np.exp). Where exp(-x)
    overflows the quotient is the limit 0 (below the smallest normal double, exactly
    where the true value is), so the overflow is not reported. A float array is worked
    on in one new array: the same operations, with three temporaries fewer (on large
    arrays, fresh temporaries cost page faults)."""
    with np.errstate(over="ignore"):
        if type(x) is np.ndarray and x.dtype.kind == "f":
            out = np.negative(x)
            np.exp(out, out=out)
            out += 1.0
            return np.divide(1.0, out, out=out)
        return 1.0 / (1.0 + np.exp(-x))


def prod_others(a, axis=None):
    """For each element of `a`, the product of the other elements of its slice along
    `axis` (None: of all of `a`): the derivative of `np.prod(a, axis)`.

    Computed without dividing by the element, so it is exact where `a` has zeros: the
    product of the elements before each one (an exclusive cumulative product) times the
    product of those after it (the same from the other end). O(n) per slice."""
    def others(x):
        ones = np.ones_like(x[..., :1])
        before = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
        after = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)
        return before * after[..., ::-1]
    return _per_slice(others, a, axis)


def prod_others_tangent(a, e, axis=None):
    """The derivative of `prod_others(a, axis)` along `e` (which may have leading axes of
    directions): for each element k, the sum over the other elements m of its slice of
    e[m] times the product of the elements other than k and m; the Hessian of
    `np.prod(a, axis)` applied to `e`, which is symmetric.

    prod_others is the product `before[k] * after[k]` of the exclusive cumulative
    products from either end; each has the tangent of a cumulative product, shifted by
    one (`cumprod_tangent`'s recurrence), so no division: zeros in `a` are exact."""
    a, e = np.asarray(a), np.asarray(e)
    extra = e.ndim - a.ndim
    axes, ends, moved, x = _axes_last(a, axis)
    lead = e.shape[:extra]
    turned = np.moveaxis(e, tuple(i + extra for i in axes), tuple(i + extra for i in ends))
    y = turned.reshape(lead + x.shape)
    before = _exclusive_cumprod(x)
    after = _exclusive_cumprod(x[..., ::-1])
    before_dot = _shifted(_linear_scan(before * y, x))
    after_dot = _shifted(_linear_scan(after * y[..., ::-1], x[..., ::-1]))
    result = before_dot * after[..., ::-1] + before * after_dot[..., ::-1]
    return np.moveaxis(result.reshape(lead + moved.shape), tuple(i + extra for i in ends),
                       tuple(i + extra for i in axes))


def first_max(a, axis=None):
    """A mask of `a`'s shape, 1.0 at the first maximal element of each slice along `axis`
    (None: of all of `a`), the one `np.argmax` picks, 0.0 elsewhere: where the derivative
    of `np.max` goes, ties included. It is a float array, not a boolean one: where `grad`
    folds the seed 1.0 away, the mask is an adjoint itself, and two boolean masks would
    add as a logical or."""
    return _mask(_per_slice(lambda x: _one_hot(np.argmax(x, axis=-1), x.shape[-1]), a, axis),
                 a)


def first_min(a, axis=None):
    """Like `first_max`, at the first minimal element (`np.argmin`)."""
    return _mask(_per_slice(lambda x: _one_hot(np.argmin(x, axis=-1), x.shape[-1]), a, axis),
                 a)


def _mask(found, a):
    """`found` in the real precision of `a` (float32 for complex64)."""
    dtype = np.asarray(a).dtype
    if dtype.kind == "c":
        dtype = np.finfo(dtype).dtype
    return found.astype(dtype if dtype.kind == "f" else np.float64)


def cumprod_tangent(d, a, axis=None):
    """The tangent of `np.cumprod(a, axis)` for the tangent `d` of `a` (`d` may have
    leading axes of directions).

    Along the axis, out[i] = out[i-1] * a[i], so the tangent obeys the linear recurrence
    t[i] = a[i] * t[i-1] + out[i-1] * d[i], with out[i-1] the product of the elements
    before i (an exclusive cumulative product, 1 for the first). No division: zeros in `a`
    are exact. The recurrence is solved in log2(n) vectorised steps (`_linear_scan`)."""
    a, d = np.asarray(a), np.asarray(d)
    extra = d.ndim - a.ndim
    if axis is None or a.ndim == 0:
        d = d.reshape(d.shape[:extra] + (a.size,))
        a, axis = a.reshape(-1), 0
    axis %= a.ndim
    x = np.moveaxis(a, axis, -1)
    t = _linear_scan(_exclusive_cumprod(x) * np.moveaxis(d, axis + extra, -1), x)
    return np.moveaxis(t, -1, axis + extra)


def cumprod_adjoint(g, a, axis=None):
    """The adjoint of `a` in `out = np.cumprod(a, axis)`, given the adjoint `g` of `out`
    (which may have more leading axes than `a`: one result for each).

    a_bar[k] = sum over i >= k of g[i] * d out[i] / d a[k]
             = before[k] * s[k], where before[k] is the product of the elements before k
    and s[k] = g[k] + a[k+1] * s[k+1] (the sum of g[i] times the product of a[k+1..i]).
    Neither factor divides by an element, so zeros in `a` (one or several) are exact,
    unlike the textbook `reverse_cumsum(g * out) / a`. The recurrence for s runs from the
    end: it is solved on the reversed axis in log2(n) vectorised steps (`_linear_scan`),
    O(n log n) in all."""
    a, g = np.asarray(a), np.asarray(g)
    flat = axis is None or a.ndim == 0  # then `out`, and `g`, are flat
    extra = g.ndim - (1 if flat else a.ndim)
    shape = g.shape[:extra] + a.shape
    if flat:
        g = g.reshape(g.shape[:extra] + (a.size,))
        a, axis = a.reshape(-1), 0
    axis %= a.ndim
    x = np.moveaxis(a, axis, -1)
    later = np.concatenate([np.ones_like(x[..., :1]), x[..., :0:-1]], axis=-1)
    s = _linear_scan(np.moveaxis(g, axis + extra, -1)[..., ::-1], later)[..., ::-1]
    return np.moveaxis(_exclusive_cumprod(x) * s, -1, axis + extra).reshape(shape)


def cumprod_second(d, e, a, axis=None):
    """The second derivative of `np.cumprod(a, axis)` in the directions `d` and `e` (each
    may have leading axes of directions): the derivative of `cumprod_tangent(d, a)` in
    `a` along `e`, symmetric in `d` and `e`.

    Differentiating t[i] = a[i] t[i-1] + out[i-1] d[i] along `e` gives the recurrence
    b[i] = a[i] b[i-1] + d[i] u[i-1] + e[i] t[i-1], with t and u the tangents along `d`
    and `e`: a linear scan again, with no division."""
    a, flat, axis, (dm, em), (de, ee) = _moved(a, axis, (d, e), (False, False))
    t = _linear_scan(_exclusive_cumprod(a) * dm, a)
    u = _linear_scan(_exclusive_cumprod(a) * em, a)
    second = _linear_scan(dm * _shifted(u) + em * _shifted(t), a)
    return _moved_back(second, axis, max(de, ee), flat, None)


def cumprod_adjoint_tangent(g, a, e, axis=None):
    """The derivative of `cumprod_adjoint(g, a, axis)` in `a` along `e` (`g` or `e` may
    have leading axes of directions): the Hessian of <g, np.cumprod(a)> applied to `e`,
    which is symmetric, and the adjoint of `cumprod_second(d, e, a)` in `d`.

    With s = L^T g (the reverse scan of `cumprod_adjoint`) and u the tangent along `e`,
    it is s * u[i-1] + cumprod_adjoint(s[i+1] * e[i+1], a): the transpose of the
    recurrence of `cumprod_second`, term by term."""
    shape = np.shape(a)
    a, flat, axis, (gm, em), (ge, ee) = _moved(a, axis, (g, e), (True, False))
    s = _reverse_scan(gm, a)
    u = _linear_scan(_exclusive_cumprod(a) * em, a)
    later = np.concatenate([(s * em)[..., 1:], np.zeros_like((s * em)[..., :1])], axis=-1)
    result = s * _shifted(u) + _exclusive_cumprod(a) * _reverse_scan(later, a)
    return _moved_back(result, axis, max(ge, ee), flat, shape)


def _moved(a, axis, values, flat_values):
    """`a` with its cumulated axis last (flattened where `axis` is None), and each of
    `values` the same way with its own leading axes (a value in `flat_values` is flat
    already where `a` is flattened: an adjoint of the flat result); the leading axes of
    each value are counted."""
    a = np.asarray(a)
    flat = axis is None or a.ndim == 0
    moved, extras = [], []
    for value, is_flat in zip(values, flat_values):
        value = np.asarray(value)
        extra = value.ndim - (1 if flat and is_flat else a.ndim)
        if flat:
            value = value.reshape(value.shape[:extra] + (a.size,))
        extras.append(extra)
        moved.append(value if flat else np.moveaxis(value, axis % a.ndim + extra, -1))
    if flat:
        return a.reshape(-1), True, 0, moved, extras
    return np.moveaxis(a, axis % a.ndim, -1), False, axis % a.ndim, moved, extras


def _moved_back(result, axis, extra, flat, shape):
    """`result` back in the layout of its input: flat (`shape` None) or in `shape`."""
    if flat:
        return result if shape is None else result.reshape(result.shape[:extra] + shape)
    return np.moveaxis(result, -1, axis + extra)


def _shifted(x):
    """x[i-1] along the last axis, 0 for the first."""
    return np.concatenate([np.zeros_like(x[..., :1]), x[..., :-1]], axis=-1)


def _reverse_scan(g, x):
    """s with s[k] = g[k] + x[k+1] * s[k+1] along the last axis (s[n-1] = g[n-1])."""
    later = np.concatenate([np.ones_like(x[..., :1]), x[..., :0:-1]], axis=-1)
    return _linear_scan(g[..., ::-1], later)[..., ::-1]


def _exclusive_cumprod(x):
    """The product of the elements before each one along the last axis (1 for the first)."""
    return np.cumprod(np.concatenate([np.ones_like(x[..., :1]), x[..., :-1]], axis=-1),
                      axis=-1)


def _linear_scan(b, c):
    """t with t[i] = b[i] + c[i] * t[i-1] along the last axis (t[0] = b[0]); `b` may have
    more leading axes than `c`.

    Recursive doubling: after the step with shift s, t[i] holds the recurrence summed over
    the 2s indices ending at i and c[i] the product of the coefficients over them, so
    log2(n) steps of vectorised arithmetic replace n Python-level steps."""
    t = np.array(b, dtype=np.result_type(b, c))
    c = np.array(c)
    n = t.shape[-1]
    shift = 1
    while shift < n:
        t[..., shift:] += c[..., shift:] * t[..., :-shift]
        c[..., shift:] = c[..., shift:] * c[..., :-shift]
        shift *= 2
    return t


def _one_hot(index, n):
    return np.arange(n) == index[..., None]


def _per_slice(function, a, axis):
    """`function` applied along the last axis of `a` with the axes of `axis` moved last
    and merged into one, the result given back `a`'s layout."""
    axes, ends, moved, merged = _axes_last(np.asarray(a), axis)
    return np.moveaxis(function(merged).reshape(moved.shape), ends, axes)


def _axes_last(a, axis):
    """`(axes, ends, moved, merged)`: the axes `axis` names (all for None), the last
    positions they move to, `a` with them moved there, and that with them merged into
    one last axis."""
    if axis is None:
        axes = tuple(range(a.ndim))
    else:
        axes = tuple(sorted(i % a.ndim for i in (axis if isinstance(axis, tuple) else
                                                  (axis,)))) if a.ndim else ()
    ends = tuple(range(a.ndim - len(axes), a.ndim))
    moved = np.moveaxis(a, axes, ends)
    kept = moved.shape[:a.ndim - len(axes)]
    return axes, ends, moved, moved.reshape(kept + (math.prod(moved.shape[len(kept):]),))


def cofactor(a):
    """The cofactor matrix of `a` (of each matrix of a stack): det(a) * inv(a).T where
    `a` is invertible, and the derivative of `np.linalg.det` everywhere, singular `a`
    included. From the SVD a = u @ diag(s) @ vt, it is det(u) det(vt) u diag(s~) vt with
    s~_i the product of the other singular values: no inverse, no division."""
    u, s, vt = np.linalg.svd(a)
    ones = np.ones_like(s[..., :1])
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    sign = np.linalg.det(u) * np.linalg.det(vt)
    return sign[..., None, None] * (u * (before * after)[..., None, :]) @ vt


def cofactor_tangent(a, e):
    """The derivative of `cofactor(a)` along `e` (which may have leading axes of
    directions): the Hessian of np.linalg.det applied to `e`, which is symmetric.

    Entry (i, j) of the cofactor matrix is (-1)^(i+j) times the determinant of the minor
    without row i and column j; its derivative is that minor's cofactor matrix against
    the same minor of `e`. Each minor's cofactor matrix comes from `cofactor` (no
    inverse), so singular matrices are exact too; n^2 minors of size n - 1."""
    a, e = np.asarray(a), np.asarray(e)
    n = a.shape[-1]
    if n == 1:
        return np.zeros(np.broadcast_shapes(a.shape, e.shape), np.result_type(a, e))
    keep = np.array([[j for j in range(n) if j != i] for i in range(n)])
    rows, cols = keep[:, None, :, None], keep[None, :, None, :]
    sign = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return sign * np.sum(cofactor(a[..., rows, cols]) * e[..., rows, cols], axis=(-2, -1))


def list_zeros(items, directions=None):
    """Zeros shaped like each item of the list `items` (with `directions` in front, in
    vector mode): the adjoint or tangent of a list that no derivative has reached."""
    if directions is None:
        return [np.zeros_like(item) if isinstance(item, np.ndarray) else 0.0
                for item in items]
    return [np.zeros((directions,) + np.shape(item)) for item in items]


def add_each(bars, values):
    """A new list holding each of `bars` plus its value in `values` (a list, or an
    array's rows): no item is changed in place, since one may share memory with
    another adjoint."""
    return [bar + value for bar, value in zip(bars, values)]


def add_to_each(bars, value):
    """A new list holding each of `bars` plus `value`."""
    return [bar + value for bar in bars]


def split_like(g, items, axis, ndmin):
    """The parts of `g`, the adjoint of the items of a list joined along `axis` (each made
    at least `ndmin`-dimensional first, as np.vstack and np.hstack do), each in its
    item's shape."""
    shapes = [np.shape(item) for item in items]
    lengths = [((1,) * (ndmin - len(shape)) + shape)[axis] for shape in shapes]
    parts = np.split(g, np.cumsum(lengths)[:-1], axis=axis)
    return [np.reshape(part, shape) for part, shape in zip(parts, shapes)]


def gradient_adjoint(g, spacing=1.0, axis=-1, edge_order=1):
    """The adjoint of `np.gradient(f, spacing, axis=axis, edge_order=edge_order)` in `f`:
    each difference quotient's weights, taken back to the elements it read (central
    quotients inside, one-sided ones of first or second order at the two ends)."""
    g = np.moveaxis(g, axis, -1) / spacing
    f = np.zeros_like(g)
    f[..., 2:] += g[..., 1:-1] / 2
    f[..., :-2] -= g[..., 1:-1] / 2
    first, last = g[..., 0], g[..., -1]
    if edge_order == 1:
        f[..., 0] -= first
        f[..., 1] += first
        f[..., -1] += last
        f[..., -2] -= last
    else:
        for step, weight in enumerate((1.5, -2.0, 0.5)):
            f[..., step] -= weight * first
            f[..., -1 - step] += weight * last
    return np.moveaxis(f, -1, axis)


def pad_adjoint(g, pad_width, mode):
    """The adjoint of `np.pad(a, pad_width, mode)` in `a` for the modes that copy elements
    of `a` into the border (edge, reflect, symmetric, wrap): axis by axis, each element
    of `g` is added to the element it copies, whose position np.pad itself gives when it
    pads the positions `np.arange(n)`."""
    for axis, (before, after) in enumerate(pad_width):
        if before == after == 0:
            continue
        n = g.shape[axis] - before - after
        source = np.pad(np.arange(n), (before, after), mode=mode)
        moved = np.moveaxis(g, axis, 0)
        summed = np.zeros((n,) + moved.shape[1:], dtype=g.dtype)
        np.add.at(summed, source, moved)
        g = np.moveaxis(summed, 0, axis)
    return g


def take_along_axis_adjoint(g, indices, axis, shape):
    """The adjoint of `np.take_along_axis(a, indices, axis)` in `a` (of shape `shape`):
    each element of `g` added to the element it was taken from, with np.add.at since an
    index may repeat. Along the other axes an element of `g` comes from the same position,
    or from position 0 where `a` has length one there and is broadcast."""
    index = list(np.ogrid[tuple(slice(n) for n in g.shape)])
    for other, n in enumerate(shape):
        if n == 1 and g.shape[other] != 1:
            index[other] = 0
    index[axis] = indices
    a_bar = np.zeros(shape, dtype=g.dtype)
    np.add.at(a_bar, tuple(index), g)
    return a_bar


# Every generated function reserves the names of these, whether it calls them or not.
HELPERS = {"unbroadcast": unbroadcast, "sigmoid": sigmoid, "matmul_adjoint_a": matmul_adjoint_a,
           "matmul_adjoint_b": matmul_adjoint_b, "tangent_buffer": tangent_buffer,
           "safe_divide": safe_divide, "xlogy": xlogy, "xpow": xpow, "digamma": digamma,
           "polygamma": polygamma, "written_last": written_last,
           "list_zeros": list_zeros, "add_each": add_each, "add_to_each": add_to_each,
           "split_like": split_like}

# These a rule binds by name only where it calls one (`Site.helper`): reserving them too
# would take names such as `cumprod_adjoint`, the adjoint of a user's `cumprod`.
BOUND_ON_USE = {fn.__name__: fn for fn in (prod_others, prod_others_tangent, first_max,
                                           first_min, cumprod_tangent,
                                           cumprod_adjoint, cumprod_second,
                                           cumprod_adjoint_tangent, cofactor,
                                           cofactor_tangent, gradient_adjoint, pad_adjoint,
                                           take_along_axis_adjoint)}
BOUND_ON_USE.update(runtime_linalg.HELPERS)
