"""Rule-table cases for the shape, join, cast and constructor rows (s2sad/rules/shapes.py).

Each case calls `check_vjp`/`check_grad` (reverse mode against central differences,
forward and vector mode against reverse, float32 in and out) on small functions built
from source by the `gen` fixture, over ranks 1 to 3 and every axis variant. Functions
return arrays as the primitive leaves them, times a nonlinear factor where that helps
catch an adjoint sent to the wrong element.
"""
import itertools

import numpy as np

from rulecheck import check_grad, check_vjp, rand


def arg(*shape, low=-1.0, high=1.0, seed=0):
    """A random float array, or a float for shape ()."""
    value = np.random.default_rng(seed + len(shape)).uniform(low, high, shape)
    return float(value) if not shape else value


RANKS = [(4,), (2, 3), (2, 3, 4)]


def axes_of(ndim):
    """Every axis of an array of rank `ndim`, also counted from the end."""
    return list(range(ndim)) + list(range(-ndim, 0))


# ---------------------------------------------------------------- reshapes


def check_reshape(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "np.reshape(x, (-1,)) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.reshape(x, -1) * 2.0"), (x,), 0)
        check_vjp(gen("x", "np.sin(np.reshape(x, (2, -1)))"), (x,), 0)
        check_vjp(gen("x", "np.reshape(x, (2, 1, -1)) ** 3"), (x,), 0)
    x, y = rand(2, 3), rand(3, 2)
    check_vjp(gen("x, y", "np.reshape(x, y.shape) * y"), (x, y), (0, 1))
    check_vjp(gen("x, y", "np.reshape(x, np.shape(y)) * y"), (x, y), (0, 1))
    check_vjp(gen("x, n", "np.reshape(x, (n, -1)) ** 2"), (rand(2, 3, 2), 3), 0)
    check_vjp(gen("x, n", "np.reshape(x, n) ** 2"), (rand(2, 3), 6), 0)
    check_vjp(gen("x", "np.reshape(x, shape=(3, 2)) ** 2"), (x,), 0)
    check_vjp(gen("x", "np.reshape(x, (3, 2), order='C') ** 2"), (x,), 0)
    check_grad(gen("s", "np.sum(np.reshape(s, (1, 1)) * s)"), (0.7,))


def check_method_reshape(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "x.reshape(-1) ** 2"), (x,), 0)
        check_vjp(gen("x", "x.reshape(2, -1) ** 2"), (x,), 0)
        check_vjp(gen("x", "x.reshape((2, -1)) ** 2"), (x,), 0)
        check_vjp(gen("x", "x.reshape([-1, 2]) ** 2"), (x,), 0)
        check_vjp(gen("x", "x.reshape(1, 2, -1) ** 3"), (x,), 0)
    check_vjp(gen("x, y", "x.reshape(y.shape) * y"), (rand(6), rand(2, 3)), (0, 1))
    check_vjp(gen("x, n", "x.reshape(n, -1, order='C') ** 2"), (rand(6), 2), 0)


def check_ravel(gen, form):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", form.format("x") + " ** 2"), (x,), 0)
        check_grad(gen("x", f"np.sum(np.cos({form.format('x')}) * np.arange(x.size))"), (x,))
    check_vjp(gen("x", form.format("x.T") + " * 3.0"), (rand(2, 3),), 0)


# ---------------------------------------------------------------- axis permutations


def check_transpose(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "np.transpose(x) ** 2"), (x,), 0)
        for axes in itertools.permutations(range(len(shape))):
            check_vjp(gen("x", f"np.transpose(x, {axes}) ** 2"), (x,), 0)
            check_vjp(gen("x", f"np.transpose(x, axes={axes}) * 2.0"), (x,), 0)
    x = rand(2, 3, 4)
    check_vjp(gen("x", "np.transpose(x, (-1, 0, -2)) ** 2"), (x,), 0)
    check_vjp(gen("x, y", "np.transpose(x) * y"), (x, rand(4, 3, 2)), (0, 1))
    check_vjp(gen("x, y", "np.transpose(x, (1, 2, 0)) * y"), (x, rand(2)), (0, 1))


def check_method_transpose(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "x.transpose() ** 2"), (x,), 0)
        for axes in itertools.permutations(range(len(shape))):
            check_vjp(gen("x", f"x.transpose{axes} ** 2" if len(axes) > 1 else
                          f"x.transpose({axes[0]}) ** 2"), (x,), 0)
            check_vjp(gen("x", f"x.transpose({axes}) ** 2"), (x,), 0)
    check_vjp(gen("x", "x.transpose(-1, 0, 1) ** 2"), (rand(2, 3, 4),), 0)


def check_swapaxes(gen, form):
    for shape in RANKS:
        x = rand(*shape)
        for i, j in itertools.product(axes_of(len(shape)), repeat=2):
            check_vjp(gen("x", form.format(i, j) + " ** 2"), (x,), 0)
    check_vjp(gen("x, y", form.format(0, 1) + " * y"), (rand(2, 3), rand(2)), (0, 1))


def check_moveaxis(gen):
    for shape in RANKS:
        x = rand(*shape)
        for i, j in itertools.product(axes_of(len(shape)), repeat=2):
            check_vjp(gen("x", f"np.moveaxis(x, {i}, {j}) ** 2"), (x,), 0)
    x = rand(2, 3, 4)
    for source, destination in (((0, 1), (2, 0)), ((0, -1), (-1, 0)), ((2,), (0,))):
        check_vjp(gen("x", f"np.moveaxis(x, {source}, {destination}) ** 2"), (x,), 0)
        check_vjp(gen("x", f"np.moveaxis(x, source={source}, destination={destination}) * 2.0"),
                  (x,), 0)


# ---------------------------------------------------------------- squeeze, expand_dims


def check_squeeze(gen, form):
    for shape in ((1, 3), (3, 1), (2, 1, 3), (1, 2, 1, 3, 1)):
        x = rand(*shape)
        check_vjp(gen("x", form.format("x", "") + " ** 2"), (x,), 0)
        for axis in [a for a in axes_of(len(shape)) if shape[a] == 1]:
            check_vjp(gen("x", form.format("x", f"{axis}") + " ** 2"), (x,), 0)
            check_vjp(gen("x", form.format("x", f"axis={axis}") + " * 2.0"), (x,), 0)
    x = rand(1, 2, 1, 3, 1)
    check_vjp(gen("x", form.format("x", "(0, 2)") + " ** 2"), (x,), 0)
    check_vjp(gen("x", form.format("x", "axis=(0, -1)") + " ** 2"), (x,), 0)
    check_vjp(gen("x, y", form.format("x", "0") + " * y"), (rand(1, 3), rand(2, 1)), (0, 1))


def check_expand_dims(gen):
    for shape in [()] + RANKS:
        x = arg(*shape)
        ndim = len(shape)
        for axis in list(range(ndim + 1)) + list(range(-ndim - 1, 0)):
            check_vjp(gen("x", f"np.expand_dims(x, {axis}) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.expand_dims(x, axis=(0, 1)) * 3.0"), (x,), 0)
        check_vjp(gen("x", "np.expand_dims(x, (-1, 0)) ** 2"), (x,), 0)
        if ndim:
            check_vjp(gen("x", "np.expand_dims(x, (0, 2)) * x"), (x,), 0)
    check_vjp(gen("x, y", "np.expand_dims(x, 1) * y"), (rand(3), rand(4)), (0, 1))


# ---------------------------------------------------------------- atleast_1d, 2d, 3d


def check_atleast(gen, rank):
    for shape in [()] + RANKS:
        x = arg(*shape)
        check_vjp(gen("x", f"np.atleast_{rank}d(x) ** 2"), (x,), 0)
        check_vjp(gen("x", f"np.sum(np.atleast_{rank}d(x * 2.0)) * x"), (x,), 0)
    check_vjp(gen("x, y", f"np.atleast_{rank}d(x) * y"), (rand(3), rand(3)), (0, 1))


# ---------------------------------------------------------------- broadcast_to


def check_broadcast_to(gen):
    for shape, target in (((3,), (2, 3)), ((2, 1), (2, 3)), ((1, 3, 1), (2, 3, 4)),
                          ((4,), (2, 3, 4)), ((2, 3), (2, 3)), ((), (2, 3))):
        x = arg(*shape)
        check_vjp(gen("x", f"np.broadcast_to(x, {target}) ** 2"), (x,), 0)
        check_vjp(gen("x", f"np.broadcast_to(x, shape={target}) * 2.0"), (x,), 0)
    check_vjp(gen("x, y", "np.broadcast_to(x, y.shape) * y"), (rand(3), rand(2, 3)), (0, 1))
    check_vjp(gen("x, n", "np.broadcast_to(x, n) * x"), (rand(1), 3), 0)
    check_vjp(gen("x, n", "np.broadcast_to(x, (n, 3)) ** 2"), (rand(3), 2), 0)


# ---------------------------------------------------------------- flips


def check_flip(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x", "np.flip(x) * x"), (x,), 0)
        for axis in axes_of(len(shape)):
            check_vjp(gen("x", f"np.flip(x, {axis}) * x"), (x,), 0)
            check_vjp(gen("x", f"np.flip(x, axis={axis}) ** 2"), (x,), 0)
    check_vjp(gen("x", "np.flip(x, (0, -1)) * x"), (rand(2, 3),), 0)
    check_vjp(gen("x", "np.flip(x, (2, 0)) * x"), (rand(2, 3, 4),), 0)
    check_vjp(gen("x", "np.flip(x, (-1, -2)) * x"), (rand(2, 3, 4),), 0)


def check_fliplr_ud(gen, function):
    for shape in RANKS[1:] if function == "fliplr" else RANKS:
        x = rand(*shape)
        check_vjp(gen("x", f"np.{function}(x) * x"), (x,), 0)
    check_vjp(gen("x, y", f"np.{function}(x) * y"), (rand(2, 3), rand(3)), (0, 1))


# ---------------------------------------------------------------- joins


def check_concatenate(gen):
    for shape in RANKS:
        x, y = rand(*shape), rand(*shape) * 2.0
        check_vjp(gen("x, y", "np.concatenate([x, y]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.concatenate((x, y, x)) * 3.0"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.concatenate([x, y], axis=None) ** 2"), (x, y), (0, 1))
        for axis in axes_of(len(shape)):
            other = list(shape)
            other[axis] = 1
            z = rand(*other)
            check_vjp(gen("x, z", f"np.concatenate([x, z, x], axis={axis}) ** 2"), (x, z),
                      (0, 1))
            check_vjp(gen("x, z", f"np.concatenate([z, x], {axis}) ** 2"), (x, z), 1)
    # a constant operand, and operands of different shapes
    check_vjp(gen("x", "np.concatenate([x, np.ones(2)]) ** 2"), (rand(3),), 0)
    check_vjp(gen("x, y", "np.concatenate([x, y], axis=None) ** 2"), (rand(2, 3), rand(4)),
              (0, 1))


def check_stack(gen):
    for shape in [()] + RANKS[:2]:
        x, y = arg(*shape, seed=1), arg(*shape, seed=2)
        check_vjp(gen("x, y", "np.stack([x, y]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.stack((x, y, x), 0) * 3.0"), (x, y), (0, 1))
        for axis in list(range(len(shape) + 1)) + list(range(-len(shape) - 1, 0)):
            check_vjp(gen("x, y", f"np.stack([x, y, x], axis={axis}) ** 2"), (x, y), (0, 1))
    check_vjp(gen("x", "np.stack([x, np.ones(3)], axis=1) ** 2"), (rand(3),), 0)
    check_vjp(gen("x, y", "np.stack([x, y], axis=1) * y[:, None]"), (rand(3), rand(3)), (0, 1))


def check_hstack(gen):
    _one_array(gen, "hstack")
    for shapes in (((3,), (2,)), ((2, 3), (2, 2)), ((2, 1, 3), (2, 2, 3)), ((), (3,)),
                   ((), ())):
        x, y = arg(*shapes[0], seed=1), arg(*shapes[1], seed=2)
        check_vjp(gen("x, y", "np.hstack([x, y, x]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.hstack((y, x)) * 3.0"), (x, y), 0)
    check_vjp(gen("x", "np.hstack([x, np.zeros(2), 1.0]) ** 2"), (rand(3),), 0)


def check_vstack(gen):
    _one_array(gen, "vstack")
    for shapes in (((3,), (3,)), ((3,), (2, 3)), ((2, 3), (1, 3)), ((2, 3, 2), (1, 3, 2))):
        x, y = rand(*shapes[0]), rand(*shapes[1]) * 2.0
        check_vjp(gen("x, y", "np.vstack([x, y, x]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.vstack((y, x)) * 3.0"), (x, y), 1)
    check_vjp(gen("x", "np.vstack([x, np.ones(3)]) ** 2"), (rand(3),), 0)


def check_column_stack(gen):
    _one_array(gen, "column_stack")
    for shapes in (((3,), (3,)), ((3,), (3, 2)), ((3, 2), (3, 1))):
        x, y = rand(*shapes[0]), rand(*shapes[1]) * 2.0
        check_vjp(gen("x, y", "np.column_stack([x, y, x]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.column_stack((y, x)) * 3.0"), (x, y), 0)


# ---------------------------------------------------------------- casts, np.array


def check_astype(gen):
    for shape in RANKS:
        x = rand(*shape)
        for dtype in ("float", "np.float64", "'float64'", "'f8'", "np.double", "dtype=float"):
            check_vjp(gen("x", f"x.astype({dtype}) ** 2"), (x,), 0)
        # a float32 result: central differences in float64 would see its rounding, so
        # the float32 cast is checked on float32 arguments only (check_dtype)
        check_grad(gen("x", "np.sum(x.astype(x.dtype) * x)"), (x,))
        check_vjp(gen("x, y", "x.astype(y.dtype) * x"), (x, rand(2)), 0)
    x = arg(2, 3, low=0.2, high=2.8)
    # casts to integers and booleans have derivative zero (x keeps away from the jumps)
    for dtype in ("int", "np.int64", "'int32'", "bool", "np.uint8"):
        check_vjp(gen("x", f"x.astype({dtype}) * x"), (x,), 0)
    check_vjp(gen("x, y", "x.astype(y.dtype) * x"), (x, np.arange(3)), 0)


def check_array(gen):
    check_vjp(gen("a, b", "np.array([a, b]) ** 2"), (0.5, -1.5), (0, 1))
    check_vjp(gen("a, b", "np.array((a, b * a, 2.0)) ** 2"), (0.5, -1.5), (0, 1))
    check_vjp(gen("a, b", "np.array([[a, b], [b * a, 0.0]]) ** 2"), (0.5, -1.5), (0, 1))
    check_vjp(gen("a, b", "np.array([[a, b, a], [0.0, b, 1.0]]).T * a"), (0.5, -1.5), (0, 1))
    check_vjp(gen("a, b", "np.array([[[a], [b]], [[b], [a]]]) * a"), (0.5, -1.5), (0, 1))
    check_vjp(gen("a, b", "np.array([a, b], dtype=float) ** 2"), (0.5, -1.5), (0, 1))
    for shape in RANKS[:2]:
        x, y = rand(*shape), rand(*shape) * 2.0
        check_vjp(gen("x, y", "np.array([x, y, x]) ** 2"), (x, y), (0, 1))
        check_vjp(gen("x, y", "np.array([[x, y], [y, np.zeros_like(y)]]) * x"), (x, y), (0, 1))
        check_vjp(gen("x", "np.array(x) * x"), (x,), 0)
        check_vjp(gen("x", "np.array(x, dtype=np.float64) * x"), (x,), 0)
        check_vjp(gen("x", "np.array(x, copy=True) * 2.0"), (x,), 0)
    check_vjp(gen("a, x", "np.array([a, 2.0 * a]) * x"), (0.5, rand(2)), (0, 1))


def check_asarray(gen):
    for shape in [()] + RANKS:
        x = arg(*shape)
        check_vjp(gen("x", "np.asarray(x) * x"), (x,), 0)
        check_vjp(gen("x", "np.asarray(x, dtype=float) * x"), (x,), 0)
    check_vjp(gen("a, b", "np.asarray([a, b, 0.0]) ** 2"), (0.5, -1.5), (0, 1))
    check_vjp(gen("x, y", "np.asarray([x, y]) ** 2"), (rand(2, 3), rand(2, 3)), (0, 1))


# ---------------------------------------------------------------- constructors


def check_full(gen):
    check_vjp(gen("a", "np.full((2, 3), a) ** 2"), (0.7,), 0)
    check_vjp(gen("a", "np.full(3, a) * np.arange(3.0)"), (0.7,), 0)
    check_vjp(gen("a, x", "np.full(x.shape, a) * x"), (0.7, rand(2, 3, 4)), (0, 1))
    check_vjp(gen("a, n", "np.full((n, 2), a) ** 2"), (0.7, 3), 0)
    check_vjp(gen("a", "np.full((2, 3), a, dtype=float) ** 2"), (0.7,), 0)
    check_vjp(gen("a", "np.full((2, 3), a, dtype=np.float64) ** 2"), (0.7,), 0)
    # an array fill value broadcasts
    check_vjp(gen("v", "np.full((2, 3), v) ** 2"), (rand(3),), 0)
    check_vjp(gen("v", "np.full((4, 2, 3), v) ** 2"), (rand(2, 1),), 0)
    # an integer result has derivative zero
    check_vjp(gen("a", "np.full(3, a, dtype='int64') * a"), (2.7,), 0)
    check_vjp(gen("a", "np.full(3, a, 'bool') * a"), (2.7,), 0)


def check_full_like(gen):
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x, a", "np.full_like(x, a) * x"), (x, 0.7), (0, 1))
        check_vjp(gen("x, a", "np.full_like(x, a) ** 2"), (x, 0.7), 1)
    check_vjp(gen("x, v", "np.full_like(x, v) * x"), (rand(2, 3), rand(3)), (0, 1))
    check_vjp(gen("x, a", "np.full_like(x, a, dtype=float) ** 2"), (rand(3), 0.7), 1)
    check_vjp(gen("x, a", "np.full_like(x, a, dtype='int32') * a"), (rand(3), 2.7), 1)


def check_linspace(gen):
    for body in ("np.linspace(a, b, 5) ** 2", "np.linspace(a, b, num=4) ** 2",
                 "np.linspace(a, b, 5, endpoint=False) ** 2", "np.linspace(a, b, 1) ** 2",
                 "np.linspace(a, b, 2) * b", "np.linspace(0.0, b, 6) * a",
                 "np.linspace(a, 1.0, 3) * b", "np.linspace(a, b, 4, True) ** 2"):
        check_vjp(gen("a, b", body), (0.5, 2.0), (0, 1))
    check_vjp(gen("a, b, n", "np.linspace(a, b, n) ** 2"), (0.5, 2.0, 7), (0, 1))
    check_vjp(gen("a, b", "np.linspace(a, b, 5, dtype='int64') * a"), (0.3, 9.1), (0, 1))


def check_arange(gen):
    check_vjp(gen("a, h", "np.arange(a, 3.0, h) ** 2"), (0.5, 0.3), (0, 1))
    check_vjp(gen("a, h", "np.arange(a, a + 3.0, h) ** 2"), (0.5, 0.7), (0, 1))
    check_vjp(gen("a", "np.arange(a, 3.0) ** 2"), (0.25,), 0)
    check_vjp(gen("a", "np.arange(0.0, 1.0, a) ** 2"), (0.3,), 0)
    check_vjp(gen("a, b", "np.arange(a, b) * b"), (0.25, 3.5), (0, 1))
    # `np.arange(stop)` counts 0, 1, ... whatever stop is: only the length depends on it
    check_vjp(gen("a", "np.arange(a) * a"), (3.5,), 0)
    check_vjp(gen("a, h", "np.arange(a, 3.0, h, dtype='int64') * h"), (0.5, 1.3), (0, 1))


def check_triangle(gen, function):
    for shape in ((3, 3), (2, 4), (4, 2), (2, 3, 3)):
        x = rand(*shape)
        for k in (0, 1, -1, 2):
            body = f"np.{function}(x) * x" if k == 0 else f"np.{function}(x, {k}) * x"
            check_vjp(gen("x", body), (x,), 0)
        check_vjp(gen("x", f"np.{function}(x, k=-2) ** 2"), (x,), 0)


def _one_array(gen, function):
    """`np.vstack(x)` and the like of one array: its rows joined."""
    fn = gen("a", f"np.sin(np.{function}(a)) * np.{function}(a * a)")
    for shape in ((3,), (2, 3), (2, 3, 2), (2, 1, 3, 2)):
        check_vjp(fn, (rand(*shape),), 0)


CASES = {
    "np.reshape": check_reshape,
    ".reshape()": check_method_reshape,
    "np.ravel": lambda gen: check_ravel(gen, "np.ravel({})"),
    ".ravel()": lambda gen: check_ravel(gen, "{}.ravel()"),
    ".flatten()": lambda gen: check_ravel(gen, "{}.flatten()"),
    "np.transpose": check_transpose,
    ".transpose()": check_method_transpose,
    "np.swapaxes": lambda gen: check_swapaxes(gen, "np.swapaxes(x, {}, {})"),
    ".swapaxes()": lambda gen: check_swapaxes(gen, "x.swapaxes({}, {})"),
    "np.moveaxis": check_moveaxis,
    "np.squeeze": lambda gen: check_squeeze(gen, "np.squeeze({}, {})"),
    ".squeeze()": lambda gen: check_squeeze(gen, "{}.squeeze({})"),
    "np.expand_dims": check_expand_dims,
    "np.atleast_1d": lambda gen: check_atleast(gen, 1),
    "np.atleast_2d": lambda gen: check_atleast(gen, 2),
    "np.atleast_3d": lambda gen: check_atleast(gen, 3),
    "np.broadcast_to": check_broadcast_to,
    "np.flip": check_flip,
    "np.fliplr": lambda gen: check_fliplr_ud(gen, "fliplr"),
    "np.flipud": lambda gen: check_fliplr_ud(gen, "flipud"),
    "np.concatenate": check_concatenate,
    "np.stack": check_stack,
    "np.hstack": check_hstack,
    "np.vstack": check_vstack,
    "np.column_stack": check_column_stack,
    ".astype()": check_astype,
    "np.array": check_array,
    "np.asarray": check_asarray,
    "np.full": check_full,
    "np.full_like": check_full_like,
    "np.linspace": check_linspace,
    "np.arange": check_arange,
    "np.triu": lambda gen: check_triangle(gen, "triu"),
    "np.tril": lambda gen: check_triangle(gen, "tril"),
}


def check_diag(gen):
    for k in (0, 1, -1, 2):
        check_vjp(gen("v", f"np.diag(v, {k}) * np.diag(v, k={k})"), (rand(3),), 0)
        for shape in ((3, 3), (2, 4), (4, 2)):
            check_vjp(gen("x", f"np.diag(x, {k}) ** 2"), (rand(*shape),), 0)
    check_vjp(gen("v", "np.diag(v) @ np.diag(v[::-1])"), (rand(3),), 0)
    check_grad(gen("x", "np.sum(np.diag(x) * np.diag(x.T))"), (rand(3, 3),))


CASES["np.diag"] = check_diag
