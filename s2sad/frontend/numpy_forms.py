"""NumPy calls whose form the lowering takes apart: functions that return a list of
arrays (np.split and its family, np.atleast_1d/2d/3d of several arrays), np.select of
two list displays, and the index tricks np.r_[...] and np.c_[...].

A mixin of the lowerer (lower.py). A list of arrays whose length the call fixes (a
constant count of sections, a list of constant split points, the number of arrays) is
a tuple known while lowering, one operation per array (`ir.Part(np.split, i)`, whose
rule reads `i`): it is unpacked, indexed with constants and looped over like any tuple.
np.select is the chain of np.where it stands for (the last condition innermost).
`np.r_[a, b, 0:3]` is one operation with the items as its arguments (a slice of constants
made `np.arange(0, 3)`), written back as indexed (syntax/printer.py); `np.c_[a, b]` is the
`np.column_stack([a, b])` it stands for.
"""
import gast
import numpy as np

from .. import ir
from ..rules.literals import MISSING, evaluate

SPLITS = (np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
ATLEAST = (np.atleast_1d, np.atleast_2d, np.atleast_3d)


class NumpyFormLowering:
    """Calls lowered to the operations their form stands for."""

    def numpy_form(self, node, func, target):
        """The lowered value of a call this mixin takes apart, else None."""
        if any(func.value is f for f in SPLITS):
            return self.split_parts(node, func)
        if any(func.value is f for f in ATLEAST) and len(node.args) > 1:
            return tuple(self.emit(None, func.value, (self.argument(arg),), callee=func.text)
                         for arg in node.args)
        if func.value is np.select:
            return self.selected(node, func, target)
        return None

    # ---------------------------------------------------------------- split

    def split_count(self, node, func):
        """The number of arrays `np.split(x, sections)` returns: the constant count, or one
        more than the constant split points; else a located error."""
        sections = node.args[1] if len(node.args) > 1 else next(
            (kw.value for kw in node.keywords if kw.arg == "indices_or_sections"), None)
        value = None if sections is None else self.argument(sections)
        if isinstance(value, ir.Const) and type(value.value) is int and value.value > 0:
            return value.value
        if isinstance(value, tuple):
            return len(value) + 1  # split points, constant or computed
        raise self.error(node, f"`{func.text}` with sections computed at run time",
                         "the number of parts must be known when the derivative is "
                         "generated: pass a constant count or a list of constant split "
                         "points (`np.split(x, 3)`, `np.split(x, [2, 5])`).")

    def split_parts(self, node, func):
        """The parts of `np.split(...)`, a tuple of operations."""
        count = self.split_count(node, func)
        return tuple(self.part(node, i, None) for i in range(count))

    def split_part(self, node, index, target):
        """`np.split(...)[index]` alone, or None if `node` is no split call."""
        func = self.resolve(node.func) if isinstance(node, gast.Call) else None
        if not any(func is f for f in SPLITS):
            return None
        count = self.split_count(node, self.expr(node.func))
        if not -count <= index < count:
            raise self.error(node, f"the part {index} of {count} parts",
                             "index within the parts.")
        return self.part(node, index % count, target)

    # ---------------------------------------------------------------- select

    def selected(self, node, func, target):
        """`np.select([c1, c2], [a, b], default)` as `np.where(c1, a, np.where(c2, b,
        default))`: the first true condition picks, as np.select does."""
        args = list(node.args) + [kw.value for kw in node.keywords]
        names = [None] * len(node.args) + [kw.arg for kw in node.keywords]
        if any(name not in (None, "condlist", "choicelist", "default") for name in names) \
                or len(args) not in (2, 3):
            raise self.error(node, "this call of `np.select`",
                             "pass the conditions, the choices and at most a default.")
        by_name = dict(zip(("condlist", "choicelist", "default"), args))
        by_name.update((name, arg) for name, arg in zip(names, args) if name)
        conditions, choices = by_name.get("condlist"), by_name.get("choicelist")
        if not all(isinstance(part, (gast.List, gast.Tuple)) for part in (conditions, choices)) \
                or len(conditions.elts) != len(choices.elts) or not conditions.elts:
            raise self.error(node, "`np.select` of lists not written in the call",
                             "write the conditions and the choices as list displays of the "
                             "same length in the call (`np.select([x > 0, x < -1], [a, b])`).")
        default = by_name.get("default")
        result = self.argument(default) if default is not None else ir.Const(0.0)
        where = self.numpy("where")
        pairs = list(zip(conditions.elts, choices.elts))
        for position, (condition, choice) in reversed(list(enumerate(pairs))):
            args = (self.argument(condition), self.argument(choice), result)
            result = self.emit(target if position == 0 else None, np.where, args,
                               callee=where)
        return result

    # ---------------------------------------------------------------- np.r_, np.c_

    def index_trick(self, node):
        """`np.r_[...]` or `np.c_[...]`, or None if `node` indexes something else."""
        trick = self.resolve(node.value)
        if trick is not np.r_ and trick is not np.c_:
            return None
        items = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
        written = "np.r_" if trick is np.r_ else "np.c_"
        leaves = []
        for item in items:
            if isinstance(item, gast.Slice):
                if trick is np.c_:
                    raise self.error(node, "a slice in `np.c_[...]`",
                                     "write the range as `np.arange(...)`.")
                leaves.append(self.trick_range(node, item))
            elif isinstance(item, gast.Constant) and isinstance(item.value, str):
                raise self.error(node, f"the directive {item.value!r} in `{written}[...]`",
                                 "join with np.concatenate or np.stack and their `axis` "
                                 "instead.")
            else:
                leaves.append(self.argument(item))
        packed = ir.Packed(tuple(range(len(leaves))))
        if trick is np.r_:
            return self.emit(None, np.r_, tuple(leaves), callee=self.numpy("r_"), packed=packed)
        return self.emit(None, np.column_stack, tuple(leaves),
                         callee=self.numpy("column_stack"), packed=packed)

    def trick_range(self, node, item):
        """A slice in `np.r_[...]`: `start:stop:step`, constants, as np.arange (or
        np.linspace for a step of `nj` points)."""
        bounds = [None if part is None else evaluate(part)
                  for part in (item.lower, item.upper, item.step)]
        if any(b is MISSING or isinstance(b, bool) for b in bounds) or bounds[1] is None:
            raise self.error(node, "a slice of computed bounds in `np.r_[...]`",
                             "write the range as `np.arange(...)` or `np.linspace(...)`.")
        start, stop, step = bounds
        start = 0 if start is None else start
        if isinstance(step, complex):
            return self.emit(None, np.linspace, (ir.Const(start), ir.Const(stop),
                                                 ir.Const(int(abs(step)))),
                             callee=self.numpy("linspace"))
        args = (ir.Const(start), ir.Const(stop)) + (() if step is None else (ir.Const(step),))
        return self.emit(None, np.arange, args, callee=self.numpy("arange"))
