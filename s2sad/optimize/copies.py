"""Copies of an adjoint read under the name they copy.

An operation whose partial is 1 (`s = s + t1`, `t10 = mean + c`) passes its adjoint on
unchanged, and the emitter names it: `t1_bar = s_bar`, then `x_bar += t1_bar * cos(x)`.
Where nothing assigns the copied name again before the copy's last read, the reads use
it directly:

    t1_bar = s_bar                    ->    x_bar += s_bar * math.cos(x)
    x_bar += t1_bar * math.cos(x)

An assignment of one name to another binds the same object, so an array updated in
place is seen the same under either name: only rebinding the copied name between the
copy and its reads could tell them apart.
"""
from collections import Counter

import gast

from ..syntax import queries


def run(statements, context):
    """The pass over the backward sweep; the code that follows reads what it reads."""
    return rename_copies(statements, context.readers)


def rename_copies(statements, readers=()):
    """`statements` with each copy `a = b` dropped and `a` read as `b`, where `a` is
    assigned there only, read only after it in the same block (or in blocks nested
    there), and `b` is not rebound before the last of those reads; `readers`: the code
    that follows, whose reads keep a name."""
    code = list(statements) + list(readers)
    bound = Counter(found.id for node in queries.walk(code) for target in queries.targets(node)
                    for found in queries.bound_names(target))
    mentions = Counter(n.id for n in queries.walk(code) if isinstance(n, gast.Name))
    _block(statements, bound, mentions)
    return statements


def _block(statements, bound, mentions):
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                _block(getattr(statement, field), bound, mentions)
    index = 0
    while index < len(statements):
        if _renamed(statements, index, bound, mentions):
            del statements[index]
        else:
            index += 1


def _renamed(block, index, bound, mentions):
    """Whether the copy at `index` could be read under the copied name: then it is."""
    statement = block[index]
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], gast.Name)
            and isinstance(statement.value, gast.Name)):
        return False
    copy, copied = statement.targets[0].id, statement.value.id
    if copy == copied or bound[copy] != 1:
        return False
    rest = block[index + 1:]
    reads = [position for position, later in enumerate(rest)
             if queries.mentions(later, copy)]
    if not reads or sum(queries.mentions(later, copy) for later in rest) != mentions[copy] - 1:
        return False
    last = reads[-1]
    between = rest[:last] + ([] if _simple(rest[last]) else [rest[last]])
    if _rebinds(between, copied):
        return False
    for node in queries.walk(rest[:last + 1]):
        if isinstance(node, gast.Name) and node.id == copy:
            node.id = copied
    mentions[copied] += mentions[copy] - 2
    return True


def _simple(statement):
    """A statement that reads all it reads before it assigns anything."""
    return isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr))


def _rebinds(statements, identifier):
    """Whether `statements` bind `identifier` anew (`=`, `+=` on a number, a `for`)."""
    return any(found.id == identifier for node in queries.walk(statements)
               for target in queries.targets(node) for found in queries.bound_names(target))
