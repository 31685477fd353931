"""Parameter structures ("trees"): a nested value taken apart into its leaves and put back.

A model's parameters come as a dict, list, tuple, namedtuple, dataclass or object holding
floats and arrays, nested. Generated code works on plain numbers and arrays, so a derived
function flattens each structured argument into its leaves, differentiates with respect
to the float leaves, and rebuilds the gradient in the argument's own structure:

>>> leaves, shape = flatten({"W": 1.0, "layers": [2.0, (3.0, 4)]})
>>> leaves
[1.0, 2.0, 3.0, 4]
>>> rebuild({"W": 1.0, "layers": [2.0, (3.0, 4)]}, [10.0, 20.0, 30.0, None])
{'W': 10.0, 'layers': [20.0, (30.0, None)]}
>>> [path.text for path in paths(shape, "params")]
['params["W"]', 'params["layers"][0]', 'params["layers"][1][0]', 'params["layers"][1][1]']

Containers (nodes): dict and its subclasses (in insertion order), list, tuple, namedtuple,
dataclass instances (their `dataclasses.fields`) and instances of other classes (their
`vars(obj)`). Everything else is a leaf: numbers, None, strings, NumPy scalars and arrays,
functions, classes, modules, enums and objects that convert to arrays (`__array__`).

Only float leaves are differentiated (`differentiable`): Python floats, NumPy floating
scalars and float arrays. Inside a structure, an int, bool, string, None or int array is
a constant and its place in a gradient holds None, as Equinox's `filter_grad` does:
fields of that type are sizes, counts, indices, flags and names, which the function uses
but nobody optimises; None says "not differentiated" where 0.0 would claim a derivative
s2sad never computed (the derivative of `x * n` in `n` is not zero). A bare int
argument named in `wrt` is still differentiated as a real number: there the caller asked.
"""
import copy
import dataclasses
import enum
import functools
import io
import numbers
import re
import types
from typing import NamedTuple

import numpy as np

from ..errors import ArgumentError, shown


class Shape(NamedTuple):
    """What a value's structure is, without its leaves: hashable and comparable, so it
    can be part of a cache key. Equal for two values with the same containers (same
    classes) and the same keys in the same order, whatever their leaves hold; a leaf's
    kind (float, array, int) is left to the kinds of the cache key. A tuple, so that
    making, hashing and comparing one costs little on every call.

    `kind`: "leaf", "dict", "list", "tuple", "namedtuple", "dataclass" or "object";
    `cls`: the container's class; `keys`: a dict's keys, a namedtuple's, dataclass's or
    object's field names (empty for lists and tuples); `children`: one Shape per item."""
    kind: str
    cls: type = None
    keys: tuple = ()
    children: tuple = ()

    @property
    def size(self):
        """How many leaves a value of this shape has (a constant: none)."""
        if self.kind == "constant":
            return 0
        return 1 if self.kind == "leaf" else sum(child.size for child in self.children)


LEAF = Shape("leaf")

_LEAF_TYPES = frozenset((float, int, bool, complex, str, bytes, type(None), np.ndarray))
_OPAQUE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
           types.MethodType, functools.partial, enum.Enum, numbers.Number, io.IOBase,
           np.generic, np.dtype, np.ufunc)
# libraries whose objects are leaves whatever they hold (a NumPy ufunc has a `__dict__`)
_LIBRARIES = ("numpy", "scipy")


def _node(value):
    """`(kind, keys, children)` of a container, None for a leaf."""
    cls = type(value)
    if cls is dict:
        return "dict", tuple(value), tuple(value.values())
    if cls is list or cls is tuple:
        return cls.__name__, (), tuple(value)
    if cls in _LEAF_TYPES:
        return None
    if isinstance(value, dict):
        return "dict", tuple(value), tuple(value.values())
    if isinstance(value, list):
        return "list", (), tuple(value)
    if isinstance(value, tuple):
        if not hasattr(cls, "_fields") or not hasattr(cls, "_make"):
            raise ArgumentError(
                f"a parameter structure holds a `{cls.__name__}`, a tuple subclass that is "
                "not a namedtuple, which s2sad cannot rebuild: pass a tuple or a namedtuple.")
        return "namedtuple", tuple(cls._fields), tuple(value)
    if isinstance(value, _OPAQUE) or hasattr(value, "__array__") or \
            str(getattr(cls, "__module__", "")).partition(".")[0] in _LIBRARIES:
        return None
    if dataclasses.is_dataclass(value):
        names = tuple(field.name for field in dataclasses.fields(value))
        return "dataclass", names, tuple(getattr(value, name) for name in names)
    if not hasattr(value, "__dict__"):
        return None
    fields = {name: field for name, field in vars(value).items() if _parameter(name)}
    return "object", tuple(fields), tuple(fields.values())


def _parameter(name):
    """Whether an object's attribute is one of its values: not what `functools.wraps`
    copies onto a callable object (`__name__`, `__doc__`, `__wrapped__`) nor s2sad's
    own cache."""
    return not (name.startswith("__") and name.endswith("__")) and name != "_s2sad_cache"


def is_constant(value):
    """A leaf the code calls or reads attributes of rather than computes with: a function,
    a class, a module (`self.activation = np.tanh`). The generated code reads it by a
    name of its own, and it is part of the shape (a different function is different
    code)."""
    return isinstance(value, (type, types.ModuleType, types.FunctionType,
                              types.BuiltinFunctionType, np.ufunc, functools.partial))


def with_constants(shape, leaves):
    """`shape` and `leaves` with each constant leaf (`is_constant`) moved into the shape as
    a `Shape("constant", value)`, which holds no leaf."""
    leaves = iter(leaves)
    kept = []

    def visit(node):
        if node.kind == "leaf":
            leaf = next(leaves)
            if is_constant(leaf):
                return Shape("constant", leaf)
            kept.append(leaf)
            return node
        return node._replace(children=tuple(visit(child) for child in node.children))
    return visit(shape), kept


def is_container(value):
    """Whether `value` is taken apart into leaves."""
    return _node(value) is not None


def flatten(value, root=""):
    """`(leaves, shape)`: the leaves of `value` depth first, in the order of its keys,
    fields and items, and its `Shape`. A container inside itself (`layer.model = model`)
    is refused, naming the place by its path from `root`: read through the back
    reference, its fields would be constants and their derivative lost."""
    leaves = []
    try:
        return leaves, _flatten(value, leaves, set())
    except _Cycle:
        _refuse_cycle(value, [], {}, root)
        raise


class _Cycle(Exception):
    """A container met again inside itself; `_refuse_cycle` finds where, for the message."""


def _flatten(value, leaves, inside):
    node = _node(value)
    if node is None:
        leaves.append(value)
        return LEAF
    kind, keys, children = node
    if id(value) in inside:
        raise _Cycle
    inside.add(id(value))
    shape = Shape(kind, type(value), keys,
                  tuple([_flatten(child, leaves, inside) for child in children]))
    inside.discard(id(value))
    return shape


def _refuse_cycle(value, path, inside, root):
    node = _node(value)
    if node is None:
        return
    kind, keys, children = node
    if id(value) in inside:
        outer = root + _text(path[:inside[id(value)]]) or "the structure"
        raise ArgumentError(
            f"{root}{_text(path)} is {outer} again: a parameter structure cannot hold "
            "itself; pass the parameters without the back reference.")
    inside[id(value)] = len(path)
    for i, child in enumerate(children):
        path.append((kind, keys[i] if keys else i))
        _refuse_cycle(child, path, inside, root)
        path.pop()
    del inside[id(value)]


def rebuild(like, leaves):
    """A value of `like`'s structure whose leaves are `leaves`, in `flatten`'s order:
    new containers of the same classes and keys. `like` is the value itself (the
    argument for its gradient, the first tree for `map_leaves`) rather than its Shape,
    because a dataclass or an object is rebuilt as a shallow copy of the one in `like`
    (`copy.copy`, then each field set with `object.__setattr__`, which frozen dataclasses
    allow): its other attributes are kept and no `__init__` or `__post_init__` runs on
    gradient values. A Shape holding those objects would keep the caller's data alive
    in a cache key."""
    leaves = iter(leaves)
    value = _rebuild(like, leaves)
    if next(leaves, _END) is not _END:
        raise ArgumentError(f"rebuild: more leaves than the {flatten(like)[1].size} of the "
                            "structure.")
    return value


_END = object()


def _rebuild(like, leaves):
    node = _node(like)
    if node is None:
        leaf = next(leaves, _END)
        if leaf is _END:
            raise ArgumentError("rebuild: fewer leaves than the structure has.")
        return leaf
    kind, keys, children = node
    new = [_rebuild(child, leaves) for child in children]
    return _MAKE[kind](like, keys, new)


def _make_dict(like, keys, values):
    if type(like) is dict:
        return dict(zip(keys, values))
    new = copy.copy(like)
    new.clear()
    new.update(zip(keys, values))
    return new


def _make_list(like, keys, values):
    if type(like) is list:
        return values
    new = copy.copy(like)
    new[:] = values
    return new


def _make_fields(like, keys, values):
    new = copy.copy(like)
    for name, value in zip(keys, values):
        object.__setattr__(new, name, value)
    return new


_MAKE = {"dict": _make_dict, "list": _make_list, "tuple": lambda like, keys, new: tuple(new),
         "namedtuple": lambda like, keys, new: type(like)._make(new),
         "dataclass": _make_fields, "object": _make_fields}


def construct(shape, leaves):
    """A new value of `shape` whose leaves are `leaves`, made from the shape alone: what a
    function returns (its gradient has no argument to copy). A dataclass or object is
    made without running `__init__`, its fields set as `rebuild` sets them."""
    leaves = iter(leaves)

    def make(node):
        if node.kind == "leaf":
            return next(leaves)
        if node.kind == "constant":
            return node.cls
        items = [make(child) for child in node.children]
        if node.kind in ("dataclass", "object"):
            made = object.__new__(node.cls)
            for key, item in zip(node.keys, items):
                object.__setattr__(made, key, item)
            return made
        if node.kind == "dict":
            return dict(zip(node.keys, items)) if node.cls is dict else \
                node.cls(zip(node.keys, items))
        if node.kind == "namedtuple":
            return node.cls._make(items)
        return node.cls(items) if node.cls not in (list, tuple) else \
            (items if node.cls is list else tuple(items))
    return make(shape)


class LeafPath(NamedTuple):
    """Where a leaf is: `text` as Python would reach it (`params["W"]`, `model.scale`,
    `p[0].b`) for messages, `identifier` as a base for a generated variable's name
    (`params_W`, `model_scale`, `p_0_b`), to be made unique by the Namer."""
    text: str
    identifier: str


def paths(shape, root):
    """The `LeafPath` of each leaf of a value of `shape` held by the name `root`, in
    `flatten`'s order."""
    out = []
    _paths(shape, [], root, out)
    return out


def _paths(shape, steps, root, out):
    if shape.kind == "constant":
        return
    if shape.kind == "leaf":
        parts = [root] + [_word(step) for _, step in steps]
        out.append(LeafPath(root + _text(steps), "_".join(part for part in parts if part)))
        return
    for i, child in enumerate(shape.children):
        steps.append((shape.kind, shape.keys[i] if shape.keys else i))
        _paths(child, steps, root, out)
        steps.pop()


def _text(steps):
    return "".join(_step(kind, key) for kind, key in steps)


def _step(kind, key):
    if kind in ("namedtuple", "dataclass", "object"):
        return f".{key}"
    if isinstance(key, str) and re.fullmatch(r"[^\"\\\x00-\x1f]*", key):
        return f'["{key}"]'
    return f"[{key!r}]"


def _word(key):
    return re.sub(r"[^0-9A-Za-z]+", "_", str(key)).strip("_") or "key"


def differentiable(leaf):
    """Whether a leaf is differentiated: a float, a NumPy floating scalar, a float array."""
    if isinstance(leaf, (np.ndarray, np.generic)):
        return leaf.dtype.kind == "f"
    return isinstance(leaf, float)


def check_same(value, other, name, other_name):
    """Raise `ArgumentError` if `other` (a tangent, a cotangent) does not have `value`'s
    structure, saying where and how they differ first: "the cotangent does not have the
    structure of the result: it has keys ['a'] where the result has keys ['a', 'b']".
    `name`, `other_name`: what the message calls them. A list and a tuple of the same
    items match (`sequence_blind`)."""
    if sequence_blind(flatten(value)[1]) == sequence_blind(flatten(other)[1]):
        return
    steps, got, expected = _difference(value, other, [])
    where = f"at {_text(steps)} " if steps else ""
    raise ArgumentError(f"{other_name} does not have the structure of {name}: {where}"
                        f"it has {got} where {name} has {expected}.")


_SEQUENCES = ("list", "tuple")


def sequence_blind(shape):
    """`shape` with lists and tuples alike. A (co)tangent of a list may be a tuple and the
    reverse: NumPy gives a list of arrays where s2sad may hold a tuple (the outputs of
    one call), and autograd's users write either; the items say what is matched."""
    children = tuple(sequence_blind(child) for child in shape.children)
    if shape.kind in _SEQUENCES:
        return Shape("sequence", None, (), children)
    return shape._replace(children=children) if children else shape


def _difference(value, other, steps):
    """`(steps, what other has, what value has)` at the first place they differ."""
    node, other_node = _node(value), _node(other)
    if node is None and other_node is None:
        return None
    if node is None or other_node is None or type(value) is not type(other) and not (
            node[0] in _SEQUENCES and other_node[0] in _SEQUENCES):
        return steps, _describe(other, other_node), _describe(value, node)
    kind, keys, children = node
    if keys != other_node[1]:
        word = "keys" if kind == "dict" else "fields"
        return steps, f"{word} {list(other_node[1])}", f"{word} {list(keys)}"
    if len(children) != len(other_node[2]):
        return steps, f"{len(other_node[2])} items", f"{len(children)} items"
    for i, (child, other_child) in enumerate(zip(children, other_node[2])):
        steps.append((kind, keys[i] if keys else i))
        found = _difference(child, other_child, steps)
        if found is not None:
            return found
        steps.pop()
    return None


def _describe(value, node):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if value is None:
        return "None"
    name = _a(type(value).__name__)
    if node is None:
        return f"{name} ({shown(value)})" if type(value) in _LEAF_TYPES else name
    if type(value) in (dict, list, tuple):
        return name
    return f"{name} ({_a(node[0])})"


def _a(word):
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
