"""Local rewrites of generated code, each sparing work the one-operation-per-line form
costs, and each leaving code a person would write.

`fold_negations`: a negation is never computed on its own when the statement that reads
it can subtract instead (rules emit `-g` for an operand that is subtracted or negated;
applied one statement at a time, that is an extra pass over an array each time):

    t3_bar = -t4_bar                        t2_bar = -t7_bar
    t2_bar = -t7_bar                  ->    t2_bar -= t4_bar * 2 * t2
    t2_bar += t3_bar * 2 * t2

`factor_shared`: an array adjoint whose two contributions share a number factor (the 2
of two squares) is scaled once:

    t2_bar = -2.0 * t7                ->    t2_bar = -2.0 * (t7 + t4_bar * t2)
    t2_bar -= t4_bar * 2 * t2

`reuse_quotients`: the quotient rule's second adjoint reads the first
(`x2_bar -= x1_bar * t1` after `x1_bar = t1_bar / x2`) rather than dividing again.

`factor_scalars`: in a backward loop, the number adjoints of one statement are folded
into the sum they feed, the incoming adjoint taken out. `fold_forward`: in a forward
loop, a number temporary the backward sweep recomputes goes back into its line.
"""
import copy as copy_module

import gast

from ..syntax.simplify import binop, neg, number


def fold_negations(statements, arrays, readers=(), linear=(), pure=(), numbers=()):
    """`statements` with each single-use `v = -e` (`v` in `arrays`: a number's negation
    costs next to nothing, and keeps its name in code people read next to the Wengert
    list) substituted into its one reader (in the same block, what `e` reads unchanged
    in between) and the signs moved outwards, so that `x += -e` becomes `x -= e`.
    `readers`: other code that may read the names; `linear`: functions linear in their
    first argument (`f(-a, b)` is `-f(a, b)`); `pure`: the functions `e` may call and
    still be moved. A negation `v = -w` of a single-use `w = a * x` with `a` a number
    (`numbers`: names that hold numbers) becomes `v = -a * x`, negating the number."""
    counts = _counts(list(statements) + list(readers))
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
        reader = _reader(out, index, target) if target else None
        if reader is None:
            index += 1
            continue
        out[reader] = _signs(_substituted(out[reader], target, statement.value), linear)
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
        if parent is None or any(isinstance(n, gast.Call) and _called(n) not in pure
                                 for n in gast.walk(value)):
            return index
        reads = {n for n, _ in _names(value)}
        for between in statements[position + 1:index]:
            if reads & {n for n, ctx in _names(between) if ctx == "store"}:
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


def _reader(statements, index, target, pushes=False, pure=None):
    """The position of the statement after `index` that reads `target`, provided
    nothing the moved expression reads is assigned before it (with `pushes`, calls that
    assign nothing, `push(x)`, may come between); None otherwise. With `pure` (moving
    an array, which other names may view), the statements between may only assign
    names, and they and the reader may only call `pure` functions (the tape's push
    among them): then nothing can change the array in place before the reader
    evaluates the expression."""
    reads = {n for n, ctx in _names(statements[index].value)}
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = _names(statement)
        stored = {n for n, ctx in names if ctx == "store"}
        if pure is not None and not _calls_only(statement, pure):
            return None
        if (target, "load") in names:
            # the reader's own assignment comes after it evaluates what it reads
            is_simple = isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr))
            return position if is_simple else None
        simple = (gast.Assign, gast.AugAssign) + ((gast.Expr,) if pushes else ())
        if pure is not None:
            simple = (gast.Expr,) if pushes else ()
            if isinstance(statement, gast.Assign) and all(
                    isinstance(t, gast.Name) for t in statement.targets):
                simple = (gast.Assign,)
        if reads & stored or not isinstance(statement, simple):
            return None
    return None


def _nested(statements, rewrite):
    """`statements` (a new list) with `rewrite` applied to the blocks of loops and
    branches among them."""
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                setattr(statement, field, rewrite(getattr(statement, field)))
    return list(statements)


def _calls_only(statement, pure):
    """Whether `statement` (or expression) calls nothing but `pure` functions."""
    return all(_called(n) in pure for n in gast.walk(statement) if isinstance(n, gast.Call))


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
    """(name, "load" or "store") pairs; an element write `y[i] = v` stores `y`."""
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add((child.id, "store" if isinstance(child.ctx, gast.Store) else "load"))
        elif isinstance(child, gast.Subscript) and isinstance(child.ctx, gast.Store) \
                and isinstance(child.value, gast.Name):
            found.add((child.value.id, "store"))
    return found


def _counts(nodes):
    counts = {}
    for node in nodes:
        for child in gast.walk(node):
            if isinstance(child, gast.Name):
                key = (child.id, "store" if isinstance(child.ctx, gast.Store) else "load")
                counts[key] = counts.get(key, 0) + 1
    return counts


def factor_shared(statements, arrays, pure=()):
    """Each `v = a * e` (v in `arrays`, `a` a number) whose next mention is `v += f * b * g`
    or `v -= ...` with `b` a number of the size of `a`, as one `v = a * (e + f * g)` (or
    `-`) at the second: one pass over the array fewer. Only assignments to names that
    call `pure` functions may come between (no element writes, which could change an
    array `e` views), none assigning what `e` reads."""
    out = _nested(statements, lambda block: factor_shared(block, arrays, pure))
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
    if not _calls_only(scaled, pure):
        return False
    reads = {n for n, _ in _names(scaled)}
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = _names(statement)
        if (target, "load") in names or (target, "store") in names:
            break
        if not isinstance(statement, gast.Assign) or reads & {n for n, c in names
                                                              if c == "store"} \
                or not all(isinstance(t, gast.Name) for t in statement.targets) \
                or not _calls_only(statement, pure):
            return False
    else:
        return False
    if not (isinstance(statement, gast.AugAssign) and isinstance(statement.target, gast.Name)
            and statement.target.id == target and isinstance(statement.op, (gast.Add, gast.Sub))
            and (target, "load") not in _names(statement.value)):
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
    statements[position] = gast.Assign(targets=first.targets,
                                       value=binop(first.value.left, gast.Mult(), total),
                                       type_comment=None)
    del statements[index]
    return True


def _factors(node):
    """The factors of a product `a * b * c`, left to right."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]


_UFUNCS = {gast.Add: "add", gast.Sub: "subtract", gast.Mult: "multiply",
           gast.Div: "divide"}
_FRESH = ("empty_like", "zeros_like", "empty", "zeros")


def write_into(statements, arrays, numpy, pure=(), readers=()):
    """`v = a * b` whose one reader is `x[s] = v`, with `x` a new array (`np.empty_like`
    between them), as `np.multiply(a, b, out=x[s])`: the product is computed into the
    slice instead of into a temporary that is then copied there, one pass over the
    array fewer (`x_bar[:-1] = t2_bar` after Rosenbrock's slices). `arrays`: the names
    that hold arrays; `numpy`: the name NumPy goes by; `readers`: other code that may
    read the names. Only assignments to names calling `pure` functions, and element
    writes into the new array, may come between."""
    counts = _counts(list(statements) + list(readers))
    out = list(statements)
    index = 0
    while index < len(out):
        if not _written_into(out, index, set(arrays), numpy, set(pure), counts):
            index += 1
    return out


def _written_into(statements, index, arrays, numpy, pure, counts):
    first = statements[index]
    if not (isinstance(first, gast.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0], gast.Name) and first.targets[0].id in arrays
            and isinstance(first.value, gast.BinOp) and type(first.value.op) in _UFUNCS
            and _calls_only(first, pure)):
        return False
    target = first.targets[0].id
    if counts.get((target, "store")) != 1 or counts.get((target, "load")) != 1:
        return False
    reads, fresh = {n for n, _ in _names(first.value)}, set()
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        if not isinstance(statement, gast.Assign) or len(statement.targets) != 1 \
                or not _calls_only(statement, pure):
            return False
        left, value = statement.targets[0], statement.value
        if isinstance(left, gast.Subscript) and isinstance(left.value, gast.Name) \
                and left.value.id in fresh:
            if isinstance(value, gast.Name) and value.id == target:
                break
            if (target, "load") in _names(statement):
                return False
            continue
        if not isinstance(left, gast.Name) or (target, "load") in _names(statement) \
                or left.id in reads:
            return False
        fresh.discard(left.id)
        if isinstance(value, gast.Call) and _called(value) in {
                f"{numpy}.{f}" for f in _FRESH}:
            fresh.add(left.id)
    else:
        return False
    slot = _loaded(statement.targets[0])
    ufunc = gast.Attribute(value=gast.Name(id=numpy, ctx=gast.Load(), annotation=None,
                                           type_comment=None),
                           attr=_UFUNCS[type(first.value.op)], ctx=gast.Load())
    call = gast.Call(func=ufunc, args=[first.value.left, first.value.right],
                     keywords=[gast.keyword(arg="out", value=slot)])
    statements[position] = gast.Expr(value=call)
    del statements[index]
    return True


def _loaded(node):
    """A copy of a store target `x[s]` that reads it."""
    copy = copy_module.deepcopy(node)
    for child in gast.walk(copy):
        if hasattr(child, "ctx") and isinstance(child.ctx, gast.Store):
            child.ctx = gast.Load()
    return copy


def reuse_quotients(statements, numbers):
    """After `q = g / b`, a later `g * x / b` is `q * x` while `q`, `g` and `b` keep their
    values: the quotient rule's two adjoints share one division, `x1_bar = t1_bar / x2`
    then `x2_bar -= x1_bar * t1`. Numbers only (`numbers`), which nothing updates in
    place."""
    statements = _nested(statements, lambda block: reuse_quotients(block, numbers))
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
            if {quotient, g, b} & {n for n, c in _names(later) if c == "store"}:
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


def factor_scalars(statements, numbers):
    """Number adjoints that only feed one sum, each the incoming adjoint times a partial,
    are folded into it with the incoming adjoint taken out:

        t1_bar = x_bar * t2
        t2_bar = x_bar * t1           ->    x_bar = x_bar * (t2 * 3.9 - t1)
        x_bar = t1_bar * 3.9 - t2_bar

    (the adjoint of `x = 3.9 * x * (1 - x)`: the incoming adjoint times the step's
    derivative), two multiplications and two names fewer per trip. Only in loop bodies,
    where that time is spent: straight-line code keeps one named adjoint per Wengert
    variable, as the notes write them. `numbers`: the adjoint names that hold numbers."""
    counts = _counts(statements)
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
        written |= {n for n, ctx in _names(statements[position]) if ctx == "store"}
    reads = {common} | {n for _, _, p, _ in sources for n, ctx in _names(p)}
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


def fold_forward(statements, numbers, needed, pure=(), arrays=()):
    """Each temporary of the forward sweep that the backward sweep does not read (it
    recomputes it) and the next statements read once is written back into its reader:
    `push(x); x = 3.9 * x * (1 - x)`, the user's own line, instead of three Wengert lines
    and two stores per trip. Numbers only in loop bodies, where that time is spent;
    array temporaries (`arrays`) everywhere: a named array lives until the function
    returns, which costs memory (page faults, on a fresh allocation) and keeps NumPy from
    reusing a large temporary in place, so `hidden = np.tanh(X @ W + b)` stays one line.
    `numbers`: names that hold numbers; `needed`: names the code after the forward sweep
    reads."""
    counts = _counts(statements)

    def single(names):
        return {n for n in names if n not in needed and counts.get((n, "store")) == 1
                and counts.get((n, "load")) == 1}
    arrays = single(arrays)
    return _forward_block(statements, single(numbers) | arrays, arrays, set(pure), False)


def _forward_block(statements, looped, anywhere, pure, in_loop):
    """`looped`: the temporaries to write back in a loop body; `anywhere`: elsewhere."""
    for statement in statements:
        inner = in_loop or isinstance(statement, (gast.For, gast.While))
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field, _forward_block(getattr(statement, field),
                                                         looped, anywhere, pure, inner))
    candidates = looped if in_loop else anywhere
    if not candidates:
        return statements
    out = list(statements)
    index = 0
    while index < len(out):
        statement = out[index]
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], gast.Name)
                and statement.targets[0].id in candidates
                and _calls_only(statement.value, pure)):
            index += 1
            continue
        name = statement.targets[0].id
        reader = _reader(out, index, name, pushes=True,
                         pure=pure if name in anywhere else None)
        if reader is None or not isinstance(out[reader], gast.Assign):
            index += 1
            continue
        out[reader] = _substituted(out[reader], statement.targets[0].id, statement.value)
        del out[index]
    return out
