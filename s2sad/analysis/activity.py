"""Activity analysis: which values need a derivative at all.

A value is *varied* when it depends differentiably on an argument we differentiate with
respect to, and *useful* when the result depends differentiably on it. Only values that
are both (active) get adjoint code; everything else (shapes, counters, constants) runs
in the primal sweep unchanged.
"""
from .. import ir, rules
from ..errors import UnsupportedError
from ..frontend import calls


def differentiable_args(op):
    """Positions (into the op's argument tuple) through which derivatives flow."""
    if calls.is_called(op.prim):
        return range(len(calls.bound_arguments(op)))
    rule = rules.lookup(op.prim)
    return [i for i in range(len(op.args)) if rule.differentiable(i)]


def arguments(op):
    """The op's argument atoms, bound to parameters for user functions."""
    return calls.bound_arguments(op) if calls.is_called(op.prim) else op.args


def analyse(function, wrt, callee_varies):
    """The set of varied variable names and the set of active ones.

    `wrt` names the parameters differentiated with respect to; `callee_varies(op, varied
    positions)` says whether a user function's result depends on those arguments. A
    mutable variable is one name for all its values, and a loop can carry a value from a
    later statement to an earlier one, so both sets are fixed points over all operations.
    """
    ops = function.ops()
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for op in ops:
            if isinstance(op, ir.SetItem):
                if op.target.name not in varied and _varies(op.value, varied):
                    varied.add(op.target.name)
                    changed = True
                continue
            if op.target.name in varied:
                continue
            args = arguments(op)
            positions = [i for i in differentiable_args(op)
                         if isinstance(args[i], ir.Var) and args[i].name in varied]
            if not positions:
                continue
            if calls.is_called(op.prim) and not callee_varies(op, tuple(positions)):
                continue
            varied.add(op.target.name)
            changed = True
    for op in ops:
        if isinstance(op, ir.Op):
            _check_keywords(op, varied, function)
    useful = {v.name for v in ir.atom_vars(function.result)}
    changed = True
    while changed:
        changed = False
        for op in reversed(ops):
            if op.target.name not in useful or op.target.name not in varied:
                continue
            if isinstance(op, ir.SetItem):
                found = [op.value] if isinstance(op.value, ir.Var) else []
            else:
                args = arguments(op)
                found = [args[i] for i in differentiable_args(op) if isinstance(args[i], ir.Var)]
            for var in found:
                if var.name not in useful:
                    useful.add(var.name)
                    changed = True
    return varied, varied & useful


def _varies(atom, varied):
    return isinstance(atom, ir.Var) and atom.name in varied


def _check_keywords(op, varied, function):
    if calls.is_called(op.prim):
        return
    for key, atom in op.kwargs:
        if any(v.name in varied for v in ir.atom_vars(atom)):
            raise UnsupportedError(
                f"a differentiated value passed as keyword `{key}=` to `{op.callee}`; pass it "
                "positionally", function.filename, op.line)
