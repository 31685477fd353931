"""Read a Python function's source, parse it with gast, and resolve the names it uses.

Names are resolved against the function's closure, globals and builtins the way Python
would at call time, so `sin`, `math.sin`, `np.sin` and `numpy.sin` all reach the object
their derivative rule is keyed by, whatever the import style.
"""
import builtins
import inspect
import textwrap
import types
from dataclasses import dataclass

import gast

from .errors import Location, SourceError, UsageError


@dataclass
class Parsed:
    """A user function with its AST and where it came from."""
    fn: types.FunctionType
    node: gast.FunctionDef
    where: Location

    @property
    def name(self):
        return self.fn.__name__


def parse(fn):
    """Parse `fn` into a gast FunctionDef, with line numbers mapped back to its file."""
    fn = inspect.unwrap(fn)
    if not isinstance(fn, types.FunctionType):
        raise UsageError(
            f"s2sad differentiates plain Python functions; got {type(fn).__name__} {fn!r}. "
            "Pass a function defined with `def`.")
    filename = fn.__code__.co_filename
    if fn.__name__ == "<lambda>":
        raise SourceError(
            "lambda functions are not supported: define the function with `def`.",
            filename, fn.__code__.co_firstlineno)
    try:
        lines, first_line = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise SourceError(
            f"cannot read the source of '{fn.__name__}' ({exc}). s2sad reads the function's "
            "source: define it in a file (not in an interactive prompt or exec string), "
            "or, for a function s2sad calls, give it a derivative rule with "
            "s2sad.defrule (docs/rules.md).",
            filename, fn.__code__.co_firstlineno) from None
    source = textwrap.dedent("".join(lines))
    try:
        module = gast.parse(source)
    except SyntaxError as exc:
        raise SourceError(
            f"cannot parse the source of '{fn.__name__}': {exc.msg}",
            filename, first_line + (exc.lineno or 1) - 1) from None
    node = module.body[0] if module.body else None
    if not isinstance(node, gast.FunctionDef):
        raise SourceError(
            f"the source of '{fn.__name__}' is not a plain `def` statement.",
            filename, first_line)
    return Parsed(fn, node, Location(filename, max(first_line, 1), fn.__name__))


class Scope:
    """The values a function's free names refer to: closure, then globals, then builtins."""

    def __init__(self, fn):
        self.fn = fn
        self.closure = {}
        if fn.__closure__:
            self.closure = dict(zip(fn.__code__.co_freevars, fn.__closure__))

    def lookup(self, name):
        """(True, value) for a name Python would find, else (False, None)."""
        cell = self.closure.get(name)
        if cell is not None:
            try:
                return True, cell.cell_contents
            except ValueError:
                return False, None
        if name in self.fn.__globals__:
            return True, self.fn.__globals__[name]
        if hasattr(builtins, name):
            return True, getattr(builtins, name)
        return False, None
