"""Turn IR atoms and operations back into gast expressions and statements.

Both emitters and the Wengert-list printer build their output through here, so an
operation reads the same everywhere: `t1 = x1 / x2`, `t2 = math.sin(t1)`.
"""
import math
import operator
import warnings

import gast
import numpy as np

from .. import ir
from .operators import BINARY, COMPARE, UNARY
from .template import const, name

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import astor

_BINARY = {prim: op for op, prim in BINARY.items()}
_UNARY = {prim: op for op, prim in UNARY.items()}
_COMPARE = {prim: op for op, prim in COMPARE.items()}
LITERALS = (int, float, complex, bool, str, type(None), type(Ellipsis))


def is_literal(value):
    if isinstance(value, tuple):
        return all(is_literal(item) for item in value)
    return type(value) in LITERALS and not (isinstance(value, float) and not math.isfinite(value))


def store(identifier):
    return gast.Name(id=identifier, ctx=gast.Store(), annotation=None, type_comment=None)


def assign(target, value):
    target = store(target) if isinstance(target, str) else target
    return gast.Assign(targets=[target], value=value, type_comment=None)


def augment(target, value):
    """`target += value`, written `target -= v` when value is `-v`."""
    target = store(target) if isinstance(target, str) else target
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        return gast.AugAssign(target=target, op=gast.Sub(), value=value.operand)
    return gast.AugAssign(target=target, op=gast.Add(), value=value)


def tuple_of(items, ctx=None):
    return gast.Tuple(elts=list(items), ctx=ctx or gast.Load())


def _picks(index):
    """`x[[0, 1, 0]]` for the index `((0, 1, 0),)`, which means the same: the elements
    along the first axis that a list picks."""
    if isinstance(index, gast.Tuple) and len(index.elts) == 1 and \
            isinstance(index.elts[0], gast.Tuple):
        return gast.List(elts=index.elts[0].elts, ctx=gast.Load())
    return index


class Printer:
    """Builds expressions for atoms and operations; objects that have no literal form
    (a default argument that is an array, say) are handed to `bind`, which returns the
    name the generated code reads them by."""

    def __init__(self, bind=None):
        self.bind = bind

    def atom(self, atom):
        if isinstance(atom, ir.Var):
            return name(atom.name)
        if isinstance(atom, ir.Global):
            return gast.parse(atom.text, mode="eval").body
        if isinstance(atom, ir.Slice):
            return gast.Slice(*(None if part is None else self.atom(part)
                                for part in (atom.lower, atom.upper, atom.step)))
        if isinstance(atom, tuple):
            return tuple_of(self.atom(item) for item in atom)
        if is_literal(atom.value):
            return self.literal(atom.value)
        if self.bind is None:
            return name(f"<{type(atom.value).__name__}>")
        return name(self.bind(atom.value))

    def index(self, atom):
        """An index as written in a subscript."""
        return _picks(self.atom(atom))

    def literal(self, value):
        if isinstance(value, tuple):
            return tuple_of(self.literal(item) for item in value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            return gast.UnaryOp(op=gast.USub(), operand=const(-value))
        return const(value)

    def op(self, op):
        """The primal expression of `op`."""
        args = [self.atom(arg) for arg in op.args]
        if op.packed is not None:
            args = [self.display(op.packed, args)] + args[op.packed.size:]
        prim = op.prim.prim if isinstance(op.prim, ir.OnList) else op.prim
        keywords = [gast.keyword(arg=key, value=self.atom(value)) for key, value in op.kwargs]
        if prim is ir.PUSH or isinstance(prim, ir.Pop):
            args = args[1:]   # `push(v)`, `pop()`: methods of the stack, bound to names
        if op.callee is not None:
            func = gast.parse(op.callee, mode="eval").body
            call = gast.Call(func=func, args=args, keywords=keywords)
            if isinstance(prim, ir.Part):
                return gast.Subscript(value=call, slice=const(prim.index), ctx=gast.Load())
            if prim is np.r_:
                # an index trick, written as indexed: `np.r_[a, b]`
                items = args[0].elts
                return gast.Subscript(value=func, ctx=gast.Load(), slice=items[0] if len(
                    items) == 1 else gast.Tuple(elts=items, ctx=gast.Load()))
            return call
        if prim is ir.COPY:
            return args[0]
        if prim is ir.LIST:
            return gast.List(elts=args, ctx=gast.Load())
        if prim is ir.APPEND:
            return gast.Call(func=gast.Attribute(value=args[0], attr="append", ctx=gast.Load()),
                             args=args[1:], keywords=[])
        if isinstance(prim, ir.Method):
            return gast.Call(func=gast.Attribute(value=args[0], attr=prim.name, ctx=gast.Load()),
                             args=args[1:], keywords=keywords)
        if prim is operator.getitem:
            return gast.Subscript(value=args[0], slice=_picks(args[1]), ctx=gast.Load())
        if isinstance(prim, ir.Attr):
            return gast.Attribute(value=args[0], attr=prim.name, ctx=gast.Load())
        if prim in _BINARY:
            return gast.BinOp(left=args[0], op=_BINARY[prim](), right=args[1])
        if prim in _UNARY:
            return gast.UnaryOp(op=_UNARY[prim](), operand=args[0])
        return gast.Compare(left=args[0], ops=[_COMPARE[prim]()], comparators=[args[1]])

    def display(self, packed, args):
        """The list or tuple display `packed` describes, over the printed `args`."""
        items = [self.display(item, args) if isinstance(item, ir.Packed) else args[item]
                 for item in packed.items]
        if packed.brackets == "list":
            return gast.List(elts=items, ctx=gast.Load())
        return tuple_of(items)

    def statement(self, op):
        if op.prim is ir.APPEND or op.prim is ir.PUSH:
            return gast.Expr(value=self.op(op))
        if isinstance(op.prim, ir.Tape):
            return assign(op.target.name, gast.List(elts=[], ctx=gast.Load()))
        return assign(op.target.name, self.op(op))

    def statements(self, op):
        """The statements of `op`: one, or for a derivative's stack also the names its
        methods are bound to (`push = stack.append`)."""
        out = [self.statement(op)]
        if isinstance(op.prim, ir.Tape):
            stack = name(op.target.name)
            out += [assign(bound, gast.Attribute(value=stack, attr=method, ctx=gast.Load()))
                    for bound, method in ((op.prim.push, "append"), (op.prim.pop, "pop"))
                    if bound is not None]
        return out


def source(node):
    """Python source of one gast statement or expression, without a trailing newline.

    Lines are never split: astor's splitting breaks expressions at odd places
    (`axis\n=(1,)`), which reads worse than a long line."""
    if isinstance(node, gast.Constant) and is_literal(node.value):
        return repr(node.value)
    tree = gast.gast_to_ast(node)
    return astor.to_source(tree, pretty_source="".join).rstrip("\n")
