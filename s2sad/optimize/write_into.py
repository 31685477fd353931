"""A product computed into the slice of a new array that receives it.

`x_bar[:-1] = t2_bar` after Rosenbrock's slices copies an array that the statement before
computed into a temporary; computed into the slice itself, the temporary and one pass
over the array go:

    t2_bar = -2.0 * (t7 + t4_bar * t2)      x_bar = np.empty_like(x)
    x_bar = np.empty_like(x)          ->    x_bar[-1:] = 0.0
    x_bar[-1:] = 0.0                        np.multiply(-2.0, t7 + t4_bar * t2, out=x_bar[:-1])
    x_bar[:-1] = t2_bar
"""
import copy as copy_module

import gast

from ..syntax import queries
from ..syntax.lines import carry

_UFUNCS = {gast.Add: "add", gast.Sub: "subtract", gast.Mult: "multiply",
           gast.Div: "divide"}
_FRESH = ("empty_like", "zeros_like", "empty", "zeros")


def run(statements, context):
    """The pass over the backward sweep."""
    return write_into(statements, context.arrays, context.handles["np"], context.pure,
                      context.readers)


def write_into(statements, arrays, numpy, pure=(), readers=()):
    """`v = a * b` whose one reader is `x[s] = v`, with `x` a new array (`np.empty_like`
    between them), as `np.multiply(a, b, out=x[s])`: the product is computed into the
    slice instead of into a temporary that is then copied there, one pass over the
    array fewer (`x_bar[:-1] = t2_bar` after Rosenbrock's slices). `arrays`: the names
    that hold arrays; `numpy`: the name NumPy goes by; `readers`: other code that may
    read the names. Only assignments to names calling `pure` functions, and element
    writes into the new array, may come between."""
    counts = queries.counts(list(statements) + list(readers))
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
            and queries.calls_only(first, pure)):
        return False
    target = first.targets[0].id
    if counts.get((target, "store")) != 1 or counts.get((target, "load")) != 1:
        return False
    reads, fresh = {n for n, _ in queries.uses(first.value)}, set()
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        if not isinstance(statement, gast.Assign) or len(statement.targets) != 1 \
                or not queries.calls_only(statement, pure):
            return False
        left, value = statement.targets[0], statement.value
        if isinstance(left, gast.Subscript) and isinstance(left.value, gast.Name) \
                and left.value.id in fresh:
            if isinstance(value, gast.Name) and value.id == target:
                break
            if (target, "load") in queries.uses(statement):
                return False
            continue
        if not isinstance(left, gast.Name) or (target, "load") in queries.uses(statement) \
                or left.id in reads:
            return False
        fresh.discard(left.id)
        if isinstance(value, gast.Call) and queries.called(value) in {
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
    statements[position] = carry(gast.Expr(value=call), first)
    del statements[index]
    return True


def _loaded(node):
    """A copy of a store target `x[s]` that reads it."""
    copy = copy_module.deepcopy(node)
    for child in gast.walk(copy):
        if hasattr(child, "ctx") and isinstance(child.ctx, gast.Store):
            child.ctx = gast.Load()
    return copy
