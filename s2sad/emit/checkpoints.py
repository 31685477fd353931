"""The adjoint of a checkpointed loop: its trips run by the binomial schedule.

The adjoint of a loop first comes out as any loop's: a forward loop that pushes what the
backward sweep reads, and a backward loop that pops it. For a loop marked
`s2sad.checkpoint(range(n), snapshots=k)` (frontend/checkpoints.py) this pass then turns
the pair into two local functions of the state the loop carries and calls to the driver
of runtime_checkpoint.py, which keeps at most k snapshots:

    for i in range(n):                    def trip(i, x):
        push(x)                                x = 3.9 * x * (1 - x)
        x = 3.9 * x * (1 - x)                  return x
    ...                                   checkpoints = revolve(range(n), 30, trip, x)
    # backward sweep                 ->   x = checkpoints.state
    for i in reversed(range(n)):          ...
        x = pop()                         # backward sweep
        x_bar = x_bar * (3.9 - 7.8 * x)   def trip_adjoint(i, x, x_bar):
                                              push(x)
                                              x = 3.9 * x * (1 - x)
                                              x = pop()
                                              x_bar = x_bar * (3.9 - 7.8 * x)
                                              return x_bar
                                          x_bar = checkpoints.reverse(trip_adjoint, x_bar)

`trip` is the forward loop's body without its pushes; `trip_adjoint` is the forward body
followed by the backward body: one trip taped and reversed, so the stack holds one trip.
The carried state is what the body writes and reads before writing it (or saves), and
what it writes that the code after the loop reads; the adjoints carried are what the
backward body assigns and reads. A variable the backward
loop would have restored by its pops, and that the code after it reads, is set from
`checkpoints.start`, the state before the loop.
"""
import copy
from dataclasses import dataclass

import gast

from .. import runtime_checkpoint
from ..errors import UnsupportedError
from ..syntax import queries
from ..syntax.lines import stamp
from ..syntax.printer import assign, name, store, tuple_of
from ..syntax.simplify import negated
from .one_trip import untaped


@dataclass
class Mark:
    """What the forward sweep notes on the loop of a checkpointed IR loop: the loop (its
    `id`), the snapshots, the trip counter of a `while` loop, and where it is."""
    key: int
    snapshots: object
    counter: str
    line: object


class Checkpointing:
    """Rewrites the loops the sweeps marked; `builder` is the AdjointBuilder (its handles,
    namer and bindings), `exposed(statements, assigned)` the names read before assigned."""

    def __init__(self, builder, exposed, returned):
        self.builder = builder
        self.exposed = exposed
        self.returned = returned
        self.push = builder.handles["push"]

    def rewrite(self, forward, backward):
        for mark, statement in _nested_marks(forward):
            self.refuse(mark, "a checkpointed loop inside an `if`",
                        "move the loop out of the `if`, or remove the `s2sad.checkpoint` "
                        "marker.")
        for at, statement in reversed(list(enumerate(forward))):
            mark = getattr(statement, "checkpoint", None)
            if mark is None:
                continue
            back = [j for j, s in enumerate(backward)
                    if getattr(s, "checkpoint_of", None) == mark.key]
            if back and _pushes(statement.body, self.push):
                forward, backward = self.checkpointed(forward, at, backward, back[0], mark)
        return forward, backward

    def checkpointed(self, forward, at, backward, back, mark):
        loop, backward_loop = forward[at], backward[back]
        index = loop.target.id if isinstance(loop, gast.For) else None
        body = [s for s in loop.body if not _counts(s, mark.counter)]
        plain = _without_counters(_without_pushes(body, self.push), body, self.push)
        heads = queries.loaded(loop.test) if index is None else set()
        exposed = self.exposed(body, set()) | heads
        written = queries.written(plain) - {index}
        state = _ordered(body, written & exposed)
        after = self.exposed(forward[at + 1:] + backward[:back] + backward[back + 1:], set()) \
            | queries.loaded(self.returned)
        if not state:
            return forward, backward
        # the last trip's value of a variable each trip assigns before reading it: carried
        # too, from None where nothing before the loop assigns it
        leaving = _ordered(body, (written - set(state)) & after)
        unset = [v for v in leaving if v not in queries.stored(forward[:at])]
        state += leaving
        free = queries.loaded(body) - queries.stored(body)
        changed = sorted(free & queries.written(forward[at + 1:] + backward[:back]))
        if changed:
            self.refuse(mark, f"`{changed[0]}`, read in a checkpointed loop and assigned "
                        "after it,", f"give the later value of `{changed[0]}` another name.")
        adjoint_body = backward_loop.body
        everything = body + adjoint_body
        adjoints = _ordered(adjoint_body, (queries.stored(adjoint_body) - written - {index})
                            & (self.exposed(everything, set()) | after))
        fresh, bind = self.builder.namer.fresh, self.builder.bind
        trip, trip_adjoint, driver = fresh("trip"), fresh("trip_adjoint"), fresh("checkpoints")
        leading = [index] if index is not None else []
        new_forward = [assign(v, gast.Constant(value=None, kind=None)) for v in unset]
        new_forward.append(_define(trip, leading + state, plain, state))
        if index is None:
            more = fresh("more")
            new_forward.insert(len(unset), _define(more, state, [], [loop.test]))
            start = gast.Call(func=name(bind(runtime_checkpoint.revolve_while, "revolve_while")),
                              args=[name(more), mark.snapshots, name(trip)] +
                              [name(v) for v in state], keywords=[])
        else:
            start = gast.Call(func=name(bind(runtime_checkpoint.revolve, "revolve")),
                              args=[loop.iter, mark.snapshots, name(trip)] +
                              [name(v) for v in state], keywords=[])
        new_forward += [assign(driver, start),
                        _assign_all(state, gast.Attribute(value=name(driver), attr="state",
                                                          ctx=gast.Load()))]
        stamp(new_forward, mark.line)
        before = [s for s in forward[:at] if not _starts(s, mark.counter)]
        forward = before + new_forward + forward[at + 1:]
        reverse = gast.Call(func=gast.Attribute(value=name(driver), attr="reverse",
                                                ctx=gast.Load()),
                            args=[name(trip_adjoint)] + [name(v) for v in adjoints], keywords=[])
        taped = untaped(copy.deepcopy(body), copy.deepcopy(adjoint_body), self.push,
                        self.builder.handles["pop"], fresh, self.builder._pure(), adjoints)
        new_backward = [_define(trip_adjoint, leading + state + adjoints, taped, adjoints)]
        new_backward.append(_assign_all(adjoints, reverse) if adjoints else gast.Expr(reverse))
        restored = queries.stored(adjoint_body) & (
            self.exposed(backward[back + 1:], set()) | queries.loaded(self.returned))
        for position, variable in enumerate(state):
            if variable in restored:
                start = gast.Attribute(value=name(driver), attr="start", ctx=gast.Load())
                new_backward.append(assign(variable, gast.Subscript(
                    value=start, slice=gast.Constant(value=position, kind=None),
                    ctx=gast.Load())))
        stamp(new_backward, mark.line)
        backward = backward[:back] + new_backward + backward[back + 1:]
        return forward, backward

    def refuse(self, mark, construct, advice):
        function = self.builder.spec.function
        filename, line = getattr(mark.line, "filename", function.filename), mark.line
        raise UnsupportedError(f"{construct} in function '{function.name}' is not "
                               f"supported. {advice[:1].upper()}{advice[1:]}",
                               filename, line or None)


def _nested_marks(statements):
    for statement in statements:
        for node in queries.walk(getattr(statement, "body", []) + getattr(statement, "orelse",
                                                                         [])):
            if getattr(node, "checkpoint", None) is not None:
                yield node.checkpoint, node


def _pushes(statements, push):
    return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == push
               for n in queries.walk(statements))


def _without_pushes(statements, push):
    """The statements with every push taken out: a branch left with nothing to do goes,
    and one left with an `else` only tests the opposite condition."""
    out = []
    for statement in statements:
        if queries.is_call_of(statement, push):
            continue
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            clone = type(statement)(**{f: getattr(statement, f) for f in statement._fields})
            clone.body = _without_pushes(statement.body, push)
            clone.orelse = _without_pushes(statement.orelse, push)
            if isinstance(clone, gast.If) and not clone.body:
                if not clone.orelse:
                    continue
                clone.test = negated(copy.deepcopy(clone.test))
                clone.body, clone.orelse = clone.orelse, []
            clone.body = clone.body or [gast.Pass()]
            statement = clone
        out.append(statement)
    return out


def _without_counters(plain, body, push):
    """`plain` without the trip counters of inner `while` loops (`trips = 0`, `trips +=
    1`) that only the pushes read."""
    pushed = {n.id for s in queries.walk(body) if queries.is_call_of(s, push)
              for n in queries.walk(s) if isinstance(n, gast.Name) and n.id != push}
    statements = [s for s in queries.walk(plain) if isinstance(s, gast.stmt)]
    counters = {c for c in pushed if not any(
        c in queries.names(_header(s)) and not (_counts(s, c) or _starts(s, c))
        for s in statements)}

    def kept(statements):
        out = []
        for statement in statements:
            if any(_counts(statement, c) or _starts(statement, c) for c in counters):
                continue
            if isinstance(statement, (gast.If, gast.For, gast.While)):
                statement.body = kept(statement.body) or [gast.Pass()]
                statement.orelse = kept(statement.orelse)
            out.append(statement)
        return out
    return kept(plain)


def _header(statement):
    """What a statement reads or writes apart from the blocks it holds."""
    if isinstance(statement, (gast.If, gast.While)):
        return statement.test
    if isinstance(statement, gast.For):
        return [statement.target, statement.iter]
    return statement


def _counts(statement, counter):
    """`trips += 1`: the forward sweep's trip count of a `while` loop, kept by the driver."""
    return counter is not None and isinstance(statement, gast.AugAssign) and \
        isinstance(statement.target, gast.Name) and statement.target.id == counter and \
        isinstance(statement.op, gast.Add) and _is_constant(statement.value, 1)


def _starts(statement, counter):
    return counter is not None and isinstance(statement, gast.Assign) and \
        len(statement.targets) == 1 and isinstance(statement.targets[0], gast.Name) and \
        statement.targets[0].id == counter and _is_constant(statement.value, 0)


def _is_constant(node, value):
    return isinstance(node, gast.Constant) and type(node.value) is int and node.value == value


def _ordered(statements, names):
    """`names` in the order `statements` first mention them."""
    seen = []
    for node in queries.walk(statements):
        if isinstance(node, gast.Name) and node.id in names and node.id not in seen:
            seen.append(node.id)
    return seen


def _define(function, params, body, returned):
    """`def function(params): body; return returned` (one name, a tuple of several, or
    the expression `returned[0]` when it is not a name)."""
    if returned and not isinstance(returned[0], str):
        value = returned[0]
    elif returned:
        value = name(returned[0]) if len(returned) == 1 else \
            tuple_of([name(v) for v in returned])
    else:
        value = None
    args = gast.arguments(args=[gast.Name(id=p, ctx=gast.Param(), annotation=None,
                                          type_comment=None) for p in params],
                          posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                          kwarg=None, defaults=[])
    statements = list(body)
    if value is not None:
        statements.append(gast.Return(value=value))
    return gast.FunctionDef(name=function, args=args, body=statements or [gast.Pass()],
                            decorator_list=[], returns=None, type_comment=None,
                            type_params=[])


def _assign_all(names, value):
    target = store(names[0]) if len(names) == 1 else \
        gast.Tuple(elts=[store(v) for v in names], ctx=gast.Store())
    return gast.Assign(targets=[target], value=value, type_comment=None)
