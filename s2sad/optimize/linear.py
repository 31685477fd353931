"""Linear partials collected: in a loop's backward sweep, a number expression linear in
one variable is written as `a + b * x`.

The adjoint of `x = 3.9 * x * (1 - x)` recomputes `t1 = 3.9 * x` and `t2 = 1 - x` and
multiplies the incoming adjoint by `t2 * 3.9 - t1`: four operations per trip for what a
person writes `3.9 - 7.8 * x`. Where the single-use number temporaries an expression
reads are linear, they are substituted and the linear part collected (`x_bar = x_bar *
(3.9 - 7.8 * x)`) when that leaves fewer operations. The coefficients are computed when
the code is generated; the result differs from the step-by-step form only by rounding.
"""
import copy

import gast

from ..syntax import queries
from ..syntax.template import const, name


_SHORT = 8


def run(statements, context):
    """The pass over the backward sweep."""
    return fold_linear(statements, context.numbers, context.readers, context.floats)


def fold_linear(statements, numbers, readers=(), floats=()):
    """`statements` with the loop bodies' linear number expressions collected; `numbers`:
    the names that hold numbers; `readers`: code that follows and may read the names;
    `floats`: names known to hold floating-point values (a coefficient 1.0 beside one
    goes: `1.0 * g * t15` is `g * t15`)."""
    counts = {}
    for (identifier, _), count in queries.counts(list(statements) + list(readers)).items():
        counts[identifier] = counts.get(identifier, 0) + count
    return _block(statements, counts, set(numbers), False, set(floats))


def _block(statements, counts, numbers, in_loop, floats=frozenset()):
    for statement in statements:
        inner = in_loop or isinstance(statement, (gast.For, gast.While))
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                setattr(statement, field, _block(getattr(statement, field), counts, numbers,
                                                 inner, floats))
    if not in_loop:
        return statements
    out = list(statements)
    index = 0
    while index < len(out):
        index = _collect_at(out, index, counts, numbers, floats) + 1
    return out


def _collect_at(statements, index, counts, numbers, floats=frozenset()):
    """Collect the expression assigned at `index`; the statement's new index."""
    statement = statements[index]
    if not isinstance(statement, (gast.Assign, gast.AugAssign)):
        return index
    temporaries = _temporaries(statements, index, counts, numbers)
    values = {t: statements[p].value for t, p in temporaries.items()}
    collected = _collected(_inlined(statement.value, values), numbers)
    before = _cost(statement.value) + sum(_cost(v) for v in values.values())
    if collected is None or _cost(collected) >= before:
        return index
    statement.value = _one_dropped(collected, floats)
    for position in sorted(temporaries.values(), reverse=True):
        del statements[position]
    return index - len(temporaries)


def _one_dropped(node, floats):
    """`node` without a factor 1.0 in a product that has a floating-point factor besides
    (`1.0 * g * t15` with `t15` in `floats`): multiplying by 1.0 is exact, and only made a
    float of an integer, which the other factor does anyway."""
    factors, top = [], node
    while isinstance(top, gast.BinOp) and isinstance(top.op, gast.Mult):
        factors.append(top.right)
        top = top.left
    factors.append(top)
    if len(factors) < 3 or _number(factors[-1]) != 1.0 or type(factors[-1].value) is not float \
            or not any(_floating(f, floats) for f in factors[:-1]):
        return node
    product = factors[-2]
    for factor in reversed(factors[:-2]):
        product = gast.BinOp(left=product, op=gast.Mult(), right=factor)
    return product


def _floating(node, floats):
    """Whether `node` computes a floating-point value: a name in `floats`, a float
    literal, a quotient, or arithmetic with such an operand."""
    if isinstance(node, gast.Name):
        return node.id in floats
    if isinstance(node, gast.Constant):
        return type(node.value) is float
    if isinstance(node, gast.UnaryOp):
        return _floating(node.operand, floats)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub, gast.Mult,
                                                             gast.Div)):
        return isinstance(node.op, gast.Div) or _floating(node.left, floats) or \
            _floating(node.right, floats)
    return False


def _temporaries(statements, index, counts, numbers):
    """{name: position} of the single-use number temporaries the statement at `index`
    reads, assigned earlier in the block from values that do not change in between."""
    reads = queries.names(statements[index].value)
    found = {}
    for position in range(index):
        statement = statements[position]
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], gast.Name)):
            continue
        target = statement.targets[0].id
        inputs = queries.names(statement.value)
        if target in reads and target in numbers and counts.get(target) == 2 and \
                _linear(statement.value, numbers) is not None and \
                not queries.assigns(statements[position + 1:index], inputs | {target}):
            found[target] = position
    return found


def _inlined(node, values):
    class Inline(gast.NodeTransformer):
        def visit_Name(self, found):
            return copy.deepcopy(values[found.id]) if found.id in values else found
    return Inline().visit(copy.deepcopy(node))


def _collected(node, numbers):
    """`node` with its largest linear subexpressions in one variable written as `a + b *
    x`, or None when none gets shorter."""
    form = _linear(node, numbers)
    # a variable whose terms cancel stays: `x - x` is nan, not 0, at x = inf; and a
    # coefficient must read as well as the literals it comes from (not 0.30000000000000004)
    if form is not None and len([v for v in form if v is not None]) <= 1 and \
            all(c != 0 for v, c in form.items() if v is not None) and \
            all(len(repr(c)) <= _SHORT for c in form.values()):
        written = _written(form)
        return written if _cost(written) < _cost(node) else None
    if not isinstance(node, (gast.BinOp, gast.UnaryOp)):
        return None
    changed = False
    for field in ("left", "right", "operand"):
        child = getattr(node, field, None)
        if child is not None:
            better = _collected(child, numbers)
            if better is not None:
                setattr(node, field, better)
                changed = True
    return node if changed else None


def _linear(node, numbers):
    """{variable or None: coefficient} of a number expression linear in its variables,
    else None."""
    value = _number(node)
    if value is not None:
        return {None: value}
    if isinstance(node, gast.Name):
        return {node.id: 1} if node.id in numbers else None
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _linear(node.operand, numbers)
        return None if inner is None else {k: -v for k, v in inner.items()}
    if not isinstance(node, gast.BinOp):
        return None
    left, right = _linear(node.left, numbers), _linear(node.right, numbers)
    if left is None or right is None:
        return None
    if isinstance(node.op, (gast.Add, gast.Sub)):
        sign = 1 if isinstance(node.op, gast.Add) else -1
        total = dict(left)
        for k, v in right.items():
            total[k] = total.get(k, 0) + sign * v
        return total
    if isinstance(node.op, gast.Mult):
        for scale, form in ((left, right), (right, left)):
            if set(scale) == {None}:
                return {k: scale[None] * v for k, v in form.items()}
        return None
    if isinstance(node.op, gast.Div) and set(right) == {None} and right[None] != 0:
        return {k: v / right[None] for k, v in left.items()}
    return None


def _number(node):
    if isinstance(node, gast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _written(form):
    """`b * x + a`, in the form a person writes it: `3.9 - 7.8 * x`, `3.0 * x - 2.0`."""
    offset = form.get(None, 0)
    terms = [(k, v) for k, v in form.items() if k is not None and v != 0]
    if not terms:
        return _literal(offset)
    variable, coefficient = terms[0]
    # a float coefficient 1.0 stays: `1.0 * i` is a float where `i` may be an int
    term = name(variable) if abs(coefficient) == 1 and type(coefficient) is int else \
        gast.BinOp(left=const(abs(coefficient)), op=gast.Mult(), right=name(variable))
    if offset == 0:
        return term if coefficient > 0 else gast.UnaryOp(op=gast.USub(), operand=term)
    if coefficient > 0 and offset < 0:
        return gast.BinOp(left=term, op=gast.Sub(), right=const(-offset))
    op = gast.Add() if coefficient > 0 else gast.Sub()
    return gast.BinOp(left=_literal(offset), op=op, right=term)


def _literal(value):
    return const(value) if value >= 0 else gast.UnaryOp(op=gast.USub(), operand=const(-value))


def _cost(node):
    """Operations `node` computes (a negative literal is folded by Python: none)."""
    return sum(1 for n in gast.walk(node) if isinstance(n, gast.BinOp) or (
        isinstance(n, gast.UnaryOp) and _number(n.operand) is None))
