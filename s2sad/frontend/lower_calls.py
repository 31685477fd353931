"""Lowering calls: what a call runs, its arguments, methods, `max`/`min`, packed sequences.

A mixin of the lowerer (lower.py), whose state it reads and writes. A call is lowered
when it has a derivative rule or runs a function of the user's own (calls.py), and
refused here, at the user's line, otherwise (advice.py says what to write instead).
"""
import builtins
import types

import gast
import numpy as np

from .. import ir, rules
from ..errors import UnsupportedError
from . import advice, calls, placing, read, records
from .callees import Callee
from .comprehensions import COMPREHENSIONS, is_numpy
from .lists import list_method_problem
from .records import Display

# builtins that take a container known while lowering apart, with nothing to run
_ON_CONTAINERS = (builtins.len, builtins.list, builtins.tuple, builtins.dict)


# the functions of s2sad that make a derivative a function may call (higher order)
MAKERS = ("grad", "value_and_grad", "vjp", "jvp")


class CallLowering:
    """Calls lowered to one operation each, whose primitive is what the call runs."""

    def expr_Call(self, node, target):
        if self.is_checkpoint(node):
            self.refuse_marker(node)
        self.refuse_driver(node)
        if self.tapes and self.stack_of(node, "pop") is not None:
            return self.popped_value(node)
        if isinstance(node.func, gast.Attribute):
            value = self.expr(node.func.value)
            if isinstance(value, records.Record) and value.by_attribute:
                if isinstance(value.fields.get(node.func.attr), ir.Global):
                    return self.call_of(node, value.fields[node.func.attr], target)
                # a namedtuple's `_replace` is the record's own, not a library method
                if node.func.attr not in value.fields and not (
                        value.form == "namedtuple" and node.func.attr == "_replace"):
                    return self.method_of(node, value, target)
            if records.is_structure(value):
                return self.container_method(node, value)
            if not isinstance(value, ir.Global) or isinstance(value.value, np.ndarray):
                if isinstance(value, tuple) or self.is_list(value):
                    raise self.error(node, *list_method_problem(node.func.attr,
                                                                advice.written(node.func.value)))
                return self.method_call(node, value, target)
        return self.call_of(node, self.expr(node.func), target)

    def call_of(self, node, func, target):
        """A call of `func`, what the called expression denotes: a function of the
        user's inlined (`Callee`), or a module-level one."""
        if isinstance(func, Callee):
            args, kwargs, _ = self.call_arguments(node, None)
            return self.inline(func, args, kwargs, node, target)
        if not isinstance(func, ir.Global):
            raise self.error(node, "calling a computed value",
                             "call functions by their name (a module-level function, a "
                             "nested `def` or a lambda assigned to a name); to choose "
                             "between two, call each in its own branch.")
        folded = self.fold(node, func, target)
        if folded is not None:
            return folded
        formed = self.numpy_form(node, func, target)
        if formed is not None:
            return formed
        if getattr(func.value, "__module__", None) == "s2sad.api.public" and \
                func.value.__name__ in MAKERS:
            return self.derivative_made(node, func)
        if func.value in (builtins.max, builtins.min):
            return self.extremum(node, func, target)
        if func.value is builtins.map:
            raise self.error(node, "a `map(...)` iterator used as a value",
                             "build a tuple (`tuple(map(f, xs))`), unpack it (`a, b = "
                             "map(f, xs)`) or loop over it; over an array, use NumPy "
                             "functions on the whole array (`np.sin(x)`).")
        if func.value in (builtins.tuple, builtins.list) and len(node.args) == 1 \
                and not node.keywords and self.is_map(node.args[0]):
            return self.mapped(node.args[0])
        if records.record_class(func.value) is not None:
            return self.construct(node, func)
        if func.value is builtins.dict and len(node.args) <= 1 and \
                all(kw.arg is not None for kw in node.keywords):
            base = self.expr(node.args[0]) if node.args else records.Record("dict", {}, dict)
            if isinstance(base, records.Record) and base.form == "dict":
                fields = dict(base.fields)
                fields.update((kw.arg, self.snapshot(self.expr(kw.value), None))
                              for kw in node.keywords)
                return records.Record("dict", fields, dict)
        if func.value in _ON_CONTAINERS and len(node.args) == 1 and not node.keywords:
            held = self.expr(node.args[0])
            if records.is_structure(held):
                return self.container_call(node, func.value, held)
        func = self.callable(node, func)
        listed = self.list_call(node, func, target)
        if listed is not None:
            return listed
        if calls.is_user_function(func.value):
            self.check_list_arguments(node, func)
        count = outputs(func.value)
        if count:
            lowered = self.call_arguments(node, func.value)
            return tuple(self.part(node, i, None, lowered) for i in range(count))
        self.check_callable(node, func)
        args, kwargs, packed = self.call_arguments(node, func.value)
        inlined = self.inlined_call(func, args, kwargs, node, target)
        if inlined is not None:
            return inlined
        return self.emit(target, func.value, args, kwargs, callee=func.text, packed=packed)

    def callable(self, node, func):
        """The function a call runs: through wrappers that run it unchanged
        (`functools.lru_cache`). A derivative s2sad made is called as it is, and
        differentiated through the code it generates (higher order)."""
        if isinstance(func.value, (staticmethod,) + read.TRANSPARENT):
            return ir.Global(func.text, read.target(func.value))
        if isinstance(func.value, read.Derivative) and not func.value.single_result:
            raise self.error(node, f"calling `{func.text}`, a derivative that returns a pair "
                             "or a tuple",
                             "call a `grad` with one `wrt` instead, once per argument "
                             "(`s2sad.grad(f, wrt=0)(x, y)`, `s2sad.grad(f, wrt=1)(x, y)`).")
        return func

    def method_of(self, node, record, target):
        """`self.predict(x)` or `model.predict(x)`, a method of an object known here:
        its function inlined with the object as `self` (a staticmethod without it, a
        classmethod with the class)."""
        name = node.func.attr
        member = records.class_member(record.cls, name)
        if isinstance(member, staticmethod):
            fn, first = member.__func__, ()
        elif isinstance(member, classmethod):
            fn, first = member.__func__, (self.bound_class(record.cls),)
        elif isinstance(member, types.FunctionType):
            fn, first = member, (record,)
        else:
            raise self.error(node, f"the method call `{advice.written(node.func)}(...)`",
                             f"`{record.cls.__name__}` has no method `{name}` s2sad can "
                             "read: define it with `def` in the class.")
        if read.library(fn) is not None:
            raise self.error(node, f"the method `{name}` of {read.library(fn)}",
                             "call a function with a derivative rule instead.")
        args, kwargs, _ = self.call_arguments(node, None)
        return self.inline_function(fn, first + args, kwargs, node, target)

    def derivative_made(self, node, func):
        """`s2sad.grad(f)` written where it is called (`s2sad.grad(f)(x)`): made here,
        once, from the function and the constant `wrt` it names, and read by a name of
        its own; calling it is then a call like any other (higher order)."""
        maker = func.value
        if len(node.args) != 1 or any(k.arg != "wrt" for k in node.keywords):
            raise self.error(node, f"this call of `{func.text}`",
                             f"pass the function and a constant `wrt`: `{func.text}(f, "
                             "wrt=0)`.")
        fn = self.expr(node.args[0])
        wrt = [self.expr(k.value) for k in node.keywords]
        if not isinstance(fn, ir.Global) or not callable(fn.value) or \
                any(not isinstance(w, (ir.Const, tuple)) for w in wrt):
            raise self.error(node, f"`{func.text}` of a computed function or `wrt`",
                             "differentiate a function defined with `def` at module level, "
                             "with a constant `wrt`.")
        wrt = [tuple(a.value for a in w) if isinstance(w, tuple) else w.value for w in wrt]
        made = maker(fn.value, *wrt)
        word = self.namer.fresh(f"{maker.__name__}_{read.base_name(read.innermost(fn.value))}"
                                if isinstance(fn.value, types.FunctionType) else maker.__name__)
        self.inlining.bindings[word] = made
        return ir.Global(word, made)

    def bound_class(self, cls):
        """The class `cls` as a value the generated code reads by a name of its own (a
        classmethod's `cls`, whose attributes it may read)."""
        for word, value in self.inlining.bindings.items():
            if value is cls:
                return ir.Global(word, cls)
        word = self.namer.fresh(cls.__name__)
        self.inlining.bindings[word] = cls
        return ir.Global(word, cls)

    def container_method(self, node, held):
        """`d.get("k", 0.0)`, `d.items()`, `d.values()`, `d.keys()` of a dict known here:
        a leaf, or a tuple of them (which a loop unrolls)."""
        name = node.func.attr
        record = held if isinstance(held, records.Record) else None
        if record is not None and record.form == "namedtuple" and name == "_replace" \
                and not node.args:
            fields = dict(record.fields)
            for keyword in node.keywords:
                if keyword.arg not in fields:
                    raise self.error(node, f"`_replace` of the field `{keyword.arg}`",
                                     f"the fields are {', '.join(fields)}.")
                fields[keyword.arg] = self.snapshot(self.expr(keyword.value), None)
            return records.Record("namedtuple", fields, record.cls)
        if record is not None and record.form == "dict" and not node.keywords:
            if name == "get" and 1 <= len(node.args) <= 2:
                key = self.key(node.args[0], advice.written(node.func.value))
                if key in record.fields:
                    return record.fields[key]
                return self.expr(node.args[1]) if len(node.args) == 2 else ir.Const(None)
            if not node.args and name in ("keys", "values", "items"):
                return records.view(record, name)
        what = "a tuple" if record is None else f"the {record.describe()}"
        raise self.error(node, f"the method `.{name}()` of {what} "
                         f"`{advice.written(node.func.value)}`",
                         "dicts known while lowering offer `d[key]`, `d.get(key, default)`, "
                         "`.keys()`, `.values()` and `.items()`; call a function defined "
                         "with `def` for anything else.")

    def construct(self, node, func):
        """`State(x, v)` of a namedtuple or dataclass: a record of its fields, bound as
        the class binds its arguments (defaults included)."""
        cls = func.value
        names, defaults = records.record_class(cls)
        args = [self.snapshot(self.expr(arg), None) for arg in node.args]
        keywords = {kw.arg: self.snapshot(self.expr(kw.value), None) for kw in node.keywords}
        if len(args) > len(names) or set(keywords) - set(names) or \
                set(names[:len(args)]) & set(keywords):
            raise self.error(node, f"this call of `{func.text}`",
                             f"pass at most the fields {', '.join(names)}, each once.")
        fields = dict(zip(names, args))
        for name in names[len(args):]:
            if name in keywords:
                fields[name] = keywords[name]
            elif name in defaults:
                fields[name] = defaults[name]
            else:
                raise self.error(node, f"`{func.text}(...)` without its field `{name}`",
                                 f"pass `{name}`.")
        form = "namedtuple" if issubclass(cls, tuple) else "dataclass"
        return records.Record(form, fields, cls)

    def container_call(self, node, func, held):
        """`len`, `list`, `tuple` and `dict` of a container known here."""
        items = held.values() if isinstance(held, records.Record) else held
        if func is builtins.len:
            return ir.Const(len(items))
        if func is builtins.dict and isinstance(held, records.Record) and held.form == "dict":
            return records.Record("dict", dict(held.fields), dict)
        if func in (builtins.tuple, builtins.list):
            found = records.view(held, "keys") if isinstance(held, records.Record) \
                and held.form == "dict" else tuple(items)
            return records.Display(found) if func is builtins.list else found
        raise self.error(node, f"`{func.__name__}` of a container",
                         "use `len`, `list`, `tuple` or `dict` of it.")

    def method_call(self, node, value, target):
        """`x.sum(axis=0)`: the method's own rule, with `x` as the first argument."""
        prim = ir.Method(node.func.attr)
        if rules.lookup(prim) is None:
            raise self.error(node, *_method_problem(node))
        args, kwargs, _ = self.call_arguments(node, prim, receiver=(value,))
        return self.emit(target, prim, args, kwargs)

    def call_arguments(self, node, prim, receiver=()):
        """Positional and keyword atoms of a call (after a method's `receiver`). A rule
        that takes a sequence (`np.stack`, `np.array`) gets the elements of a list or
        tuple display as its leading arguments, each differentiable on its own."""
        args = list(node.args)
        packed, leading = None, []
        first = ()
        if getattr(rules.lookup(prim), "packs", False) and args:
            if isinstance(args[0], (gast.List, gast.Tuple)):
                packed = self.pack(args.pop(0), leading)
            elif isinstance(args[0], COMPREHENSIONS):
                packed = self.pack(self.expr(args.pop(0)), leading)
            elif isinstance(args[0], gast.Name) and isinstance(self.read(args[0]), tuple):
                packed = self.pack(self.read(args.pop(0)), leading)
            elif isinstance(args[0], gast.Call):
                # a call that gives a tuple: a helper's values, `list(map(f, xs))`
                first = (self.argument(args.pop(0)),)
                if isinstance(first[0], tuple):
                    packed, first = self.pack(first[0], leading), ()
        numpy = is_numpy(prim)
        atoms = tuple(receiver) + tuple(leading) + first + \
            tuple(self.argument(arg, numpy) for arg in args)
        kwargs = tuple((kw.arg, self.argument(kw.value, numpy)) for kw in node.keywords)
        if calls.is_derivative(prim):
            self.check_no_container(node, atoms + tuple(value for _, value in kwargs))
        rule = rules.lookup(prim) if prim is not None else None
        if kwargs and rule is not None and (packed is None or placing.signature(rule)):
            atoms, kwargs = self.positional(node, rule, atoms, kwargs)
        return atoms, kwargs, packed

    def check_no_container(self, node, atoms):
        """A derivative called inside a function s2sad differentiates (higher order) is
        differentiated from the code it generates for arrays and numbers; a list or tuple
        argument, whose gradient is a list or tuple of its items' (and whose items may
        differ in shape), is refused rather than made an array."""
        for atom in atoms:
            if isinstance(atom, tuple) or self.is_list(atom):
                raise self.error(node, f"a list or tuple given to the derivative "
                                 f"`{advice.written(node.func)}` inside a function s2sad "
                                 "differentiates",
                                 "pass the items as separate arguments, or an array "
                                 "(`np.stack(xs)`) when they have one shape: a derivative "
                                 "differentiated again takes arrays and numbers.")

    def positional(self, node, rule, atoms, kwargs):
        """The arguments of a call with the keywords its rule reads by position moved
        there (placing.py): `np.partition(x, kth=3)` is `np.partition(x, 3)`,
        `norm.pdf(x, scale=s)` is `norm.pdf(x, 0.0, s)`."""
        try:
            return placing.place(rule, atoms, kwargs)
        except placing.Misplaced as problem:
            raise self.error(node, problem.construct,
                             problem.advice.format(advice.written(node.func))) from None

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
        elif len(args) == 1 and isinstance(args[0], (gast.Name,) + COMPREHENSIONS) \
                and not node.keywords:
            held = self.expr(args[0])
            args = held if isinstance(held, tuple) else args
            if not args:
                raise self.error(node, f"`{func.text}` of an empty sequence",
                                 "give it at least one value.")
            if len(args) == 1:
                return args[0]
        if node.keywords or len(args) < 2:
            raise self.error(node, f"`{func.text}` of one sequence or with keywords",
                             f"list the values: `{func.text}(a, b)`; for the elements of an "
                             f"array use `np.{func.text}(x)`.")

        def lowered(arg):
            return self.argument(arg) if isinstance(arg, gast.AST) else arg
        result = lowered(args[0])
        for position, arg in enumerate(args[1:], 2):
            last = position == len(args)
            result = self.emit(target if last else None, func.value,
                               (result, lowered(arg)), callee=func.text)
        return result

    def argument(self, node, numpy=False):
        """An argument atom; a list display there is a shape or other constant tuple
        (`np.zeros([n, 3])`); a list comprehension, given to NumPy, is made an array
        (what NumPy makes of it). An atom lowered already is itself."""
        if not isinstance(node, gast.AST):
            return node
        if isinstance(node, gast.List):
            # still a list: a helper that indexes with it picks elements (`x[idx]`)
            items = Display(self.argument(elt) for elt in node.elts)
            for elt, item in zip(node.elts, items):
                self.check_plain(item, elt, "stored in a tuple or list")
            return items
        if isinstance(node, gast.ListComp) and numpy:
            value = self.expr(node)
            if not isinstance(value, tuple):   # a list built at run time
                return self.emit(None, ir.OnList(np.array), (value,),
                                 callee=self.numpy("array"))
            leaves = []
            packed = self.pack(value, leaves)
            return self.emit(None, np.array, leaves, callee=self.numpy("array"), packed=packed)
        return self.expr(node)

    def part_call(self, node, count):
        """Whether `node` calls a primitive that returns `count` outputs, each with its own
        rule (`sign, logdet = np.linalg.slogdet(A)`)."""
        if not isinstance(node, gast.Call):
            return None
        prim = self.resolve(node.func)
        if prim is None or rules.lookup(ir.Part(prim, 0)) is None or \
                rules.lookup(ir.Part(prim, None)) is not None:
            return None  # (a list of any length: numpy_forms.py)
        if count is not None and rules.lookup(ir.Part(prim, count - 1)) is None:
            return None
        return prim

    def part(self, node, index, target, lowered=None):
        """Output `index` of the call `node`; `lowered`: its arguments, lowered once for
        all the outputs unpacked (`w, v = np.linalg.eigh(kernel(x))` calls `kernel` once)."""
        prim = self.resolve(node.func)
        func = self.expr(node.func)
        args, kwargs, packed = lowered or self.call_arguments(node, prim)
        return self.emit(target, ir.Part(prim, index), args, kwargs, callee=func.text,
                         packed=packed)

    def check_callable(self, node, func):
        """A call needs a rule or the source of a function of the user's own: a library
        function without a rule is refused here, at the user's line, never parsed."""
        if rules.lookup(func.value) is not None or calls.is_called(func.value):
            return
        raise UnsupportedError(advice.no_rule(func.text, func.value), self.where.filename,
                               self.where.line(node))


def outputs(prim):
    """The number of outputs of a function that returns a tuple whose every output has a
    rule of its own (`ir.Part`), 0 for any other: used whole, such a call is the tuple of
    its outputs (`factor = cho_factor(a)`, then `cho_solve(factor, b)`)."""
    if rules.lookup(prim) is not None:
        return 0
    count = 0
    while rules.lookup(ir.Part(prim, count)) is not None:
        count += 1
    return count


def _method_problem(node):
    """The construct and the advice for a method s2sad has no rule for."""
    name = node.func.attr
    if name in ("sort", "partition"):
        return (f"the method `.{name}()` (in place, returning None)",
                f"write `x = np.{name}(x{', kth' if name == 'partition' else ''})`: a new "
                "array, which s2sad differentiates.")
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
