"""Lowering comprehensions and generator expressions, and the folds that take them.

A mixin of the lowerer (lower.py), whose state it reads and writes. A comprehension is
desugared into what it means, over the sequences `for` loops run over (iteration.py):

- over sequences known while lowering, with conditions known too, it is a tuple of atoms:
  `[f(v) for v in (a, b)]` is `(f(a), f(b))`, which a call packs like a list display
  (`np.array`, `np.stack`, `sum`) and `max`/`min` chain;
- `sum`, `math.prod`, `max` and `min` of one over a run-time sequence are an accumulating
  loop, its conditions `if`s inside it:

      total = sum(x[i] ** 2 for i in range(n) if x[i] > 0)
  ->  total = 0
      for i in range(n):
          if x[i] > 0:
              total = total + x[i] ** 2

  `max`/`min` take the first element and then `max(m, e)`, which keeps Python's first of
  equal values (and so its derivative at ties).

Its variables are its own, as in Python 3: they shadow the function's names inside it and
do not leak out; in a loop they get a name of their own when the function uses theirs.
"""
import builtins
import math

import gast
import numpy as np

from .. import ir
from ..syntax.operators import BINARY, COMPARE, UNARY

COMPREHENSIONS = (gast.ListComp, gast.GeneratorExp)
# folds of a run-time sequence as an accumulating loop: the start and the step
_FOLDS = {builtins.sum: (0, BINARY[gast.Add]), math.prod: (1, BINARY[gast.Mult])}
# the calls that take a generator expression
FOLDS = {builtins.sum, math.fsum, math.prod, builtins.max, builtins.min}
_UNKNOWN = object()


class ComprehensionLowering:
    """Comprehensions as tuples of atoms or accumulating loops."""

    def expr_ListComp(self, node, target):
        if id(node) in self.known_elements:
            return self.known_elements.pop(id(node))
        elements = self.static_elements(node)
        if elements is None:
            raise self.error(node, "a list comprehension over a sequence known only at "
                             "run time", "reduce it where it is made (`sum(... for ...)`, "
                             "`max(...)`), write the loop, or compute the values with "
                             "NumPy operations on whole arrays.")
        return elements

    def expr_GeneratorExp(self, node, target):
        if id(node) in self.known_elements:
            return self.known_elements.pop(id(node))
        raise self.error(node, "a generator expression outside `sum`, `max`, `min`, "
                         "`math.fsum` or `math.prod`", "pass it straight to one of them, "
                         "or write a list comprehension.")

    def fold(self, node, func, target):
        """`sum`, `math.prod`, `max` or `min` of a comprehension: over sequences known
        while lowering its elements are kept for the call to pack or chain (and None is
        returned); else the accumulating loop, whose variable is returned."""
        if func.value not in FOLDS or not node.args \
                or not isinstance(node.args[0], COMPREHENSIONS):
            return None
        comprehension = node.args[0]
        elements = self.static_elements(comprehension)
        if elements is not None:
            self.known_elements[id(comprehension)] = elements
            return None
        if func.value in (builtins.max, builtins.min):
            if len(node.args) > 1 or node.keywords:
                raise self.error(node, f"`{func.text}` of a sequence with more arguments",
                                 f"pass `{func.text}` the sequence alone.")
            return self.extreme(comprehension, func, target)
        if func.value not in _FOLDS:
            raise self.error(comprehension, f"`{func.text}` of a comprehension over a "
                             "sequence known only at run time",
                             "use `sum` (the same derivative), or write the loop.")
        start, step = _FOLDS[func.value]
        if node.keywords or len(node.args) > (2 if func.value is builtins.sum else 1):
            raise self.error(node, f"`{func.text}` with these arguments",
                             f"call `{func.text}(sequence)`"
                             + (" or `sum(sequence, start)`." if start == 0 else "."))
        first = self.expr(node.args[1]) if len(node.args) > 1 else ir.Const(start)
        total = self.accumulator(target, "total" if start == 0 else "product")
        self.emit(total, ir.COPY, (first,))

        def add():
            self.emit(total, step, (total, self.expr(comprehension.elt)))
        self.generate(comprehension, add, {total.name})
        return total

    def extreme(self, comprehension, func, target):
        """`max(e for ...)`: the first element is taken, each later one through
        `max(m, e)`; none at all fails like Python. Over one sequence without conditions
        the first trip is the loop's first count; else a flag says whether an element
        came yet."""
        extreme = self.accumulator(target, "largest" if func.value is builtins.max
                                   else "smallest")
        message = f"{func.text}() arg is an empty sequence"

        def take(later):
            value = self.expr(comprehension.elt)
            rest, fresh_rest = self.nested(lambda: self.emit(
                extreme, func.value, (extreme, value), callee=func.text))
            first, fresh_first = self.nested(lambda: self.emit(extreme, ir.COPY, (value,)))
            self.compound(ir.If(later, rest, first, self.line),
                          [(rest, fresh_rest), (first, fresh_first)])
        generator = comprehension.generators[0]
        if len(comprehension.generators) == 1 and not generator.ifs:
            with self.comprehension_scope(comprehension, static=False):
                sequence = self.sequence(generator.iter)
                step = sequence.step
                if isinstance(step, ir.Const) and isinstance(step.value, int):
                    counter = self.comprehension_counter(generator.target, sequence)
                    order = "<" if step.value > 0 else ">"
                    self.block.append(ir.Assert(compare(sequence.start, order, sequence.stop),
                                                message, self.line))
                    later = compare(ir.Var(counter), "!=", sequence.start)
                    assigned = set(self.loop_names.values()) | {extreme.name}
                    self.counted_loop(sequence, generator.target, lambda: take(later),
                                      assigned, counter, comprehension)
                    return extreme
        found = ir.Var(self.namer.fresh("found"))
        self.mutable.add(found.name)
        self.emit(found, ir.COPY, (ir.Const(False),))

        def flagged():
            take(compare(found))
            self.emit(found, ir.COPY, (ir.Const(True),))
        self.generate(comprehension, flagged, {extreme.name, found.name})
        self.block.append(ir.Assert(compare(found), message, self.line))
        return extreme

    def accumulator(self, target, hint):
        """The variable a fold accumulates in: the assignment's own new variable when
        nothing reads it yet, else one of its own."""
        if target is None or target.name in self.mutable:
            target = ir.Var(self.namer.fresh(hint))
        self.mutable.add(target.name)
        return target

    # elements known while lowering

    def static_elements(self, node):
        """The elements of a comprehension whose sequences and conditions are known while
        lowering, as a tuple of atoms; None (and nothing lowered) otherwise."""
        mark, computed = len(self.block), dict(self.computed)
        elements = []
        with self.comprehension_scope(node, static=True):
            known = self.elements(node, 0, elements)
        if known:
            return tuple(elements)
        del self.block[mark:]
        self.computed = computed
        return None

    def elements(self, node, position, out):
        if position == len(node.generators):
            out.append(self.expr(node.elt))
            return True
        generator = node.generators[position]
        sequence = self.sequence(generator.iter)
        if not isinstance(sequence, tuple):
            return False
        for item in sequence:
            self.bind(generator.target, item, node, static=True)
            conditions = [self.constant(test) for test in generator.ifs]
            if _UNKNOWN in conditions:
                return False
            if all(conditions) and not self.elements(node, position + 1, out):
                return False
        return True

    def constant(self, node):
        """The value of a condition computed from constants only, else `_UNKNOWN`."""
        if isinstance(node, gast.Constant):
            return node.value
        if isinstance(node, gast.Name):
            atom = self.read(node)
            return atom.value if isinstance(atom, ir.Const) else _UNKNOWN
        if isinstance(node, gast.BoolOp):
            values = [self.constant(value) for value in node.values]
            if _UNKNOWN in values:
                return _UNKNOWN
            return all(values) if isinstance(node.op, gast.And) else any(values)
        operation, operands = _operation(node)
        if operation is None:
            return _UNKNOWN
        values = [self.constant(operand) for operand in operands]
        if _UNKNOWN in values:
            return _UNKNOWN
        try:
            return operation(*values)
        except (ArithmeticError, TypeError):
            return _UNKNOWN

    # elements known at run time

    def generate(self, node, leaf, assigned):
        """Lower the loops and conditions of a comprehension with `leaf()` innermost;
        `assigned` are the variables `leaf` overwrites."""
        with self.comprehension_scope(node, static=False):
            self.generator(node, 0, leaf, assigned)

    def generator(self, node, position, leaf, assigned):
        if position == len(node.generators):
            leaf()
            return
        generator = node.generators[position]
        sequence = self.sequence(generator.iter)

        def inner():
            self.conditions(generator.ifs, lambda: self.generator(
                node, position + 1, leaf, assigned))
        if isinstance(sequence, tuple):
            self.loop_kinds.append("unrolled")
            for item in sequence:
                self.bind(generator.target, item, node, copy=True)
                inner()
            self.loop_kinds.pop()
            return
        inside = {self.loop_names[n.id] for later in node.generators[position:]
                  for n in gast.walk(later.target) if isinstance(n, gast.Name)}
        self.counted_loop(sequence, generator.target, inner, assigned | inside,
                          self.comprehension_counter(generator.target, sequence), node)

    def comprehension_counter(self, target, sequence):
        if isinstance(target, gast.Name) and sequence.item is None:
            return self.loop_names[target.id]
        leaves = [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]
        return self.namer.fresh(leaves[0] + "_index")

    def conditions(self, tests, body):
        """`body()` under the conditions `tests`, each an `if` unless known."""
        if not tests:
            body()
            return
        value = self.constant(tests[0])
        if value is _UNKNOWN:
            test = self.test(tests[0])
            then, fresh = self.nested(lambda: self.conditions(tests[1:], body))
            orelse, fresh_else = self.nested(lambda: None)
            self.compound(ir.If(test, then, orelse, self.line),
                          [(then, fresh), (orelse, fresh_else)])
        elif value:
            self.conditions(tests[1:], body)

    def comprehension_scope(self, node, static):
        return _Scope(self, node, static)

    def numpy_name(self, node, name):
        """How the generated code calls `np.name` for the user: as their module spells
        NumPy."""
        for spelling in ("np", "numpy"):
            found, value = self.scope.lookup(spelling)
            if found and value is np:
                return f"{spelling}.{name}"
        raise self.error(node, "a list comprehension given to NumPy in a module that does "
                         "not import NumPy as `np` or `numpy`",
                         "add `import numpy as np` to the module.")


class _Scope:
    """A comprehension's variables for the time it is lowered: what the names meant
    before comes back after; in a loop each gets a variable of its own (the user's name
    when the function uses it nowhere else)."""

    def __init__(self, lowerer, node, static):
        self.lowerer, self.node, self.static = lowerer, node, static

    def __enter__(self):
        lowerer = self.lowerer
        bound = [n.id for generator in self.node.generators
                 for n in gast.walk(generator.target) if isinstance(n, gast.Name)]
        self.env = {name: lowerer.env.get(name, _UNKNOWN) for name in bound}
        self.names = dict(lowerer.loop_names)
        if not self.static:
            for name in dict.fromkeys(bound):
                own = name not in lowerer.params and name not in lowerer.loop_names and \
                    not _free_uses(lowerer.parsed.node, name)
                lowerer.loop_names[name] = name if own else lowerer.namer.fresh(name)

    def __exit__(self, *exc):
        for name, atom in self.env.items():
            if atom is _UNKNOWN:
                self.lowerer.env.pop(name, None)
            else:
                self.lowerer.env[name] = atom
        self.lowerer.loop_names = self.names


def _free_uses(node, name):
    """Whether `name` occurs in `node` outside every comprehension that binds it."""
    if isinstance(node, gast.Name):
        return node.id == name
    if isinstance(node, COMPREHENSIONS + (gast.SetComp, gast.DictComp)) and any(
            isinstance(n, gast.Name) and n.id == name
            for generator in node.generators for n in gast.walk(generator.target)):
        return False
    return any(_free_uses(child, name) for child in gast.iter_child_nodes(node))


def compare(left, order=None, right=None):
    """The condition `left order right` of atoms (`left` alone: its truth)."""
    def written(atom):
        if isinstance(atom, ir.Var):
            return gast.Name(id=atom.name, ctx=gast.Load(), annotation=None,
                             type_comment=None)
        return gast.Constant(value=atom.value, kind=None)
    reads = tuple(dict.fromkeys(a for a in (left, right) if isinstance(a, ir.Var)))
    if order is None:
        return ir.Test(written(left), reads, False)
    node = gast.Compare(left=written(left), ops=[_ORDERS[order]()],
                        comparators=[written(right)])
    return ir.Test(node, reads, False)


_ORDERS = {"<": gast.Lt, ">": gast.Gt, "!=": gast.NotEq}


def _operation(node):
    """The operator function of an operator node and its operands, or (None, ())."""
    if isinstance(node, gast.BinOp) and type(node.op) in BINARY:
        return BINARY[type(node.op)], (node.left, node.right)
    if isinstance(node, gast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)], (node.operand,)
    if isinstance(node, gast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE:
        return COMPARE[type(node.ops[0])], (node.left, node.comparators[0])
    return None, ()


def is_numpy(value):
    return (getattr(value, "__module__", None) or "").split(".")[0] == "numpy" \
        or isinstance(value, np.ufunc)

