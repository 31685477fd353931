"""Compile generated source into a live function.

The source is written to a file of its own in a per-user directory of the temporary
directory, named by its content (`f_gradient_3fa2c41b9d0e.py`: the same code finds the
same file), and compiled under that path, so that every traceback shows the generated
lines, the one Python 3.10-3.12 print for an uncaught exception too (it opens the file by
name). It is also registered in `linecache` while the function lives, and where no such
file can be written the name is a `linecache` name alone (`<s2sad-generated f #3>`).
Each file name also keys the user's line of each generated line (`origin`). The
function runs with the user's own module globals, so module-level constants are read at
call time as in Python; s2sad's helpers (`np`, `unbroadcast`, callee adjoints) and the
user's closure variables reach it as closure cells, and so does the function itself when
it calls itself (recursion).
"""
import ast
import hashlib
import inspect
import itertools
import linecache
import os
import stat
import tempfile
import textwrap
import types
import weakref

_serial = itertools.count(1)
_free = {}
# file name -> [functions alive, what each generated line came from]
_origins = {}
_directory = []


def file_name(kind, label):
    """A file name for generated source, `<s2sad-generated f_adjoint #3>`. The numbers of
    functions that are gone are given out again: CPython keeps the file name of every
    code object it compiles, so new names would grow without bound in a process that
    keeps generating code."""
    free = _free.get((kind, label))
    number = free.pop() if free else next(_serial)
    return f"<s2sad-{kind} {label} #{number}>"


def source_file(kind, label, source, key=""):
    """A file holding `source` under a name made from its content (and `key`), written
    if it is not there yet; else (no directory of our own can be written) a `linecache`
    name from `file_name`. Content-addressed, the files are as many as the distinct
    sources, however many functions a long process generates."""
    directory = _own_directory()
    if directory is not None:
        digest = hashlib.sha1((source + "\0" + key).encode()).hexdigest()[:12]
        path = os.path.join(directory, f"{label}_{digest}.py")
        try:
            if not _holds(path, source):
                fd, temporary = tempfile.mkstemp(".py", dir=directory)
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(source)
                os.replace(temporary, path)
            return path
        except OSError:
            pass
    return file_name(kind, label)


def _holds(path, source):
    try:
        with open(path, encoding="utf-8") as file:
            return file.read() == source
    except (OSError, UnicodeDecodeError):
        return False


def _own_directory():
    """`<tmp>/s2sad-<user>`, made private to the user, or None where that cannot be
    made or is not ours alone (another user's directory, or a link)."""
    if not _directory:
        _directory.append(_made_directory())
    return _directory[0]


def _made_directory():
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    path = os.path.join(tempfile.gettempdir(), f"s2sad-{user}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        found = os.lstat(path)
        if not stat.S_ISDIR(found.st_mode) or not os.access(path, os.W_OK) or \
                hasattr(os, "getuid") and (found.st_uid != os.getuid()
                                           or found.st_mode & 0o077):
            return None
    except OSError:
        return None
    return path


def keep_source(function, filename, source, origins=None):
    """Register `source` in `linecache` under `filename` while `function` lives, and
    `origins`: what each of its lines came from (`origin`)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    _origins.setdefault(filename, [0, origins])[0] += 1
    weakref.finalize(function, _release, filename)


def _release(filename):
    held = _origins[filename]
    held[0] -= 1
    if held[0]:
        return
    del _origins[filename]
    linecache.cache.pop(filename, None)
    if filename.startswith("<"):
        head, _, number = filename[1:-1].rpartition(" #")
        kind, _, label = head.partition(" ")
        _free.setdefault((kind[len("s2sad-"):], label), []).append(int(number))


def is_generated(filename):
    """Whether code compiled under `filename` is a derivative s2sad generated (not a
    dispatcher) that is still alive."""
    return _origins.get(filename, (0, None))[1] is not None


def origin(filename, lineno):
    """What line `lineno` of the generated file `filename` came from: `(user's file,
    user's line, label, sweep)`, sweep "forward" or "backward" for an adjoint and None for
    a tangent; None for a file s2sad did not generate or a line with no origin."""
    held = _origins.get(filename)
    if held is None or held[1] is None:
        return None
    lines, (label, backward_from) = held[1]
    where = lines[lineno - 1] if 0 < lineno <= len(lines) else None
    if where is None:
        return None
    sweep = None if backward_from is None else \
        "backward" if lineno > backward_from else "forward"
    return where + (label, sweep)


def compile_function(source, user_fn, bindings, label, lines=(), sweeps=(None, None)):
    """The function defined by `source` (one top-level `def`), closed over `bindings`.
    `lines`: the user's (file, line) of each line of `source`, or None; `sweeps`: its
    label and the number of the line that begins its backward sweep (None: none)."""
    key = repr((tuple(lines), tuple(sweeps)))
    filename = source_file("generated", label, source, key)
    inner = ast.parse(source, filename).body[0]
    defaults = tuple(ast.literal_eval(d) for d in inner.args.defaults) or None
    function = _closed(inner, filename, user_fn, bindings, defaults)
    function.__qualname__ = inner.name
    keep_source(function, filename, source, (tuple(lines), tuple(sweeps)))
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
