"""The errors s2sad raises on purpose.

Every message names where the problem is (file and line when there is one), what the
construct is, and what to do instead, so a user never has to read s2sad's own traceback.
"""
import contextlib
import re


def shown(value, width=40):
    """`value` as a message shows it: its repr, cut to `width` characters; where that
    would show a memory address (`<object object at 0x7f...>`), its type's name."""
    text = repr_or_none(value)
    if text is None:
        return f"an object of type `{type(value).__name__}`"
    return text if len(text) <= width else text[:width - 3] + "..."


def repr_or_none(value):
    """`repr(value)`, or None where it shows a memory address or fails."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        return None
    return None if re.search(r" at 0x[0-9a-fA-F]+", text) else text


class Error(Exception):
    """Base of every error s2sad raises on purpose."""

    def __init__(self, message, filename=None, line=None):
        filename = getattr(line, "filename", None) or filename
        self.filename = filename
        self.line = line
        if filename is not None and line is not None:
            message = f"{filename}:{line}: {message}"
        super().__init__(message)


class SourceError(Error):
    """The function's source cannot be read or parsed."""


class UnsupportedError(Error):
    """A construct, call or value that s2sad cannot differentiate (yet)."""


class CompiledError(UnsupportedError):
    """A derivative the compiled backend (`backend="numba"`) cannot compile: a call or
    value numba does not support, said at the user's line it comes from."""


class BackendMissing(Error):
    """The compiled backend was asked for, but its package (numba) is not installed."""


class UsageError(Error):
    """The API was called in a way that has no meaning, e.g. a `wrt` that names no parameter."""


class ArgumentError(Error):
    """A value passed at call time cannot be differentiated, e.g. a string or an int array."""


class Line(int):
    """A line number that knows its file: a statement of a helper inlined into its
    caller (frontend/inline.py) keeps the helper's line, which an error names with the
    helper's file, whatever function the statement now belongs to."""

    def __new__(cls, number, filename):
        line = super().__new__(cls, number)
        line.filename = filename
        return line

    def __reduce__(self):
        return Line, (int(self), self.filename)


class Location:
    """Where a node of the user's source is, for error messages."""

    def __init__(self, filename, first_line, function):
        self.filename = filename
        self.first_line = first_line
        self.function = function

    def line(self, node):
        """The line in the user's file of a node parsed from the dedented source."""
        return self.first_line + getattr(node, "lineno", 1) - 1

    def unsupported(self, node, construct, advice):
        """The refusal of `construct`; the fence's table writes `advice` as it reads
        after a colon, the message begins it as a sentence."""
        return UnsupportedError(
            f"{construct} in function '{self.function}' is not supported. "
            f"{advice[:1].upper()}{advice[1:]}", self.filename, self.line(node))


@contextlib.contextmanager
def located(filename, line):
    """Give an error raised inside without a place (a rule knows its arguments, not
    where it is used) the place of the operation being worked on."""
    try:
        yield
    except Error as exc:
        if exc.filename is not None:
            raise
        raise type(exc)(str(exc), filename, line) from None
