"""Gradients (and, for the scalar benchmarks, tangents) written by hand: the floor that
generated code is measured against.

Each `*_gradient(args)` returns the gradient function for arguments shaped like `args`,
with its work arrays allocated once: the NumPy ones write temporaries into those buffers
(`out=`) and compute each weight gradient as one matrix product over the whole batch or
sequence, because on this machine a fresh large temporary costs page faults that can
take longer than the arithmetic. Only the returned gradients are new arrays.
Every function returns a tuple with one gradient per differentiated argument.
"""
import math

import numpy as np


def griewank_walther_gradient(args):
    def gradient(x1, x2):
        r = x1 / x2
        e = math.exp(x2)
        a = math.sin(r) + r - e
        b = r - e
        ab = b * (math.cos(r) + 1.0) + a
        return ab / x2, -ab * r / x2 - e * (a + b)
    return gradient


def griewank_walther_tangent(x1, x2, x1_dot, x2_dot):
    r = x1 / x2
    r_dot = (x1_dot - r * x2_dot) / x2
    e = math.exp(x2)
    e_dot = e * x2_dot
    a = math.sin(r) + r - e
    b = r - e
    a_dot = (math.cos(r) + 1.0) * r_dot - e_dot
    return a * b, a_dot * b + a * (r_dot - e_dot)


def logistic_map_gradient(args):
    """One input, one output: the derivative rides along the forward loop."""
    def gradient(x, n):
        return (logistic_map_tangent(x, n, 1.0)[1],)
    return gradient


def logistic_map_tangent(x, n, x_dot):
    for i in range(n):
        x_dot = 3.9 * (1.0 - 2.0 * x) * x_dot
        x = 3.9 * x * (1.0 - x)
    return x, x_dot


def loop_sum_of_squares_gradient(args):
    """The same loop as the function, writing 2 x_i into a new array."""
    def gradient(x):
        g = np.empty_like(x)
        for i in range(len(x)):
            g[i] = 2.0 * x[i]
        return (g,)
    return gradient


def loop_sum_of_squares_tangent(x, x_dot):
    s, s_dot = 0.0, 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
        s_dot += 2.0 * x[i] * x_dot[i]
    return s, s_dot


def rosenbrock_gradient(args):
    """Each term of the sum differentiated as written, the form of SciPy's `rosen_der`:
    g_i = 200 d_{i-1} - 400 x_i d_i - 2 (1 - x_i), with d_i = x_{i+1} - x_i^2."""
    def terms(d, head, t, u):
        np.multiply(d, -400.0, out=t)
        np.multiply(t, head, out=t)
        np.subtract(1.0, head, out=u)
        np.multiply(u, 2.0, out=u)
        np.subtract(t, u, out=t)
    return _rosenbrock(args, terms)


def rosenbrock_restructured_gradient(args):
    """The two terms' contributions to g_i merged into one polynomial in x_i,
    g_i = 200 d_{i-1} + x_i (2 - 400 d_i) - 2: one pass fewer than the terms as written."""
    def merged(d, head, t, u):
        np.multiply(d, -400.0, out=t)
        np.add(t, 2.0, out=t)
        np.multiply(t, head, out=t)
        np.subtract(t, 2.0, out=t)
    return _rosenbrock(args, merged)


def _rosenbrock(args, rest):
    """The Rosenbrock gradient with d_i and the 200 d_{i-1} part computed into buffers;
    `rest(d, head, t, u)` writes the other part of g_i, i < n - 1, into `t`."""
    n = len(args[0])
    d, t, u = np.empty(n - 1), np.empty(n - 1), np.empty(n - 1)

    def gradient(x):
        head = x[:-1]
        np.multiply(head, head, out=t)
        np.subtract(x[1:], t, out=d)
        g = np.empty(n)
        g[0] = 0.0
        np.multiply(d, 200.0, out=g[1:])
        rest(d, head, t, u)
        g[:-1] += t
        return (g,)
    return gradient


def logistic_nll_gradient(args):
    """dL/dw = -1/n X^T (s / (1 + exp(s Xw))), with s = 2y - 1."""
    w, X, y = args
    s, t = np.empty(len(y)), np.empty(len(y))

    def gradient(w, X, y):
        np.multiply(y, 2.0, out=s)
        np.subtract(s, 1.0, out=s)
        np.matmul(X, w, out=t)
        np.multiply(t, s, out=t)
        np.exp(t, out=t)
        np.add(t, 1.0, out=t)
        np.divide(s, t, out=t)
        g = t @ X
        g *= -1.0 / len(y)
        return (g,)
    return gradient


def mlp_nll_gradient(args):
    """Back-propagation through the two layers, batched over the data points."""
    W, b, v, c, X, y = args
    n, units = X.shape[0], W.shape[1]
    hidden, delta = np.empty((n, units)), np.empty((n, units))
    s, g = np.empty(n), np.empty(n)

    def gradient(W, b, v, c, X, y):
        np.matmul(X, W, out=hidden)
        np.add(hidden, b, out=hidden)
        np.tanh(hidden, out=hidden)
        np.multiply(y, 2.0, out=s)
        np.subtract(s, 1.0, out=s)
        np.matmul(hidden, v, out=g)
        np.add(g, c, out=g)
        np.multiply(g, s, out=g)
        np.exp(g, out=g)
        np.add(g, 1.0, out=g)
        np.divide(s, g, out=g)
        np.negative(g, out=g)
        np.multiply(hidden, hidden, out=delta)
        np.subtract(1.0, delta, out=delta)
        np.multiply(delta, v, out=delta)
        np.multiply(delta, g[:, None], out=delta)
        return X.T @ delta, delta.sum(axis=0), g @ hidden, float(g.sum())
    return gradient


def elman_gradient(args):
    """Back-propagation through time as the function is written, step by step: the
    forward loop keeps the states and outputs in arrays allocated once, the backward loop
    runs the steps in reverse, and each weight gradient is one matrix product over the
    sequence."""
    W, U, b, V, x, z = args
    steps, units, outputs = x.shape[0], U.shape[0], V.shape[1]
    states = np.zeros((steps + 1, units))
    ys, dzs = np.empty((steps, outputs)), np.empty((steps, outputs))
    deltas = np.empty((steps, units))
    carry = np.empty(units)

    def gradient(W, U, b, V, x, z):
        for t in range(steps):
            h = states[t + 1]
            np.matmul(x[t], W, out=h)
            h += states[t] @ U
            h += b
            np.tanh(h, out=h)
            y = ys[t]
            np.matmul(h, V, out=y)
            np.negative(y, out=y)
            np.exp(y, out=y)
            y += 1.0
            np.divide(1.0, y, out=y)
        carry[:] = 0.0
        for t in range(steps - 1, -1, -1):
            y, dz, delta, h = ys[t], dzs[t], deltas[t], states[t + 1]
            np.subtract(y, z[t], out=dz)
            dz *= y
            dz *= 1.0 - y
            np.matmul(V, dz, out=delta)
            delta += carry
            delta *= 1.0 - h * h
            np.matmul(U, delta, out=carry)
        return x.T @ deltas, states[:-1].T @ deltas, deltas.sum(axis=0), states[1:].T @ dzs
    return gradient


def elman_restructured_gradient(args):
    """The same gradient from a restructured computation: the input and output layers
    batched over the whole sequence (one matrix product each), only the recurrence step
    by step. Its loops do 3 NumPy operations per step where the function's does 12, so it
    costs less than the function itself; shown beside the floor, not as the floor."""
    W, U, b, V, x, z = args
    steps, units = x.shape[0], U.shape[0]
    states = np.zeros((steps + 1, units))
    delta = np.empty((steps, units))
    carry = np.empty(units)

    def gradient(W, U, b, V, x, z):
        np.matmul(x, W, out=delta)
        np.add(delta, b, out=delta)
        for t in range(steps):
            row = states[t + 1]
            np.matmul(states[t], U, out=row)
            row += delta[t]
            np.tanh(row, out=row)
        y = 1.0 / (1.0 + np.exp(-(states[1:] @ V)))
        dz = (y - z) * y * (1.0 - y)
        V_bar = states[1:].T @ dz
        np.matmul(dz, V.T, out=delta)
        np.multiply(delta, 1.0 - states[1:] * states[1:], out=delta)
        for t in range(steps - 1, 0, -1):
            np.matmul(U, delta[t], out=carry)
            np.multiply(carry, 1.0 - states[t] * states[t], out=carry)
            delta[t - 1] += carry
        return x.T @ delta, states[:-1].T @ delta, delta.sum(axis=0), V_bar
    return gradient


def elman_loops_alone(args):
    """What no plain NumPy gradient of the network can batch: the recurrence's two loops,
    step by step, with everything else (the input and output layers, tanh's derivative
    1 - h², the weight products) computed beforehand from the function's own states.
    Forward a product, a sum and tanh a step; backward a sum, a multiply and a product.
    Not a gradient: its time is a lower bound on any gradient in NumPy that runs the
    recurrence step by step. It returns the input layer's adjoints, `x.T @` which is W's
    gradient, so a test can check it is the real computation."""
    W, U, b, V, x, z = args
    steps, units = x.shape[0], U.shape[0]
    inputs = x @ W + b
    states = np.zeros((steps + 1, units))
    for t in range(steps):
        states[t + 1] = np.tanh(inputs[t] + states[t] @ U)
    y = 1.0 / (1.0 + np.exp(-(states[1:] @ V)))
    outer = ((y - z) * y * (1.0 - y)) @ V.T
    slope = 1.0 - states[1:] * states[1:]
    delta = np.empty((steps, units))
    carry = np.empty(units)

    def loops(W, U, b, V, x, z):
        for t in range(steps):
            row = states[t + 1]
            np.matmul(states[t], U, out=row)
            row += inputs[t]
            np.tanh(row, out=row)
        carry[:] = 0.0
        for t in range(steps - 1, -1, -1):
            row = delta[t]
            np.add(outer[t], carry, out=row)
            row *= slope[t]
            np.matmul(U, row, out=carry)
        return delta
    return loops


def gp_nll_gradient(args):
    """dNLL/dθ = 1/2 tr((K⁻¹ - α αᵀ) dK/dθ) with α = K⁻¹ y, K⁻¹ from the Cholesky factor;
    dK/dθ of each log-parameter is a multiple of the kernel's parts."""
    log_params, X, y = args
    squared = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    eye = np.eye(len(y))

    def gradient(log_params, X, y):
        length, signal, noise = np.exp(log_params)
        kernel = signal * np.exp(-0.5 * squared / length ** 2)
        L = np.linalg.cholesky(kernel + noise * eye)
        L_inv = np.linalg.solve(L, eye)
        K_inv = L_inv.T @ L_inv
        alpha = K_inv @ y
        W = K_inv - np.outer(alpha, alpha)
        return (0.5 * np.array([np.sum(W * kernel * squared) / length ** 2,
                                np.sum(W * kernel), noise * np.trace(W)]),)
    return gradient


def power_spectrum_loss_gradient(args):
    """With X = fft(x) and g = 2 (|X|² - target) / size, the gradient is 2 Re(fft(g X̄))
    (the DFT matrix is symmetric)."""
    def gradient(x, target):
        X = np.fft.fft(x, axis=-1)
        g = (X.real ** 2 + X.imag ** 2 - target) * (2.0 / x.size)
        return (2.0 * np.fft.fft(g * np.conj(X), axis=-1).real,)
    return gradient
