"""A backward loop's elementwise partial of a value the forward loop stacked, computed for
all trips before the loop and read by row.

Loop distribution (transform/distribute.py) keeps the values of a recurrence that code
after the loop reads as rows of one array, `hs = np.array(h_trips)`. The backward loop
restores the same values one trip at a time, and a partial that reads nothing else, such
as tanh's `1 - h_new * h_new`, is then computed trip by trip: two NumPy calls a trip on a
small vector, where one call over all the rows costs about as much as one of them.

    for t in range(n):                         for t in range(n):
        push(h)                                    push(h)
        h = np.tanh(t20[t] + h @ U)                h = np.tanh(t20[t] + h @ U)
        h_trips.append(h)                          h_trips.append(h)
    hs = np.array(h_trips)                     hs = np.array(h_trips)
    ...                                   ->   ...
    for t in reversed(range(n)):               hs_term = 1 - hs * hs
        h_new = h                              for t in reversed(range(n)):
        h = pop()                                  h = pop()
        t9_bar = h_bar * (1 - h_new * h_new)       t9_bar = h_bar * hs_term[t]

`h_new` holds trip t's value of `h` when the backward trip t reads it: the forward trip
pushes `h` before its one assignment to it and appends the new value last, and the
backward trip restores `h` by its one pop after `h_new = h` (the tape pairs the two
trips). The partial is hoisted only when it is built from that value and numbers alone by
arithmetic, so that over the rows it computes each row's numbers; `h_new = h` goes when
nothing reads it any more.
"""
import copy

import gast

from ..syntax import queries
from ..syntax.printer import assign, name, source

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


def run(statements, context):
    """The backward sweep with such partials hoisted (needs the forward sweep printed)."""
    push, pop, np_name = (context.handles[r] for r in ("push", "pop", "np"))
    out = []
    for at, statement in enumerate(statements):
        if _reversed_loop(statement) is not None:
            stacked = _stacked_rows(context.forward, statement, push, np_name)
            changed = queries.written(out)
            stacked = {v: rows for v, rows in stacked.items()
                       if v not in changed and rows not in changed}
            if stacked:
                out.extend(_hoisted(statement, stacked, pop, context.fresh,
                                    statements[at + 1:] + context.readers))
                continue
        out.append(statement)
    return out


def _reversed_loop(statement):
    """The trip count `n` of `for t in reversed(range(n))`, else None."""
    if not isinstance(statement, gast.For) or not isinstance(statement.target, gast.Name):
        return None
    it = statement.iter
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        inner = it.args[0]
        if isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and \
                inner.func.id == "range" and len(inner.args) == 1 and \
                isinstance(inner.args[0], gast.Name):
            return inner.args[0].id
    return None


def _stacked_rows(forward, backward_loop, push, np_name):
    """{variable: rows} for the variables the matching forward loop pushes once, assigns
    once and appends last to a list that `rows = np.array(list)` stacks after it."""
    count, index = _reversed_loop(backward_loop), backward_loop.target.id
    found = {}
    for at, loop in enumerate(forward):
        if not (isinstance(loop, gast.For) and source(loop.iter).strip() == f"range({count})"
                and isinstance(loop.target, gast.Name) and loop.target.id == index):
            continue
        stacks = {}
        for s in forward[at + 1:]:
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
                    source(s.value.func).strip() == f"{np_name}.array" and \
                    len(s.value.args) == 1 and isinstance(s.value.args[0], gast.Name):
                stacks[s.value.args[0].id] = s.targets[0].id
        body = loop.body
        for position, s in enumerate(body):
            appended = _appended(s)
            if appended is None or appended[0] not in stacks:
                continue
            list_name, variable = appended
            writes = [j for j, x in enumerate(body) if variable in queries.written(x)]
            pushes = [j for j, x in enumerate(body) if _pushes(x, push, variable)]
            later = forward[at + 1:]
            if len(writes) == 1 and writes[0] < position and len(pushes) == 1 and \
                    pushes[0] < writes[0] and \
                    sum(1 for x in queries.walk(body) if isinstance(x, gast.Call) and
                        _appended(x) and _appended(x)[0] == list_name) == 1 and \
                    variable not in queries.written(later) and \
                    stacks[list_name] not in queries.written(
                        [x for x in later if _single(x) != stacks[list_name]]) and \
                    count not in queries.written(later) and index not in queries.written(later):
                found[variable] = stacks[list_name]
        return found
    return found


def _appended(statement):
    """(list, variable) for `list.append(variable)`."""
    value = statement.value if isinstance(statement, gast.Expr) else statement
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "append" and isinstance(value.func.value, gast.Name) and \
            len(value.args) == 1 and isinstance(value.args[0], gast.Name):
        return value.func.value.id, value.args[0].id
    return None


def _pushes(statement, push, variable):
    return queries.is_call_of(statement, push) and len(statement.value.args) == 1 and \
        isinstance(statement.value.args[0], gast.Name) and statement.value.args[0].id == variable


def _single(statement):
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 and \
            isinstance(statement.targets[0], gast.Name):
        return statement.targets[0].id
    return None


def _hoisted(loop, stacked, pop, fresh, after):
    """[rows = partial over the stacked rows, ..., loop] with the partials read by row, and
    without the copies nothing reads then (`after`: what runs after the loop)."""
    body = loop.body
    # `copy = variable` just before `variable = pop()`: copy holds trip t's value
    copies = {}
    for j, s in enumerate(body[:-1]):
        variable = _single(s)
        if variable is not None and isinstance(s.value, gast.Name) and \
                s.value.id in stacked and _single(body[j + 1]) == s.value.id and \
                isinstance(body[j + 1].value, gast.Call) and \
                isinstance(body[j + 1].value.func, gast.Name) and \
                body[j + 1].value.func.id == pop and \
                [x for x in body if s.value.id in queries.written(x)] == [body[j + 1]] and \
                [x for x in body if variable in queries.written(x)] == [s]:
            copies[variable] = stacked[s.value.id]
    if not copies:
        return [loop]
    before = []
    index = loop.target.id

    def replace(node):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.AST):
                copy = _partial_of(value, copies)
                if copy is not None:
                    rows = fresh(f"{copies[copy]}_term")
                    before.append(assign(rows, _over_rows(value, copies)))
                    setattr(node, field, gast.Subscript(value=name(rows),
                                                        slice=name(index), ctx=gast.Load()))
                else:
                    replace(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, gast.AST):
                        replace(item)

    for statement in body:
        if isinstance(statement, gast.Assign) and _single(statement) not in copies:
            replace(statement)
    unread = {c for c in copies if c not in queries.loaded(body + after)}
    loop.body = [s for s in body if _single(s) not in unread]
    return before + [loop]


def _partial_of(node, copies):
    """The copy a compound arithmetic expression of one copy and numbers reads, else None."""
    if not isinstance(node, (gast.BinOp, gast.UnaryOp)):
        return None
    read = set()
    for n in gast.walk(node):
        if isinstance(n, gast.Name):
            read.add(n.id)
        elif isinstance(n, gast.BinOp) and not isinstance(n.op, _ARITHMETIC):
            return None
        elif isinstance(n, gast.UnaryOp) and not isinstance(n.op, gast.USub):
            return None
        elif isinstance(n, gast.Constant) and not isinstance(n.value, (int, float)):
            return None
        elif not isinstance(n, (gast.BinOp, gast.UnaryOp, gast.Constant, gast.Name,
                                gast.expr_context, gast.operator, gast.unaryop)):
            return None
    return read.pop() if len(read) == 1 and next(iter(read)) in copies else None


def _over_rows(node, copies):
    clone = copy.deepcopy(node)
    for n in gast.walk(clone):
        if isinstance(n, gast.Name) and n.id in copies:
            n.id = copies[n.id]
    return clone
