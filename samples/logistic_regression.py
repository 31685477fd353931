"""Logistic regression trained with s2sad gradients: by hand-written gradient descent,
and by SciPy's BFGS with the s2sad gradient as `jac`.

Seed 000 ends by training a logistic regression with hand-coded dual numbers. Here the
model is just its loss, written once in NumPy,

    NLL(w) = 1/n sum_i log(1 + exp(-s_i x_i.w)),   s_i = 2 y_i - 1 in {-1, +1},

and s2sad writes the gradient. The loss uses np.logaddexp(0, -m) rather than
-log(sigmoid(m)): the same number, but it neither overflows in exp nor takes log(0)
when a margin m is large, and its derivative is as stable (s2sad differentiates
logaddexp with its own rule, not through exp and log).

Both optimizers must reach the same minimum, where the gradient vanishes; BFGS gets
there in a few dozen gradient evaluations, gradient descent in a few hundred steps.

    python samples/logistic_regression.py
"""
import numpy as np
from scipy.optimize import minimize

import s2sad

W_TRUE = np.array([-0.5, 3.0, -2.0, 1.0])  # bias, then three feature weights
STEPS, RATE = 1000, 2.0


def nll(w: np.ndarray, X: np.ndarray, y: np.ndarray):
    """Mean negative log-likelihood of labels y in {0, 1} under P(y = 1) = sigmoid(X w)."""
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def dataset(n=500, seed=0):
    """Features: a column of ones, then standard normals; labels drawn from the model
    with weights W_TRUE, so the classes overlap and the minimum is finite."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, len(W_TRUE) - 1))])
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ W_TRUE))).astype(float)
    return X, y


def accuracy(w, X, y):
    return float(np.mean((X @ w > 0) == (y == 1)))


def gradient_descent(grad, w, X, y):
    for _ in range(STEPS):
        w = w - RATE * grad(w, X, y)
    return w


def main():
    """Train both ways from w = 0; return the data, the two solutions and SciPy's result."""
    X, y = dataset()
    grad = s2sad.grad(nll)
    w0 = np.zeros(X.shape[1])
    w_gd = gradient_descent(grad, w0, X, y)
    bfgs = minimize(nll, w0, args=(X, y), jac=grad, method="BFGS", options={"gtol": 1e-9})
    return {"X": X, "y": y, "w0": w0, "gd": w_gd, "bfgs": bfgs, "grad": grad}


def show(result):
    X, y, bfgs = result["X"], result["y"], result["bfgs"]
    print(f"{len(y)} points, {X.shape[1] - 1} features + bias; weights that drew the "
          f"labels: {W_TRUE}\n")
    print(f"{'':28}{'NLL':>10}{'accuracy':>10}   weights")
    for name, w in (("start, w = 0", result["w0"]),
                    (f"gradient descent, {STEPS} steps", result["gd"]),
                    (f"BFGS, {bfgs.njev} gradients", bfgs.x)):
        print(f"{name:28}{nll(w, X, y):10.6f}{accuracy(w, X, y):10.3f}   "
              f"{np.array2string(w, precision=3)}")
    worst = np.max(np.abs(result["grad"](bfgs.x, X, y)))
    print(f"\nlargest gradient component at the BFGS minimum: {worst:.1e}")


if __name__ == "__main__":
    show(main())
