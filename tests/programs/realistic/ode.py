"""ODE integrators: explicit Euler, RK4 and Verlet, as a modeller fits or tunes them."""
import numpy as np

from .program import Program

rng = np.random.default_rng(1)


def decay_fit_loss(k, y0, t_obs, y_obs):
    """Explicit Euler for dy/dt = -k y, matched to observations by least squares."""
    dt = 0.05
    y = y0
    t = 0.0
    loss = 0.0
    j = 0
    for step in range(60):
        y = y + dt * (-k * y)
        t = t + dt
        if j < len(t_obs) and abs(t - t_obs[j]) < 1e-9:
            loss = loss + (y - y_obs[j]) ** 2
            j = j + 1
    return loss


def lotka_volterra(x, y, alpha, beta, delta, gamma):
    dx = alpha * x - beta * x * y
    dy = delta * x * y - gamma * y
    return dx, dy


def lotka_volterra_rk4(theta, x0, y0):
    """RK4 on the predator-prey equations, with the right-hand side returning a pair."""
    alpha, beta, delta, gamma = theta
    dt = 0.1
    x, y = x0, y0
    for _ in range(20):
        k1x, k1y = lotka_volterra(x, y, alpha, beta, delta, gamma)
        k2x, k2y = lotka_volterra(x + 0.5 * dt * k1x, y + 0.5 * dt * k1y,
                                  alpha, beta, delta, gamma)
        k3x, k3y = lotka_volterra(x + 0.5 * dt * k2x, y + 0.5 * dt * k2y,
                                  alpha, beta, delta, gamma)
        k4x, k4y = lotka_volterra(x + dt * k3x, y + dt * k3y, alpha, beta, delta, gamma)
        x = x + dt / 6 * (k1x + 2 * k2x + 2 * k3x + k4x)
        y = y + dt / 6 * (k1y + 2 * k2y + 2 * k3y + k4y)
    return x + 0.5 * y


def pendulum_rhs(state, length):
    g = 9.81
    return np.array([state[1], -g / length * np.sin(state[0]) - 0.1 * state[1]])


def pendulum_rk4(theta0, length):
    """A damped pendulum by RK4 on a state vector; the final angle."""
    state = np.array([theta0, 0.0])
    h = 0.02
    for _ in range(50):
        k1 = pendulum_rhs(state, length)
        k2 = pendulum_rhs(state + h / 2 * k1, length)
        k3 = pendulum_rhs(state + h / 2 * k2, length)
        k4 = pendulum_rhs(state + h * k3, length)
        state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return state[0]


def accelerations(pos, masses):
    acc = []
    for i in range(len(masses)):
        a = np.zeros(2)
        for j in range(len(masses)):
            if i != j:
                d = pos[j] - pos[i]
                r2 = d @ d + 0.01
                a = a + masses[j] * d / r2 ** 1.5
        acc.append(a)
    return np.array(acc)


def nbody_verlet(pos, vel, masses):
    """Velocity Verlet for a few gravitating bodies; accelerations gathered in a list."""
    dt = 0.01
    acc = accelerations(pos, masses)
    for _ in range(10):
        vel = vel + 0.5 * dt * acc
        pos = pos + dt * vel
        acc = accelerations(pos, masses)
        vel = vel + 0.5 * dt * acc
    kinetic = 0.5 * np.sum(masses[:, None] * vel ** 2)
    return kinetic + np.sum(pos[0] ** 2)


def sir_fit(beta, gamma, infected_obs):
    """An SIR epidemic by Euler steps, the infected fraction recorded each day in a list
    and compared with the observations."""
    s, i, r = 0.99, 0.01, 0.0
    predicted = []
    for day in range(len(infected_obs)):
        for _ in range(4):
            new_inf = beta * s * i
            new_rec = gamma * i
            s = s - 0.25 * new_inf
            i = i + 0.25 * (new_inf - new_rec)
            r = r + 0.25 * new_rec
        predicted.append(i)
    return sum((p - o) ** 2 for p, o in zip(predicted, infected_obs))


def damped_oscillator(omega, zeta):
    """Semi-implicit Euler with the right-hand side as a nested function closing over
    the parameters."""
    def rhs(x, v):
        return v, -2.0 * zeta * omega * v - omega ** 2 * x

    x, v = 1.0, 0.0
    dt = 0.01
    for _ in range(100):
        dx, dv = rhs(x, v)
        v = v + dt * dv
        x = x + dt * v
    return x * x + v * v


T_OBS = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
Y_OBS = 2.0 * np.exp(-0.7 * T_OBS) + 0.01 * rng.normal(size=5)
POS = rng.normal(size=(3, 2))
VEL = 0.1 * rng.normal(size=(3, 2))
MASSES = np.array([1.0, 0.5, 0.8])
INFECTED = np.array([0.012, 0.015, 0.018, 0.022, 0.026, 0.03])

PROGRAMS = [
    Program(decay_fit_loss, (0.6, 2.1, T_OBS, Y_OBS), (0, 1)),
    Program(lotka_volterra_rk4, (np.array([1.1, 0.4, 0.1, 0.4]), 2.0, 1.0), (0, 1, 2),
            ("tuple-returning helper", "array unpacking")),
    Program(pendulum_rk4, (0.4, 1.3), (0, 1)),
    Program(nbody_verlet, (POS, VEL, MASSES), (0, 1, 2), ("list append", "np.array(list)")),
    Program(sir_fit, (0.45, 0.2, INFECTED), (0, 1),
            ("list append", "generator expression", "zip")),
    Program(damped_oscillator, (2.0, 0.1), (0, 1), ("nested def", "tuple-returning helper")),
]
