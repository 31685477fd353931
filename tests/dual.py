"""Dual numbers: an independent reference for derivatives, sharing no code with s2sad.

A `Dual` carries a value and its derivative along one direction; every operation applies
the chain rule as it goes (forward mode by operator overloading, as in seed 002's
"dual-version(f)(v + 1 epsilon)"). Running a user's plain function on Duals therefore
gives its exact directional derivative by a route that has nothing in common with s2sad's
source transformation: no parsing, no Wengert list, no generated code. Where the two
agree to rounding error, both are right.

>>> def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
>>> derivative(f, (2.0, 5.0), wrt=0)
5.5

`derivative` evaluates `fn` with its module's `math` (and `np`) replaced by the dual
versions below; the module's own plain functions that `fn` calls are rebound the same
way. NumPy ufuncs on Duals, or on object arrays of them, call the method of the same name
(`np.sin(d)` is `d.sin()`), and the dual `np` makes its array constructors build object
arrays, so array programs run too.
"""
import builtins
import math
import types

import numpy as np


def _operand(method):
    """A binary operator: a Dual meets an array elementwise, so NumPy takes over."""
    def apply(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return method(self, lift(other))
    apply.__name__ = method.__name__
    return apply


class Dual:
    """`val + dot * epsilon` with `epsilon ** 2 == 0`."""

    __slots__ = ("dot", "val")

    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual({self.val!r}, {self.dot!r})"

    # ------------------------------------------------------------ arithmetic
    @_operand
    def __add__(self, other):
        return Dual(self.val + other.val, self.dot + other.dot)

    @_operand
    def __sub__(self, other):
        return Dual(self.val - other.val, self.dot - other.dot)

    @_operand
    def __mul__(self, other):
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    @_operand
    def __truediv__(self, other):
        out = self.val / other.val
        return Dual(out, (self.dot - out * other.dot) / other.val)

    @_operand
    def __pow__(self, other):
        out = self.val ** other.val
        dot = other.val * self.val ** (other.val - 1) * self.dot if self.dot else 0.0
        if other.dot:
            dot += out * math.log(self.val) * other.dot
        return Dual(out, dot)

    @_operand
    def __mod__(self, other):
        return Dual(self.val % other.val,
                    self.dot - math.floor(self.val / other.val) * other.dot)

    @_operand
    def __floordiv__(self, other):
        return Dual(self.val // other.val)

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
        return Dual(-self.val, -self.dot)

    def __pos__(self):
        return self

    def __abs__(self):
        return self if self.val >= 0 else -self

    # ------------------------------------------------------------ comparisons, conversions
    def __lt__(self, other):
        return self.val < value(other)

    def __le__(self, other):
        return self.val <= value(other)

    def __gt__(self, other):
        return self.val > value(other)

    def __ge__(self, other):
        return self.val >= value(other)

    def __eq__(self, other):
        return self.val == value(other)

    def __ne__(self, other):
        return self.val != value(other)

    def __hash__(self):
        return hash(self.val)

    def __bool__(self):
        return bool(self.val)

    def __float__(self):
        """Only for a constant: a float cannot hold the derivative, so dropping it (NumPy
        storing a Dual in a float array, say) would give wrong numbers without a word.
        The `float` builtin of a dualized function keeps the Dual instead."""
        if self.dot:
            raise TypeError(f"float() of {self!r} would drop its derivative")
        return self.val

    def __int__(self):
        return int(self.val)

    def __floor__(self):
        return math.floor(self.val)

    def __ceil__(self):
        return math.ceil(self.val)

    def __trunc__(self):
        return math.trunc(self.val)

    def __round__(self, ndigits=None):
        return round(self.val, ndigits)


def lift(x):
    """`x` as a Dual: a number is a constant."""
    return x if isinstance(x, Dual) else Dual(x)


def value(x):
    return x.val if isinstance(x, Dual) else x


def tangent(x):
    return x.dot if isinstance(x, Dual) else 0.0


# ---------------------------------------------------------------- elementary functions
# name: d/dx f(x), given x and y = f(x)

UNARY = {
    "sin": lambda x, y: math.cos(x),
    "cos": lambda x, y: -math.sin(x),
    "tan": lambda x, y: 1.0 + y * y,
    "exp": lambda x, y: y,
    "expm1": lambda x, y: y + 1.0,
    "log1p": lambda x, y: 1.0 / (1.0 + x),
    "log2": lambda x, y: 1.0 / (x * math.log(2.0)),
    "log10": lambda x, y: 1.0 / (x * math.log(10.0)),
    "sqrt": lambda x, y: 0.5 / y,
    "sinh": lambda x, y: math.cosh(x),
    "cosh": lambda x, y: math.sinh(x),
    "tanh": lambda x, y: 1.0 - y * y,
    "asin": lambda x, y: 1.0 / math.sqrt(1.0 - x * x),
    "acos": lambda x, y: -1.0 / math.sqrt(1.0 - x * x),
    "atan": lambda x, y: 1.0 / (1.0 + x * x),
    "asinh": lambda x, y: 1.0 / math.sqrt(1.0 + x * x),
    "acosh": lambda x, y: 1.0 / math.sqrt(x * x - 1.0),
    "atanh": lambda x, y: 1.0 / (1.0 - x * x),
    "erf": lambda x, y: 2.0 / math.sqrt(math.pi) * math.exp(-x * x),
    "erfc": lambda x, y: -2.0 / math.sqrt(math.pi) * math.exp(-x * x),
    "fabs": lambda x, y: 1.0 if x >= 0 else -1.0,
    "degrees": lambda x, y: 180.0 / math.pi,
    "radians": lambda x, y: math.pi / 180.0,
}


def _unary(name, slope):
    f = getattr(math, name)

    def apply(x):
        if not isinstance(x, Dual):
            return f(x)
        y = f(x.val)
        return Dual(y, slope(x.val, y) * x.dot if x.dot else 0.0)
    apply.__name__ = name
    return apply


def log(x, base=None):
    if base is None:
        return _LOG(x)
    return _LOG(x) / _LOG(base)


def atan2(y, x):
    y, x = lift(y), lift(x)
    r2 = x.val * x.val + y.val * y.val
    return Dual(math.atan2(y.val, x.val), (x.val * y.dot - y.val * x.dot) / r2)


def hypot(*xs):
    xs = [lift(x) for x in xs]
    h = math.hypot(*(x.val for x in xs))
    return Dual(h, sum(x.val * x.dot for x in xs) / h)


def pow(x, y):
    return lift(x) ** y


def fsum(xs):
    """`math.fsum`: the values summed exactly rounded, the tangents summed the same way."""
    xs = [lift(x) for x in xs]
    return Dual(math.fsum(x.val for x in xs), math.fsum(x.dot for x in xs))


def cbrt(x):
    x = lift(x)
    y = math.copysign(abs(x.val) ** (1.0 / 3.0), x.val)
    return Dual(y, x.dot / (3.0 * y * y) if x.dot else 0.0)


def as_float(x=0.0):
    """The `float` builtin of a dualized function: a Dual stays a Dual (with its
    derivative), as `float(x)` passes the derivative on."""
    return x if isinstance(x, Dual) else builtins.float(x)


class _Namespace(types.SimpleNamespace):
    """A module stand-in: what it defines, else the wrapped module's attribute."""

    def __init__(self, module, **names):
        super().__init__(**names)
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)


_FUNCTIONS = {name: _unary(name, slope) for name, slope in UNARY.items()}
_LOG = _unary("log", lambda x, y: 1.0 / x)
dual_math = _Namespace(math, log=log, atan2=atan2, hypot=hypot, pow=pow, cbrt=cbrt,
                       fsum=fsum, **_FUNCTIONS)

# NumPy calls a ufunc's method of the same name on object elements: np.sin(d) is d.sin()
UFUNC_METHODS = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp",
                  "expm1": "expm1", "log1p": "log1p", "log2": "log2", "log10": "log10",
                  "sqrt": "sqrt", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
                  "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
                  "arccosh": "acosh", "arctanh": "atanh", "deg2rad": "radians",
                  "rad2deg": "degrees"}
for _method, _name in UFUNC_METHODS.items():
    setattr(Dual, _method, _FUNCTIONS[_name])
Dual.log = lambda self: _LOG(self)
Dual.cbrt = cbrt
Dual.arctan2 = lambda self, other: atan2(self, other)
Dual.hypot = lambda self, other: hypot(self, other)


# ---------------------------------------------------------------- NumPy on object arrays

def constants(array, lift=lift):
    """A float (or mixed object) array as an object array of Duals: an element can then become a
    Dual with a derivative, and ufuncs find their methods on every element. (`lift` makes
    the numbers of another flavour, tests/nested_dual.py's.)"""
    out = np.empty(np.shape(array), dtype=object)
    for i in np.ndindex(out.shape):
        out[i] = lift(array[i])
    return out


def _object_array(make, lift):
    """A constructor whose float arrays hold constant Duals (see `constants`)."""
    def build(*args, **kwargs):
        array = make(*args, **kwargs)
        return constants(array, lift) if array.dtype.kind in "fO" else array
    build.__name__ = make.__name__
    return build


def _lifting(ufunc, lift):
    """A ufunc that first makes every element of an object array a Dual: a float may
    have been stored into one (`w[0] = 0.5`), and floats have no `sin` method."""
    def apply(x, *args, **kwargs):
        if isinstance(x, np.ndarray) and x.dtype == object:
            x = constants(x, lift)
        return ufunc(x, *args, **kwargs)
    apply.__name__ = ufunc.__name__
    return apply


def numpy_namespace(lift):
    """`np` whose constructors build object arrays of `lift`ed numbers and whose ufuncs
    lift the elements of an object array first."""
    return _Namespace(
        np,
        **{name: _object_array(getattr(np, name), lift) for name in (
            "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like",
            "array", "asarray", "arange", "linspace", "eye")},
        **{name: _lifting(getattr(np, name), lift)
           for name in [*UFUNC_METHODS, "log", "cbrt"]})


dual_np = numpy_namespace(lift)


# ---------------------------------------------------------------- running a function on Duals

class Flavour(types.SimpleNamespace):
    """What `dualize` puts in place of `math`, `np` and `float`: the dual versions here,
    the nested ones in tests/nested_dual.py."""


DUALS = Flavour(math=dual_math, np=dual_np, float=as_float)


def dualize(fn, rebound=None, flavour=DUALS):
    """`fn` with `math`, `np` and `float` replaced by their dual versions in its globals,
    and the plain functions of its module it can reach rebound the same way (recursively,
    so helpers of helpers and recursive functions work), also those its closure holds: a
    decorator's wrapper calls the function it wraps from a closure cell."""
    rebound = {} if rebound is None else rebound
    if fn in rebound:
        return rebound[fn]
    namespace = dict(fn.__globals__)
    namespace["float"] = flavour.float
    cells = tuple(types.CellType() if _own(cell, fn) else cell
                  for cell in fn.__closure__ or ())
    new = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__,
                             cells or None)
    new.__kwdefaults__ = fn.__kwdefaults__
    rebound[fn] = new
    for cell, old in zip(cells, fn.__closure__ or ()):
        if cell is not old:
            cell.cell_contents = dualize(old.cell_contents, rebound, flavour)
    for name, item in fn.__globals__.items():
        if item is math:
            namespace[name] = flavour.math
        elif item is np:
            namespace[name] = flavour.np
        elif isinstance(item, types.BuiltinFunctionType) and \
                getattr(math, item.__name__, None) is item:
            namespace[name] = getattr(flavour.math, item.__name__)
        elif isinstance(item, types.FunctionType) and item.__module__ == fn.__module__:
            namespace[name] = dualize(item, rebound, flavour)
    return new


def _own(cell, fn):
    """Whether a closure cell of `fn` holds a plain function of `fn`'s module."""
    try:
        item = cell.cell_contents
    except ValueError:  # a cell not filled yet
        return False
    return isinstance(item, types.FunctionType) and item.__module__ == fn.__module__


def _seeded(x, direction):
    if isinstance(x, np.ndarray):
        seeds = np.broadcast_to(np.asarray(direction, dtype=float), x.shape)
        out = np.empty(x.shape, dtype=object)
        for i in np.ndindex(x.shape):
            out[i] = Dual(x[i], seeds[i])
        return out
    return Dual(x, direction)


def jvp(fn, args, wrt, directions):
    """`(fn(*args), J . directions)` on Duals: `wrt` a position or tuple of positions,
    `directions` one per position (a float or an array of the argument's shape). The
    value and the tangent are floats for a number, float arrays for an array."""
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    directions = directions if isinstance(wrt, tuple) else (directions,)
    args = list(args)
    for p, d in zip(positions, directions):
        args[p] = _seeded(args[p], d)
    result = dualize(fn)(*args)
    if isinstance(result, np.ndarray):
        return (np.vectorize(value, otypes=[float])(result),
                np.vectorize(tangent, otypes=[float])(result))
    return float(value(result)), float(tangent(result))


def derivative(fn, args, wrt=0):
    """The partial derivative of scalar `fn` at `args` with respect to each argument in
    `wrt` (a position or tuple of positions; a float argument only), one dual sweep each."""
    if isinstance(wrt, tuple):
        return tuple(derivative(fn, args, p) for p in wrt)
    return jvp(fn, args, wrt, 1.0)[1]
