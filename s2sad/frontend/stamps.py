"""What a derivative was built from, and whether it still holds.

A derivative is generated from a function's code and from what the names it reads meant
then: the helper `sq` it calls, `np` being NumPy, `C` being a float rather than an array
(the kinds of values decide the generated code). In a notebook all of these change
between calls: a helper is redefined, IPython's autoreload swaps a function's `__code__`,
a global is reassigned. A `Stamp` records each of them and tells whether it still holds,
in Python (`holds`) and as an expression the fast path of a derived function tests on
every call (`guard`), so a cached derivative is rebuilt, never run stale.

What a value must keep depends on what the derivative took from it:
- objects that choose code (functions, modules, rules, classes): the same object;
- numbers: the same type (their kind), and the same value where a rule read it as a
  constant (`axis=AXIS`) or where it is an integer, string or tuple (a configuration);
- arrays: the same type, shape and dtype (kinds carry shapes; dtypes decide in-place
  updates and complex values).
Library modules and their attributes (`np`, `np.sin`, `math.pi`) are taken as fixed:
rebinding them is not something user code does, and checking them would cost every call.
"""
import sys
import types

import numpy as np


class _Missing:
    """What a name that is not defined resolves to, in a stamp."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()

# modules whose attributes are taken as fixed
_FIXED = frozenset(sys.stdlib_module_names) | {"numpy", "scipy"}
_CONFIGURATION = (bool, int, str, bytes, complex, type(None), tuple)


def is_library(module):
    """A module of the standard library, NumPy or SciPy: the names bound to it and its
    attributes are taken as fixed."""
    return isinstance(module, types.ModuleType) and \
        module.__name__.partition(".")[0] in _FIXED


def fingerprint(value, exact=False):
    """What of `value` a derivative built from it relies on: `("is", value)`, `("type",
    type)`, `("equal", type, value)` or `("array", shape, dtype)`. `exact`: the value
    was read as a constant."""
    kind = type(value)
    if kind is np.ndarray:
        return ("array", value.shape, value.dtype)
    if kind in _CONFIGURATION and _literal(value):
        return ("equal", kind, value)
    if kind is float or isinstance(value, np.generic):
        return ("equal", kind, value) if exact else ("type", kind)
    return ("is", value)


def _literal(value):
    return not isinstance(value, tuple) or all(
        type(item) in _CONFIGURATION + (float,) and _literal(item) for item in value)


def matches(value, print_):
    """Whether `value` still has the fingerprint `print_`."""
    how = print_[0]
    if how == "is":
        return value is print_[1]
    if how == "type":
        return type(value) is print_[1]
    if how == "equal":
        return type(value) is print_[1] and value == print_[2]
    return type(value) is np.ndarray and value.shape == print_[1] and \
        value.dtype == print_[2]


class Check:
    """One thing a derivative relies on: `read()` gives what it is now, which must match
    `print_`; `text` is the same read as an expression over names given by `constant`."""

    def __init__(self, read, text, print_):
        self.read = read
        self.text = text
        self.print_ = print_

    def holds(self):
        return matches(self.read(), self.print_)

    def guard(self, constant):
        """`holds()` as an expression; `constant(value, hint)` names an object."""
        now = self.text(constant)
        how = self.print_[0]
        if how == "is":
            return f"{now} is {constant(self.print_[1], 'k')}"
        if how == "type":
            return f"type({now}) is {constant(self.print_[1], 'T')}"
        if how == "equal":
            return (f"type(v := {now}) is {constant(self.print_[1], 'T')} "
                    f"and v == {constant(self.print_[2], 'k')}")
        return (f"type(v := {now}) is ndarray and v.shape == {self.print_[1]!r} "
                f"and v.dtype == {constant(self.print_[2], 'D')}")


def of_code(fn):
    """The function's own code and defaults: what autoreload replaces in place (a new
    `def` makes a new function, which the names that reach it see). Defaults that were
    None stay so unless the code changes too (a new signature)."""
    checks = [Check(lambda: fn.__code__, lambda c: f"{c(fn, 'f')}.__code__",
                    ("is", fn.__code__))]
    for attr in ("__defaults__", "__kwdefaults__"):
        if getattr(fn, attr) is not None:
            checks.append(Check(lambda attr=attr: getattr(fn, attr),
                                lambda c, attr=attr: f"{c(fn, 'f')}.{attr}",
                                ("is", getattr(fn, attr))))
    return checks


def of_cell(cell, value, exact=False):
    return Check(lambda: contents(cell), lambda c: f"{c(contents, 'contents')}"
                 f"({c(cell, 'cell')})", fingerprint(value, exact))


def of_global(namespace, name, value, exact=False):
    """A module-level name (MISSING: not defined there, so a builtin or nothing)."""
    get = namespace.get
    return Check(lambda: get(name, MISSING), lambda c: f"{c(get, 'get')}({name!r}, "
                 f"{c(MISSING, 'MISSING')})", fingerprint(value, exact))


def of_attribute(owner, attr, value, exact=False):
    return Check(lambda: getattr(owner, attr, MISSING),
                 lambda c: f"getattr({c(owner, 'o')}, {attr!r}, {c(MISSING, 'MISSING')})",
                 fingerprint(value, exact))


def contents(cell):
    """What a closure cell holds, or MISSING for an empty one."""
    try:
        return cell.cell_contents
    except ValueError:
        return MISSING


class Stamp:
    """The checks a derivative relies on, from every function it was built from."""

    def __init__(self, checks=()):
        self.checks = tuple(dict.fromkeys(checks))

    def holds(self):
        return all(check.holds() for check in self.checks)

    def guard(self, constant):
        """`holds()` as one expression (`True` when there is nothing to check)."""
        return " and ".join(check.guard(constant) for check in self.checks) or "True"
