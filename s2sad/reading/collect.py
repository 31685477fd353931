"""Everything a generated derivative runs, found by following what each function reads.

A generated function reads names three ways: s2sad binds its helpers, callee
derivatives and constants into its closure (syntax/compile.py), and it runs with the
user's module globals, from which it reads the user's constants, modules and functions.
Each name a function's source reads as a global is looked up where the function would
find it (its closure, then its globals, then the builtins) and sorted by what the value is:

- a module of the standard library, NumPy or SciPy: an import;
- a generated derivative: its source, as `s2sad.source` lists it;
- a function of s2sad (a run-time helper) or of the user: its source, whose own reads are
  followed in turn, so a helper that calls another brings it along;
- a function or class of those libraries: an import of it by its public path;
- a value `literals.literal` can write: a constant;
- anything else is refused, at the line of the user's code that reads it.
"""
import ast
import builtins
import inspect
import os
import symtable
import sys
import sysconfig
import textwrap
import types
from dataclasses import dataclass, field

from ..errors import SourceError, UnsupportedError, shown
from .literals import LARGEST, literal

# the libraries an exported module may import; every other function is copied as source
LIBRARIES = frozenset({"numpy", "scipy"})
_MISSING = object()


@dataclass
class Read:
    """A name a function reads as a global, the value it finds, and how it is written:
    `what` is "module", "unit" (a function written out), "import" (`(module, attribute)`
    in `path`), "builtin" (nothing to write) or "constant" (a literal)."""
    name: str
    value: object
    what: str
    line: int
    path: tuple = None


@dataclass
class Unit:
    """One function the exported module defines: a derivative ("derivative"), a
    run-time helper of s2sad ("helper") or one of the user's functions ("function")."""
    function: object
    name: str
    source: str
    kind: str
    filename: str
    first_line: int
    reads: list = field(default_factory=list)
    # for a derivative, the user's function it was derived from
    origin: object = None

    @property
    def described(self):
        return f"the derivative `{self.name}`" if self.kind == "derivative" else \
            f"`{self.name}`"

    def where(self, line, name):
        """The file and line where this unit reads `name` (at line `line` of its source),
        for a message: for a generated derivative, the line of the user's function that
        reads it, else that function's first line."""
        if self.kind != "derivative":
            return self.filename, self.first_line + line - 1
        try:
            lines, first = inspect.getsourcelines(self.origin)
            tree = ast.parse(textwrap.dedent("".join(lines)))
        except (OSError, TypeError, SyntaxError):
            return self.filename, self.first_line
        found = [node.lineno for node in ast.walk(tree)
                 if isinstance(node, ast.Name) and node.id == name]
        return self.filename, (first + min(found) - 1 if found else self.first_line)


def gather(derived=None, functions=()):
    """The units the derivative `derived` needs, derivatives first in the order
    `s2sad.source` lists them, then each helper and user function as first read;
    `functions`: more functions to start from (s2sad's helpers, in the tests)."""
    units = {}
    for made in derived.everything() if derived is not None else ():
        units[id(made.function)] = _derivative_unit(made)
    for fn in functions:
        units.setdefault(id(fn), _function_unit(fn))
    order = list(units.values())
    done = 0
    while done < len(order):
        unit = order[done]
        done += 1
        unit.reads = [_read(unit, name, line, units) for name, line in _global_reads(unit)]
        unit.reads = [read for read in unit.reads if read is not None]
        for read in unit.reads:
            if read.what == "unit" and id(read.value) not in units:
                units[id(read.value)] = _function_unit(read.value, unit, read)
                order.append(units[id(read.value)])
    return order


def _derivative_unit(derived):
    function = derived.spec.function
    origin = derived.built_from[0][0] if derived.built_from else None
    return Unit(derived.function, derived.name, derived.source, "derivative",
                function.filename, function.first_line, origin=origin)


def _function_unit(fn, reader=None, read=None):
    """The unit of a function `reader` reads: s2sad's own helper, or a user function."""
    where = (reader.where(read.line, read.name) if reader is not None else
             (getattr(fn.__code__, "co_filename", None), None))
    who = f"`{read.name}` ({shown(fn)}), which {reader.described} calls," if reader else \
        f"{shown(fn)}"
    kind = "helper" if _package(fn) == "s2sad" else "function"
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise SourceError(f"s2sad.export: the source of {who} cannot be read; define it "
                          "in a file.", *where) from None
    text = textwrap.dedent("".join(lines))
    try:
        node = ast.parse(text).body[0]
    except SyntaxError:     # the lines of a lambda inside a longer statement
        node = None
    if not isinstance(node, ast.FunctionDef) or node.name != fn.__name__:
        raise UnsupportedError(
            f"s2sad.export: {who} is a lambda or a function made at run time, which cannot "
            "be copied as source; define it with `def` at the top level of a module.",
            *where)
    if node.decorator_list:     # the function as written: s2sad read it without them
        text = textwrap.dedent("".join(text.splitlines(True)[node.lineno - 1:]))
        first += node.lineno - 1
    return Unit(fn, fn.__name__, text, kind, fn.__code__.co_filename, first)


def _global_reads(unit):
    """(name, line) for each name `unit`'s source reads as a global, first read first."""
    table = symtable.symtable(unit.source, "<export>", "exec")
    names = set()

    def visit(table):
        module = table.get_type() == "module"
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (symbol.is_global() or module):
                names.add(symbol.get_name())
        for child in table.get_children():
            visit(child)
    visit(table)
    first = {}
    for node in ast.walk(ast.parse(unit.source)):
        if isinstance(node, ast.Name) and node.id in names:
            place = (node.lineno, node.col_offset)
            first[node.id] = min(first.get(node.id, place), place)
    return [(name, place[0]) for name, place in sorted(first.items(), key=lambda i: i[1])]


def _read(unit, name, line, units):
    """What `name` means to `unit`'s function and how the exported module writes it."""
    value = _lookup(unit.function, name)
    if value is _MISSING:
        return None
    if isinstance(value, types.ModuleType):
        _check_module(unit, name, line, value)
        return Read(name, value, "module", line)
    if id(value) in units or isinstance(value, types.FunctionType) and \
            _package(value) not in LIBRARIES and not _standard(value):
        return Read(name, value, "unit", line)
    if getattr(builtins, name, _MISSING) is value:
        return Read(name, value, "builtin", line)
    path = _public_path(value)
    if path is not None and (path[0] == "builtins" or _importable(sys.modules[path[0]])):
        return Read(name, value, "import", line, path)
    if literal(value, "np") is not None:
        return Read(name, value, "constant", line)
    size = getattr(value, "size", 0)
    why = (f"an array of {size} elements (more than {LARGEST} are data, not code)"
           if isinstance(size, int) and size > LARGEST else f"{shown(value)}")
    raise UnsupportedError(
        f"s2sad.export: `{name}`, which {unit.described} reads, is {why}, which cannot be "
        "written as source; pass it as an argument, or make it a number, a tuple or a small "
        "NumPy array.", *unit.where(line, name))


def _lookup(fn, name):
    """The value of `name` in `fn`: its closure, then its globals, then the builtins."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    if name in cells:
        try:
            return cells[name].cell_contents
        except ValueError:
            return _MISSING
    if name in fn.__globals__:
        return fn.__globals__[name]
    return getattr(builtins, name, _MISSING)


def _check_module(unit, name, line, module):
    if _importable(module):
        return
    top = _package_named(module.__name__)
    advice = ("s2sad's own modules cannot be exported" if top == "s2sad" else
              f"import the functions it uses by name (`from {module.__name__} import ...`), "
              "so that export can copy their source")
    raise UnsupportedError(
        f"s2sad.export: {unit.described} reads the module `{name}` ({module.__name__}), which "
        f"the exported module could only import, and it must run with NumPy alone; "
        f"{advice}.", *unit.where(line, name))


def _package(fn):
    return _package_named(getattr(fn, "__module__", None) or "")


def _package_named(module):
    return module.partition(".")[0]


def _standard(fn):
    return _importable(sys.modules.get(fn.__module__)) and \
        _package(fn) not in LIBRARIES and _in_standard_library(fn.__code__.co_filename)


def _importable(module):
    """Whether the exported module may import `module`: NumPy, SciPy or the standard
    library (a user's file named like a module of it, `test.py`, is not)."""
    if module is None:
        return False
    top = _package_named(module.__name__)
    if top in LIBRARIES:
        return True
    filename = getattr(module, "__file__", None)
    return top in sys.stdlib_module_names and (filename is None or
                                               _in_standard_library(filename))


def _in_standard_library(filename):
    paths = sysconfig.get_paths()
    place = os.path.realpath(filename)
    inside = [os.path.realpath(paths[key]) + os.sep for key in ("stdlib", "platstdlib")]
    outside = [os.path.realpath(paths[key]) + os.sep for key in ("purelib", "platlib")]
    return any(place.startswith(p) for p in inside) and \
        not any(place.startswith(p) for p in outside)


def _public_path(value):
    """`(module, attribute)` under which `value` can be imported, without a private
    module on the way (`scipy.special`, not `scipy.special._logsumexp`), or None. A
    value that does not say its module (SciPy's ufuncs) is looked for in the public
    modules of the libraries loaded, shortest name first."""
    attribute = getattr(value, "__name__", None)
    if not isinstance(attribute, str):
        return None
    module = getattr(value, "__module__", None)
    if isinstance(module, str):
        parts = module.split(".")
        candidates = [".".join(parts[:end]) for end in range(len(parts), 0, -1)]
    else:
        candidates = sorted((name for name in list(sys.modules)
                             if _package_named(name) in LIBRARIES), key=lambda n: (len(n), n))
    for candidate in candidates:
        if any(part.startswith("_") for part in candidate.split(".")):
            continue
        found = sys.modules.get(candidate)
        if found is not None and getattr(found, attribute, None) is value:
            return candidate, attribute
    return None
