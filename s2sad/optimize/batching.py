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
loop (`+=`, element writes), so each trip's are new arrays. A vector that several
products read (`t9_bar`, the adjoint of the layer's input, for both `U` and `W`) is kept
in one list, made an array once after the loop; one also added to another adjoint
(`b_bar += t9_bar`, the bias of the same layer) is summed once after the loop, from the
list already holding it. A kept vector also added to a row of a matrix adjoint
(`t20_bar[t] += t9_bar`, the adjoint of a row read `t20[t]` of a matrix loop distribution
made, in a loop `for t in reversed(range(n))`) is added once after the loop, the list
reversed into the first rows: `t20_bar[:n] += U_bar_right[::-1]`; the forward sweep read
those rows, so they exist.
"""
import gast

from ..syntax import queries
from ..syntax.lines import carry
from ..syntax.printer import assign, name, store
from .stacked import reversed_count


def run(statements, context):
    """The pass over the backward sweep."""
    matrices = {n for n, lengths in {**context.shapes, **context.bounds}.items()
                if len(lengths) == 2}
    return batch_outer_products(statements, context.vectors, context.handles["np"],
                                context.fresh, frozenset(matrices))


def batch_outer_products(statements, vectors, np_name, fresh, matrices=frozenset()):
    """`statements` with the loops rewritten; `vectors`: names that hold 1-D arrays,
    `np_name`: NumPy's name in the generated code, `fresh(hint)`: a new name,
    `matrices`: names that hold 2-D arrays."""
    out = []
    for statement in statements:
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field, batch_outer_products(
                    getattr(statement, field), vectors, np_name, fresh, matrices))
        # a checkpointed loop's trips are replayed from snapshots: keeping a value per trip
        # for one product after the loop would hold what the snapshots save
        if isinstance(statement, gast.For) and getattr(statement, "checkpoint_of", None) is None:
            out.extend(carry(_batched(statement, vectors, np_name, fresh, matrices),
                             statement))
        else:
            out.append(statement)
    return out


def _batched(loop, vectors, np_name, fresh, matrices):
    updated = queries.updated_in_place([loop])
    if any(isinstance(n, (gast.Break, gast.Continue)) for n in gast.walk(loop)):
        return [loop]
    lists, kept, products = [], [], []
    for index, statement in enumerate(loop.body):
        found = _outer_update(statement, np_name)
        if found is None:
            continue
        target, left, right = found
        if left not in vectors or right not in vectors or {left, right} & updated or \
                queries.mentions(loop, target) != 1:
            continue
        loop.body[index] = []
        pair = []
        for vector, side in ((left, "_left"), (right, "_right")):
            list_ = _kept_list(loop, kept, vector, index)
            if list_ is None:
                list_ = fresh(target + side)
                lists.append(list_)
                loop.body[index].append(_append(list_, vector))
                kept.append((index, vector, list_))
            pair.append(list_)
        products.append((target, *pair))
    if not products:
        return [loop]
    sums = _kept_sums(loop, kept, vectors, updated)
    rows = _kept_rows(loop, kept, vectors, updated, matrices)
    loop.body = _flat(loop.body)
    before = assign(gast.Tuple(elts=[store(n) for n in lists], ctx=gast.Store()),
                    gast.Tuple(elts=[gast.List(elts=[], ctx=gast.Load()) for _ in lists],
                               ctx=gast.Load()))
    return [before, loop, _after(lists[0], products, sums, rows, np_name)]


def _kept_list(loop, kept, vector, index):
    """A list the loop already appends `vector` to, with the same value as at `index`."""
    for where, kept_vector, list_ in kept:
        if kept_vector == vector and not queries.assigns(
                _flat(loop.body[min(where, index) + 1:max(where, index)]), {vector}):
            return list_
    return None


def _after(first, products, sums, rows, np_name):
    """The statements after the loop, under one test that it ran (every list holds one
    vector per trip): a list read more than once becomes an array once."""
    reads = [list_ for _, left, right in products for list_ in (left, right)] + \
        [list_ for _, list_ in sums] + [list_ for _, _, list_ in rows]
    shared = [list_ for list_ in dict.fromkeys(reads) if reads.count(list_) > 1]
    body = [assign(store(list_), _array(np_name, list_)) for list_ in shared]

    def operand(list_):
        return name(list_) if list_ in shared else _array(np_name, list_)
    for target, left, right in products:
        product = gast.BinOp(left=gast.Attribute(value=operand(left), attr="T",
                                                 ctx=gast.Load()),
                             op=gast.MatMult(), right=operand(right))
        body.append(gast.AugAssign(target=store(target), op=gast.Add(), value=product))
    for target, list_ in sums:
        total = gast.Call(func=gast.Attribute(value=name(np_name), attr="sum",
                                              ctx=gast.Load()),
                          args=[name(list_)],
                          keywords=[gast.keyword(arg="axis", value=gast.Constant(
                              value=0, kind=None))])
        body.append(gast.AugAssign(target=store(target), op=gast.Add(), value=total))
    for target, count, list_ in rows:
        first_rows = gast.Slice(lower=None, upper=count, step=None)
        backwards = gast.Slice(lower=None, upper=None,
                               step=gast.UnaryOp(op=gast.USub(),
                                                 operand=gast.Constant(value=1, kind=None)))
        body.append(gast.AugAssign(
            target=gast.Subscript(value=name(target), slice=first_rows, ctx=gast.Store()),
            op=gast.Add(), value=gast.Subscript(value=operand(list_), slice=backwards,
                                                ctx=gast.Load())))
    return gast.If(test=name(first), body=body, orelse=[])


def _kept_sums(loop, kept, vectors, updated):
    """A vector the loop adds to an adjoint (`b_bar += t9_bar`) is summed once after the
    loop instead, where a list of the batched outer products keeps that same vector
    anyway (no memory is added): `np.sum(U_bar_right, axis=0)`. Returns the (adjoint,
    list) pairs."""
    sums = []
    for index, statement in enumerate(loop.body):
        if not (isinstance(statement, gast.AugAssign) and isinstance(statement.op, gast.Add)
                and isinstance(statement.target, gast.Name)
                and isinstance(statement.value, gast.Name)):
            continue
        target, vector = statement.target.id, statement.value.id
        if vector not in vectors or vector in updated or queries.mentions(loop, target) != 1:
            continue
        list_ = _kept_list(loop, kept, vector, index)
        if list_ is not None:
            loop.body[index] = []
            sums.append((target, list_))
    return sums


def _kept_rows(loop, kept, vectors, updated, matrices):
    """A kept vector added to row `t` of a matrix adjoint in `for t in reversed(range(n))`
    (`A[t] += v`, `A` read nowhere else in the loop) is added after the loop, from the
    list already holding it. Returns the (matrix, n, list) triples."""
    count = _reversed_count(loop)
    if count is None:
        return []
    rows = []
    for index, statement in enumerate(loop.body):
        if not (isinstance(statement, gast.AugAssign) and isinstance(statement.op, gast.Add)
                and isinstance(statement.target, gast.Subscript)
                and isinstance(statement.target.value, gast.Name)
                and isinstance(statement.target.slice, gast.Name)
                and statement.target.slice.id == loop.target.id
                and isinstance(statement.value, gast.Name)):
            continue
        target, vector = statement.target.value.id, statement.value.id
        if target not in matrices or vector not in vectors or vector in updated or \
                queries.mentions(loop, target) != 1:
            continue
        list_ = _kept_list(loop, kept, vector, index)
        if list_ is not None:
            loop.body[index] = []
            rows.append((target, count, list_))
    return rows


def _reversed_count(loop):
    """`n` of `for t in reversed(range(n))` when the loop never assigns `t` or `n`."""
    count = reversed_count(loop)
    if count is None:
        return None
    names = {n.id for n in gast.walk(count) if isinstance(n, gast.Name)} | {loop.target.id}
    return None if queries.assigns(_flat(loop.body), names) else count


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


def _append(target, value):
    call = gast.Call(func=gast.Attribute(value=name(target), attr="append", ctx=gast.Load()),
                     args=[name(value)], keywords=[])
    return gast.Expr(value=call)


def _array(np_name, identifier):
    return gast.Call(func=gast.Attribute(value=name(np_name), attr="array", ctx=gast.Load()),
                     args=[name(identifier)], keywords=[])
