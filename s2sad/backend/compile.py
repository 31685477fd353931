"""A generated derivative compiled by numba: its dialect run through `numba.njit`, once
per derivative (so once per argument kinds and mode, as the Python function is made).

`njit(cache=False)`: numba's file cache keys compiled code on the source file and the
argument types, not on the values the code reads as constants (module-level arrays,
the user's closure variables, a rule's helper), so a cached entry could run with values
that have since changed; the in-process cache per derivative is exact, and compiling
again in a new process costs the first call's time only.

numba types the code when it is first called. What it refuses then is said at the
user's line with the construct (`CompiledError`), never as numba's own traceback;
`backend="auto"` runs the Python derivative instead.
"""
import linecache
import os
import re
import sys
import types

import gast
import numpy as np

from ..errors import BackendMissing, CompiledError
from ..runtime import BOUND_ON_USE, HELPERS
from ..syntax.compile import keep_source, source_file
from ..syntax.lines import commented
from . import runtime, support
from .dialect import numba_dialect
from .tapes import Unpaired

INSTALL = "pip install 's2sad[numba]'"
BACKENDS = ("python", "numba", "auto")


def numba_module():
    """numba, or `BackendMissing` saying how to install it."""
    try:
        import numba
    except ImportError:
        raise BackendMissing(f'backend="numba" needs numba, which is not installed: {INSTALL} '
                             '(or pass backend="python", or "auto" to use numba only where '
                             'it is installed).') from None
    return numba


def function(derived, backend):
    """What runs `derived` (an emit.assemble.Derived) for `backend`: its Python function,
    or a function that calls its numba-compiled form."""
    if backend == "python":
        return derived.function
    if backend == "auto":
        try:
            return _compiled(derived).caller(fallback=True)
        except (BackendMissing, CompiledError):
            return derived.function
    return _compiled(derived).caller(fallback=False)


def dialect_listing(derived, shown_file=None):
    """The numba dialect of `derived` and of each derivative it calls (`source`); with
    `shown_file` (how a file is shown), each line with the user's line it comes from."""
    parts = []
    for each in derived.everything():
        dialect = numba_dialect(each)
        text = dialect.source.rstrip("\n") + "\n"
        parts.append(commented(text, dialect.lines, shown_file) if shown_file else text)
    return "\n\n".join(parts)


class _Compiled:
    """One derivative's numba form: the njit dispatcher and the Python function that
    calls it, turning numba's typing errors into `CompiledError`."""

    def __init__(self, derived, numba):
        self.derived = derived
        self.dialect = numba_dialect(derived)
        # the argument types numba could not compile for -> the CompiledError it gave
        self.failed = {}
        self.callers = {}
        self.filename = source_file("numba", derived.name, self.dialect.source)
        namespace = self._namespace(numba)
        tree = gast.parse(self.dialect.source).body[0]
        _stamp(tree, self.dialect.lines)
        found = support.refused(tree, namespace, self.compiled_words)
        if found:
            statement, construct = found
            raise self.error(construct, getattr(statement, "s2sad_line", None))
        exec(compile(self.dialect.source, self.filename, "exec"), namespace)
        plain = namespace[derived.name]
        keep_source(plain, self.filename, self.dialect.source)
        self.dispatcher = numba.njit(cache=False)(plain)
        # (numba raises NotImplementedError for some calls it types but cannot lower)
        self.errors = (numba.core.errors.NumbaError, NotImplementedError)

    def _namespace(self, numba):
        """The values of the dialect's free names: those the Python derivative reads
        (closure cells, the user's module globals), with numba forms for s2sad's helpers
        and the derivatives it calls."""
        fn = self.derived.function
        words = set(re.findall(r"[A-Za-z_]\w*", self.dialect.source))
        namespace = {word: value for word, value in fn.__globals__.items() if word in words}
        for word, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
            try:
                namespace[word] = cell.cell_contents
            except ValueError:
                raise self.error("a recursive call", None) from None
        forms = runtime.forms(numba)
        callees = {id(c.function): c for c in self.derived.callees}
        helpers = set(map(id, HELPERS.values())) | set(map(id, BOUND_ON_USE.values()))
        self.compiled_words = set()
        for word, value in list(namespace.items()):
            if id(value) in callees:
                namespace[word] = _compiled(callees[id(value)]).dispatcher
            elif id(value) in helpers and value in runtime.NUMBA_FORMS:
                namespace[word] = forms[runtime.NUMBA_FORMS[value]]
            elif _users_own(value):
                # a function of the user's the derivative calls as it is (the primal of
                # a helper): compiled too, and refused at its own line if numba cannot
                namespace[word] = numba.njit(cache=False)(value)
            else:
                continue
            self.compiled_words.add(word)
        for word, spelled in self.dialect.helpers.items():
            namespace[spelled] = np if word == "np" else forms[runtime.OWN[word]]
            self.compiled_words.add(spelled)
        return namespace

    def caller(self, fallback):
        """The function that runs the compiled form; `fallback`: the Python derivative
        where numba cannot compile it (backend="auto"), else a `CompiledError`."""
        if fallback in self.callers:
            return self.callers[fallback]
        dispatcher, errors, python = self.dispatcher, self.errors, self.derived.function

        def call(*args):
            if self.failed:
                error = self.failed.get(_types(args))
                if error is not None:
                    if fallback:
                        return python(*args)
                    raise error.with_traceback(None)
            try:
                return dispatcher(*args)
            except errors as exc:
                error = self.failed[_types(args)] = self.translated(exc)
            if fallback:
                return python(*args)
            raise error
        call.__name__ = self.derived.name
        self.callers[fallback] = call
        return call

    def translated(self, exc):
        """numba's error as a `CompiledError` at the user's line of the statement it names:
        a line of the dialect, else of a function of the user's numba compiled with it."""
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
        places = re.findall(r'File "([^"]+)", line (\d+)', message) + \
            re.findall(r"at (\S+\.py) \((\d+)\)", message)
        ours = os.path.basename(self.filename)
        lines = [int(n) for f, n in places if os.path.basename(f) == ours]
        theirs = [(f, int(n)) for f, n in places if os.path.basename(f) != ours
                  and os.path.sep + "numba" + os.path.sep not in f and os.path.exists(f)]
        missing = re.search(r"name '(\w+)' is not defined", message)
        if not lines and missing:   # numba names no line: the first that reads the name
            texts = self.dialect.source.split("\n")
            lines = [k + 1 for k, text in enumerate(texts[1:], 1)
                     if re.search(rf"\b{missing[1]}\b", text)][:1]
        where, construct = None, "a statement"
        if lines and lines[0] <= len(self.dialect.lines):
            where = self.dialect.lines[lines[0] - 1]
            construct = "`" + self.dialect.source.split("\n")[lines[0] - 1].strip() + "`"
        elif theirs:
            where = theirs[0]
            construct = "`" + linecache.getline(*where).strip() + "`"
        reason = next((line.strip() for line in message.split("\n") if line.strip()
                       and not line.startswith("Failed in")), "")
        return self.error(f"{construct} ({reason[:200]})", where)

    def error(self, construct, where):
        """A `CompiledError` for `construct`, at `where` (the user's (file, line) or None)."""
        fn = self.derived.spec.function
        filename, line = where if where else (fn.filename, fn.first_line)
        return CompiledError(
            f"backend=\"numba\" cannot compile {construct} in the derivative of "
            f"`{fn.name}`; use backend=\"python\", or backend=\"auto\" to run the Python "
            "derivative where numba cannot compile it.", filename, line)


def _compiled(derived):
    """The `_Compiled` form of `derived`, made once (kept on the derivative, which is made
    once per argument kinds and mode)."""
    found = derived.backends.get("numba")
    if found is None:
        numba = numba_module()
        try:
            found = _Compiled(derived, numba)
        except Unpaired as exc:
            raise CompiledError(f"backend=\"numba\" cannot split the stack of `{derived.name}`: "
                                f"{exc}; use backend=\"python\".") from None
        derived.backends["numba"] = found
    return found


def _users_own(value):
    """Whether `value` is a plain function of the user's (not s2sad's, NumPy's, SciPy's or
    the standard library's), which numba may compile from its source."""
    module = getattr(value, "__module__", None) or ""
    return isinstance(value, types.FunctionType) and not value.__code__.co_freevars and \
        module.partition(".")[0] not in ("s2sad", "numpy", "scipy", "math") and \
        module not in sys.stdlib_module_names


def _types(args):
    """What numba compiles a version per (roughly: a float32 array and a float64 array
    of one kind share a derivative but not a compiled version)."""
    return tuple((type(a), getattr(a, "dtype", None), getattr(a, "ndim", None),
                  getattr(getattr(a, "flags", None), "c_contiguous", None)) for a in args)


def _stamp(tree, lines):
    for node in gast.walk(tree):
        if isinstance(node, gast.stmt) and node is not tree:
            node.s2sad_line = lines[node.lineno - 1] if node.lineno <= len(lines) else None
