"""How a structured value (a tuple, list, dict, namedtuple, dataclass or object) is laid
out over its leaves, the numbers and arrays the Wengert list holds.

The IR holds only leaves: a parameter `params` that is a dict of two arrays is two
parameters, `params_W` and `params_b`, and a function that returns `(dx, dy)` returns two
values. A `Layout` says how to take the value apart (the frontend binds `params["W"]` to
the leaf) and how to put it together again (the API returns the gradient of `params` as
a dict with the same keys). It is hashable: it is part of the key a derivative is cached
under, since the generated code depends on the keys and on where each leaf sits.

>>> layout = describe({"W": 1.0, "b": (2.0, 3.0)})
>>> layout.count
3
>>> rebuild(layout, [10.0, 20.0, 30.0])
{'W': 10.0, 'b': (20.0, 30.0)}
"""
import copy
import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """A number, an array or any value that is not a container."""

    @property
    def count(self):
        return 1


LEAF = Leaf()


@dataclass(frozen=True)
class Node:
    """A container: `form` is "tuple", "list", "dict", "namedtuple", "dataclass" or
    "object"; `keys` are the dict keys, field or attribute names, or positions; `cls`
    the class to rebuild (compared by identity)."""
    form: str
    keys: tuple
    children: tuple
    cls: type = None

    @property
    def count(self):
        return sum(child.count for child in self.children)

    @property
    def by_attribute(self):
        """Whether the fields are read as attributes (`p.lam`) rather than subscripts."""
        return self.form in ("namedtuple", "dataclass", "object")

    @property
    def sequence(self):
        """Whether the value is indexed by position and unpacked (`a, b = p`)."""
        return self.form in ("tuple", "list", "namedtuple")


def is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_container(value):
    """Whether `value` is taken apart into leaves (not a number, array or string)."""
    return isinstance(value, (tuple, list, dict)) or dataclasses.is_dataclass(value) \
        and not isinstance(value, type) or _plain_object(value)


def _plain_object(value):
    """An instance of a user's class with fields: its attributes are its parameters."""
    cls = type(value)
    return hasattr(value, "__dict__") and not isinstance(value, type) and \
        cls.__module__ not in ("builtins", "numpy", "types", "functools") and \
        not callable(getattr(value, "__array__", None)) and \
        type(value).__module__.split(".")[0] not in ("numpy", "scipy", "s2sad")


def fields(value):
    """(form, keys, values, cls) of a container."""
    if is_namedtuple(value):
        return "namedtuple", tuple(value._fields), tuple(value), type(value)
    if isinstance(value, tuple):
        return "tuple", tuple(range(len(value))), value, None
    if isinstance(value, list):
        return "list", tuple(range(len(value))), tuple(value), None
    if isinstance(value, dict):
        return "dict", tuple(value), tuple(value.values()), type(value)
    if dataclasses.is_dataclass(value):
        names = tuple(f.name for f in dataclasses.fields(value))
        return "dataclass", names, tuple(getattr(value, n) for n in names), type(value)
    names = tuple(vars(value))
    return "object", names, tuple(vars(value)[n] for n in names), type(value)


def describe(value):
    """The layout of `value` (LEAF for a value that is not a container)."""
    if not is_container(value):
        return LEAF
    form, keys, values, cls = fields(value)
    return Node(form, keys, tuple(describe(v) for v in values), cls)


def leaves(value, layout=None):
    """The leaves of `value`, in layout order."""
    layout = describe(value) if layout is None else layout
    if isinstance(layout, Leaf):
        return [value]
    found = []
    for child, item in zip(layout.children, fields(value)[2]):
        found.extend(leaves(item, child))
    return found


def paths(layout, base):
    """A readable path for each leaf (`params["W"]`, `model.scale`, `p[0]`)."""
    if isinstance(layout, Leaf):
        return [base]
    found = []
    for key, child in zip(layout.keys, layout.children):
        step = f".{key}" if layout.by_attribute else f"[{key!r}]"
        found.extend(paths(child, base + step))
    return found


def rebuild(layout, values, like=None):
    """The value of `layout` whose leaves are `values` (in order). An object or dataclass
    is rebuilt from `like` (the value it was described from), its other attributes kept."""
    values = list(values)
    built = _rebuild(layout, iter(values), like)
    return built


def _rebuild(layout, values, like):
    if isinstance(layout, Leaf):
        return next(values)
    originals = fields(like)[2] if like is not None else (None,) * len(layout.children)
    items = [_rebuild(child, values, original)
             for child, original in zip(layout.children, originals)]
    form = layout.form
    if form == "tuple":
        return tuple(items)
    if form == "list":
        return items
    if form == "namedtuple":
        return layout.cls(*items)
    if form == "dict":
        made = layout.cls() if layout.cls not in (None, dict) else {}
        made.update(zip(layout.keys, items))
        return made
    if like is None:
        made = object.__new__(layout.cls)
    else:
        made = copy.copy(like)
    for key, item in zip(layout.keys, items):
        object.__setattr__(made, key, item)
    return made
