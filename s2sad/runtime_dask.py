"""The forms of the run-time helpers a derivative calls when its arguments are Dask arrays.

A derivative specialised for Dask arguments (`pipeline.derive(..., lazy=True)`) is the
same generated code with these bound in place of runtime.py's helpers (`FORMS`), and with
the few NumPy calls Dask cannot run lazily written as calls of a helper here (`CALLS`):
`np.add.at(x_bar, i, v)` becomes `add_at(x_bar, i, v)`, `np.copy(x)` becomes `copy(x)`. Every operation stays lazy (no `np.asarray`, no `out=`, no `.item()`), so
the derivative is a graph Dask computes chunk by chunk; NumPy code keeps runtime.py's forms
and pays nothing for these.

Dask is imported only here, and only when a derivative for Dask arguments runs: s2sad
imports and runs without it.
"""
import functools
import math

import numpy as np

from . import runtime


def is_dask(value):
    """Whether `value` is a Dask array, told without importing Dask when it is not one."""
    if not type(value).__module__.startswith("dask."):
        return False
    import dask.array
    return isinstance(value, dask.array.Array)


def _da():
    import dask.array
    return dask.array


def lazy(value):
    """`value` as a Dask array (an in-memory one by `da.asarray`)."""
    return value if is_dask(value) else _da().asarray(value)


def copy(a):
    """`np.copy`, which Dask does not implement (NumPy's would compute the array)."""
    return a.copy() if is_dask(a) else np.copy(a)


def add_at(a, index, v):
    """`np.add.at(a, index, v)` for a Dask array `a`, changed in place as NumPy's is: each
    position of `index` gets the sum of the values aimed at it, a position named twice
    both. The index must be in memory (the positions decide the graph); `v` may be lazy.
    The positions are worked out in memory, one integer per element of `a` (the scatter
    target is an argument's adjoint, such as an embedding table).

    Positions named more than once are summed first (a `bincount` over their groups), so
    that Dask's element write, where the last write wins, adds them all."""
    if is_dask(index) or isinstance(index, tuple) and any(map(is_dask, index)):
        raise TypeError("np.add.at with an index that is a Dask array: the positions must "
                        "be known to build the graph")
    if not is_dask(a) and not is_dask(v):
        np.add.at(a, index, v)
        return
    if not is_dask(a):
        raise TypeError("np.add.at into an in-memory array of values computed from a Dask "
                        "array")
    da = _da()
    flat = np.arange(a.size).reshape(a.shape)[index]
    v = da.broadcast_to(lazy(v), flat.shape).astype(a.dtype)
    unique, group = np.unique(flat.ravel(), return_inverse=True)
    if unique.size == flat.size:
        a[index] = a[index] + v
        return
    values = v.ravel()
    group = da.from_array(group.ravel(), chunks=values.chunks)
    summed = da.bincount(group, weights=values, minlength=unique.size)
    whole = a.ravel()
    whole[unique] = whole[unique] + summed
    a[...] = whole.reshape(a.shape)


def written_last(g, index):
    """runtime.written_last for a Dask `g` (the index in memory): which write an element
    write leaves is found on the positions alone."""
    owner = np.full(np.shape(g), -1)
    picked = np.arange(math.prod(np.shape(g))).reshape(np.shape(g))[index]
    positions = np.arange(picked.size).reshape(picked.shape)
    owner[index] = positions
    kept = owner[index] == positions
    return _da().where(kept, lazy(g)[index], 0.0)


def tangent_buffer(t, y, directions=None):
    shape = np.shape(y) if directions is None else (directions,) + np.shape(y)
    dtype = np.result_type(t, y) if np.iscomplexobj(y) else np.result_type(t)
    return _da().broadcast_to(lazy(t), shape).astype(dtype)


def _by_chunks(helper):
    """The Dask form of an elementwise helper: NumPy's own form run on each chunk (with
    its error state, so a partial that is infinite where it is discarded warns no more
    than in memory), its operands broadcast against each other as NumPy would."""
    def form(*args, **options):
        signature = ",".join("()" for _ in args) + "->()"
        dtype = np.result_type(*[getattr(a, "dtype", type(a)) for a in args], 1.0)
        return _da().apply_gufunc(functools.partial(helper, **options), signature, *args,
                                  output_dtypes=dtype)
    form.__name__ = helper.__name__
    form.__doc__ = f"runtime.{helper.__name__}, chunk by chunk."
    return form


safe_divide, xlogy, xpow = map(_by_chunks, (runtime.safe_divide, runtime.xlogy,
                                            runtime.xpow))


def list_zeros(items, directions=None):
    if directions is None:
        return [np.zeros_like(item) if np.ndim(item) else 0.0 for item in items]
    return [_da().zeros((directions,) + np.shape(item)) for item in items]


# runtime.py's helper -> its Dask form (the others are Dask-safe as they are)
FORMS = {runtime.written_last: written_last, runtime.tangent_buffer: tangent_buffer,
         runtime.safe_divide: safe_divide, runtime.xlogy: xlogy, runtime.xpow: xpow,
         runtime.list_zeros: list_zeros}

# NumPy calls (after the name generated code gives NumPy) -> the helper that replaces them
CALLS = {"add.at": add_at, "copy": copy}
