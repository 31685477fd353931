"""Specialisation: the IR function of one kind-independent front, for the kinds of the
arguments and the differentiated parameters.

What comes in is a function and the kinds of its arguments; what goes out is a `Spec`:
the kinds of every variable (a fixed point through recursive calls), the differentiated
parameters and the active variables, after the views and soundness checks.
"""
import contextlib
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..frontend import calls
from ..frontend.front import front
from ..ir import kinds as K
from ..transform.distribute import distribute
from . import activity, infer, soundness
from .views import check_views


@dataclass
class Spec:
    """A function specialised for argument kinds and differentiated parameters."""
    function: ir.Function
    kinds: dict
    out_kind: K.Kind
    wrt: tuple
    active: set
    # the kinds of the returned leaves when the function returns a container
    out_kinds: tuple = None
    # the names the function uses, when loop distribution added some (else the front's)
    namer: object = None
    # modules the function now reads by a name of its own (NumPy, for loop distribution)
    modules: dict = None


_in_progress = []


@contextlib.contextmanager
def _transforming(fn):
    """Mark `fn` as being analysed, so that a call back into it is seen as recursion."""
    _in_progress.append(fn)
    try:
        yield
    finally:
        _in_progress.pop()


def _recursive(fn):
    """Whether a call to `fn` is a call back into the function being analysed: supported
    when it calls itself, an error for mutual recursion."""
    if fn not in _in_progress:
        return False
    if fn is not _in_progress[-1]:
        chain = " -> ".join(f.__name__ for f in _in_progress + [fn])
        raise UnsupportedError(f"mutual recursion ({chain}) is not supported; merge the "
                               "functions into one that calls itself.")
    return True


# Result kinds assumed for recursive calls while their function is being inferred.
_assumed = {}


def infer_kinds(fn, arg_kinds, layouts=None):
    """Kinds of `fn`'s variables; a recursive call's result kind is a fixed point."""
    fn = calls.resolved(fn, arg_kinds)
    function = front(fn, layouts).function
    key = (fn, K.canonical(arg_kinds))
    _assumed[key] = K.SCALAR if all(k.is_scalar for k in arg_kinds) else K.UNKNOWN
    try:
        with _transforming(fn):
            for _ in range(4):
                kinds = infer.infer(function, arg_kinds, _callee_kind)
                result = infer.kind_of(function.result, kinds)
                if result == _assumed[key]:
                    break
                _assumed[key] = K.join(_assumed[key], result, function.name)
    finally:
        del _assumed[key]
    if _calls_itself(function.body, fn):
        raise UnsupportedError(f"`{function.name}` calls itself on every path (unbounded "
                               "recursion), so it never returns; return without the call "
                               "when the argument is small (a base case).", function.filename,
                               _calls_itself(function.body, fn))
    return function, kinds


def _calls_itself(block, fn):
    """The line of a call to `fn` in `block` outside any branch or loop (a loop may run
    zero times), or None."""
    for statement in block:
        if isinstance(statement, ir.Op) and statement.prim is fn:
            return statement.line
    return None


def _callee_kind(fn, arg_kinds):
    key = (fn, K.canonical(arg_kinds))
    if key in _assumed:
        return _assumed[key]
    if _recursive(fn) and len(_in_progress) > 30:
        raise UnsupportedError(f"`{fn.__name__}` calls itself with arguments whose kinds keep "
                               "changing; keep them the same kinds as the outer call's.")
    function, kinds = infer_kinds(fn, K.canonical(arg_kinds))
    return _in_caller(infer.kind_of(function.result, kinds), arg_kinds)


def _in_caller(kind, arg_kinds):
    """A callee's result kind with its shape token in the caller's terms: the callee
    numbers tokens from its own arguments, so its first argument's token must not be
    mistaken for the caller's first argument's."""
    if not kind.is_array:
        return kind
    pairs = [(ours, theirs) for ours, theirs in zip(K.canonical(arg_kinds), arg_kinds)
             if theirs.is_array]
    tokens = {ours.shape: theirs.shape for ours, theirs in pairs}
    if kind.shape in tokens:
        return K.Kind("array", kind.ndim, tokens[kind.shape], complex=kind.complex)
    symbols = {1: 1}
    for ours, theirs in pairs:
        if K.lengths(ours) is not None and K.lengths(theirs) is not None:
            symbols.update(zip(K.lengths(ours), K.lengths(theirs)))
    found = K.lengths(kind)
    if found is not None and all(n in symbols for n in found):
        return K.Kind("array", kind.ndim, K.dims(symbols[n] for n in found),
                      complex=kind.complex)
    return K.complex_if(K.array(kind.ndim), kind.complex)


def specialise(fn, arg_kinds, positions, layouts=None, batched=True):
    """The `Spec` of `fn` for argument kinds and differentiated parameter positions
    (`layouts`: of the parameters, when some are containers; kinds and positions are then
    those of the leaves), its loops distributed where NumPy can batch them (`batched`)."""
    fn = calls.resolved(fn, arg_kinds)
    function, kinds = infer_kinds(fn, arg_kinds, layouts)
    base = front(fn, layouts)
    np_name = base.modules.get(np) or (None if base.namer.taken("np") else "np")
    function, kinds, namer = distribute(function, kinds, base.namer,
                                        np_name if batched else None)
    modules = None
    if namer is not base.namer and np not in base.modules:
        namer.reserve(np_name)
        modules = {np: np_name}
    check_views(function, kinds)
    wrt = tuple(function.params[i] for i in positions)

    def callee_varies(op, varied_positions):
        if _recursive(op.prim):
            return True
        callee = specialise(op.prim, _call_kinds(op, kinds), varied_positions)
        return any(v.name in callee.active for v in ir.atom_vars(callee.function.result))

    with _transforming(fn):
        varied, active = activity.analyse(function, wrt, callee_varies)
    soundness.check(function, kinds, varied)
    if function.layout is not None:
        out_kinds = tuple(infer.kind_of(leaf, kinds) for leaf in function.result)
        return Spec(function, kinds, K.OTHER, wrt, active, out_kinds, namer, modules)
    out_kind = infer.kind_of(function.result, kinds)
    return Spec(function, kinds, out_kind, wrt, active, namer=namer, modules=modules)


def _call_kinds(op, kinds):
    return K.canonical(tuple(infer.kind_of(a, kinds) for a in calls.bound_arguments(op)))
