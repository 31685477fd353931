"""Lowering lists: those known while lowering, and those built at run time.

A list display held in a variable and only read, or appended to in straight-line code,
is known while lowering, like a tuple (`p = [a, b]`): the lowering keeps it as a
`Display`, a tuple of atoms that remembers its brackets, and reading, indexing, slicing,
unpacking, iterating and joining it are done there and then; `p.append(v)` only makes the
display longer. A list appended to inside a branch or loop, or assigned there, has a
length known only at run time: it is a variable holding a Python list (kind "list"),
made by `ir.LIST`, grown by `ir.APPEND` and read by `ir.OnList` primitives (rules/
lists.py). A call that takes a sequence gets either the items of a known list (a
packed display, joins.py) or the run-time list whole.

A list that two names hold, or that the caller passed, is never appended to: the other
name would see the new item, which the lowering could not follow. Writing an item,
`pop`, `insert`, `remove` and `sort` are refused, so items, once appended, never change:
what lets a list be its own tape.
"""
import builtins
import math
import operator

import gast
import numpy as np

from .. import ir, rules
from . import calls
from .names import APPENDING, adds_at
from .records import Display

# calls that take a run-time list whole, each with its own rule (rules/lists.py)
WHOLE = {builtins.sum, math.fsum, np.array, np.asarray, np.stack, np.vstack, np.hstack,
         np.concatenate, builtins.max, builtins.min}
# reductions that take an array: a list given to one is made an array first, as NumPy does
REDUCTIONS = {np.mean, np.sum, np.prod, np.max, np.min, np.amax, np.amin, np.std, np.var,
              np.median, np.average, np.cumsum, np.cumprod, np.linalg.norm, np.dot}


class ListLowering:
    """List displays, appends and the calls and reads of lists, for the lowerer
    (lower.py), whose state it reads and writes: `lists` holds the variables that hold a
    run-time list, `shared` the names whose list another name also holds."""

    def is_list(self, atom):
        return isinstance(atom, ir.Var) and atom.name in self.lists

    def expr_List(self, node, target):
        self.held(node.elts)
        items = Display(self.snapshot(self.expr(elt), None) for elt in node.elts)
        if target is not None and target.name in self.lists:
            return self.emit(target, ir.LIST, items)
        return items

    def held(self, nodes):
        """The values of `nodes` go into a list, which holds them too: none may change in
        place from now on."""
        for node in nodes:
            if isinstance(node, gast.Name):
                self.aliased.add(node.id)
                self.fresh_arrays.discard(node.id)

    def made_list(self, items, target=None):
        """A run-time list of `items` (atoms known while lowering)."""
        target = target or ir.Var(self.namer.temp())
        self.lists.add(target.name)
        return self.emit(target, ir.LIST, tuple(items))

    def list_item(self, node, value, index, target):
        """`xs[i]` or `xs[a:b]` of a run-time list, or of a known one at a run-time index
        (which makes it a run-time list first)."""
        if isinstance(value, tuple):
            if any(isinstance(item, tuple) for item in value):
                raise self.error(node, "indexing a nested tuple or list display at a "
                                 "run-time position", "make it an array, `np.array(p)`, "
                                 "and index that.")
            value = self.made_list(value)
        result = self.emit(target, ir.OnList(operator.getitem), (value, index))
        if isinstance(index, ir.Slice):
            self.lists.add(result.name)
        return result

    def joined(self, node, left, right, target):
        """`p + q` of lists: known ones joined now, a run-time one at run time."""
        if any(isinstance(side, tuple) and not isinstance(side, Display)
               for side in (left, right)) and not all(
                   type(side) is tuple for side in (left, right)):
            raise self.error(node, "adding a list and a tuple", "join lists with lists "
                             "and tuples with tuples (Python raises a TypeError).")
        if isinstance(left, tuple) and isinstance(right, tuple):
            return type(left)(left + right)
        if isinstance(left, tuple):
            left = self.made_list(left)
        if isinstance(right, tuple):
            right = self.made_list(right)
        if not (self.is_list(left) and self.is_list(right)):
            raise self.error(node, "adding a list and a value that is not a list",
                             "join lists with lists (`xs + [v]`).")
        result = self.emit(target, ir.OnList(operator.add), (left, right))
        self.lists.add(result.name)
        return result

    def repeated(self, node, items, count):
        if not (isinstance(count, ir.Const) and type(count.value) is int):
            raise self.error(node, "repeating a list a number of times known only at run "
                             "time", "make an array, `np.zeros(n)` or `np.full(n, v)`, or "
                             "append to an empty list in a loop.")
        return type(items)(items * count.value)

    def stmt_Expr(self, node):
        """A string standing alone (a docstring), `xs.append(v)` / `xs.extend(ys)`,
        `np.add.at(a, index, v)` (lower_statements.py), or what only generated code writes
        (generated.py): the fence refuses any other value discarded."""
        if adds_at(node.value):
            self.add_at(node.value)
        elif self.generated_call(node):
            return
        elif isinstance(node.value, gast.Call):
            self.update_list(node.value)

    def update_list(self, call):
        base = call.func.value
        method = call.func.attr
        held = self.read(base)
        if method not in APPENDING and (isinstance(held, tuple) or self.is_list(held)):
            raise self.error(call, *list_method_problem(method, base.id))
        if method == "sort":
            raise self.error(call, f"sorting `{base.id}` in place (`{base.id}.sort()`)",
                             f"write `{base.id} = np.sort({base.id})`: a new array, which "
                             "s2sad differentiates.")
        if method not in APPENDING:
            raise self.error(call, "an expression statement whose value is discarded",
                             "remove it (calls for side effects such as `print` are not "
                             "differentiated).")
        if base.id in self.params:
            raise self.error(call, f"appending to `{base.id}`, an argument of the function",
                             "start a list of its own (`ys = []`) and append to that; "
                             "the caller's list must stay as it was.")
        if base.id in self.shared:
            raise self.error(call, f"appending to `{base.id}`, a list another name also "
                             "holds", "append to one name only; copy a list to give it "
                             "another name (`ys = list(xs)`).")
        if call.keywords or len(call.args) != 1:
            raise self.error(call, f"this call to `.{method}()`",
                             f"pass `.{method}()` one value.")
        values = self.expr(call.args[0])
        if method == "append" and isinstance(values, tuple) and not isinstance(held, tuple):
            raise self.error(call, "appending a list or tuple to a list built at run time",
                             "append an array, `np.array([a, b])`, and stack the list, or "
                             "keep one list per item.")
        if method == "append":
            values = [values]
        self.held(call.args)
        if isinstance(held, tuple):
            values = [self.snapshot(value, None) for value in values]
            self.env[base.id] = Display(held + tuple(values))
            return
        if not self.is_list(held):
            raise self.error(call, f"`.{method}()` on `{base.id}`, which is not a list",
                             f"start `{base.id}` as a list (`{base.id} = []`).")
        if isinstance(values, (list, tuple)):
            for value in values:
                self.emit(held, ir.APPEND, (held, value))
        else:
            self.extend_at_run_time(call, held, values)

    def extend_at_run_time(self, call, held, values):
        """`xs.extend(ys)` of a run-time list: a loop appending its items one by one."""
        if not self.is_list(values):
            raise self.error(call, "extending a list by a value that is not a list",
                             "append it: `xs.append(v)`.")
        length = self.emit(None, builtins.len, (values,), callee="len")
        counter = ir.Var(self.namer.fresh("item_index"))
        self.mutable.add(counter.name)

        def body():
            item = self.emit(None, ir.OnList(operator.getitem), (values, counter))
            self.emit(held, ir.APPEND, (held, item))
        self.loop_kinds.append("loop")
        block, fresh = self.nested(body)
        self.loop_kinds.pop()
        self.compound(ir.For(counter, ir.Const(0), length, ir.Const(1), block, self.line),
                      [(block, fresh)])

    def list_call(self, node, func, target):
        """A call given a list (its first argument): `sum(xs)`, `np.stack(xs, axis=1)`,
        `len(p)`, `np.mean(p)`; None for a call that takes no list."""
        if not node.args or isinstance(node.args[0], gast.Starred):
            return None
        fn = func.value
        first = node.args[0]
        if fn is builtins.list and len(node.args) == 1 and not node.keywords and (
                isinstance(first, (gast.List, gast.Tuple)) or self.holds_list(first)):
            return self.copied(self.expr(first), target)
        if isinstance(first, (gast.List, gast.Tuple)):
            if fn in REDUCTIONS or fn in (builtins.sum, math.fsum) and len(node.args) == 1:
                return None if fn in (builtins.sum, math.fsum) else \
                    self.through_array(node, func, target)
            return None
        if not isinstance(first, (gast.Name, gast.Subscript, gast.BinOp, gast.ListComp)):
            return None
        if not isinstance(first, gast.ListComp) and not self.holds_list(first):
            return None
        if calls.is_called(fn):   # its own arguments (lower_calls.py)
            return None
        value = self.expr(first)
        if isinstance(value, tuple):
            if fn is builtins.len:
                return ir.Const(len(value))
            packs = getattr(rules.lookup(fn), "packs", False)
            if fn in REDUCTIONS or isinstance(value, Display) and fn not in WHOLE \
                    and not packs:
                return self.through_array(node, func, target, value)
            if packs:
                leaves = []
                packed = self.pack(value, leaves)
                rest, kwargs = self.rest_arguments(node)
                self.check_callable(node, func)
                return self.emit(target, fn, tuple(leaves) + rest, kwargs, callee=func.text,
                                 packed=packed)
            return None
        if not self.is_list(value):
            return None
        if fn is builtins.len:
            return self.emit(target, builtins.len, (value,), callee="len")
        if fn in WHOLE:
            rest, kwargs = self.rest_arguments(node)
            if fn in (builtins.max, builtins.min) and (rest or kwargs):
                raise self.error(node, f"`{func.text}` of a list with more arguments",
                                 f"call `{func.text}(xs)` alone.")
            return self.emit(target, ir.OnList(fn), (value,) + rest, kwargs, callee=func.text)
        return self.through_array(node, func, target, value)

    def copied(self, value, target):
        """`list(xs)`: a new list holding the same items."""
        if isinstance(value, tuple):
            return Display(self.snapshot(value, None))
        result = self.emit(target, ir.OnList(builtins.list), (value,), callee="list")
        self.lists.add(result.name)
        return result

    def through_array(self, node, func, target, value=None):
        """`np.mean(xs)`: NumPy makes the list an array first, and so does the lowering."""
        if value is None:
            value = self.expr(node.args[0])
        if isinstance(value, tuple):
            leaves = []
            packed = self.pack(value, leaves)
            array = self.emit(None, np.array, tuple(leaves), callee=self.numpy("array"),
                              packed=ir.Packed(packed.items, packed.brackets))
        else:
            array = self.emit(None, ir.OnList(np.array), (value,),
                              callee=self.numpy("array"))
        self.check_callable(node, func)
        rest, kwargs = self.rest_arguments(node)
        return self.emit(target, func.value, (array,) + rest, kwargs, callee=func.text)

    def numpy(self, name):
        """How the generated code names `np.name`: as the user's module spells NumPy."""
        for candidate in ("np", "numpy"):
            found, value = self.scope.lookup(candidate)
            if found and value is np:
                return f"{candidate}.{name}"
        raise self.error(self.parsed.node, "a list given to a NumPy function in a module "
                         "that does not import NumPy as `np` or `numpy`",
                         "add `import numpy as np` to the module.")

    def rest_arguments(self, node):
        rest = tuple(self.argument(arg) for arg in node.args[1:])
        kwargs = tuple((kw.arg, self.argument(kw.value)) for kw in node.keywords)
        return rest, kwargs

    def holds_list(self, node):
        """Whether `node` denotes a list (or a tuple held in a variable), by what its
        names hold: nothing is lowered."""
        if isinstance(node, gast.Name):
            if node.id in self.lists:
                return True
            held = self.env.get(node.id)
            return isinstance(held, tuple) or self.is_list(held)
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
            return self.holds_list(node.value)
        if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Mult)):
            return self.holds_list(node.left) or self.holds_list(node.right)
        return isinstance(node, gast.List)

    def list_extremum(self, node, func, target):
        """`max(xs)` of one run-time list, or None when it is some other call."""
        if len(node.args) != 1 or node.keywords or not self.holds_list(node.args[0]):
            return None
        value = self.expr(node.args[0])
        if isinstance(value, tuple):
            return value
        return self.emit(target, ir.OnList(func.value), (value,), callee=func.text)

    def check_list_arguments(self, node, func):
        """A run-time list is not passed to a function of the user's: its derivative is
        generated for numbers and arrays."""
        for arg in list(node.args) + [kw.value for kw in node.keywords]:
            if isinstance(arg, gast.Name) and self.holds_list(arg) and \
                    not isinstance(self.env.get(arg.id), tuple):
                raise self.error(arg, f"passing the list `{arg.id}` to `{func.text}`",
                                 f"pass `np.array({arg.id})` (or `np.stack({arg.id})`), or "
                                 "build the list inside the function.")

    def list_assigned(self, name, value):
        """Check an assignment involving lists: a name holding a run-time list keeps
        holding lists, and `ys = xs` makes both names hold one list."""
        if isinstance(value, gast.Name) and (self.holds_list(value) or value.id in self.lists):
            self.shared |= {name, value.id}
            if name in self.lists or value.id in self.lists:
                self.lists.add(name)


def list_method_problem(method, name):
    """The construct and the advice for a list method s2sad does not follow."""
    if method in ("pop", "insert", "remove", "clear"):
        return (f"the list method `{name}.{method}()`", "lists only grow, by `append` and "
                "`extend`; read items by index (`xs[-1]`) or a slice (`xs[:-1]`), or "
                "build a new list with the items you want.")
    if method in ("sort", "reverse"):
        return (f"the list method `{name}.{method}()`", "make an array and reorder it: "
                "`x = np.array(xs)`, then `x[np.argsort(x)]` or `x[::-1]`.")
    return (f"the method call `{name}.{method}()`", "index the list, or make it an array "
            "with `np.array(xs)` and use NumPy functions.")
