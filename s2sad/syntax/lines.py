"""Which line of the user's code each generated statement comes from.

An emitter stamps the statements it writes for one statement of the Wengert list with
that statement's line (`stamp`); a line is an int, or an `errors.Line` that names its own
file (a helper inlined from another module). A pass that replaces a statement carries the
line over (`carry`). Nothing else has to: when the code is printed (`listing`), a
statement without a line takes the line of the statement that encloses it or, failing
that, of the one printed before it, so a statement a pass rebuilds without care still
lands near where it came from. `Lines` gathers printed lines with theirs, and
`users_line` reads a line of generated code through to the user's (a derivative of a
derivative).

    >>> statement = stamp([gast.parse("t3_bar = y_bar * x").body[0]], 12)[0]
    >>> listing([statement])
    (['t3_bar = y_bar * x'], [12])
"""
import os

import gast

from .compile import is_generated, origin
from .printer import source

_ATTRIBUTE = "s2sad_line"


def line_of(statement):
    """The user's line `statement` was stamped with, or 0."""
    return getattr(statement, _ATTRIBUTE, 0)


def stamp(statements, line):
    """`statements` (a list), each one without a line given `line`."""
    if line:
        for statement in statements:
            if not line_of(statement):
                setattr(statement, _ATTRIBUTE, line)
    return statements


def carry(new, old):
    """`new` (a statement or a list of them) with the line of `old`, the statement it
    replaces, where it has none of its own."""
    stamp(new if isinstance(new, list) else [new], line_of(old))
    return new


class Lines:
    """Generated lines with the user's line of each (0 where none)."""

    def __init__(self):
        self.texts, self.lines = [], []

    def add(self, text, line=0):
        self.texts.append(text)
        self.lines.append(line)

    def block(self, statements, line=0):
        """`statements` indented once, each line with its user's line."""
        texts, lines = listing(statements, line)
        self.texts += ["    " + text for text in texts]
        self.lines += lines

    def last(self):
        """The user's line of the last line that has one."""
        return next((line for line in reversed(self.lines) if line), 0)


def listing(statements, line=0):
    """The source lines of `statements` and the user's line of each (0 where none is
    known), with the rule above for statements that carry none. `line`: the line of the
    statement before (or around) them."""
    texts, lines = [], []
    for statement in statements:
        line = line_of(statement) or line
        text = source(statement).split("\n")
        layout = _layout(statement, line)
        if len(layout) != len(text):
            layout = [line] * len(text)
        texts += text
        lines += layout
        if layout:
            line = layout[-1]
    return texts, lines


def _layout(statement, line):
    """The user's line of each printed line of `statement`, as the printer lays out a
    compound statement: header, body, `elif` or `else:` and its body."""
    if isinstance(statement, (gast.For, gast.While)):
        body = _block(statement.body, line)
        return [line] + body + _orelse(statement.orelse, body[-1] if body else line)
    if isinstance(statement, gast.If):
        body = _block(statement.body, line)
        after = body[-1] if body else line
        orelse = statement.orelse
        if len(orelse) == 1 and isinstance(orelse[0], gast.If):
            return [line] + body + _layout(orelse[0], line_of(orelse[0]) or after)
        return [line] + body + _orelse(orelse, after)
    return [line]


def _block(statements, line):
    lines = []
    for statement in statements:
        here = line_of(statement) or (lines[-1] if lines else line)
        lines += _layout(statement, here)
    return lines


def _orelse(statements, line):
    if not statements:
        return []
    first = line_of(statements[0]) or line
    return [first] + _block(statements, first)


def users_line(line, filename):
    """The user's (file, line) of a statement's `line` in `filename` (unless the line
    names its own file), read through to the user's code where that is code s2sad
    generated (a derivative of a derivative); None where that line has none."""
    filename = getattr(line, "filename", filename)
    if is_generated(filename):
        found = origin(filename, int(line))
        return found and found[:2]
    return filename, int(line)


def commented(text, lines, name):
    """`text` (generated source) with the user's line of each line as a trailing comment
    (`# model.py:12`); `lines` holds, for each line of `text`, a (file, line) pair or
    None, `name(file)` how a file is shown."""
    out = []
    for code, where in zip(text.split("\n"), list(lines) + [None] * len(text)):
        if where and code.strip() and not code.lstrip().startswith("#"):
            code += f"  # {name(where[0])}:{where[1]}"
        out.append(code)
    return "\n".join(out)


def shown_file(path):
    """How a comment names the user's file: relative to the working directory when it
    is inside it (`samples/seeds.py`), else by its base name (`seeds.py`)."""
    if path.startswith("<"):
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return os.path.basename(path)
    return os.path.basename(path) if relative.startswith(os.pardir) else relative
