"""The public interface: derived functions, the command line, checks and user rules.

What comes in is the user's function and, at call time, its arguments; what goes out is
numbers (gradients, tangents, Jacobians) or the generated source. Each derived function
binds the call, asks `pipeline.derive` for the derivative of the arguments' kinds (cached)
and runs it; dispatch.py writes the fast path that skips all of that on a repeated call;
located.py says errors and warnings raised in the generated code at the user's line.
"""
from .check import Check, CheckError, check_grads
from .jacobian import jacobian
from .public import compiled, grad, jvp, source, value_and_grad, vjp
from .ravel import ravel
from .second_order import hessian, hvp
from .userrules import RuleError, check_rule, defrule

__all__ = ["Check", "CheckError", "RuleError", "check_grads", "check_rule", "compiled",
           "defrule", "grad", "hessian", "hvp", "jacobian", "jvp", "ravel", "source", "value_and_grad", "vjp"]
