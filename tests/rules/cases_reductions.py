"""Rule-table cases of the reductions family (s2sad/rules/reductions.py): np.prod, np.max
and np.min (np.amax, np.amin), np.ptp, np.nansum, np.var, np.std, np.cumsum, np.cumprod,
their methods (and x.sum(), x.mean()), the builtin `sum`, `math.fsum` and `math.prod`.

Each case checks reverse mode against central differences, forward mode (one direction
and the vector-mode Jacobian) and float32, on scalars, vectors, matrices and rank-3
arrays, with every kind of `axis` and `keepdims`.
"""
import numpy as np

from rulecheck import check_grad, check_vjp, rand

# shape -> the axis arguments worth testing on it (besides None)
AXES = {
    (4,): ["0", "-1"],
    (2, 3): ["0", "1", "-1", "(0, 1)", "(1, 0)"],
    (2, 3, 2): ["0", "1", "2", "-1", "-2", "(0, 2)", "(-1, 0)", "(0, 1, 2)"],
}
SHAPES = list(AXES)


def _axis_calls(call, shape, tuples=True):
    """Source texts `call(x, axis=..., keepdims=...)` for every axis variant of `shape`."""
    texts = [f"{call}(x)", f"{call}(x, keepdims=True)"]
    for axis in AXES[shape]:
        if axis.startswith("(") and not tuples:
            continue
        texts.append(f"{call}(x, axis={axis})")
        texts.append(f"{call}(x, axis={axis}, keepdims=True)")
    if shape != (4,):
        texts.append(f"{call}(x, 1)")
    if shape == (2, 3, 2) and tuples:
        texts.append(f"{call}(x, (0, 2))")
    return texts


def _method_calls(method, shape, tuples=True):
    texts = [f"x.{method}()", f"x.{method}(keepdims=True)"]
    for axis in AXES[shape]:
        if axis.startswith("(") and not tuples:
            continue
        texts.append(f"x.{method}(axis={axis})")
        texts.append(f"x.{method}({axis}, keepdims=True)" if not axis.startswith("(")
                     else f"x.{method}(axis={axis}, keepdims=True)")
    return texts


def _check_reduction(gen, call, args=None, scalar=True, tuples=True):
    """Every axis variant of the reduction `call` (e.g. "np.prod") on every shape."""
    for shape in SHAPES:
        x = rand(*shape) if args is None else args(shape)
        for text in _axis_calls(call, shape, tuples):
            check_vjp(gen("x", text), (x,), 0)
    # composed with other operations, so the adjoint flows on
    x = rand(2, 3) if args is None else args((2, 3))
    check_grad(gen("x", f"np.sum(np.sin({call}(x, axis=0)) * {call}(x, axis=1)[0])"), (x,))
    if scalar:
        check_grad(gen("x", f"{call}(x) * x"), (0.7,))
        check_grad(gen("x", f"np.sum({call}(x * x))"), (0.7,))


def _check_methods(gen, method, args=None, tuples=True):
    for shape in SHAPES:
        x = rand(*shape) if args is None else args(shape)
        for text in _method_calls(method, shape, tuples):
            check_vjp(gen("x", text), (x,), 0)
    x = rand(2, 3) if args is None else args((2, 3))
    check_grad(gen("x", f"np.sum(np.exp((x * x).{method}(axis=1)) * x.{method}(0)[1])"), (x,))


# ---------------------------------------------------------------- np.prod

def with_zeros(shape):
    """Values with no zero, one zero or several zeros in the slices of every axis."""
    x = rand(*shape) + 0.1
    flat = x.reshape(-1)
    flat[0] = 0.0
    if flat.size >= 4:
        flat[-1] = 0.0
        flat[-2] = 0.0
    return flat.reshape(shape)


def check_prod(gen):
    _check_reduction(gen, "np.prod")
    _check_reduction(gen, "np.prod", args=with_zeros, scalar=False)
    # one zero and two zeros in the same vector
    f = gen("x", "np.prod(x)")
    check_grad(f, (np.array([0.5, 0.0, 2.0, -1.5]),))
    check_grad(f, (np.array([0.5, 0.0, 2.0, 0.0]),))
    check_grad(f, (np.zeros(3),))


def check_prod_method(gen):
    _check_methods(gen, "prod")
    _check_methods(gen, "prod", args=with_zeros)


# ---------------------------------------------------------------- np.max, np.min, np.ptp

def check_extremum(call):
    def check(gen):
        _check_reduction(gen, call)
        # a vector, indexed at argmax / argmin in both modes
        check_grad(gen("x", f"{call}(x * x) * {call}(x)"), (rand(5),))
        check_grad(gen("x", f"np.sum({call}(x, axis=0) ** 2)"), (rand(5),))
    return check


def check_extremum_method(method):
    return lambda gen: _check_methods(gen, method)


def check_ptp(gen):
    _check_reduction(gen, "np.ptp", scalar=False)
    check_grad(gen("x", "np.ptp(x) * x"), (0.7,))


def check_nansum(gen):
    # (NaN inputs, which central differences cannot take, are in test_reductions.py)
    _check_reduction(gen, "np.nansum")


# ---------------------------------------------------------------- np.var, np.std

def check_variance(call):
    def check(gen):
        _check_reduction(gen, call, scalar=False)
        for shape in SHAPES:
            x = rand(*shape)
            check_vjp(gen("x", f"{call}(x, ddof=1)"), (x,), 0)
            check_vjp(gen("x", f"{call}(x, axis=-1, ddof=1, keepdims=True)"), (x,), 0)
            check_vjp(gen("x", f"{call}(x, axis=0, correction=1)"), (x,), 0)
        check_vjp(gen("x", f"{call}(x, axis=(0, 2), ddof=1)"), (rand(2, 3, 2),), 0)
        check_vjp(gen("x", f"{call}(x, 1, None, None, 1)"), (rand(2, 3),), 0)
        check_vjp(gen("x", f"{call}(x, ddof=0.5)"), (rand(4),), 0)
        # a scalar's variance is a constant 0
        check_grad(gen("x", f"{call}(x) + x"), (0.7,))
    return check


def check_variance_method(method):
    def check(gen):
        _check_methods(gen, method)
        check_vjp(gen("x", f"x.{method}(ddof=1)"), (rand(2, 3),), 0)
        check_vjp(gen("x", f"x.{method}(axis=1, ddof=1, keepdims=True)"), (rand(2, 3, 2),), 0)
    return check


# ---------------------------------------------------------------- np.cumsum, np.cumprod

def _check_cumulative(gen, call, args=None):
    for shape in SHAPES:
        x = rand(*shape) if args is None else args(shape)
        texts = [f"{call}(x)"] + [f"{call}(x, axis={axis})" for axis in AXES[shape]
                                  if not axis.startswith("(")]
        if shape != (4,):
            texts.append(f"{call}(x, 1)")
        for text in texts:
            check_vjp(gen("x", text), (x,), 0)
    x = rand(2, 3) if args is None else args((2, 3))
    check_grad(gen("x", f"np.sum(np.sin({call}(x, axis=1)) * {call}(x)[2])"), (x,))
    check_vjp(gen("x", f"{call}(x)"), (0.7,), 0)
    check_vjp(gen("x", f"{call}(x * x, axis=0)"), (0.7,), 0)


def check_cumsum(gen):
    _check_cumulative(gen, "np.cumsum")


def check_cumprod(gen):
    _check_cumulative(gen, "np.cumprod")
    _check_cumulative(gen, "np.cumprod", args=with_zeros)
    f = gen("x", "np.cumprod(x)")
    check_vjp(f, (np.array([0.5, 0.0, 2.0, -1.5, 0.7]),), 0)
    check_vjp(f, (np.array([0.5, 0.0, 2.0, 0.0, 0.7]),), 0)
    check_vjp(f, (np.array([0.0, 0.0, 1.2]),), 0)
    # long enough for several doubling steps of the scan
    check_vjp(gen("x", "np.cumprod(x, axis=1)"), (with_zeros((3, 37)) + 0.5,), 0)
    check_vjp(f, (1.0 + 0.1 * rand(23),), 0)


def check_cumulative_method(method):
    def check(gen):
        for shape in SHAPES:
            x = rand(*shape)
            for text in [f"x.{method}()", f"x.{method}(axis=-1)", f"x.{method}(0)"]:
                check_vjp(gen("x", text), (x,), 0)
        check_vjp(gen("x", f"x.{method}(axis=1)"), (with_zeros((2, 3, 2)),), 0)
    return check


# ---------------------------------------------------------------- x.sum(), x.mean()

def check_sum_method(gen):
    _check_methods(gen, "sum")


def check_mean_method(gen):
    for shape in SHAPES:
        x = rand(*shape)
        for text in _method_calls("mean", shape, tuples=False):
            check_vjp(gen("x", text), (x,), 0)


# ---------------------------------------------------------------- sum, math.fsum, math.prod

def check_builtin_sum(gen):
    # of an array: over its first axis
    for shape in SHAPES:
        check_vjp(gen("x", "sum(x)"), (rand(*shape),), 0)
        check_vjp(gen("x, s", "sum(x, s)"), (rand(*shape), 0.3), (0, 1))
    check_vjp(gen("x, s", "sum(x, s)"), (rand(2, 3), rand(3)), (0, 1))
    check_vjp(gen("x, s", "sum(x, s)"), (rand(2, 3), rand(2, 1, 3)), (0, 1))
    check_vjp(gen("x, s", "sum(x, s)"), (rand(2, 3), rand(2, 1, 3)), 1)
    check_vjp(gen("x, s", "sum(x, s)"), (rand(4, 3), rand(2, 1)), (0, 1))
    check_vjp(gen("x, s", "sum(x, s)"), (rand(4, 3), rand(2, 1)), 0)
    check_grad(gen("x", "np.sum(sum(x * x) ** 2)"), (rand(3, 2),))
    # of a display of numbers or arrays, broadcast
    check_grad(gen("a, b, c", "sum([a, b * b, c, 2.0])"), (0.3, -1.2, 0.8), (0, 1, 2))
    check_grad(gen("a, b", "sum((a, b, a * b), 1.5)"), (0.3, -1.2), (0, 1))
    check_grad(gen("a, b, s", "sum([a, b], s)"), (0.3, -1.2, 0.4), (0, 1, 2))
    check_vjp(gen("a, b", "sum([a, b])"), (rand(2, 3), rand(3)), (0, 1))
    check_vjp(gen("a, b", "sum([a, b])"), (rand(2, 3), rand(3)), 1)
    check_vjp(gen("a, b, s", "sum([a, b], s)"), (rand(3, 1), rand(4), rand(2, 1, 1)), (0, 1, 2))
    check_vjp(gen("a, b", "sum([a, b, a])"), (0.4, rand(2, 3)), (0, 1))
    # only a narrower operand differentiated: the tangent is widened to the result
    check_vjp(gen("a, b", "sum([a, b])"), (0.4, rand(2, 3)), 0)
    check_vjp(gen("a", "sum([a, np.ones((2, 3))])"), (rand(3),), 0)
    check_vjp(gen("a, s", "sum(a, s)"), (rand(4, 3), rand(2, 1)), 1)


def check_fsum(gen):
    check_grad(gen("a, b, c", "math.fsum([a, b * c, c, 1e-3])"), (0.3, -1.2, 0.8), (0, 1, 2))
    check_grad(gen("a, b", "math.fsum((a, b)) * a"), (0.3, -1.2), (0, 1))
    check_grad(gen("x", "math.fsum(x) * math.fsum(x * x)"), (rand(5),))
    check_grad(gen("x", "math.fsum(x[0]) ** 2"), (rand(2, 3),))


def check_math_prod(gen):
    check_grad(gen("a, b, c", "math.prod([a, b, c, 2.0])"), (0.3, -1.2, 0.8), (0, 1, 2))
    check_grad(gen("a, b, c", "math.prod([a, b, c])"), (0.0, -1.2, 0.8), (0, 1, 2))
    check_grad(gen("a, b, c", "math.prod([a, b, c])"), (0.0, 0.0, 0.8), (0, 1, 2))
    check_grad(gen("a, b", "math.prod((a, b, a))"), (0.3, -1.2), (0, 1))
    check_vjp(gen("a, b", "math.prod([a, b])"), (rand(2, 3), rand(3)), (0, 1))
    check_vjp(gen("a, b", "math.prod([a, b, 2.0])"), (0.5, rand(2, 3)), (0, 1))
    check_vjp(gen("a, b", "math.prod([a, b])"), (0.5, rand(2, 3)), 0)
    # of an array: over its first axis
    for shape in SHAPES:
        check_vjp(gen("x", "math.prod(x)"), (rand(*shape),), 0)
        check_vjp(gen("x", "math.prod(x)"), (with_zeros(shape),), 0)


CASES = {
    "np.prod": check_prod,
    ".prod()": check_prod_method,
    "np.max": check_extremum("np.max"),
    "np.amax": check_extremum("np.amax"),
    "np.min": check_extremum("np.min"),
    "np.amin": check_extremum("np.amin"),
    ".max()": check_extremum_method("max"),
    ".min()": check_extremum_method("min"),
    "np.ptp": check_ptp,
    "np.nansum": check_nansum,
    "np.var": check_variance("np.var"),
    "np.std": check_variance("np.std"),
    ".var()": check_variance_method("var"),
    ".std()": check_variance_method("std"),
    "np.cumsum": check_cumsum,
    "np.cumprod": check_cumprod,
    ".cumsum()": check_cumulative_method("cumsum"),
    ".cumprod()": check_cumulative_method("cumprod"),
    ".sum()": check_sum_method,
    ".mean()": check_mean_method,
    "builtins.sum": check_builtin_sum,
    "math.fsum": check_fsum,
    "math.prod": check_math_prod,
}


def _vec(*shape):
    return np.random.default_rng(7).uniform(0.2, 2.8, shape)


# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "np.argmax": ("a", "a[np.argmax(a)] * np.sum(a * a[np.argmax(a)])", (_vec(5),), 0,
                  None),
    "np.argmin": ("a", "np.sum(a[np.argmin(a, axis=0)] * a)", (_vec(3, 3),), 0, None),
    ".argmax()": ("a", "np.sum(a * a.argmax(axis=1, keepdims=True))", (_vec(2, 3),), 0,
                  None),
    ".argmin()": ("a", "a[a.argmin()] ** 2", (_vec(4),), 0, None),
}
