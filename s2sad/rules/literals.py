"""Constants between a rule and the code it writes: `literal` writes a value (an axis, an
offset, a shape) into generated code, `evaluate` reads a literal expression back, and
`constant` reads a rule's constant argument however the call passed it.
"""
import numbers

import gast

from ..errors import UnsupportedError
from ..syntax.template import const

MISSING = object()


def literal(value):
    """A literal expression for a constant: numbers (negative ones too), tuples, None..."""
    if isinstance(value, tuple):
        return gast.Tuple(elts=[literal(v) for v in value], ctx=gast.Load())
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value < 0:
        return gast.UnaryOp(op=gast.USub(), operand=const(-value))
    return const(value)


def evaluate(node):
    """The value of a literal expression node (`2`, `-1`, `(0, 2)`), else MISSING."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = evaluate(node.operand)
        return -inner if isinstance(inner, (int, float)) else MISSING
    if isinstance(node, gast.Tuple):
        values = tuple(evaluate(elt) for elt in node.elts)
        return MISSING if MISSING in values else values
    return MISSING


def constant(site, name, position=None, default=None):
    """The constant argument `name`, passed at `position` or by keyword; `default` when
    it is not passed; an error when it is computed."""
    if name in site.consts.get("computed", ()):
        raise UnsupportedError(f"a computed `{name}=`; pass a constant")
    if name in site.consts:
        return site.consts[name]
    if position is not None and position < len(site.args):
        value = evaluate(site.args[position])
        if value is MISSING:
            raise UnsupportedError(f"a computed `{name}`; pass a constant (an int or a "
                                   "tuple of ints written in the call)")
        return value
    return default
