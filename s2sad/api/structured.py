"""Calls whose arguments or result are containers: dicts, lists, tuples, namedtuples,
dataclasses and objects of numbers and arrays, nested (ir/trees.py).

The generated code never sees a container: a parameter `params` that is a dict of two
arrays is two parameters of the derivative, `params_W` and `params_b`
(frontend/records.py), and a function that returns `(dx, dy)` returns two values. This
module takes a call apart into those leaves and puts the results together again: the
gradient of `params` comes back as a dict with the same keys, a tuple cotangent seeds one
adjoint per element, a tangent comes back shaped like the result. Float leaves are
differentiated; every other leaf (integers, flags, strings, None) is a constant that the
generated code reads, and its place in a gradient or tangent holds None (trees.py says
why).

These calls take the slow path every time (binding, flattening, a dictionary lookup):
about as long as a small function's evaluation, nothing against a real model's.
"""
from dataclasses import dataclass

from .. import pipeline
from ..errors import UsageError
from ..ir import kinds as K
from ..ir import trees
from .values import all_float64, like, result_tangent, seed_like


def has_containers(values):
    """Whether a call takes the structured path: a container among its arguments, or a
    constant the code calls or reads attributes of (a function, a class)."""
    return any(trees.is_container(value) or trees.is_constant(value) for value in values)


@dataclass
class Flat:
    """A call taken apart: the leaves of every argument, their shapes, the positions of
    the differentiated leaves among them, where each argument's leaves start, each
    leaf's path and each argument's name."""
    values: tuple
    layouts: tuple
    leaves: list
    starts: list
    positions: tuple
    names: list
    arguments: list
    # per argument, for each of its leaves in order: its index in `leaves`, or None for a
    # constant (a function it holds), which the shape holds instead
    slots: list

    def leaves_of(self, position):
        start = self.starts[position]
        return range(start, start + self.layouts[position].size)

    def rebuilt(self, position, values):
        """Argument `position`'s structure holding `values[i]` at leaf i, None at its
        constants."""
        return trees.rebuild(self.values[position],
                             [None if i is None else values.get(i) for i in self.slots[position]])


def take_apart(values, positions, names, where):
    """The `Flat` call of `values`, differentiated in the arguments at `positions`."""
    layouts, leaves, starts, wanted, leaf_names, slots = [], [], [], [], [], []
    for position, value in enumerate(values):
        every, shape = trees.flatten(value, names[position])
        shape, found = trees.with_constants(shape, every)
        layouts.append(shape)
        starts.append(len(leaves))
        kept = iter(range(len(leaves), len(leaves) + len(found)))
        slots.append([None if trees.is_constant(leaf) and shape.kind != "leaf" else next(kept)
                      for leaf in every])
        if position in positions:
            if shape.kind == "leaf":
                K.check_differentiable(value, names[position], where)
                wanted.append(len(leaves))
            else:
                wanted.extend(len(leaves) + i for i, leaf in enumerate(found)
                              if trees.differentiable(leaf))
        leaves.extend(found)
        leaf_names.extend(path.text for path in trees.paths(shape, names[position]))
    return Flat(tuple(values), tuple(layouts), leaves, starts, tuple(wanted), leaf_names,
                list(names), slots)


def derive(derived_function, flat, mode):
    """The generated derivative for the leaves of a call."""
    kinds = K.of_arguments(flat.leaves, flat.positions, flat.names, derived_function._where)
    return pipeline.derive(derived_function._fn, kinds, flat.positions, mode,
                           float64=all_float64(flat.leaves), layouts=layouts_of(flat))


def layouts_of(flat):
    return None if all(shape.kind == "leaf" for shape in flat.layouts) else flat.layouts


def gradients(flat, grads, wrt, positions, fn):
    """Each differentiated argument's gradient in its argument's structure; `grads` are
    the generated code's, one per differentiated leaf."""
    grads = grads if len(flat.positions) != 1 else (grads,)
    by_leaf = {i: like(flat.leaves[i], g, fn) for i, g in zip(flat.positions, grads)}
    out = [flat.rebuilt(position, by_leaf) for position in positions]
    return tuple(out) if isinstance(wrt, tuple) else out[0]


def tangent_leaves(flat, tangent, wrt, positions, name):
    """The generated code's tangent seeds (one per differentiated leaf) from the user's
    tangent of each differentiated argument, structured like the argument (None, or
    anything, at its constants)."""
    if isinstance(wrt, tuple):
        if not isinstance(tangent, (tuple, list)) or len(tangent) != len(positions):
            raise UsageError(f"{name}: wrt names {len(positions)} arguments, so pass a tuple "
                             f"of {len(positions)} tangents, one per argument.")
        tangents = tuple(tangent)
    else:
        tangents = (tangent,)
    seeds = {}
    for position, given in zip(positions, tangents):
        argument = flat.arguments[position]
        if flat.layouts[position].kind != "leaf":
            trees.check_same(flat.values[position], given, f"'{argument}'",
                             f"{name}: the tangent of '{argument}'")
        parts = trees.flatten(given)[0] if flat.layouts[position].kind != "leaf" else [given]
        for index, part in zip(flat.slots[position], parts):
            if index in flat.positions:
                seeds[index] = seed_like(flat.leaves[index], part, flat.names[index])
    return [seeds[i] for i in flat.positions]


def cotangent_leaves(derived, cotangent):
    """The generated code's cotangent seeds from the user's cotangent of the result."""
    layout = derived.spec.function.layout
    if layout is None:
        return [cotangent]
    found, given = trees.flatten(cotangent)
    if given != layout and trees.sequence_blind(given) != trees.sequence_blind(layout):
        trees.check_same(trees.construct(layout, [0.0] * layout.size), cotangent,
                         "the result", "the cotangent")
    return [_float(leaf) for leaf in found]


def _float(leaf):
    if isinstance(leaf, (int,)) or getattr(leaf, "ndim", None) == 0:
        return float(leaf)
    return leaf


def value_of(derived, value):
    """The function's value as the user's code returns it: a container rebuilt."""
    layout = derived.spec.function.layout
    return value if layout is None else trees.construct(layout, value)


def tangent_of(derived, value, tangent, seeds, fn):
    """The result's tangent, in the result's structure (None at a leaf that is not a
    float)."""
    layout = derived.spec.function.layout
    if layout is None:
        return result_tangent(value, tangent, seeds, fn=fn)
    parts = [result_tangent(v, t, seeds, fn=fn) if trees.differentiable(v)
             or isinstance(v, (int, float)) and not isinstance(v, bool) else None
             for v, t in zip(value, tangent)]
    return trees.construct(layout, parts)
