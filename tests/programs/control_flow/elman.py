"""An Elman recurrent network: a realistic loop over time steps with matrix products."""
import numpy as np

from .data import anyv


def elman(x, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def elman_rows_loss(x, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for xt in x:
        h = np.tanh(xt @ Wx + h @ Wh + b)
        loss = loss + np.sum(h * h)
    return loss


T, D, H = 4, 3, 5
ELMAN_ARGS = (anyv(T, D), 0.5 * anyv(D, H), 0.5 * anyv(H, H), 0.3 * anyv(H))
