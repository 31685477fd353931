"""The stack of a generated derivative, read back when that derivative is differentiated
(frontend/tapes.py): the primitives that make it, push onto it and pop off it.

Pushing and popping move values without changing them, so derivatives flow through the
stack unchanged; which value a pop gives back is known only by the order of the calls,
so the emitters write these derivatives themselves (emit/tangent.py, emit/tapes.py),
keeping the tangents and adjoints on a stack in the same order.
"""
from .. import ir
from ..ir import kinds as K
from .base import BY_TYPE, Custom


def _emitted_apart(site):
    raise AssertionError("written by the emitters themselves (emit/tangent.py, emit/tapes.py)")


def _tape(arg_kinds, consts):
    return K.TAPE


def _popped(arg_kinds, consts):
    raise AssertionError("the kind of a popped value is the variable's (analysis/infer.py)")


BY_TYPE[ir.Tape] = Custom("[] (a derivative's stack)", _tape, _emitted_apart, _emitted_apart, ())
BY_TYPE[type(ir.PUSH)] = Custom("push()", _tape, _emitted_apart, _emitted_apart, (0, 1))
BY_TYPE[ir.Pop] = Custom("pop()", _popped, _emitted_apart, _emitted_apart, (0,))


def differentiable(kind):
    """Whether a value of `kind` on the stack has a tangent or an adjoint beside it."""
    return kind.tag in ("scalar", "array", "unknown")
