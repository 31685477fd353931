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
from ..syntax.printer import assign, name
from .stacked import popped, reversed_count, single, stacked

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


def run(statements, context):
    """The backward sweep with such partials hoisted (needs the forward sweep printed)."""
    push, pop, np_name = (context.handles[r] for r in ("push", "pop", "np"))
    out = []
    for at, statement in enumerate(statements):
        if reversed_count(statement) is not None:
            found = stacked(context.forward, statement, push, np_name)
            changed = queries.written(out)
            rows = {v: each.rows for v, each in found.items()
                    if v not in changed and each.rows not in changed}
            if rows:
                out.extend(_hoisted(statement, rows, pop, context.fresh,
                                    statements[at + 1:] + context.readers))
                continue
        out.append(statement)
    return out


def _hoisted(loop, rows, pop, fresh, after):
    """[term = partial over the stacked rows, ..., loop] with the partials read by row, and
    without the copies nothing reads then (`rows`: {variable: its rows}, `after`: what
    runs after the loop)."""
    body = loop.body
    # `copy = variable` just before `variable = pop()`: copy holds trip t's value
    copies = {}
    for j, s in enumerate(body[:-1]):
        variable = single(s)
        if variable is not None and isinstance(s.value, gast.Name) and \
                s.value.id in rows and popped(body[j + 1], pop) == s.value.id and \
                [x for x in body if s.value.id in queries.written(x)] == [body[j + 1]] and \
                [x for x in body if variable in queries.written(x)] == [s]:
            copies[variable] = rows[s.value.id]
    if not copies:
        return [loop]
    before = []
    index = loop.target.id

    def replace(node):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.AST):
                copy = _partial_of(value, copies)
                if copy is not None:
                    term = fresh(f"{copies[copy]}_term")
                    before.append(assign(term, _over_rows(value, copies)))
                    setattr(node, field, gast.Subscript(value=name(term),
                                                        slice=name(index), ctx=gast.Load()))
                else:
                    replace(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, gast.AST):
                        replace(item)

    for statement in body:
        if isinstance(statement, gast.Assign) and single(statement) not in copies:
            replace(statement)
    unread = {c for c in copies if c not in queries.loaded(body + after)}
    loop.body = [s for s in body if single(s) not in unread]
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
