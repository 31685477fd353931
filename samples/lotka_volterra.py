"""Fitting the Lotka–Volterra equations to data by gradient, through an RK4 integrator
whose right-hand side returns a tuple.

The model is written as a user writes it: `rates` returns the two derivatives as a pair,
`rk4_step` unpacks them four times, and `misfit` loops over the time steps. s2sad
differentiates the whole integration in reverse mode (the parameters are a dict), and
SciPy's L-BFGS-B fits them to noisy observations.

    python samples/lotka_volterra.py
"""
import numpy as np
from scipy.optimize import minimize

import s2sad


def rates(prey, predators, p):
    """The Lotka–Volterra right-hand side: births and predation, two values."""
    dprey = p["alpha"] * prey - p["beta"] * prey * predators
    dpredators = p["delta"] * prey * predators - p["gamma"] * predators
    return dprey, dpredators


def rk4_step(prey, predators, p, dt):
    k1x, k1y = rates(prey, predators, p)
    k2x, k2y = rates(prey + 0.5 * dt * k1x, predators + 0.5 * dt * k1y, p)
    k3x, k3y = rates(prey + 0.5 * dt * k2x, predators + 0.5 * dt * k2y, p)
    k4x, k4y = rates(prey + dt * k3x, predators + dt * k3y, p)
    prey = prey + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
    predators = predators + dt / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
    return prey, predators


def misfit(p, observed, dt, substeps):
    """Half the sum of squared differences between the integrated populations and the
    observations, one observation every `substeps` RK4 steps."""
    prey, predators = observed[0, 0], observed[0, 1]
    total = 0.0
    for k in range(1, observed.shape[0]):
        for j in range(substeps):
            prey, predators = rk4_step(prey, predators, p, dt)
        total = total + 0.5 * ((prey - observed[k, 0]) ** 2
                               + (predators - observed[k, 1]) ** 2)
    return total


TRUE = {"alpha": 1.1, "beta": 0.4, "gamma": 0.4, "delta": 0.1}


def observations(count=30, dt=0.05, substeps=4, noise=0.05, seed=0):
    """Populations integrated with the true parameters, noise added after the start."""
    rng = np.random.default_rng(seed)
    state = (10.0, 5.0)
    rows = [state]
    for k in range(1, count):
        for j in range(substeps):
            state = rk4_step(state[0], state[1], TRUE, dt)
        rows.append(state)
    observed = np.array(rows)
    observed[1:] += noise * rng.normal(size=(count - 1, 2))   # the start is known exactly
    return observed


def fit(start, observed, dt=0.05, substeps=4):
    vector, unravel = s2sad.ravel(start)
    value_and_grad = s2sad.value_and_grad(misfit)

    def fun(v):
        value, g = value_and_grad(unravel(v), observed, dt, substeps)
        return value, s2sad.ravel(g)[0]
    result = minimize(fun, vector, jac=True, method="L-BFGS-B",
                      bounds=[(1e-3, 5.0)] * len(vector))
    return unravel(result.x), result


def main():
    observed = observations()
    start = {"alpha": 0.8, "beta": 0.3, "gamma": 0.6, "delta": 0.15}
    fitted, result = fit(start, observed)
    print(f"misfit at the start: {misfit(start, observed, 0.05, 4):.4f}")
    print(f"misfit after {result.nit} L-BFGS-B iterations: {result.fun:.4f}")
    for name in TRUE:
        print(f"  {name:6s} true {TRUE[name]:.3f}  fitted {fitted[name]:.3f}")
    print()
    # the adjoint of the right-hand side alone: one cotangent per value it returns
    print(s2sad.source(rates, 10.0, 5.0, start, wrt=(0, 1, 2)))
    return {"start": start, "fitted": fitted, "observed": observed, "result": result}


if __name__ == "__main__":
    main()
