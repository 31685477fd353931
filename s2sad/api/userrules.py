"""Derivative rules given by the user, for functions s2sad cannot read or should not.

A function with no source (`scipy.special.erf`, a compiled routine) or one whose
derivative is known in closed form gets a rule like the built-in ones, with Python
functions in place of formula templates. The generated code calls them by name, so it
stays readable:

    >>> def erf_partial(x):
    ...     return 2 / np.sqrt(np.pi) * np.exp(-x * x)
    >>> s2sad.defrule(scipy.special.erf, partials=[erf_partial])

gives the adjoint `x_bar += y_bar * erf_partial(x)` and the tangent
`y_dot = x_dot * erf_partial(x)`. `check_rule` tests a rule against central differences
and its two modes against each other, as the test suite does for every built-in rule.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import gast
import numpy as np

from .. import pipeline, rules
from ..errors import Error, UnsupportedError, UsageError, shown
from ..ir import kinds as K
from ..rules.base import Add, Rule, load_optional, register, total
from ..rules.partials import Elementwise
from ..syntax.template import name
from .check import directional_derivative


class RuleError(Error):
    """A user rule disagrees with the function it describes."""


@dataclasses.dataclass(frozen=True)
class UserPartials(Elementwise):
    """An elementwise function with user-given partials: `functions[i](*args)` is
    d(result)/d(argument i), with the arguments' shapes, broadcast like the function."""
    functions: tuple = ()

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != len(self.partials):
            raise UnsupportedError(f"`{self.name}` is called with {len(arg_kinds)} arguments, "
                                   f"but its rule gives partials for {len(self.partials)}.")
        return super().out_kind(arg_kinds, consts)

    def adjoint(self, site):
        return super().adjoint(self._bound(site))

    def tangent(self, site):
        return super().tangent(self._bound(site))

    def _bound(self, site):
        names = {f"partial{i}": site.bind(fn, _hint(fn, self.name, f"partial{i}"))
                 for i, fn in enumerate(self.functions) if fn is not None}
        return dataclasses.replace(site, handles={**site.handles, **names})


@dataclasses.dataclass(frozen=True)
class UserLinearized(Rule):
    """Any function, with user-given tangent and adjoint maps per argument:
    `tangents[i](a_dot, *args)` is the result's tangent along argument i's tangent,
    `adjoints[i](g, *args)` the adjoint of argument i (the argument's shape) given the
    result's adjoint `g`; `ndim` is the result's number of axes, if the user said."""
    name: str
    tangents: tuple
    adjoints: tuple
    doc: str = ""
    ndim: int = None

    def differentiable(self, position):
        return position < len(self.adjoints) and self.adjoints[position] is not None

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != len(self.adjoints):
            raise UnsupportedError(f"`{self.name}` is called with {len(arg_kinds)} arguments, "
                                   f"but its rule describes {len(self.adjoints)}.")
        if self.ndim is None:
            return K.UNKNOWN
        return K.SCALAR if self.ndim == 0 else K.array(self.ndim)

    def adjoint(self, site):
        return {i: Add(self._call(site, fn, f"adjoint{i}", site.g))
                for i, fn in enumerate(self.adjoints) if fn is not None and site.active[i]}

    def tangent(self, site):
        if site.vector:
            raise UnsupportedError(f"the rule of `{self.name}` takes one tangent at a time; "
                                   "compute one direction at a time with s2sad.jvp.")
        return total(self._call(site, fn, f"tangent{i}", dot)
                     for i, (fn, dot) in enumerate(zip(self.tangents, site.dots))
                     if fn is not None and dot is not None)

    def _call(self, site, fn, role, first):
        function = name(site.bind(fn, _hint(fn, self.name, role)))
        return gast.Call(func=function, args=[first] + list(site.args), keywords=[])


def _hint(fn, label, role):
    """The name generated code calls a user's derivative function by: its own name, or
    for a lambda the rule's name and the function's role (`blackbox_adjoint1`)."""
    own = getattr(fn, "__name__", "")
    if own.isidentifier():
        return own
    base = label.rsplit(".", 1)[-1]
    return f"{base}_{role}" if base.isidentifier() else role


def defrule(fn: Callable[..., Any], *,
            partials: Callable[..., Any] | Sequence[Callable[..., Any] | None] | None = None,
            tangents: Callable[..., Any] | Sequence[Callable[..., Any] | None] | None = None,
            adjoints: Callable[..., Any] | Sequence[Callable[..., Any] | None] | None = None,
            ndim: int | None = None, name: str | None = None) -> Callable[..., Any]:
    """Give s2sad the derivative of `fn`, which it then uses wherever `fn` is called.

    Either `partials`, for a function that acts elementwise (with NumPy broadcasting):
    one function per positional argument, `partials[i](*args)` = d fn / d argument i
    (None for an argument that is not differentiable). Both modes follow from them.

    Or `tangents` and `adjoints`, for any function: one function per argument (or None),
    `tangents[i](arg_dot, *args)` the result's tangent along that argument's tangent and
    `adjoints[i](g, *args)` that argument's adjoint, of the argument's shape, for the
    result's adjoint `g`. `ndim`, the number of axes of the result (0 for a number), lets
    s2sad specialise the code around the call; without it the code works for any shape.

    A rule replaces any earlier one, and derivatives generated before it are dropped.
    Check a new rule with `s2sad.check_rule(fn, *example_args)`."""
    label = name or getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) \
        or type(fn).__name__
    if partials is not None:
        if tangents is not None or adjoints is not None:
            raise UsageError("give either `partials` or `tangents` and `adjoints`, not both.")
        functions = _functions(partials, "partials")
        templates = tuple(None if f is None else
                          f"partial{i}({', '.join('abcd'[:len(functions)])})"
                          for i, f in enumerate(functions))
        if len(functions) > 4:
            raise UsageError("`partials` handles at most four arguments; use `tangents` and "
                             "`adjoints` for more.")
        rule = UserPartials(label, templates, None, "user rule", functions)
    else:
        if tangents is None or adjoints is None:
            raise UsageError("`defrule` needs `partials`, or both `tangents` and `adjoints`.")
        tangents, adjoints = _functions(tangents, "tangents"), _functions(adjoints, "adjoints")
        if len(tangents) != len(adjoints) or any(
                (t is None) != (a is None) for t, a in zip(tangents, adjoints)):
            raise UsageError("`tangents` and `adjoints` must give a function (or None) for "
                             "the same arguments.")
        rule = UserLinearized(label, tangents, adjoints, "user rule", ndim)
    load_optional(imported=True)
    register(rule, fn)
    pipeline.forget()
    return fn


def _functions(items, what):
    items = tuple(items) if isinstance(items, (list, tuple)) else (items,)
    for item in items:
        if item is not None and not callable(item):
            raise UsageError(f"`{what}` must hold functions (or None), not {shown(item)}.")
    return items


def check_rule(fn: Callable[..., Any], *args: Any, rtol: float = 1e-6, seed: int = 0) -> None:
    """Check the rule of `fn` at `args`: its tangent along a random direction against
    central differences, and its adjoint against its tangent by the dot-product test
    <J t, g> = <t, J^T g>. Raises `RuleError` naming the argument and the discrepancy."""
    rule = rules.lookup(fn)
    if not isinstance(rule, (UserPartials, UserLinearized)):
        raise UsageError(f"`{getattr(fn, '__name__', fn)}` has no user rule to check; "
                         "give it one with s2sad.defrule.")
    rng = np.random.default_rng(seed)
    args = [np.asarray(a, dtype=float) if isinstance(a, np.ndarray) else a for a in args]
    value = np.asarray(fn(*args), dtype=float)
    cotangent = rng.normal(size=value.shape)
    for i, arg in enumerate(args):
        if not rule.differentiable(i):
            continue
        direction = rng.normal(size=np.shape(arg))
        tangent, adjoint = _evaluate(rule, i, args, direction, cotangent, value.shape)
        numeric = directional_derivative(fn, args, i, direction)[0]
        scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
        error = float(np.max(np.abs(tangent - numeric), initial=0.0))
        if error > rtol * scale * 10:
            raise RuleError(f"the tangent of argument {i} of `{rule.name}` is off by {error:.3g} "
                            f"from central differences (of size {scale:.3g}).")
        left = float(np.sum(tangent * cotangent))
        right = float(np.sum(np.asarray(adjoint, dtype=float) * direction))
        if abs(left - right) > 1e-9 * max(1.0, abs(left), abs(right)):
            raise RuleError(f"the adjoint of argument {i} of `{rule.name}` does not match its "
                            f"tangent: <J t, g> = {left!r} but <t, J^T g> = {right!r}.")


def _evaluate(rule, i, args, direction, cotangent, shape):
    if isinstance(rule, UserPartials):
        partial = np.asarray(rule.functions[i](*args), dtype=float)
        tangent = np.broadcast_to(partial * direction, shape)
        adjoint = np.asarray(cotangent * partial)
        extra = adjoint.ndim - np.ndim(args[i])
        adjoint = adjoint.sum(axis=tuple(range(extra))) if extra > 0 else adjoint
        axes = tuple(k for k, n in enumerate(np.shape(args[i])) if n == 1 and adjoint.shape[k] != 1)
        adjoint = adjoint.sum(axis=axes, keepdims=True) if axes else adjoint
        return tangent, adjoint
    tangent = np.broadcast_to(np.asarray(rule.tangents[i](direction if np.ndim(args[i])
                                                          else float(direction), *args),
                                         dtype=float), shape)
    return tangent, rule.adjoints[i](cotangent if shape else float(cotangent), *args)
