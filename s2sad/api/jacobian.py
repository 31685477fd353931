"""`jacobian`: the whole Jacobian, by tangent sweeps or by adjoint sweeps.

Forward mode gets one column per input direction, and runs all of them in one vector
sweep (each tangent carries a leading axis of directions); reverse mode gets one row per
output element, one adjoint sweep each. Forward costs about n function evaluations for n
inputs, reverse about m for m outputs, so `mode="auto"` picks forward when n <= m (the
seeds' rule: forward also needs no stack).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import ArgumentError, UnsupportedError, UsageError, shown
from ..ir import kinds as K
from ..ir import trees
from . import lazy, structured
from .derivative import DerivedFunction
from .located import run
from .values import result_tangent

MODES = ("auto", "forward", "reverse")


def choose(inputs, outputs):
    """The mode with fewer sweeps for a Jacobian of `outputs` x `inputs` elements; forward
    on a tie (no stack, and one vector sweep)."""
    return "forward" if inputs <= outputs else "reverse"


class _Jacobian(DerivedFunction):
    def __init__(self, fn, wrt, what, mode):
        if mode not in MODES:
            raise UsageError(f"mode={shown(mode)} is not one of "
                             f"{', '.join(map(repr, MODES))}.")
        super().__init__(fn, wrt, what)
        self._mode = mode

    def _slow(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        names = list(self._signature.parameters)
        if lazy.any_dask(values):
            lazy.refuse(self.__name__, "a Jacobian or Hessian (a matrix held in memory)")
        for p in self._positions:
            if p < len(values) and K.is_complex(values[p]):
                raise ArgumentError(
                    f"argument '{names[p]}' is complex; jacobian and hessian take real "
                    "arguments: pass the real and imaginary parts as real arrays, or use "
                    "s2sad.vjp, s2sad.jvp and s2sad.hvp", *self._where)
        if structured.has_containers(values) or self._returns_container(values):
            return self._structured_jacobian(values)
        for p in self._positions:
            K.check_differentiable(values[p], names[p], self._where)
        inputs = [values[p] for p in self._positions]
        mode = self._mode
        if mode == "auto":
            mode = choose(sum(int(np.size(x)) for x in inputs), int(np.size(self._fn(*values))))
        if mode == "forward":
            blocks = self._forward(values, inputs)
        else:
            blocks = self._reverse(values, inputs)
        return blocks if isinstance(self._wrt, tuple) else blocks[0]

    def _returns_container(self, values):
        try:
            return self._derive(values, "forward").spec.function.layout is not None
        except UnsupportedError:
            return False

    def _structured_jacobian(self, values):
        """The Jacobian of a function whose arguments or result are containers, in
        JAX's layout: the result's structure, each leaf holding the arguments'
        structures of blocks (result leaf shape + argument leaf shape). All input
        directions go in one vector tangent sweep."""
        flat = structured.take_apart(values, self._positions, list(self._signature.parameters),
                                     self._where)
        leaves = [flat.leaves[i] for i in flat.positions]
        sizes, seeds = _unit_seeds(leaves)
        count = sum(sizes)
        try:
            derived = structured.derive(self, flat, "vector")
            value, tangents = run(derived.function, *flat.leaves, *seeds)
        except UnsupportedError:
            derived = structured.derive(self, flat, "forward")
            value, tangents = self._structured_columns(derived, flat, leaves, seeds)
        layout = derived.spec.function.layout
        outputs = value if layout is not None else (value,)
        tangents = tangents if layout is not None else (tangents,)
        columns = {}
        start = 0
        for index, size in zip(flat.positions, sizes):
            columns[index] = (start, size)
            start += size
        per_output = []
        for out, tangent in zip(outputs, tangents):
            tangent = result_tangent(out, tangent, seeds, directions=count, fn=self._fn)
            moved = np.moveaxis(tangent, 0, -1)
            parts = {}
            for index, (begin, size) in columns.items():
                leaf = flat.leaves[index]
                block = moved[..., begin:begin + size].reshape(np.shape(out) + np.shape(leaf))
                parts[index] = _plain(block, out, leaf)
            blocks = [flat.rebuilt(position, parts) for position in self._positions]
            per_output.append(tuple(blocks) if isinstance(self._wrt, tuple) else blocks[0])
        return per_output[0] if layout is None else trees.construct(layout, per_output)

    def _structured_columns(self, derived, flat, leaves, seeds):
        """`(value, tangents)` as a vector sweep gives them, one direction per sweep: for
        code whose vector tangent cannot be generated."""
        several = derived.spec.function.layout is not None
        columns = []
        for k in range(len(seeds[0])):
            column = [s[k] if np.ndim(x) else float(s[k]) for s, x in zip(seeds, leaves)]
            value, tangent = run(derived.function, *flat.leaves, *column)
            pairs = zip(value, tangent) if several else [(value, tangent)]
            columns.append([result_tangent(out, t, column, fn=self._fn) for out, t in pairs])
        stacked = [np.asarray(c) for c in zip(*columns)]
        return value, tuple(stacked) if several else stacked[0]

    def _forward(self, values, inputs):
        """All columns from one sweep: the seed of the k-th input direction is the k-th
        unit vector, split among the differentiated arguments."""
        sizes, seeds = _unit_seeds(inputs)
        count = sum(sizes)
        try:
            derived = self._derive(values, "vector")
        except UnsupportedError:
            return self._columns_one_by_one(values, inputs, seeds)
        value, tangents = run(derived.function, *values, *seeds)
        tangents = result_tangent(value, tangents, seeds, directions=count, fn=self._fn)
        return _split(np.moveaxis(tangents, 0, -1), np.shape(value), inputs, value)

    def _columns_one_by_one(self, values, inputs, seeds):
        """Forward mode one direction per sweep, for code whose vector tangent cannot be
        generated (an operand whose rank is not known until it runs)."""
        derived = self._derive(values, "forward")
        columns = []
        for k in range(len(seeds[0])):
            column = [s[k] if np.ndim(x) else float(s[k]) for s, x in zip(seeds, inputs)]
            value, tangent = run(derived.function, *values, *column)
            columns.append(result_tangent(value, tangent, column, fn=self._fn))
        stacked = np.moveaxis(np.asarray(columns), 0, -1)
        return _split(stacked, np.shape(value), inputs, value)

    def _reverse(self, values, inputs):
        """One row per output element: the adjoint with the unit cotangent of that
        element."""
        value = self._fn(*values)
        shape = np.shape(value)
        derived = self._derive(values)
        rows = []
        for k in range(int(np.prod(shape, dtype=int))):
            if shape:
                seed = np.zeros(shape, dtype=_dtype(value))
                seed.flat[k] = 1.0
            else:
                seed = 1.0
            _, grads = run(derived.function, *values, seed)
            grads = grads if len(self._positions) > 1 else (grads,)
            rows.append([np.reshape(g, np.shape(x)) for g, x in zip(grads, inputs)])
        blocks = []
        for i, x in enumerate(inputs):
            block = np.array([row[i] for row in rows]).reshape(shape + np.shape(x))
            blocks.append(_plain(block, value, x))
        return tuple(blocks)


def _unit_seeds(inputs):
    """`(sizes, seeds)`: the inputs' element counts, and for each input the seed of every
    direction at once, the rows of the identity over all inputs' elements that fall on
    its elements (shape `(count,) + input's shape`)."""
    sizes = [int(np.size(x)) for x in inputs]
    count = sum(sizes)
    dtype = np.result_type(*[_dtype(x) for x in inputs]) if inputs else np.float64
    unit = np.eye(count, dtype=dtype)
    seeds, start = [], 0
    for x, size in zip(inputs, sizes):
        seeds.append(unit[:, start:start + size].reshape((count,) + np.shape(x)))
        start += size
    return sizes, seeds


def _dtype(value):
    """Float32 arrays keep float32; numbers and other arrays work in float64."""
    if isinstance(value, np.ndarray) and value.dtype == np.float32:
        return value.dtype
    return np.dtype(np.float64)


def _split(matrix, shape, inputs, value):
    """`matrix` (output shape + all input directions) cut into one block per argument of
    shape output shape + argument shape."""
    blocks, start = [], 0
    for x in inputs:
        size = int(np.size(x))
        block = matrix[..., start:start + size].reshape(shape + np.shape(x))
        blocks.append(_plain(block, value, x))
        start += size
    return tuple(blocks)


def _plain(block, value, x):
    """A float where both the output and the argument are numbers."""
    if not np.shape(block) and type(value) is not np.ndarray and type(x) is not np.ndarray:
        return float(block)
    return np.array(block)


def jacobian(fn: Callable[..., Any] | None = None, wrt: int | str | tuple[int | str, ...] = 0,
             mode: str = "auto") -> Callable[..., Any]:
    """The Jacobian of `fn` with respect to the argument(s) `wrt`, of shape
    output shape + argument shape (a tuple of them when `wrt` is a tuple).

    `mode="forward"` builds it from tangent sweeps (all input directions in one vector
    sweep), `mode="reverse"` from adjoint sweeps (one per output element), and
    `mode="auto"` picks forward when the arguments have no more elements than the
    result, reverse otherwise."""
    if fn is None:
        return lambda f: _Jacobian(f, wrt, "jacobian", mode)
    return _Jacobian(fn, wrt, "jacobian", mode)
