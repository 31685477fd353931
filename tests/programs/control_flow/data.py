"""The inputs of the control-flow table: they keep every branch and trip count fixed under
a 1e-6 perturbation. They come from one seeded stream, drawn from in the order of the
table (the package imports its modules in that order), so every test module sees the same
arrays whichever imports them first."""
import numpy as np

rng = np.random.default_rng(20240611)


def anyv(*shape):
    return rng.uniform(-1.0, 1.0, shape)


def pos(*shape):
    return rng.uniform(0.5, 1.5, shape)


A = np.array
MIXED = A([0.7, -0.3, 1.2, -0.9, 0.4])
