"""The names a function's source mentions and assigns, scope by scope.

Generated names keep clear of every identifier the function mentions; a variable assigned
inside a branch or loop, or written element by element, is lowered as a mutable variable
(lower.py) rather than under fresh SSA names; so is a list built at run time, and the
names that share a list are known before lowering starts (lists.py). A nested `def` or
`lambda` has names of its own (`own_nodes`, `local_names`), renamed when it is inlined
(inline.py).
"""
import gast

from ..syntax import queries


def compound_assigned(statements):
    """The names assigned inside a branch or loop: mutable, since which value they hold
    depends on the path taken."""
    found = set()
    for statement in statements:
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            found |= queries.stored(statement)
    return found


def element_assigned(statements):
    """The names of arrays written element by element (`y[i] = ...`, `np.add.at(y, i,
    v)`): mutable, since they change without being assigned."""
    return {target.value.id for node in queries.walk(statements)
            for target in queries.targets(node)
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)} | {
        node.args[0].id for node in queries.walk(statements)
        if adds_at(node) and isinstance(node.args[0], gast.Name)}


def adds_at(node):
    """Whether `node` is written `<...>.add.at(...)`, as `np.add.at(a, index, v)` is (the
    lowering checks that it is that function): a call whose value a statement discards
    to add `v` into `a` in place."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and node.func.attr == "at" and isinstance(node.func.value, gast.Attribute) \
        and node.func.value.attr == "add" and bool(node.args)


SCOPES = (gast.FunctionDef, gast.Lambda)


def own_nodes(function):
    """The nodes of a function's (or lambda's) own scope, in source order: its parameters
    and body, and of a nested `def` or `lambda` only what the enclosing scope evaluates
    (its name, default values and decorators), never its body."""
    args = function.args
    roots = args.posonlyargs + args.args + args.kwonlyargs
    roots += function.body if isinstance(function.body, list) else [function.body]
    for root in roots:
        yield from own_walk(root)


def own_walk(node):
    """`node` and the nodes under it that belong to its scope (see `own_nodes`)."""
    yield node
    if isinstance(node, SCOPES):
        for part in node.args.defaults + node.args.kw_defaults + \
                getattr(node, "decorator_list", []):
            if part is not None:
                yield from own_walk(part)
        return
    for child in gast.iter_child_nodes(node):
        yield from own_walk(child)


def nested_scopes(function):
    """The `def`s and `lambda`s defined directly in a function's own scope."""
    return [node for node in own_nodes(function) if isinstance(node, SCOPES)]


def local_names(function):
    """The names local to a function's own scope: its parameters, the names it assigns
    and the nested `def`s it defines (names only a nested function assigns are that
    function's)."""
    found = {}
    for node in own_nodes(function):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
            found.setdefault(node.id)
        elif isinstance(node, gast.FunctionDef):
            found.setdefault(node.name)
    return list(found)


def scoped_identifiers(function):
    """The identifiers a function's own scope mentions, and the names its nested functions
    read from it or from the module: not the nested functions' own locals, which are
    renamed when they are inlined."""
    found = {n.id for n in own_nodes(function) if isinstance(n, gast.Name)}
    found |= {n.name for n in own_nodes(function) if isinstance(n, gast.FunctionDef)}
    for nested in nested_scopes(function):
        found |= scoped_identifiers(nested) - set(local_names(nested))
    return found


# list methods that add to a list
APPENDING = ("append", "extend")


def dynamic_lists(statements):
    """The names that hold a list built at run time: appended to, or assigned a list
    display, inside a branch or loop, extended by a list that is not a display, or
    appended to and assigned another value than a display (`ys = list(xs)`)."""
    appended = names_appended(statements)
    found = {target.id for node in queries.walk(statements) if isinstance(node, gast.Assign)
             and not isinstance(node.value, gast.List) for target in node.targets
             if isinstance(target, gast.Name) and target.id in appended}

    def visit(block, compound):
        for statement in block:
            inside = compound or isinstance(statement, (gast.If, gast.For, gast.While))
            if isinstance(statement, gast.Expr) and _appending(statement.value) and (
                    compound or not _display_argument(statement.value)):
                found.add(statement.value.func.value.id)
            if compound and isinstance(statement, gast.Assign) and \
                    isinstance(statement.value, gast.List):
                found.update(t.id for t in statement.targets if isinstance(t, gast.Name))
            for field in ("body", "orelse"):
                visit(getattr(statement, field, []) or [], inside)
    visit(statements, False)
    return found


def displayed_lists(statements):
    """The names assigned a list display anywhere."""
    return {target.id for node in queries.walk(statements) if isinstance(node, gast.Assign)
            and isinstance(node.value, gast.List) for target in node.targets
            if isinstance(target, gast.Name)}


def shared_lists(statements):
    """The names an assignment `ys = xs` makes hold one list, wherever it stands (in a
    loop it may come after an append in the text and before it in time)."""
    lists = displayed_lists(statements) | names_appended(statements)
    found = set()
    for node in queries.walk(statements):
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Name):
            names = {t.id for t in node.targets if isinstance(t, gast.Name)} | {node.value.id}
            if names & lists:
                found |= names
    return found


def held_by_lists(statements):
    """The names of values a list holds: appended (`xs.append(a)`) or written in a list
    display (`[a, b]`); an array among them must not be written into, for the list would
    see the write."""
    found = set()
    for node in queries.walk(statements):
        items = list(node.args if _appending(node) else node.elts
                     if isinstance(node, gast.List) else [])
        for item in items:
            if isinstance(item, (gast.List, gast.Tuple)):
                items.extend(item.elts)
            elif isinstance(item, gast.Name):
                found.add(item.id)
    return found


def _appending(node):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and isinstance(node.func.value, gast.Name) and node.func.attr in APPENDING


def _display_argument(call):
    return call.args and isinstance(call.args[0], (gast.List, gast.Tuple))


def names_appended(statements):
    """Names `statements` call `.append` or `.extend` on."""
    return {n.func.value.id for n in queries.walk(statements) if _appending(n)}
