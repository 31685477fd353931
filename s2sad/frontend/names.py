"""The names a function's source mentions and assigns.

Generated names keep clear of every identifier the function mentions; a variable assigned
inside a branch or loop, or written element by element, is lowered as a mutable variable
(lower.py) rather than under fresh SSA names.
"""
import gast

from ..syntax import queries


def identifiers(node):
    """Every identifier a function mentions, to keep generated names clear of them."""
    return {arg.id for arg in node.args.args + node.args.kwonlyargs} | queries.names(node)


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
