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


# ---------------------------------------------------------------- diff, gradient


def check_diff(gen):
    for shape in [(5,), (3, 4), (3, 4, 5)]:
        x = rand(*shape)
        check_vjp(gen("x", "np.diff(x) ** 2"), (x,), 0)
        for axis in axes_of(len(shape)):
            for n in (0, 1, 2, 3):
                check_vjp(gen("x", f"np.diff(x, {n}, {axis}) ** 2"), (x,), 0)
            check_vjp(gen("x", f"np.diff(x, axis={axis}) * 2.0"), (x,), 0)
    check_vjp(gen("x", "np.diff(x, n=2) * x[1:-1]"), (rand(5),), 0)


def check_gradient(gen):
    for order in (1, 2):
        for shape in [(5,), (3, 4), (4, 3, 5)]:
            x = rand(*shape)
            for axis in axes_of(len(shape)):
                check_vjp(gen("x", f"np.gradient(x, axis={axis}, edge_order={order}) ** 2"),
                          (x,), 0)
                check_vjp(gen("x, h", f"np.gradient(x, h, axis={axis}, edge_order={order})"
                              " * x"), (x, 0.3), (0, 1))
        check_vjp(gen("x", f"np.gradient(x, 0.5, edge_order={order}) ** 2"), (rand(6),), 0)
    check_vjp(gen("x", "np.gradient(x) ** 2"), (rand(2),), 0)
    check_vjp(gen("x, h", "np.gradient(x, h) ** 2"), (rand(4), 0.7), (0, 1))
    check_vjp(gen("x, h", "np.gradient(x * h, 2.0) * x"), (rand(5), 0.7), (0, 1))


def check_gradient_adjoint(gen):
    """The helper is linear in `g` (its adjoint is np.gradient): a second derivative."""
    for order in (1, 2):
        for shape, axis in (((5,), -1), ((3, 4), 0), ((3, 4), -1), ((4, 3, 5), 1)):
            x = rand(*shape)
            body = f"runtime.gradient_adjoint(x ** 2, 0.5, {axis}, {order}) * x"
            check_vjp(gen("x", body), (x,), 0)
    check_vjp(gen("x", "runtime.gradient_adjoint(x) ** 2"), (rand(5),), 0)


# ---------------------------------------------------------------- pad, append


def check_pad(gen):
    for mode in ("constant", "edge", "reflect", "symmetric", "wrap"):
        for shape in RANKS:
            x = rand(*shape)
            for width in ("1", "(1, 2)", "((2, 0),)", "[(1, 2)]"):
                check_vjp(gen("x", f"np.pad(x, {width}, mode='{mode}') ** 2"), (x,), 0)
        check_vjp(gen("x", f"np.pad(x, ((0, 1), (2, 3)), '{mode}') * 2.0"), (rand(3, 4),), 0)
        check_vjp(gen("x", f"np.pad(x, 5, '{mode}') ** 3"), (rand(2, 3),), 0)
    check_vjp(gen("x", "np.pad(x, 2) ** 2"), (rand(3, 4),), 0)
    check_vjp(gen("x", "np.pad(x, 1, constant_values=0.5) ** 2"), (rand(3, 4),), 0)
    check_vjp(gen("x", "np.pad(x, pad_width=(1, 0), constant_values=(1.0, 2.0)) ** 2"),
              (rand(3, 4),), 0)


def check_pad_adjoint(gen):
    """The helper is linear in `g` (its adjoint is np.pad): a second derivative."""
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        check_vjp(gen("x", f"runtime.pad_adjoint(x ** 2, ((1, 2),), '{mode}') * x[1:-2]"),
                  (rand(7),), 0)
        check_vjp(gen("x", f"runtime.pad_adjoint(x ** 2, ((0, 0), (2, 1)), '{mode}') ** 2"),
                  (rand(2, 6),), 0)


def check_append(gen):
    for shape in RANKS:
        x, y = rand(*shape), rand(*shape) * 2.0
        check_vjp(gen("x, y", "np.append(x, y) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.append(x, y * x) ** 2"), (x, y), 0)
        for axis in axes_of(len(shape)):
            other = list(shape)
            other[axis] = 2
            z = rand(*other)
            check_vjp(gen("x, z", f"np.append(x, z, axis={axis}) ** 2"), (x, z), (0, 1))
            check_vjp(gen("x, z", f"np.append(z, x, {axis}) ** 3"), (x, z), 1)
    check_vjp(gen("x, a", "np.append(x, a) ** 2"), (rand(3), 0.5), (0, 1))
    check_vjp(gen("x", "np.append(x, [1.0, 2.0]) ** 2"), (rand(2, 2),), 0)
    check_vjp(gen("x", "np.append(np.ones(2), x) ** 2"), (rand(3),), 0)


CASES = {
    "np.roll": check_roll,
    "np.rollaxis": check_rollaxis,
    "np.rot90": check_rot90,
    "np.repeat": lambda gen: check_repeat(gen, "np.repeat({}, {})"),
    ".repeat()": lambda gen: check_repeat(gen, "{}.repeat({})"),
    "np.tile": check_tile,
    "np.diff": check_diff,
    "np.gradient": check_gradient,
    "runtime.gradient_adjoint": check_gradient_adjoint,
    "np.pad": check_pad,
    "runtime.pad_adjoint": check_pad_adjoint,
    "np.append": check_append,
}

NONDIFF = {}
