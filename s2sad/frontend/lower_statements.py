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

from .. import ir, runtime
from ..syntax import queries
from ..syntax.operators import BINARY
from . import records
from .read import as_def
from .names import displayed_lists, held_by_lists
from .records import Display

# Constructors whose result is a new array that no other variable shares: the only arrays
# s2sad lets a function write into element by element (a tangent's buffer included, which
# generated tangents write into).
FRESH_ARRAYS = {np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
                np.empty_like, np.full_like, np.copy, np.array, np.arange, np.eye,
                np.identity, np.linspace, runtime.tangent_buffer}


class StatementLowering:
    """Statements lowered one by one; an assignment defines a fresh SSA name unless its
    variable is mutable, when it overwrites it."""

    def statement(self, node):
        """Lower a statement of a kind the fence lets through (fence.py)."""
        if self.tapes:
            self.note_assigned(node)
        getattr(self, "stmt_" + type(node).__name__)(node)

    def stmt_Pass(self, node):
        pass

    def stmt_Return(self, node):
        if self.parsed is not self.inlining.root:
            return self.inlined_return(node)
        if self.result_var is not None:
            self.into(node.value, self.result_var)
        else:
            self.result = self.expr(node.value, ir.Var(self.namer.fresh(self.result_base)))
        if self.is_list(self.result):
            raise self.error(node, "returning a list built at run time",
                             "return an array of it (`np.array(xs)`, `np.stack(xs)`).")
        if not records.is_structure(self.result):
            self.check_plain(self.result, node, "returned")

    def stmt_Assign(self, node):
        if self.tape_assign(node):
            return
        target = node.targets[0]
        if isinstance(target, gast.Name) and isinstance(node.value, gast.Lambda):
            if target.id in self.mutable:
                raise self.error(node, f"a lambda assigned to `{target.id}` in a branch or "
                                 "loop", "assign each lambda to a name of its own, or "
                                 "define the function with `def`.")
            self.env[target.id] = self.closure(as_def(node.value, target.id), target.id)
        elif isinstance(target, gast.Name):
            if self.is_map(node.value):
                raise self.error(node.value, "a `map(...)` iterator kept in a variable",
                                 f"build a tuple: `{target.id} = tuple(map(...))`.")
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
            held = self.read(value) if isinstance(value, gast.Name) else None
            if isinstance(held, records.Record) and held.form in ("dict", "object"):
                self.env[name] = held   # another name for the same dict, as in Python
                return
            self.into(value, ir.Var(name))
        else:
            self.env[name] = self.snapshot(self.expr(value, self.new_var(name)), name)

    def snapshot(self, atom, name):
        """`atom`, or a copy of it under a new SSA name if it is a mutable variable: the
        name must keep this value when the variable is overwritten later (so must each
        element of a tuple or namedtuple). A dict or an object is shared, as in Python."""
        if isinstance(atom, tuple):
            return type(atom)(self.snapshot(item, None) for item in atom)
        if isinstance(atom, records.Record):
            if atom.form != "namedtuple":
                return atom
            return records.Record(atom.form, {key: self.snapshot(item, None)
                                              for key, item in atom.fields.items()}, atom.cls)
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
            lowered = self.call_arguments(value, self.part_call(value, len(names)))
            parts = [self.part(value, i, ir.Var(self.namer.temp()) if name in self.mutable
                               else self.new_var(name), lowered)
                     for i, name in enumerate(names)]
        else:
            whole = self.mapped(value) if self.is_map(value) else self.expr(value)
            if mutable and isinstance(whole, ir.Var):
                self.mutable.add(whole.name)
            if isinstance(whole, records.Record) and whole.form == "namedtuple":
                whole = tuple(whole.fields.values())
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
        """Lower `node` so that its value ends up in variable `var` (a structure: in the
        variables that hold its leaves, `store_structure`)."""
        atom = self.expr(node, var)
        if var.name in self.lists and not (isinstance(atom, tuple) or self.is_list(atom)):
            raise self.error(node, f"assigning `{var.name}` a value that is not a list, "
                             "where it also holds a list", "give the list a name of its own.")
        if isinstance(atom, tuple) and (var.name in self.lists or isinstance(atom, Display)
                                        and var.name in self.mutable):
            self.made_list(atom, var)
            self.env[var.name] = var
            return
        if records.is_structure(atom):
            self.store_structure(var.name, atom, node)
            return
        if var.name in self.components:
            raise self.error(node, f"`{var.name}` holding a container on one path and a "
                             "single value on another", "give the two values names of "
                             "their own.")
        self.check_plain(atom, node)
        if atom != var:
            self.emit(var, ir.COPY, (atom,))
        self.env[var.name] = var

    def store_structure(self, name, structure, node):
        """A container assigned to a name that is overwritten (in a loop or branch, or
        written into): its leaves go into variables of their own, one per leaf
        (`state_0`, `params_W`), the same ones at every assignment, so that a loop can
        carry the container and the adjoint treats each leaf like any other variable."""
        held = self.components.get(name)
        for leaf in records.leaves(structure):
            self.check_plain(leaf, node, "stored in a container")
        if held is None and (name in self.read_in_loop or self.depth and not
                             records.is_structure(self.env.get(name, ()))):
            raise self.error(node, f"`{name}` holding a container on one path and a single "
                             "value on another", "give each a name of its own.")
        if held is not None and not records.same_shape(held, structure):
            if self.depth:
                raise self.error(node, f"`{name}` holding containers of different shapes "
                                 "on different paths or trips", "keep the same length and "
                                 "keys, or use names of their own.")
            held = None
        if held is None:
            held = records.rebuilt(structure, self.component_names(name, structure))
            self.components[name] = held
            self.mutable.update(leaf.name for leaf in records.leaves(held))
        targets, values = records.leaves(held), records.leaves(structure)
        overwritten = {t.name for t in targets}
        values = [self.emit(None, ir.COPY, (v,)) if isinstance(v, ir.Var)
                  and v.name in overwritten and v != t else v
                  for t, v in zip(targets, values)]
        for target, value in zip(targets, values):
            if value != target:
                self.emit(target, ir.COPY, (value,))
        self.env[name] = held

    def component_names(self, name, structure):
        names = []

        def visit(item, base):
            if isinstance(item, tuple):
                for position, part in enumerate(item):
                    visit(part, f"{base}_{position}")
            elif isinstance(item, records.Record):
                for key, part in item.fields.items():
                    visit(part, f"{base}_{records.part_name(key)}")
            else:
                names.append(ir.Var(self.namer.fresh(base)))
        visit(structure, name)
        return names

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

    def add_at(self, call):
        """`np.add.at(a, index, v)`: `v` added into `a` at `index` in place, an element
        picked several times (a repeated index) getting each of its values: an element
        write that accumulates (`ir.SetItem.accumulate`), where `a[index] += v` would add
        only one of them."""
        func = self.expr(call.func)
        if not (isinstance(func, ir.Global) and _is_add_at(func.value)):
            raise self.error(call, "an expression statement whose value is discarded",
                             "remove it (calls for side effects such as `print` are not "
                             "differentiated).")
        if len(call.args) != 3 or call.keywords or not isinstance(call.args[0], gast.Name):
            raise self.error(call, "`np.add.at` called otherwise than `np.add.at(a, index, "
                             "v)`", "pass the array by its name, an index and the values "
                             "to add, positionally.")
        base, index, value = call.args
        if isinstance(self.env.get(base.id), records.Record):
            raise self.error(call, f"`np.add.at` into `{base.id}`, which is not an array",
                             f"make `{base.id}` an array (`{base.id} = np.zeros(n)`) first.")
        value = self.expr(value)
        target = gast.Subscript(value=base, slice=index, ctx=gast.Store())
        self.set_item(call, target, value, self.index(index), accumulate=True)

    def set_item(self, node, target, value, index=None, accumulate=False):
        base = target.value
        held = self.env.get(base.id)
        if isinstance(held, records.Record):
            self.set_field(node, base.id, held, target.slice, value)
            return
        if base.id in self.lists or base.id in displayed_lists(self.statements) or \
                isinstance(held, tuple):
            raise self.error(node, f"writing into an item of the list or tuple `{base.id}`",
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
        self.block.append(ir.SetItem(array, index, value, self.line, accumulate))
        self.forget({array.name})

    def promote_fields(self, node):
        """Before a branch or loop: each dict entry it writes (`d["k"] = ...`) gets a
        variable of its own, which the branch or loop then overwrites (a write through
        a second name for the dict included)."""
        for child in gast.walk(node):
            for target in queries.targets(child) if isinstance(
                    child, (gast.Assign, gast.AugAssign)) else ():
                if not (isinstance(target, gast.Subscript) and
                        isinstance(target.value, gast.Name)):
                    continue
                held = self.env.get(target.value.id)
                if not isinstance(held, records.Record) or held.argument is not None \
                        or not isinstance(target.slice, gast.Constant):
                    continue
                key = target.slice.value
                current = held.fields.get(key)
                if current is None or records.is_structure(current) or \
                        isinstance(current, ir.Var) and current.name in self.mutable:
                    continue
                field = ir.Var(self.namer.fresh(
                    f"{target.value.id}_{records.part_name(key)}"))
                self.mutable.add(field.name)
                self.emit(field, ir.COPY, (current,))
                held.fields[key] = field

    def set_field(self, node, name, record, key_node, value):
        """`d["k"] = v` on a dict the function made: its leaf for "k" takes the value (a
        new key only where every path adds it: outside branches and loops)."""
        if record.argument is not None:
            raise self.error(node, f"writing into `{name}`, a container passed as the "
                             f"argument `{record.argument}`", f"copy it first (`{name} = "
                             f"dict({name})`) or build the new values in a dict of your own.")
        if record.form != "dict":
            raise self.error(node, f"writing into the {record.describe()} `{name}`",
                             "build a new one with the new values.")
        key = self.key(key_node, name)
        if key not in record.fields and self.depth:
            raise self.error(node, f"adding the key {key!r} to `{name}` inside a branch or "
                             "loop", f"give `{name}` every key before (e.g. "
                             f"`{name}[{key!r}] = 0.0`).")
        held = record.fields.get(key)
        if records.is_structure(value) or records.is_structure(held):
            if self.depth:
                raise self.error(node, f"writing a container into `{name}[{key!r}]` inside "
                                 "a branch or loop", f"assign `{name}` as a whole there.")
            record.fields[key] = self.snapshot(value, None)
            return
        if not (isinstance(held, ir.Var) and held.name in self.mutable):
            held = ir.Var(self.namer.fresh(f"{name}_{records.part_name(key)}"))
            self.mutable.add(held.name)
            record.fields[key] = held
        if value != held:
            self.emit(held, ir.COPY, (value,))

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


def _is_add_at(value):
    """Whether `value` is `np.add.at` (a new bound method at each attribute read)."""
    return getattr(value, "__self__", None) is np.add and \
        getattr(value, "__name__", None) == "at"
