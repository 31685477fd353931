"""The kind-independent stages for one function, run once: read, fence, lower.

What comes in is a Python function; what goes out is its `Front`: the IR function, the
namer that knows every name it uses, the modules it reads by name, and the stamp of what
its names meant (stamps.py). It is cached on the function and made again when the
stamp no longer holds.
"""
import types
from dataclasses import dataclass

import gast

from .. import cache, ir, rules, runtime
from ..errors import UnsupportedError
from ..ir.naming import Namer
from ..syntax import queries
from ..syntax.compile import copy_calling_itself
from . import fence, generated, lower, names, read, stamps


@dataclass
class Front:
    """The kind-independent result of the first stages for one function, and the stamp
    of what its names meant then (stamps.py)."""
    function: ir.Function
    namer: Namer
    modules: dict
    stamp: stamps.Stamp
    copy: object = None

    def itself(self, fn, name):
        """What the derivative calls for `fn`'s calls of itself by `name` when that name
        means a derivative of it now (`compile.copy_calling_itself`), made once."""
        if self.copy is None:
            self.copy = copy_calling_itself(fn, name)
        return self.copy


def front(fn, layouts=None):
    """Parse, fence and lower `fn`: once, and again when what it was built from changed
    (then its derivatives go too). `layouts`: how each parameter is laid out when some
    are containers (ir/layouts.py), a front of its own for each."""
    fn = read.target(fn)
    with cache.LOCK:
        entry = cache.entry(fn)
        if layouts is None:
            if entry.front is None or not entry.front.stamp.holds():
                entry.front = None
                entry.derived.clear()
                entry.front = _lowered(fn)
            return entry.front
        shaped = entry.shaped.get(layouts)
        if shaped is None or not shaped.stamp.holds():
            shaped = entry.shaped[layouts] = _lowered(fn, layouts)
        return shaped


def checked(fn):
    """Lower `fn` as called with plain values, to report what s2sad refuses in it when
    a derivative is made rather than when it is first called. A function whose
    parameters are containers (`params["W"]`) is lowered for them when it is called; for
    it, only what the fence refuses is reported now."""
    try:
        front(fn)
    except UnsupportedError as error:
        parsed = read.parse(read.target(fn))
        fence.check(parsed)
        if not _reads_containers(parsed):
            raise error


def _reads_containers(parsed):
    """Whether a parameter is read as a container: subscripted by a string, unpacked,
    its attributes or methods read."""
    arguments = {arg.id for arg in parsed.node.args.args + parsed.node.args.kwonlyargs}

    def parameter(node):
        return isinstance(node, gast.Name) and node.id in arguments
    for node in gast.walk(parsed.node):
        if isinstance(node, gast.Attribute) and parameter(node.value):
            return True
        if isinstance(node, gast.Subscript) and parameter(node.value):
            return True
        if isinstance(node, (gast.Assign, gast.For)) and isinstance(
                getattr(node, "targets", [getattr(node, "target", None)])[0], gast.Tuple):
            return True
        if isinstance(node, gast.Call) and any(parameter(arg) for arg in node.args):
            return True
    return False


def _lowered(fn, layouts=None):
    parsed = read.parse(fn)
    if parsed.generated:
        generated.normalise(parsed.node)
    fence.check(parsed)
    identifiers = names.scoped_identifiers(parsed.node)
    namer = Namer(identifiers)
    scope = read.Scope(parsed.fn)
    function, inlined = lower.lower(parsed, namer, scope, layouts)
    modules = {}
    for word in sorted(identifiers - queries.stored(parsed.node) - set(function.params)):
        found, value = scope.lookup(word, log=False)
        if found and (isinstance(value, types.ModuleType) or _helper(value)):
            scope.lookup(word)  # generated code names the module (or helper) by this word
            modules.setdefault(value, word)
    for word in sorted(set(inlined.spelled.values())):
        value = inlined.named(word)
        if isinstance(value, types.ModuleType):
            modules.setdefault(value, word)
    constants = _constants(function)
    checks = [check for used, bound in inlined.scopes.values()
              for check in used.stamp(constants | bound).checks]
    return Front(function, namer, modules, stamps.Stamp(checks))


def _helper(value):
    """Whether `value` is one of s2sad's run-time helpers (a derivative's own code, read
    again to differentiate it, calls them by their names: its derivative does too)."""
    return any(value is helper for helpers in (runtime.HELPERS, runtime.BOUND_ON_USE)
               for helper in helpers.values())


def _constants(function):
    """The module-level names whose values rules read as constants (`axis=AXIS`): a
    derivative built with one value is wrong for another."""
    found = set()
    for op in function.ops():
        if isinstance(op, ir.Op) and getattr(rules.lookup(op.prim), "names", ()):
            atoms = op.args + tuple(value for _, value in op.kwargs)
            found |= {a.text for a in _atoms(atoms) if isinstance(a, ir.Global)}
    return found


def _atoms(item):
    if isinstance(item, tuple):
        return [a for part in item for a in _atoms(part)]
    return [item]
