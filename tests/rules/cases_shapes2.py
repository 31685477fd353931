"""Rule-table cases for the second batch of shape rows: rolls and turns
(s2sad/rules/rolls.py), repeats, differences, padding, picks and splits.

Each case calls `check_vjp`/`check_grad` (reverse mode against central differences,
forward and vector mode against reverse, float32 in and out) on small functions built
from source by the `gen` fixture, over several ranks and axes (negative ones too); a
nonlinear factor after the primitive catches an adjoint sent to the wrong element.
"""
import numpy as np

from rulecheck import check_vjp, rand

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
    # no copies at all: an empty result, a zero derivative
    check_vjp(gen("x, r", form.format("x", "r") + " * 2.0"), (x, 0), 0)
    check_vjp(gen("x, r", form.format("x", "r, 0") + " * 2.0"), (x, 0), 0)
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


# ---------------------------------------------------------------- diagonal, take, diagflat


def check_diagonal(gen, form):
    for shape in ((3, 3), (2, 4), (4, 2), (2, 3, 4), (3, 2, 2, 3)):
        x = rand(*shape)
        check_vjp(gen("x", form.format("") + " ** 2"), (x,), 0)
        for offset in (0, 1, -1, 2):
            check_vjp(gen("x", form.format(f"{offset}") + " ** 2"), (x,), 0)
        ndim = len(shape)
        for first in axes_of(ndim):
            for second in axes_of(ndim):
                if first % ndim != second % ndim:
                    check_vjp(gen("x", form.format(f"1, {first}, {second}") + " ** 3"),
                              (x,), 0)
        check_vjp(gen("x", form.format("offset=-1, axis1=-1, axis2=0") + " * 2.0"), (x,), 0)


def check_take(gen, form):
    idx = np.array([2, 0, 2, -1])
    for shape in RANKS:
        x = rand(*shape)
        check_vjp(gen("x, i", form.format("x", "i") + " ** 2"), (x, idx), 0)
        check_vjp(gen("x", form.format("x", "[1, 1, 0]") + " * 2.0"), (x,), 0)
        check_vjp(gen("x, i", form.format("x", "i") + " * x.ravel()[0]"), (x, 1), 0)
        for axis in axes_of(len(shape)):
            check_vjp(gen("x, i", form.format("x", f"i, {axis}") + " ** 2"),
                      (x, np.array([[1, 0], [1, 1]])), 0)
            check_vjp(gen("x, i", form.format("x", f"i, axis={axis}") + " ** 3"), (x, 1), 0)


def check_take_along_axis(gen):
    rng = np.random.default_rng(4)
    for shape in RANKS:
        x = rand(*shape)
        for axis in axes_of(len(shape)):
            picks = list(shape)
            picks[axis] = 5  # more than the axis holds: some repeat
            idx = rng.integers(0, shape[axis], picks)
            check_vjp(gen("x, i", f"np.take_along_axis(x, i, {axis}) ** 2"), (x, idx), 0)
            check_vjp(gen("x, i", f"np.take_along_axis(x, i, axis={axis}) * 2.0"), (x, idx),
                      0)
        flat = rng.integers(0, x.size, 7)
        check_vjp(gen("x, i", "np.take_along_axis(x, i, None) ** 2"), (x, flat), 0)
    x = rand(3, 4)
    check_vjp(gen("x", "np.take_along_axis(x, np.argsort(x, axis=1), axis=1) ** 2"), (x,), 0)
    # indices of length one along another axis broadcast against the array
    check_vjp(gen("x, i", "np.take_along_axis(x, i, 1) ** 2"), (x, np.array([[0, 3, 3]])), 0)


def check_take_along_axis_adjoint(gen):
    """The helper is linear in `g` (its adjoint is np.take_along_axis): a second
    derivative."""
    idx = np.array([[0, 2, 2], [1, 1, 0]])
    check_vjp(gen("g, i", "runtime.take_along_axis_adjoint(g ** 2, i, 1, (2, 3)) * g[:, :1]"),
              (rand(2, 3), idx), 0)
    check_vjp(gen("g, i", "runtime.take_along_axis_adjoint(g ** 2, i, 0, (3, 3)) ** 2"),
              (rand(2, 3), idx), 0)


def check_diagflat(gen):
    for shape in [(), (3,), (2, 2)]:
        x = rand(*shape) if shape else 0.7
        for k in (0, 1, -2):
            check_vjp(gen("x", f"np.diagflat(x, {k}) ** 2"), (x,), 0)
        check_vjp(gen("x", "np.diagflat(x) * 3.0"), (x,), 0)
        check_vjp(gen("x", "np.diagflat(x, k=1) ** 3"), (x,), 0)


# ---------------------------------------------------------------- cross, kron


def check_cross(gen):
    for shapes in (((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 1, 3), (4, 3))):
        a, b = rand(*shapes[0]), rand(*shapes[1]) * 2.0 - 0.5
        check_vjp(gen("a, b", "np.cross(a, b) ** 2"), (a, b), (0, 1))
        check_vjp(gen("a, b", "np.cross(a, b) * 2.0"), (a, b), 1)
        check_vjp(gen("a, b", "np.cross(b, a * a)"), (a, b), 0)
    a, b = rand(3, 2), rand(3, 2) * 2.0 - 0.5
    check_vjp(gen("a, b", "np.cross(a, b, axis=0) ** 2"), (a, b), (0, 1))
    check_vjp(gen("a, b", "np.cross(a, b, axisa=0, axisb=-2, axisc=0) ** 2"), (a, b), (0, 1))
    # `axis` overrides the three others (autograd's test_cross draws every combination)
    check_vjp(gen("a, b", "np.cross(a, b, axisa=-1, axisb=0, axisc=1, axis=0) ** 2"),
              (rand(3, 3), rand(3, 3)), (0, 1))
    check_vjp(gen("a, b", "np.cross(a, b, axisa=0) ** 2"), (a, rand(2, 3)), (0, 1))


def check_kron(gen):
    for shapes in (((3,), (2,)), ((2, 3), (2, 2)), ((2,), (3, 2)), ((2, 2), (3,)),
                   ((), (3,)), ((2, 1, 2), (2, 3))):
        a = rand(*shapes[0]) if shapes[0] else 0.7
        b = rand(*shapes[1]) * 2.0 - 0.5
        check_vjp(gen("a, b", "np.kron(a, b) ** 2"), (a, b), (0, 1))
        check_vjp(gen("a, b", "np.kron(b, a) * 3.0"), (a, b), 0)
    check_vjp(gen("a", "np.kron(a, np.ones(2)) ** 2"), (rand(3),), 0)


# ---------------------------------------------------------------- split and its family


def c_split_unpacked(x):
    a, b = np.split(x, 2)
    return a * b[::-1]


def c_split_indexed(x):
    return np.split(x, [1, 3], axis=1)[1] ** 2 + np.split(x, [1, 3], axis=1)[-1][:, :1]


def c_split_looped(x):
    total = np.zeros(x.shape[0])
    for part in np.array_split(x, 3, axis=-1):
        total = total + np.sum(part ** 2, axis=1) * part[:, 0]
    return total


def c_split_stacked(x):
    return np.stack(np.split(x, 3, axis=0)) ** 2


def _split_in_helper(x, k):
    first, rest = np.split(x, [k])
    return np.sum(first) * rest


def c_split_helper(x):
    return _split_in_helper(x, 2) ** 2


def check_split(gen, function):
    x = rand(6, 6)
    if function == "split":
        check_vjp(c_split_unpacked, (x,), 0)
        check_vjp(c_split_indexed, (x,), 0)
        check_vjp(c_split_stacked, (x,), 0)
        check_vjp(c_split_helper, (rand(5),), 0)
    if function == "array_split":
        check_vjp(c_split_looped, (rand(4, 7),), 0)
        check_vjp(c_split_looped, (rand(3, 6),), 0)
    axes = {"split": (0, 1, -1), "array_split": (0, -2, 2), "hsplit": (None,),
            "vsplit": (None,), "dsplit": (None,)}[function]
    shapes = {"vsplit": [(6, 2), (6, 3, 2)], "dsplit": [(2, 3, 6)],
              "hsplit": [(6,), (2, 6), (3, 6, 2)]}.get(function, [(6,), (6, 6), (6, 6, 6)])
    for shape in shapes:
        x = rand(*shape)
        for axis in axes:
            if axis is not None and axis >= len(shape) or axis is not None and -axis > len(shape):
                continue
            keyword = "" if axis is None else f", axis={axis}"
            for sections, count in (("2", 2), ("[1, 4]", 3), ("(2, -1)", 3), ("[]", 1),
                                    ("[5]", 2)):
                for i in range(count):
                    body = f"np.{function}(x, {sections}{keyword})[{i}] ** 2"
                    check_vjp(gen("x", body), (x,), 0)
    if function == "array_split":
        for i in range(4):
            check_vjp(gen("x", f"np.array_split(x, 4)[{i}] ** 2"), (rand(7, 2),), 0)


# ---------------------------------------------------------------- select, np.r_, np.c_


def c_select_loop(x):
    y = x
    for _ in range(2):
        y = np.select([y > 0.5, y < -0.5], [y * y, -y], default=np.sin(y))
    return y


def check_select(gen):
    x = np.array([0.9, -0.8, 0.1, 0.7, -0.2, -0.95])  # clear of the thresholds
    check_vjp(gen("x", "np.select([x > 0.5, x < 0.0], [x ** 2, np.sin(x)])"), (x,), 0)
    check_vjp(gen("x", "np.select([x > 0.5, x > 0.0], [x ** 2, 3.0 * x], x ** 3)"), (x,), 0)
    check_vjp(gen("x, y", "np.select((x > 0.5,), (y * x,), default=y)"), (x, x[::-1] * 2.0),
              (0, 1))
    check_vjp(gen("x, y", "np.select(condlist=[x > 0.0], choicelist=[y])"),
              (x, x[::-1] * 2.0), (0, 1))
    check_vjp(gen("x, y", "np.select([x > 0.0, x < 0.5], [y, 2.0], default=x)"),
              (x.reshape(2, 3), rand(3)), (0, 1))
    check_vjp(c_select_loop, (x,), 0)


def check_r(gen):
    for shapes in (((3,), (2,)), ((), (3,)), ((), ()), ((2, 3), (1, 3))):
        a = rand(*shapes[0]) if shapes[0] else 0.7
        b = rand(*shapes[1]) * 2.0 if shapes[1] else -1.3
        check_vjp(gen("a, b", "np.r_[a, b, a] ** 2"), (a, b), (0, 1))
        check_vjp(gen("a, b", "np.r_[b, a * 2.0] * 3.0"), (a, b), 0)
    check_vjp(gen("a", "np.r_[a, 0:3, 1.5, 0.0:1.0:4j] ** 2"), (rand(2),), 0)
    check_vjp(gen("a", "np.r_[1:4:2, a] * a[0]"), (rand(2),), 0)
    check_vjp(gen("a", "np.r_[a] ** 2"), (rand(2),), 0)


def check_c(gen):
    for shapes in (((3,), (3,)), ((3,), (3, 2)), ((3, 2), (3, 1))):
        a, b = rand(*shapes[0]), rand(*shapes[1]) * 2.0
        check_vjp(gen("a, b", "np.c_[a, b, a] ** 2"), (a, b), (0, 1))
        check_vjp(gen("a, b", "np.c_[b, a * 2.0] * 3.0"), (a, b), 0)
    check_vjp(gen("a", "np.c_[a, np.ones(3)] ** 2"), (rand(3),), 0)


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
    "np.diagonal": lambda gen: check_diagonal(gen, "np.diagonal(x, {})"),
    ".diagonal()": lambda gen: check_diagonal(gen, "x.diagonal({})"),
    "np.take": lambda gen: check_take(gen, "np.take({}, {})"),
    ".take()": lambda gen: check_take(gen, "{}.take({})"),
    "np.take_along_axis": check_take_along_axis,
    "runtime.take_along_axis_adjoint": check_take_along_axis_adjoint,
    "np.diagflat": check_diagflat,
    "np.cross": check_cross,
    "np.kron": check_kron,
    "np.select": check_select,
    "np.r_": check_r,
    "np.c_": check_c,
    "np.split[None]": lambda gen: check_split(gen, "split"),
    "np.array_split[None]": lambda gen: check_split(gen, "array_split"),
    "np.hsplit[None]": lambda gen: check_split(gen, "hsplit"),
    "np.vsplit[None]": lambda gen: check_split(gen, "vsplit"),
    "np.dsplit[None]": lambda gen: check_split(gen, "dsplit"),
}

NONDIFF = {}

