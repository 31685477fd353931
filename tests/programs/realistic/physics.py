"""Physics and engineering simulations with a differentiable design parameter."""
import math

import numpy as np

from .program import Program

rng = np.random.default_rng(5)


def spring_chain_energy(k, m, x0):
    """A chain of masses joined by springs, fixed at both ends, by symplectic Euler; the
    energy of the last mass at the end."""
    x = x0.copy()
    v = np.zeros_like(x0)
    dt = 0.02
    for _ in range(40):
        padded = np.concatenate([np.zeros(1), x, np.zeros(1)])
        force = k * (padded[2:] - 2 * padded[1:-1] + padded[:-2])
        v = v + dt * force / m
        x = x + dt * v
    return 0.5 * m * v[-1] ** 2 + 0.5 * k * x[-1] ** 2


def heat_step_loss(u0, kappa, target):
    """Explicit finite differences for u_t = kappa u_xx with fixed ends."""
    u = u0
    r = kappa * 0.2
    for _ in range(15):
        interior = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = np.concatenate([u[:1], interior, u[-1:]])
    return np.sum((u - target) ** 2)


def drag_acceleration(vx, vy, drag):
    speed = math.sqrt(vx * vx + vy * vy)
    return -drag * speed * vx, -9.81 - drag * speed * vy


def projectile_distance(v0, angle, drag):
    """A projectile with quadratic drag; the acceleration comes from a pair-returning
    helper; the horizontal distance after two seconds."""
    vx, vy = v0 * math.cos(angle), v0 * math.sin(angle)
    x, y = 0.0, 0.0
    dt = 0.02
    for _ in range(100):
        ax, ay = drag_acceleration(vx, vy, drag)
        vx, vy = vx + dt * ax, vy + dt * ay
        x, y = x + dt * vx, y + dt * vy
    return x


def rod_temperature(conductivities, source):
    """Steady heat conduction in a layered rod: the temperature at its middle, from a
    tridiagonal system solved by the Thomas algorithm written out."""
    n = len(source)
    lower = -conductivities[:-1]
    upper = -conductivities[1:]
    diag = conductivities[:-1] + conductivities[1:]
    c = np.zeros(n)
    d = np.zeros(n)
    c[0] = upper[0] / diag[0]
    d[0] = source[0] / diag[0]
    for i in range(1, n):
        denom = diag[i] - lower[i] * c[i - 1]
        c[i] = upper[i] / denom
        d[i] = (source[i] - lower[i] * d[i - 1]) / denom
    t = np.zeros(n)
    t[n - 1] = d[n - 1]
    for i in range(n - 2, -1, -1):
        t[i] = d[i] - c[i] * t[i + 1]
    return t[n // 2]


GRID = np.linspace(0.0, 1.0, 9)

PROGRAMS = [
    Program(spring_chain_energy, (3.0, 0.8, 0.1 * rng.normal(size=5)), (0, 1, 2)),
    Program(heat_step_loss, (np.sin(np.pi * GRID), 0.9, 0.5 * np.sin(np.pi * GRID)), (0, 1)),
    Program(projectile_distance, (20.0, 0.7, 0.01), (0, 1, 2),
            ("tuple-returning helper",)),
    Program(rod_temperature, (1.0 + rng.uniform(size=7), rng.uniform(0.5, 1.0, size=6)),
            (0, 1)),
]
