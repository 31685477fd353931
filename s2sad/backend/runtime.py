"""The run-time helpers the numba dialect calls, written for numba's `nopython` mode, and
numba forms of s2sad's own run-time helpers (s2sad/runtime.py) where numba can run them.

They are plain Python here, compiled with `numba.njit` when the backend first needs them
(`forms`), so that importing s2sad never imports numba.
"""
import numpy as np

from .. import runtime


def push(tape, top, value):
    """`value` put on `tape` (a NumPy array) at `top`, the array doubled first when it is
    full: (the tape, the new top)."""
    if top == tape.shape[0]:
        grown = np.empty(2 * tape.shape[0] + 16, tape.dtype)
        grown[:top] = tape
        tape = grown
    tape[top] = value
    return tape, top + 1


def stacked(items):
    """`np.array(items)` of a list of numbers or of arrays of one shape (along a new first
    axis; an empty list of arrays gives an empty array of their rank plus one, every axis
    of length 0): numba's np.array takes numbers and tuples, not a list of arrays
    (`typed_stacked` gives numba its code)."""
    return np.array(items)


def typed_stacked(items):
    from numba import types
    if not isinstance(items, types.List):
        return None
    if isinstance(items.dtype, types.Number):
        return lambda items: np.array(items)

    empty = (0,) * (items.dtype.ndim + 1)   # no trip: no row to take the shape of
    dtype = items.dtype.dtype

    def arrays(items):
        if len(items) == 0:
            return np.empty(empty, dtype)
        first = items[0]
        out = np.empty((len(items),) + first.shape, first.dtype)
        for k in range(len(items)):
            out[k] = items[k]
        return out
    return arrays if isinstance(items.dtype, types.Array) else None


def sigmoid(x):
    """runtime.sigmoid: 1 / (1 + exp(-x)), of a number or an array."""
    return 1.0 / (1.0 + np.exp(-x))


def unbroadcast(g, x):
    """runtime.unbroadcast for numba: `g` summed down to the shape of `x`, a number or an
    array of rank 1 or 2 (`typed_unbroadcast` gives numba its code per argument types)."""
    return runtime.unbroadcast(g, x)


def typed_unbroadcast(g, x):
    """The numba implementation of `unbroadcast` for these numba types, or None (numba
    then says no implementation matches, which compile.py reports at the user's line).
    The leading axes `g` has beyond `x`'s rank are summed first, then the axes where `x`
    has length one; the result is a new array, as numba's types need one type."""
    from numba import types
    if isinstance(x, types.Number):
        if isinstance(g, types.Array):
            return lambda g, x: np.sum(g)
        return lambda g, x: g
    if not (isinstance(x, types.Array) and isinstance(g, types.Array)) or \
            not 1 <= x.ndim <= 2 or g.ndim < x.ndim:
        return None
    lead = g.ndim - x.ndim
    if x.ndim == 1:
        def vector(g, x):
            r = np.ascontiguousarray(g).reshape((-1,) + g.shape[lead:]).sum(axis=0) \
                if lead else g.copy()
            if x.shape[0] == 1 and r.shape[0] != 1:
                return np.full(1, r.sum())
            return r
        return vector

    def matrix(g, x):
        r = np.ascontiguousarray(g).reshape((-1,) + g.shape[lead:]).sum(axis=0) \
            if lead else g.copy()
        if x.shape[0] == 1 and r.shape[0] != 1:
            r = r.sum(axis=0).reshape((1, r.shape[1]))
        if x.shape[1] == 1 and r.shape[1] != 1:
            r = r.sum(axis=1).reshape((r.shape[0], 1))
        return r
    return matrix


# s2sad's own helpers (by the object the generated code reads) -> their numba forms here
NUMBA_FORMS = {runtime.sigmoid: sigmoid, runtime.unbroadcast: unbroadcast}
OWN = {"push": push, "stacked": stacked}
_OVERLOADED = {stacked: typed_stacked, unbroadcast: typed_unbroadcast}

_compiled = {}


def forms(numba):
    """{plain function: its numba form}, made once: `njit` of each, and `stacked` and
    `unbroadcast` given to numba as overloads (their code depends on their arguments'
    types)."""
    if not _compiled:
        from numba.extending import overload
        for fn in (push, sigmoid):
            _compiled[fn] = numba.njit(cache=False)(fn)
        for fn, typed in _OVERLOADED.items():
            overload(fn)(typed)
            _compiled[fn] = fn
    return _compiled
