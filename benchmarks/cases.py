"""The benchmark cases: each function with its inputs, the arguments it is differentiated
with respect to, and its hand-written derivatives.

`small=True` gives the same functions on small inputs, for the test that checks the
hand-written gradients against s2sad's.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from benchmarks import by_hand, functions


@dataclass
class Case:
    label: str
    fn: Callable
    args: tuple
    wrt: tuple
    hand_gradient: Callable
    hand_tangent: Optional[Callable] = None
    # the same gradient by hand from a restructured computation, shown beside the floor
    hand_restructured: Optional[Callable] = None
    # the loops no plain NumPy gradient can batch, alone (not a gradient): a lower bound
    loops_alone: Optional[Callable] = None
    # whether the targets of report.py apply; the linear-algebra and FFT cases are
    # measured beside the peers without one (their hand gradients use identities the
    # program does not state: Parseval, tr(K⁻¹ dK))
    targeted: bool = True

    @property
    def scalar(self):
        """Scalar `math` code and Python loops: the tangent is measured too."""
        return self.hand_tangent is not None

    def seeds(self):
        """One tangent direction: a number or an array of each differentiated argument's
        shape."""
        rng = np.random.default_rng(7)
        return tuple(rng.uniform(0.5, 1.5) if isinstance(self.args[p], float)
                     else rng.uniform(0.5, 1.5, np.shape(self.args[p])) for p in self.wrt)


def cases(small=False):
    rng = np.random.default_rng(0)
    sizes = dict(trips=20, n=10, rosenbrock=20, rows=30, features=5, units=4, steps=5,
                 inputs=3, hidden=4, wide=6, outputs=2, points=8, signals=3,
                 samples=16) if small else \
        dict(trips=1000, n=1000, rosenbrock=10_000, rows=10_000, features=100, units=64,
             steps=50, inputs=8, hidden=32, wide=64, outputs=4, points=200, signals=64,
             samples=1024)
    s = sizes
    mlp_rows, mlp_inputs = (30, 3) if small else (1000, 10)
    return [
        Case("seed 000 f(x1, x2)", functions.griewank_walther, (1.5, 0.5), (0, 1),
             by_hand.griewank_walther_gradient, by_hand.griewank_walther_tangent),
        Case(f"logistic map, {s['trips']:,} trips", functions.logistic_map,
             (0.3, s["trips"]), (0,), by_hand.logistic_map_gradient,
             by_hand.logistic_map_tangent),
        Case(f"loop sum x[i]*x[i], n = {s['n']:,}", functions.loop_sum_of_squares,
             (rng.uniform(0.5, 1.5, s["n"]),), (0,), by_hand.loop_sum_of_squares_gradient,
             by_hand.loop_sum_of_squares_tangent),
        Case(f"Rosenbrock, n = {s['rosenbrock']:,}", functions.rosenbrock,
             (rng.uniform(0.0, 2.0, s["rosenbrock"]),), (0,), by_hand.rosenbrock_gradient,
             hand_restructured=by_hand.rosenbrock_restructured_gradient),
        Case(f"logistic NLL, {s['rows']:,} x {s['features']}", functions.logistic_nll,
             _logistic_data(rng, s["rows"], s["features"]), (0,),
             by_hand.logistic_nll_gradient),
        Case(f"MLP NLL, {mlp_rows:,} x {mlp_inputs}, {s['units']} tanh",
             functions.mlp_nll, _mlp_data(rng, mlp_rows, mlp_inputs, s["units"]),
             (0, 1, 2, 3), by_hand.mlp_nll_gradient),
        Case(f"Elman RNN, {s['steps']} steps, hidden {s['hidden']}", functions.elman,
             _elman_data(rng, s["steps"], s["inputs"], s["hidden"], s["outputs"]),
             (0, 1, 2, 3), by_hand.elman_gradient,
             hand_restructured=by_hand.elman_restructured_gradient,
             loops_alone=by_hand.elman_loops_alone),
        Case(f"Elman RNN, {s['steps']} steps, hidden {s['wide']}", functions.elman,
             _elman_data(np.random.default_rng(1), s["steps"], s["inputs"], s["wide"],
                         s["outputs"]),
             (0, 1, 2, 3), by_hand.elman_gradient,
             hand_restructured=by_hand.elman_restructured_gradient,
             loops_alone=by_hand.elman_loops_alone),
        Case(f"GP likelihood, {s['points']} points", functions.gp_nll,
             _gp_data(rng, s["points"]), (0,), by_hand.gp_nll_gradient, targeted=False),
        Case(f"FFT power spectrum, {s['signals']} x {s['samples']:,}",
             functions.power_spectrum_loss, _spectrum_data(rng, s["signals"], s["samples"]),
             (0,), by_hand.power_spectrum_loss_gradient, targeted=False),
    ]


def _logistic_data(rng, rows, features):
    X = rng.normal(size=(rows, features))
    w = rng.normal(size=features) / np.sqrt(features)
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-X @ w))).astype(float)
    return 0.5 * w, X, y


def _mlp_data(rng, rows, inputs, units):
    X = rng.normal(size=(rows, inputs))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    W = rng.normal(size=(inputs, units)) / np.sqrt(inputs)
    return W, 0.1 * rng.normal(size=units), rng.normal(size=units) / np.sqrt(units), 0.1, X, y


def _elman_data(rng, steps, inputs, hidden, outputs):
    W = rng.normal(size=(inputs, hidden)) / np.sqrt(inputs)
    U = 0.9 * rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
    b = 0.1 * rng.normal(size=hidden)
    V = rng.normal(size=(hidden, outputs)) / np.sqrt(hidden)
    x = rng.normal(size=(steps, inputs))
    z = rng.uniform(size=(steps, outputs))
    return W, U, b, V, x, z


def _gp_data(rng, points):
    X = rng.uniform(-2.0, 2.0, size=(points, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.1 * rng.normal(size=points)
    return np.log(np.array([0.8, 1.2, 0.05])), X, y


def _spectrum_data(rng, signals, samples):
    t = np.arange(samples) / samples
    x = np.sin(2 * np.pi * 5 * t) + 0.3 * rng.normal(size=(signals, samples))
    target = np.abs(np.fft.fft(np.sin(2 * np.pi * 4 * t))) ** 2
    return x, target
