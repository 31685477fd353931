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
    """`np.array(items)` of a non-empty list of arrays of one shape: the arrays along a
    new first axis (numba's np.array takes numbers and tuples, not arrays)."""
    first = items[0]
    out = np.empty((len(items),) + first.shape, first.dtype)
    for k in range(len(items)):
        out[k] = items[k]
    return out


def sigmoid(x):
    """runtime.sigmoid: 1 / (1 + exp(-x)), of a number or an array."""
    return 1.0 / (1.0 + np.exp(-x))


# s2sad's own helpers (by the object the generated code reads) -> their numba forms here
NUMBA_FORMS = {runtime.sigmoid: sigmoid}
OWN = {"push": push, "stacked": stacked}

_compiled = {}


def forms(numba):
    """{plain function: its njit-compiled form}, made once."""
    if not _compiled:
        for fn in list(OWN.values()) + [sigmoid]:
            _compiled[fn] = numba.njit(cache=False)(fn)
    return _compiled
