"""One trip taped and reversed, without the tape.

`trip_adjoint` of a checkpointed loop (checkpoints.py) runs one trip's forward body, which
pushes what the backward body pops, then the backward body. Within one trip a push and
its pop are paired by position when neither sits inside a branch or a loop, so the value
can stay in a local variable instead of going through the stack. Once it does, the
forward statements whose results only the stack needed are dead, and a value saved and
restored unchanged is no copy at all:

    push(x)                             x_bar = x_bar * (3.9 - 7.8 * x)
    x = 3.9 * x * (1 - x)        ->
    x = pop()
    x_bar = x_bar * (3.9 - 7.8 * x)

A trip whose pushes or pops sit in a branch or a loop keeps its tape as it is.
"""
import gast

from ..syntax import queries
from ..syntax.printer import assign, name, source


def untaped(forward, backward, push, pop, fresh, pure, live):
    """`forward + backward` with each push paired to its pop through a local variable and
    the statements nothing reads dropped; `live` are the names read after them, `pure`
    the calls a dropped statement may make."""
    pushes = [s for s in forward if _calls(s, push)]
    pops = [s for s in backward if _calls(s, pop)]
    tape_uses = [n for n in queries.walk(forward + backward)
                 if isinstance(n, gast.Name) and n.id in (push, pop)]
    if len(pushes) != len(pops) or len(tape_uses) != 2 * len(pushes) or \
            not all(_is_push(s, push) for s in pushes) or not all(_is_pop(s, pop) for s in pops):
        return forward + backward
    saved = {}
    for pushed, popped in zip(pushes, reversed(pops)):
        value = pushed.value.args[0]
        variable = fresh(f"{value.id}_saved" if isinstance(value, gast.Name) else "saved")
        saved[id(pushed)] = assign(variable, value)
        popped.value = name(variable)
    statements = [saved.get(id(s), s) for s in forward] + backward
    statements = _unread(statements, set(live), pure)
    return _unread(_without_restores(statements), set(live), pure)


def _calls(statement, handle):
    return any(isinstance(n, gast.Name) and n.id == handle for n in queries.walk(statement))


def _is_push(statement, push):
    return queries.is_call_of(statement, push) and len(statement.value.args) == 1 and \
        not statement.value.keywords


def _is_pop(statement, pop):
    return isinstance(statement, gast.Assign) and isinstance(statement.value, gast.Call) and \
        isinstance(statement.value.func, gast.Name) and statement.value.func.id == pop and \
        not statement.value.args


def _unread(statements, live, pure):
    """From the end back, an assignment to a name nothing after it reads goes when its
    value makes no call but `pure` ones; the rest stays, and what it reads with it."""
    kept = []
    for statement in reversed(statements):
        target = _single_name(statement)
        if target is not None and target not in live and _pure(statement.value, pure):
            continue
        if target is not None:
            live.discard(target)
        if isinstance(statement, gast.AugAssign) and isinstance(statement.target, gast.Name):
            live.add(statement.target.id)
        live |= queries.loaded(statement)
        kept.append(statement)
    return kept[::-1]


def _without_restores(statements):
    """Without `x = x_saved` where `x_saved = x` came before and neither changed since."""
    out = []
    for at, statement in enumerate(statements):
        restored, origin = _single_name(statement), _copied(statement)
        if restored is not None and origin is not None:
            earlier = [j for j, s in enumerate(statements[:at])
                       if origin in queries.written(s)]
            if len(earlier) == 1 and _copied(statements[earlier[0]]) == restored and \
                    restored not in queries.written(statements[earlier[0] + 1:at]):
                continue
        out.append(statement)
    return out


def _single_name(statement):
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 and \
            isinstance(statement.targets[0], gast.Name):
        return statement.targets[0].id
    return None


def _copied(statement):
    """`x` for `y = x`, else None."""
    if _single_name(statement) is not None and isinstance(statement.value, gast.Name):
        return statement.value.id
    return None


def _pure(value, pure):
    return all(source(n.func).strip() in pure for n in queries.walk(value)
               if isinstance(n, gast.Call))
