"""Rule-table cases for the second batch of shape rows: rolls and turns
(s2sad/rules/rolls.py), repeats, differences, padding, picks and splits.

Each case calls `check_vjp`/`check_grad` (reverse mode against central differences,
forward and vector mode against reverse, float32 in and out) on small functions built
from source by the `gen` fixture, over several ranks and axes (negative ones too); a
nonlinear factor after the primitive catches an adjoint sent to the wrong element.
"""
import numpy as np

from rulecheck import check_grad, check_vjp, rand

RANKS = [(4,), (2, 3), (2, 3, 4)]


def axes_of(ndim):
    """Every axis of an array of rank `ndim`, also counted from the end."""
    return list(range(ndim)) + list(range(-ndim, 0))


# ---------------------------------------------------------------- roll, rollaxis, rot90


def check_roll(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "np.roll(x, 1) * x"), (x,), 0)
        check_vjp(gen("x", "np.roll(x, -2) ** 2"), (x,), 0)
        for axis in axes_of(len(shape)):
            check_vjp(gen("x", f"np.roll(x, 1, {axis}) * x"), (x,), 0)
            check_vjp(gen("x", f"np.roll(x, shift=-1, axis={axis}) ** 2"), (x,), 0)
    x = rand(2, 3, 4)
    check_vjp(gen("x", "np.roll(x, (1, -2), axis=(0, -1)) * x"), (x,), 0)
    check_vjp(gen("x, n", "np.roll(x, n, 1) * x"), (x, 2), 0)
    check_vjp(gen("x, n", "np.roll(x, n + 1) * x"), (x, 2), 0)


def check_rollaxis(gen):
    for shape in RANKS[1:]:
        x = rand(*shape)
        for axis in axes_of(len(shape)):
            for start in range(len(shape) + 1):
                check_vjp(gen("x", f"np.rollaxis(x, {axis}, {start}) ** 2"), (x,), 0)
            check_vjp(gen("x", f"np.rollaxis(x, axis={axis}) * 2.0"), (x,), 0)
    check_vjp(gen("x, y", "np.rollaxis(x, 2) * y"), (rand(2, 3, 4), rand(3)), (0, 1))


def check_rot90(gen):
    for shape in RANKS[1:]:
        x = rand(*shape)
        for k in (0, 1, 2, 3, -1, 5):
            check_vjp(gen("x", f"np.rot90(x, {k}) ** 3"), (x,), 0)
        check_vjp(gen("x", "np.rot90(x) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.rot90(x, 1, (1, 0)) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.rot90(x, k=-1, axes=(-1, -2)) ** 2"), (x,), 0)
    check_vjp(gen("x", "np.rot90(x, 1, (0, 2)) ** 2"), (rand(2, 3, 4),), 0)


# ---------------------------------------------------------------- repeat, tile


def check_repeat(gen, form):
    for shape in ([()] if form.startswith("np.") else []) + RANKS:
        x = rand(*shape) if shape else 0.7
        check_vjp(gen("x", form.format("x", "2") + " ** 2"), (x,), 0)
        check_vjp(gen("x, r", form.format("x", "r") + " * 2.0"), (x, 3), 0)
        for axis in axes_of(len(shape)):
            check_vjp(gen("x", form.format("x", f"3, {axis}") + " ** 2"), (x,), 0)
            check_vjp(gen("x", form.format("x", f"2, axis={axis}") + " ** 3"), (x,), 0)
    x = rand(2, 3)
    # a count per element, zero counts too: the copies are added with np.add.at
    check_vjp(gen("x, r", form.format("x", "r, 1") + " ** 2"), (x, np.array([2, 0, 3])), 0)
    check_vjp(gen("x, r", form.format("x", "r, -2") + " ** 2"), (x, np.array([1, 3])), 0)
    check_vjp(gen("x, r", form.format("x", "r") + " ** 2"), (x, np.array([1, 0, 2, 1, 3, 1])),
              0)
    check_vjp(gen("x, r", form.format("x", "r") + " ** 2"), (rand(4), np.array([1, 0, 2, 1])),
              0)
    check_vjp(gen("x", form.format("x", "[2, 1, 0]") + " ** 2"), (rand(3),), 0)


def check_tile(gen):
    for shape in [()] + RANKS:
        x = rand(*shape) if shape else 0.7
        for reps in ("2", "(2, 3)", "(1, 2)", "(2, 1, 1)", "(3, 1, 2, 1)", "1", "(1, 1)"):
            check_vjp(gen("x", f"np.tile(x, {reps}) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.tile(x, reps=2) * 3.0"), (x,), 0)


CASES = {
    "np.roll": check_roll,
    "np.rollaxis": check_rollaxis,
    "np.rot90": check_rot90,
    "np.repeat": lambda gen: check_repeat(gen, "np.repeat({}, {})"),
    ".repeat()": lambda gen: check_repeat(gen, "{}.repeat({})"),
    "np.tile": check_tile,
}

NONDIFF = {}
