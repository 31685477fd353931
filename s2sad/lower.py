"""Lower a parsed function to the Wengert list: one elementary operation per statement.

Every intermediate of an expression gets a name (`t1`, `t2`, ...) and every assignment
defines a fresh SSA name (`x = x * y; x = sin(x)` gives `x_1` and `x_2`), so later passes
never have to reason about overwrites in straight-line code.
"""
import operator
import types

import gast

from . import ir, rules
from .errors import UnsupportedError
from .frontend import Scope

BINARY = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_}
COMPARE = {
    gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt,
    gast.GtE: operator.ge, gast.Eq: operator.eq, gast.NotEq: operator.ne,
}
VALUE_ATTRIBUTES = {"T", "shape", "ndim", "size", "dtype", "real"}


def lower(parsed, namer):
    """The `ir.Function` of a parsed (and fenced) function."""
    return _Lowerer(parsed, namer).run()


def identifiers(node):
    """Every identifier a function mentions, to keep generated names clear of them."""
    found = {arg.id for arg in node.args.args + node.args.kwonlyargs}
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add(child.id)
    return found


def assigned_names(node):
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name) and isinstance(child.ctx, gast.Store):
            found.add(child.id)
    return found


class _Lowerer:
    def __init__(self, parsed, namer):
        self.parsed = parsed
        self.where = parsed.where
        self.namer = namer
        self.scope = Scope(parsed.fn)
        args = parsed.node.args
        self.params = tuple(arg.id for arg in args.args + args.kwonlyargs)
        self.env = {name: ir.Var(name) for name in self.params}
        self.locals = assigned_names(parsed.node) | set(self.params)
        self.body = []
        self.computed = {}
        self.line = parsed.where.first_line

    def run(self):
        result = None
        for statement in self.parsed.node.body:
            self.line = self.where.line(statement)
            if isinstance(statement, gast.Return):
                result = self.returned(statement)
                break
            self.statement(statement)
        if result is None:
            raise self.error(self.parsed.node, "a function without a `return` of a value",
                             "return the value to differentiate.")
        return ir.Function(self.parsed.name, self.params, self.body, result,
                           self.where.filename, self.where.first_line, self.parsed)

    def error(self, node, construct, advice):
        return self.where.unsupported(node, construct, advice)

    # statements

    def statement(self, node):
        handler = getattr(self, "stmt_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"a `{type(node).__name__}` statement",
                             "only assignments and a final `return` are supported.")
        handler(node)

    def stmt_Pass(self, node):
        pass

    def stmt_Expr(self, node):
        if isinstance(node.value, gast.Constant) and isinstance(node.value.value, str):
            return
        raise self.error(node, "an expression statement whose value is discarded",
                         "remove it (calls for side effects such as `print` are not "
                         "differentiated).")

    def stmt_Assign(self, node):
        target = node.targets[0]
        if isinstance(target, gast.Name):
            self.bind(target.id, self.expr(node.value, self.new_var(target.id)))
            return
        names = [elt.id for elt in target.elts]
        if isinstance(node.value, gast.Tuple) and len(node.value.elts) == len(names):
            values = [self.expr(elt, self.new_var(name))
                      for name, elt in zip(names, node.value.elts)]
        else:
            whole = self.expr(node.value)
            values = [self.emit(self.new_var(name), operator.getitem, (whole, ir.Const(i)))
                      for i, name in enumerate(names)]
        for name, value in zip(names, values):
            self.bind(name, value)

    def stmt_AugAssign(self, node):
        name = node.target.id
        current = self.read(node.target)
        value = self.expr(node.value)
        prim = self.binary_prim(node.op, node)
        self.bind(name, self.emit(self.new_var(name), prim, (current, value)))

    def returned(self, node):
        if node.value is None:
            raise self.error(node, "a bare `return`", "return the value to differentiate.")
        if isinstance(node.value, gast.Tuple):
            raise self.error(node, "returning a tuple",
                             "return one scalar or array (e.g. `np.stack` the outputs).")
        return self.expr(node.value, ir.Var(self.namer.fresh(self.parsed.name)))

    def bind(self, name, atom):
        self.env[name] = atom

    def new_var(self, name):
        """The SSA variable for the next value of the user's variable `name`."""
        if name in self.env or name in self.params:
            return ir.Var(self.namer.version(name))
        return ir.Var(name)

    # expressions

    def emit(self, target, prim, args, kwargs=(), callee=None):
        """Append `target = prim(args)`; an intermediate computed before is reused."""
        key = _key(prim, args, kwargs)
        if target is None and key in self.computed:
            return self.computed[key]
        target = target or ir.Var(self.namer.temp())
        self.body.append(ir.Op(target, prim, tuple(args), tuple(kwargs), callee, self.line))
        if key is not None:
            self.computed[key] = target
        return target

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
        if name in self.locals:
            raise self.error(node, f"reading '{name}' before it is assigned",
                             "assign it before use.")
        found, value = self.scope.lookup(name)
        if not found:
            raise self.error(node, f"the undefined name '{name}'",
                             "define it at module level or pass it as an argument.")
        return ir.Global(name, value)

    def expr_Attribute(self, node, target):
        value = self.expr(node.value)
        if isinstance(value, ir.Global):
            try:
                return ir.Global(f"{value.text}.{node.attr}", getattr(value.value, node.attr))
            except AttributeError:
                raise self.error(node, f"`{value.text}.{node.attr}`",
                                 f"`{value.text}` has no attribute '{node.attr}'.") from None
        if node.attr not in VALUE_ATTRIBUTES:
            raise self.error(node, f"the attribute `.{node.attr}` of a value",
                             "use the NumPy function instead (e.g. `np.sum(x)` for "
                             "`x.sum()`).")
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
        value = self.expr(node.value)
        return self.emit(target, operator.getitem, (value, self.index(node.slice)))

    def index(self, node):
        if isinstance(node, gast.Slice):
            return ir.Slice(*(None if part is None else self.expr(part)
                              for part in (node.lower, node.upper, node.step)))
        if isinstance(node, gast.Tuple):
            return tuple(self.index(elt) for elt in node.elts)
        return self.expr(node)

    def expr_Call(self, node, target):
        func = self.expr(node.func)
        if not isinstance(func, ir.Global):
            raise self.error(node, "calling a computed value",
                             "call functions by their module-level name.")
        self.check_callable(node, func)
        args = tuple(self.expr(arg) for arg in node.args)
        kwargs = tuple((kw.arg, self.expr(kw.value)) for kw in node.keywords)
        return self.emit(target, func.value, args, kwargs, callee=func.text)

    def check_callable(self, node, func):
        if rules.lookup(func.value) is not None:
            return
        if isinstance(func.value, types.FunctionType):
            return
        raise UnsupportedError(
            f"s2sad has no derivative rule for `{func.text}` ({func.value!r}) and cannot "
            f"read its source. Write the computation with math/NumPy functions s2sad knows "
            f"(see docs/guide.md), or with a plain Python helper function.",
            self.where.filename, self.where.line(node))


def _key(prim, args, kwargs):
    """A key under which equal pure operations compare equal, or None (not reusable)."""
    if rules.lookup(prim) is None:
        return None
    try:
        key = (prim, _atoms_key(args), _atoms_key(kwargs))
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
