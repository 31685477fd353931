"""`s2sad.ravel`: a parameter structure as one vector of floats, and back.

Optimisers such as `scipy.optimize.minimize` take and return one 1-D array; a model's
parameters are a structure (trees.py). `ravel` lays the float leaves end to end and
returns the function that puts a vector back into the structure:

>>> vector, unravel = ravel({"w": np.array([1.0, 2.0]), "b": 0.5, "n": 3})
>>> vector
array([1. , 2. , 0.5])
>>> unravel(vector * 2)
{'w': array([2., 4.]), 'b': 1.0, 'n': 3}

The gradient of the structure (None at its constants) ravels to a vector of the same
length and order, which is the `jac` an optimiser wants.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import ArgumentError, shown
from ..ir.trees import differentiable, flatten, paths, rebuild


def ravel(tree: Any) -> tuple[np.ndarray, Callable[[Any], Any]]:
    """`(vector, unravel)`: the float leaves of `tree` (floats, NumPy floating scalars,
    float arrays, in the order of its keys, fields and items) in one new 1-D array, and
    the function that rebuilds `tree`'s structure from such a vector.

    The vector's dtype holds every leaf exactly: the result type of the leaves' dtypes, a
    Python float counting as float64 (float32 leaves alone give float32; an empty
    structure float64). `unravel(vector)` gives new containers of the same classes, each
    float leaf in its type, shape and dtype (a Python float as a float, float32 as
    float32), copied out of the vector; the other leaves (ints, strings, int arrays) are
    the ones `tree` held. `tree` is read once: changing it afterwards does not change
    what `unravel` builds.
    """
    leaves, shape = flatten(tree)
    floats = [i for i, leaf in enumerate(leaves) if differentiable(leaf)]
    dtype = np.result_type(*(_dtype(leaves[i]) for i in floats)) if floats else \
        np.dtype(np.float64)
    parts = [np.ravel(np.asarray(leaves[i], dtype=dtype)) for i in floats]
    vector = np.concatenate(parts) if parts else np.zeros(0, dtype)
    template = rebuild(tree, leaves)
    sizes = [np.size(leaves[i]) for i in floats]

    def unravel(vector: Any) -> Any:
        """`tree`'s structure with the floats of `vector` (from `s2sad.ravel` of it)."""
        vector = _checked(vector, shape, floats, sizes)
        new = list(leaves)
        offset = 0
        for i, size in zip(floats, sizes):
            new[i] = _leaf_like(leaves[i], vector[offset:offset + size])
            offset += size
        return rebuild(template, new)

    return vector, unravel


_SHOWN = 6  # leaves whose sizes a message lists


def _dtype(leaf):
    return leaf.dtype if isinstance(leaf, (np.ndarray, np.generic)) else np.dtype(np.float64)


def _leaf_like(leaf, piece):
    if isinstance(leaf, np.ndarray):
        return piece.reshape(leaf.shape).astype(leaf.dtype)
    if isinstance(leaf, np.generic):
        return leaf.dtype.type(piece[0])
    return float(piece[0])


def _checked(vector, shape, floats, sizes):
    array = np.asarray(vector)
    size = sum(sizes)
    if array.dtype.kind not in "fiu":
        raise ArgumentError(f"unravel takes a vector of real numbers, not {shown(vector)}.")
    if array.ndim != 1:
        raise ArgumentError(f"unravel takes a 1-D vector; this one has shape {array.shape}.")
    if array.size != size:
        names = paths(shape, "")
        counts = [f"{names[i].text or 'the value'}: {n}" for i, n in zip(floats, sizes)]
        counts = ", ".join(counts[:_SHOWN] + ["..."] * (len(counts) > _SHOWN))
        raise ArgumentError(
            f"unravel: the vector has {array.size} entries where the structure has {size} "
            f"floats ({counts or 'none'}): pass a vector that s2sad.ravel made of this "
            "structure, or one of its length.")
    return array
