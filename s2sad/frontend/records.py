"""Structures known while lowering: tuples, dicts, namedtuples, dataclasses and objects
whose shape (length, keys, fields) the code fixes, held as their leaves.

A tuple is held in the lowerer's `env` as a Python tuple of atoms; a dict, a namedtuple,
a dataclass or an object as a `Record` of atoms. Reading `params["W"]`, `hyper.lam`,
`p[0]` or `d.get("k", 0.0)` then costs nothing at run time: the Wengert list reads the
leaf itself. This is what JAX does by tracing and what a user would write by hand with
one variable per field; it keeps every leaf an ordinary scalar or array for the analyses
and emitters, which never see a container.
"""
import dataclasses
import inspect

from ..ir import Const, Global, Var, trees
from ..ir.naming import identifier


class Display(tuple):
    """The atoms of a list display known while lowering (a tuple display is a plain
    tuple): a call that takes it prints it with brackets, as the user wrote it, and a
    function that returns it returns a list."""


class Record:
    """A dict (`form` "dict") or an object read by attribute ("namedtuple", "dataclass",
    "object") whose keys are known while lowering; `fields` maps each key to an atom or a
    nested structure. `argument`: the name of the parameter it came from (writing into
    it would change the caller's value). A dict display's record is shared by every name
    that holds it, as the dict is in Python, so a write through one is seen by all."""

    def __init__(self, form, fields, cls=None, argument=None):
        self.form = form
        self.fields = dict(fields)
        self.cls = cls
        self.argument = argument

    @property
    def by_attribute(self):
        return self.form != "dict"

    @property
    def sequence(self):
        """A namedtuple is a tuple too: indexed by position and unpacked."""
        return self.form == "namedtuple"

    def values(self):
        return tuple(self.fields.values())

    def describe(self):
        return {"dict": "dict", "namedtuple": "namedtuple", "dataclass": "dataclass"}.get(
            self.form, "object")


def view(record, which):
    """`d.keys()`, `d.values()` or `d.items()` of a record: a tuple, in the dict's order
    (a namedtuple or an object: its fields)."""
    keys = tuple(Const(key) for key in record.fields)
    if which == "keys":
        return keys
    if which == "values":
        return record.values()
    return tuple(zip(keys, record.values()))


_MISSING = object()


def class_member(cls, name):
    """What the class `cls` (or its bases) defines under `name`, without running a
    descriptor (a staticmethod stays one), or None."""
    if cls is None:
        return None
    member = inspect.getattr_static(cls, name, _MISSING)
    return None if member is _MISSING else member


def record_class(cls):
    """(field names, defaults as constants) of a namedtuple or dataclass class, whose
    calls the lowering turns into records; None for anything else."""
    if not isinstance(cls, type):
        return None
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        defaults = getattr(cls, "_field_defaults", {})
        return tuple(cls._fields), {k: Const(v) for k, v in defaults.items()}
    if dataclasses.is_dataclass(cls) and all(f.init for f in dataclasses.fields(cls)):
        fields = dataclasses.fields(cls)
        return tuple(f.name for f in fields), {
            f.name: Const(f.default) for f in fields
            if f.default is not dataclasses.MISSING}
    return None


def is_structure(value):
    return isinstance(value, (tuple, Record))


def bind(name, shape, namer, constants):
    """The structure of parameter `name` of `shape` (ir/trees.py), its leaves new
    parameters named after their paths (`params["W"]` -> `params_W`), and their names in
    order. A constant it holds (a function) is read by a name of its own, entered in
    `constants`."""
    names = []

    def build(node, base):
        if node.kind == "constant":
            word = namer.fresh(base)
            constants[word] = node.cls
            return Global(word, node.cls)
        if node.kind == "leaf":
            leaf = namer.fresh(base)
            names.append(leaf)
            return Var(leaf)
        keys = node.keys or range(len(node.children))
        items = {key: build(child, f"{base}_{part_name(key, position)}")
                 for position, (key, child) in enumerate(zip(keys, node.children))}
        if node.kind == "list":
            return Display(items.values())
        if node.kind == "tuple":
            return tuple(items.values())
        return Record(node.kind, items, node.cls, argument=name)
    return build(shape, identifier(name)), names


def part_name(key, position=None):
    """The part of a leaf's name that its key gives (`W`, `0`)."""
    text = identifier(str(key)) if isinstance(key, (str, int)) else ""
    if text and (isinstance(key, int) or text == key):
        return text
    return str(position) if position is not None else text or "item"


def flatten(structure):
    """(leaves, shape) of a structure of atoms: what a function that returns it returns,
    the shape as ir/trees.py describes values."""
    if isinstance(structure, tuple):
        parts = [flatten(item) for item in structure]
        kind = "list" if isinstance(structure, Display) else "tuple"
        return ([leaf for found, _ in parts for leaf in found],
                trees.Shape(kind, list if kind == "list" else tuple, (),
                            tuple(shape for _, shape in parts)))
    if isinstance(structure, Record):
        parts = [flatten(item) for item in structure.values()]
        keys = tuple(structure.fields)
        return ([leaf for found, _ in parts for leaf in found],
                trees.Shape(structure.form, structure.cls or dict, keys,
                            tuple(shape for _, shape in parts)))
    return [structure], trees.LEAF


def leaves(structure):
    return flatten(structure)[0]


def same_shape(a, b):
    """Whether two structures have the same layout (each leaf may differ)."""
    return flatten(a)[1] == flatten(b)[1]


def rebuilt(structure, values):
    """`structure` with its leaves replaced by `values`, in order."""
    values = iter(values)

    def build(item):
        if isinstance(item, tuple):
            return type(item)(build(part) for part in item)
        if isinstance(item, Record):
            return Record(item.form, {key: build(part) for key, part in item.fields.items()},
                          item.cls)
        return next(values)
    return build(structure)
