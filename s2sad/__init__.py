"""s2sad: source-to-source automatic differentiation for numeric Python.

Reads a function's source, lowers it to a Wengert list, and emits readable derivative
code (`s2sad.source(f)`), compiled and cached per argument kind.
"""
from .api import grad, jvp, source, value_and_grad, vjp
from .errors import ArgumentError, Error, SourceError, UnsupportedError, UsageError
from .jacobian import jacobian
from .userrules import RuleError, check_rule, defrule

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "source", "defrule",
           "check_rule", "Error", "ArgumentError", "RuleError", "SourceError",
           "UnsupportedError", "UsageError"]
__version__ = "0.1.0"
