"""Lowering control flow: `if` statements and expressions, loops, and their conditions.

A mixin of the lowerer (lower.py), whose state it reads and writes. A `for` loop over
`range(...)` or a sequence becomes an IR loop; one over a tuple is unrolled, its body
lowered once per element. A condition is kept as written, its names renamed to what they
hold, so that the backward sweep can replay the path the forward sweep took.
"""
import builtins
import copy
import operator

import gast

from .. import ir
from ..syntax import queries
from .lower_expressions import OUT_OF_RANGE, constant_part
from .names import element_assigned, held_by_lists


class ControlLowering:
    """Branches and loops lowered to nested IR blocks, with what each may overwrite
    forgotten after it."""

    def stmt_If(self, node):
        test = self.test(node.test)
        body, fresh_body = self.nested(lambda: self.lower_block(node.body))
        orelse, fresh_else = self.nested(lambda: self.lower_block(node.orelse))
        self.compound(ir.If(test, body, orelse, self.line),
                      [(body, fresh_body), (orelse, fresh_else)])

    def expr_IfExp(self, node, target):
        var = target if target is not None else ir.Var(self.namer.temp())
        self.mutable.add(var.name)
        test = self.test(node.test)
        body, fresh_body = self.nested(lambda: self.into(node.body, var))
        orelse, fresh_else = self.nested(lambda: self.into(node.orelse, var))
        self.compound(ir.If(test, body, orelse, self.line),
                      [(body, fresh_body), (orelse, fresh_else)])
        return var

    def stmt_While(self, node):
        test = self.test(node.test)
        line = self.line
        self.enter_loop(node)
        body, fresh = self.nested(lambda: self.lower_block(node.body))
        self.loop_kinds.pop()
        self.compound(ir.While(test, body, line), [(body, fresh)])

    def enter_loop(self, node):
        assigned = queries.stored(node) | element_assigned(node.body)
        self.forget(assigned)
        self.fresh_arrays -= {name for name in assigned if not self.always_fresh(node, name)}
        # a list may hold them from the trip before
        self.fresh_arrays -= held_by_lists(node.body)
        self.loop_kinds.append("loop")

    def always_fresh(self, node, name):
        return all(self.is_fresh_array(child.value) for child in gast.walk(node)
                   if isinstance(child, gast.Assign) and any(
                       isinstance(t, gast.Name) and t.id == name for t in child.targets))

    def stmt_For(self, node):
        name = node.target.id
        line = self.line
        it = node.iter
        if isinstance(it, (gast.Tuple, gast.List)):
            self.unroll(node, name, it.elts)
            return
        if isinstance(it, gast.Call) and self.resolve(it.func) is builtins.range:
            self.check_counter(node, name)
            if it.keywords or not 1 <= len(it.args) <= 3:
                raise self.error(it, "this call to `range`",
                                 "call range with one to three positional arguments.")
            bounds = [self.expr(arg) for arg in it.args]
            if len(bounds) == 1:
                bounds = [ir.Const(0)] + bounds
            if len(bounds) == 2:
                bounds.append(ir.Const(1))
            sequence = None
        elif isinstance(it, gast.Call) and isinstance(it.func, gast.Name) \
                and self.resolve(it.func) in (builtins.enumerate, builtins.zip):
            raise self.error(it, f"a loop over `{it.func.id}(...)`",
                             "use `for i in range(len(x))` and index the values.")
        else:
            sequence = self.expr(it)
            if isinstance(sequence, tuple):
                self.unroll(node, name, sequence)
                return
            length = self.emit(None, builtins.len, (sequence,), callee="len")
            bounds = [ir.Const(0), length, ir.Const(1)]
        rebound = queries.stored(node)
        bounds = [self.stable(atom, rebound) for atom in bounds]
        if sequence is not None:
            sequence = self.stable(sequence, rebound)
            counter = ir.Var(self.namer.fresh(name + "_index"))
        else:
            counter = ir.Var(name)
        self.mutable.add(counter.name)
        self.env[counter.name] = counter
        self.enter_loop(node)

        def body():
            if sequence is not None:
                prim = ir.OnList(operator.getitem) if self.is_list(sequence) \
                    else operator.getitem
                self.emit(ir.Var(name), prim, (sequence, counter))
                self.env[name] = ir.Var(name)
            self.lower_block(node.body)
        block, fresh = self.nested(body)
        self.loop_kinds.pop()
        self.compound(ir.For(counter, *bounds, block, line), [(block, fresh)])

    def check_counter(self, node, name):
        """A `range` loop's variable is restored by the backward sweep's own loop header,
        so nothing else may assign it."""
        elsewhere = name in self.params or any(
            isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and n.id == name
            and not any(n is loop.target for loop in self.range_loops)
            for n in gast.walk(self.parsed.node))
        nested = name in queries.stored(node.body)
        if elsewhere or nested:
            raise self.error(node, f"the loop variable `{name}`, which is also assigned "
                             "elsewhere", "use a name of its own for the loop variable.")

    def stable(self, atom, assigned):
        """`atom`, or a copy of it if the loop overwrites it (the loop header reads it once,
        and so does the backward sweep's)."""
        if isinstance(atom, ir.Var) and atom.name in assigned:
            copy_ = ir.Var(self.namer.temp())
            self.mutable.add(copy_.name)
            self.emit(copy_, ir.COPY, (atom,))
            return copy_
        return atom

    def unroll(self, node, name, elements):
        """`for name in (a, b, c)` (or a tuple held in a variable): the body once per
        element, the tuple evaluated first."""
        values = []
        for element in elements:
            value = self.expr(element) if isinstance(element, gast.AST) else element
            if isinstance(value, ir.Var) and value.name in self.mutable:
                value = self.stable(value, {value.name})
            values.append(value)
        self.loop_kinds.append("unrolled")
        for value in values:
            self.fresh_arrays.discard(name)
            self.emit(ir.Var(name), ir.COPY, (value,))
            self.env[name] = ir.Var(name)
            self.lower_block(node.body)
        self.loop_kinds.pop()

    def stmt_Continue(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`continue` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")

    def stmt_Break(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`break` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")
        self.block.append(ir.Break(self.line))

    def test(self, node):
        """A branch or loop condition, kept as written with its names renamed."""
        reads, calls = [], []
        lowerer = self

        def written(atom, name):
            """The expression a test reads for a name that holds `atom`: a variable
            renamed, a constant, a module-level value by its own name (`x = C` makes the
            test read `C`), a tuple held in a variable as the display of its elements."""
            if isinstance(atom, ir.Var):
                reads.append(atom)
                return gast.Name(id=atom.name, ctx=gast.Load(), annotation=None,
                                 type_comment=None)
            if isinstance(atom, ir.Const) and type(atom.value) in (int, float, bool, str):
                return gast.Constant(value=atom.value, kind=None)
            if isinstance(atom, ir.Global):
                return gast.parse(atom.text, mode="eval").body
            if isinstance(atom, tuple):
                return gast.Tuple(elts=[written(item, name) for item in atom],
                                  ctx=gast.Load())
            return name

        class Rename(gast.NodeTransformer):
            def visit_Name(self, name):
                return gast.copy_location(written(lowerer.read(name), name), name)

            def visit_Subscript(self, subscript):
                """`t[1]` of a tuple held in a variable reads its element (`y`)."""
                if isinstance(subscript.value, gast.Name) and \
                        isinstance(subscript.slice, gast.Constant):
                    held = lowerer.read(subscript.value)
                    part = constant_part(held, ir.Const(subscript.slice.value)) \
                        if isinstance(held, tuple) else None
                    if part is not None and part is not OUT_OF_RANGE:
                        return gast.copy_location(written(part, subscript), subscript)
                return self.generic_visit(subscript)

            def visit_Call(self, call):
                calls.append(call)
                return self.generic_visit(call)

        renamed = Rename().visit(copy.deepcopy(node))
        return ir.Test(renamed, tuple(dict.fromkeys(reads)), bool(calls))
