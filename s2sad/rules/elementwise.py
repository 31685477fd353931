"""Elementwise primitives: operators, builtins, `math` and NumPy ufuncs.

Each row gives only the partial derivatives, as templates in the arguments `a`, `b`, the
result `out` and the module `lib`; the adjoint `a_bar += g * partial` (summed back over
broadcast axes) is derived from them. Partials reuse the result where that is cheaper
(`exp` -> `out`, `tanh` -> `1 - out * out`, `sqrt` -> `0.5 / out`).
"""
import builtins
import math
import operator

import numpy as np

from .. import kinds as K
from ..errors import UnsupportedError
from .base import Elementwise, NonDifferentiable, register


class Checked(Elementwise):
    """An elementwise rule that refuses more positional arguments than it has partials,
    so a call such as `math.hypot(x, y, z)` is an error, never a silently zero derivative."""

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) > len(self.partials):
            raise UnsupportedError(
                f"`{self.name}` with {len(arg_kinds)} arguments has no derivative rule; "
                f"call it with at most {len(self.partials)}.")
        return super().out_kind(arg_kinds, consts)


class ScalarPair(Checked):
    """Builtin `max`/`min`: two scalars only (for arrays, `np.maximum`/`np.minimum`)."""

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != 2 or any(kind.is_array for kind in arg_kinds):
            raise UnsupportedError(f"`{self.name}` is differentiated for two scalar arguments "
                                   f"only; write `{self.name}(a, b)`.")
        return super().out_kind(arg_kinds, consts)


class Integral(Checked):
    """An operator that maps integers to integers (`i + 1`, `n // 2`, `-k`): an index or
    counter computed with it stays an integer, not a differentiable scalar."""

    def out_kind(self, arg_kinds, consts):
        kind = super().out_kind(arg_kinds, consts)
        return K.INT if arg_kinds and all(k == K.INT for k in arg_kinds) else kind


class IntegralDivision(NonDifferentiable):
    def out_kind(self, arg_kinds, consts):
        kind = super().out_kind(arg_kinds, consts)
        return K.INT if all(k == K.INT for k in arg_kinds) else kind


def both(math_name, numpy_name, *partials):
    """Register one formula for the `math` function and the NumPy ufunc of that name."""
    if math_name:
        register(Checked(f"math.{math_name}", partials, "math"), getattr(math, math_name, None))
    if numpy_name:
        register(Checked(f"np.{numpy_name}", partials, "np"), getattr(np, numpy_name, None))


# arithmetic operators (module chosen by the operands' kind)
register(Integral("+", ("1", "1")), operator.add)
register(Integral("-", ("1", "-1")), operator.sub)
MULTIPLY = register(Integral("*", ("b", "a")), operator.mul)
register(Checked("/", ("1 / b", "-(out / b)")), operator.truediv)
register(Checked("**", ("b * a ** (b - 1)", "lib.log(a) * out")), operator.pow)
register(Integral("%", ("1", "-lib.floor(a / b)")), operator.mod)
register(Integral("unary -", ("-1",)), operator.neg)
register(Integral("unary +", ("1",)), operator.pos)
register(IntegralDivision("//", None), operator.floordiv)

# builtins on scalars: at a kink the derivative takes one side (abs: +1 at +0.0; max and
# min: the first argument on ties)
register(Checked("abs", ("lib.copysign(1.0, a)",)), builtins.abs)
register(Checked("float", ("1",)), builtins.float)
register(ScalarPair("max", ("a >= b", "a < b")), builtins.max)
register(ScalarPair("min", ("a <= b", "a > b")), builtins.min)
register(Checked("pow", ("b * a ** (b - 1)", "lib.log(a) * out")), builtins.pow)

# the same formulas for math.<name> and np.<name>
both("sin", "sin", "lib.cos(a)")
both("cos", "cos", "-lib.sin(a)")
both("tan", "tan", "1 + out * out")
both("asin", "arcsin", "1 / lib.sqrt(1 - a * a)")
both("acos", "arccos", "-1 / lib.sqrt(1 - a * a)")
both("atan", "arctan", "1 / (1 + a * a)")
both("sinh", "sinh", "lib.cosh(a)")
both("cosh", "cosh", "lib.sinh(a)")
both("tanh", "tanh", "1 - out * out")
both("asinh", "arcsinh", "1 / lib.sqrt(a * a + 1)")
both("acosh", "arccosh", "1 / lib.sqrt(a * a - 1)")
both("atanh", "arctanh", "1 / (1 - a * a)")
both("exp", "exp", "out")
both("expm1", "expm1", "out + 1")
both("exp2", "exp2", "0.6931471805599453 * out")
both("log1p", "log1p", "1 / (1 + a)")
both("log2", "log2", "1 / (0.6931471805599453 * a)")
both("log10", "log10", "1 / (2.302585092994046 * a)")
both("sqrt", "sqrt", "0.5 / out")
both("cbrt", "cbrt", "1 / (3 * out * out)")
both("atan2", "arctan2", "b / (a * a + b * b)", "-a / (a * a + b * b)")
both("hypot", "hypot", "a / out", "b / out")
both("pow", "power", "b * a ** (b - 1)", "lib.log(a) * out")
both("fabs", None, "lib.copysign(1.0, a)")
register(Checked("np.absolute", ("lib.sign(a)",), "np"), np.absolute)
both("erf", None, "1.1283791670955126 * lib.exp(-a * a)")
both("erfc", None, "-1.1283791670955126 * lib.exp(-a * a)")
both("degrees", "degrees", "57.29577951308232")
both("radians", "radians", "0.017453292519943295")
both("fmod", "fmod", "1", "-lib.trunc(a / b)")
both(None, "square", "2 * a")
both(None, "reciprocal", "-out * out")
both(None, "negative", "-1")
both(None, "positive", "1")
both(None, "add", "1", "1")
both(None, "subtract", "1", "-1")
both(None, "multiply", "b", "a")
both(None, "divide", "1 / b", "-(out / b)")
class Log(Checked):
    """`math.log(a)` or `math.log(a, base)`: the partial in `a` depends on the arity."""

    def partials_for(self, count):
        if count == 2:
            return ("1 / (a * lib.log(b))",) + self.partials[1:]
        return self.partials


register(Log("math.log", ("1 / a", "-out / (b * lib.log(b))"), "math"), math.log)
register(Checked("np.log", ("1 / a",), "np"), np.log)
register(Checked("math.copysign", ("lib.copysign(1.0, a) * lib.copysign(1.0, b)", None),
                 "math"), math.copysign)

# piecewise constant: no derivative
for name in ("floor", "ceil", "trunc"):
    register(NonDifferentiable(f"math.{name}", K.INT), getattr(math, name))
    register(NonDifferentiable(f"np.{name}", None), getattr(np, name))
register(NonDifferentiable("np.sign", None), np.sign)
register(NonDifferentiable("int", K.INT), builtins.int)
register(NonDifferentiable("round", None), builtins.round)
for prim in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
             operator.not_):
    register(NonDifferentiable(prim.__name__, None), prim)
