"""Rule-table cases of the integer- and boolean-valued functions (s2sad/rules/indices.py,
and np.nanargmax, np.nanargmin): index arrays, tuples of them, counts and tests.

Each case uses the result the way code does, mostly to pick values of a differentiated
array (whose derivative indexing passes on), and is checked in reverse mode against
central differences and in forward mode (one direction and the vector-mode Jacobian).
Values stay clear of ties and of the thresholds they are compared with, where a step
of central differences would change an index.
"""
import numpy as np


def _vec(n, seed=0):
    return np.random.default_rng(seed).permutation(np.linspace(0.25, 2.75, n))


def _mat(rows, cols, seed=1):
    return _vec(rows * cols, seed).reshape(rows, cols)


V5, W5 = _vec(5), _vec(5, 2)
M33, M34, M32 = _mat(3, 3), _mat(3, 4), _mat(3, 2)
GRID = np.array([0.1, 0.5, 0.9, 1.6, 2.3, 3.0])
QUERY = np.array([0.3, 1.2, 2.0, 2.9, 0.7])
KEYS = np.array([0, 2, 2, 3, 0, 2])
NAN = np.array([0.7, np.nan, 2.4, 1.1])

# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "np.argsort": ("a", "np.sum(np.arange(1.0, 6.0) * a[np.argsort(a)])", (V5,), 0, None),
    ".argsort()": ("a", "np.sum(a * a.argsort(axis=0))", (M32,), 0, None),
    "np.argpartition": ("a", "np.sum(a[np.argpartition(a, 2)[:3]] ** 2)", (V5,), 0, None),
    ".argpartition()": ("a", "np.sum(a[a.argpartition(-2)[-2:]] * a[0])", (V5,), 0, None),
    "np.lexsort": ("a, b", "np.sum(np.arange(5.0) * a[np.lexsort((b, a))])", (V5, W5),
                   (0, 1), None),
    "np.searchsorted": ("g, q", "np.sum(q * q * np.searchsorted(g, q))", (GRID, QUERY),
                        (0, 1), None),
    ".searchsorted()": ("g, q", "np.sum(g[g.searchsorted(q, side='right') - 1] * q)",
                        (GRID, QUERY), (0, 1), None),
    "np.digitize": ("q, g", "np.sum(q * np.digitize(q, g))", (QUERY, GRID), (0, 1), None),
    "np.nonzero": ("a", "np.sum(a[np.nonzero(a > 1.4)] ** 2)", (M34,), 0, None),
    ".nonzero()": ("a", "np.sum(np.sin(a[(a > 1.4).nonzero()]))", (M33,), 0, None),
    "np.flatnonzero": ("a", "np.sum(a[np.flatnonzero(a > 1.4)] ** 3)", (V5,), 0, None),
    "np.argwhere": ("a", "np.sum(a[np.argwhere(a > 1.4)[:, 0]] * a[0])", (V5,), 0, None),
    "np.unravel_index": ("a", "np.sum(a[np.unravel_index(np.argmax(a), a.shape)] * a)",
                         (M34,), 0, None),
    "np.ravel_multi_index": ("a", "np.sum(np.ravel(a)[np.ravel_multi_index((np.array([0, "
                             "2]), np.array([1, 3])), a.shape)] ** 2)", (M34,), 0, None),
    "np.diag_indices": ("a", "np.sum(a[np.diag_indices(3)] ** 2)", (M33,), 0, None),
    "np.diag_indices_from": ("a", "np.sum(np.exp(a[np.diag_indices_from(a)]))", (M33,), 0,
                             None),
    "np.triu_indices": ("a", "np.sum(a[np.triu_indices(a.shape[0])] ** 2)", (M33,), 0,
                        None),
    "np.tril_indices": ("a", "np.sum(np.sin(a[np.tril_indices(3, k=-1)]))", (M34,), 0,
                        None),
    "np.triu_indices_from": ("a", "np.sum(a[np.triu_indices_from(a, 1)] * a[0, 0])",
                             (M33,), 0, None),
    "np.tril_indices_from": ("a", "np.sum(a[np.tril_indices_from(a)] ** 3)", (M34,), 0,
                             None),
    "np.indices": ("a", "np.sum(a * np.indices(a.shape)[1])", (M34,), 0, None),
    "np.count_nonzero": ("a", "np.sum(a * np.count_nonzero(a > 1.4, axis=0)) + np.sum(a) "
                         "* np.count_nonzero(a > 1.4)", (M34,), 0, None),
    "np.bincount": ("a, k", "np.sum(a * np.bincount(k, minlength=4))", (_vec(4), KEYS), 0,
                    None),
    "np.isin": ("a, k", "np.sum(a * np.isin(k, [2, 3]))", (_vec(6), KEYS), 0, None),
    "np.any": ("a", "np.sum(a * np.any(a > 2.0, axis=0)) + np.any(a > 2.0) * a[0, 0]",
               (M32,), 0, None),
    ".any()": ("a", "np.sum(a * (a > 2.0).any(axis=1, keepdims=True))", (M32,), 0, None),
    "np.all": ("a", "np.sum(a * np.all(a > 0.5, axis=1, keepdims=True)) + np.all(a > 0.0) "
               "* a[1, 1]", (M34,), 0, None),
    ".all()": ("a", "np.sum(a * (a > 0.5).all(axis=0))", (M34,), 0, None),
    "builtins.any": ("a", "np.sum(a) * any(a > 2.5)", (V5,), 0, None),
    "builtins.all": ("a", "np.sum(a ** 2) * all(a > 0.0)", (V5,), 0, None),
    "builtins.bool": ("a", "a * bool(a > 1.0)", (1.5,), 0, 1.0),
    "builtins.isinstance": ("a", "a * a * isinstance(a, float)", (1.5,), 0, 3.0),
    "np.allclose": ("a", "np.sum(a) * np.allclose(a, a[::-1])", (V5,), 0, None),
    "np.array_equal": ("a", "np.sum(a * a) * np.array_equal(a > 1.0, a > 1.0)", (V5,), 0,
                       None),
    "np.array_equiv": ("a", "np.sum(a) * np.array_equiv(a[:1], a[0])", (V5,), 0, None),
    # scores with a NaN pick elements of another array
    "np.nanargmax": ("a, s", "a[np.nanargmax(s)] ** 2 * np.sum(a)", (_vec(4), NAN), 0, None),
    "np.nanargmin": ("a, s", "np.sum(a * a[np.nanargmin(s)])", (_vec(4), NAN), 0, None),
}
