"""Algebraic clean-up of generated expressions: no `* 1`, `+ 0`, `** 1` or folded constants.

Derivative templates are general (`y * x ** (y - 1)`); instantiated with constants they
become `2 * x ** (2 - 1)`. Folding here keeps the generated code what a person would
write (`2 * x`) and spares the run time the useless arithmetic.
"""
import operator

import gast

from .template import const

_FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


def number(node):
    """The value of a numeric literal node, else None."""
    if isinstance(node, gast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = number(node.operand)
        return None if inner is None else -inner
    return None


def simplify(node):
    """A simplified copy of expression `node` (children first)."""
    if isinstance(node, gast.BinOp):
        return binop(simplify(node.left), node.op, simplify(node.right))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return neg(simplify(node.operand))
    if isinstance(node, gast.Call):
        return gast.Call(func=node.func, args=[simplify(a) for a in node.args],
                         keywords=node.keywords)
    if isinstance(node, gast.IfExp):
        # a guarded partial (`g * 0.5 / out if g else 0.0`) whose seed became a number
        test = number(node.test)
        if test is not None:
            return simplify(node.body if test else node.orelse)
        return gast.IfExp(test=node.test, body=simplify(node.body),
                          orelse=simplify(node.orelse))
    return node


def binop(left, op, right):
    a, b = number(left), number(right)
    if a is not None and b is not None and type(op) in _FOLD and not (
            isinstance(op, gast.Div) and b == 0):
        value = _FOLD[type(op)](a, b)
        if isinstance(value, (int, float)) and abs(value) < 1e15:
            return const(value) if value >= 0 else neg(const(-value))
    if isinstance(op, gast.Mult):
        if a == 1:
            return right
        if b == 1:
            return left
        if a == -1:
            return neg(right)
        if b == -1:
            return neg(left)
        if isinstance(right, gast.BinOp) and isinstance(right.op, gast.Div) \
                and number(right.left) == 1:
            return binop(left, gast.Div(), right.right)
    if isinstance(op, gast.Add):
        if a == 0:
            return right
        if b == 0:
            return left
    if isinstance(op, gast.Sub) and b == 0:
        return left
    if isinstance(op, (gast.Div, gast.Pow)) and b == 1:
        return left
    if isinstance(op, gast.Add) and isinstance(right, gast.UnaryOp) \
            and isinstance(right.op, gast.USub):
        return binop(left, gast.Sub(), right.operand)
    if isinstance(op, (gast.Add, gast.Sub)) and _denominator(left) is not None \
            and _denominator(left) == _denominator(right):
        return binop(binop(left.left, op, right.left), gast.Div(), left.right)
    return gast.BinOp(left=left, op=op, right=right)


def _denominator(node):
    """The name `b` divides by in `a / b`, else None: `a / b - c / b` is written
    `(a - c) / b`, one division fewer (the quotient rule's tangent)."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) \
            and isinstance(node.right, gast.Name):
        return node.right.id
    return None


def neg(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    return gast.UnaryOp(op=gast.USub(), operand=node)


def times(g, partial):
    """`g * partial`, simplified: the shape of every elementwise adjoint term.

    A negated partial moves the sign outside (`-(g * p)`, so accumulation reads `-=`) and
    a product or quotient partial is flattened (`g * a / b` rather than `g * (a / b)`).
    """
    partial = simplify(partial)
    if isinstance(partial, gast.UnaryOp) and isinstance(partial.op, gast.USub):
        return neg(times(g, partial.operand))
    if isinstance(partial, gast.BinOp) and isinstance(partial.op, (gast.Mult, gast.Div)) \
            and number(partial.left) != 1:
        return binop(times(g, partial.left), partial.op, partial.right)
    return binop(g, gast.Mult(), partial)


# comparisons whose negation is another comparison, for any operands
_OPPOSITE = {gast.Eq: gast.NotEq, gast.NotEq: gast.Eq, gast.Is: gast.IsNot,
             gast.IsNot: gast.Is, gast.In: gast.NotIn, gast.NotIn: gast.In}
# and those whose negation is one only for operands that are never NaN
_ORDERED = {gast.Lt: gast.GtE, gast.GtE: gast.Lt, gast.Gt: gast.LtE, gast.LtE: gast.Gt}


def negated(test, ints=()):
    """`not test` for the test of a branch whose body is empty, written as the comparison
    it is where that is exact: `n != 0` for `not n == 0`, `n >= 1` for `not n < 1` with
    `n` an integer (`ints`: the names known to hold integers). An order is reversed only
    between integers: `not a < b` is True when `a` or `b` is NaN, `a >= b` is False, so
    for floats the `not` stays."""
    if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
        return test.operand
    if isinstance(test, gast.Compare) and len(test.ops) == 1:
        kind = type(test.ops[0])
        operands = (test.left, test.comparators[0])
        if kind in _OPPOSITE or kind in _ORDERED and all(_integer(o, ints) for o in operands):
            test.ops = [(_OPPOSITE.get(kind) or _ORDERED[kind])()]
            return test
    return gast.UnaryOp(op=gast.Not(), operand=test)


def _integer(node, ints):
    if isinstance(node, gast.Constant):
        return type(node.value) is int
    return isinstance(node, gast.Name) and node.id in ints


def doubled(first, second):
    """`2 * a * b` for the sum of two products of the same factors (`a * b` and `a * b`
    or `b * a`), else None: the two partials of a square `y * y`, where a person writes
    `2 * g * y`. Equal up to rounding in the subnormal range only (doubling is exact)."""
    if not all(isinstance(n, gast.BinOp) and isinstance(n.op, gast.Mult)
               for n in (first, second)):
        return None
    same = gast.dump(first) == gast.dump(second)
    mirrored = gast.dump(first.left) == gast.dump(second.right) and \
        gast.dump(first.right) == gast.dump(second.left)
    if not (same or mirrored):
        return None
    return gast.BinOp(left=gast.BinOp(left=const(2), op=gast.Mult(), right=first.left),
                      op=gast.Mult(), right=first.right)
