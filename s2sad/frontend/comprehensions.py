"""Lowering list comprehensions and generator expressions.

A mixin of the lowerer (lower.py), whose state it reads and writes. A comprehension is
desugared into what it means, over the sequences `for` loops run over (sequences.py):
over sequences known while lowering, with conditions on constants only, it is a tuple of
atoms: `[f(v) for v in (a, b)]` is `(f(a), f(b))`, which a call packs like a list display
(`np.array`, `np.stack`, `sum`), `max`/`min` chain, and NumPy gets as an array. Over a
run-time sequence, `generate` lowers its loops and conditions around what a fold does
with each element (folds.py); kept as a list it is refused.

Its variables are its own, as in Python 3: they shadow the function's names inside it and
do not leak out; in a loop they get a name of their own when the function uses theirs.
"""
import gast
import numpy as np

from .. import ir
from ..syntax.operators import BINARY, COMPARE, UNARY
from .records import Display

COMPREHENSIONS = (gast.ListComp, gast.GeneratorExp)
_UNKNOWN = object()


class ComprehensionLowering:
    """Comprehensions as tuples of atoms or accumulating loops."""

    def expr_ListComp(self, node, target):
        if id(node) in self.known_elements:
            return self.known_elements.pop(id(node))
        elements = self.static_elements(node)
        if elements is not None:
            return Display(elements)
        # over a sequence known only at run time: a list built by appends (lists.py)
        items = self.made_list((), target if target is not None and target.name in self.lists
                               else None)
        self.generate(node, lambda: self.emit(items, ir.APPEND, (items, self.expr(node.elt))),
                      {items.name})
        return items

    def expr_GeneratorExp(self, node, target):
        if id(node) in self.known_elements:
            return self.known_elements.pop(id(node))
        raise self.error(node, "a generator expression outside `sum`, `max`, `min`, "
                         "`math.fsum` or `math.prod`", "pass it straight to one of them, "
                         "or write a list comprehension.")

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

