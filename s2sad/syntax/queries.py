"""Questions asked of gast code: which names it reads, assigns, writes into or updates.

The emitters and the optimization passes all decide what they may move, drop or rewrite
from the names a statement reads and writes. Asked in one place, the questions get one
answer: an element write `y[i] = v` writes `y`, a `for` target is assigned, and generated
code that leaves a node's `ctx` unset is read off its structure where that matters.

    >>> import gast
    >>> tree = gast.parse("y[i] = a * b\\nz = y")
    >>> sorted(loaded(tree.body)), sorted(written(tree.body))
    (['a', 'b', 'i', 'y'], ['y', 'z'])
"""
from collections import Counter

import gast


def walk(code):
    """Every node of `code`: one node or a list of them."""
    for root in (code if isinstance(code, (list, tuple)) else [code]):
        yield from gast.walk(root)


def names(code):
    """Every name `code` mentions, read or assigned."""
    return {n.id for n in walk(code) if isinstance(n, gast.Name)}


def loaded(code):
    """The names `code` reads."""
    return {n.id for n in walk(code) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)}


def stored(code):
    """The names `code` assigns by name (`x = ...`, `for x in ...`)."""
    return {n.id for n in walk(code) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}


def written(code):
    """The names `code` assigns by name or by element (`y[i] = ...` writes `y`)."""
    return {name for name, use in uses(code) if use == "store"}


# list methods that change their list in place
UPDATING_METHODS = frozenset({"append", "extend", "pop"})


def _use(node):
    """(name, "load" or "store") for a name, an element write of one or a call that
    changes a list in place (`xs.append(v)`, `xs_bar.pop()` store `xs`, `xs_bar`), else
    None."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and node.func.attr in UPDATING_METHODS and isinstance(node.func.value, gast.Name):
        return node.func.value.id, "store"
    if isinstance(node, gast.Name):
        return node.id, "store" if isinstance(node.ctx, gast.Store) else "load"
    if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
            and isinstance(node.value, gast.Name):
        return node.value.id, "store"
    return None


def uses(code):
    """(name, "load" or "store") pairs; an element write `y[i] = v` stores `y`."""
    return {_use(n) for n in walk(code)} - {None}


def counts(code):
    """How often each name is read and assigned by name: (name, "load"/"store") -> count,
    a plain dict (callers set entries)."""
    return dict(Counter(_use(n) for n in walk(code) if isinstance(n, gast.Name)))


def mentions(code, identifier):
    """How many times `code` mentions the name `identifier`."""
    return sum(1 for n in walk(code) if isinstance(n, gast.Name) and n.id == identifier)


def called(call):
    """`np.exp` or `unbroadcast`: the dotted name a call calls, else None."""
    func, parts = call.func, []
    while isinstance(func, gast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    return ".".join([func.id] + parts[::-1])


def is_call_of(statement, handle):
    """Whether `statement` is a call of the name `handle` on its own line (`push(x)`)."""
    return isinstance(statement, gast.Expr) and isinstance(statement.value, gast.Call) and \
        isinstance(statement.value.func, gast.Name) and statement.value.func.id == handle


def calls_only(code, pure):
    """Whether `code` calls nothing but the `pure` functions (dotted names)."""
    return all(called(n) in pure for n in walk(code) if isinstance(n, gast.Call))


def targets(node):
    """What a node assigns: an assignment's targets, an augmented assignment's or a for
    loop's target; nothing for other nodes."""
    if isinstance(node, gast.Assign):
        return node.targets
    if isinstance(node, (gast.AugAssign, gast.For)):
        return [node.target]
    return []


def bound_names(target):
    """The Name nodes an assignment target binds (`a`, `a, b`, `*a`); an element or
    attribute target binds none."""
    if isinstance(target, gast.Name):
        return [target]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [found for item in target.elts for found in bound_names(item)]
    if isinstance(target, gast.Starred):
        return bound_names(target.value)
    return []


def assigns(statements, names):
    """Whether any of `statements`, nested ones included, assigns one of `names`."""
    return any(found.id in names for node in walk(statements)
               for target in targets(node) for found in bound_names(target))


def viewed(node):
    """The name `node` reads or reads a view of (`x`, `x[1:]`, `x.T`), else None."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def updated_in_place(statements):
    """Names that `statements`, nested ones included, change in place: `v += ...`,
    `v[i] = ...`, `np.add.at(v, ...)`. Read off the statements' structure, since
    generated code does not always set the nodes' `ctx`."""
    found = set()
    for node in walk(statements):
        for target in targets(node):
            if isinstance(node, gast.AugAssign) or not bound_names(target):
                found.add(viewed(target))
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr == "at" and node.args:
            found.add(viewed(node.args[0]))
        elif _use(node) is not None and isinstance(node, gast.Call):
            found.add(_use(node)[0])
    return found - {None}
