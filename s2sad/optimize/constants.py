"""Numbers known when the code is generated, carried into the statements that read them.

`grad` always seeds the backward sweep with 1.0, so the adjoint it runs takes no seed
argument and starts from `f_bar = 1.0`. Carried forward, the seed turns `t17_bar =
f_bar * 0.5` and `t15_bar = t17_bar * 2 * t15` into `t15_bar = t15`: a multiplication
less per adjoint, which in a loop over arrays is a pass over an array per trip.

A name is replaced only where that is exact: it is assigned once, to an expression that
folds to a number, and read only after that assignment in the same block (or in blocks
nested there), so every read sees that number.
"""
import math
import operator

import gast
import numpy as np

from .. import ir
from ..syntax import queries
from ..syntax.printer import assign
from ..syntax.simplify import number, simplify
from ..syntax.template import const

# functions whose result is floating point whatever the (real) type of their argument
_FLOATING = {operator.truediv} | {getattr(module, f) for module in (np, math) for f in (
    "exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "sin", "cos",
    "tan", "arcsin", "arccos", "arctan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "asinh", "acosh", "atanh", "erf", "erfc")
    if hasattr(module, f)}
# operators whose result is floating point when one operand is
_FOLLOWING = {operator.add, operator.sub, operator.mul, operator.pow, operator.neg,
              operator.pos, operator.matmul}


def run(statements, context):
    """The pass over the backward sweep, when `grad` fixes the seed (`context.fixed_seed`,
    its name): the seed assigned 1.0 first, and carried forward."""
    if context.fixed_seed is None:
        return statements
    return propagate([assign(context.fixed_seed, const(1.0))] + statements, context.copy,
                     context.readers, context.numbers, context.floats)


def propagate(statements, copy, readers=(), numbers=(), floats=()):
    """`statements` with each number-valued name assigned once substituted into its
    readers, and the assignment dropped, then each copy `a = b` that this leaves read
    as `b`; names that `readers` (code that follows) read keep theirs. `numbers`: names
    that hold numbers; `floats`: array names known to hold floating-point values (`1.0 *
    mask` is not `mask`); `copy(node)`: the expression that copies an array.

    `x_bar = f_bar * x` assigns a new array; with `f_bar` 1.0 it would become `x_bar =
    x`, an alias, which is kept only when neither name is updated in place and the code
    that follows does not read the new name (else it is `np.copy(x)`)."""
    stores = _stores(statements)
    read_after = {key[0] for key in _stores(readers) if isinstance(key, tuple)}
    for identifier in read_after:
        stores[identifier] = None
    shared = queries.updated_in_place(statements) | read_after
    aliases = _Aliases(shared, set(numbers), set(floats), copy)
    while True:
        found = _first(statements, lambda *at: _constant(*at, stores))
        if found is None:
            break
        block, index, identifier, value = found
        del block[index]
        for statement in block[index:]:
            _substitute(statement, identifier, value, aliases)
    while True:
        found = _first(statements, lambda *at: _copy(*at, stores, shared))
        if found is None:
            return statements
        block, index, identifier, other = found
        del block[index]
        for statement in block[index:]:
            _rename_reads(statement, identifier, other)


def _first(block, find):
    """`(block, index) + find(block, index)` for the first statement, nested ones
    included, for which `find` returns a tuple."""
    for index, statement in enumerate(block):
        found = find(block, index)
        if found is not None:
            return (block, index) + found
        for field in ("body", "orelse"):
            inner = getattr(statement, field, None)
            if inner:
                found = _first(inner, find)
                if found is not None:
                    return found
    return None


def _assigned_once(block, index, stores, value_test):
    """The name `block[index]` assigns when it is a plain assignment, of a value that
    passes `value_test`, to a name assigned nowhere else and read only after it in this
    block (so every read sees this value), else None: all its reads are in the block from
    this statement on. The reads are counted last: that walk is what costs."""
    statement = block[index]
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], gast.Name)):
        return None
    identifier = statement.targets[0].id
    if stores.get(identifier) != 1 or not value_test(statement.value):
        return None
    if _reads(block[index:], identifier) == stores.get((identifier,), 0):
        return identifier
    return None


def _constant(block, index, stores):
    """(name, number) when `block[index]` assigns a number that can be carried forward."""
    identifier = _assigned_once(block, index, stores, lambda value: number(value) is not None)
    return None if identifier is None else (identifier, number(block[index].value))


def _copy(block, index, stores, shared):
    """(a, b) when `block[index]` is `a = b` and `a` can be read as `b`: besides what a
    number needs, `b` is not assigned again in the block and neither is updated in place
    (`t15_bar = 1.0 * t15` folded to `t15_bar = t15`)."""
    identifier = _assigned_once(block, index, stores,
                                lambda value: isinstance(value, gast.Name))
    other = block[index].value.id if identifier else None
    if other is None or {identifier, other} & shared or queries.assigns(block[index + 1:], {other}):
        return None
    return identifier, other


def _rename_reads(statement, identifier, other):
    bound = {id(node) for node, binds in _names([statement]) if binds}
    for node in gast.walk(statement):
        if isinstance(node, gast.Name) and node.id == identifier and id(node) not in bound:
            node.id = other


def _stores(statements):
    """How many times each name is assigned, and (under key (name,)) how many times read,
    in the whole of `statements`."""
    counts = {}
    for node, binds in _names(statements):
        key = node.id if binds else (node.id,)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _names(statements):
    """(Name node, whether it is assigned there) for every name in `statements`; an
    augmented assignment's target is read too. Generated code does not always set the
    nodes' `ctx`, so assignment is read off the statements' structure."""
    found = []
    for statement in statements:
        bound, nodes = set(), list(gast.walk(statement))
        for node in nodes:
            for target in queries.targets(node):
                for name in queries.bound_names(target):
                    bound.add(id(name))
                    found.append((name, True))
                    if isinstance(node, gast.AugAssign):
                        found.append((name, False))
        found += [(node, False) for node in nodes
                  if isinstance(node, gast.Name) and id(node) not in bound]
    return found


def _reads(statements, identifier):
    return sum(1 for node, binds in _names(statements) if node.id == identifier and not binds)


def _substitute(statement, identifier, value, aliases):
    """Replace the reads of `identifier` in `statement` and the statements nested in it
    by `value`, simplifying each expression that changed."""
    for field, old in gast.iter_fields(statement):
        if isinstance(old, list):
            for inner in old:
                if isinstance(inner, gast.stmt):
                    _substitute(inner, identifier, value, aliases)
        elif isinstance(old, gast.expr) and queries.mentions(old, identifier) and not (
                field == "target" and queries.bound_names(old)):
            replaced = _replaced(old, identifier, value)
            new = simplify(replaced)
            base = queries.viewed(new) if queries.viewed(old) is None else None
            if base is not None and base not in aliases.numbers:
                if base not in aliases.floats:
                    new = replaced
                elif isinstance(statement, gast.Assign) and aliases.matter(
                        statement.targets[0], base):
                    new = aliases.copy(new)
            setattr(statement, field, new)


class _Aliases:
    """What decides whether an array read bare in place of a product is still right."""

    def __init__(self, shared, numbers, floats, copy):
        self.shared, self.numbers, self.floats, self.copy = shared, numbers, floats, copy

    def matter(self, target, base):
        """Whether `target = base...` shares memory where that matters."""
        names = {base} | ({target.id} if isinstance(target, gast.Name) else set())
        return bool(names & self.shared)


def _replaced(node, identifier, value):
    def literal():
        return const(value) if value >= 0 else gast.UnaryOp(op=gast.USub(),
                                                            operand=const(-value))

    class Replace(gast.NodeTransformer):
        def visit_Name(self, name):
            if name.id == identifier:
                return literal()
            return name
    return Replace().visit(node)


def floats(function, params=()):
    """Names of `function` (a Wengert list) that hold floating-point values whatever the
    arguments' dtypes: the parameters `params`, results of true division or of `exp`,
    `tanh`, ..., and of arithmetic with such a value or a float literal. Other arguments
    and names assigned from anything else may hold integers or booleans."""
    defs = {}
    for op in ir.walk(function.body):
        if isinstance(op, ir.Op):
            defs.setdefault(op.target.name, []).append(op)
    found = set(params)
    while True:
        new = {target for target, ops in defs.items() if target not in found
               and target not in function.params and all(_floating(op, found) for op in ops)}
        if not new:
            return found
        found |= new


def _floating(op, found):
    if op.prim in _FLOATING:
        return True
    if op.prim in _FOLLOWING:
        return any(isinstance(a, ir.Const) and isinstance(a.value, float) or
                   isinstance(a, ir.Var) and a.name in found for a in op.args)
    return False
