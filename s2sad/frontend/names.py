"""The names a function's source mentions and assigns.

Generated names keep clear of every identifier the function mentions; a variable assigned
inside a branch or loop, or written element by element, is lowered as a mutable variable
(lower.py) rather than under fresh SSA names.
"""
import gast


def identifiers(node):
    """Every identifier a function mentions, to keep generated names clear of them."""
    found = {arg.id for arg in node.args.args + node.args.kwonlyargs}
    for child in gast.walk(node):
        if isinstance(child, gast.Name):
            found.add(child.id)
    return found


def assigned_names(node):
    """Every name `node` assigns (its own locals, for a function)."""
    found = set()
    for child in gast.walk(node):
        if isinstance(child, gast.Name) and isinstance(child.ctx, gast.Store):
            found.add(child.id)
    return found


def compound_assigned(statements):
    """The names assigned inside a branch or loop: mutable, since which value they hold
    depends on the path taken."""
    found = set()
    for statement in statements:
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            found |= assigned_names(statement)
    return found


def element_assigned(statements):
    """The names of arrays written element by element (`y[i] = ...`): mutable, since
    they change without being assigned."""
    found = set()
    for statement in statements:
        for node in gast.walk(statement):
            targets = node.targets if isinstance(node, gast.Assign) else \
                [node.target] if isinstance(node, gast.AugAssign) else []
            for target in targets:
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    found.add(target.value.id)
    return found
