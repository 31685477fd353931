"""Machine-learning layers and losses, written the way a model is prototyped in NumPy."""
from dataclasses import dataclass

import numpy as np

from .program import Program

rng = np.random.default_rng(3)


def mlp_loss(params, x, y):
    """A two-layer perceptron with its weights in a dict, the mean squared error."""
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out - y) ** 2)


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_loss(Wq, Wk, Wv, x):
    """Single-head self-attention with a softmax helper over the last axis."""
    q = x @ Wq
    k = x @ Wk
    v = x @ Wv
    scores = q @ k.T / np.sqrt(q.shape[-1])
    weights = softmax(scores, axis=-1)
    return np.sum((weights @ v) ** 2)


def layer_norm_loss(x, gamma, beta, target):
    eps = 1e-5
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return np.sum(np.tanh(out) * target)


def rnn_loss(Wx, Wh, b, xs, ys):
    """An Elman RNN: hidden states kept in a list, then scored against the targets."""
    h = np.zeros(Wh.shape[0])
    states = []
    for x in xs:
        h = np.tanh(Wx @ x + Wh @ h + b)
        states.append(h)
    loss = 0.0
    for h, y in zip(states, ys):
        loss = loss + np.sum((h - y) ** 2)
    return loss / len(states)


@dataclass
class Hyper:
    l2: float
    temperature: float


def logistic_loss(w, X, y, hp):
    """Logistic regression with its hyperparameters in a dataclass."""
    z = X @ w / hp.temperature
    nll = np.mean(np.logaddexp(0.0, z) - y * z)
    return nll + hp.l2 * np.sum(w ** 2)


class LinearModel:
    """A model object: `loss` is what the user differentiates."""

    def __init__(self, scale):
        self.scale = scale

    def predict(self, w, x):
        return self.scale * np.tanh(x @ w)

    def loss(self, w, x, y):
        return np.mean((self.predict(w, x) - y) ** 2)


def model_loss(w, model, x, y):
    """A plain function calling a method of the model object it is given."""
    return np.mean((model.predict(w, x) - y) ** 2)


def moments(x):
    return np.mean(x, axis=0), np.var(x, axis=0)


def batch_norm_loss(x, gamma, beta, target):
    """Batch normalisation, its statistics from a helper that returns the pair."""
    mean, var = moments(x)
    out = gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
    return np.sum((out - target) ** 2)


def conv1d_loss(kernel, signal, target):
    """A valid 1-D convolution by a loop of dot products."""
    n = len(signal) - len(kernel) + 1
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.dot(kernel, signal[i:i + len(kernel)])
    return np.sum((out - target) ** 2)


def cross_entropy(W, x, labels):
    """Softmax cross-entropy over a batch, the true class picked by fancy indexing."""
    logits = x @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


def deep_mlp_loss(weights, biases, x, y):
    """A perceptron of any depth, its layers given as lists of arrays."""
    h = x
    for W, b in zip(weights[:-1], biases[:-1]):
        h = np.tanh(h @ W + b)
    out = h @ weights[-1] + biases[-1]
    return np.mean((out - y) ** 2)


def normal(*shape):
    return 0.5 * rng.normal(size=shape)


X4 = normal(6, 4)
PARAMS = {"W1": normal(4, 5), "b1": normal(5), "W2": normal(5, 2), "b2": normal(2)}
MODEL = LinearModel(0.7)
XS, YS = normal(5, 3), normal(5, 4)
LABELS = np.array([0, 2, 1, 1, 0, 2])

PROGRAMS = [
    Program(mlp_loss, (PARAMS, X4, normal(6, 2)), 0, ("dict of parameters",)),
    Program(attention_loss, (normal(4, 3), normal(4, 3), normal(4, 3), X4), (0, 1, 2),
            ("helper with keyword argument",)),
    Program(layer_norm_loss, (normal(3, 5), 1.0 + normal(5), normal(5), normal(3, 5)),
            (0, 1, 2), dual=False),
    Program(rnn_loss, (normal(4, 3), normal(4, 4), normal(4), XS, YS), (0, 1, 2),
            ("for over array rows", "list append", "zip")),
    Program(logistic_loss, (normal(4), X4, np.array([1.0, 0, 0, 1, 1, 0]), Hyper(0.1, 1.5)),
            (0, 3), ("dataclass",), dual=False),
    Program(MODEL.loss, (normal(4), X4, normal(6)), 0, ("bound method", "attribute")),
    Program(model_loss, (normal(4), MODEL, X4, normal(6)), 0, ("method call", "attribute")),
    Program(batch_norm_loss, (normal(6, 3), 1.0 + normal(3), normal(3), normal(6, 3)), (0, 1, 2),
            ("tuple-returning helper",), dual=False),
    Program(conv1d_loss, (normal(3), normal(10), normal(8)), (0, 1)),
    Program(cross_entropy, (normal(4, 3), X4, LABELS), 0),
    Program(deep_mlp_loss, ([normal(4, 5), normal(5, 5), normal(5, 2)],
                            [normal(5), normal(5), normal(2)], X4, normal(6, 2)), (0, 1),
            ("list of parameters", "zip")),
]
