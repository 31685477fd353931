"""What a forward loop keeps of a recurrence, for the passes that read it back by row in
the backward loop (trip_rows.py, shifted_rows.py, row_pops.py).

Loop distribution (transform/distribute.py) keeps each trip's value of a variable that
code after the loop reads, `v_trips.append(v)` last in the trip, and stacks them after
it, `vs = np.array(v_trips)`; a user's own list of states may look the same. Row `t` is
trip `t`'s value only when the list starts empty and nothing but that one append, once a
trip, adds to it (`filled`): a list that starts with the value before the loop is one row
ahead. When the trip also pushes `v` once, before its one assignment to it, the tape and
the rows hold the same values, shifted by one trip: the backward trip `t` pops what the
forward trip `t` pushed, the value before trip `t`'s assignment, which is row `t - 1` of
`vs` (the value before the loop for `t = 0`), and before its pop `v` holds row `t`.
"""
from dataclasses import dataclass

import gast

from ..syntax import queries
from ..syntax.printer import source


@dataclass
class Stacked:
    """One such variable: its rows (`vs`), the list they are stacked from (`v_trips`), the
    forward loop (its position in the forward sweep) and the push in its body."""
    rows: str
    trips: str
    loop: int
    push: gast.stmt


def reversed_count(statement):
    """The trip count `n` (an expression) of `for t in reversed(range(n))`, else None."""
    if not isinstance(statement, gast.For) or not isinstance(statement.target, gast.Name):
        return None
    it = statement.iter
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1 and not it.keywords:
        inner = it.args[0]
        if isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and \
                inner.func.id == "range" and len(inner.args) == 1 and not inner.keywords:
            return inner.args[0]
    return None


def filled(forward, backward_loop, np_name):
    """(position, {list: rows}) of the forward loop `for t in range(n)` matching
    `backward_loop`, and the lists it fills a row a trip: made empty before it (`L = []`,
    their one binding), appended to once by a statement of its own body and by nothing
    else, and stacked after it (`rows = np.array(L)`, the one binding of `rows`), so
    that row `t` is trip `t`'s value. (None, {}) when no loop matches."""
    count, index = source(reversed_count(backward_loop)).strip(), backward_loop.target.id
    for at, loop in enumerate(forward):
        if not (isinstance(loop, gast.For) and source(loop.iter).strip() == f"range({count})"
                and isinstance(loop.target, gast.Name) and loop.target.id == index):
            continue
        others = forward[:at] + forward[at + 1:]
        found = {}
        for s in loop.body:
            list_name = appends(getattr(s, "value", None)) if isinstance(s, gast.Expr) else None
            if list_name is None or [appends(n) for n in queries.walk(loop.body)].count(
                    list_name) != 1 or queries.mentions(loop.body, list_name) != 1:
                continue
            made = [x for x in forward[:at] if rebinds(x, list_name)]
            stacks = [x for x in forward[at + 1:] if _stacks(x, list_name, np_name)]
            if len(made) == 1 and _empty_list(made[0]) and len(stacks) == 1 and \
                    not any(rebinds(x, list_name) for x in forward[at + 1:]) and \
                    queries.mentions(others, list_name) == 2 + _tested(others, list_name) and \
                    [x for x in forward if rebinds(x, single(stacks[0]))] == stacks:
                found[list_name] = single(stacks[0])
        return at, found
    return None, {}


def stacked(forward, backward_loop, push, np_name):
    """{variable: Stacked} for the variables the forward loop matching `backward_loop`
    pushes once, assigns once after the push and appends last to a list it fills a row a
    trip (`filled`), where nothing after the loop changes the variable, the count or the
    index."""
    at, lists = filled(forward, backward_loop, np_name)
    if at is None:
        return {}
    count, index = source(reversed_count(backward_loop)).strip(), backward_loop.target.id
    later = forward[at + 1:]
    body = forward[at].body
    found = {}
    for position, s in enumerate(body):
        appended = appended_to(s)
        if appended is None or appended[0] not in lists:
            continue
        list_name, variable = appended
        writes = [j for j, x in enumerate(body) if variable in queries.written(x)]
        pushes = [j for j, x in enumerate(body) if pushes_name(x, push, variable)]
        if len(writes) == 1 and writes[0] < position and len(pushes) == 1 and \
                pushes[0] < writes[0] and variable not in queries.written(later) and \
                count not in queries.written(later) and index not in queries.written(later):
            found[variable] = Stacked(lists[list_name], list_name, at, body[pushes[0]])
    return found


def appends(node):
    """`L` of a call `L.append(...)`, else None."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and \
            node.func.attr == "append" and isinstance(node.func.value, gast.Name):
        return node.func.value.id
    return None


def _tested(code, list_name):
    """How many `if list_name:` tests `code` has (whether the loop ran)."""
    return sum(1 for n in queries.walk(code) if isinstance(n, gast.If) and
               isinstance(n.test, gast.Name) and n.test.id == list_name)


def _empty_list(statement):
    value = getattr(statement, "value", None)
    return single(statement) is not None and isinstance(value, gast.List) and not value.elts


def _stacks(statement, list_name, np_name):
    """Whether `statement` is `rows = np.array(list_name)`."""
    value = getattr(statement, "value", None)
    return single(statement) is not None and isinstance(value, gast.Call) and \
        source(value.func).strip() == f"{np_name}.array" and len(value.args) == 1 and \
        not value.keywords and isinstance(value.args[0], gast.Name) and \
        value.args[0].id == list_name


def rebinds(statement, variable):
    """Whether `statement` binds `variable` to a new value (`variable = ...`, also as a
    loop's target); `variable += ...` on an array does not."""
    return any(n.id == variable for node in queries.walk(statement)
               if not isinstance(node, gast.AugAssign)
               for target in queries.targets(node) for n in queries.bound_names(target))


def appended_to(statement):
    """(list, variable) for `list.append(variable)`."""
    value = statement.value if isinstance(statement, gast.Expr) else statement
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "append" and isinstance(value.func.value, gast.Name) and \
            len(value.args) == 1 and isinstance(value.args[0], gast.Name):
        return value.func.value.id, value.args[0].id
    return None


def pushes_name(statement, push, variable):
    return queries.is_call_of(statement, push) and len(statement.value.args) == 1 and \
        isinstance(statement.value.args[0], gast.Name) and statement.value.args[0].id == variable


def single(statement):
    """The name `statement` assigns when it is `name = value`, else None."""
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 and \
            isinstance(statement.targets[0], gast.Name):
        return statement.targets[0].id
    return None


def popped(statement, pop):
    """The name of `name = pop()`, else None."""
    target = single(statement)
    value = getattr(statement, "value", None)
    if target is not None and isinstance(value, gast.Call) and \
            isinstance(value.func, gast.Name) and value.func.id == pop and not value.args:
        return target
    return None
