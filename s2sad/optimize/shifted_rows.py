"""A value the backward loop pops only to keep it for a product after the loop, read from
the rows the distributed forward loop stacked instead of from the tape.

The weight of a recurrence (`h @ U` in the Elman network) gets its adjoint from each
trip's `h` before the trip's assignment: the backward loop pops it and keeps it in a list
(batching.py) for one matrix product after the loop. Those are the rows the forward loop
stacked, shifted by one trip (stacked.py): the value before the loop, then every row but
the last. So the tape and the list both go:

    for t in range(n):                      h_first = h
        push(h)                             for t in range(n):
        h = np.tanh(t20[t] + h @ U)             h = np.tanh(t20[t] + h @ U)
        h_trips.append(h)                       h_trips.append(h)
    hs = np.array(h_trips)                  hs = np.array(h_trips)
    ...                               ->    ...
    U_bar_left, U_bar_right = [], []        U_bar_right = []
    for t in reversed(range(n)):            for t in reversed(range(n)):
        h = pop()                               ...
        ...                                     U_bar_right.append(t9_bar)
        U_bar_left.append(h)                if h_trips:
        U_bar_right.append(t9_bar)              U_bar += np.concatenate((hs[-2::-1], h_first[None])).T @ ...
    if U_bar_left:
        U_bar += np.array(U_bar_left).T @ ...

The list held the values last trip first, so the rows are read from the one before the
last down to the first, then the value before the loop; the list is not empty exactly
when `h_trips` is not. This applies only when the popped value is read by nothing but
appends to lists that are made empty before the loop and read after it only by
`np.array(list)` and `if list:`, and nothing after the loop reads the variable (the pops
would have left it at its value before the loop).
"""
import copy

import gast

from ..syntax import queries
from ..syntax.printer import assign, name, store
from ..syntax.template import fill
from .stacked import appended_to, popped, reversed_count, stacked


def run(statements, context):
    """The backward sweep without such pops, and the forward sweep (`context.forward`,
    changed in place) without their pushes."""
    push, pop, np_name = (context.handles[r] for r in ("push", "pop", "np"))
    for loop in [s for s in statements if reversed_count(s) is not None]:
        found = stacked(context.forward, loop, push, np_name)
        for variable, each in found.items():
            at = statements.index(loop)
            if {each.rows, each.trips} & queries.written(statements[:at]):
                continue
            lists = _kept_only(loop, variable, pop, statements, at, context.readers,
                               np_name)
            if lists is None:
                continue
            first = context.fresh(f"{variable}_first")
            _untaped(context.forward, each, variable, first)
            loop.body = [s for s in loop.body if popped(s, pop) != variable and
                         (appended_to(s) or (None, None))[1] != variable]
            shifted = _shifted(np_name, first, each.rows)
            before = [_without(s, lists) for s in statements[:at]]
            after = [_read_from(s, lists, shifted, each.trips, np_name)
                     for s in statements[at + 1:]]
            statements[:] = [s for s in before if s is not None] + [loop] + after
    return statements


def _kept_only(loop, variable, pop, statements, at, readers, np_name):
    """The lists the popped `variable` is kept in, when that is all the backward loop does
    with it and the lists are only made empty before and turned into arrays after the
    loop; else None."""
    body = loop.body
    pops = [s for s in body if popped(s, pop) == variable]
    if len(pops) != 1 or [s for s in body if variable in queries.written(s)] != pops:
        return None
    start = body.index(pops[0])
    lists = set()
    for position, s in enumerate(body):
        if variable not in queries.loaded(s):
            continue
        appended = appended_to(s)
        if appended is None or appended[1] != variable or position < start or \
                not isinstance(s, gast.Expr):
            return None
        lists.add(appended[0])
    after = statements[at + 1:] + list(readers)
    if not lists or variable in queries.loaded(after):
        return None
    for list_name in lists:
        appends = [s for s in body if appended_to(s) and appended_to(s)[0] == list_name]
        made = [s for s in statements[:at] if list_name in queries.written(s)]
        if len(appends) != queries.mentions(body, list_name) or len(made) != 1 or \
                _empty_lists(made[0]) is None or list_name not in _empty_lists(made[0]) or \
                queries.mentions(statements[:at], list_name) != 1 or \
                not _only_stacked_or_tested(after, list_name, np_name):
            return None
    return lists


def _empty_lists(statement):
    """The names `statement` makes empty lists, `a = []` or `a, b = [], []`, else None."""
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1):
        return None
    target, value = statement.targets[0], statement.value
    if isinstance(target, gast.Name) and isinstance(value, gast.List) and not value.elts:
        return [target.id]
    if isinstance(target, gast.Tuple) and isinstance(value, gast.Tuple) and \
            len(target.elts) == len(value.elts) and \
            all(isinstance(t, gast.Name) for t in target.elts) and \
            all(isinstance(v, gast.List) and not v.elts for v in value.elts):
        return [t.id for t in target.elts]
    return None


def _only_stacked_or_tested(code, list_name, np_name):
    """Whether `code` reads `list_name` only as `np.array(list_name)` or as the test of an
    `if`."""
    allowed = set()
    for node in queries.walk(code):
        if isinstance(node, gast.If) and isinstance(node.test, gast.Name):
            allowed.add(id(node.test))
        elif _stacks(node, {list_name}, np_name):
            allowed.add(id(node.args[0]))
    return all(id(node) in allowed for node in queries.walk(code)
               if isinstance(node, gast.Name) and node.id == list_name)


def _untaped(forward, each, variable, first):
    """The forward loop without its push of `variable`, and `first = variable` before it."""
    loop = forward[each.loop]
    loop.body = [s for s in loop.body if s is not each.push]
    forward.insert(each.loop, assign(first, name(variable)))


def _shifted(np_name, first, rows):
    """The values before each trip, last trip first, in a new array (a reversed view would
    reach numba's `@` not contiguous, and numba compiles no `np.vstack` of a vector and a
    matrix)."""
    return fill("np.concatenate((rows[-2::-1], first[None]))", np=np_name, rows=rows,
                first=first)


def _without(statement, lists):
    """`statement` without the empty lists it makes of `lists` (None when none is left)."""
    made = _empty_lists(statement)
    if made is None or not set(made) & lists:
        return statement
    kept = [n for n in made if n not in lists]
    if not kept:
        return None
    if len(kept) == 1:
        return assign(kept[0], gast.List(elts=[], ctx=gast.Load()))
    return assign(gast.Tuple(elts=[store(n) for n in kept], ctx=gast.Store()),
                  gast.Tuple(elts=[gast.List(elts=[], ctx=gast.Load()) for _ in kept],
                             ctx=gast.Load()))


def _read_from(statement, lists, shifted, trips, np_name):
    """`statement` with `np.array(list)` read as the shifted rows and `if list:` as `if
    trips:`, for each of `lists`."""

    def visit(node):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.AST):
                if _stacks(value, lists, np_name):
                    setattr(node, field, copy.deepcopy(shifted))
                    continue
                if isinstance(node, gast.If) and field == "test" and \
                        isinstance(value, gast.Name) and value.id in lists:
                    node.test = name(trips)
                    continue
                visit(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, gast.AST):
                        visit(item)
    visit(statement)
    return statement


def _stacks(node, lists, np_name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and \
        node.func.attr == "array" and isinstance(node.func.value, gast.Name) and \
        node.func.value.id == np_name and len(node.args) == 1 and not node.keywords and \
        isinstance(node.args[0], gast.Name) and node.args[0].id in lists
