"""Soundness: a differentiated value never meets an operation that would drop it.

Activity analysis passes derivatives through the argument positions a rule declares
differentiable and ignores the others. That is exact only where the result does not
depend on the argument differentiably: an index, a comparison, an integer result, the
shape taken from `np.zeros_like(x)`. Anywhere else it would be a silent zero. So every
operation whose result reaches the function's result is checked: each argument that
holds a differentiated value is either passed to a user function (differentiated from
its source), or at a position the rule differentiates, or at one it declares constant
(`Rule.constant`: its result is piecewise constant there), or the transformation stops
here with a located error. A differentiated value inside a tuple, whose elements the
rules do not see, is such an error too, and so is one held in a value that is not a
number or an array.
"""
import numpy as np

from .. import ir, rules
from ..errors import UnsupportedError
from ..frontend import calls
from ..ir import kinds as K
from ..rules.catalog import spelling
from ..rules.constructors import dtype_class
from ..rules.literals import MISSING
from . import infer


def check(function, kinds, varied):
    """Raise `UnsupportedError` at the first operation that would drop a derivative."""
    reaching = _reaching(function)
    discrete = _discrete_arrays(function, kinds)
    for statement in ir.walk(function.body):
        if isinstance(statement, ir.SetItem):
            if kinds.get(statement.target.name, K.UNKNOWN).is_scalar:
                raise _error(f"writing an element of `{statement.target.name}`, which holds a "
                             "number; write into an array (`np.zeros(n)`, `x.copy()`)",
                             function.filename, statement.line)
            if _held(statement.value, varied) and not isinstance(statement.value, ir.Var):
                raise _tuple_error(function, statement, statement.value, varied)
            name = statement.target.name
            if name in discrete and _held(statement.value, varied):
                raise _error(
                    f"writing a value that depends on the differentiated input into an "
                    f"integer or boolean array (made on line {discrete[name]}), which "
                    "truncates it; make the array with a float dtype (`np.arange(3.0)`, "
                    "`np.zeros(n)`, `dtype=float`)", function.filename, statement.line)
            continue
        if statement.target.name not in reaching:
            continue
        _check_op(function, statement, kinds, varied)


def _check_op(function, op, kinds, varied):
    if calls.is_called(op.prim):
        for atom in calls.bound_arguments(op):
            if _held(atom, varied) and not isinstance(atom, ir.Var):
                raise _tuple_error(function, op, atom, varied)
        return
    rule = rules.lookup(op.prim)
    arg_kinds = [infer.kind_of(atom, kinds) for atom in op.args]
    for position, atom in enumerate(op.args):
        if not _held(atom, varied) or rule.constant(position, arg_kinds):
            continue
        if not isinstance(atom, ir.Var):
            raise _tuple_error(function, op, atom, varied)
        if not rule.differentiable(position) and hasattr(rule, "refusal"):
            raise _error(rule.refusal(_called(op)), function.filename, op.line)
        if not rule.differentiable(position):
            raise _error(
                f"s2sad has no derivative of `{_called(op)}` with respect to its argument "
                f"{position + 1}, which depends on the differentiated input; compute that "
                "argument from values that do not depend on it, or give the function a "
                "rule with s2sad.defrule (docs/rules.md)",
                function.filename, op.line)
    target = op.target.name
    meets = [k for k in arg_kinds + [kinds.get(target)] if k is not None and k.tag == "foreign"]
    if meets and (target in varied or any(_held(atom, varied) for atom in op.args)):
        raise _error(
            f"{meets[0]} meets a value that depends on the differentiated input in "
            f"`{_called(op)}`; " + _FOREIGN.get(meets[0].what, "s2sad differentiates plain "
                                                "NumPy arrays only: use `np.asarray(...)`"),
            function.filename, op.line)
    if (target in varied or any(_held(atom, varied) for atom in op.args)) and \
            any(k is not None and k.complex for k in arg_kinds + [kinds.get(target)]) and \
            not rules.takes_complex(op.prim):
        raise _error(
            f"`{_called(op)}` is not supported for complex values here (its derivative "
            "for complex operands is not defined, or s2sad has no rule exact for them); "
            "differentiate a real value instead (`np.real(z)`, `np.abs(z)`, or the real "
            "and imaginary parts as two arrays), docs/rules.md lists what takes complex "
            "values", function.filename, op.line)
    if target in varied and kinds.get(target) is not None and \
            kinds[target].tag in ("other", "shape"):
        raise _error(
            f"`{_called(op)}` gives {kinds[target]}, which holds values that depend on "
            "the differentiated input; s2sad differentiates numbers and arrays only: "
            "work with the numbers or arrays themselves",
            function.filename, op.line)


def _error(message, filename, line):
    return UnsupportedError(message + ".", filename, line)


def _held(atom, varied):
    """Whether `atom` is or holds (inside a tuple or slice) a differentiated value."""
    return any(v.name in varied for v in ir.atom_vars(atom))


_FOREIGN = {"a `np.matrix`": "its `*` is a matrix product: use `np.asarray(...)` and `@`",
            "a masked array": "its mask is ignored by s2sad: use `np.where` to mask"}
# objects whose "index" builds an array, and what to write instead
_BUILDERS = {id(np.r_): "np.concatenate([a, b])", id(np.c_): "np.column_stack([a, b])"}


def _tuple_error(function, statement, atom, varied):
    base = statement.args[0] if isinstance(statement, ir.Op) and statement.args else None
    if isinstance(base, ir.Global) and id(base.value) in _BUILDERS:
        return _error(
            f"`{base.text}[...]` builds an array from values that depend on the "
            f"differentiated input, which s2sad does not differentiate; write "
            f"`{_BUILDERS[id(base.value)]}` instead", function.filename, statement.line)
    return _error(
        f"a tuple holding values that depend on the differentiated input is used by "
        f"`{_called(statement)}`; s2sad does not differentiate through tuples passed "
        "whole or indexed at run time yet: index with a constant (`p[0]`), unpack "
        "(`a, b = p`), loop over it (`for v in p`), or pass the values one by one",
        function.filename, statement.line)


def _called(statement):
    """The operation as the user writes it: `np.interp`, `x[index]`, `a + b`."""
    if isinstance(statement, ir.SetItem):
        return "x[index] = value"
    return statement.callee or spelling(statement.prim) or "this operation"


def _reaching(function):
    """The variables the result depends on through any operation (not only through
    differentiable positions): those whose derivative could be needed."""
    wanted = {v.name for v in ir.atom_vars(function.result)}
    ops = list(ir.walk(function.body))
    changed = True
    while changed:
        changed = False
        for op in reversed(ops):
            if op.target.name in wanted:
                for var in op.vars():
                    if var.name not in wanted:
                        wanted.add(var.name)
                        changed = True
    return wanted


def _discrete_arrays(function, kinds):
    """Arrays the function makes with an integer or boolean dtype, by name, with the
    line that makes them: `np.arange(3)`, `np.zeros(n, dtype=int)`, `np.array([1, 2])`,
    `x.astype(int)`. Writing a number into one truncates it."""
    found = {}
    for op in ir.walk(function.body):
        if isinstance(op, ir.Op) and op.target.name in function.mutable \
                and kinds.get(op.target.name, K.UNKNOWN).is_array and _discrete(op, kinds):
            found.setdefault(op.target.name, op.line)
    return found


def _discrete(op, kinds):
    rule = rules.lookup(op.prim)
    if rule is None or calls.is_called(op.prim):
        return False
    try:
        dtype = dtype_class(infer.consts(op, rule, kinds).get("dtype", MISSING))
    except UnsupportedError:
        return False
    if dtype is not None:
        return dtype == "discrete"
    counted = op.prim in (np.arange, np.array, np.asarray)
    return counted and bool(op.args) and all(
        infer.kind_of(atom, kinds) == K.INT for atom in op.args[:op.packed.size
                                                               if op.packed else 3])
