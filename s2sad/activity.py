"""Activity analysis: which values need a derivative at all.

A value is *varied* when it depends differentiably on an argument we differentiate with
respect to, and *useful* when the result depends differentiably on it. Only values that
are both (active) get adjoint code; everything else (shapes, counters, constants) runs
in the primal sweep unchanged.
"""
from . import calls, ir, rules
from .errors import UnsupportedError


def differentiable_args(op):
    """Positions (into the op's argument tuple) through which derivatives flow."""
    if calls.is_user_function(op.prim):
        return range(len(calls.bound_arguments(op)))
    rule = rules.lookup(op.prim)
    return [i for i in range(len(op.args)) if rule.differentiable(i)]


def arguments(op):
    """The op's argument atoms, bound to parameters for user functions."""
    return calls.bound_arguments(op) if calls.is_user_function(op.prim) else op.args


def analyse(function, wrt, callee_varies):
    """The set of active variable names.

    `wrt` names the parameters differentiated with respect to; `callee_varies(op, varied
    positions)` says whether a user function's result depends on those arguments.
    """
    varied = set(wrt)
    for op in function.body:
        args = arguments(op)
        positions = [i for i in differentiable_args(op)
                     if isinstance(args[i], ir.Var) and args[i].name in varied]
        _check_keywords(op, varied, function)
        if not positions:
            continue
        if calls.is_user_function(op.prim) and not callee_varies(op, tuple(positions)):
            continue
        varied.add(op.target.name)
    useful = set()
    if isinstance(function.result, ir.Var):
        useful.add(function.result.name)
    for op in reversed(function.body):
        if op.target.name not in useful or op.target.name not in varied:
            continue
        args = arguments(op)
        for i in differentiable_args(op):
            if isinstance(args[i], ir.Var):
                useful.add(args[i].name)
    return varied & useful


def _check_keywords(op, varied, function):
    if calls.is_user_function(op.prim):
        return
    for key, atom in op.kwargs:
        if any(v.name in varied for v in ir.atom_vars(atom)):
            raise UnsupportedError(
                f"a differentiated value passed as keyword `{key}=` to `{op.callee}`; pass it "
                "positionally", function.filename, op.line)
