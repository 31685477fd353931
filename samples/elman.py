"""An Elman recurrent network learns to predict a sine wave, trained by back-propagation
through time that s2sad generates from the forward loop.

Seed 000's Elman network reads a sequence x_1 ... x_T and at each step computes

    h_t = tanh(W x_t + U h_{t-1} + b),   y_t = V . h_t,   L = sum_t 1/2 (y_t - z_t)^2

Here x_t = sin(0.3 t) and the target z_t = x_{t+1}: predict the next value of the wave.
`elman_loss` below is that loop, exactly as one would write it: the hidden state h is
overwritten at every step. The gradient of L needs every h_t again, in reverse order, so
the adjoint s2sad writes pushes h (and the output y, also overwritten) onto a stack in
the forward sweep and pops them in the backward sweep: back-propagation through time,
with no framework and no hand-written backward pass. The script prints those lines of
the adjoint, checks its gradient against central differences, and trains with it.

    python samples/elman.py
    s2sad samples/elman.py:elman_loss --wrt W,U,b,V \
        --args "np.ones(8), np.eye(8), np.ones(8), np.ones(8), np.ones(5), np.ones(5)"
"""
import numpy as np

import s2sad

HIDDEN, LENGTH = 8, 50
STEPS, RATE = 300, 0.004
PARAMETERS = ("W", "U", "b", "V")


def elman_loss(W: np.ndarray, U: np.ndarray, b: np.ndarray, V: np.ndarray,
               x: np.ndarray, z: np.ndarray):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(len(x)):
        h = np.tanh(W * x[t] + U @ h + b)
        y = V @ h
        loss += 0.5 * (y - z[t]) ** 2
    return loss


def sine_task():
    wave = np.sin(0.3 * np.arange(LENGTH + 1))
    return wave[:-1], wave[1:]


def initial_weights(seed=0):
    rng = np.random.default_rng(seed)
    return (0.5 * rng.normal(size=HIDDEN), 0.3 * rng.normal(size=(HIDDEN, HIDDEN)),
            np.zeros(HIDDEN), 0.5 * rng.normal(size=HIDDEN))


def central_differences(f, params, h=1e-6):
    """The gradient of f(*params) with respect to every entry of every parameter."""
    grads = []
    for k, p in enumerate(params):
        g = np.empty_like(p)
        for i in np.ndindex(p.shape):
            plus, minus = list(params), list(params)
            plus[k], minus[k] = p.copy(), p.copy()
            plus[k][i] += h
            minus[k][i] -= h
            g[i] = (f(*plus) - f(*minus)) / (2 * h)
        grads.append(g)
    return grads


def main():
    """Check the gradient at the initial weights, then train by gradient descent; return
    the losses, both gradients at the start, the trained weights and the adjoint."""
    x, z = sine_task()
    params = initial_weights()
    loss_and_grad = s2sad.value_and_grad(elman_loss, wrt=PARAMETERS)
    _, start_grads = loss_and_grad(*params, x, z)
    numeric = central_differences(lambda *p: elman_loss(*p, x, z), params)
    losses = []
    for step in range(STEPS + 1):
        loss, grads = loss_and_grad(*params, x, z)
        if step % 100 == 0:
            losses.append((step, loss))
        params = tuple(p - RATE * g for p, g in zip(params, grads))
    return {"x": x, "z": z, "losses": losses, "params": params, "grads": start_grads,
            "numeric": numeric, "adjoint": loss_and_grad.source}


def show(result):
    print(f"Elman network, {HIDDEN} hidden units, predicting sin(0.3 (t + 1)) from "
          f"sin(0.3 t), t < {LENGTH}\n")
    print("What the adjoint saves in the forward sweep and restores in the backward one:")
    for number, line in enumerate(result["adjoint"].splitlines(), 1):
        if "push(" in line or "pop()" in line:
            print(f"  line {number:2}: {line.strip()}")
    print("\ngradient at the initial weights, s2sad vs central differences:")
    for name, g, n in zip(PARAMETERS, result["grads"], result["numeric"]):
        print(f"  dL/d{name:2} largest |difference| {np.max(np.abs(g - n)):.1e}"
              f"  (largest entry {np.max(np.abs(g)):.2f})")
    print(f"\ngradient descent, step size {RATE}:")
    for step, loss in result["losses"]:
        print(f"  step {step:4d}  loss {loss:.6f}")
    first, last = result["losses"][0][1], result["losses"][-1][1]
    print(f"  the loss fell by a factor of {first / last:.0f}")


if __name__ == "__main__":
    show(main())
