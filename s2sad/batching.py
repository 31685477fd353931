"""Outer products accumulated trip by trip, batched into one matrix product.

The adjoint of `h @ U` in a loop adds `np.outer(h, g)` to `U_bar` on every trip: a new
matrix and a pass over `U_bar` each time, where back-propagation written by hand keeps
the vectors and multiplies once, `H.T @ G`. When a backward loop only ever adds outer
products of vectors to an adjoint, the loop keeps the vectors instead:

    U_bar_left, U_bar_right = [], []
    for t in reversed(range(n)):
        ...
        U_bar_left.append(h)
        U_bar_right.append(t9_bar)
    if U_bar_left:
        U_bar += np.array(U_bar_left).T @ np.array(U_bar_right)

The vectors kept must not change afterwards: neither is ever updated in place in the
loop (`+=`, element writes), so each trip's are new arrays. A vector kept that way and
also added to another adjoint (`b_bar += t9_bar`, the bias of the same layer) is summed
once after the loop, from the list already holding it.
"""
import gast

from .printer import assign, assigns, name, store, updated_in_place


def batch_outer_products(statements, vectors, np_name, fresh):
    """`statements` with the loops rewritten; `vectors`: names that hold 1-D arrays,
    `np_name`: NumPy's name in the generated code, `fresh(hint)`: a new name."""
    out = []
    for statement in statements:
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field, batch_outer_products(
                    getattr(statement, field), vectors, np_name, fresh))
        if isinstance(statement, gast.For):
            out.extend(_batched(statement, vectors, np_name, fresh))
        else:
            out.append(statement)
    return out


def _batched(loop, vectors, np_name, fresh):
    updated = updated_in_place([loop])
    if any(isinstance(n, (gast.Break, gast.Continue)) for n in gast.walk(loop)):
        return [loop]
    before, after, kept = [], [], []
    for index, statement in enumerate(loop.body):
        found = _outer_update(statement, np_name)
        if found is None:
            continue
        target, left, right = found
        if left not in vectors or right not in vectors or {left, right} & updated or \
                _mentions(loop, target) != 1:
            continue
        lists = fresh(target + "_left"), fresh(target + "_right")
        before.append(assign(gast.Tuple(elts=[store(n) for n in lists], ctx=gast.Store()),
                             gast.Tuple(elts=[gast.List(elts=[], ctx=gast.Load()),
                                              gast.List(elts=[], ctx=gast.Load())],
                                        ctx=gast.Load())))
        loop.body[index] = [_append(lists[0], left), _append(lists[1], right)]
        product = gast.BinOp(
            left=gast.Attribute(value=_array(np_name, lists[0]), attr="T", ctx=gast.Load()),
            op=gast.MatMult(), right=_array(np_name, lists[1]))
        after.append(gast.If(test=name(lists[0]), body=[gast.AugAssign(
            target=store(target), op=gast.Add(), value=product)], orelse=[]))
        kept += [(index, left, lists[0], after[-1]), (index, right, lists[1], after[-1])]
    _kept_sums(loop, kept, vectors, updated, np_name)
    loop.body = _flat(loop.body)
    return before + [loop] + after


def _kept_sums(loop, kept, vectors, updated, np_name):
    """A vector the loop adds to an adjoint (`b_bar += t9_bar`) is summed once after the
    loop instead, where a list of the batched outer products keeps that same vector
    anyway (no memory is added): `np.sum(U_bar_right, axis=0)`, in the `if` that
    multiplies that list after the loop."""
    for index, statement in enumerate(loop.body):
        if not (isinstance(statement, gast.AugAssign) and isinstance(statement.op, gast.Add)
                and isinstance(statement.target, gast.Name)
                and isinstance(statement.value, gast.Name)):
            continue
        target, vector = statement.target.id, statement.value.id
        if vector not in vectors or vector in updated or _mentions(loop, target) != 1:
            continue
        kept_by = [(list_, block) for where, kept_vector, list_, block in kept
                   if kept_vector == vector and not assigns(
                       _flat(loop.body[min(where, index) + 1:max(where, index)]), {vector})]
        if not kept_by:
            continue
        list_, block = kept_by[0]
        loop.body[index] = []
        total = gast.Call(func=gast.Attribute(value=name(np_name), attr="sum",
                                              ctx=gast.Load()),
                          args=[name(list_)],
                          keywords=[gast.keyword(arg="axis", value=gast.Constant(
                              value=0, kind=None))])
        block.body.append(gast.AugAssign(target=store(target), op=gast.Add(), value=total))


def _flat(items):
    """Statements from loop-body items, some of which are lists of statements."""
    return [s for item in items for s in (item if isinstance(item, list) else [item])]


def _outer_update(statement, np_name):
    """(target, left, right) of `target += np.outer(left, right)` with names, else None."""
    if not (isinstance(statement, gast.AugAssign) and isinstance(statement.op, gast.Add)
            and isinstance(statement.target, gast.Name)):
        return None
    call = statement.value
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "outer" and isinstance(call.func.value, gast.Name)
            and call.func.value.id == np_name and len(call.args) == 2 and not call.keywords
            and all(isinstance(a, gast.Name) for a in call.args)):
        return None
    return statement.target.id, call.args[0].id, call.args[1].id


def _mentions(node, identifier):
    return sum(1 for n in gast.walk(node) if isinstance(n, gast.Name) and n.id == identifier)


def _append(target, value):
    call = gast.Call(func=gast.Attribute(value=name(target), attr="append", ctx=gast.Load()),
                     args=[name(value)], keywords=[])
    return gast.Expr(value=call)


def _array(np_name, identifier):
    return gast.Call(func=gast.Attribute(value=name(np_name), attr="array", ctx=gast.Load()),
                     args=[name(identifier)], keywords=[])
