"""Elementwise primitives: operators, builtins, `math` and NumPy ufuncs.

Each row gives only the partial derivatives, as templates in the arguments `a`, `b`, the
result `out` and the module `lib`; the adjoint `a_bar += g * partial` (summed back over
broadcast axes) and the tangent are derived from them. Partials reuse the result where
that is cheaper (`exp` -> `out`, `tanh` -> `1 - out * out`, `sqrt` -> `0.5 / out`).

Where a function is not differentiable the rows follow one policy:

- At a kink the derivative takes one side: exactly the derivative of one of the smooth
  pieces meeting there. `abs` and `fabs` take the side of the zero's sign,
  `copysign(1.0, a)`: +1 at +0.0, -1 at -0.0. `max`, `min`, `np.maximum`, `np.minimum`,
  `np.fmax` and `np.fmin` give the whole derivative to the first argument on a tie.
  `np.clip(a, lo, hi)` passes it to `a` on the closed interval lo <= a <= hi, to `lo`
  below it and to `hi` above it.
- Piecewise constant functions (rounding, comparisons, predicates, integer functions)
  have no derivative: 0 everywhere, also at their jumps.
- A partial that is infinite or undefined where the function is finite (`sqrt` and
  `cbrt` at 0, `arcsin` at +-1, `arccosh` at 1, `hypot` at the origin, `x ** 0.5` at 0,
  `b * a ** (b - 1)` in `a ** b` at a == 0) is guarded: a zero incoming derivative gives
  a zero contribution (`np.where(x > 0, np.sqrt(x), 0.0)` has gradient 0, not NaN, at
  x <= 0). A nonzero derivative through it is what the formula gives: inf for arrays,
  ZeroDivisionError for floats, as Python and NumPy compute the formula.
- A factor that is exactly 0 makes the partial 0 even where the rest of it is infinite:
  `b * a ** (b - 1)` is 0 where b == 0 (`x ** 0` is the constant 1), and the partial in
  b of `a ** b`, `log(a) * out`, is 0 at a == 0 (as in JAX, log(a) is taken as 0 there):
  `0 ** b` is piecewise constant in b (0 for b > 0, inf for b < 0), so 0 also at its
  jump, b == 0, like the piecewise constant functions above.
- Functions that pick an argument (`max`, `np.where`, `np.clip`, ...) select its
  derivative rather than multiply by 0 or 1, so an infinite derivative on the side not
  taken does not come through as NaN.

partials.Guarded and partials.Mask implement the last three for every row that declares them.
"""
import builtins
import math
import operator
from dataclasses import dataclass

import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import number
from .base import REQUIRED, NonDifferentiable, register
from .partials import Elementwise, Mask, ratio, xlogy, xpow


class Checked(Elementwise):
    """An elementwise rule that refuses more positional arguments than it has partials,
    so a call with too many arguments is an error, never a silently zero derivative."""

    def out_kind(self, arg_kinds, consts):
        allowed = len(self.partials_for(len(arg_kinds)))
        if len(arg_kinds) > allowed:
            raise UnsupportedError(
                f"`{self.name}` with {len(arg_kinds)} arguments has no derivative rule; "
                f"call it with at most {allowed}.")
        return super().out_kind(arg_kinds, consts)


@dataclass(frozen=True)
class Lean(Checked):
    """A rule whose partials read the result (`exp(a - out)` for logaddexp), with
    `lean` partials that do not: an adjoint that returns the gradient alone uses those,
    and need not compute the result at all when nothing else reads it."""
    lean: tuple = ()

    def partials_at(self, site):
        return self.lean if site.lean else super().partials_at(site)


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


class Power(Checked):
    """`a ** b`. A literal exponent gets the partial a person would write, which is also
    defined where the general one is not: `x ** 0` has no derivative (not `0 * x ** -1`,
    which fails at 0), `x ** 2` has `2 * x`, `x ** 0.5` is guarded like `sqrt`, and so is
    any exponent between 0 and 1 (`0.3 / x ** 0.7`). Other literals fold (`3 * x ** 2`;
    `x ** 1` has `x ** 0`, which is 1 also at 0: a partial that does not mention `x`
    would hide from the tangent emitter that the tangent has x's shape). An exponent
    that is not a literal may be any of these: both general partials are guarded.
    `b * a ** (b - 1)` is 0 where b == 0 (x ** 0 is 1) or the incoming derivative is 0,
    also at a == 0 where a ** (b - 1) is infinite; `log(a) * out` is 0 at a == 0, as in
    JAX (0 ** b is constant in b on either side of b == 0)."""
    EXPONENTS = {0: None, 2: "2 * a", 0.5: ratio("0.5", "out")}
    FRACTIONAL = ratio("b", "a ** (1 - b)")
    LITERAL = "b * a ** (b - 1)"

    def partials_at(self, site):
        exponent = number(site.args[1]) if len(site.args) == 2 else None
        if exponent is None:
            return self.partials
        if exponent in self.EXPONENTS:
            return (self.EXPONENTS[exponent], None)
        if 0 < exponent < 1:
            return (self.FRACTIONAL, None)
        return (self.LITERAL, None)


class FloatPower(Power):
    """`np.float_power` computes in float64 whatever its input; so do its partials."""
    EXPONENTS = {0: None, 0.5: ratio("0.5", "out")}
    FRACTIONAL = ratio("b", "lib.float_power(a, 1 - b)")
    LITERAL = "b * lib.float_power(a, b - 1)"


_POWER = (xpow("b", "a", "b - 1"), xlogy("out", "a"))
_POWER_DOC = ("a literal exponent gets its own partial (x ** 2: 2 * x; x ** 0: none); "
              "∂/∂a is 0 where b == 0 (x ** 0 is 1) and ∂/∂b 0 at a == 0 (log(a) taken "
              "as 0, as in JAX); x ** 0.5 and a ** (b - 1) at 0 are guarded")


class Log(Checked):
    """`math.log(a)` or `math.log(a, base)`: the partial in `a` depends on the arity."""

    def partials_for(self, count):
        if count == 2:
            return ("1 / (a * lib.log(b))",) + self.partials[1:]
        return self.partials


class Hypot(Checked):
    """`math.hypot(x, y, z, ...)`: any number of arguments, each with partial
    `arg / out`, guarded at the origin (0 there: where every argument is 0)."""

    def differentiable(self, position):
        return True

    def partials_for(self, count):
        return tuple(ratio("abcd"[i] if i < 4 else f"arg{i}", "out") for i in range(count))


class Clip(Checked):
    """`np.clip(a, lo, hi)`, where either bound may be the literal None. Like NumPy's
    `minimum(maximum(a, lo), hi)` it gives `hi` everywhere if lo > hi. Bounds passed by
    keyword (`a_min=`, NumPy 2's `min=`) are moved to their positions at lowering."""
    signature = (("a", REQUIRED), ("a_min", None), ("a_max", None))
    aliases = {"min": "a_min", "max": "a_max"}

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != 3:
            raise UnsupportedError("`np.clip` is differentiated as `np.clip(a, lo, hi)`; "
                                   "pass both bounds (None for no bound).")
        return K.broadcast([kind for kind in arg_kinds if kind != K.OTHER])

    def partials_at(self, site):
        missing = tuple(_is_none(arg) for arg in site.args[1:])
        return _CLIP.get(missing, self.partials)


_CLIP = {
    (True, False): (Mask("a <= c"), None, Mask("a > c", otherwise=True)),
    (False, True): (Mask("b <= a"), Mask("a < b", otherwise=True), None),
    (True, True): ("lib.ones_like(a)", None, None),
}


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None


class Where(Checked):
    """`np.where(c, x, y)`; the one-argument form returns indices, not values."""

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != 3:
            raise UnsupportedError("`np.where(c)` with one argument returns a tuple of "
                                   "indices, which has no derivative; use "
                                   "`np.where(c, x, y)`, index with the mask `x[c]`, or "
                                   "take the indices with `np.nonzero(c)`.")
        condition = K.SCALAR if arg_kinds[0] == K.OTHER else arg_kinds[0]
        return K.broadcast([condition] + list(arg_kinds[1:]))


class IntCast(NonDifferentiable):
    """`np.int64(x)`: a number becomes an int (an index), an array an array of ints;
    piecewise constant, so no derivative."""

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) != 1:
            raise UnsupportedError(f"`{self.name}` casts one value; pass one.")
        return K.INT if arg_kinds[0].is_scalar or arg_kinds[0] == K.INT else arg_kinds[0]


class Refused(NonDifferentiable):
    """A function returning a tuple whose parts are computed together (`math.frexp`):
    any use is an error naming what to write instead, never a silently zero derivative."""

    def out_kind(self, arg_kinds, consts):
        raise UnsupportedError(f"`{self.name}` {self.doc}")


def guarded(where):
    """The doc of a row with a guarded partial."""
    return (f"the partial is infinite {where}: a zero derivative passing through gives 0 "
            "there, a nonzero one inf (arrays) or ZeroDivisionError (floats)")


def both(math_name, numpy_name, *partials, doc=""):
    """Register one formula for the `math` function and the NumPy ufunc of that name."""
    if math_name:
        register(Checked(f"math.{math_name}", partials, "math", doc),
                 getattr(math, math_name, None))
    if numpy_name:
        register(Checked(f"np.{numpy_name}", partials, "np", doc),
                 getattr(np, numpy_name, None))


def nondifferentiable(prefix, names, kind, doc=""):
    """Register rows with no derivative; names missing in this Python or NumPy are skipped."""
    module = {"math": math, "np": np}[prefix]
    for name in names:
        register(NonDifferentiable(f"{prefix}.{name}", kind, doc), getattr(module, name, None))


KINK = "at 0 the side of the zero's sign: +1 at +0.0, -1 at -0.0"
TIE = "the first argument takes the whole derivative on a tie"
JUMP = "at a jump, the derivative of one of the pieces"
STEP = "no derivative (piecewise constant)"

# arithmetic operators (module chosen by the operands' kind)
register(Integral("+", ("1", "1")), operator.add)
register(Integral("-", ("1", "-1")), operator.sub)
MULTIPLY = register(Integral("*", ("b", "a")), operator.mul)
register(Checked("/", ("1 / b", "-(out / b)")), operator.truediv)
register(Power("**", _POWER, doc=_POWER_DOC), operator.pow)
register(Integral("%", ("1", "-lib.floor(a / b)"), doc=JUMP), operator.mod)
register(Integral("unary -", ("-1",)), operator.neg)
register(Integral("unary +", ("1",)), operator.pos)
register(IntegralDivision("//", None, STEP), operator.floordiv)

# builtins on scalars
register(Checked("abs", ("lib.copysign(1.0, a)",), doc=KINK), builtins.abs)
register(Checked("float", ("1",)), builtins.float)
register(ScalarPair("max", (Mask("a >= b"), Mask("a < b", otherwise=True)), doc=TIE),
         builtins.max)
register(ScalarPair("min", (Mask("a <= b"), Mask("a > b", otherwise=True)), doc=TIE),
         builtins.min)
register(Power("pow", _POWER, doc=_POWER_DOC), builtins.pow)

# the same formulas for math.<name> and np.<name>
both("sin", "sin", "lib.cos(a)")
both("cos", "cos", "-lib.sin(a)")
both("tan", "tan", "1 + out * out")
both("asin", "arcsin", ratio("1", "lib.sqrt(1 - a * a)"), doc=guarded("at a = +-1"))
both("acos", "arccos", ratio("-1", "lib.sqrt(1 - a * a)"), doc=guarded("at a = +-1"))
both("atan", "arctan", "1 / (1 + a * a)")
both("sinh", "sinh", "lib.cosh(a)")
both("cosh", "cosh", "lib.sinh(a)")
both("tanh", "tanh", "1 - out * out")
both("asinh", "arcsinh", "1 / lib.sqrt(a * a + 1)")
# not sqrt(a * a - 1): for complex a in the left half-plane that has the wrong sign
both("acosh", "arccosh", ratio("1", "lib.sqrt(a - 1) * lib.sqrt(a + 1)"),
     doc=guarded("at a = 1"))
both("atanh", "arctanh", "1 / (1 - a * a)")
both("exp", "exp", "out")
both("expm1", "expm1", "out + 1")
both("exp2", "exp2", "0.6931471805599453 * out")
both("log1p", "log1p", "1 / (1 + a)")
both("log2", "log2", "1 / (0.6931471805599453 * a)")
both("log10", "log10", "1 / (2.302585092994046 * a)")
both("sqrt", "sqrt", ratio("0.5", "out"), doc=guarded("at 0"))
both("cbrt", "cbrt", ratio("1", "3 * out * out"), doc=guarded("at 0"))
ORIGIN = "0 at the origin, where the partials are 0 / 0"
both("atan2", "arctan2", ratio("b", "a * a + b * b"), ratio("-a", "a * a + b * b"), doc=ORIGIN)
register(Hypot("math.hypot", (ratio("a", "out"), ratio("b", "out")), "math",
               "any number of arguments; " + ORIGIN), math.hypot)
register(Checked("np.hypot", (ratio("a", "out"), ratio("b", "out")), "np", ORIGIN), np.hypot)
register(Power("math.pow", _POWER, "math", _POWER_DOC), math.pow)
register(Power("np.power", _POWER, "np", _POWER_DOC), np.power)
register(FloatPower("np.float_power", (xpow("b", "a", "b - 1", "float_power"),
                                        xlogy("out", "a")),
                    "np", _POWER_DOC + "; computes in float64 like the function"),
         np.float_power)
both("fabs", "fabs", "lib.copysign(1.0, a)", doc=KINK)
register(Checked("np.absolute", ("lib.copysign(1.0, a)",), "np", KINK), np.absolute)
both("erf", None, "1.1283791670955126 * lib.exp(-a * a)")
both("erfc", None, "-1.1283791670955126 * lib.exp(-a * a)")
both("gamma", None, "out * digamma(a)", doc="digamma computed by s2sad's runtime")
both("lgamma", None, "digamma(a)", doc="digamma computed by s2sad's runtime")
both("degrees", "degrees", "57.29577951308232")
both("radians", "radians", "0.017453292519943295")
both(None, "rad2deg", "57.29577951308232")
both(None, "deg2rad", "0.017453292519943295")
both("fmod", "fmod", "1", "-lib.trunc(a / b)", doc=JUMP)
both(None, "remainder", "1", "-lib.floor(a / b)", doc="like `%`; " + JUMP)
both("remainder", None, "1", "-lib.floor(a / b + 0.5)",
     doc="the quotient rounded to nearest (IEEE); " + JUMP)
both("copysign", "copysign", "lib.copysign(1.0, a * b)", None,
     doc="the sign of a times that of b; at a == 0 the side of the zero's sign, like abs")
both("ldexp", None, "lib.ldexp(1.0, b)", None, doc="the exponent is an integer")
both(None, "ldexp", "lib.ldexp(lib.ones_like(a), b)", None, doc="the exponent is an integer")
both("nextafter", "nextafter", "1", None,
     doc="a + (one step of a float towards b): derivative 1 in a")
both("fma", None, "b", "a", "1")
register(Lean("np.logaddexp", ("lib.exp(a - out)", "lib.exp(b - out)"), "np",
              lean=("sigmoid(a - b)", "sigmoid(b - a)")), np.logaddexp)
register(Lean("np.logaddexp2", ("lib.exp2(a - out)", "lib.exp2(b - out)"), "np",
              lean=("sigmoid((a - b) * 0.6931471805599453)",
                    "sigmoid((b - a) * 0.6931471805599453)")), np.logaddexp2)
both(None, "sinc", ratio("lib.cos(3.141592653589793 * a) - out", "a"),
     doc="sin(pi a) / (pi a); 0 at a == 0")
both(None, "square", "2 * a")
both(None, "reciprocal", "-out * out")
both(None, "negative", "-1")
both(None, "positive", "1")
both(None, "conjugate", "1", doc="the identity on real input")
both(None, "real", "1", doc="the identity on real input")
both(None, "add", "1", "1")
both(None, "subtract", "1", "-1")
both(None, "multiply", "b", "a")
both(None, "divide", "1 / b", "-(out / b)")
both(None, "maximum", Mask("a >= b"), Mask("a < b", otherwise=True), doc=TIE)
both(None, "minimum", Mask("a <= b"), Mask("a > b", otherwise=True), doc=TIE)
NAN = TIE + "; to the other argument where one is NaN, as the function ignores it"
both(None, "fmax", Mask("lib.logical_or(a >= b, lib.isnan(b))"),
     Mask("lib.logical_or(a < b, lib.isnan(a))", otherwise=True), doc=NAN)
both(None, "fmin", Mask("lib.logical_or(a <= b, lib.isnan(b))"),
     Mask("lib.logical_or(a > b, lib.isnan(a))", otherwise=True), doc=NAN)
both(None, "nan_to_num", Mask("lib.isfinite(a)"),
     doc="1 where a is finite, 0 where NaN or inf are replaced")
register(Clip("np.clip", (Mask("(b <= a) & (a <= c)"), Mask("(a < b) & (b <= c)"),
                          Mask("lib.logical_or(a > c, b > c)", otherwise=True)), "np",
              "to a on lo <= a <= hi (closed, so at either bound), to lo below, to hi "
              "above (and everywhere if lo > hi, as the value); a bound may be None"),
         np.clip)
register(Where("np.where", (None, Mask("a"), Mask("lib.logical_not(a)", otherwise=True)),
               "np", "the derivative of x where c, of y elsewhere (selected: an infinite "
               "one on the other side does not leak); c has none"), np.where)
register(Log("math.log", ("1 / a", "-out / (b * lib.log(b))"), "math"), math.log)
register(Checked("np.log", ("1 / a",), "np"), np.log)

# piecewise constant, boolean and integer results: no derivative
for name in ("floor", "ceil", "trunc"):
    register(NonDifferentiable(f"math.{name}", K.INT, STEP), getattr(math, name))
    register(NonDifferentiable(f"np.{name}", None, STEP), getattr(np, name))
nondifferentiable("math", ("comb", "perm", "factorial", "gcd", "lcm", "isqrt"), K.INT,
                  "an integer result: no derivative")
nondifferentiable("math", ("isclose", "isfinite", "isinf", "isnan"), K.OTHER,
                  "a boolean result: no derivative")
nondifferentiable("math", ("ulp",), K.SCALAR, STEP)
nondifferentiable("np", ("sign", "rint", "round", "around", "fix", "heaviside", "spacing"),
                  None, STEP)
nondifferentiable("np", ("isnan", "isfinite", "isinf", "signbit", "isclose", "logical_and",
                         "logical_or", "logical_not", "logical_xor", "less", "less_equal",
                         "greater", "greater_equal", "equal", "not_equal"), None,
                  "a boolean result: no derivative")
nondifferentiable("np", ("gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
                         "left_shift", "right_shift", "bitwise_count"), None,
                  "an integer result: no derivative")
nondifferentiable("np", ("imag",), None, "zero on real input: no derivative")
register(IntegralDivision("np.floor_divide", None, STEP), np.floor_divide)
register(NonDifferentiable("int", K.INT, STEP), builtins.int)
for _cast in (np.int64, np.int32):
    register(IntCast(f"np.{_cast.__name__}", doc="a cast to ints (an index): " + STEP), _cast)
register(NonDifferentiable("round", None, STEP), builtins.round)
for prim in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
             operator.not_):
    register(NonDifferentiable(prim.__name__, None, "a boolean result: no derivative"), prim)

# tuples of results computed together: an error when used
TUPLE = "returns a tuple, which s2sad does not differentiate (not even in part): "
register(Refused("math.frexp", doc=TUPLE + "use `math.log2`, `math.floor` or `math.ldexp`."),
         math.frexp)
register(Refused("np.frexp", doc=TUPLE + "use `np.log2`, `np.floor` or `np.ldexp`."), np.frexp)
register(Refused("math.modf", doc=TUPLE + "write `a - math.trunc(a)` and `math.trunc(a)`."),
         math.modf)
register(Refused("np.modf", doc=TUPLE + "write `a - np.trunc(a)` and `np.trunc(a)`."), np.modf)
register(Refused("np.divmod", doc=TUPLE + "write `a // b` and `a % b`."), np.divmod)
