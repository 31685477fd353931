"""Rule-table cases of the casts that keep or drop the derivative: `np.real_if_close`
(the identity on real input; s2sad/rules/indexing.py) and the casts to ints `np.int64`,
`np.int32` (an index: no derivative; s2sad/rules/elementwise.py), used as an index in
a loop and a helper as autograd's tests use them (`np.int64(W[:, -1])`).
"""
import numpy as np

from rulecheck import check_grad, check_vjp, rand


def _indexed(x, w):
    rows = np.int64(w[:, -1])
    return np.sum(x[rows] ** 2) + x[np.int32(w[0, 0])] * x[0]


def _indexed_in_loop(x, w):
    total = 0.0
    for k in range(2):
        total = total + _indexed(x * (k + 1.0), w)
    return total


def check_real_if_close(gen):
    check_vjp(gen("x", "np.real_if_close(np.sin(x)) * x"), (rand(2, 3),), 0)
    check_grad(gen("x", "sum(np.sum(np.real_if_close(x * k, tol=100)) ** 2 for k in (1, 2))"),
               (rand(4),))


W = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 2.0]])
NONDIFF = {
    "np.int64": ("x, w", "np.sum(x[np.int64(w[:, -1])] ** 2) + x[np.int64(w[0, 0])] * x[0]",
                 (rand(4), W), 0, None),
    "np.int32": ("x, w", "np.sum(x[np.int32(w[:, 1])] * x[:2]) + np.int32(x[0] * 3.0) * x[1]",
                 (rand(4), W), 0, None),
}


def check_int_casts():
    check_grad(_indexed, (rand(4), W))
    check_grad(_indexed_in_loop, (rand(4), W))


CASES = {"np.real_if_close": lambda gen: (check_real_if_close(gen), check_int_casts())}
