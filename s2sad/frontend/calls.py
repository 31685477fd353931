"""Calls to the user's own Python functions, which s2sad differentiates from their source."""
import types

from .. import ir, rules
from ..errors import UnsupportedError
from .read import Derivative, library, signature


def is_user_function(prim):
    """A plain Python function of the user's with no rule of its own: differentiated from
    its source. A library's function without a rule is not: it is an error at the call."""
    return isinstance(prim, types.FunctionType) and rules.lookup(prim) is None \
        and library(prim) is None


def is_derivative(prim):
    """A derivative s2sad made (`grad(f)`) called like a function: differentiated from the
    code it generates for the call's kinds (higher order)."""
    return isinstance(prim, Derivative)


def is_called(prim):
    """A call differentiated through a derivative of its own (a user function's, or that
    of a derivative's generated code), not through a rule."""
    return is_user_function(prim) or is_derivative(prim)


def resolved(fn, arg_kinds):
    """The function whose code a call of `fn` runs for arguments of these kinds: `fn`,
    or a derivative's generated code."""
    if isinstance(fn, Derivative):
        return fn.generated(arg_kinds).function
    return fn


def bound_arguments(op):
    """The call's arguments as atoms in the callee's parameter order, defaults filled in."""
    return bound_atoms(op.prim, op.args, op.kwargs, op.callee)


def bound_atoms(fn, args, kwargs, text):
    """Atoms bound to `fn`'s parameters as Python binds them, in order, with the defaults
    of the others."""
    called = signature(fn)
    try:
        bound = called.bind(*args, **dict(kwargs))
    except TypeError as exc:
        raise UnsupportedError(f"the call `{text}(...)` does not match its signature: "
                               f"{exc}.") from None
    return tuple(bound.arguments[name] if name in bound.arguments else constant(p.default)
                 for name, p in called.parameters.items())


def constant(value):
    """The atom of a default value: a tuple as a tuple of atoms."""
    if type(value) is tuple:
        return tuple(constant(item) for item in value)
    return ir.Const(value)
