"""Views and aliasing: what the derivative cannot see, refused.

A NumPy view shares memory with its base, so a later element write to the base changes
the view behind the derivative's back; an augmented assignment to an array another name
also holds changes both. Neither is visible in the Wengert list's data flow, so these
programs are refused with the line to change.

What the derivative can see is kept: `written_views` maps the views of arrays written
element by element to those arrays, so that reading a view counts as reading them.
"""
import linecache
import operator

from .. import ir, rules
from ..errors import UnsupportedError
from ..frontend import calls


def check_views(function, kinds):
    """Reject reading a NumPy view of an array after an element write to that array (the
    view sees the write, which the derivative would not know about), and an in-place `+=`
    on an array another variable also names."""
    for var, line, user_name in function.inplace:
        if kinds[var].is_array:
            raise UnsupportedError(
                f"`{user_name} += ...` (or another augmented assignment) updates an array in "
                f"place that another variable, a view or the caller also holds, so it would "
                f"change too; write "
                f"`{user_name} = {user_name} + ...` or copy the other one (`.copy()`)",
                function.filename, line)
    order = list(ir.statements(function.body))
    written = {s.target.name for s in order if isinstance(s, ir.SetItem)}
    for position, op in enumerate(order):
        base = _viewed(op, written, kinds)
        if base is None:
            continue
        view = op.target.name
        for loop in order:
            if isinstance(loop, (ir.For, ir.While)) and \
                    any(isinstance(s, ir.SetItem) and s.target.name == base
                        for s in ir.statements(loop.body)) and \
                    not any(s is op for s in ir.statements(loop.body)):
                for later in ir.statements(loop.body):
                    if view in ir.reads(later):
                        raise UnsupportedError(
                            f"{_view_of(function, op, base)} shares memory with `{base}` (a NumPy "
                            f"view) and is used in a loop that writes into `{base}`; write "
                            f"`.copy()` where you take it (`{base}[...].copy()`)",
                            function.filename, _line(later, op))
        write = None
        for later in order[position + 1:]:
            if isinstance(later, ir.SetItem) and later.target.name == base:
                write = write or later
            elif write and view in ir.reads(later):
                raise UnsupportedError(
                    f"{_view_of(function, op, base)} shares memory with `{base}` (a NumPy "
                    f"view) and is used after line {write.line} writes into `{base}`; "
                    f"write `.copy()` where you take it (`{base}[...].copy()`) or use it "
                    f"before the write",
                    function.filename, _line(later, op))
        if write and ir.Var(view) in ir.atom_vars(function.result):
            raise UnsupportedError(
                f"the returned part or view of `{base}` shares its memory (a NumPy view), "
                f"which line {write.line} writes into; return a copy (`.copy()`)",
                function.filename, op.line)


def _view_of(function, op, base):
    """What a message calls the view `op` takes of `base`, with the user's line."""
    kind = "part" if op.prim is operator.getitem else "view"
    filename = getattr(op.line, "filename", function.filename)  # an inlined helper's
    text = linecache.getline(filename, op.line).strip()
    return f"a {kind} of `{base}` taken on line {op.line}" + (f" (`{text}`)" if text else "")


def _viewed(op, written, kinds):
    """The array written element by element that `op`'s result may share memory with."""
    if not isinstance(op, ir.Op) or kinds[op.target.name].is_scalar:
        return None
    if rules.may_view(op, kinds):
        candidates = op.args[:1]
    elif calls.is_called(op.prim):
        candidates = op.args
    else:
        return None
    for atom in candidates:
        if isinstance(atom, ir.Var) and atom.name in written:
            return atom.name
    return None


def _line(statement, default):
    return getattr(statement, "line", 0) or default.line


def written_views(function, kinds):
    """Variables that may be NumPy views of arrays written element by element, mapped to
    those arrays: reading a view reads the arrays' current elements."""
    written = {s.target.name for s in ir.walk(function.body) if isinstance(s, ir.SetItem)}
    views = {}
    for op in ir.walk(function.body):
        if isinstance(op, ir.Op) and op.args and isinstance(op.args[0], ir.Var) \
                and rules.may_view(op, kinds):
            source = op.args[0].name
            bases = ({source} | views.get(source, set())) & written
            if bases:
                views[op.target.name] = views.get(op.target.name, set()) | bases
    return views
