"""`s2sad.export`: a generated derivative as a standalone module, which runs with NumPy
(SciPy only where the user's function itself uses it) and no s2sad installed.

The module holds what the derivative runs, gathered by collect.py, in the order a reader
wants it: a header saying what it was generated from, `__all__`, the imports, the
constants, s2sad's run-time helpers, the user's functions the derivative calls, then the
derivatives as `s2sad.source` lists them. Each definition keeps its own name unless two
different values want one name; then the later gets a fresh one (`const_2`) and the
functions that read it are renamed to match. The text depends only on the function, the
argument kinds, the mode and `wrt`, so exporting again gives the same file.
"""
from __future__ import annotations

import ast
import os
import re
import symtable
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from ..api import public
from ..api.derivative import derivative_for
from ..errors import UnsupportedError, UsageError, shown
from ..frontend import read
from ..frontend.front import checked
from ..version import __version__
from .collect import Read, gather
from .literals import literal

MODES = ("gradient", "reverse", "forward", "vector")

_SECTIONS = (("helper", "# s2sad's run-time helpers the derivatives call"),
             ("function", "# the functions the derivatives call"),
             ("derivative", "# the derivatives"))


def export(fn: Callable[..., Any], *args: Any, mode: str = "gradient",
           wrt: int | str | tuple[int | str, ...] = 0, **kwargs: Any) -> str:
    """The source of a standalone Python module holding `fn`'s derivative.

    Parameters are those of `source`: with example arguments the derivative is the one
    specialised for their kinds, `mode="gradient"` is what `grad` runs (`f_gradient(*args)
    -> gradient`), `"reverse"` the adjoint (`f_adjoint(*args, seed) -> (value,
    gradient)`), `"forward"` the tangent (`f_tangent(*args, *tangents) -> (value,
    tangent)`), `"vector"` the tangent in several directions at once. The module also
    holds the imports, the user's constants and closure values written as literals, the
    run-time helpers and the user's functions the derivative calls, so it runs with NumPy
    alone; its public function, the derivative, is listed in `__all__`. A value that
    cannot be written as source (an arbitrary object, a large array) is refused with the
    line that reads it.

    >>> def f(x):
    ...     return x * x
    >>> text = export(f, 3.0)              # doctest: +SKIP
    >>> namespace = {}; exec(text, namespace)   # doctest: +SKIP
    >>> namespace["f_gradient"](3.0)       # doctest: +SKIP
    6.0
    """
    if mode not in MODES:
        raise UsageError(f"mode={shown(mode)} is not one of {', '.join(map(repr, MODES))}.")
    fn, args, skip = public._unbound(fn, args)
    if not isinstance(fn, read.Derivative):
        checked(fn)
    derived = derivative_for(fn, args, kwargs, mode, wrt, skip)
    module = Module(gather(derived))
    return module.text(_header(fn, derived, mode, module.units[0]))


class Module:
    """A module defining `units` (collect.py), the first of them public."""

    def __init__(self, units):
        self.units = units
        self.entries = {}       # module-level name -> (what, a Read or a Unit, key)
        self.renames = {id(unit): {} for unit in self.units}
        for unit in self.units:
            unit.final = self.claim(unit.name, "unit", unit, ("unit", id(unit.function)))
            if unit.final != unit.name:
                self.renames[id(unit)][unit.name] = unit.final
        units = {id(unit.function): unit for unit in self.units}
        for unit in self.units:
            for item in unit.reads:
                if item.what == "unit":
                    given = units[id(item.value)].final
                else:
                    given = self.claim(item.name, item.what, item, _key(item))
                if given != item.name:
                    self.renames[id(unit)][item.name] = given
        self.numpy = self._numpy_name()

    def claim(self, name, what, value, key):
        """The module-level name `value` gets: `name`, unless a different value has it."""
        word, count = name, 1
        while word in self.entries and self.entries[word][2] != key:
            count += 1
            word = f"{name}_{count}"
        self.entries.setdefault(word, (what, value, key))
        return word

    def _numpy_name(self):
        """The name NumPy is imported under, for constants that are arrays: the one the
        code reads it by, else `np`. (A literal spelled with NUL for NumPy's name holds a
        NUL only where it names NumPy: a string's repr escapes it.)"""
        for word, (what, item, _) in self.entries.items():
            if what == "module" and item.value.__name__ == "numpy":
                return word
        if not any(what == "constant" and "\0" in literal(item.value, "\0")
                   for what, item, _ in self.entries.values()):
            return None
        numpy = sys.modules["numpy"]
        return self.claim("np", "module", Read("np", numpy, "module", 0),
                          ("module", id(numpy)))

    def text(self, header):
        """The module's source, beginning with the comment `header`."""
        parts = [header, f'__all__ = ["{self.units[0].final}"]']
        imports = self.imports()
        if imports:
            parts.append("\n".join(imports))
        constants = self.constants()
        if constants:
            parts.append("\n".join(constants))
        text = "\n\n".join(parts) + "\n"
        for kind, title in _SECTIONS:
            sources = [self.source_of(unit) for unit in self.units if unit.kind == kind]
            if sources:
                text += "\n\n" + title + "\n" + "\n\n".join(sources)
        return text

    def source_of(self, unit):
        mapping = self.renames[id(unit)]
        return _renamed(unit, mapping).rstrip("\n") + "\n" if mapping else \
            unit.source.rstrip("\n") + "\n"

    def imports(self):
        modules, names = [], []
        for word, (what, item, _) in self.entries.items():
            if what == "module":
                module = item.value.__name__
                # (numpy loads its submodules itself; `import scipy.special` binds scipy)
                subs = self._submodules(word, module) if module.partition(".")[0] != "numpy" \
                    else ()
                modules += [f"import {sub}" for sub in subs]
                if word != module:
                    modules.append(f"import {module} as {word}")
                elif not subs:
                    modules.append(f"import {module}")
            elif what == "import" and item.path[0] != "builtins":
                module, attribute = item.path
                names.append(f"from {module} import {attribute}" if word == attribute else
                             f"from {module} import {attribute} as {word}")
        return sorted(set(modules)) + sorted(set(names))

    def _submodules(self, word, module):
        """The submodules the units read through `word` (`scipy.special.gammaln`), which
        importing the package alone may not load."""
        found = set()
        for unit in self.units:
            if self.renames[id(unit)].get(word, word) != word:
                continue
            for chain in re.findall(rf"(?<![\w.]){re.escape(word)}((?:\.\w+)+)", unit.source):
                parts = chain.strip(".").split(".")
                for end in range(1, len(parts) + 1):
                    name = ".".join([module] + parts[:end])
                    if isinstance(sys.modules.get(name), type(sys)) and \
                            not name.split(".")[-1].startswith("_"):
                        found.add(name)
        return found

    def constants(self):
        lines = []
        for word, (what, item, _) in self.entries.items():
            if what == "constant":
                text = literal(item.value, self.numpy, start=len(word) + 3)
                lines.append(f"{word} = {text}")
            elif what == "import" and item.path[0] == "builtins":
                lines.append(f"{word} = {item.path[1]}")
        return lines


def _header(fn, derived, mode, top):
    """What the module was generated from, how its public function is called, and that
    it needs no s2sad."""
    what = fn.__name__ if isinstance(fn, read.Derivative) else fn.__qualname__
    while isinstance(fn, read.Derivative):
        fn = fn._fn
    code = fn.__code__
    spec = derived.spec
    kinds = [f"{p}: {spec.kinds.get(p)}" for p in spec.function.params] or ["no arguments"]
    wrt = spec.wrt[0] if len(spec.wrt) == 1 else f"({', '.join(spec.wrt)})"
    lines = [f"Generated by s2sad {__version__} from `{what}` "
             f"({_shown_path(code.co_filename)}:{code.co_firstlineno}).",
             f'mode="{mode}", wrt={wrt}, for']
    for kind in kinds:      # one parameter's kind is never cut across lines
        if len(lines[-1]) + len(kind) + 3 > 96:
            lines.append(" ")
        lines[-1] += f" {kind},"
    lines[-1] = lines[-1][:-1] + "."
    lines += textwrap.wrap(f"Call: {_call(top.source, top.final)}", 96, subsequent_indent="  ",
                           break_long_words=False, break_on_hyphens=False)
    lines += textwrap.wrap(f"It runs without s2sad. To change it, change "
                           f"`{fn.__qualname__}` and export it again.", 88)
    return "\n".join("# " + line for line in lines)


def _key(item):
    """What makes two reads the same value: the module or function itself, the import
    path, the builtin's name, or the literal text of a constant."""
    if item.what == "constant":
        return ("constant", literal(item.value, "np"))
    if item.what == "import":
        return ("import", item.path)
    if item.what == "builtin":
        return ("builtin", item.name)
    return (item.what, id(item.value))


def _renamed(unit, mapping):
    """`unit`'s source with the global names in `mapping` renamed, its `def` too."""
    _check_global(unit, mapping)
    lines = [line.encode() for line in unit.source.splitlines(True)]
    tree = ast.parse(unit.source)
    edits = [(node.lineno, node.col_offset, node.id) for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id in mapping]
    top = tree.body[0]
    if top.name in mapping:
        line = lines[top.lineno - 1]
        found = re.compile(rb"def\s+(" + re.escape(top.name.encode()) + rb")\b").search(
            line, top.col_offset)
        edits.append((top.lineno, found.start(1), top.name))
    for number, column, old in sorted(edits, reverse=True):
        line = lines[number - 1]
        new = mapping[old].encode()
        lines[number - 1] = line[:column] + new + line[column + len(old.encode()):]
    return b"".join(lines).decode()


def _check_global(unit, mapping):
    """A name renamed must be global wherever the unit's source uses it."""
    def visit(table):
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if name in mapping and table.get_type() != "module" and \
                    (symbol.is_local() or symbol.is_parameter()):
                raise UnsupportedError(
                    f"s2sad.export: {unit.described} uses `{name}` both as its own variable "
                    f"and for a value another function names `{name}` too; rename the "
                    "variable.", *unit.where(1, name))
        for child in table.get_children():
            visit(child)
    visit(symtable.symtable(unit.source, "<export>", "exec"))


def _call(source, name):
    """`f_gradient(x, y) -> x_bar`: the derivative's parameters and what it returns."""
    node = ast.parse(source).body[0]
    params = ast.unparse(node.args)
    returns = [n for n in node.body if isinstance(n, ast.Return)]
    result = ast.unparse(returns[-1].value) if returns and returns[-1].value else "None"
    return f"{name}({params}) -> {result}"


def _shown_path(filename):
    """The file's path relative to the current folder when it is inside it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if relative.startswith("..") else relative
