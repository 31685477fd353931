"""The functions a call may be inlined into its caller (inline.py): which calls are,
and what the lowering needs of the function: its node, its scope, its signature.

A call of a module-level user function is inlined when the values crossing it are
known only while lowering (`wanted`): several values returned (`returns_tuple`, read off
the source), a tuple, a function or a constant that may choose code (an int, a flag, a
string, None) passed. Other calls keep one operation each and a derivative of their own.
A `lambda` written at module level (`sq = lambda x: x * x`) is always inlined: its
source is found by its line (`parse_lambda`).
"""
import builtins
import inspect
import types
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import Error, Line, Location
from . import calls, fence, generated, names, read, records


class Placed(Location):
    """The place of an inlined function's nodes: its lines name its own file."""

    def line(self, node):
        return Line(super().line(node), self.filename)


@dataclass(eq=False)
class Callee:
    """A function whose body can be lowered at a call: `key` tells recursion, `definer`
    is the frame a nested function reads its free names through (None: `scope` does)."""
    key: object
    name: str
    node: gast.FunctionDef
    where: Location
    scope: object
    signature: inspect.Signature
    fn: object = None
    definer: object = None

    def bind(self, args, kwargs):
        """The atom of each parameter, in order: Python's binding, defaults included (a
        nested function's were lowered where it was defined)."""
        bound = self.signature.bind(*args, **dict(kwargs))
        for name, parameter in self.signature.parameters.items():
            if name not in bound.arguments:
                default = parameter.default
                bound.arguments[name] = default if self.definer is not None \
                    else calls.constant(default)
        return [(name, bound.arguments[name]) for name in self.signature.parameters]


def callee_of(lowerer, fn):
    """The `Callee` of a module-level function or lambda, parsed and fenced once per
    lowering, its scope logged for the caller's stamp."""
    state = lowerer.inlining
    if fn not in state.callees:
        parsed = read.parse_lambda(fn, "lambda") if is_lambda(fn) else read.parse(fn)
        if parsed.generated:
            generated.normalise(parsed.node)
        fence.check(parsed)
        scope = read.Scope(parsed.fn)
        state.scopes[id(scope)] = (scope, set())
        where = Placed(parsed.where.filename, parsed.where.first_line, parsed.where.function)
        state.callees[fn] = Callee(fn, parsed.name, parsed.node, where, scope, parsed.signature,
                                   parsed.fn)
    return state.callees[fn]


def is_lambda(fn):
    return isinstance(fn, types.FunctionType) and fn.__code__.co_name == "<lambda>"


# the types of constants that may choose code: an axis, a flag, a count, a mode
_CHOOSING = (bool, int, str, type(None), tuple)


def wanted(fn, arguments, known):
    """Whether a call of the module-level user function `fn` with these bound argument
    atoms is inlined (see the module's docstring); `known`: `returns_tuple` of the
    functions asked already."""
    if is_lambda(fn) or any(_static(atom) for atom in arguments):
        return True
    if fn not in known:
        known[fn] = returns_tuple(fn, set())
    return known[fn]


def _static(atom):
    """An argument known while lowering that the callee's code may depend on."""
    if isinstance(atom, (tuple, Callee, records.Record)):
        return True
    if isinstance(atom, ir.Const):
        return type(atom.value) in _CHOOSING
    if isinstance(atom, ir.Global):
        return not isinstance(atom.value, (float, complex, np.ndarray, np.generic))
    return False


def returns_tuple(fn, seen):
    """Whether `fn` may return several values, read off its source: a tuple display, a
    name assigned one, a `map(...)`, or a call of a function that returns several."""
    if fn in seen or not calls.is_user_function(fn) or is_lambda(fn):
        return False
    seen.add(fn)
    try:
        parsed = read.parse(fn)
    except Error:
        return False
    scope = read.Scope(parsed.fn)

    def several(value, held):
        if isinstance(value, (gast.Tuple, gast.List)):
            return True
        if isinstance(value, gast.Name):
            return value.id in held
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Name):
            found, callee = scope.lookup(value.func.id, log=False)
            return found and (callee in (builtins.map, builtins.tuple, builtins.list)
                              or returns_tuple(callee, seen))
        return False

    held = set()
    assignments = [n for n in names.own_nodes(parsed.node) if isinstance(n, gast.Assign)]
    for _ in range(len(assignments) + 1):
        more = {t.id for a in assignments for t in a.targets
                if isinstance(t, gast.Name) and several(a.value, held)}
        if more <= held:
            break
        held |= more
    return any(isinstance(n, gast.Return) and several(n.value, held)
               for n in names.own_nodes(parsed.node))
