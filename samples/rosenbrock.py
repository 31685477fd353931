"""The Rosenbrock function minimized by SciPy's BFGS with the gradient s2sad generates.

    f(x) = sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2

has its minimum f = 0 at x = (1, ..., 1), at the end of a long, curved, flat-bottomed
valley that makes it the classic test of an optimizer. Written with NumPy slices, its
gradient by hand is a small exercise in bookkeeping (each x_i appears in two terms);
s2sad derives it from the one-line function, and `jac=` hands it to BFGS.

With an exact gradient BFGS follows the valley to the minimum to about 1e-12. Without
`jac`, SciPy estimates each gradient by forward differences, n + 1 function values at a
time, whose rounding errors stop it short (about 1e-5 from the minimum, "precision
loss") after many more function evaluations.

    python samples/rosenbrock.py
"""
import numpy as np
from scipy.optimize import minimize

import s2sad

STARTS = {"2-D, from (-1.2, 1)": np.array([-1.2, 1.0]), "10-D, from 0": np.zeros(10)}


def rosenbrock(x: np.ndarray):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def main():
    """Minimize from each start with the s2sad gradient, and once without a gradient;
    return {start name: (SciPy result with jac, without)} and the gradient function."""
    gradient = s2sad.grad(rosenbrock)
    results = {}
    for name, x0 in STARTS.items():
        exact = minimize(rosenbrock, x0, jac=gradient, method="BFGS", options={"gtol": 1e-10})
        estimated = minimize(rosenbrock, x0, method="BFGS", options={"gtol": 1e-10})
        results[name] = (exact, estimated)
    return {"results": results, "gradient": gradient}


def show(result):
    print("BFGS on the Rosenbrock function; minimum at x = (1, ..., 1)\n")
    print(f"{'':22}{'gradient':>10}{'iterations':>12}{'f evals':>9}{'gradients':>11}"
          f"{'max |x - 1|':>13}")
    for name, (exact, estimated) in result["results"].items():
        for label, res in (("s2sad", exact), ("estimated", estimated)):
            print(f"{name:22}{label:>10}{res.nit:12d}{res.nfev:9d}{res.njev:11d}"
                  f"{np.max(np.abs(res.x - 1)):13.1e}")
            name = ""
    exact, estimated = result["results"]["10-D, from 0"]
    print(f"\n(with estimated gradients, each gradient costs n + 1 function values, and"
          f"\nSciPy stops with: {estimated.message})")
    print("\n10-D minimum found with the s2sad gradient:")
    print(np.array2string(exact.x, precision=12, max_line_width=88))


if __name__ == "__main__":
    show(main())
