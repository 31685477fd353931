"""Checks of derivatives of functions of complex values, in autograd's convention: the
gradient of a real f with respect to z = x + iy is df/dx - i df/dy, computed here by
central differences along the real and the imaginary axis of each element; a real
argument's gradient is df/dx, real.

`check_both_modes` compares grad with it and the jvp along a random (complex) direction
with the central difference along that direction; `check_complex` does so for a call
written as source, on a real-valued loss of its result, and also checks vector mode
(the Jacobian in the real and imaginary parts, forward against reverse) and complex64.
"""
import re

import numpy as np

import s2sad
from util import assert_close

RNG = np.random.default_rng(23)


def crand(*shape):
    return RNG.normal(size=shape) + 1j * RNG.normal(size=shape)


def _moved(args, position, step):
    moved = list(args)
    moved[position] = args[position] + step
    return moved


def complex_grad(f, args, position, h=1e-6):
    """df/dx - i df/dy of real `f` in argument `position`, elementwise (df/dx alone for a
    real argument)."""
    x = args[position]
    shape = np.shape(x)
    grad = np.zeros(shape, dtype=complex if np.iscomplexobj(x) else float)
    for index in np.ndindex(shape):
        unit = np.zeros(shape)
        unit[index] = h
        unit = unit if shape else float(unit)
        grad[index] = (f(*_moved(args, position, unit))
                       - f(*_moved(args, position, -unit))) / (2 * h)
        if np.iscomplexobj(x):
            grad[index] -= 1j * (f(*_moved(args, position, 1j * unit))
                                 - f(*_moved(args, position, -1j * unit))) / (2 * h)
    return grad if shape else grad[()]


def directional(f, args, position, tangent, h=1e-6):
    return (f(*_moved(args, position, h * tangent))
            - f(*_moved(args, position, -h * tangent))) / (2 * h)


def direction(x):
    """A random direction of `x`'s shape: complex for a complex `x`."""
    t = RNG.normal(size=np.shape(x))
    if np.iscomplexobj(x):
        t = t + 1j * RNG.normal(size=np.shape(x))
    return t if np.shape(x) else t[()].item()


def close(a, b, rtol=1e-5, atol=1e-7):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def check_both_modes(f, args, wrt=0):
    """grad against `complex_grad` (complex exactly where the argument is), and the jvp
    along a random direction against central differences."""
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    got = s2sad.grad(f, wrt=wrt)(*args)
    got = got if isinstance(wrt, tuple) else (got,)
    for position, g in zip(positions, got):
        x = args[position]
        assert np.iscomplexobj(g) == np.iscomplexobj(x), (position, g)
        assert np.shape(g) == np.shape(x)
        close(g, complex_grad(f, args, position))
        tangent = direction(x)
        value, dot = s2sad.jvp(f, wrt=position)(*args, tangent)
        close(value, f(*args))
        close(dot, directional(f, args, position, tangent))


LOSS = "np.sum(np.abs(({}) * (1.0 + 0.3j) + 0.5) ** 2)"


def check_complex(gen, call, z):
    """The rule of `call` (source in `z`) on `z`, through a real loss of its result
    that reads both its real and imaginary parts: both modes, vector mode (z written
    as x + 1j * y for a complex z) and single precision. `call` may also be a pair of
    functions: the loss of z, and the same of x and y."""
    if isinstance(call, str):
        fn = gen("z", LOSS.format(call))
        parts = gen("x, y", LOSS.format(re.sub(r"\bz\b", "(x + 1j * y)", call)))
    else:
        fn, parts = call
    check_both_modes(fn, (z,))
    if np.iscomplexobj(z):
        args = (np.real(z), np.imag(z)) if np.shape(z) else (z.real, z.imag)
        forward = s2sad.jacobian(parts, wrt=(0, 1), mode="forward")(*args)
        reverse = s2sad.jacobian(parts, wrt=(0, 1), mode="reverse")(*args)
        assert_close(forward, reverse, rtol=1e-9, atol=1e-12)
        grad = s2sad.grad(fn)(z)
        close(reverse[0] - 1j * reverse[1], grad, rtol=1e-9, atol=1e-12)
    else:
        forward = s2sad.jacobian(fn, mode="forward")(z)
        assert_close(forward, s2sad.jacobian(fn, mode="reverse")(z), rtol=1e-9, atol=1e-12)
    if not np.shape(z):
        return  # Python numbers compute in double precision
    single = z.astype(np.complex64 if np.iscomplexobj(z) else np.float32)
    assert s2sad.grad(fn)(single).dtype == single.dtype
    _, dot = s2sad.jvp(fn)(single, np.ones_like(single))
    assert np.asarray(dot).dtype == np.asarray(fn(single)).dtype
