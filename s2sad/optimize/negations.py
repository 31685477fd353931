"""Negations folded into the statements that read them.

Rules emit `-g` for an operand that is subtracted or negated; applied one statement at a
time, a negation computed on its own is an extra pass over an array each time. Where the
statement that reads it can subtract instead, it does:

    t3_bar = -t4_bar                        t2_bar = -t7_bar
    t2_bar = -t7_bar                  ->    t2_bar -= t4_bar * 2 * t2
    t2_bar += t3_bar * 2 * t2
"""
import copy

import gast

from ..syntax import queries
from ..syntax.simplify import neg
from .substitution import reader, substituted


def run(statements, context):
    """The pass over the backward sweep: `unbroadcast` is linear and may be moved."""
    unbroadcast = context.handles["unbroadcast"]
    return fold_negations(statements, context.arrays, context.readers, linear={unbroadcast},
                          pure=context.pure, numbers=context.numbers)


def fold_negations(statements, arrays, readers=(), linear=(), pure=(), numbers=()):
    """`statements` with each single-use `v = -e` (`v` in `arrays`: a number's negation
    costs next to nothing, and keeps its name in code people read next to the Wengert
    list) substituted into its one reader (in the same block, what `e` reads unchanged
    in between) and the signs moved outwards, so that `x += -e` becomes `x -= e`.
    `readers`: other code that may read the names; `linear`: functions linear in their
    first argument (`f(-a, b)` is `-f(a, b)`); `pure`: the functions `e` may call and
    still be moved. A negation `v = -w` of a single-use `w = a * x` with `a` a number
    (`numbers`: names that hold numbers) becomes `v = -a * x`, negating the number."""
    counts = queries.counts(list(statements) + list(readers))
    counts.update(((name, "store"), 0) for name, kind in list(counts)
                  if kind == "store" and name not in arrays)
    return _block(statements, counts, set(linear), set(pure), set(numbers))


def _block(statements, counts, linear, pure, numbers=frozenset()):
    out = []
    for statement in statements:
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field,
                        _block(getattr(statement, field), counts, linear, pure, numbers))
        out.append(_signs(statement, linear))
    index = 0
    while index < len(out):
        statement = out[index]
        target = _negation(statement, counts, pure)
        position = reader(out, index, target) if target else None
        if position is None:
            index += 1
            continue
        out[position] = _signs(substituted(out[position], target, statement.value), linear)
        del out[index]
    index = 0
    while index < len(out):
        index = _scaled_negation(out, index, counts, pure, numbers) + 1
    return out


def _scaled_negation(statements, index, counts, pure, numbers):
    """`w = a * x` ... `v = -w` (w read only there) as `v = -a * x` when `a` is made of
    numbers only: the sign goes on the number, not on every element of an array."""
    statement = statements[index]
    if not (isinstance(statement, gast.Assign) and _negated(statement.value)
            and isinstance(statement.value.operand, gast.Name)):
        return index
    source = statement.value.operand.id
    if counts.get((source, "store")) != 1 or counts.get((source, "load")) != 1:
        return index
    for position in range(index - 1, -1, -1):
        earlier = statements[position]
        if not (isinstance(earlier, gast.Assign) and isinstance(earlier.targets[0], gast.Name)
                and earlier.targets[0].id == source):
            continue
        value = earlier.value
        parent = _number_factor(value, numbers)
        if parent is None or any(isinstance(n, gast.Call) and queries.called(n) not in pure
                                 for n in gast.walk(value)):
            return index
        reads = {n for n, _ in queries.uses(value)}
        for between in statements[position + 1:index]:
            if reads & {n for n, ctx in queries.uses(between) if ctx == "store"}:
                return index
        parent.left = neg(parent.left)
        statement.value = value
        del statements[position]
        return index - 1
    return index


def _number_factor(node, numbers):
    """The product in `node` (a * x * y) whose left operand is its largest leftmost part
    made of numbers only, else None."""
    while isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        if _only_numbers(node.left, numbers):
            return node
        node = node.left
    return None


def _only_numbers(node, numbers):
    """Whether `node` is built from number literals and names in `numbers` only."""
    return all(isinstance(n, (gast.Constant, gast.BinOp, gast.UnaryOp, gast.operator,
                              gast.unaryop, gast.Load)) or
               (isinstance(n, gast.Name) and n.id in numbers) for n in gast.walk(node))


def _negation(statement, counts, pure):
    """The name `v` of `v = -e` when v is assigned once and read once and `e` calls
    only `pure` functions."""
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], gast.Name)):
        return None
    if not _negated(statement.value) or any(
            isinstance(n, gast.Call) and queries.called(n) not in pure
            for n in gast.walk(statement.value)):
        return None
    target = statement.targets[0].id
    return target if counts.get((target, "store")) == 1 and \
        counts.get((target, "load")) == 1 else None


def outward(statements, linear=()):
    """`statements`, nested ones included, each with its signs moved outwards (`_signs`)
    where that leaves fewer negations of values, or as many further out: a tangent whose
    negated temporaries were written back into it reads `-(-a * b)` as `a * b`, and
    `a + -b` as `a - b`, but keeps `-0.5 * x` (a negative literal costs nothing;
    `-(0.5 * x)` negates an array). Negation is exact, so this changes no number."""
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                outward(getattr(statement, field), linear)
        if isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr)):
            moved = _signs(copy.deepcopy(statement), set(linear))
            if _negations(moved.value) < _negations(statement.value):
                statement.value = moved.value
                if isinstance(statement, gast.AugAssign):
                    statement.op = moved.op
    return statements


def _negations(node, depth=0):
    """(how many negations `node` computes, of anything but a literal; how deep they sit
    in all): a sign moved outwards negates a number (`-np.sum(x)`) rather than an array."""
    count = int(_negated(node) and not isinstance(node.operand, gast.Constant))
    total = depth * count
    for child in gast.iter_child_nodes(node):
        inner, deep = _negations(child, depth + 1)
        count, total = count + inner, total + deep
    return count, total


def _signs(statement, linear):
    """Signs moved out of products and into additions: `x += -(a * b)` is `x -= a * b`."""
    if isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr)):
        statement.value = _outward(statement.value, linear)
    if isinstance(statement, gast.AugAssign) and _negated(statement.value) and \
            isinstance(statement.op, (gast.Add, gast.Sub)):
        statement.op = gast.Sub() if isinstance(statement.op, gast.Add) else gast.Add()
        statement.value = statement.value.operand
    return statement


def _outward(node, linear):
    for field, child in gast.iter_fields(node):
        if isinstance(child, gast.AST):
            setattr(node, field, _outward(child, linear))
        elif isinstance(child, list):
            setattr(node, field, [_outward(c, linear) if isinstance(c, gast.AST) else c
                                  for c in child])
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div,
                                                             gast.MatMult)):
        if _negated(node.left):
            return neg(_outward(gast.BinOp(left=node.left.operand, op=node.op,
                                           right=node.right), linear))
        if _negated(node.right):
            return neg(_outward(gast.BinOp(left=node.left, op=node.op,
                                           right=node.right.operand), linear))
    if isinstance(node, gast.Call) and queries.called(node) in linear and node.args \
            and _negated(node.args[0]) and not node.keywords:
        node.args[0] = node.args[0].operand
        return neg(node)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)) \
            and _negated(node.right):
        flipped = gast.Sub() if isinstance(node.op, gast.Add) else gast.Add()
        return gast.BinOp(left=node.left, op=flipped, right=node.right.operand)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add) and _negated(node.left):
        return gast.BinOp(left=node.right, op=gast.Sub(), right=node.left.operand)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
            and _negated(node.operand):
        return node.operand.operand
    return node


def _negated(node):
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)
