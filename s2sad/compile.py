"""Compile generated source into a live function.

The source is compiled under a filename registered in `linecache`, so tracebacks and
`inspect.getsource` show the generated lines. The function runs with the user's own
module globals, so module-level constants are read at call time as in Python; s2sad's
helpers (`np`, `unbroadcast`, callee adjoints) and the user's closure variables reach it
as closure cells, and so does the function itself when it calls itself (recursion).
"""
import ast
import itertools
import linecache
import types

_serial = itertools.count(1)


def compile_function(source, user_fn, bindings, label):
    """The function defined by `source` (one top-level `def`), closed over `bindings`."""
    filename = f"<s2sad-generated {label} #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    inner = ast.parse(source, filename).body[0]
    closure_names = sorted(set(bindings) | set(user_fn.__code__.co_freevars))
    factory = ast.FunctionDef(
        name="factory", args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=n) for n in closure_names], vararg=None,
            kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[inner, ast.Return(value=ast.Name(id=inner.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, type_comment=None, lineno=1, col_offset=0)
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
    defaults = tuple(ast.literal_eval(d) for d in inner.args.defaults) or None
    function = types.FunctionType(inner_code, user_fn.__globals__, inner.name, defaults, cells)
    function.__qualname__ = inner.name
    function.__module__ = user_fn.__module__
    itself.cell_contents = function
    return function


def _cell(value):
    """A closure cell holding `value`; a cell itself is shared (filled in later)."""
    return value if isinstance(value, types.CellType) else types.CellType(value)
