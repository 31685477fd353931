"""What a distributed forward loop keeps of a recurrence, for the passes that read it back
by row in the backward loop (trip_rows.py, shifted_rows.py).

Loop distribution (transform/distribute.py) keeps each trip's value of a variable that
code after the loop reads, `v_trips.append(v)` last in the trip, and stacks them after
it, `vs = np.array(v_trips)`. When the trip also pushes `v` once, before its one
assignment to it, the tape and the rows hold the same values, shifted by one trip: the
backward trip `t` pops what the forward trip `t` pushed, the value before trip `t`'s
assignment, which is row `t - 1` of `vs` (the value before the loop for `t = 0`), and
before its pop `v` holds row `t`.
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
    """The trip count `n` of `for t in reversed(range(n))` (a name), else None."""
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


def stacked(forward, backward_loop, push, np_name):
    """{variable: Stacked} for the variables the forward loop matching `backward_loop`
    pushes once, assigns once after the push and appends last to a list stacked after
    it, where nothing after the loop changes the rows, the list's variable, the count or
    the index."""
    count, index = reversed_count(backward_loop), backward_loop.target.id
    for at, loop in enumerate(forward):
        if not (isinstance(loop, gast.For) and source(loop.iter).strip() == f"range({count})"
                and isinstance(loop.target, gast.Name) and loop.target.id == index):
            continue
        later = forward[at + 1:]
        stacks = {}
        for s in later:
            if single(s) is not None and isinstance(s.value, gast.Call) and \
                    source(s.value.func).strip() == f"{np_name}.array" and \
                    len(s.value.args) == 1 and isinstance(s.value.args[0], gast.Name):
                stacks[s.value.args[0].id] = s.targets[0].id
        found = {}
        body = loop.body
        for position, s in enumerate(body):
            appended = appended_to(s)
            if appended is None or appended[0] not in stacks:
                continue
            list_name, variable = appended
            rows = stacks[list_name]
            writes = [j for j, x in enumerate(body) if variable in queries.written(x)]
            pushes = [j for j, x in enumerate(body) if pushes_name(x, push, variable)]
            if len(writes) == 1 and writes[0] < position and len(pushes) == 1 and \
                    pushes[0] < writes[0] and \
                    sum(1 for x in queries.walk(body) if isinstance(x, gast.Call) and
                        appended_to(x) and appended_to(x)[0] == list_name) == 1 and \
                    variable not in queries.written(later) and \
                    list_name not in queries.written([x for x in later if single(x) != rows]) \
                    and rows not in queries.written([x for x in later if single(x) != rows]) \
                    and count not in queries.written(later) and \
                    index not in queries.written(later):
                found[variable] = Stacked(rows, list_name, at, body[pushes[0]])
        return found
    return {}


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
