"""Calls to the user's own Python functions, which s2sad differentiates from their source."""
import inspect
import os
import sys
import sysconfig
import types

from . import ir, rules
from .errors import UnsupportedError

# Packages whose functions are never the user's code: their source is not differentiated.
LIBRARIES = {"numpy": "NumPy", "scipy": "SciPy", "s2sad": "s2sad"}
_STDLIB = tuple({os.path.realpath(path) + os.sep for path in
                 (sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")) if path})
_INSTALLED = {"site-packages", "dist-packages"}


def is_user_function(prim):
    """A plain Python function of the user's with no rule of its own: differentiated from
    its source. A library's function without a rule is not: it is an error at the call."""
    return isinstance(prim, types.FunctionType) and rules.lookup(prim) is None \
        and library(prim) is None


def library(fn):
    """The library `fn` comes from ("NumPy", "SciPy", "s2sad", "the standard library",
    "Python's builtins"), or None for the user's own code. A module installed in
    site-packages is the user's unless it is one of `LIBRARIES`; a Python function of the
    standard library is told by where its file is (a user's module may have a standard
    module's name, and Python's own site-packages may lie inside the standard library's
    folder)."""
    module = getattr(fn, "__module__", None)
    top = module.partition(".")[0] if isinstance(module, str) else ""
    if top in LIBRARIES:
        return LIBRARIES[top]
    if not isinstance(fn, types.FunctionType):
        if top == "builtins":
            return "Python's builtins"
        return "the standard library" if top in sys.stdlib_module_names else None
    filename = fn.__code__.co_filename
    if filename.startswith("<frozen ") and top in sys.stdlib_module_names:
        return "the standard library"
    path = os.path.realpath(filename)
    if path.startswith(_STDLIB) and not _INSTALLED & set(path.split(os.sep)):
        return "the standard library"
    return None


def bound_arguments(op):
    """The call's arguments as atoms in the callee's parameter order, defaults filled in."""
    try:
        bound = inspect.signature(op.prim).bind(*op.args, **dict(op.kwargs))
    except TypeError as exc:
        raise UnsupportedError(f"the call `{op.callee}(...)` does not match its signature: "
                               f"{exc}.") from None
    bound.apply_defaults()
    return tuple(value if isinstance(value, (ir.Var, ir.Const, ir.Global, tuple))
                 else ir.Const(value) for value in bound.arguments.values())
