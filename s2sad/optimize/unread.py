"""Drop the top-level statements whose results nothing reads, for a tangent that returns
the tangent alone (`hvp`): the primal statements that only computed the value.

The tangent emitter keeps a primal statement with the tangent it belongs to (an element
write `y[i] = v` and its `y_dot[i] = v_dot` are one plan), so a value no one returns is
still computed. Here, from the end back: an assignment to a name, or a write into an
element of an array of its own, that nothing after it reads goes; anything else (a
branch, a loop, a call kept because it may raise, a write into what may be a view of
another array) stays, and what it reads stays with it.
"""
import gast

from ..syntax import queries

# values that are arrays (or numbers) of their own, never a view of another array
_OWN = (gast.BinOp, gast.UnaryOp, gast.Constant)
_NEW = {"empty_like", "zeros_like", "ones_like", "full_like", "zeros", "ones", "empty",
        "full", "copy", "array", "tangent_buffer"}


def run(statements, returned):
    views = {target.id for s in statements if isinstance(s, gast.Assign)
             for target in s.targets if isinstance(target, gast.Name)
             and not _own(s.value)}
    live = queries.loaded(returned)
    kept = []
    for statement in reversed(statements):
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, gast.Name) and target.id not in live:
                continue
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) \
                    and target.value.id not in live and target.value.id not in views:
                continue
            if isinstance(target, gast.Name):
                live.discard(target.id)
        live |= queries.loaded(statement)
        kept.append(statement)
    return kept[::-1]


def _own(value):
    if isinstance(value, _OWN):
        return True
    if isinstance(value, gast.Call):
        func = value.func
        word = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", None)
        return word in _NEW
    return False
