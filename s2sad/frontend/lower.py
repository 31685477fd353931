"""Lower a parsed function to the Wengert list: one elementary operation per statement.

Every intermediate of an expression gets a name (`t1`, `t2`, ...) and every assignment in
straight-line code defines a fresh SSA name (`x = x * y; x = sin(x)` gives `x_1` and
`x_2`), so later passes never reason about overwrites there. A variable assigned inside a
branch or loop, or written element by element, is *mutable* instead: it keeps its name
and is overwritten as in the original, which is what lets a loop carry it.
"""
import ast
import builtins
import copy
import functools
import operator
import types

import gast
import numpy as np

from .. import ir, rules
from ..errors import UnsupportedError
from ..syntax.operators import BINARY, COMPARE, UNARY
from . import calls, exits, read

VALUE_ATTRIBUTES = {"T", "shape", "ndim", "size", "dtype", "real"}


def lower(parsed, namer, scope):
    """The `ir.Function` of a parsed (and fenced) function; `scope` resolves its names
    (and logs what they meant)."""
    return _Lowerer(parsed, namer, scope).run()


def identifiers(node):
    """Every identifier a function mentions, to keep generated names clear of them."""
    found = {arg.id for arg in node.args.args + node.args.kwonlyargs}
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add(child.id)
    return found


# Constructors whose result is a new array that no other variable shares: the only arrays
# s2sad lets a function write into element by element.
FRESH_ARRAYS = {np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
                np.empty_like, np.full_like, np.copy, np.array, np.arange, np.eye,
                np.identity, np.linspace}


def assigned_names(node):
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name) and isinstance(child.ctx, gast.Store):
            found.add(child.id)
    return found


class _Lowerer:
    def __init__(self, parsed, namer, scope):
        self.parsed = parsed
        self.where = parsed.where
        self.namer = namer
        self.scope = scope
        args = parsed.node.args
        self.params = tuple(arg.id for arg in args.args + args.kwonlyargs)
        self.env = {name: ir.Var(name) for name in self.params}
        self.locals = assigned_names(parsed.node) | set(self.params)
        try:
            self.statements = exits.normalize(parsed.node.body)
        except exits.TooLarge:
            raise self.error(parsed.node, "this many early exits (`return`, `break`, "
                             "`continue`) inside nested branches", "set a flag variable "
                             "instead of exiting early, and test it after the branch.") \
                from None
        self.range_loops = [n for n in gast.walk(parsed.node) if isinstance(n, gast.For)
                            and isinstance(n.target, gast.Name)]
        self.mutable = _compound_assigned(self.statements) | _element_assigned(self.statements)
        self.fresh_arrays = set()
        self.block = []
        self.computed = {}
        self.loop_kinds = []
        # names whose array another name, or the caller, may also hold: `+=` on them would
        # change that one too
        self.aliased = set(self.params)
        self.inplace = []
        self.result = None
        self.result_var = None
        self.rebound = False
        self.line = parsed.where.first_line

    def run(self):
        node = self.parsed.node
        if exits.falls_through(self.statements):
            if not any(isinstance(n, gast.Return) for n in gast.walk(node)):
                raise self.error(node, "a function without a `return` of a value",
                                 "return the value to differentiate.")
            raise self.error(node, "a path through the function that ends without `return`",
                             "return a value on every path.")
        if any(isinstance(n, gast.Return) for s in self.statements
               if not isinstance(s, gast.Return) for n in gast.walk(s)):
            self.result_var = ir.Var(self.namer.fresh(self.parsed.name))
            self.mutable.add(self.result_var.name)
            self.result = self.result_var
        self.lower_block(self.statements)
        for loop in _loops(self.block):
            _mark_crossing(loop.body, self.mutable)
        return ir.Function(self.parsed.name, self.params, self.block, self.result,
                           self.where.filename, self.where.first_line, self.parsed,
                           frozenset(self.mutable), tuple(self.inplace), self.rebound)

    @property
    def in_loop(self):
        """Inside a loop that repeats (a loop over a tuple display is unrolled)."""
        return "loop" in self.loop_kinds

    def error(self, node, construct, advice):
        return self.where.unsupported(node, construct, advice)

    # blocks

    def lower_block(self, statements):
        """Inside a loop each statement may reuse only intermediates computed before the
        block (and not overwritten since): its own temporaries then stay its own."""
        start = dict(self.computed)
        for statement in statements:
            if self.in_loop:
                self.computed = {key: entry for key, entry in start.items()
                                 if self.computed.get(key) == entry}
            self.line = self.where.line(statement)
            self.statement(statement)

    def nested(self, lower):
        """The block `lower()` appends, lowered apart from the current one."""
        outer, memo, fresh = self.block, dict(self.computed), set(self.fresh_arrays)
        self.block = []
        lower()
        inner = self.block
        self.block, self.computed = outer, memo
        after = self.fresh_arrays
        self.fresh_arrays = fresh
        return inner, after

    def compound(self, statement, blocks_fresh):
        self.block.append(statement)
        for block, fresh in blocks_fresh:
            self.forget(ir.writes(block))
            self.fresh_arrays &= fresh

    # statements

    def statement(self, node):
        handler = getattr(self, "stmt_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"a `{type(node).__name__}` statement",
                             "use assignments, `if`, `for`, `while` and `return`.")
        handler(node)

    def stmt_Pass(self, node):
        pass

    def stmt_Continue(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`continue` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")

    def stmt_Break(self, node):
        if self.loop_kinds[-1] == "unrolled":
            raise self.error(node, "`break` in a loop over a tuple or list display",
                             "loop over `range(...)` or an array instead.")
        self.block.append(ir.Break(self.line))

    def stmt_Expr(self, node):
        if isinstance(node.value, gast.Constant) and isinstance(node.value.value, str):
            return
        raise self.error(node, "an expression statement whose value is discarded",
                         "remove it (calls for side effects such as `print` are not "
                         "differentiated).")

    def stmt_Return(self, node):
        if self.loop_kinds:
            raise self.error(node, "a `return` inside a loop",
                             "store the value in a variable, `break`, and return it after "
                             "the loop.")
        if node.value is None:
            raise self.error(node, "a bare `return`", "return the value to differentiate.")
        if isinstance(node.value, gast.Tuple):
            raise self.error(node, "returning a tuple",
                             "return one scalar or array (e.g. `np.stack` the outputs).")
        if self.result_var is not None:
            self.into(node.value, self.result_var)
        else:
            self.result = self.expr(node.value, ir.Var(self.namer.fresh(self.parsed.name)))
        if isinstance(self.result, tuple):
            raise self.error(node, "returning a tuple",
                             "return one scalar or array (e.g. `np.stack` the outputs).")

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
            return tuple(self.snapshot(item, None) for item in atom)
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
            for elt in value.elts:
                part = ir.Var(self.namer.temp())
                self.mutable.add(part.name)
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
        if atom != var:
            self.emit(var, ir.COPY, (atom,))

    def stmt_AugAssign(self, node):
        prim = self.binary_prim(node.op, node)
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
        if not isinstance(base, gast.Name):
            raise self.error(node, "assignment to an element of an expression",
                             "assign to an element of a named array: `y[i] = ...`.")
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

    def resolve(self, node):
        """The module-level object a dotted name denotes, or None."""
        if isinstance(node, gast.Name):
            if node.id in self.locals:
                return None
            found, value = self.scope.lookup(node.id)
            return value if found else None
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            return self.scope.attribute(base, node.attr)[1] if base is not None else None
        return None

    def stmt_If(self, node):
        test = self.test(node.test)
        body, fresh_body = self.nested(lambda: self.lower_block(node.body))
        orelse, fresh_else = self.nested(lambda: self.lower_block(node.orelse))
        self.compound(ir.If(test, body, orelse, self.line),
                      [(body, fresh_body), (orelse, fresh_else)])

    def stmt_While(self, node):
        test = self.test(node.test)
        line = self.line
        self.enter_loop(node)
        body, fresh = self.nested(lambda: self.lower_block(node.body))
        self.loop_kinds.pop()
        self.compound(ir.While(test, body, line), [(body, fresh)])

    def enter_loop(self, node):
        assigned = assigned_names(node) | _element_assigned(node.body)
        self.forget(assigned)
        self.fresh_arrays -= {name for name in assigned if not self.always_fresh(node, name)}
        self.loop_kinds.append("loop")

    def always_fresh(self, node, name):
        return all(self.is_fresh_array(child.value) for child in gast.walk(node)
                   if isinstance(child, gast.Assign) and any(
                       isinstance(t, gast.Name) and t.id == name for t in child.targets))

    def stmt_For(self, node):
        if not isinstance(node.target, gast.Name):
            raise self.error(node, "a `for` loop with several targets",
                             "use `for i in range(len(x))` and index the values.")
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
        rebound = assigned_names(node)
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
                self.emit(ir.Var(name), operator.getitem, (sequence, counter))
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
        nested = any(isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)
                     and n.id == name for s in node.body for n in gast.walk(s))
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

    def new_var(self, name):
        """The SSA variable for the next value of the user's variable `name`."""
        if name in self.env or name in self.params:
            return ir.Var(self.namer.version(name))
        return ir.Var(name)

    # conditions

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
                    part = _constant_part(held, ir.Const(subscript.slice.value)) \
                        if isinstance(held, tuple) else None
                    if part is not None and part is not _OUT_OF_RANGE:
                        return gast.copy_location(written(part, subscript), subscript)
                return self.generic_visit(subscript)

            def visit_Call(self, call):
                calls.append(call)
                return self.generic_visit(call)

        renamed = Rename().visit(copy.deepcopy(node))
        return ir.Test(renamed, tuple(dict.fromkeys(reads)), bool(calls))

    # expressions

    def emit(self, target, prim, args, kwargs=(), callee=None, packed=None):
        """Append `target = prim(args)`; an intermediate computed before is reused."""
        key = _key(prim, args, kwargs, packed)
        if target is None and key in self.computed:
            return self.computed[key][0]
        target = target or ir.Var(self.namer.temp())
        if target.name in self.mutable:
            self.forget({target.name})
        op = ir.Op(target, prim, tuple(args), tuple(kwargs), callee, self.line, packed)
        self.block.append(op)
        reads = {v.name for v in op.vars()}
        if key is not None and target.name not in reads:
            self.computed[key] = (target, reads)
        return target

    def forget(self, names):
        """Drop reusable intermediates that read or live in variables being overwritten."""
        self.computed = {key: (target, reads) for key, (target, reads) in self.computed.items()
                         if target.name not in names and not reads & names}

    def expr(self, node, target=None):
        """Lower `node`, returning the atom that holds its value."""
        handler = getattr(self, "expr_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"the expression `{gast.unparse(node)}`"
                             if hasattr(gast, "unparse") else "this expression",
                             "rewrite it with arithmetic, math and NumPy calls.")
        return handler(node, target)

    def expr_Constant(self, node, target):
        return ir.Const(node.value)

    def expr_Name(self, node, target):
        return self.read(node)

    def read(self, node):
        name = node.id
        if name in self.env:
            return self.env[name]
        if name in self.mutable and self.in_loop:
            return ir.Var(name)
        if name in self.locals:
            raise self.error(node, f"reading '{name}' before it is assigned",
                             "assign it before use.")
        found, value = self.scope.lookup(name)
        if self.is_itself(name, found, value):
            return ir.Global(name, self.parsed.fn)
        if not found:
            raise self.error(node, f"the undefined name '{name}'",
                             "define it at module level or pass it as an argument.")
        return ir.Global(name, value)

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

    def expr_IfExp(self, node, target):
        var = target if target is not None else ir.Var(self.namer.temp())
        self.mutable.add(var.name)
        test = self.test(node.test)
        body, fresh_body = self.nested(lambda: self.into(node.body, var))
        orelse, fresh_else = self.nested(lambda: self.into(node.orelse, var))
        self.compound(ir.If(test, body, orelse, self.line),
                      [(body, fresh_body), (orelse, fresh_else)])
        return var

    def expr_BoolOp(self, node, target):
        raise self.error(node, "`and`/`or` on values",
                         "use them in conditions only; write `a if cond else b` for a value.")

    def expr_Attribute(self, node, target):
        value = self.expr(node.value)
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
        return self.emit(target, self.binary_prim(node.op, node), (left, right))

    def binary_prim(self, op, node):
        prim = BINARY.get(type(op))
        if prim is None:
            raise self.error(node, f"the operator `{type(op).__name__}`",
                             "use arithmetic, `**` or `@` on numbers and arrays.")
        return prim

    def expr_UnaryOp(self, node, target):
        operand = self.expr(node.operand)
        if isinstance(node.op, gast.USub) and isinstance(operand, ir.Const) \
                and isinstance(operand.value, (int, float)):
            return ir.Const(-operand.value)
        prim = UNARY.get(type(node.op))
        if prim is None:
            raise self.error(node, "the operator `~`", "use arithmetic on numbers.")
        return self.emit(target, prim, (operand,))

    def expr_Compare(self, node, target):
        if len(node.ops) != 1:
            raise self.error(node, "a chained comparison", "compare two values at a time.")
        prim = COMPARE.get(type(node.ops[0]))
        if prim is None:
            raise self.error(node, f"the comparison `{type(node.ops[0]).__name__}`",
                             "use <, <=, >, >=, == or !=.")
        args = (self.expr(node.left), self.expr(node.comparators[0]))
        return self.emit(target, prim, args)

    def expr_Tuple(self, node, target):
        return tuple(self.expr(elt) for elt in node.elts)

    def expr_Subscript(self, node, target):
        if isinstance(node.slice, gast.Constant) and type(node.slice.value) is int \
                and self.part_call(node.value, node.slice.value + 1):
            return self.part(node.value, node.slice.value, target)
        value = self.expr(node.value)
        index = self.index(node.slice)
        if isinstance(value, tuple):
            part = _constant_part(value, index)
            if part is _OUT_OF_RANGE:
                raise self.error(node, f"an index out of range of a tuple of {len(value)} "
                                 "values", "index within the tuple.")
            if part is not None:
                return part
        return self.emit(target, operator.getitem, (value, index))

    def index(self, node):
        if isinstance(node, gast.Slice):
            return ir.Slice(*(None if part is None else self.expr(part)
                              for part in (node.lower, node.upper, node.step)))
        if isinstance(node, gast.Tuple):
            return tuple(self.index(elt) for elt in node.elts)
        return self.expr(node)

    def expr_Call(self, node, target):
        if isinstance(node.func, gast.Attribute):
            value = self.expr(node.func.value)
            if not isinstance(value, ir.Global) or isinstance(value.value, np.ndarray):
                return self.method_call(node, value, target)
        func = self.expr(node.func)
        if not isinstance(func, ir.Global):
            raise self.error(node, "calling a computed value",
                             "call functions by their module-level name.")
        if func.value in (builtins.max, builtins.min):
            return self.extremum(node, func, target)
        func = self.callable(node, func)
        self.check_callable(node, func)
        args, kwargs, packed = self.call_arguments(node, func.value)
        return self.emit(target, func.value, args, kwargs, callee=func.text, packed=packed)

    def callable(self, node, func):
        """The function a call runs: through wrappers that run it unchanged
        (`functools.lru_cache`); a derivative s2sad made is an error (higher order)."""
        if isinstance(func.value, read.Derivative):
            raise UnsupportedError(
                f"calling `{func.text}`, a derivative made by s2sad, inside a differentiated "
                "function: derivatives of derivatives (higher order) are not supported "
                f"yet. Write the first derivative as a function of its own, or pass "
                f"`{func.text}(...)`'s value as an argument.", self.where.filename,
                self.where.line(node))
        if isinstance(func.value, (staticmethod,) + read.TRANSPARENT):
            return ir.Global(func.text, read.target(func.value))
        return func

    def method_call(self, node, value, target):
        """`x.sum(axis=0)`: the method's own rule, with `x` as the first argument."""
        prim = ir.Method(node.func.attr)
        if rules.lookup(prim) is None:
            raise self.error(node, *_method_problem(node))
        args, kwargs, _ = self.call_arguments(node, prim)
        return self.emit(target, prim, (value,) + args, kwargs)

    def call_arguments(self, node, prim):
        """Positional and keyword atoms of a call. A rule that takes a sequence
        (`np.stack`, `np.array`) gets the elements of a list or tuple display as its
        leading arguments, each differentiable on its own."""
        args = list(node.args)
        packed, leading = None, []
        if getattr(rules.lookup(prim), "packs", False) and args:
            if isinstance(args[0], (gast.List, gast.Tuple)):
                packed = self.pack(args.pop(0), leading)
            elif isinstance(args[0], gast.Name) and isinstance(self.read(args[0]), tuple):
                packed = self.pack(self.read(args.pop(0)), leading)
        atoms = tuple(leading) + tuple(self.argument(arg) for arg in args)
        kwargs = tuple((kw.arg, self.argument(kw.value)) for kw in node.keywords)
        return atoms, kwargs, packed

    def pack(self, display, leaves):
        """The `Packed` layout of a list or tuple display, or of a tuple held in a
        variable, with its elements appended to `leaves`."""
        items = []
        for elt in display.elts if isinstance(display, gast.AST) else display:
            if isinstance(elt, (gast.List, gast.Tuple, tuple)):
                items.append(self.pack(elt, leaves))
            else:
                items.append(len(leaves))
                leaves.append(self.expr(elt) if isinstance(elt, gast.AST) else elt)
        return ir.Packed(tuple(items), "list" if isinstance(display, gast.List) else "tuple")

    def extremum(self, node, func, target):
        """`max(a, b, c)` and `max([a, b, c])` as a chain of two-argument calls, which
        keeps Python's choice on ties (the first of equal values)."""
        args = node.args
        if len(args) == 1 and isinstance(args[0], (gast.List, gast.Tuple)):
            args = args[0].elts
        if node.keywords or len(args) < 2:
            raise self.error(node, f"`{func.text}` of one sequence or with keywords",
                             f"list the values: `{func.text}(a, b)`; for the elements of an "
                             f"array use `np.{func.text}(x)`.")
        result = self.expr(args[0])
        for position, arg in enumerate(args[1:], 2):
            last = position == len(args)
            result = self.emit(target if last else None, func.value,
                               (result, self.expr(arg)), callee=func.text)
        return result

    def expr_List(self, node, target):
        raise self.error(node, "a list display outside a call",
                         "pass the list straight to the function that takes it "
                         "(`np.array([a, b])`, `np.stack([a, b])`), or use a NumPy array.")

    def argument(self, node):
        """An argument atom; a list display there is a shape or other constant tuple
        (`np.zeros([n, 3])`)."""
        if isinstance(node, gast.List):
            return tuple(self.argument(elt) for elt in node.elts)
        return self.expr(node)

    def part_call(self, node, count):
        """Whether `node` calls a primitive that returns `count` outputs, each with its own
        rule (`sign, logdet = np.linalg.slogdet(A)`)."""
        if not isinstance(node, gast.Call):
            return None
        prim = self.resolve(node.func)
        if prim is None or rules.lookup(ir.Part(prim, 0)) is None:
            return None
        if count is not None and rules.lookup(ir.Part(prim, count - 1)) is None:
            return None
        return prim

    def part(self, node, index, target):
        prim = self.resolve(node.func)
        func = self.expr(node.func)
        args, kwargs, _ = self.call_arguments(node, prim)
        return self.emit(target, ir.Part(prim, index), args, kwargs, callee=func.text)

    def check_callable(self, node, func):
        """A call needs a rule or the source of a function of the user's own: a library
        function without a rule is refused here, at the user's line, never parsed."""
        if rules.lookup(func.value) is not None or calls.is_user_function(func.value):
            return
        if rules.lookup(ir.Part(func.value, 0)) is not None:
            raise self.error(node, f"the tuple `{func.text}(...)` used whole",
                             f"unpack its outputs (`a, b = {func.text}(...)`) or index it "
                             f"with a constant (`{func.text}(...)[1]`).")
        raise UnsupportedError(no_rule(func.text, func.value), self.where.filename,
                               self.where.line(node))


_THROUGH = ", which s2sad does not differentiate through"
_LIST = ("keep the values in a NumPy array: pass a list display straight to the function "
         "that takes it (`np.array([a, b])`, `np.stack([a, b])`).")
_LOOP = "loop with `for i in range(len(x))` and index the values."
_SORT = ("sort an array by its indices, `x[np.argsort(x)]`: the indices carry no "
         "derivative, the values they pick do.")
# builtins and NumPy callables that need advice of their own: what the call is, and what
# to write instead
INSTEAD = {
    builtins.reversed: ("makes an iterator" + _THROUGH, "reverse an array with `x[::-1]`."),
    builtins.sorted: ("makes a list" + _THROUGH, _SORT),
    np.sort: ("has no derivative rule", _SORT),
    builtins.list: ("makes a Python list" + _THROUGH, _LIST),
    builtins.tuple: ("makes a tuple" + _THROUGH, _LIST),
    builtins.dict: ("makes a dict" + _THROUGH, "pass the values as separate arguments."),
    builtins.set: ("makes a set" + _THROUGH, "keep the values in a NumPy array."),
    builtins.frozenset: ("makes a set" + _THROUGH, "keep the values in a NumPy array."),
    builtins.zip: ("makes an iterator" + _THROUGH, _LOOP),
    builtins.enumerate: ("makes an iterator" + _THROUGH, _LOOP),
    builtins.map: ("makes an iterator" + _THROUGH, "apply NumPy functions to the whole "
                   "array (`np.sin(x)`), or " + _LOOP),
    builtins.filter: ("makes an iterator" + _THROUGH,
                      "select elements with a mask: `x[x > 0]`."),
    builtins.iter: ("makes an iterator" + _THROUGH,
                    "index the array instead (`x[0]`), or " + _LOOP),
    builtins.next: ("reads an iterator" + _THROUGH,
                    "index the array instead (`x[0]`), or " + _LOOP),
    builtins.range: ("makes a range, which s2sad reads only in a `for` loop's header",
                     "use `np.arange(n)` for an array of integers, or loop with "
                     "`for i in range(n)`."),
    builtins.divmod: ("returns a tuple" + _THROUGH, "write `a // b` and `a % b`."),
    builtins.slice: ("makes a slice object" + _THROUGH,
                     "write the slice in the subscript: `x[1:3]`."),
    builtins.complex: ("makes a complex number; s2sad differentiates real numbers",
                       "compute with the real and imaginary parts as two real values."),
    builtins.print: ("is called for its side effect and has no value to differentiate",
                     "remove the call, or print outside the differentiated function."),
    np.vectorize: ("calls a Python function on each element, which s2sad does not look "
                   "into", "apply NumPy functions to the whole array (`np.sin(x)`), or "
                   "make the vectorized function once at module level (`vf = "
                   "np.vectorize(f)`) and give it a rule: `s2sad.defrule(vf, "
                   "partials=[...])` (docs/rules.md)."),
}


def no_rule(text, value):
    """Why a call to `value`, written `text`, cannot be differentiated, and what to write
    instead: advice that applies to what `value` is (a builtin, a class, a library
    function, an object), never its repr (which may show an address)."""
    try:
        instead = INSTEAD.get(value)
    except TypeError:  # unhashable
        instead = None
    if instead is not None:
        what, advice = instead
        return f"`{text}(...)` {what}; {advice}"
    kind = type(value).__name__
    if isinstance(value, type):
        if issubclass(value, np.generic):
            return (f"`{text}(...)` converts to a NumPy scalar type, which s2sad does not "
                    "differentiate through; use `float(x)` for a number, "
                    f"`x.astype({text})` for an array.")
        return (f"`{text}(...)` creates an object of class `{value.__name__}`, which s2sad "
                "does not differentiate through; compute with numbers and NumPy arrays, "
                "and create objects outside the differentiated function (pass the numbers "
                "they hold as arguments).")
    if isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
            and not isinstance(getattr(value, "__self__", None), types.ModuleType):
        owner = type(value.__self__).__name__
        return (f"`{text}` is a method of an object of type `{owner}`, which s2sad does not "
                "differentiate; write it as a function defined with `def` at module level, "
                f"taking what it needs as arguments, or compute `{text}(...)` outside the "
                "differentiated function and pass its value as an argument.")
    if isinstance(value, functools.partial):
        inner = getattr(value.func, "__name__", type(value.func).__name__)
        return (f"`{text}` is a functools.partial of `{inner}`, which s2sad does not look "
                f"into; call `{inner}` with all its arguments instead.")
    if isinstance(value, np.vectorize):
        return (f"`{text}` is a `np.vectorize` object, which calls a Python function on "
                "each element and which s2sad does not look into; apply NumPy functions to "
                f"the whole array, or give `{text}` a rule: `s2sad.defrule({text}, "
                "partials=[...])` with one function per argument computing its partial "
                "derivative (docs/rules.md).")
    if calls.is_user_function(read.innermost(value)):
        return (f"`{text}` is a `{kind}` object around a function of yours, and s2sad "
                "cannot read what calling it runs; write the computation as a function "
                "defined with `def` (a decorator's wrapper defined with `def` is "
                "differentiated as written).")
    # a ufunc of SciPy's has no __module__ of its own: its type's is NumPy's
    source = calls.library(value if hasattr(value, "__module__") else type(value))
    what = "a ufunc" if isinstance(value, np.ufunc) else f"a function of {source}"
    rule = (f"give `{text}` a rule: for an elementwise function, "
            f"`s2sad.defrule({text}, partials=[df_dx, ...])` with one function per argument "
            f"computing its partial derivative; otherwise `s2sad.defrule({text}, "
            "tangents=[...], adjoints=[...])` (docs/rules.md).")
    if source == "Python's builtins":
        return (f"`{text}` is a Python builtin without a derivative rule; compute "
                f"`{text}(...)` outside the differentiated function and pass its value as "
                "an argument (docs/functions.md lists the builtins s2sad knows).")
    if source is None:
        return (f"`{text}` is an object of type `{kind}` without a derivative rule, not a "
                "function defined with `def` (whose source s2sad differentiates). Call a "
                f"function defined with `def` instead, or {rule}")
    return (f"s2sad has no derivative rule for `{text}`, {what} (s2sad "
            "differentiates your own functions from their source, never a library's). "
            "Write the computation with functions s2sad knows (docs/functions.md), or "
            + rule)


_READ = ", ".join(f"`.{name}`" for name in sorted(VALUE_ATTRIBUTES))


def _written(node):
    """The source of an expression node as the user wrote it (near enough)."""
    return ast.unparse(gast.gast_to_ast(copy.deepcopy(node)))


def _numpy_instead(name, text, more=False):
    """`np.name(text)` (`np.name(text, ...)`: `more` arguments) where NumPy has a function
    of that name with a rule, else None."""
    function = getattr(np, name, None)
    rest = ", ..." if more else ""
    return f"`np.{name}({text}{rest})`" if rules.lookup(function) is not None else None


def _attribute_problem(node):
    """The construct and the advice for reading an attribute s2sad does not read on a
    variable: an array's own, or an attribute of some other object (an argument holding
    parameters, say), which only the caller can unpack."""
    text, owner = _written(node), _written(node.value)
    if hasattr(np.ndarray, node.attr):
        instead = _numpy_instead(node.attr, owner)
        return (f"the array attribute `{text}`",
                f"s2sad reads {_READ} of an array; "
                + (f"use {instead} instead." if instead else
                   "compute it with the functions in docs/functions.md instead."))
    return (f"the attribute `{text}`",
            f"a variable's attributes are read only for arrays ({_READ}); pass `{text}` "
            "to the function as an argument of its own (attributes of a module-level "
            "object are read as constants).")


def _method_problem(node):
    """The construct and the advice for a method s2sad has no rule for."""
    name = node.func.attr
    if name == "sort":
        return "the method `.sort()`", _SORT
    if hasattr(np.ndarray, name):
        instead = _numpy_instead(name, _written(node.func.value),
                                 bool(node.args or node.keywords))
        return (f"the method `.{name}()`",
                (f"use {instead} instead; " if instead else
                 "compute it with NumPy functions or operators instead; ")
                + "docs/functions.md lists the methods s2sad knows.")
    return (f"the method call `{_written(node.func)}(...)`",
            f"`.{name}()` is no array method, and s2sad calls only the array methods "
            "listed in docs/functions.md. Call a function defined with `def` at module "
            "level instead (s2sad differentiates it from its source), passing it what it "
            "needs as arguments, or compute the value outside the differentiated function "
            "and pass it as an argument.")


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


def _compound_assigned(statements):
    found = set()
    for statement in statements:
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            found |= assigned_names(statement)
    return found


def _element_assigned(statements):
    found = set()
    for statement in statements:
        for node in gast.walk(statement):
            targets = node.targets if isinstance(node, gast.Assign) else \
                [node.target] if isinstance(node, gast.AugAssign) else []
            for target in targets:
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    found.add(target.value.id)
    return found


def _loops(block):
    for statement in block:
        if isinstance(statement, (ir.For, ir.While)):
            yield statement
        elif isinstance(statement, ir.If):
            yield from _loops(statement.body)
            yield from _loops(statement.orelse)


def _mark_crossing(block, mutable):
    """Make mutable every temporary of a loop body read outside the group defining it, so
    each group's other temporaries can be recomputed by the backward sweep."""
    while True:
        crossing = _crossing(block, mutable, {}, set())
        if not crossing - mutable:
            return
        mutable |= crossing


def _crossing(block, mutable, owner, found):
    """Temporaries read outside their group; `owner` maps each to the group defining it."""
    def check(atoms, key):
        found.update(v.name for v in atoms if owner.get(v.name, key) != key)

    for position, item in enumerate(ir.split(block, mutable)):
        key = (id(block), position)
        if isinstance(item, list):
            for statement in item:
                check(statement.vars(), key)
                if isinstance(statement, ir.Op):
                    owner.setdefault(statement.target.name, key)
        elif isinstance(item, ir.For):
            check(ir.atom_vars((item.start, item.stop, item.step)), key)
            _crossing(item.body, mutable, owner, found)
        elif isinstance(item, ir.While):
            _crossing(item.body, mutable, owner, found)
        elif isinstance(item, ir.If):
            _crossing(item.body, mutable, owner, found)
            _crossing(item.orelse, mutable, owner, found)
    return found


def _key(prim, args, kwargs, packed=None):
    """A key under which equal pure operations compare equal, or None (not reusable)."""
    if rules.lookup(prim) is None:
        return None
    try:
        key = (prim, _atoms_key(args), _atoms_key(kwargs), packed)
        hash(key)
    except TypeError:
        return None
    return key


def _atoms_key(item):
    if isinstance(item, ir.Const):
        return ("const", type(item.value), item.value)
    if isinstance(item, ir.Global):
        return ("global", item.text)
    if isinstance(item, (tuple, list)):
        return tuple(_atoms_key(i) for i in item)
    if isinstance(item, ir.Slice):
        return ("slice", _atoms_key((item.lower, item.upper, item.step)))
    return item


_OUT_OF_RANGE = object()


def _constant_part(items, index):
    """`p[0]`, `p[-1]` or `p[1:]` of a tuple known while lowering (a display, or one
    held in a variable): its element or elements; None for an index known only at run
    time."""
    def number(atom):
        return atom.value if isinstance(atom, ir.Const) and type(atom.value) is int else None
    if number(index) is not None:
        inside = -len(items) <= number(index) < len(items)
        return items[number(index)] if inside else _OUT_OF_RANGE
    if isinstance(index, ir.Slice):
        parts = (index.lower, index.upper, index.step)
        if all(part is None or number(part) is not None for part in parts):
            return items[slice(*(None if p is None else number(p) for p in parts))]
    return None
