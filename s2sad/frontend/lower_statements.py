"""Lowering statements: assignments, element writes, `return`.

A mixin of the lowerer (lower.py), whose state it reads and writes. It also tracks which
arrays a function may write into element by element (only a new array that no other name
shares) and which names may share an array with another, where an in-place `+=` would
change both.
"""
import operator
import types

import gast
import numpy as np

from .. import ir
from ..syntax.operators import BINARY
from . import fence
from .lists import Display
from .names import displayed_lists, held_by_lists

# Constructors whose result is a new array that no other variable shares: the only arrays
# s2sad lets a function write into element by element.
FRESH_ARRAYS = {np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
                np.empty_like, np.full_like, np.copy, np.array, np.arange, np.eye,
                np.identity, np.linspace}


class StatementLowering:
    """Statements lowered one by one; an assignment defines a fresh SSA name unless its
    variable is mutable, when it overwrites it."""

    def statement(self, node):
        """Lower a statement of a kind the fence lets through (fence.py)."""
        getattr(self, "stmt_" + type(node).__name__)(node)

    def stmt_Pass(self, node):
        pass

    def stmt_Return(self, node):
        if self.result_var is not None:
            self.into(node.value, self.result_var)
        else:
            self.result = self.expr(node.value, ir.Var(self.namer.fresh(self.parsed.name)))
        if isinstance(self.result, tuple) or self.is_list(self.result):
            raise self.error(node, *fence.RETURNING_TUPLE)

    def stmt_Assign(self, node):
        target = node.targets[0]
        if isinstance(target, gast.Name):
            self.assign(target.id, node.value)
        elif isinstance(target, gast.Subscript):
            self.set_item(node, target, self.expr(node.value))
        else:
            self.assign_tuple([elt.id for elt in target.elts], node.value)

    def assign(self, name, value):
        self.note_fresh(name, value)
        self.list_assigned(name, value)
        if isinstance(value, gast.Name):
            source = self.read(value)
            if isinstance(source, ir.Var):
                self.aliased |= {source.name, name}
        elif _may_be_view(value):
            self.aliased.add(name)
        if name in self.mutable:
            self.into(value, ir.Var(name))
            self.env[name] = ir.Var(name)
        else:
            self.env[name] = self.snapshot(self.expr(value, self.new_var(name)), name)

    def snapshot(self, atom, name):
        """`atom`, or a copy of it under a new SSA name if it is a mutable variable: the
        name must keep this value when the variable is overwritten later (so must each
        element of a tuple)."""
        if isinstance(atom, tuple):
            return type(atom)(self.snapshot(item, None) for item in atom)
        if isinstance(atom, ir.Var) and atom.name in self.mutable and atom.name != name:
            target = self.new_var(name) if name else None
            return self.emit(target, ir.COPY, (atom,))
        return atom

    def assign_tuple(self, names, value):
        mutable = [name for name in names if name in self.mutable]
        fresh = set()
        if isinstance(value, gast.Tuple) and len(value.elts) == len(names):
            fresh = {name for name, elt in zip(names, value.elts) if self.is_fresh_array(elt)
                     or self.moved(elt, names, value.elts)}
        self.fresh_arrays = (self.fresh_arrays - set(names)) | fresh
        if isinstance(value, gast.Tuple) and len(value.elts) == len(names):
            if not mutable:
                values = [self.snapshot(self.expr(elt, self.new_var(name)), name)
                          for name, elt in zip(names, value.elts)]
                self.env.update(zip(names, values))
                return
            parts = []
            for name, elt in zip(names, value.elts):
                part = ir.Var(self.namer.temp())
                self.mutable.add(part.name)
                if name in self.lists:
                    self.lists.add(part.name)
                self.into(elt, part)
                parts.append(part)
        elif self.part_call(value, len(names)):
            parts = [self.part(value, i, ir.Var(self.namer.temp()) if name in self.mutable
                               else self.new_var(name)) for i, name in enumerate(names)]
        else:
            whole = self.expr(value)
            if mutable and isinstance(whole, ir.Var):
                self.mutable.add(whole.name)
            if isinstance(whole, tuple):
                if len(whole) != len(names):
                    raise self.error(value, f"unpacking a tuple of {len(whole)} values into "
                                     f"{len(names)} names", "unpack as many names as values.")
                parts = list(whole)
            else:
                parts = [self.emit(None, operator.getitem, (whole, ir.Const(i)))
                         for i in range(len(names))]
        for name, part in zip(names, parts):
            if name in self.mutable:
                self.emit(ir.Var(name), ir.COPY, (part,))
                self.env[name] = ir.Var(name)
            else:
                self.env[name] = part

    def moved(self, node, names, elements):
        """Whether `node` names a new array this tuple assignment hands over to another
        name: its old name is assigned in the same statement and no other element names it
        (`a, b = b, f(x)` leaves the array in `a` alone)."""
        return isinstance(node, gast.Name) and node.id in self.fresh_arrays and \
            node.id in names and sum(isinstance(e, gast.Name) and e.id == node.id
                                     for e in elements) == 1

    def into(self, node, var):
        """Lower `node` so that its value ends up in variable `var`."""
        atom = self.expr(node, var)
        if var.name in self.lists and not (isinstance(atom, tuple) or self.is_list(atom)):
            raise self.error(node, f"assigning `{var.name}` a value that is not a list, "
                             "where it also holds a list", "give the list a name of its own.")
        if isinstance(atom, tuple) and (var.name in self.lists or isinstance(atom, Display)
                                        and var.name in self.mutable):
            self.made_list(atom, var)
        elif atom != var:
            self.emit(var, ir.COPY, (atom,))

    def stmt_AugAssign(self, node):
        prim = BINARY[type(node.op)]
        if isinstance(node.target, gast.Subscript):
            base = self.expr(node.target.value)
            index = self.index(node.target.slice)
            current = self.emit(None, operator.getitem, (base, index))
            value = self.emit(None, prim, (current, self.expr(node.value)))
            self.set_item(node, node.target, value, index)
            return
        name = node.target.id
        current = self.read(node.target)
        if isinstance(current, ir.Var) and current.name in self.aliased:
            self.inplace.append((current.name, self.line, name))
        value = self.expr(node.value)
        target = ir.Var(name) if name in self.mutable else self.new_var(name)
        self.env[name] = self.emit(target, prim, (current, value))

    def set_item(self, node, target, value, index=None):
        base = target.value
        if base.id in self.lists or base.id in displayed_lists(self.statements) or \
                isinstance(self.env.get(base.id), tuple):
            raise self.error(node, f"writing into an item of the list `{base.id}`",
                             "append the new value to a list of its own, or make an array "
                             f"(`{base.id} = np.zeros(n)`) and write its elements.")
        if base.id not in self.fresh_arrays and base.id in held_by_lists(self.statements):
            raise self.error(node, f"writing into `{base.id}`, which a list may also hold",
                             f"append a copy (`xs.append({base.id}.copy())`), or make a new "
                             f"array (`{base.id} = np.zeros(n)`) before writing the next item.")
        if base.id not in self.fresh_arrays:
            raise self.error(
                node, f"writing into `{base.id}`, which may share memory with an argument "
                "or another array", f"build a new array first, e.g. `{base.id} = "
                f"{base.id}.copy()` or `{base.id} = np.zeros(n)`, before writing elements.")
        array = self.read(base)
        if index is None:
            index = self.index(target.slice)
        self.block.append(ir.SetItem(array, index, value, self.line))
        self.forget({array.name})

    def note_fresh(self, name, value):
        if self.is_fresh_array(value):
            self.fresh_arrays.add(name)
        else:
            self.fresh_arrays.discard(name)

    def is_fresh_array(self, node):
        """Whether `node` certainly makes a new array: a constructor, a copy, arithmetic or
        a NumPy ufunc."""
        if isinstance(node, (gast.BinOp, gast.UnaryOp)):
            return True
        if not isinstance(node, gast.Call):
            return False
        if isinstance(self.resolve(node.func), np.ufunc):
            return True
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr == "copy" and not node.args:
            resolved = self.resolve(func.value)
            return resolved is None or not isinstance(resolved, types.ModuleType)
        return any(self.resolve(func) is fn for fn in FRESH_ARRAYS)


# functions and methods whose result may share memory with their argument
_VIEW_CALLS = {"reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze",
               "expand_dims", "broadcast_to", "flip", "fliplr", "flipud", "asarray", "diag",
               "diagonal", "real", "view"}


def _may_be_view(node):
    """Whether an assigned expression may be a NumPy view of another array (`x[1:]`, `x.T`,
    `x.reshape(-1)`, `np.ravel(x)`), which an in-place update would write through."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and node.func.attr in _VIEW_CALLS:
        return True
    return (isinstance(node, gast.Subscript) or (isinstance(node, gast.Attribute)
                                                 and node.attr == "T")) \
        and isinstance(node.value, gast.Name)
