"""The incoming adjoint of a loop's number statement taken out of the sum it feeds.

In a backward loop, each partial of `x = 3.9 * x * (1 - x)` is the incoming adjoint times
a factor, and the adjoint of `x` their sum; multiplied once by the step's derivative
instead, two multiplications and two names go per trip:

    t1_bar = x_bar * t2
    t2_bar = x_bar * t1               ->    x_bar = x_bar * (t2 * 3.9 - t1)
    x_bar = t1_bar * 3.9 - t2_bar
"""
import gast

from ..syntax import queries
from ..syntax.simplify import neg


def run(statements, context):
    """The pass over the backward sweep."""
    return factor_scalars(statements, context.number_bars)


def factor_scalars(statements, numbers):
    """Number adjoints that only feed one sum, each the incoming adjoint times a partial,
    are folded into it with the incoming adjoint taken out (the example above). Only in loop
    bodies, where that time is spent: straight-line code keeps one named adjoint per Wengert
    variable, as the notes write them. `numbers`: the adjoint names that hold numbers."""
    counts = queries.counts(statements)
    return _factor_block(statements, counts, set(numbers), False)


def _factor_block(statements, counts, numbers, in_loop):
    out = []
    for statement in statements:
        inner = in_loop or isinstance(statement, (gast.For, gast.While))
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field, _factor_block(getattr(statement, field), counts,
                                                        numbers, inner))
        out.append(statement)
    index = 0
    while in_loop and index < len(out):
        index = _factor_at(out, index, counts, numbers) + 1
    return out


def _factor_at(statements, index, counts, numbers):
    """Factor the sum assigned at `index`, if it qualifies; the new index of it."""
    statement = statements[index]
    if not (isinstance(statement, gast.Assign) and isinstance(statement.targets[0], gast.Name)
            and statement.targets[0].id in numbers):
        return index
    terms = _terms(statement.value)
    if terms is None or len(terms) < 2:
        return index
    sources, common = [], None
    for sign, term, scale in terms:
        found = _single_product(statements, index, term, counts, numbers)
        if found is None:
            return index
        position, g, partial = found
        if common is not None and g != common:
            return index
        common = g
        sources.append((position, sign, partial, scale))
    written = set()
    for position in range(min(p for p, *_ in sources), index):
        written |= {n for n, ctx in queries.uses(statements[position]) if ctx == "store"}
    reads = {common} | {n for _, _, p, _ in sources for n, ctx in queries.uses(p)}
    if reads & (written - {term for _, term, _ in terms}):
        return index
    total = None
    for position, sign, partial, scale in sources:
        part = partial if scale is None else gast.BinOp(left=partial, op=scale[0],
                                                         right=scale[1])
        if total is None:
            total = part if sign > 0 else neg(part)
        else:
            total = gast.BinOp(left=total, op=gast.Add() if sign > 0 else gast.Sub(),
                               right=part)
    statement.value = gast.BinOp(left=gast.Name(id=common, ctx=gast.Load(),
                                                annotation=None, type_comment=None),
                                 op=gast.Mult(), right=total)
    for position in sorted((p for p, *_ in sources), reverse=True):
        del statements[position]
        index -= 1
    return index


def _terms(node, sign=1):
    """`a * c - b + ...` as (sign, name, scale) triples (scale: (op, node) or None), or
    None when the sum has another form."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)):
        left, right = _terms(node.left, sign), _terms(
            node.right, sign if isinstance(node.op, gast.Add) else -sign)
        return None if left is None or right is None else left + right
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return _terms(node.operand, -sign)
    if isinstance(node, gast.Name):
        return [(sign, node.id, None)]
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)) \
            and isinstance(node.left, gast.Name):
        return [(sign, node.left.id, (node.op, node.right))]
    return None


def _single_product(statements, index, term, counts, numbers):
    """Where `term = g * partial` is assigned before `index`, read only at `index` and
    assigned nowhere else: (position, g, partial), else None."""
    if term not in numbers or counts.get((term, "store")) != 1 or \
            counts.get((term, "load")) != 1:
        return None
    for position in range(index - 1, -1, -1):
        statement = statements[position]
        if isinstance(statement, gast.Assign) and isinstance(statement.targets[0], gast.Name) \
                and statement.targets[0].id == term:
            value = statement.value
            if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult) \
                    and isinstance(value.left, gast.Name) and value.left.id in numbers:
                return position, value.left.id, value.right
            return None
    return None
