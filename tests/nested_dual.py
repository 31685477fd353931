"""Dual numbers whose parts are dual numbers: exact second derivatives, sharing no code
with s2sad.

A `Nested` is `a + b * eta` where `a` and `b` are the `Dual`s of tests/dual.py
(`val + dot * epsilon`) and `eta ** 2 == 0`. Seeding `x = (x0 + v epsilon) + (u + 0
epsilon) eta` and running a plain function on it, the `eta * epsilon` part of the result
is the second directional derivative `u^T H v`: the outer layer differentiates the inner
layer's derivative. Each operation below is the inner `Dual`'s chain rule again, with the
inner `Dual` as its number type; an elementary function's slope is dual.py's own table
(`dual.UNARY`) evaluated on inner `Dual`s, so the slope is differentiated too.

>>> import math
>>> def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
>>> second(f, (2.0, 5.0), (0, 1), (1.0, 0.0), (1.0, 0.0))
-0.25

`evaluate` runs a function with `dual.dualize` and the flavour `NESTED` (this module's
`math`, `np` and `float`), so helpers, closures and object arrays run as they do on Duals.
"""
import builtins
import math
import types

import dual
import numpy as np

Dual = dual.Dual


def _operand(method):
    """A binary operator: a Nested meets an array elementwise, so NumPy takes over."""
    def apply(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return method(self, lift(other))
    apply.__name__ = method.__name__
    return apply


def _zero(d):
    return d.val == 0.0 and d.dot == 0.0


def plain(x):
    """The float inside a number of any layer."""
    while isinstance(x, (Nested, Dual)):
        x = x.val
    return x


class Nested:
    """`val + dot * eta` with `eta ** 2 == 0`, `val` and `dot` inner `Dual`s."""

    __slots__ = ("dot", "val")

    def __init__(self, val, dot=0.0):
        self.val = dual.lift(val)
        self.dot = dual.lift(dot)

    def __repr__(self):
        return f"Nested({self.val!r}, {self.dot!r})"

    @_operand
    def __add__(self, other):
        return Nested(self.val + other.val, self.dot + other.dot)

    @_operand
    def __sub__(self, other):
        return Nested(self.val - other.val, self.dot - other.dot)

    @_operand
    def __mul__(self, other):
        return Nested(self.val * other.val, self.dot * other.val + self.val * other.dot)

    @_operand
    def __truediv__(self, other):
        out = self.val / other.val
        return Nested(out, (self.dot - out * other.dot) / other.val)

    @_operand
    def __pow__(self, other):
        out = self.val ** other.val
        dot = Dual(0.0)
        if not _zero(self.dot):
            dot = other.val * self.val ** (other.val - 1.0) * self.dot
        if not _zero(other.dot):
            dot = dot + out * dual.dual_math.log(self.val) * other.dot
        return Nested(out, dot)

    @_operand
    def __mod__(self, other):
        return Nested(self.val % other.val,
                      self.dot - math.floor(plain(self) / plain(other)) * other.dot)

    @_operand
    def __floordiv__(self, other):
        return Nested(self.val // other.val)

    @_operand
    def __radd__(self, other):
        return other + self

    @_operand
    def __rsub__(self, other):
        return other - self

    @_operand
    def __rmul__(self, other):
        return other * self

    @_operand
    def __rtruediv__(self, other):
        return other / self

    @_operand
    def __rpow__(self, other):
        return other ** self

    @_operand
    def __rmod__(self, other):
        return other % self

    @_operand
    def __rfloordiv__(self, other):
        return other // self

    def __neg__(self):
        return Nested(-self.val, -self.dot)

    def __pos__(self):
        return self

    def __abs__(self):
        return self if plain(self) >= 0 else -self

    def __lt__(self, other):
        return plain(self) < plain(other)

    def __le__(self, other):
        return plain(self) <= plain(other)

    def __gt__(self, other):
        return plain(self) > plain(other)

    def __ge__(self, other):
        return plain(self) >= plain(other)

    def __eq__(self, other):
        return plain(self) == plain(other)

    def __ne__(self, other):
        return plain(self) != plain(other)

    def __hash__(self):
        return hash(plain(self))

    def __bool__(self):
        return bool(plain(self))

    def __float__(self):
        """Only for a constant, as `Dual.__float__`: dropping a derivative is refused."""
        if self.val.dot or not _zero(self.dot):
            raise TypeError(f"float() of {self!r} would drop its derivatives")
        return self.val.val

    def __int__(self):
        return int(plain(self))

    def __floor__(self):
        return math.floor(plain(self))

    def __ceil__(self):
        return math.ceil(plain(self))

    def __trunc__(self):
        return math.trunc(plain(self))

    def __round__(self, ndigits=None):
        return round(plain(self), ndigits)


def lift(x):
    return x if isinstance(x, Nested) else Nested(x)


# ---------------------------------------------------------------- elementary functions

def _unary(name, slope):
    """`name` on Nested: the inner function on the value, dual.py's slope (run on inner
    Duals, so it is differentiated too) times the outer derivative."""
    inner = getattr(dual.dual_math, name)
    slope = types.FunctionType(slope.__code__, {"math": dual.dual_math})

    def apply(x):
        if not isinstance(x, Nested):
            return inner(x)
        y = inner(x.val)
        return Nested(y, slope(x.val, y) * x.dot)
    apply.__name__ = name
    return apply


_FUNCTIONS = {name: _unary(name, slope) for name, slope in dual.UNARY.items()}
_LOG = _unary("log", lambda x, y: 1.0 / x)


def log(x, base=None):
    return _LOG(x) if base is None else _LOG(x) / _LOG(base)


def atan2(y, x):
    y, x = lift(y), lift(x)
    r2 = x.val * x.val + y.val * y.val
    return Nested(dual.atan2(y.val, x.val), (x.val * y.dot - y.val * x.dot) / r2)


def hypot(*xs):
    xs = [lift(x) for x in xs]
    h = dual.hypot(*(x.val for x in xs))
    return Nested(h, sum((x.val * x.dot for x in xs), Dual(0.0)) / h)


def pow(x, y):
    return lift(x) ** y


def fsum(xs):
    xs = [lift(x) for x in xs]
    return Nested(dual.fsum([x.val for x in xs]), dual.fsum([x.dot for x in xs]))


def cbrt(x):
    x = lift(x)
    y = dual.cbrt(x.val)
    return Nested(y, x.dot / (3.0 * y * y))


def as_float(x=0.0):
    """The `float` builtin of a nested function: a Nested keeps its derivatives."""
    return x if isinstance(x, Nested) else builtins.float(x)


nested_math = dual._Namespace(math, log=log, atan2=atan2, hypot=hypot, pow=pow, cbrt=cbrt,
                              fsum=fsum, **_FUNCTIONS)
for _method, _name in dual.UFUNC_METHODS.items():
    setattr(Nested, _method, _FUNCTIONS[_name])
Nested.log = lambda self: _LOG(self)
Nested.cbrt = cbrt
Nested.arctan2 = lambda self, other: atan2(self, other)
Nested.hypot = lambda self, other: hypot(self, other)

NESTED = dual.Flavour(math=nested_math, np=dual.numpy_namespace(lift), float=as_float)


# ---------------------------------------------------------------- second derivatives

def seeded(x, inner, outer):
    """`x` moving along `inner` in the inner layer and `outer` in the outer one (an object
    array for an array)."""
    if isinstance(x, np.ndarray):
        inner = np.broadcast_to(np.asarray(inner, dtype=float), x.shape)
        outer = np.broadcast_to(np.asarray(outer, dtype=float), x.shape)
        out = np.empty(x.shape, dtype=object)
        for i in np.ndindex(x.shape):
            out[i] = Nested(Dual(x[i], inner[i]), Dual(outer[i]))
        return out
    return Nested(Dual(x, inner), Dual(outer))


def evaluate(fn, args):
    """`fn(*args)` on nested numbers (a bound method runs its function with its object)."""
    if hasattr(fn, "__self__"):
        args, fn = (fn.__self__, *args), fn.__func__
    return dual.dualize(fn, flavour=NESTED)(*args)


def parts_at(fn, args):
    """`(value, gradient . v, gradient . u, u^T H v)` of scalar `fn` at seeded `args`."""
    result = evaluate(fn, args)
    if isinstance(result, np.ndarray) and result.shape == ():
        result = result[()]
    result = lift(result)
    return result.val.val, result.val.dot, result.dot.val, result.dot.dot


def second(fn, args, positions, v, u):
    """`u^T H v` of scalar `fn` at `args`, the arguments at `positions` moving along `v`
    (inner) and `u` (outer), one direction (a float or an array) per position."""
    args = list(args)
    for p, inner, outer in zip(positions, v, u):
        args[p] = seeded(args[p], inner, outer)
    return parts_at(fn, args)[3]
