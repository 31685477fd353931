"""Compile generated source into a live function.

The source is compiled under a filename registered in `linecache`, so tracebacks and
`inspect.getsource` show the generated lines; the entry goes when the function does. The
function runs with the user's own module globals, so module-level constants are read at
call time as in Python; s2sad's helpers (`np`, `unbroadcast`, callee adjoints) and the
user's closure variables reach it as closure cells, and so does the function itself when
it calls itself (recursion).
"""
import ast
import inspect
import itertools
import linecache
import textwrap
import types
import weakref

_serial = itertools.count(1)
_free = {}


def file_name(kind, label):
    """A file name for generated source, `<s2sad-generated f_adjoint #3>`. The numbers of
    functions that are gone are given out again: CPython keeps the file name of every
    code object it compiles, so new names would grow without bound in a process that
    keeps generating code."""
    free = _free.get((kind, label))
    number = free.pop() if free else next(_serial)
    return f"<s2sad-{kind} {label} #{number}>"


def keep_source(function, filename, source):
    """Register `source` in `linecache` under `filename` while `function` lives."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(function, _release, filename)


def _release(filename):
    linecache.cache.pop(filename, None)
    head, _, number = filename[1:-1].rpartition(" #")
    kind, _, label = head.partition(" ")
    _free.setdefault((kind[len("s2sad-"):], label), []).append(int(number))


def compile_function(source, user_fn, bindings, label):
    """The function defined by `source` (one top-level `def`), closed over `bindings`."""
    filename = file_name("generated", label)
    inner = ast.parse(source, filename).body[0]
    defaults = tuple(ast.literal_eval(d) for d in inner.args.defaults) or None
    function = _closed(inner, filename, user_fn, bindings, defaults)
    function.__qualname__ = inner.name
    keep_source(function, filename, source)
    return function


def copy_calling_itself(fn, name):
    """A copy of the user's function `fn`, from its source, in which `name` means the copy.

    A recursive function calls itself by its global name; once that name is bound to a
    derivative of it (`rec = s2sad.grad(rec)`, or `@s2sad.grad`), calling `fn` would call
    the derivative. Its derivative needs the values of the function as written."""
    lines, first = inspect.getsourcelines(fn.__code__)
    inner = ast.parse(textwrap.dedent("".join(lines))).body[0]
    inner.decorator_list = []
    ast.increment_lineno(inner, first - 1)
    cell = types.CellType()
    function = _closed(inner, fn.__code__.co_filename, fn, {name: cell}, fn.__defaults__)
    function.__kwdefaults__ = fn.__kwdefaults__
    function.__qualname__ = fn.__qualname__
    cell.cell_contents = function
    return function


def _closed(inner, filename, user_fn, bindings, defaults):
    """The function of the `def` node `inner`, with its free names bound to the user's
    closure cells, to `bindings`, or else to the function itself."""
    closure_names = sorted(set(bindings) | set(user_fn.__code__.co_freevars))
    factory = ast.FunctionDef(
        name="factory", args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=n) for n in closure_names], vararg=None,
            kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[inner, ast.copy_location(
            ast.Return(value=ast.Name(id=inner.name, ctx=ast.Load())), inner)],
        decorator_list=[], returns=None, type_comment=None)
    ast.copy_location(factory, inner)
    if hasattr(ast, "TypeVar"):
        factory.type_params = []
    module = ast.fix_missing_locations(ast.Module(body=[factory], type_ignores=[]))
    code = compile(module, filename, "exec", dont_inherit=True)
    inner_code = next(c for c in code.co_consts[0].co_consts if isinstance(c, types.CodeType))
    user_cells = dict(zip(user_fn.__code__.co_freevars, user_fn.__closure__ or ()))
    itself = types.CellType()
    cells = tuple(user_cells[n] if n in user_cells else
                  _cell(bindings[n]) if n in bindings else itself
                  for n in inner_code.co_freevars)
    function = types.FunctionType(inner_code, user_fn.__globals__, inner.name, defaults, cells)
    function.__module__ = user_fn.__module__
    itself.cell_contents = function
    return function


def _cell(value):
    """A closure cell holding `value`; a cell itself is shared (filled in later)."""
    return value if isinstance(value, types.CellType) else types.CellType(value)
