"""Views (views.py): an array read through a NumPy view after a write into the array it
views is refused in every mode, at the line that reads it."""
import inspect
import math

import numpy as np
import pytest

import s2sad


def asarray_read_after_the_write(x):
    w6 = np.ones(3) * x
    w7 = np.asarray(w6)
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)  # HERE


def reshape_read_after_a_write_in_a_loop(x):
    w6 = np.ones((2, 2)) * x
    w7 = w6.reshape(4)
    for k in range(2):
        w6[k, 1] = math.sin(x) * w6[k, 0]
    return np.sum(w7 * w7)  # HERE


def ravel_read_after_the_write(x):
    w6 = np.ones((2, 2)) * x
    w7 = np.ravel(w6)
    w6[0, 1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6)  # HERE


def real_read_after_the_write(x):
    w6 = np.ones(3) * x
    w7 = w6.real
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6)  # HERE


def squeeze_read_after_the_write(x):
    w6 = np.ones((1, 3)) * x
    w7 = np.squeeze(w6)
    w6[0, 1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6)  # HERE


def flip_read_after_the_write(x):
    w6 = np.arange(3.0) * x
    w7 = np.flip(w6)
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)  # HERE


def astype_without_copy_read_after_the_write(x):
    w6 = np.ones(3) * x
    w7 = w6.astype(float, copy=False)
    w6[1] = math.sin(x)
    return np.sum(w7 * w7) + np.sum(w6 * w6)  # HERE


VIEWS_READ_AFTER_A_WRITE = [
    asarray_read_after_the_write, reshape_read_after_a_write_in_a_loop,
    ravel_read_after_the_write, real_read_after_the_write, squeeze_read_after_the_write,
    flip_read_after_the_write, astype_without_copy_read_after_the_write]


@pytest.mark.parametrize("fn", VIEWS_READ_AFTER_A_WRITE, ids=lambda fn: fn.__name__)
def test_a_view_read_after_a_write_into_its_array_is_refused(fn):
    """NumPy returns these as views (`np.asarray` of an array is the array itself): the
    write shows through them, which the derivative would not know about. Like `w[1:]`,
    each is refused in every mode at the line that reads it (the adjoint took them for
    copies: 3.5556828867177144 for the first at 0.3, central differences 3.5292849...;
    the tangent happened to share the memory too)."""
    line = fn.__code__.co_firstlineno + len(inspect.getsource(fn).splitlines()) - 1
    for derived in (s2sad.grad(fn), lambda x: s2sad.jvp(fn)(x, 1.0),
                    s2sad.jacobian(fn, mode="forward")):
        with pytest.raises(s2sad.UnsupportedError, match=r"view of `w6`.*shares memory"
                           ) as info:
            derived(0.3)
        assert info.value.line == line
