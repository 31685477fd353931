"""The Elman network of seed 000, h_t = tanh(x_t W + h_{t-1} U + b), y_t = sigmoid(h_t V),
L = 1/2 sum_t |y_t - z_t|^2, in the three forms the loop tests differentiate: as written
(a counting loop, which loop distribution batches), in a `while` loop (never distributed:
the reference for the batched derivatives), and with a `break` (kept as written)."""
import numpy as np


def network(rng, steps, inputs=3, hidden=4, outputs=2):
    """Weights W, U, b, V and a sequence x, z of `steps` rows."""
    return (rng.normal(size=(inputs, hidden)), 0.4 * rng.normal(size=(hidden, hidden)),
            rng.normal(size=hidden), rng.normal(size=(hidden, outputs)),
            rng.normal(size=(steps, inputs)), rng.normal(size=(steps, outputs)))


def elman(W, U, b, V, x, z):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U + b)
        y = 1.0 / (1.0 + np.exp(-(h @ V)))
        loss += 0.5 * np.sum((y - z[t]) ** 2)
    return loss


def elman_unbatched(W, U, b, V, x, z):
    h = np.zeros(U.shape[0])
    loss = 0.0
    t = 0
    while t < x.shape[0]:
        h = np.tanh(x[t] @ W + h @ U + b)
        y = 1.0 / (1.0 + np.exp(-(h @ V)))
        loss += 0.5 * np.sum((y - z[t]) ** 2)
        t += 1
    return loss


def elman_stopping(W, U, b, V, x, z):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U + b)
        y = 1.0 / (1.0 + np.exp(-(h @ V)))
        loss += 0.5 * np.sum((y - z[t]) ** 2)
        if loss > 1e6:
            break
    return loss
