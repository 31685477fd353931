"""Calls whose arguments or result are containers: dicts, lists, tuples, namedtuples,
dataclasses and objects of numbers and arrays, nested.

The generated code never sees a container: a parameter `params` that is a dict of two
arrays is two parameters of the derivative, `params_W` and `params_b` (frontend/records.py),
and a function that returns `(dx, dy)` returns two values. This module takes a call
apart into those leaves and puts the results together again: the gradient of `params`
comes back as a dict with the same keys, a tuple cotangent seeds one adjoint per element,
a tangent comes back shaped like the result. Numbers and float arrays are differentiated;
every other leaf (integers, flags, strings, None) is a constant that the generated code
reads, and its entry in a gradient or tangent is a zero (None for a leaf that is not a
number).

These calls take the slow path every time (binding, flattening, a dictionary lookup):
about as long as a small function's evaluation, nothing against a real model's.
"""
from dataclasses import dataclass

import numpy as np

from .. import pipeline
from ..errors import UsageError
from ..ir import kinds as K
from ..ir import layouts as L
from .values import all_float64, like, result_tangent, seed_like


def has_containers(values):
    return any(L.is_container(value) for value in values)


@dataclass
class Flat:
    """A call taken apart: the leaves of every argument, their layouts, the positions of
    the differentiated leaves among them, and where each argument's leaves start."""
    values: tuple
    layouts: tuple
    leaves: list
    starts: list
    positions: tuple
    names: list
    arguments: list

    def leaves_of(self, position):
        start = self.starts[position]
        return range(start, start + self.layouts[position].count)


def take_apart(values, positions, names, where):
    """The `Flat` call of `values`, differentiated in the arguments at `positions`."""
    layouts, leaves, starts, wanted, leaf_names = [], [], [], [], []
    for position, value in enumerate(values):
        layout = L.describe(value)
        layouts.append(layout)
        starts.append(len(leaves))
        found = L.leaves(value, layout)
        paths = L.paths(layout, names[position])
        if position in positions:
            if isinstance(layout, L.Leaf):
                K.check_differentiable(value, names[position], where)
                wanted.append(len(leaves))
            else:
                wanted.extend(len(leaves) + i for i, leaf in enumerate(found)
                              if differentiable(leaf))
        leaves.extend(found)
        leaf_names.extend(paths)
    return Flat(tuple(values), tuple(layouts), leaves, starts, tuple(wanted), leaf_names,
                list(names))


def differentiable(leaf):
    """A float or a float array: differentiated when its container is."""
    if type(leaf) is float or isinstance(leaf, np.floating):
        return True
    return isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"


def derive(derived_function, flat, mode):
    """The generated derivative for the leaves of a call."""
    kinds = K.of_arguments(flat.leaves, flat.positions, flat.names, derived_function._where)
    return pipeline.derive(derived_function._fn, kinds, flat.positions, mode,
                           float64=all_float64(flat.leaves), layouts=layouts_of(flat))


def layouts_of(flat):
    return None if all(isinstance(layout, L.Leaf) for layout in flat.layouts) \
        else flat.layouts


def zero(leaf):
    """The entry of a gradient or tangent for a leaf that is not differentiated."""
    if isinstance(leaf, np.ndarray):
        return np.zeros(leaf.shape, dtype=leaf.dtype if leaf.dtype.kind == "f" else float)
    if isinstance(leaf, (int, float, np.number)):
        return 0.0
    return None


def gradients(flat, grads, wrt, positions, fn):
    """Each differentiated argument's gradient in its argument's structure; `grads` are
    the generated code's, one per differentiated leaf."""
    grads = grads if len(flat.positions) != 1 else (grads,)
    by_leaf = dict(zip(flat.positions, grads))
    out = []
    for position in positions:
        parts = [like(flat.leaves[i], by_leaf[i], fn) if i in by_leaf else zero(flat.leaves[i])
                 for i in flat.leaves_of(position)]
        out.append(L.rebuild(flat.layouts[position], parts, flat.values[position]))
    return tuple(out) if isinstance(wrt, tuple) else out[0]


def tangent_leaves(flat, tangent, wrt, positions, name):
    """The generated code's tangent seeds (one per differentiated leaf) from the user's
    tangent of each differentiated argument, shaped like the argument."""
    if isinstance(wrt, tuple):
        if not isinstance(tangent, (tuple, list)) or len(tangent) != len(positions):
            raise UsageError(f"{name}: wrt names {len(positions)} arguments, so pass a tuple "
                             f"of {len(positions)} tangents, one per argument.")
        tangents = tuple(tangent)
    else:
        tangents = (tangent,)
    seeds = {}
    for position, given in zip(positions, tangents):
        layout = flat.layouts[position]
        mismatch = L.describe(given) if not isinstance(layout, L.Leaf) else L.LEAF
        if _shape_of(mismatch) != _shape_of(layout):
            raise UsageError(f"{name}: the tangent of '{flat.arguments[position]}' is laid out as "
                             f"{_show(mismatch)} but the argument as {_show(layout)}; pass a "
                             "tangent of the argument's structure.")
        parts = L.leaves(given, mismatch)
        paths = L.paths(layout, flat.arguments[position])
        for index, part, path in zip(flat.leaves_of(position), parts, paths):
            if index in flat.positions:
                seeds[index] = seed_like(flat.leaves[index], part, path)
    return [seeds[i] for i in flat.positions]


def cotangent_leaves(derived, cotangent, fn):
    """The generated code's cotangent seeds from the user's cotangent of the result."""
    layout = derived.spec.function.layout
    if layout is None:
        return [cotangent]
    given = L.describe(cotangent)
    if _shape_of(given) != _shape_of(layout):
        raise UsageError(f"the cotangent is laid out as {_show(given)} but "
                         f"{fn.__name__} returns {_show(layout)}: pass a cotangent of the "
                         "result's structure.")
    return [_float(leaf) for leaf in L.leaves(cotangent, given)]


def _float(leaf):
    if isinstance(leaf, np.ndarray) and leaf.ndim == 0:
        return float(leaf)
    if isinstance(leaf, (int, np.integer)):
        return float(leaf)
    return leaf


def value_of(derived, value):
    """The function's value as the user's code returns it: a container rebuilt."""
    layout = derived.spec.function.layout
    return value if layout is None else L.rebuild(layout, value)


def tangent_of(derived, value, tangent, seeds, fn):
    """The result's tangent, in the result's structure."""
    layout = derived.spec.function.layout
    if layout is None:
        return result_tangent(value, tangent, seeds, fn=fn)
    parts = [result_tangent(v, t, seeds, fn=fn) if t is not None else zero(v)
             for v, t in zip(value, tangent)]
    return L.rebuild(layout, parts)


def _shape_of(layout):
    """A layout without its classes: a tuple cotangent may stand for a namedtuple."""
    if isinstance(layout, L.Leaf):
        return "leaf"
    form = "sequence" if layout.sequence else layout.form
    keys = layout.keys if form != "sequence" else len(layout.keys)
    return (form, keys, tuple(_shape_of(child) for child in layout.children))


def _show(layout):
    if isinstance(layout, L.Leaf):
        return "one value"
    if layout.sequence:
        return f"a {layout.form} of {len(layout.keys)} values"
    return f"a {layout.form} with keys {list(layout.keys)}"
