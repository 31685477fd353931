"""Derivative formulas are written as Python expression templates and filled with atoms.

`fill("g * lib.cos(a)", g=..., a=..., lib="math")` parses the template once (cached) and
returns a new gast expression with each placeholder name replaced, so rules read like the
math they state and the unparser takes care of parentheses.
"""
import functools

import gast

from . import queries


@functools.lru_cache(maxsize=None)
def _parse(text):
    return gast.parse(text, mode="eval").body


def placeholders(text):
    """The names a template mentions."""
    return queries.names(_parse(text))


def name(identifier):
    return gast.Name(id=identifier, ctx=gast.Load(), annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def fill(text, **subs):
    """The expression `text` with every placeholder in `subs` replaced by its node."""
    nodes = {key: name(value) if isinstance(value, str) else value
             for key, value in subs.items()}
    return _substitute(_parse(text), nodes)


def _substitute(node, nodes):
    if isinstance(node, gast.Name) and node.id in nodes:
        return nodes[node.id]
    if isinstance(node, list):
        return [_substitute(item, nodes) for item in node]
    if not isinstance(node, gast.AST):
        return node
    fields = {field: _substitute(getattr(node, field), nodes) for field in node._fields}
    new = type(node)(**fields)
    return new
