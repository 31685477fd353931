"""What the passes ask of the statements they rewrite: the names each reads and stores,
how often every name is read and stored, the functions it calls, the blocks it holds.

A rewrite is exact only when it knows these: a temporary read once can be written into its
reader, an expression that calls only pure functions can be moved, and nothing it reads
may be stored on the way.
"""
import gast


def names_in(node):
    """(name, "load" or "store") pairs; an element write `y[i] = v` stores `y`."""
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add((child.id, "store" if isinstance(child.ctx, gast.Store) else "load"))
        elif isinstance(child, gast.Subscript) and isinstance(child.ctx, gast.Store) \
                and isinstance(child.value, gast.Name):
            found.add((child.value.id, "store"))
    return found


def name_counts(nodes):
    """How often each (name, "load" or "store") occurs in `nodes`."""
    counts = {}
    for node in nodes:
        for child in gast.walk(node):
            if isinstance(child, gast.Name):
                key = (child.id, "store" if isinstance(child.ctx, gast.Store) else "load")
                counts[key] = counts.get(key, 0) + 1
    return counts


def called(call):
    """`np.exp` or `unbroadcast`: the dotted name a call calls."""
    func, parts = call.func, []
    while isinstance(func, gast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    return ".".join([func.id] + parts[::-1])


def calls_only(statement, pure):
    """Whether `statement` (or expression) calls nothing but `pure` functions."""
    return all(called(n) in pure for n in gast.walk(statement) if isinstance(n, gast.Call))


def nested(statements, rewrite):
    """`statements` (a new list) with `rewrite` applied to the blocks of loops and
    branches among them."""
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                setattr(statement, field, rewrite(getattr(statement, field)))
    return list(statements)
