"""The names a function's source mentions and assigns, scope by scope.

Generated names keep clear of every identifier the function mentions; a variable assigned
inside a branch or loop, or written element by element, is lowered as a mutable variable
(lower.py) rather than under fresh SSA names. A nested `def` or `lambda` has names of its
own (`own_nodes`, `local_names`), renamed when it is inlined (inline.py).
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
    """The names of arrays written element by element (`y[i] = ...`): mutable, since
    they change without being assigned."""
    return {target.value.id for node in queries.walk(statements)
            for target in queries.targets(node)
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)}


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
