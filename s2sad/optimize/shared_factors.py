"""A number factor two contributions to one array adjoint share, taken out.

The adjoint of a sum of two squares receives `2 * ...` from each; scaled once, the array
is passed over once fewer:

    t2_bar = -2.0 * t7                ->    t2_bar = -2.0 * (t7 + t4_bar * t2)
    t2_bar -= t4_bar * 2 * t2
"""
import gast

from ..syntax import queries
from ..syntax.lines import carry
from ..syntax.simplify import binop, number
from .blocks import nested


def run(statements, context):
    """The pass over the backward sweep."""
    return factor_shared(statements, context.arrays, context.pure)


def factor_shared(statements, arrays, pure=()):
    """Each `v = a * e` (v in `arrays`, `a` a number) whose next mention is `v += f * b * g`
    or `v -= ...` with `b` a number of the size of `a`, as one `v = a * (e + f * g)` (or
    `-`) at the second: one pass over the array fewer. Only assignments to names that
    call `pure` functions may come between (no element writes, which could change an
    array `e` views), none assigning what `e` reads."""
    out = nested(statements, lambda block: factor_shared(block, arrays, pure))
    index = 0
    while index < len(out):
        if not _shared_factor(out, index, set(arrays), set(pure)):
            index += 1
    return out


def _shared_factor(statements, index, arrays, pure):
    """Rewrites the pair starting at `index` as `factor_shared` says; whether it did."""
    first = statements[index]
    if not (isinstance(first, gast.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0], gast.Name) and first.targets[0].id in arrays
            and isinstance(first.value, gast.BinOp) and isinstance(first.value.op, gast.Mult)
            and number(first.value.left)):
        return False
    target, scale, scaled = first.targets[0].id, number(first.value.left), first.value.right
    if not queries.calls_only(scaled, pure):
        return False
    reads = {n for n, _ in queries.uses(scaled)}
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = queries.uses(statement)
        if (target, "load") in names or (target, "store") in names:
            break
        if not isinstance(statement, gast.Assign) or reads & {n for n, c in names
                                                              if c == "store"} \
                or not all(isinstance(t, gast.Name) for t in statement.targets) \
                or not queries.calls_only(statement, pure):
            return False
    else:
        return False
    if not (isinstance(statement, gast.AugAssign) and isinstance(statement.target, gast.Name)
            and statement.target.id == target and isinstance(statement.op, (gast.Add, gast.Sub))
            and (target, "load") not in queries.uses(statement.value)):
        return False
    factors = _factors(statement.value)
    for k, factor in enumerate(factors):
        if number(factor) is not None and abs(number(factor)) == abs(scale):
            break
    else:
        return False
    rest = factors[:k] + factors[k + 1:]
    if not rest:
        return False
    same = (number(factor) == scale) == isinstance(statement.op, gast.Add)
    product = rest[0]
    for factor in rest[1:]:
        product = gast.BinOp(left=product, op=gast.Mult(), right=factor)
    total = gast.BinOp(left=scaled, op=gast.Add() if same else gast.Sub(), right=product)
    statements[position] = carry(gast.Assign(
        targets=first.targets, value=binop(first.value.left, gast.Mult(), total),
        type_comment=None), first)
    del statements[index]
    return True


def _factors(node):
    """The factors of a product `a * b * c`, left to right."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]
