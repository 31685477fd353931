"""Local rewrites of the backward sweep that spare whole-array passes: a negation is
never computed on its own when the statement that reads it can subtract instead.

    t3_bar = -t4_bar                        t2_bar = -t7_bar
    t2_bar = -t7_bar                  ->    t2_bar -= t4_bar * 2 * t2
    t2_bar += t3_bar * 2 * t2

Rules emit `-g` for an operand that is subtracted or negated; applied one statement at a
time that is an extra pass over an array (and an extra line to read) each time.
"""
import gast

from .simplify import neg


def fold_negations(statements, arrays, readers=(), linear=(), pure=()):
    """`statements` with each single-use `v = -e` (`v` in `arrays`: a number's negation
    costs next to nothing, and keeps its name in code people read next to the Wengert
    list) substituted into its one reader (in the same block, what `e` reads unchanged
    in between) and the signs moved outwards, so that `x += -e` becomes `x -= e`.
    `readers`: other code that may read the names; `linear`: functions linear in their
    first argument (`f(-a, b)` is `-f(a, b)`); `pure`: the functions `e` may call and
    still be moved."""
    counts = _counts(list(statements) + list(readers))
    counts.update(((name, "store"), 0) for name, kind in list(counts)
                  if kind == "store" and name not in arrays)
    return _block(statements, counts, set(linear), set(pure))


def _block(statements, counts, linear, pure):
    out = []
    for statement in statements:
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field,
                        _block(getattr(statement, field), counts, linear, pure))
        out.append(_signs(statement, linear))
    index = 0
    while index < len(out):
        statement = out[index]
        target = _negation(statement, counts, pure)
        reader = _reader(out, index, target) if target else None
        if reader is None:
            index += 1
            continue
        out[reader] = _signs(_substituted(out[reader], target, statement.value), linear)
        del out[index]
    return out


def _negation(statement, counts, pure):
    """The name `v` of `v = -e` when v is assigned once and read once and `e` calls
    only `pure` functions."""
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], gast.Name)):
        return None
    if not _negated(statement.value) or any(
            isinstance(n, gast.Call) and _called(n) not in pure
            for n in gast.walk(statement.value)):
        return None
    target = statement.targets[0].id
    return target if counts.get((target, "store")) == 1 and \
        counts.get((target, "load")) == 1 else None


def _called(call):
    """`np.exp` or `unbroadcast`: the dotted name a call calls."""
    func, parts = call.func, []
    while isinstance(func, gast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    return ".".join([func.id] + parts[::-1])


def _reader(statements, index, target):
    """The position of the statement after `index` that reads `target`, provided
    nothing the negated expression reads is assigned before it; None otherwise."""
    reads = {n for n, ctx in _names(statements[index].value)}
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = _names(statement)
        stored = {n for n, ctx in names if ctx == "store"}
        if (target, "load") in names:
            is_simple = isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr))
            return position if is_simple and not (reads & stored) else None
        if reads & stored or not isinstance(statement, (gast.Assign, gast.AugAssign)):
            return None
    return None


def _substituted(statement, target, value):
    class Swap(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == target and isinstance(node.ctx, gast.Load):
                return value
            return node
    return Swap().visit(statement)


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
    if isinstance(node, gast.Call) and _called(node) in linear and node.args \
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


def _names(node):
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add((child.id, "store" if isinstance(child.ctx, gast.Store) else "load"))
    return found


def _counts(nodes):
    counts = {}
    for node in nodes:
        for child in gast.walk(node):
            if isinstance(child, gast.Name):
                key = (child.id, "store" if isinstance(child.ctx, gast.Store) else "load")
                counts[key] = counts.get(key, 0) + 1
    return counts
