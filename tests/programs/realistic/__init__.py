"""Realistic programs, written the way users write them (helpers that return two values,
lists built with append, dicts of parameters, methods), one module per field:

- ode.py: Euler, RK4 (Lotka-Volterra, a pendulum), velocity Verlet (N bodies), SIR;
- filters.py: Kalman filter likelihoods, exponential smoothing, an IIR filter;
- layers.py: MLP, attention, layer norm, RNN, logistic regression, a model's method;
- statistics.py: Gaussian-process, mixture, Poisson and Student-t likelihoods;
- physics.py: a spring-mass chain, the heat equation, a projectile with drag;
- general.py: enumerate, zip, dict.items(), keyword arguments, lambdas.

`PROGRAMS` lists each module's `Program` rows (program.py): the function, small example
arguments from a seeded generator, and what is differentiated. reference.py gives the
references (central differences leaf by leaf, the dual-number oracle) and verdict.py
judges s2sad against them; benchmarks/realistic.py prints the table of verdicts and
tests/end_to_end/test_realistic_programs.py keeps it honest.
"""
from . import filters, general, layers, ode, physics, statistics

PROGRAMS = (ode.PROGRAMS + filters.PROGRAMS + layers.PROGRAMS + statistics.PROGRAMS
            + physics.PROGRAMS + general.PROGRAMS)
