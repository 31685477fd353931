"""Lowering functions as values: nested `def`s, lambdas, `map`, calls of a function value.

A mixin of the lowerer (lower.py). A nested `def` or a `lambda` is a `Callee` held in the
lowering's names (never an IR value): calling it inlines its body (inline.py), reading
the enclosing function's variables as they are at the call. `map(f, xs)` over tuples
known while lowering is the tuple of the calls; what would keep a function as a run-time
value (stored in a tuple, chosen by a condition, returned) is refused where it happens.
"""
import builtins
import inspect

import gast

from .. import ir
from ..errors import located
from . import calls
from .callees import Callee, Placed, wanted
from .read import as_def
from .inline import Frame


class FunctionLowering:
    """Nested functions and lambdas bound to names, called, passed on and mapped."""

    def stmt_FunctionDef(self, node):
        """A nested `def`: a function the enclosing one calls by its name (inlined)."""
        if node.name in self.mutable:
            raise self.error(node, f"the nested function `{node.name}`, whose name is also "
                             "assigned in a branch or loop", "give it a name of its own.")
        self.env[node.name] = self.closure(node, node.name)

    def expr_Lambda(self, node, target):
        return self.closure(as_def(node, "lambda"), "lambda")

    def closure(self, node, name):
        """The `Callee` of a nested `def` or `lambda`: its defaults evaluated now, as
        Python does; its free names read through this frame when it is called."""
        args = node.args
        defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
        parameters = []
        for arg, default in zip(args.args + args.kwonlyargs, defaults + args.kw_defaults):
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD if arg in args.args \
                else inspect.Parameter.KEYWORD_ONLY
            value = inspect.Parameter.empty if default is None else self.argument(default)
            self.check_plain(value, default)
            # the value now, as Python keeps it, whatever the variable holds later
            value = self.snapshot(value, None)
            parameters.append(inspect.Parameter(arg.id, kind, default=value))
        where = Placed(self.where.filename, self.where.first_line, name)
        return Callee(node, name, node, where, self.scope, inspect.Signature(parameters),
                      definer=Frame.current(self))

    def function_value(self, node):
        """The function an argument names: a nested function, a lambda, a module-level
        function."""
        value = self.expr(node)
        if isinstance(value, Callee) or (isinstance(value, ir.Global)
                                         and callable(value.value)):
            return value
        raise self.error(node, "mapping a value that is not a function",
                         "pass a function: `map(f, xs)`.")

    def call_value(self, func, args, kwargs, node, target=None):
        """Call the function value `func` (a `Callee` or a module-level function's
        `ir.Global`) with these atoms: inlined, or one operation."""
        if isinstance(func, Callee):
            return self.inline(func, args, kwargs, node, target)
        func = self.callable(node, func)
        self.check_callable(node, func)
        inlined = self.inlined_call(func, args, kwargs, node, target)
        if inlined is not None:
            return inlined
        return self.emit(target, func.value, args, kwargs, callee=func.text)

    def inlined_call(self, func, args, kwargs, node, target):
        """The result of a call of a module-level function inlined (callees.wanted),
        or None: the call is one operation."""
        if not calls.is_user_function(func.value):
            return None
        with located(self.where.filename, self.where.line(node)):
            bound = calls.bound_atoms(func.value, args, kwargs, func.text)
        if not wanted(func.value, bound, self.inlining.several):
            return None
        return self.inline_function(func.value, args, kwargs, node, target)

    def mapped(self, node):
        """`map(f, xs, ...)` over tuples known while lowering: the tuple of the calls."""
        if node.keywords or len(node.args) < 2:
            raise self.error(node, "this call of `map`", "call `map` with a function and "
                             "tuples: `map(f, xs)`.")
        func = self.function_value(node.args[0])
        sequences = [self.expr(arg) for arg in node.args[1:]]
        if not all(isinstance(sequence, tuple) for sequence in sequences):
            raise self.error(node, "`map` over an array", "use NumPy functions on the whole "
                             "array (`np.sin(x)`), or loop with `for i in range(len(x))`.")
        return tuple(self.call_value(func, items, (), node) for items in zip(*sequences))

    def is_map(self, node):
        return isinstance(node, gast.Call) and self.resolve(node.func) is builtins.map
