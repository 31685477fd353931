"""The second-order references (second_order.py, nested_dual.py) against Hessians worked
out by hand, so that s2sad agreeing with them means something: each reference, its layout
and its orientation (which index is the row) is checked here, away from s2sad.

The nested dual numbers must be exact (to rounding), the differences of values close to
the `1e-9` their error analysis promises, the differences of a gradient closer still.
"""
import itertools
import math

import dual
import nested_dual
import numpy as np
import pytest
import second_order as so
from programs.realistic.reference import leaves
from util import assert_close

import test_seeds as seeds

# ---------------------------------------------------------------- functions and their Hessians


def seed002_hessian(x1, x2):
    """f = log x1 + x1 x2 - sin x2 (seed 002)."""
    return ((-1.0 / x1 ** 2, 1.0), (1.0, math.sin(x2)))


def gw_hessian(x1, x2):
    """Seed 000: f = a b with r = x1/x2, e = exp(x2), a = sin r + r - e, b = r - e, so
    f_ij = a_ij b + a_i b_j + a_j b_i + a b_ij."""
    r, e = x1 / x2, math.exp(x2)
    a, b = math.sin(r) + r - e, r - e
    dr = (1.0 / x2, -x1 / x2 ** 2)
    ddr = ((0.0, -1.0 / x2 ** 2), (-1.0 / x2 ** 2, 2.0 * x1 / x2 ** 3))
    de, dde = (0.0, e), ((0.0, 0.0), (0.0, e))
    da = [(math.cos(r) + 1.0) * dr[i] - de[i] for i in range(2)]
    db = [dr[i] - de[i] for i in range(2)]
    out = [[0.0, 0.0], [0.0, 0.0]]
    for i in range(2):
        for j in range(2):
            daa = -math.sin(r) * dr[i] * dr[j] + (math.cos(r) + 1.0) * ddr[i][j] - dde[i][j]
            dbb = ddr[i][j] - dde[i][j]
            out[i][j] = daa * b + da[i] * db[j] + da[j] * db[i] + a * dbb
    return tuple(tuple(row) for row in out)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i + 1, i + 1] += 200.0
        H[i, i + 1] -= 400.0 * x[i]
        H[i + 1, i] -= 400.0 * x[i]
    return H


A = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -2.0], [1.0, 0.25, 3.0]])  # not symmetric


def quadratic(x):
    return x @ A @ x


def logsumexp(x):
    m = np.max(x)
    return m + math.log(np.sum(np.exp(x - m)))


def logsumexp_hessian(x):
    p = np.exp(x - np.max(x))
    p = p / np.sum(p)
    return np.diag(p) - np.outer(p, p)


W = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.5]])


def scaled_sines(x, y, s):
    """Blocks of every pair of shapes: (2,), (3,) and a float."""
    return s * s * np.sum(np.sin(x)) + x @ W @ y + s * np.sum(y ** 3)


def scaled_sines_hessian(x, y, s):
    return ((-s * s * np.diag(np.sin(x)), W, 2.0 * s * np.cos(x)),
            (W.T, 6.0 * s * np.diag(y), 3.0 * y ** 2),
            (2.0 * s * np.cos(x), 3.0 * y ** 2, 2.0 * float(np.sum(np.sin(x)))))


def seed001_hessian(x):
    """L = -5 x^2 log(x^2): L'' = -20 log|x| - 30."""
    return -20.0 * math.log(abs(x)) - 30.0


def parameters(params):
    return params["a"] ** 2 * np.sum(params["v"] ** 3)


def parameters_hessian(params):
    a, v = params["a"], params["v"]
    return {"a": {"a": 2.0 * np.sum(v ** 3), "v": 6.0 * a * v ** 2},
            "v": {"a": 6.0 * a * v ** 2, "v": np.diag(6.0 * a * a * v)}}


X1, X2 = 2.0, 5.0
ROSEN = np.array([1.2, 0.8, -0.5, 1.1])
XQ = np.array([0.5, -1.2, 0.7])
XL = np.array([0.3, -1.1, 2.0, 0.4])
XS, YS, S = np.array([0.4, -0.9]), np.array([0.6, -0.2, 1.3]), 0.7
PARAMS = {"a": 1.5, "v": np.array([0.5, -1.0, 2.0])}

CASES = [
    ("seed002", seeds.seed002, (X1, X2), (0, 1), seed002_hessian(X1, X2)),
    ("seed002_x1", seeds.seed002, (X1, X2), 0, seed002_hessian(X1, X2)[0][0]),
    ("griewank_walther", seeds.griewank_walther, (1.5, 0.5), (0, 1), gw_hessian(1.5, 0.5)),
    ("seed001", seeds.seed001, (0.3,), 0, seed001_hessian(0.3)),
    ("rosenbrock", rosenbrock, (ROSEN,), 0, rosenbrock_hessian(ROSEN)),
    ("quadratic", quadratic, (XQ,), 0, A + A.T),
    ("logsumexp", logsumexp, (XL,), 0, logsumexp_hessian(XL)),
    ("blocks", scaled_sines, (XS, YS, S), (0, 1, 2), scaled_sines_hessian(XS, YS, S)),
    ("dict", parameters, (PARAMS,), 0, parameters_hessian(PARAMS)),
]
IDS = [c[0] for c in CASES]


def _same_layout(got, want):
    """Tuples, dicts and leaves alike: a float where a float is expected, an array of the
    same shape where an array is."""
    if isinstance(want, (tuple, dict)):
        assert type(got) is type(want) and len(got) == len(want)
        keys = want.keys() if isinstance(want, dict) else range(len(want))
        for k in keys:
            _same_layout(got[k], want[k])
    elif isinstance(want, float):
        assert isinstance(got, float), f"{got!r} is not a float"
    else:
        assert isinstance(got, np.ndarray) and got.shape == np.shape(want)


def _close(got, want, rtol, atol):
    _same_layout(got, want)
    if isinstance(want, dict):
        for k in want:
            _close(got[k], want[k], rtol, atol)
        return
    assert_close(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name, fn, args, wrt, want", CASES, ids=IDS)
def test_nested_duals_give_the_hessian_exactly(name, fn, args, wrt, want):
    _close(so.dual_hessian(fn, args, wrt), want, rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("name, fn, args, wrt, want", CASES, ids=IDS)
def test_second_differences_with_richardson_are_close(name, fn, args, wrt, want):
    _close(so.numeric_hessian(fn, args, wrt), want, rtol=1e-7, atol=1e-7)


def _exact_gradient(fn, wrt):
    """The gradient from first-order duals (exact): a gradient function for the
    gradient-difference reference that owes nothing to the second-order code."""
    def gradient(*args):
        v = so.Variables(args, wrt)
        eye = np.eye(v.n)
        flat = []
        for k in range(v.n):
            seeded = v.arguments(lambda m: _dual_leaf(v, m, eye[k]))
            flat.append(dual.tangent(dual.dualize(fn)(*seeded)))
        return v.shaped(np.array(flat))
    return gradient


def _dual_leaf(v, m, direction):
    leaf = v.leaves[m][1]
    piece = direction[v.offsets[m]:v.offsets[m + 1]]
    if isinstance(leaf, np.ndarray):
        return dual._seeded(np.asarray(leaf, float), piece.reshape(leaf.shape))
    return dual.Dual(leaf, piece[0])


@pytest.mark.parametrize("name, fn, args, wrt, want", CASES, ids=IDS)
def test_differences_of_a_gradient_are_closer(name, fn, args, wrt, want):
    got = so.numeric_hessian_of_gradient(_exact_gradient(fn, wrt), args, wrt)
    _close(got, want, rtol=1e-9, atol=1e-9)


def _direction(args, wrt, seed):
    rng = np.random.default_rng(seed)
    v = so.Variables(args, wrt)
    return v, v.shaped(rng.normal(size=v.n))


@pytest.mark.parametrize("name, fn, args, wrt, want", CASES, ids=IDS)
def test_hessian_vector_products(name, fn, args, wrt, want):
    v, d = _direction(args, wrt, 1)
    H = _matrix(v, want)
    want_hv = v.shaped(H @ v.flatten(d if isinstance(wrt, tuple) else (d,)))
    _close(so.dual_hvp(fn, args, wrt, d), want_hv, rtol=1e-12, atol=1e-12)
    _close(so.numeric_hvp(fn, args, wrt, d), want_hv, rtol=1e-7, atol=1e-7)
    _close(so.numeric_hvp(fn, args, wrt, d, gradient=_exact_gradient(fn, wrt)), want_hv,
           rtol=1e-8, atol=1e-8)
    _, u = _direction(args, wrt, 2)
    uflat = v.flatten(u if isinstance(wrt, tuple) else (u,))
    dflat = v.flatten(d if isinstance(wrt, tuple) else (d,))
    assert so.dual_second(fn, args, wrt, d, u) == pytest.approx(uflat @ H @ dflat, rel=1e-12)


def _matrix(v, blocks):
    """The analytic Hessian as an n x n matrix, read back from the layout (the leaves of
    block (p, q) come row leaf by row leaf): the inverse of `Variables.blocks`, written
    independently of it."""
    grid = blocks if isinstance(v.wrt, tuple) else ((blocks,),)
    H = np.zeros((v.n, v.n))
    for a, p in enumerate(v.positions):
        for b, q in enumerate(v.positions):
            pairs = itertools.product(_leaf_ranges(v, p), _leaf_ranges(v, q))
            for (rows, cols), (_, block) in zip(pairs, leaves(grid[a][b]), strict=True):
                H[rows, cols] = np.reshape(block, (rows.stop - rows.start,
                                                   cols.stop - cols.start))
    return H


def _leaf_ranges(v, p):
    return [slice(v.offsets[k], v.offsets[k + 1]) for k, (q, _) in enumerate(v.leaves)
            if q == p]


# ---------------------------------------------------------------- orientation and layout

def cross(x, y):
    return x @ W @ y


def test_blocks_are_rows_of_the_first_position():
    """H[0][1][a, b] = d2f / dx_a dy_b = W[a, b] (2 x 3), H[1][0] its transpose."""
    for H in (so.dual_hessian(cross, (XS, YS), (0, 1)),
              so.numeric_hessian(cross, (XS, YS), (0, 1))):
        assert H[0][1].shape == (2, 3) and H[1][0].shape == (3, 2)
        assert_close(H[0][1], W, rtol=1e-9, atol=1e-9)
        assert_close(H[1][0], W.T, rtol=1e-9, atol=1e-9)
        assert_close(H[0][0], np.zeros((2, 2)), atol=1e-8)


def skewed_gradient(x):
    """Not a gradient: its Jacobian [[0, 1], [0, 0]] is not symmetric."""
    return np.array([x[1], 0.0])


def test_differences_of_a_gradient_keep_rows_and_columns():
    """Entry (i, j) is the change of gradient component i as number j moves, so a
    non-symmetric Jacobian is not symmetrised away."""
    got = so.numeric_hessian_of_gradient(skewed_gradient, (np.array([0.3, 0.7]),), 0)
    assert_close(got, np.array([[0.0, 1.0], [0.0, 0.0]]), atol=1e-12)


def test_a_float32_argument_is_differenced_in_float64():
    x = XQ.astype(np.float32)
    assert_close(so.numeric_hessian(quadratic, (x,), 0), A + A.T, rtol=1e-7, atol=1e-7)


def matrix_argument(M):
    return np.sum(M ** 3) + M[0, 1] * M[1, 0]


def test_a_matrix_argument_has_four_axes():
    M = np.array([[0.5, -1.0], [2.0, 0.3]])
    want = np.zeros((2, 2, 2, 2))
    for i in np.ndindex(2, 2):
        want[i + i] = 6.0 * M[i]
    want[0, 1, 1, 0] = want[1, 0, 0, 1] = 1.0
    for H in (so.dual_hessian(matrix_argument, (M,)), so.numeric_hessian(matrix_argument, (M,))):
        assert H.shape == (2, 2, 2, 2)
        assert_close(H, want, rtol=1e-8, atol=1e-8)


# ---------------------------------------------------------------- the nested numbers on their own

def _point(name):
    return {"acosh": 1.7, "log2": 1.3, "log10": 1.3}.get(name, 0.45)


@pytest.mark.parametrize("name", sorted(dual.UNARY) + ["log", "cbrt"])
def test_every_math_function_against_second_differences(name):
    """Each elementary function's second derivative (its slope in dual.py's table,
    differentiated by the inner layer) against second differences of the plain function,
    and its first-order parts against dual.py."""
    f, x = getattr(math, name, None) or np.cbrt, _point(name)

    def g(t):
        return getattr(math, name)(t) if name != "cbrt" else np.cbrt(t)
    got = so.dual_hessian(g, (x,))
    assert got == pytest.approx(so.numeric_hessian(lambda t: float(f(t)), (x,)),
                                rel=1e-7, abs=1e-8)
    value, first, _, _ = nested_dual.parts_at(g, [nested_dual.seeded(x, 1.0, 1.0)])
    assert (value, first) == dual.jvp(g, (x,), 0, 1.0)


@pytest.mark.parametrize("name", sorted(dual.UFUNC_METHODS))
def test_numpy_ufuncs_on_object_arrays_of_nested_numbers(name):
    ufunc = getattr(np, name)
    x = np.array([1.6, 1.2]) if name == "arccosh" else np.array([0.45, 0.3])

    def g(v):
        return np.sum(ufunc(v) * np.array([1.0, -2.0]))
    H = so.dual_hessian(g, (x,))
    assert_close(H, so.numeric_hessian(g, (x,)), rtol=1e-7, atol=1e-8)
    assert H[0, 1] == 0.0 and H[1, 0] == 0.0


def power(x, y):
    return x ** y


def powers(x, y):
    return y ** 3 - 2.0 ** x + x ** -1.5


def remainder(x, y):
    return (x % y) * x


def kinked_product(x, y):
    return abs(x - y) * (x / y)


def angles(x, y):
    return math.atan2(y, x) * math.hypot(x, y)


def logs(x, y):
    return math.log(x, y) - (1.0 - x) / (2.0 + y)


def floors(x, y):
    return (-x // y + (x * 3) // 1) * x * y


def sums(x, y):
    return math.fsum([x * y, np.cbrt(x), y ** 2]) + math.pow(x, y)


@pytest.mark.parametrize("fn, args", [
    (power, (1.3, 0.7)), (powers, (1.3, 0.7)), (remainder, (2.3, 0.7)),
    (kinked_product, (0.3, 0.7)), (angles, (0.3, -0.7)), (logs, (1.3, 2.7)),
    (floors, (1.3, 0.7)), (sums, (1.3, 0.7))], ids=lambda a: getattr(a, "__name__", ""))
def test_operators_against_second_differences(fn, args):
    got = so.dual_hessian(fn, args, (0, 1))
    assert_close(got, so.numeric_hessian(fn, args, (0, 1)), rtol=1e-7, atol=1e-8)


def kink(x):
    return x * abs(x) + (x * x if x > 1e-4 else -x * x * x)


def test_across_a_kink_second_differences_fail_and_the_nested_numbers_do_not():
    """Why the rows with kinks near their point are compared with the nested numbers:
    the steps of the second differences cross the kinks at x = 0 and x = 1e-4 and give
    nonsense, the nested numbers give the derivative of the branch taken (2 + 2 here)."""
    x = 3e-4
    assert so.dual_hessian(kink, (x,)) == 4.0
    assert abs(so.numeric_hessian(kink, (x,)) - 4.0) > 0.1


def test_float_of_a_nested_number_with_derivatives_is_refused():
    with pytest.raises(TypeError, match="drop its derivatives"):
        float(nested_dual.seeded(0.5, 0.0, 1.0))
    with pytest.raises(TypeError, match="drop its derivatives"):
        np.zeros(2)[0] = nested_dual.seeded(0.5, 1.0, 0.0)
    assert float(nested_dual.seeded(0.5, 0.0, 0.0)) == 0.5
