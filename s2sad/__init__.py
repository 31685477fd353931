"""s2sad: source-to-source automatic differentiation for numeric Python.

Reads a function's source, lowers it to a Wengert list, and emits readable derivative
code (`s2sad.source(f)`), compiled and cached per argument kind.
"""
from .api import (Check, CheckError, RuleError, check_grads, check_rule, compiled, defrule, grad,
                  hessian, hvp, jacobian, jvp, ravel, source, value_and_grad, vjp)
from .errors import (ArgumentError, BackendMissing, CompiledError, Error, SourceError,
                     UnsupportedError, UsageError)
from .reading.trace import Trace, trace
from .runtime_checkpoint import checkpoint
from .reading.export import export
from .version import __version__  # noqa: F401

__all__ = [
           "ArgumentError",
           "BackendMissing",
           "Check",
           "CheckError",
           "CompiledError",
           "Error",
           "RuleError",
           "SourceError",
           "UnsupportedError",
           "UsageError",
           "check_grads",
           "checkpoint",
           "check_rule",
           "compiled",
           "defrule",
           "export",
           "grad",
           "hessian",
           "hvp",
           "jacobian",
           "jvp",
           "ravel",
           "source",
           "trace",
           "Trace",
           "value_and_grad",
           "vjp",
]
