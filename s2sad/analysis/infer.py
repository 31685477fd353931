"""Kind inference over the Wengert list: the kind of every variable, from the arguments'.

Runs before activity analysis and emission, which both read its result: a dict from
variable name to `Kind`.
"""
import linecache
import numbers
import operator

import numpy as np

from .. import ir, rules, runtime
from ..errors import UnsupportedError
from ..frontend import calls
from ..ir import kinds as K
from ..rules.catalog import spelling


def kind_of(atom, kinds):
    if isinstance(atom, ir.Var):
        return kinds[atom.name]
    if isinstance(atom, (ir.Const, ir.Global)):
        return K.of_value(atom.value)
    if isinstance(atom, tuple) and all(kind_of(a, kinds) == K.INT for a in atom):
        return K.Kind("shape", len(atom))  # a shape written as a tuple: `(n, 3)`
    return K.OTHER


def infer(function, arg_kinds, callee_kind):
    """Kinds of all variables; `callee_kind(fn, kinds)` answers for calls to user functions.

    A mutable variable has one kind for all its values, joined over its assignments; loops
    make that a fixed point, reached in a few passes because joins only go up. An operation
    that reads a variable assigned only later in the text (by a loop's next trip) waits
    for a later pass."""
    kinds = dict(zip(function.params, arg_kinds))
    for statement in ir.statements(function.body):
        if isinstance(statement, ir.For):
            kinds[statement.target.name] = K.INT
    ops = [op for op in function.ops() if isinstance(op, ir.Op)]
    for _ in range(10):
        before = K.settled(kinds)
        for op in ops:
            if any(v.name not in kinds for v in op.vars()) or _waits(op, kinds):
                continue
            try:
                kind = _op_kind(op, kinds, callee_kind)
            except UnsupportedError as exc:
                if exc.line is not None:
                    raise
                raise UnsupportedError(f"{exc}{_written(function, op)}", function.filename,
                                       op.line) from None
            name = op.target.name
            if name in function.mutable and name in kinds:
                kind = K.join(kinds[name], kind, name)
            kinds[name] = kind
        if K.settled(kinds) == before:
            break
    for op in ops:
        if isinstance(op, ir.Op):
            kinds.setdefault(op.target.name, K.UNKNOWN)
    return kinds


def _popped_kind(pop, kinds):
    """A value popped off a generated derivative's stack has the kind of the variable it
    restores; a saved branch direction is a flag; an element written back may be a
    number or an array."""
    if pop.flag:
        return K.INT
    if pop.like is None:
        return K.UNKNOWN
    if pop.index is None:
        return kinds[pop.like]
    element = ir.Op(ir.Var("_"), operator.getitem, (ir.Var(pop.like), pop.index))
    rule = rules.lookup(operator.getitem)
    return rules.result_kind(rule, [kinds[pop.like], kind_of(pop.index, kinds)],
                             consts(element, rule, kinds))


def _waits(op, kinds):
    """Whether `op` reads a list whose items' kind is not known yet (`xs = []`, appended
    to only later in the text), or pops into a variable whose kind is not known yet: a
    later pass knows it."""
    if isinstance(op.prim, ir.Pop) and op.prim.like is not None:
        return op.prim.like not in kinds or any(
            v.name not in kinds for v in ir.atom_vars(op.prim.index))
    lists = [kind_of(a, kinds) for a in op.args if kind_of(a, kinds).tag == "list"]
    return isinstance(op.prim, ir.OnList) and all(kind.item is None for kind in lists)


def _op_kind(op, kinds, callee_kind):
    if isinstance(op.prim, ir.Tape) or op.prim is ir.PUSH:
        return K.TAPE
    if isinstance(op.prim, ir.Pop):
        return _popped_kind(op.prim, kinds)
    if calls.is_called(op.prim):
        arguments = calls.bound_arguments(op)
        return callee_kind(op.prim, tuple(kind_of(a, kinds) for a in arguments))
    rule = rules.lookup(op.prim)
    if rule is None:
        raise UnsupportedError(f"s2sad has no derivative rule for "
                               f"`{op.callee or spelling(op.prim)}`; write it with functions "
                               "s2sad knows (docs/functions.md) or give it one with "
                               "s2sad.defrule (docs/rules.md)")
    if not isinstance(rule, rules.NonDifferentiable):
        _check_no_tuple_of_numbers(op, kinds)
    return rules.result_kind(rule, [kind_of(a, kinds) for a in op.args],
                             consts(op, rule, kinds))


def _check_no_tuple_of_numbers(op, kinds):
    """A tuple argument holding differentiable values would carry no derivative: only
    a list or tuple display written in the call itself is taken apart (`np.stack([a, b])`)."""
    if op.prim is operator.getitem or op.prim is runtime.written_last:
        return  # index arrays in a tuple index (`M[idx, 1:3]`) carry no derivative
    for arg in op.args + tuple(value for _, value in op.kwargs):
        if isinstance(arg, tuple) and any(
                kinds[v.name].tag in ("scalar", "array") for v in ir.atom_vars(arg)):
            raise UnsupportedError(
                f"a tuple of numbers or arrays passed to {_called(op)} is "
                "not differentiated through; write the list display in the call itself, "
                "e.g. `np.stack([a, b])`, or build an array first with `np.array([a, b])`")


def consts(op, rule, kinds):
    """Constant arguments a rule may read (by name), and facts about an index."""
    values = {}
    names = getattr(rule, "names", ())
    if op.kwargs and (isinstance(rule, rules.Elementwise) or isinstance(rule, rules.Custom)
                      and not names):
        raise UnsupportedError(f"keyword arguments to {_called(op)} (`{op.kwargs[0][0]}=`); "
                               "pass the arguments positionally")
    # a packed display counts as the one first argument it was written as
    skip = op.packed.size - 1 if op.packed is not None else 0
    for position, atom in enumerate(op.args[skip:]):
        value = _constant(atom)
        if position >= len(names) or (position == 0 and op.packed is not None):
            continue
        if value is not _COMPUTED:
            values[names[position]] = value
        elif names[position] in _STRUCTURAL:
            raise UnsupportedError(f"a computed `{names[position]}`; pass a constant")
    if op.packed is not None:
        values["packed"] = op.packed
    if isinstance(op.prim, ir.Part):
        values["part"] = op.prim.index
    for name, atom in op.kwargs:
        if names and name not in names:
            known = ", ".join(f"`{known}`" for known in names if known.isidentifier())
            raise UnsupportedError(f"the keyword argument `{name}=` of {_called(op)} has no "
                                   f"derivative rule (the rule reads {known}); leave it out, "
                                   "or write what it does with other operations")
        value = _constant(atom)
        if value is not _COMPUTED:
            values[name] = value
        elif name in _STRUCTURAL:
            raise UnsupportedError(f"a computed `{name}=`; pass a constant")
        else:
            # so that a rule can tell a computed argument (`dtype=x.dtype`) from none
            values.setdefault("computed", set()).add(name)
    if op.args and isinstance(op.args[0], tuple):
        values["shape_rank"] = len(op.args[0])
    if op.prim in (operator.getitem, ir.OnList(operator.getitem)) or \
            op.prim is runtime.written_last:
        parts = op.args[1] if isinstance(op.args[1], tuple) else (op.args[1],)
        # a list compared by identity: a part may be an (unhashable) index array
        ints = [p for p in parts if _is_int(p, kinds)]
        values["index"] = op.args[1]
        values["int_atoms"] = ints
        values["index_kinds"] = [None if isinstance(p, ir.Slice) else kind_of(p, kinds)
                                 for p in parts]
        values["basic_index"] = all(
            any(p is i for i in ints) or isinstance(p, ir.Slice)
            or (isinstance(p, ir.Const) and (p.value is None or p.value is Ellipsis))
            for p in parts)
    return values


_COMPUTED = object()
# parameters that decide the shape of a result or which formula applies: never computed
_STRUCTURAL = {"axis", "keepdims", "ord", "axes", "ddof", "correction", "offset", "axis1",
               "axis2"}


def _constant(atom):
    """The value of an atom known when the derivative is generated: a literal, a
    module-level number (`np.inf`), a dtype or a ufunc, or a tuple of those; else
    `_COMPUTED`."""
    if isinstance(atom, ir.Const):
        return atom.value
    if isinstance(atom, ir.Global) and (isinstance(atom.value, (numbers.Number, str))
                                        or atom.value is Ellipsis) \
            and not isinstance(atom.value, bool):
        return atom.value
    if isinstance(atom, ir.Global) and isinstance(atom.value, (type, np.dtype)):
        return atom.value  # a dtype: `dtype=int`, `x.astype(np.float32)`
    if isinstance(atom, ir.Global) and isinstance(atom.value, np.ufunc):
        return atom.value  # a function passed to one: `xpow(w, a, e, np.float_power)`
    if isinstance(atom, ir.Global) and _ints(atom.value):
        return tuple(atom.value)  # a module-level or closed-over `axes = (0, 1)`
    if isinstance(atom, tuple):
        items = tuple(_constant(item) for item in atom)
        return _COMPUTED if any(item is _COMPUTED for item in items) else items
    return _COMPUTED


def _ints(value):
    """Whether `value` is a tuple or list of ints (lengths, axes), read as a constant."""
    return isinstance(value, (tuple, list)) and all(
        isinstance(item, numbers.Integral) and not isinstance(item, bool) for item in value)


def _is_int(atom, kinds):
    if isinstance(atom, ir.Const):
        return isinstance(atom.value, numbers.Integral) and not isinstance(atom.value, bool)
    if isinstance(atom, ir.Var):
        return kinds.get(atom.name) == K.INT
    if isinstance(atom, ir.Global):
        return isinstance(atom.value, numbers.Integral) and not isinstance(atom.value, bool)
    return False


def _written(function, op):
    """` (in `line`)`: the user's source line of an operation, for a message; the
    Wengert list's temporaries are never shown."""
    filename = getattr(op.line, "filename", function.filename)  # an inlined helper's
    text = linecache.getline(filename, op.line).strip()
    return f" (in `{text}`)" if text else ""


def _called(op):
    """What an operation calls, as the user wrote it."""
    if op.callee:
        return f"`{op.callee}`"
    if isinstance(op.prim, ir.Method):
        return f"the method `.{op.prim.name}()`"
    return "an operator"
