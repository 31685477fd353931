"""Newton's method without the Hessian matrix: SciPy's trust-region Newton-CG fed with
s2sad's gradient and Hessian-vector product, against BFGS fed with the same gradient.

    python samples/newton.py

Needs SciPy (`pip install scipy`, or `pip install '.[test]'` from the repository).

A Newton step solves H p = -g. Newton-CG solves it by conjugate gradients, which only
ever ask for products H v, so the n x n Hessian is never formed: `s2sad.hvp(f)(x, v)`
computes H v by differentiating the generated gradient once more in forward mode, for a
few times the cost of the gradient, however large n is. BFGS instead builds an
approximation of the inverse Hessian from successive gradients, one rank-two update per
iteration, and needs many more iterations where the curvature changes along the way.

Two problems, each minimized from the same start by both methods:

- the chained Rosenbrock function in 100 dimensions, written with NumPy slices as in
  samples/rosenbrock.py, from the classic start (-1.2, 1, -1.2, 1, ...); its minimum
  f = 0 lies at x = (1, ..., 1) at the end of a long curved valley;
- an L2-regularised logistic regression on 500 synthetic points with 20 features, whose
  regularised loss is strictly convex: one minimum, where the gradient vanishes.

The table counts iterations, calls of the function, of its gradient and of the
Hessian-vector product (each counted by the callable SciPy is given), and shows the final
value, the gradient's norm and the wall time. The derivatives are generated and compiled
before the clock starts, so the times are those of the optimizers and the calls.

On the logistic loss, whose curvature barely changes, Newton-CG needs a handful of
iterations where BFGS needs dozens. On Rosenbrock both crawl along the valley and
Newton-CG saves only some of the iterations, paid for with several Hessian-vector
products each: exact curvature helps most where a quadratic model holds far.
"""
import time

import numpy as np
from scipy.optimize import minimize

import s2sad

N_ROSENBROCK = 100
ROWS, FEATURES, PENALTY = 500, 20, 1e-2
GTOL = 1e-8
METHODS = ("trust-ncg", "BFGS")


def rosenbrock(x: np.ndarray):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def regularised_nll(w: np.ndarray, X: np.ndarray, y: np.ndarray, penalty: float):
    """Mean negative log-likelihood of labels y in {0, 1} under P(y = 1) = sigmoid(X w),
    plus penalty/2 |w|^2."""
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y) + 0.5 * penalty * (w @ w)


def dataset(rows=ROWS, features=FEATURES, seed=0):
    """Standard normal features and labels drawn from a logistic model with random
    weights, so that the classes overlap."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    w = rng.normal(size=features) / np.sqrt(features) * 3.0
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-X @ w))).astype(float)
    return X, y


class Counted:
    """A callable that counts its calls: SciPy's own counters mix function and gradient
    calls differently from one method to the next."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args):
        self.calls += 1
        return self.fn(*args)


def problems():
    """{name: (f, x0, extra arguments)}."""
    X, y = dataset()
    classic = np.tile([-1.2, 1.0], N_ROSENBROCK // 2)
    return {f"Rosenbrock, n = {N_ROSENBROCK}": (rosenbrock, classic, ()),
            f"logistic, {ROWS} x {FEATURES}, L2 {PENALTY:g}":
                (regularised_nll, np.zeros(FEATURES), (X, y, PENALTY))}


def solve(f, x0, args, method):
    """Minimize f from x0 with one method; return SciPy's result and a row of the table."""
    gradient, product = s2sad.grad(f), s2sad.hvp(f)
    gradient(x0, *args), product(x0, *args, x0)  # generate and compile before timing
    calls = {"f": Counted(f), "gradient": Counted(gradient), "hvp": Counted(product)}
    newton = method == "trust-ncg"

    def hessp(x, v, *extra):  # SciPy passes the direction second, s2sad.hvp takes it last
        return calls["hvp"](x, *extra, v)
    start = time.perf_counter()
    result = minimize(calls["f"], x0, args=args, method=method, jac=calls["gradient"],
                      hessp=hessp if newton else None, options={"gtol": GTOL})
    seconds = time.perf_counter() - start
    row = {"method": method, "iterations": result.nit, "f": calls["f"].calls,
           "gradient": calls["gradient"].calls, "hvp": calls["hvp"].calls if newton else None,
           "value": result.fun, "|gradient|": np.linalg.norm(gradient(result.x, *args)),
           "seconds": seconds}
    return result, row


def main():
    """Both methods on both problems: {problem: {method: (SciPy result, table row)}}."""
    return {name: {method: solve(f, x0, args, method) for method in METHODS}
            for name, (f, x0, args) in problems().items()}


def show(found):
    header = (f"{'method':>10}{'iterations':>12}{'f':>7}{'gradient':>10}{'hvp':>7}"
              f"{'final f':>12}{'|gradient|':>12}{'seconds':>10}")
    for name, by_method in found.items():
        print(f"{name}\n{header}")
        for _, row in by_method.values():
            hvp = "-" if row["hvp"] is None else str(row["hvp"])
            print(f"{row['method']:>10}{row['iterations']:12d}{row['f']:7d}"
                  f"{row['gradient']:10d}{hvp:>7}{row['value']:12.3e}{row['|gradient|']:12.1e}"
                  f"{row['seconds']:10.3f}")
        newton, bfgs = (by_method[m][0] for m in METHODS)
        print(f"largest |x_trust-ncg - x_BFGS|: {np.max(np.abs(newton.x - bfgs.x)):.1e}\n")


if __name__ == "__main__":
    show(main())
