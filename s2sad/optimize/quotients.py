"""A quotient the backward sweep has computed, read again rather than divided again.

The quotient rule's two adjoints both divide the incoming adjoint by the denominator; the
second reads the first:

    x1_bar = t1_bar / x2              ->    x1_bar = t1_bar / x2
    x2_bar -= t1_bar * t1 / x2              x2_bar -= x1_bar * t1
"""
import gast

from ..syntax import queries
from .blocks import nested


def run(statements, context):
    """The pass over the backward sweep."""
    return reuse_quotients(statements, context.number_bars)


def reuse_quotients(statements, numbers):
    """After `q = g / b`, a later `g * x / b` is `q * x` while `q`, `g` and `b` keep their
    values: the quotient rule's two adjoints share one division, `x1_bar = t1_bar / x2`
    then `x2_bar -= x1_bar * t1`. Numbers only (`numbers`), which nothing updates in
    place."""
    statements = nested(statements, lambda block: reuse_quotients(block, numbers))
    for index, statement in enumerate(statements):
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], gast.Name)
                and statement.targets[0].id in numbers
                and isinstance(statement.value, gast.BinOp)
                and isinstance(statement.value.op, gast.Div)
                and isinstance(statement.value.left, gast.Name)
                and isinstance(statement.value.right, gast.Name)):
            continue
        quotient = statement.targets[0].id
        g, b = statement.value.left.id, statement.value.right.id
        if quotient in (g, b):
            continue
        for later in statements[index + 1:]:
            if not isinstance(later, (gast.Assign, gast.AugAssign)):
                break
            later.value = _Quotient(quotient, g, b).visit(later.value)
            if {quotient, g, b} & {n for n, c in queries.uses(later) if c == "store"}:
                break
    return statements


class _Quotient(gast.NodeTransformer):
    """`g * x / b` as `q * x`."""

    def __init__(self, quotient, g, b):
        self.quotient, self.g, self.b = quotient, g, b

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left = node.left
        if isinstance(node.op, gast.Div) and isinstance(node.right, gast.Name) \
                and node.right.id == self.b and isinstance(left, gast.BinOp) \
                and isinstance(left.op, gast.Mult) and isinstance(left.left, gast.Name) \
                and left.left.id == self.g:
            return gast.BinOp(left=gast.Name(id=self.quotient, ctx=gast.Load(),
                                             annotation=None, type_comment=None),
                              op=gast.Mult(), right=left.right)
        return node
