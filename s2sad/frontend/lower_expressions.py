"""Lowering expressions: names, attributes, operators, subscripts.

A mixin of the lowerer (lower.py), whose state it reads and writes. A name is read from
the variables in scope or, failing that, from the function's module; an attribute of a
variable is lowered only for the array attributes s2sad reads (VALUE_ATTRIBUTES). Calls
are lowered in lower_calls.py, conditional expressions in lower_control.py.
"""
import operator

import gast
import numpy as np

from .. import ir
from ..errors import ArgumentError
from ..syntax.operators import BINARY, COMPARE, UNARY
from . import advice, read, records

VALUE_ATTRIBUTES = {"T", "shape", "ndim", "size", "dtype", "real", "imag"}


class ExpressionLowering:
    """Expressions lowered to atoms: each intermediate named, module-level values kept as
    `ir.Global`s, a tuple display as a tuple of atoms."""

    def expr(self, node, target=None):
        """Lower `node`, returning the atom that holds its value; the fence let through
        only the kinds of expression lowered here (fence.py)."""
        return getattr(self, "expr_" + type(node).__name__)(node, target)

    def expr_Constant(self, node, target):
        return ir.Const(node.value)

    def expr_Name(self, node, target):
        return self.read(node)

    def read(self, node):
        name = node.id
        if name in self.env:
            return self.env[name]
        if name in self.mutable and name in self.locals and self.in_loop:
            self.read_in_loop.add(name)
            return ir.Var(name)
        if name in self.locals:
            raise self.error(node, f"reading '{name}' before it is assigned",
                             "assign it before use.")
        if self.definer is not None:
            return self.read_enclosing(node)
        found, value = self.scope.lookup(name)
        if self.is_itself(name, found, value):
            return ir.Global(name, self.parsed.fn)
        if not found:
            raise self.error(node, f"the undefined name '{name}'",
                             "define it at module level or pass it as an argument.")
        return ir.Global(self.spelled(name, value), value)

    def is_itself(self, name, found, value):
        """Whether the name a recursive function calls itself by means the function: also
        once a derivative of it is bound to that name (`rec = s2sad.grad(rec)`, or the
        decorator `@s2sad.grad`, which binds it after this runs)."""
        if name != self.parsed.node.name or (found and value is self.parsed.fn):
            return False
        if not found or (isinstance(value, read.Derivative)
                         and value._fn is self.parsed.fn):
            self.rebound = True
            return True
        return False

    def resolve(self, node):
        """The module-level object a dotted name denotes, or None."""
        if isinstance(node, gast.Name):
            if node.id in self.locals or self.encloses(node.id):
                return None
            found, value = self.scope.lookup(node.id)
            return value if found else None
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            return self.scope.attribute(base, node.attr)[1] if base is not None else None
        return None

    def expr_Attribute(self, node, target):
        value = self.expr(node.value)
        if records.is_structure(value):
            return self.field(node, value, node.attr)
        if isinstance(value, ir.Global):
            found, attribute = self.scope.attribute(value.value, node.attr)
            if not found:
                raise self.error(node, f"`{value.text}.{node.attr}`",
                                 f"`{value.text}` has no attribute '{node.attr}'.")
            return ir.Global(f"{value.text}.{node.attr}", attribute)
        if node.attr not in VALUE_ATTRIBUTES:
            raise self.error(node, *_attribute_problem(node))
        return self.emit(target, ir.Attr(node.attr), (value,))

    def expr_BinOp(self, node, target):
        left = self.expr(node.left)
        right = self.expr(node.right)
        joining = isinstance(node.op, gast.Add) and all(
            isinstance(side, tuple) or self.is_list(side) for side in (left, right))
        if not joining:
            self.no_arguments(node, (left, right))
        listed = [isinstance(side, tuple) or self.is_list(side) for side in (left, right)]
        if any(listed) and isinstance(node.op, gast.Add):
            return self.joined(node, left, right, target)
        if isinstance(node.op, gast.Mult) and isinstance(left, tuple):
            return self.repeated(node, left, right)
        if isinstance(node.op, gast.Mult) and isinstance(right, tuple):
            return self.repeated(node, right, left)
        self.no_containers(node, (left, right))
        if any(listed):
            raise self.error(node, f"the operator `{type(node.op).__name__}` on a list",
                             "make it an array first: `np.array(xs)`.")
        known = [_known_int(side) for side in (left, right)]
        if type(node.op) in _INT_FOLDS and None not in known and not (
                isinstance(node.op, gast.FloorDiv) and known[1] == 0) and \
                any(isinstance(side, ir.Global) for side in (left, right)):
            return ir.Const(BINARY[type(node.op)](*known))
        return self.emit(target, BINARY[type(node.op)], (left, right))

    def no_containers(self, node, atoms):
        """Arithmetic on a tuple, list or dict is refused here, at the user's line: the
        container holds several values (an argument may be one: `grad(f)([1.0, 2.0])`)."""
        self.no_arguments(node, atoms)
        for atom in atoms:
            if isinstance(atom, records.Record) or isinstance(atom, tuple) and (
                    not atom or not all(isinstance(a, ir.Const) for a in atom)):
                what = atom.describe() if isinstance(atom, records.Record) else "tuple or list"
                raise self.error(node, f"arithmetic on a {what}",
                                 "compute with its elements (`p[0] * x`), or make an "
                                 "array of it first (`np.array(p)`).")

    def no_arguments(self, node, atoms):
        """A container the caller passed where the code computes with a number: the
        caller's mistake, an `ArgumentError` (`grad(f)([1.0, 2.0])` for `f(x) = x * x`)."""
        for atom in atoms:
            argument = self.argument_of(atom)
            if argument is not None:
                what = atom.describe() if isinstance(atom, records.Record) else \
                    "tuple or list"
                raise ArgumentError(
                    f"argument '{argument}' is a {what}, which `{self.parsed.fn.__name__}` "
                    f"computes with as a number (`{advice.written(node)}`); pass a float or "
                    "a float NumPy array.", self.where.filename, self.where.line(node))

    def argument_of(self, structure):
        """The parameter whose container `structure` is, or None."""
        if self.parsed is not self.inlining.root:
            return None
        for name in self.params:
            held = self.env.get(name)
            if held is structure and records.is_structure(held):
                return name
        return None

    def expr_UnaryOp(self, node, target):
        operand = self.expr(node.operand)
        self.no_containers(node, (operand,))
        if isinstance(node.op, gast.USub) and isinstance(operand, ir.Const) \
                and isinstance(operand.value, (int, float)):
            return ir.Const(-operand.value)
        return self.emit(target, UNARY[type(node.op)], (operand,))

    def expr_Compare(self, node, target):
        args = (self.expr(node.left), self.expr(node.comparators[0]))
        self.no_containers(node, args)
        return self.emit(target, COMPARE[type(node.ops[0])], args)

    def expr_Tuple(self, node, target):
        items = tuple(self.expr(elt) for elt in node.elts)
        for elt, item in zip(node.elts, items):
            self.check_plain(item, elt, "stored in a tuple or list")
        return items

    def expr_Subscript(self, node, target):
        if isinstance(node.slice, gast.Constant) and type(node.slice.value) is int:
            if self.part_call(node.value, node.slice.value + 1):
                return self.part(node.value, node.slice.value, target)
            part = self.split_part(node.value, node.slice.value, target)
            if part is not None:
                return part
        joined = self.index_trick(node)
        if joined is not None:
            return joined
        value = self.expr(node.value)
        if isinstance(value, records.Record):
            return self.entry(node, value, self.index(node.slice))
        index = self.index(node.slice)
        if isinstance(value, tuple):
            part = constant_part(value, index)
            if part is OUT_OF_RANGE:
                raise self.error(node, f"an index out of range of a tuple of {len(value)} "
                                 "values", "index within the tuple.")
            if part is not None:
                return part
        if isinstance(value, tuple) or self.is_list(value):
            return self.list_item(node, value, index, target)
        return self.emit(target, operator.getitem, (value, index))

    def expr_Dict(self, node, target):
        """A dict display with keys known while lowering: a record of its values."""
        fields = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                spread = self.expr(value)
                if not isinstance(spread, records.Record) or spread.form != "dict":
                    raise self.error(value, "`**` of a value that is not a dict known here",
                                     "list the keys in the display.")
                fields.update(spread.fields)
            else:
                fields[self.key(key)] = self.snapshot(self.expr(value), None)
        return records.Record("dict", fields, dict)

    def key(self, node, name=None):
        """A dict key, which must be known while lowering (a literal or a constant)."""
        atom = self.expr(node)
        if isinstance(atom, ir.Const) and _hashable(atom.value):
            return atom.value
        if isinstance(atom, ir.Global) and isinstance(atom.value, (str, int)):
            return atom.value
        where = f" of `{name}`" if name else ""
        raise self.error(node, f"a dict key{where} computed at run time",
                         "use string or number literals as keys, or a NumPy array indexed "
                         "by integers.")

    def field(self, node, held, attribute):
        """`p.lam` of a namedtuple, dataclass or object known here: its leaf."""
        if isinstance(held, records.Record) and held.by_attribute:
            if attribute in held.fields:
                return held.fields[attribute]
            member = records.class_member(held.cls, attribute)
            if member is not None and not callable(member) and \
                    not isinstance(member, (staticmethod, classmethod, property)):
                # a class attribute (`EPS = 1e-8` in the class body): a constant
                owner = self.bound_class(held.cls)
                return ir.Global(f"{owner.text}.{attribute}", member)
            raise self.error(node, f"the attribute `{advice.written(node)}`",
                             f"the {held.describe()} has the fields "
                             f"{', '.join(map(str, held.fields))}; methods and class "
                             "attributes are read from module level.")
        what = "a dict" if isinstance(held, records.Record) else "a tuple"
        raise self.error(node, f"the attribute `{advice.written(node)}` of {what}",
                         "read a dict with `d[\"key\"]` and a tuple by position.")

    def entry(self, node, record, index):
        """`d["k"]` of a dict, `p[0]` of a namedtuple, known here: its leaf."""
        if record.sequence and isinstance(index, ir.Const) and type(index.value) is int:
            part = constant_part(record.values(), index)
            if part is not OUT_OF_RANGE:
                return part
        if record.form == "dict" and isinstance(index, (ir.Const, ir.Global)) and \
                _hashable(index.value):
            if index.value in record.fields:
                return record.fields[index.value]
            owner = advice.written(node.value)
            raise self.error(node, f"the key {index.value!r}, which `{owner}` does not have",
                             f"its keys are {', '.join(map(repr, record.fields))}.")
        raise self.error(node, f"indexing the {record.describe()} `{advice.written(node.value)}` "
                         "by a value computed at run time", "index it by literal keys; "
                         "for numbers indexed at run time use a NumPy array.")

    def index(self, node):
        index = self.axis_index(node)
        if isinstance(index, records.Display):
            # `x[[0, 1, 0]]` picks rows; a bare tuple index would be `x[0, 1, 0]`
            return (tuple(index),)
        return index

    def axis_index(self, node):
        if isinstance(node, gast.Slice):
            return ir.Slice(*(None if part is None else self.expr(part)
                              for part in (node.lower, node.upper, node.step)))
        if isinstance(node, gast.Tuple):
            return tuple(self.axis_index(elt) for elt in node.elts)
        return self.expr(node)


# int arithmetic on a closed-over or module-level int (and another, or a literal), folded
# so that a length or an axis computed from them is a constant (`np.fft.fft(x, D + n)`)
_INT_FOLDS = (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv)


def _known_int(atom):
    value = atom.value if isinstance(atom, (ir.Const, ir.Global)) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_READ = ", ".join(f"`.{name}`" for name in sorted(VALUE_ATTRIBUTES))


def _attribute_problem(node):
    """The construct and the advice for reading an attribute s2sad does not read on a
    variable: an array's own, or an attribute of some other object (an argument holding
    parameters, say), which only the caller can unpack."""
    text, owner = advice.written(node), advice.written(node.value)
    if hasattr(np.ndarray, node.attr):
        instead = advice.numpy_instead(node.attr, owner)
        return (f"the array attribute `{text}`",
                f"s2sad reads {_READ} of an array; "
                + (f"use {instead} instead." if instead else
                   "compute it with the functions in docs/functions.md instead."))
    return (f"the attribute `{text}`",
            f"a variable's attributes are read only for arrays ({_READ}); pass `{text}` "
            "to the function as an argument of its own (attributes of a module-level "
            "object are read as constants).")


OUT_OF_RANGE = object()


def constant_part(items, index):
    """`p[0]`, `p[-1]` or `p[1:]` of a tuple known while lowering (a display, or one
    held in a variable): its element or elements; None for an index known only at run
    time."""
    def number(atom):
        return atom.value if isinstance(atom, ir.Const) and type(atom.value) is int else None
    if number(index) is not None:
        inside = -len(items) <= number(index) < len(items)
        return items[number(index)] if inside else OUT_OF_RANGE
    if isinstance(index, ir.Slice):
        parts = (index.lower, index.upper, index.step)
        if all(part is None or number(part) is not None for part in parts):
            return type(items)(items[slice(*(None if p is None else number(p)
                                             for p in parts))])
    return None


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
