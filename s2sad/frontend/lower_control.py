"""Lowering control flow: `if` statements and expressions, `while` loops, `break`,
`continue`, `assert`, and their conditions.

A mixin of the lowerer (lower.py), whose state it reads and writes (`for` loops are
lowered in iteration.py). A condition is kept as written, its names renamed to what they
hold, so that the backward sweep can replay the path the forward sweep took.
"""
import ast
import copy
import warnings

import gast

from .. import ir
from ..syntax import queries
from . import records
from .lower_expressions import OUT_OF_RANGE, constant_part
from .names import element_assigned


class ControlLowering:
    """Branches and loops lowered to nested IR blocks, with what each may overwrite
    forgotten after it."""

    def stmt_If(self, node):
        self.promote_fields(node)
        test = self.test(node.test)
        chosen = known(test)
        if chosen is not None:
            self.lower_block(node.body if chosen else node.orelse)
            return
        line = self.line
        body, fresh_body = self.nested(lambda: self.lower_block(node.body))
        orelse, fresh_else = self.nested(lambda: self.lower_block(node.orelse))
        self.compound(ir.If(test, body, orelse, line),
                      [(body, fresh_body), (orelse, fresh_else)])

    def expr_IfExp(self, node, target):
        test = self.test(node.test)
        chosen = known(test)
        if chosen is not None:
            return self.expr(node.body if chosen else node.orelse, target)
        var = target if target is not None else ir.Var(self.namer.temp())
        self.mutable.add(var.name)
        line = self.line
        body, fresh_body = self.nested(lambda: self.into(node.body, var))
        orelse, fresh_else = self.nested(lambda: self.into(node.orelse, var))
        self.compound(ir.If(test, body, orelse, line),
                      [(body, fresh_body), (orelse, fresh_else)])
        return var

    def stmt_While(self, node):
        if self.checkpointed(node, node.test, self.stmt_While):
            return
        self.promote_fields(node)
        test = self.test(node.test)
        line = self.line
        self.enter_loop(queries.stored(node) | element_assigned(node.body), node)
        body, fresh = self.nested(lambda: self.lower_block(node.body))
        self.loop_kinds.pop()
        self.compound(ir.While(test, body, line), [(body, fresh)])

    def always_fresh(self, node, name):
        return all(self.is_fresh_array(child.value) for child in gast.walk(node)
                   if isinstance(child, gast.Assign) and any(
                       isinstance(t, gast.Name) and t.id == name for t in child.targets))

    def stmt_Continue(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`continue` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")

    def stmt_Break(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`break` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")
        self.block.append(ir.Break(self.line))

    def stmt_Assert(self, node):
        """A check kept where it is, its condition like a branch's."""
        message = node.msg
        if message is not None and not (isinstance(message, gast.Constant)
                                        and isinstance(message.value, str)):
            raise self.error(message, "an `assert` message computed from values",
                             "write the message as a plain string.")
        self.block.append(ir.Assert(self.test(node.test), message and message.value,
                                    self.line))

    def test(self, node):
        """A branch or loop condition, kept as written with its names renamed."""
        if self.tapes:
            node = self.popped_flags(node)
        for child in gast.walk(node):
            if self.is_checkpoint(child):
                self.refuse_marker(child)
            if isinstance(child, (gast.ListComp, gast.GeneratorExp)):
                raise self.error(child, "a comprehension in a condition",
                                 "compute its value into a variable before the condition.")
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
            if isinstance(atom, ir.Const) and type(atom.value) in _LITERALS:
                return gast.Constant(value=atom.value, kind=None)
            if isinstance(atom, ir.Global):
                return gast.parse(atom.text, mode="eval").body
            if isinstance(atom, tuple):
                return gast.Tuple(elts=[written(item, name) for item in atom],
                                  ctx=gast.Load())
            lowerer.check_plain(atom, name, "called in a condition", "compute the value "
                                "before the test: `c = f(x)`, then `if c:`.")
            return name

        class Rename(gast.NodeTransformer):
            def visit_Name(self, name):
                return gast.copy_location(written(lowerer.read(name), name), name)

            def visit_Subscript(self, subscript):
                """`t[1]` of a tuple held in a variable reads its element (`y`), and
                `d["k"]` of a dict its leaf."""
                if isinstance(subscript.value, gast.Name) and \
                        isinstance(subscript.slice, gast.Constant):
                    held = lowerer.read(subscript.value)
                    if isinstance(held, records.Record):
                        part = lowerer.entry(subscript, held, ir.Const(subscript.slice.value))
                    else:
                        part = constant_part(held, ir.Const(subscript.slice.value)) \
                            if isinstance(held, tuple) else None
                    if part is not None and part is not OUT_OF_RANGE:
                        return gast.copy_location(written(part, subscript), subscript)
                return self.generic_visit(subscript)

            def visit_Attribute(self, attribute):
                """`hyper.flag` of a record held in a variable reads its leaf."""
                if isinstance(attribute.value, gast.Name):
                    held = lowerer.read(attribute.value)
                    if records.is_structure(held):
                        part = lowerer.field(attribute, held, attribute.attr)
                        return gast.copy_location(written(part, attribute), attribute)
                return self.generic_visit(attribute)

            def visit_Call(self, call):
                calls.append(call)
                return self.generic_visit(call)

        renamed = Rename().visit(copy.deepcopy(node))
        return ir.Test(renamed, tuple(dict.fromkeys(reads)), bool(calls))


_LITERALS = (int, float, bool, str, type(None))
# what a condition that reads only constants may hold to be decided while lowering
_DECIDABLE = (gast.Constant, gast.Compare, gast.BoolOp, gast.UnaryOp, gast.Tuple, gast.Load,
              gast.And, gast.Or, gast.Not, gast.USub, gast.Eq, gast.NotEq, gast.Lt, gast.LtE,
              gast.Gt, gast.GtE, gast.Is, gast.IsNot, gast.In, gast.NotIn)


def known(test):
    """The truth of a condition that reads only constants (`if mode == "tanh":` in a
    helper inlined with `mode="tanh"`, `if mask is not None:`), else None: only the
    branch it takes is lowered, as Python runs only that one."""
    if test.reads or test.calls or not all(isinstance(n, _DECIDABLE)
                                           for n in gast.walk(test.node)):
        return None
    expression = ast.fix_missing_locations(
        ast.Expression(body=gast.gast_to_ast(copy.deepcopy(test.node))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # `"tanh" is not None`
            code = compile(expression, "<test>", "eval")
        return bool(eval(code, {"__builtins__": {}}))
    except Exception:  # noqa: BLE001 - a condition Python would raise on runs as written
        return None
