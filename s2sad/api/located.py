"""Errors and warnings raised inside generated code, said at the user's line.

The generated code keeps the user's line of each of its lines (syntax/compile.py,
`origin`). An exception that leaves a derived function gets a note naming the innermost
generated line it passed through, the user's file, line and statement, and which sweep
ran it (`note`); its type and traceback stay as they were, so `except ValueError` works
as before:

    ValueError: math domain error
    s2sad: raised in the forward sweep of f_gradient, from model.py:12:
        y = math.sqrt(x)

A floating-point warning NumPy gives inside generated code ("divide by zero encountered
in log") would name the generated file, which means nothing to the user: `run` calls a
derivative under a NumPy error state that sends the categories set to "warn" (and only
those: "ignore", "raise", "print", "log" and "call" stay as the user set them) to a
handler that warns at the user's file and line instead. NumPy tells the handler the kind
of error but not the operation, which the handler reads from the instruction running
(its columns, Python 3.11+) and the values it reads, so the words are NumPy's ("invalid
value encountered in scalar divide"). The state is made once for each error state the
caller runs under, so a call pays a context-variable lookup and set.
"""
import ast
import linecache
import os
import sys
import warnings

import numpy as np

from ..syntax.compile import origin
from ..syntax.lines import shown_file

_PREFIX = "s2sad: "


def note(exc):
    """Add to `exc` where in the user's code the innermost generated line it was raised
    through comes from (once: a derived function calling another notes it once)."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        found = origin(tb.tb_frame.f_code.co_filename, tb.tb_lineno) or found
        tb = tb.tb_next
    notes = getattr(exc, "__notes__", None) or []
    if found is None or any(str(n).startswith(_PREFIX) for n in notes):
        return
    text = said(found)
    if sys.version_info >= (3, 11):
        exc.add_note(text)
        return
    # 3.10 prints no notes: the message says it too, when it is one string
    try:
        exc.__notes__ = list(notes) + [text]
        if len(exc.args) == 1 and isinstance(exc.args[0], str) and str(exc) == exc.args[0]:
            exc.args = (exc.args[0] + "\n" + text,)
    except (AttributeError, TypeError):
        pass


def said(found):
    """`s2sad: raised in the backward sweep of f_gradient, from model.py:12:` and the
    statement on the next line."""
    filename, line, label, sweep = found
    where = f"the {sweep} sweep of {label}" if sweep else label
    statement = linecache.getline(filename, line).strip()
    return f"{_PREFIX}raised in {where}, from {_shown(filename)}:{line}:" + (
        f"\n    {statement}" if statement else "")


def _shown(filename):
    shown = shown_file(filename)
    return filename if shown == os.path.basename(filename) else shown


# NumPy's words for each floating-point error category, and its bit in the handler's flag
_CATEGORIES = {"divide by zero": "divide", "overflow": "over", "underflow": "under",
               "invalid value": "invalid"}
_NUMPY = os.path.dirname(np.__file__) + os.sep

try:
    from numpy._core._multiarray_umath import _get_extobj_dict, _make_extobj
    from numpy._core._ufunc_config import _extobj_contextvar
except ImportError:  # NumPy 1: its error state has no context variable
    _extobj_contextvar = None

_last = (None, None)


def _run_numpy2(function, *args):
    global _last
    state = _extobj_contextvar.get()
    seen, ours = _last
    if seen is not state:
        ours = _ours(_get_extobj_dict(), lambda **kw: _make_extobj(**kw))
        _last = state, ours
    if ours is None:
        return function(*args)
    token = _extobj_contextvar.set(ours)
    try:
        return function(*args)
    finally:
        _extobj_contextvar.reset(token)


def _run_numpy1(function, *args):
    ours = _ours(dict(np.geterr(), call=np.geterrcall()), lambda **kw: kw)
    if ours is None:
        return function(*args)
    with np.errstate(**ours):
        return function(*args)


def _call(function, *args):
    return function(*args)


# the words of NumPy's warning can be told from the code that runs on Python 3.11+ (it
# knows the columns of each instruction); before, the warnings stay where NumPy gives them
run = _call if sys.version_info < (3, 11) else \
    _run_numpy1 if _extobj_contextvar is None else _run_numpy2
run.__doc__ = "`function(*args)`, its NumPy floating-point warnings said at the user's line."


def _ours(current, made):
    """The error state that sends the categories `current` sets to "warn" to a `_Handler`
    (None: none is); the user's own handler still gets those set to "call"."""
    switched = {category: "call" for category in _CATEGORIES.values()
                if current[category] == "warn"}
    if not switched:
        return None
    theirs = {category for category in _CATEGORIES.values() if current[category] == "call"}
    return made(call=_Handler(current.get("call"), theirs), **switched)


class _Handler:
    """What NumPy calls on a floating-point error in a category switched to "call":
    a warning at the user's line for the categories set to "warn", the user's own
    handler for the others (as a function for "call", its `write` for "log")."""

    def __init__(self, theirs, their_categories):
        self.theirs = theirs
        self.their_categories = their_categories

    def write(self, text):
        return self.theirs.write(text)

    def __call__(self, kind, flag):
        if _CATEGORIES.get(kind) in self.their_categories:
            return self.theirs(kind, flag)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(_NUMPY):
            frame = frame.f_back
        found = frame and origin(frame.f_code.co_filename, frame.f_lineno)
        if not found:
            operation = _operation(sys._getframe(1))
            warnings.warn(f"{kind} encountered" + (f" in {operation}" if operation else ""),
                          RuntimeWarning, stacklevel=2)
            return
        filename, line = found[:2]
        operation = _operation(sys._getframe(1))
        message = f"{kind} encountered" + (f" in {operation}" if operation else "")
        scope = frame.f_globals
        warnings.warn_explicit(message, RuntimeWarning, filename, line,
                               module=scope.get("__name__"),
                               registry=scope.setdefault("__warningregistry__", {}),
                               module_globals=scope)


_OPERATORS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply",
              ast.Div: "divide", ast.FloorDiv: "floor_divide", ast.Mod: "remainder",
              ast.Pow: "power", ast.MatMult: "matmul", ast.USub: "negative"}


def _operation(frame):
    """NumPy's name for the operation `frame` is running (`log`, `divide`, `scalar
    divide`), read from the columns of its current instruction and the values it reads;
    None where they do not say."""
    positions = list(frame.f_code.co_positions())
    index = frame.f_lasti // 2
    if index >= len(positions):
        return None
    first, last, start, end = positions[index]
    if first is None or last is None or start is None or end is None:
        return None
    lines = [linecache.getline(frame.f_code.co_filename, n) for n in range(first, last + 1)]
    lines[-1] = lines[-1][:end]
    lines[0] = lines[0][start:]
    try:
        node = ast.parse("(" + "".join(lines) + ")", mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Call):
        called = _value(node.func, frame)
        return called.__name__ if isinstance(called, np.ufunc) else None
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) in _OPERATORS:
        operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
        values = [_value(operand, frame) for operand in operands]
        if any(isinstance(v, np.ndarray) for v in values):
            return _OPERATORS[type(node.op)]
        if any(isinstance(v, np.generic) for v in values):
            return "scalar " + _OPERATORS[type(node.op)]
    return None


_UNKNOWN = object()


def _value(node, frame):
    """The value of a name or a dotted name (`np.log`) in `frame`, without running
    anything else; `_UNKNOWN` for any other expression."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if node.id in scope:
                return scope[node.id]
        return _UNKNOWN
    if isinstance(node, ast.Attribute):
        owner = _value(node.value, frame)
        if isinstance(owner, type(np)) or owner is np:
            return getattr(owner, node.attr, _UNKNOWN)
    if isinstance(node, ast.Constant):
        return node.value
    return _UNKNOWN
