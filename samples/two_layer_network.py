"""Seed 001's two-layer network: its negative log-likelihood, trained with s2sad gradients.

Seed 001 motivates AD with the loss of a tiny network on points x_i = (x_i1, x_i2):

    NLL(w0, W, X, y) = - sum_i log sigma((2 y_i - 1) sigma(sum_j w0_j sigma(x_i1 W_j1 + x_i2 W_j2)))

three sigmoid hidden units (weights W, 3 x 2), one sigmoid output (weights w0, 3), and a
gradient step W_11 <- W_11 - alpha dNLL/dW_11 for each of the nine weights. Working out
dNLL/dW_12 (the weight the notes underline) by hand is the chore AD removes: here the
loss is written once, `s2sad.value_and_grad` writes the rest, and central differences
confirm the underlined partial derivative.

Two features of the notes' model shape the data. No unit has a bias, so with
g(x) = sum_j w0_j sigma(W_j . x) the network is point-symmetric, g(-x) = sum(w0) - g(x):
the two moons below are centred so that one is the other turned half a turn. And the
output sigmoid squashes the score s into (0, 1) before the outer log sigma, so a point
of class 1 costs at least -log sigma(1) (s -> 1) and one of class 0 at least log 2
(s -> 0): the loss levels off well above zero even when every point is classified right.

    python samples/two_layer_network.py
"""
import numpy as np

import s2sad

STEPS, RATE = 2000, 0.05


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def nll(w0: np.ndarray, W: np.ndarray, X: np.ndarray, y: np.ndarray):
    hidden = sigmoid(X @ W.T)
    score = sigmoid(hidden @ w0)
    return -np.sum(np.log(sigmoid((2 * y - 1) * score)))


def predict(w0, W, X):
    """Class 1 where the output score is above 1/2."""
    return sigmoid(X @ W.T) @ w0 > 0


def two_moons(n=200, noise=0.1, seed=1):
    """Two interleaved half circles, centred at the origin (one is the other rotated by
    half a turn); labels 1 for the upper moon."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, np.pi, n)
    upper = rng.random(n) < 0.5
    arc = np.column_stack([np.cos(t), np.sin(t)]) - [0.5, 0.25]
    X = np.where(upper[:, None], arc, -arc) + noise * rng.normal(size=(n, 2))
    return X, upper.astype(float)


def central_difference(f, W, index, h=1e-6):
    plus, minus = W.copy(), W.copy()
    plus[index] += h
    minus[index] -= h
    return (f(plus) - f(minus)) / (plus[index] - minus[index])


def main():
    """Train from random weights; return the data, the losses every 500 steps, the
    weights before and after, and dNLL/dW_12 at the start by s2sad and by differences."""
    X, y = two_moons()
    rng = np.random.default_rng(0)
    w0, W = rng.normal(size=3), rng.normal(size=(3, 2))
    start = (w0.copy(), W.copy())
    loss_and_grad = s2sad.value_and_grad(nll, wrt=("w0", "W"))
    _, (_, dW) = loss_and_grad(w0, W, X, y)
    numeric = central_difference(lambda V: nll(w0, V, X, y), W, (0, 1))
    losses = []
    for step in range(STEPS + 1):
        loss, (dw0, dW_step) = loss_and_grad(w0, W, X, y)
        if step % 500 == 0:
            losses.append((step, loss, np.mean(predict(w0, W, X) == (y == 1))))
        w0, W = w0 - RATE * dw0, W - RATE * dW_step
    floor = -np.sum(np.log(sigmoid(np.where(y == 1, 1.0, 0.0))))
    return {"X": X, "y": y, "start": start, "end": (w0, W), "losses": losses,
            "floor": floor, "dW12": dW[0, 1], "dW12_numeric": numeric}


def show(result):
    y = result["y"]
    print(f"two moons: {len(y)} points; network 2 -> 3 sigmoids -> 1 sigmoid, no biases\n")
    print("dNLL/dW_12 at the random start:")
    print(f"  s2sad                       {result['dW12']:.12f}")
    print(f"  central differences (1e-6)  {result['dW12_numeric']:.12f}\n")
    print(f"gradient descent, step size {RATE}:")
    print(f"{'step':>6}{'NLL':>10}{'accuracy':>10}")
    for step, loss, acc in result["losses"]:
        print(f"{step:6d}{loss:10.3f}{acc:10.3f}")
    print(f"  (the loss cannot go below {result['floor']:.3f} with the notes' output sigmoid)")


if __name__ == "__main__":
    show(main())
