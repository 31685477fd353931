"""Temporaries of the forward sweep written back into the line that reads them.

The Wengert list names every operation; where the backward sweep recomputes a temporary
instead of reading it, the forward sweep need not name it, and in a loop the user's own
line comes back:

    t1 = 3.9 * x
    t2 = 1 - x                        ->    push(x)
    push(x)                                 x = 3.9 * x * (1 - x)
    x = t1 * t2

A loop's bound goes into its `for` (`for t in range(x.shape[0])`). The tangent is
written back the same way, its tangent lines with it (emit/assemble.py,
`TangentBuilder._folded`).
"""
import gast

from ..syntax import queries
from .substitution import reader, substituted, substituted_head


def fold_forward(statements, numbers, needed, pure=(), arrays=()):
    """Each temporary of the forward sweep that the backward sweep does not read (it
    recomputes it) and the next statements read once is written back into its reader:
    `push(x); x = 3.9 * x * (1 - x)`, the user's own line, instead of three Wengert lines
    and two stores per trip. Numbers only in loop bodies, where that time is spent;
    array temporaries (`arrays`) everywhere: a named array lives until the function
    returns, which costs memory (page faults, on a fresh allocation) and keeps NumPy from
    reusing a large temporary in place, so `hidden = np.tanh(X @ W + b)` stays one line.
    `numbers`: names that hold numbers; `needed`: names the code after the forward sweep
    reads."""
    counts = queries.counts(statements)

    def single(names):
        return {n for n in names if n not in needed and counts.get((n, "store")) == 1
                and counts.get((n, "load")) == 1}
    arrays = single(arrays)
    return _forward_block(statements, single(numbers) | arrays, arrays, set(pure), False)


def _forward_block(statements, looped, anywhere, pure, in_loop):
    """`looped`: the temporaries to write back in a loop body; `anywhere`: elsewhere."""
    for statement in statements:
        inner = in_loop or isinstance(statement, (gast.For, gast.While))
        for field in ("body", "orelse"):
            if hasattr(statement, field) and getattr(statement, field):
                setattr(statement, field, _forward_block(getattr(statement, field),
                                                         looped, anywhere, pure, inner))
    candidates = looped if in_loop else anywhere
    if not candidates:
        return statements
    out = list(statements)
    index = 0
    while index < len(out):
        statement = out[index]
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], gast.Name)
                and statement.targets[0].id in candidates
                and queries.calls_only(statement.value, pure)):
            index += 1
            continue
        name = statement.targets[0].id
        position = reader(out, index, name, pushes=True,
                          pure=pure if name in anywhere else None, heads=True,
                          calls=pure or None)
        if position is None or isinstance(out[position], (gast.AugAssign, gast.Expr)):
            index += 1
            continue
        if isinstance(out[position], gast.Assign):
            out[position] = substituted(out[position], name, statement.value)
        else:
            out[position] = substituted_head(out[position], name, statement.value)
        del out[index]
    return out
