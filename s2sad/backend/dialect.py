"""The numba dialect of a generated derivative: the same statements, rewritten where
numba's `nopython` mode needs another spelling.

It reads the derivative's own source (each statement keeps the user's line it came
from) and runs the rewrites of `PASSES` in order:

    stack = []                                 (one tape per saved value: tapes.py)
    for _ in reversed(range(n)):        ->     for _ in range(n - 1, -1, -1):
    y = None                            ->     y = np.empty(0)    (an array of y's rank)
    a, b = [], []                       ->     a = []; b = []
    if a:                               ->     if len(a) > 0:
    np.array(a)                         ->     stacked(a)         (backend/runtime.py)
    np.add(a, b, out=c)                 ->     np.add(a, b, c)

What numba cannot compile at all is refused later (support.py), by the calls it makes.
"""
import re
from dataclasses import dataclass

import gast
import numpy as np

from ..syntax.lines import Lines, carry
from ..syntax.printer import source
from ..syntax.template import const
from . import tapes

RUNTIME = ("push", "stacked")


@dataclass
class Dialect:
    """The rewritten source, the user's (file, line) of each of its lines, and the names
    of the run-time helpers it calls (`push` -> the name it calls it by)."""
    source: str
    lines: tuple
    helpers: dict


class _Names:
    """Fresh names beside every word of the derivative's source."""

    def __init__(self, text):
        self.used = set(re.findall(r"[A-Za-z_]\w*", text))

    def __call__(self, word):
        found, count = word, 1
        while found in self.used:
            count += 1
            found = f"{word}{count}"
        self.used.add(found)
        return found


def numba_dialect(derived):
    """The `Dialect` of `derived` (an emit.assemble.Derived)."""
    text = derived.source
    tree = gast.parse(text).body[0]
    for node in gast.walk(tree):
        if isinstance(node, gast.stmt) and node is not tree:
            where = derived.lines[node.lineno - 1] if node.lineno <= len(derived.lines) \
                else None
            setattr(node, "s2sad_line", where or 0)
    fresh = _Names(text)
    # the stack's names are gone once it is split: `push` may name the helper
    fresh.used -= set(tapes.handles(tree.body) or ())
    helpers = {word: fresh(word) for word in RUNTIME}
    helpers["np"] = _numpy_word(derived.function) or fresh("np")
    body = tree.body
    backward = [s for s in body if derived.backward_from and s.lineno > derived.backward_from]
    kinds = derived.spec.kinds
    for rewrite in PASSES:
        body = rewrite(body, kinds, helpers, fresh)
    returned = body.pop() if body and isinstance(body[-1], gast.Return) else None
    out = Lines()
    out.add(text.split("\n", 1)[0])
    split = body.index(backward[0]) if backward and backward[0] in body else len(body)
    out.block(body[:split])
    if split < len(body):
        out.add("    # backward sweep")
        out.block(body[split:], out.last())
    if returned is not None:
        out.add("    " + source(returned))
    return Dialect("\n".join(out.texts) + "\n", tuple(out.lines), helpers)


def _numpy_word(fn):
    """The name the Python derivative reads NumPy by (a closure cell or a global), or None."""
    cells = zip(fn.__code__.co_freevars, fn.__closure__ or ())
    for word, cell in cells:
        try:
            if cell.cell_contents is np:
                return word
        except ValueError:
            pass
    return next((word for word in fn.__code__.co_names if fn.__globals__.get(word) is np),
                None)


def split_tapes(body, kinds, helpers, fresh):
    if tapes.handles(body) is None:
        return body
    out = tapes.Split(body, kinds, fresh, helpers["np"]).run()
    for node in gast.walk(gast.Module(body=out, type_ignores=[])):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
                node.func.id == "push":
            node.func.id = helpers["push"]
    return out


def counting_loops(body, kinds, helpers, fresh):
    """`reversed(range(...))` (and a range sliced to its first `trips`) as a range that
    counts down."""
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.For) and _is_call(node.iter, "reversed"):
            node.iter = _downward(node.iter.args[0])
    return body


def _downward(forward):
    """The range that runs `forward` (a range, or a range sliced to `[:trips]`) backward."""
    trips = None
    if isinstance(forward, gast.Subscript) and isinstance(forward.slice, gast.Slice) and \
            forward.slice.lower is None and forward.slice.step is None:
        forward, trips = forward.value, forward.slice.upper
    args = [_operand(a) for a in forward.args]
    start, stop, step = ["0"] + args + ["1"] if len(args) == 1 else \
        args + ["1"] if len(args) == 2 else args
    if trips is not None:
        count = _operand(trips)
        last = f"{count} - 1" if start == "0" else f"{start} + {count} - 1"
        if step == "1":
            return _expression(f"range({last}, {_minus(start, '1')}, -1)")
        return _expression(f"range({start} + ({count} - 1) * {step}, "
                           f"{_minus(start, step)}, -{step})")
    if step == "1":
        return _expression(f"range({_minus(stop, '1')}, {_minus(start, '1')}, -1)")
    return _expression(f"range({start} + (len(range({start}, {stop}, {step})) - 1) * "
                       f"{step}, {_minus(start, step)}, -{step})")


def _operand(node):
    """`node`'s source, in parentheses unless it is a name, number, call or subscript."""
    text = source(node)
    simple = (gast.Name, gast.Constant, gast.Call, gast.Subscript, gast.Attribute)
    return text if isinstance(node, simple) else f"({text})"


def _minus(a, b):
    if a.lstrip("-").isdigit() and b.isdigit():
        return str(int(a) - int(b))
    return f"{a} - {b}"


def placeholders(body, kinds, helpers, fresh):
    """`v = None` (a name not yet given a value) as a value of `v`'s kind: numba gives a
    variable one type. The value is never read: the code reads `v` only once assigned."""
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Constant) and \
                node.value.value is None and isinstance(node.targets[0], gast.Name):
            kind = kinds.get(node.targets[0].id)
            if kind is None:
                continue
            if kind.is_scalar:
                node.value = const(0 if kind.tag == "int" else 0.0)
            elif kind.is_array and kind.ndim is not None:
                shape = "0" if kind.ndim == 1 else "(" + ", ".join(["0"] * kind.ndim) + \
                    ("," if kind.ndim == 1 else "") + ")"
                node.value = _expression(f"{helpers['np']}.empty({shape})")
    return body


def ufunc_outputs(body, kinds, helpers, fresh):
    """`np.add(a, b, out=c)` (an in-place statement of optimize/inplace.py) as
    `np.add(a, b, c)`: numba takes a ufunc's output as an argument, not a keyword."""
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and \
                isinstance(getattr(np, node.func.attr, None), np.ufunc) and \
                [k.arg for k in node.keywords] == ["out"] and \
                len(node.args) == getattr(np, node.func.attr).nin:
            node.args.append(node.keywords.pop().value)
    return body


def lists(body, kinds, helpers, fresh):
    """Lists the adjoint gathers (the batched products of batching.py): one assignment
    each, `len` for their truth, `stacked` for `np.array` of them."""
    made = set()

    def block(statements):
        out = []
        for statement in statements:
            parts = _split_empty_lists(statement)
            if parts is not None:
                made.update(p.targets[0].id for p in parts)
                out += carry(parts, statement)
                continue
            if isinstance(statement, gast.Assign) and _is_empty(statement.value):
                made.update(t.id for t in statement.targets if isinstance(t, gast.Name))
            for field in ("body", "orelse"):
                if isinstance(getattr(statement, field, None), list):
                    setattr(statement, field, block(getattr(statement, field)))
            out.append(statement)
        return out
    body = block(body)
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, (gast.If, gast.While)) and isinstance(node.test, gast.Name) \
                and node.test.id in made:
            node.test = _expression(f"len({node.test.id}) > 0")
        if isinstance(node, gast.Call) and _is_attribute_call(node, "array") and \
                len(node.args) == 1 and isinstance(node.args[0], gast.Name) and \
                node.args[0].id in made and not node.keywords:
            node.func = gast.Name(id=helpers["stacked"], ctx=gast.Load(), annotation=None,
                                  type_comment=None)
    return body


def _split_empty_lists(statement):
    if isinstance(statement, gast.Assign) and isinstance(statement.targets[0], gast.Tuple) \
            and isinstance(statement.value, gast.Tuple) and \
            all(_is_empty(v) for v in statement.value.elts) and \
            all(isinstance(t, gast.Name) for t in statement.targets[0].elts):
        return [gast.Assign(targets=[gast.Name(id=t.id, ctx=gast.Store(), annotation=None,
                                               type_comment=None)],
                            value=gast.List(elts=[], ctx=gast.Load()), type_comment=None)
                for t in statement.targets[0].elts]
    return None


def _is_empty(node):
    return isinstance(node, gast.List) and not node.elts


def _is_call(node, word):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
        node.func.id == word


def _is_attribute_call(node, attr):
    return isinstance(node.func, gast.Attribute) and node.func.attr == attr


def _expression(text):
    return gast.parse(text).body[0].value


PASSES = (split_tapes, counting_loops, placeholders, lists, ufunc_outputs)
