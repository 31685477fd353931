"""Read a Python function's source, parse it with gast, and resolve the names it uses.

s2sad differentiates the code an object actually runs when called: a function defined
with `def`, as written. A decorator's wrapper is differentiated as written too (the
function it wraps is a helper it calls), never unwrapped to the function inside: the
wrapper may change the value (`10.0 * fn(x)`). Only wrappers that are known to run the
function unchanged are seen through (`functools.lru_cache`, `staticmethod`).

Names are resolved against the function's closure, globals and builtins the way Python
would at call time, so `sin`, `math.sin`, `np.sin` and `numpy.sin` all reach the object
their derivative rule is keyed by, whatever the import style.
"""
import builtins
import copy
import functools
import inspect
import linecache
import os
import sys
import sysconfig
import textwrap
import types
from dataclasses import dataclass

import gast

from ..errors import Location, SourceError, UsageError, repr_or_none, shown
from ..ir.naming import identifier
from ..syntax import queries
from ..syntax.compile import is_generated
from . import source_match, stamps


class Derivative:
    """Base of the callables s2sad makes (`grad(f)`, `jvp(f)`, ...). They compute another
    function than the one they came from, so they are never unwrapped to it; what they
    compute is the code they generate (`generated`), which is differentiated in turn."""
    __slots__ = ()

    def call_signature(self):
        """The signature a call of it is bound with."""
        raise NotImplementedError

    def generated(self, kinds):
        """The generated derivative (a `Derived`) whose function computes what calling
        it computes, for arguments of `kinds` bound by `call_signature`."""
        raise NotImplementedError

    @property
    def single_result(self):
        """Whether a call returns one value (not a pair or a tuple of gradients)."""
        return False

    def shaped(self, values, result):
        """`result`, computed by the generated code for the bound `values`, as a call
        returns it (a gradient shaped like its argument)."""
        return result


# wrappers that run the function they wrap with its arguments and return its result
TRANSPARENT = (functools._lru_cache_wrapper,)

# Packages whose functions are never the user's code: their source is not differentiated.
LIBRARIES = {"numpy": "NumPy", "scipy": "SciPy", "s2sad": "s2sad"}
_STDLIB = tuple({os.path.realpath(path) + os.sep for path in
                 (sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")) if path})
_INSTALLED = {"site-packages", "dist-packages"}


@dataclass
class Parsed:
    """A user function with its AST, where it came from and the signature it is called
    with (a forwarding wrapper's is the wrapped function's)."""
    fn: types.FunctionType
    node: gast.FunctionDef
    where: Location
    signature: inspect.Signature

    @property
    def name(self):
        """The function's name as an identifier, for the names generated from it."""
        return base_name(self.fn)

    @property
    def generated(self):
        """Whether this is a derivative s2sad generated (being differentiated again)."""
        return generated(self.fn)


def generated(fn):
    """Whether `fn` was compiled from source s2sad generated (syntax/compile.py); a
    nested function inlined has no function object, and is the user's."""
    code = getattr(fn, "__code__", None)
    return code is not None and is_generated(code.co_filename)


def base_name(fn):
    """What generated names are made from for `fn`: its name, or for a special method
    (`__call__`) its class's name and the method's (`Layer_call`); for a lambda, the name
    it is assigned to."""
    name = fn.__name__
    if name == "<lambda>":
        return parse_lambda(fn).node.name
    if name.startswith("__") and name.endswith("__"):
        owner = fn.__qualname__.rpartition(".")[0].rpartition(".")[2]
        return identifier(f"{owner}_{name.strip('_')}" if owner else name.strip("_"))
    return identifier(name)


def target(obj):
    """The function defined with `def` whose code calling `obj` runs."""
    while True:
        if isinstance(obj, staticmethod):
            obj = obj.__func__
        elif isinstance(obj, TRANSPARENT):
            obj = obj.__wrapped__
        else:
            break
    if isinstance(obj, types.FunctionType) and library(obj) is None:
        return obj
    if isinstance(obj, types.FunctionType):
        raise UsageError(f"`{obj.__qualname__}` is a function of {library(obj)}, whose source "
                         "s2sad does not read: differentiate a function defined with `def` "
                         "that calls it.")
    raise UsageError(f"s2sad differentiates plain Python functions; got {_described(obj)}. "
                     "Pass a function defined with `def`.", *_where_defined(obj))


NOTHING = object()


def bound(obj):
    """(function, the object it is bound to) for a bound method (`model.loss`) or a
    callable object (`model`, whose class defines `__call__`): s2sad differentiates the
    method's function with the object as its first argument, a container of parameters
    like any other (ir/layouts.py). (obj, NOTHING) for anything else."""
    if isinstance(obj, types.MethodType) and isinstance(obj.__func__, types.FunctionType):
        return obj.__func__, obj.__self__   # a classmethod's `cls` is a constant
    call = getattr(type(obj), "__call__", None)
    if not isinstance(obj, (types.FunctionType, type, Derivative) + TRANSPARENT) and \
            isinstance(call, types.FunctionType) and library(call) is None:
        return call, obj
    return obj, NOTHING


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


def _described(obj):
    """What `obj` is, in words, without a repr that shows a memory address."""
    kind = type(obj).__name__
    if isinstance(obj, type):
        return f"the class `{obj.__qualname__}`"
    if isinstance(obj, types.MethodType):
        return f"the method `{obj.__qualname__}` bound to a class (a classmethod)"
    if isinstance(obj, (classmethod, functools.partial)):
        return f"a {kind} object"
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if isinstance(name, str) and callable(obj):
        return f"`{name}`, a {kind}"
    return f"a {kind} ({shown(obj)})" if repr_or_none(obj) else f"a {kind} object"


def _where_defined(obj):
    """(file, line) of the user's Python code behind a callable object, when there is
    one: the innermost function it wraps, the function a `np.vectorize` or
    `functools.partial` holds, or its class's `__call__`; never a library's file."""
    inner = innermost(obj) if callable(obj) else None
    for candidate in (inner, getattr(obj, "pyfunc", None), getattr(obj, "func", None),
                      getattr(type(obj), "__call__", None)):
        code = getattr(candidate, "__code__", None)
        if isinstance(code, types.CodeType) and library(candidate) is None:
            return code.co_filename, code.co_firstlineno
    return None, None


def innermost(obj):
    """The function at the end of `obj`'s chain of `__wrapped__`, or `obj` (also where
    the chain is a cycle)."""
    try:
        return inspect.unwrap(obj)
    except ValueError:
        return obj


def parse(obj):
    """Parse the function `obj` runs into a gast FunctionDef, with line numbers mapped back
    to its file."""
    fn = target(obj)
    filename = fn.__code__.co_filename
    if fn.__code__.co_name == "<lambda>":
        return parse_lambda(fn)
    try:
        # of the code object: the function's own, where inspect would unwrap a wrapper
        lines, first_line = inspect.getsourcelines(fn.__code__)
    except (OSError, TypeError) as exc:
        raise SourceError(
            f"cannot read the source of '{fn.__name__}' ({exc}). s2sad reads the function's "
            "source: define it in a file (not in an interactive prompt or exec string), "
            "or, for a function s2sad calls, give it a derivative rule with "
            "s2sad.defrule (docs/rules.md).",
            filename, fn.__code__.co_firstlineno) from None
    source = textwrap.dedent("".join(lines))
    if not source_match.runs(fn.__code__, source):
        raise SourceError(
            f"the source of '{fn.__name__}' in this file is not the code Python runs: the "
            "file changed after the function was defined. Reload the module "
            "(`importlib.reload`, or `%autoreload` in IPython) or run the definition again.",
            filename, first_line)
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
    where = Location(filename, max(first_line, 1), fn.__name__)
    forwarded = _forwarding(fn, node, where)
    if forwarded is not None:
        node, called_with = forwarded
        return Parsed(fn, node, where, called_with)
    return Parsed(fn, node, where, inspect.signature(fn, follow_wrapped=False))


def parse_lambda(fn, name=None):
    """A `lambda` as a `Parsed` one-line `def` returning its body, found in the source of
    the statement it is written in by its line and its parameters. The `def` takes
    `name`, or the name the lambda is assigned to (`loss = lambda w: ...`), or
    "anonymous", which the derivative's names are made from."""
    code = fn.__code__
    # the whole file: a lambda may sit inside a statement that spans several lines
    lines = linecache.getlines(code.co_filename)
    try:
        tree = gast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    if tree is None or not lines:
        raise SourceError("cannot read the source of this lambda: define the function with "
                          "`def`.", code.co_filename, code.co_firstlineno)
    first = 1
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [node for node in gast.walk(tree) if isinstance(node, gast.Lambda)
             and node.lineno == code.co_firstlineno
             and [a.id for a in node.args.args + node.args.kwonlyargs] == params]
    if len(found) != 1:
        raise SourceError("cannot tell this lambda from the others on its line: define the "
                          "function with `def`.", code.co_filename, code.co_firstlineno)
    if name is None:
        name = next((statement.targets[0].id for statement in gast.walk(tree)
                     if isinstance(statement, gast.Assign) and statement.value is found[0]
                     and isinstance(statement.targets[0], gast.Name)), "anonymous")
    where = Location(code.co_filename, first, "<lambda>")
    return Parsed(fn, as_def(found[0], name), where, inspect.signature(fn))


def as_def(node, name):
    """A `lambda` as the `def` it stands for: `def name(args): return body`."""
    body = gast.copy_location(gast.Return(value=node.body), node.body)
    return gast.copy_location(gast.FunctionDef(
        name=name, args=node.args, body=[body], decorator_list=[], returns=None,
        type_comment=None, type_params=[]), node)


def signature(fn):
    """The signature calls of `fn` are bound with: its own, or for a wrapper that forwards
    `*args, **kwargs` to the function it wraps, that function's."""
    if isinstance(fn, Derivative):
        return fn.call_signature()
    if getattr(fn, "__wrapped__", None) is None:
        return inspect.signature(fn, follow_wrapped=False)
    return parse(fn).signature


def _forwarding(fn, node, where):
    """A wrapper `def w(*args, **kwargs): ... fn(*args, **kwargs) ...` whose `fn` is the
    function it wraps (`functools.wraps`) takes that function's parameters: its node
    rewritten with them, passed on by name, and that function's signature; else None.

    Binding a call by the wrapped function's signature and passing each parameter on
    gives the wrapped function what `*args, **kwargs` would have: the same values for
    the same parameters. `args` and `kwargs` must not be read in any other way."""
    wrapped = getattr(fn, "__wrapped__", None)
    arguments = node.args
    if wrapped is None or not (arguments.vararg or arguments.kwarg) or arguments.args \
            or arguments.kwonlyargs or arguments.posonlyargs:
        return None
    inner = target(wrapped)
    packed = {a.id for a in (arguments.vararg, arguments.kwarg) if a is not None}
    forwards = [call for call in gast.walk(node) if isinstance(call, gast.Call)
                and _forwards(call, arguments) and _resolves_to(fn, call.func, inner)]
    uses = sum(queries.mentions(node, name) for name in packed)
    if not forwards or uses != len(forwards) * len(packed) + len(packed):
        return None
    inner_signature = signature(inner)
    params = list(inner_signature.parameters.values())
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params) or (
            arguments.kwarg is None and any(p.kind == p.KEYWORD_ONLY for p in params)):
        return None
    names = {p.name for p in params}
    clash = [n for n in gast.walk(node) if isinstance(n, gast.Name) and n.id in names]
    if clash:
        raise where.unsupported(
            clash[0], f"the name `{clash[0].id}` in a wrapper of `{inner.__name__}`, which "
            "is also one of its parameters", "rename the wrapper's own variable.")
    node = copy.deepcopy(node)
    for call in gast.walk(node):
        if isinstance(call, gast.Call) and _forwards(call, node.args):
            call.args = [_load(p.name) for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
            call.keywords = [gast.keyword(arg=p.name, value=_load(p.name))
                             for p in params if p.kind == p.KEYWORD_ONLY]
    node.args = gast.arguments(
        args=[_param(p.name) for p in params if p.kind == p.POSITIONAL_OR_KEYWORD],
        posonlyargs=[], vararg=None,
        kwonlyargs=[_param(p.name) for p in params if p.kind == p.KEYWORD_ONLY],
        kw_defaults=[None for p in params if p.kind == p.KEYWORD_ONLY], kwarg=None,
        defaults=[])
    return node, inner_signature


def _forwards(call, arguments):
    """Whether `call` passes exactly `*args, **kwargs` (the wrapper's packed parameters)."""
    star = [gast.Starred(value=_load(arguments.vararg.id), ctx=gast.Load())] \
        if arguments.vararg else []
    keywords = [(None, arguments.kwarg.id)] if arguments.kwarg else []
    return gast.dump(gast.Module(body=[gast.Expr(value=e) for e in call.args],
                                 type_ignores=[])) == \
        gast.dump(gast.Module(body=[gast.Expr(value=e) for e in star], type_ignores=[])) \
        and [(k.arg, getattr(k.value, "id", None)) for k in call.keywords] == keywords


def _resolves_to(fn, func, inner):
    if not isinstance(func, gast.Name):
        return False
    found, value = Scope(fn).lookup(func.id)
    return found and value is fn.__wrapped__ and target(value) is inner


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _param(name):
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)


class Scope:
    """The values a function's free names refer to: closure, then globals, then builtins.

    Every lookup is logged: a derivative is built from what the names meant then, and
    must be rebuilt when one means something else (`stamp`, stamps.py)."""

    def __init__(self, fn):
        self.fn = fn
        self.closure = {}
        if fn.__closure__:
            self.closure = dict(zip(fn.__code__.co_freevars, fn.__closure__))
        self.names = {}
        self.attributes = {}

    def lookup(self, name, log=True):
        """(True, value) for a name Python would find, else (False, None); `log`: the
        derivative relies on what it means."""
        cell = self.closure.get(name)
        if cell is not None:
            value = stamps.contents(cell)
            if log:
                self.names[name] = (cell, value)
            return value is not stamps.MISSING, None if value is stamps.MISSING else value
        namespace = self.fn.__globals__
        value = namespace.get(name, stamps.MISSING)
        if log:
            self.names[name] = (namespace, value)
        if value is not stamps.MISSING:
            return True, value
        if hasattr(builtins, name):
            return True, getattr(builtins, name)
        return False, None

    def attribute(self, owner, attr):
        """(True, value) for `owner.attr`, else (False, None)."""
        value = getattr(owner, attr, stamps.MISSING)
        if not stamps.is_library(owner):
            self.attributes[(id(owner), attr)] = (owner, attr, value)
        return value is not stamps.MISSING, None if value is stamps.MISSING else value

    def stamp(self, constants=frozenset()):
        """The checks of what every logged name meant; `constants`: the names (dotted
        for attributes) whose value was read as a constant, which must stay equal."""
        checks = stamps.of_code(self.fn)
        for name, (where, value) in self.names.items():
            if stamps.is_library(value):
                continue
            exact = name in constants
            checks.append(stamps.of_cell(where, value, exact) if isinstance(
                where, types.CellType) else stamps.of_global(where, name, value, exact))
        last = {text.rpartition(".")[2] for text in constants}
        for owner, attr, value in self.attributes.values():
            checks.append(stamps.of_attribute(owner, attr, value, attr in last))
        return stamps.Stamp(checks)
