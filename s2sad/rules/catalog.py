"""The supported-functions page (docs/functions.md), generated from the rule table.

The page is what a user reads to learn whether s2sad knows a function and what it does
at the points where a derivative is a choice; it is written from the same table the
code uses, so it cannot drift (a test compares it with the file). Regenerate it with

    python -m s2sad.rules.catalog > docs/functions.md
"""
import ast
import builtins
import math
import operator
import sys

import numpy as np

from .. import ir, runtime
from .base import TABLE, NonDifferentiable, load_optional, lookup
from .partials import Elementwise

_OPERATORS = {
    operator.add: "a + b", operator.sub: "a - b", operator.mul: "a * b",
    operator.truediv: "a / b", operator.floordiv: "a // b", operator.mod: "a % b",
    operator.pow: "a ** b", operator.matmul: "a @ b", operator.neg: "-a", operator.pos: "+a",
    operator.not_: "not a", operator.lt: "a < b", operator.le: "a <= b",
    operator.gt: "a > b", operator.ge: "a >= b", operator.eq: "a == b",
    operator.ne: "a != b", operator.getitem: "x[index]",
}
# index tricks, objects with no `__name__`
_TRICKS = ((np.r_, "np.r_[...]"), (np.c_, "np.c_[...]"))
_MODULES = (("math", math), ("np.linalg", np.linalg), ("np.random", np.random),
            ("np.fft", np.fft), ("np", np), ("builtins", builtins),
            ("s2sad.runtime", runtime))
# SciPy's modules with rows (loaded once the program imports them: base.OPTIONAL), by
# section
_SCIPY = {"scipy.special": "SciPy special functions", "scipy.stats": "SciPy distributions",
          "scipy.signal": "SciPy signal processing", "scipy.linalg": "SciPy linear algebra",
          "scipy.integrate": "SciPy integration"}
SECTIONS = ("Operators", "Builtins", "math", "NumPy", "NumPy linear algebra",
            "NumPy Fourier transforms", "Array methods and attributes") + tuple(_SCIPY.values()) + (
            "s2sad's run-time helpers",)

HEADER = """\
# Supported functions

This page is generated from s2sad's rule table (`python -m s2sad.rules.catalog >
docs/functions.md`); a test fails when it is out of date. Every row is checked by the
test suite in both modes against central differences. Your own functions are
differentiated from their source; a library function (NumPy, SciPy, the standard
library) that is not listed is an error at the line that calls it, naming it: give it a
rule with `s2sad.defrule` (docs/rules.md), or write the computation with the functions
listed here.

In the formulas, `a`, `b`, `c` are the arguments in order, `out` the result; elementwise
rows broadcast like NumPy and keep float32 as float32. "No derivative" rows are used
freely (shapes, counts, comparisons, rounding): they pass no derivative on and never
raise. What s2sad does where a function is not differentiable (`abs` at 0, ties in
`max`, `sqrt` at 0, the norm of a zero vector) is explained in docs/rules.md.

The SciPy sections apply where SciPy is installed (it stays optional): their rows are
loaded once the program imports the SciPy module they belong to, and a partial that
needs a special function calls SciPy (`special.i1`, `stats.norm.pdf`). Keyword arguments
of the elementwise rows (`loc=`, `scale=`, `b=`) are differentiated like positional
ones; the distributions compute in float64 like SciPy, and so do their derivatives.

The last section lists the helpers s2sad's generated derivatives call
(s2sad/runtime.py): with rules of their own, a derivative s2sad generates can be
differentiated again, and a function may call them too.
"""


def spelling(prim, rule=None):
    """How the user writes the primitive: `np.sin(a)`, `a + b`, `x.sum(...)`, `x.T`."""
    arguments = "..."
    if getattr(rule, "parameters", ()):
        arguments = ", ".join(rule.parameters)
    elif getattr(rule, "signature", ()):
        arguments = ", ".join(name for name, _ in rule.signature)
    elif isinstance(rule, Elementwise) and 0 < len(rule.partials) <= 4:
        arguments = ", ".join("abcd"[:len(rule.partials)])
    if getattr(rule, "name", "").startswith("scipy."):
        return f"{rule.name}({arguments})"
    if prim in _OPERATORS:
        return _OPERATORS[prim]
    if isinstance(prim, ir.Attr):
        return f"x.{prim.name}"
    if isinstance(prim, ir.Method):
        return f"x.{prim.name}(...)"
    if isinstance(prim, ir.Part):
        return f"{spelling(prim.prim)}[{'i' if prim.index is None else prim.index}]"
    for trick, text in _TRICKS:
        if prim is trick:
            return text
    name = getattr(prim, "__name__", None)
    for label, module in _MODULES:
        if name and getattr(module, name, None) is prim:
            call = f"{name}({arguments})"
            return call if label == "builtins" else f"{label}.{call}"
    if scipy_name(prim):
        return f"{scipy_name(prim)}({arguments})"
    return None


def scipy_name(prim):
    """`scipy.special.j0`, or `scipy.stats.norm.sf` for a method of a distribution object
    (bound to it: the table keys it so); None for anything else. Only modules already
    imported are searched, as SciPy is optional."""
    name = getattr(prim, "__name__", None)
    owner = getattr(prim, "__self__", None)
    for label in _SCIPY:
        module = sys.modules.get(label)
        if module is None or not name:
            continue
        if getattr(module, name, None) is prim:
            return f"{label}.{name}"
        for word, value in vars(module).items():
            if owner is not None and value is owner:
                return f"{label}.{word}.{name}"
    return None


def section(prim):
    if prim in _OPERATORS:
        return "Operators"
    if isinstance(prim, (ir.Attr, ir.Method)):
        return "Array methods and attributes"
    text = spelling(prim, lookup(prim)) or ""
    for label, title in _SCIPY.items():
        if text.startswith(label + "."):
            return title
    if text.startswith("s2sad.runtime."):
        return "s2sad's run-time helpers"
    if text.startswith("np.linalg."):
        return "NumPy linear algebra"
    if text.startswith("np.fft."):
        return "NumPy Fourier transforms"
    if text.startswith("np."):
        return "NumPy"
    if text.startswith("math."):
        return "math"
    return "Builtins"


def derivative(rule):
    """The derivative column: partials for elementwise rows, else what the rule says."""
    if isinstance(rule, NonDifferentiable):
        return "no derivative"
    if isinstance(rule, Elementwise):
        names = getattr(rule, "parameters", ()) or "abcd"
        parts = []
        for position, partial in enumerate(rule.partials):
            if partial is None:
                continue
            text = partial if isinstance(partial, str) else " / ".join(
                f"({p})" for p in partial)
            if names != "abcd":
                text = _renamed(text, names)
            parts.append(f"∂/∂{names[position]} = `{text.replace('lib.', '')}`")
        return "; ".join(parts) or "no derivative"
    return _cell(rule.doc) or "yes"


def _renamed(text, names):
    """A partial written in a, b, c, d, arg4, ... with the parameters' own names."""
    letters = dict(zip(["a", "b", "c", "d"] + [f"arg{i}" for i in range(4, len(names))],
                       names))
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in letters:
            node.id = letters[node.id]
    return ast.unparse(tree)


def rows():
    """(section, spelling, derivative, notes) for every documented primitive, in order;
    the rows of optional libraries (SciPy) included where they can be imported."""
    load_optional()
    found = {}
    for prim, rule in TABLE.items():
        text = spelling(prim, rule)
        if text is None:
            continue
        notes = _cell(rule.doc) if isinstance(rule, (Elementwise, NonDifferentiable)) else ""
        found[(SECTIONS.index(section(prim)), text)] = (derivative(rule), notes)
    return [(SECTIONS[key[0]], key[1]) + value for key, value in sorted(found.items())]


def _cell(text):
    return " ".join((text or "").split()).replace("|", "\\|")


def markdown():
    lines = [HEADER]
    current = None
    for name, text, formula, notes in rows():
        if name != current:
            current = name
            lines += ["", f"## {name}", "", "| function | derivative | notes |",
                      "|---|---|---|"]
        lines.append(f"| `{text}` | {formula} | {notes} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
