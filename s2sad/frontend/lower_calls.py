"""Lowering calls: what a call runs, its arguments, methods, `max`/`min`, packed sequences.

A mixin of the lowerer (lower.py), whose state it reads and writes. A call is lowered
when it has a derivative rule or runs a function of the user's own (calls.py), and
refused here, at the user's line, otherwise (advice.py says what to write instead).
"""
import builtins

import gast
import numpy as np

from .. import ir, rules
from ..errors import UnsupportedError
from . import advice, calls, read
from .lists import Display, list_method_problem


class CallLowering:
    """Calls lowered to one operation each, whose primitive is what the call runs."""

    def expr_Call(self, node, target):
        if isinstance(node.func, gast.Attribute):
            value = self.expr(node.func.value)
            if not isinstance(value, ir.Global) or isinstance(value.value, np.ndarray):
                if isinstance(value, tuple) or self.is_list(value):
                    raise self.error(node, *list_method_problem(node.func.attr,
                                                                advice.written(node.func.value)))
                return self.method_call(node, value, target)
        func = self.expr(node.func)
        if not isinstance(func, ir.Global):
            raise self.error(node, "calling a computed value",
                             "call functions by their module-level name.")
        if func.value in (builtins.max, builtins.min):
            return self.extremum(node, func, target)
        func = self.callable(node, func)
        listed = self.list_call(node, func, target)
        if listed is not None:
            return listed
        if calls.is_user_function(func.value):
            self.check_list_arguments(node, func)
        self.check_callable(node, func)
        args, kwargs, packed = self.call_arguments(node, func.value)
        return self.emit(target, func.value, args, kwargs, callee=func.text, packed=packed)

    def callable(self, node, func):
        """The function a call runs: through wrappers that run it unchanged
        (`functools.lru_cache`); a derivative s2sad made is an error (higher order)."""
        if isinstance(func.value, read.Derivative):
            raise UnsupportedError(
                f"calling `{func.text}`, a derivative made by s2sad, inside a differentiated "
                "function: derivatives of derivatives (higher order) are not supported "
                f"yet. Write the first derivative as a function of its own, or pass "
                f"`{func.text}(...)`'s value as an argument.", self.where.filename,
                self.where.line(node))
        if isinstance(func.value, (staticmethod,) + read.TRANSPARENT):
            return ir.Global(func.text, read.target(func.value))
        return func

    def method_call(self, node, value, target):
        """`x.sum(axis=0)`: the method's own rule, with `x` as the first argument."""
        prim = ir.Method(node.func.attr)
        if rules.lookup(prim) is None:
            raise self.error(node, *_method_problem(node))
        args, kwargs, _ = self.call_arguments(node, prim)
        return self.emit(target, prim, (value,) + args, kwargs)

    def call_arguments(self, node, prim):
        """Positional and keyword atoms of a call. A rule that takes a sequence
        (`np.stack`, `np.array`) gets the elements of a list or tuple display as its
        leading arguments, each differentiable on its own."""
        args = list(node.args)
        packed, leading = None, []
        if getattr(rules.lookup(prim), "packs", False) and args:
            if isinstance(args[0], (gast.List, gast.Tuple)):
                packed = self.pack(args.pop(0), leading)
            elif isinstance(args[0], gast.Name) and isinstance(self.read(args[0]), tuple):
                packed = self.pack(self.read(args.pop(0)), leading)
        atoms = tuple(leading) + tuple(self.argument(arg) for arg in args)
        kwargs = tuple((kw.arg, self.argument(kw.value)) for kw in node.keywords)
        return atoms, kwargs, packed

    def pack(self, display, leaves):
        """The `Packed` layout of a list or tuple display, or of a tuple held in a
        variable, with its elements appended to `leaves`."""
        items = []
        for elt in display.elts if isinstance(display, gast.AST) else display:
            if isinstance(elt, (gast.List, gast.Tuple, tuple)):
                items.append(self.pack(elt, leaves))
            else:
                items.append(len(leaves))
                leaves.append(self.expr(elt) if isinstance(elt, gast.AST) else elt)
        brackets = "list" if isinstance(display, (gast.List, Display)) else "tuple"
        return ir.Packed(tuple(items), brackets)

    def extremum(self, node, func, target):
        """`max(a, b, c)` and `max([a, b, c])` as a chain of two-argument calls, which
        keeps Python's choice on ties (the first of equal values)."""
        args = node.args
        held = self.list_extremum(node, func, target)
        if isinstance(held, ir.Var):
            return held
        if held is not None:
            args = list(held)
        if len(args) == 1 and isinstance(args[0], (gast.List, gast.Tuple)):
            args = args[0].elts
        if node.keywords or len(args) < 2:
            raise self.error(node, f"`{func.text}` of one sequence or with keywords",
                             f"list the values: `{func.text}(a, b)`; for the elements of an "
                             f"array use `np.{func.text}(x)`.")

        def lowered(arg):
            return self.expr(arg) if isinstance(arg, gast.AST) else arg
        result = lowered(args[0])
        for position, arg in enumerate(args[1:], 2):
            last = position == len(args)
            result = self.emit(target if last else None, func.value,
                               (result, lowered(arg)), callee=func.text)
        return result

    def argument(self, node):
        """An argument atom; a list display there is a shape or other constant tuple
        (`np.zeros([n, 3])`)."""
        if isinstance(node, gast.List):
            return tuple(self.argument(elt) for elt in node.elts)
        return self.expr(node)

    def part_call(self, node, count):
        """Whether `node` calls a primitive that returns `count` outputs, each with its own
        rule (`sign, logdet = np.linalg.slogdet(A)`)."""
        if not isinstance(node, gast.Call):
            return None
        prim = self.resolve(node.func)
        if prim is None or rules.lookup(ir.Part(prim, 0)) is None:
            return None
        if count is not None and rules.lookup(ir.Part(prim, count - 1)) is None:
            return None
        return prim

    def part(self, node, index, target):
        prim = self.resolve(node.func)
        func = self.expr(node.func)
        args, kwargs, _ = self.call_arguments(node, prim)
        return self.emit(target, ir.Part(prim, index), args, kwargs, callee=func.text)

    def check_callable(self, node, func):
        """A call needs a rule or the source of a function of the user's own: a library
        function without a rule is refused here, at the user's line, never parsed."""
        if rules.lookup(func.value) is not None or calls.is_user_function(func.value):
            return
        if rules.lookup(ir.Part(func.value, 0)) is not None:
            raise self.error(node, f"the tuple `{func.text}(...)` used whole",
                             f"unpack its outputs (`a, b = {func.text}(...)`) or index it "
                             f"with a constant (`{func.text}(...)[1]`).")
        raise UnsupportedError(advice.no_rule(func.text, func.value), self.where.filename,
                               self.where.line(node))


def _method_problem(node):
    """The construct and the advice for a method s2sad has no rule for."""
    name = node.func.attr
    if name == "sort":
        return "the method `.sort()`", advice.SORT
    if hasattr(np.ndarray, name):
        instead = advice.numpy_instead(name, advice.written(node.func.value),
                                       bool(node.args or node.keywords))
        return (f"the method `.{name}()`",
                (f"use {instead} instead; " if instead else
                 "compute it with NumPy functions or operators instead; ")
                + "docs/functions.md lists the methods s2sad knows.")
    return (f"the method call `{advice.written(node.func)}(...)`",
            f"`.{name}()` is no array method, and s2sad calls only the array methods "
            "listed in docs/functions.md. Call a function defined with `def` at module "
            "level instead (s2sad differentiates it from its source), passing it what it "
            "needs as arguments, or compute the value outside the differentiated function "
            "and pass it as an argument.")
