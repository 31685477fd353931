"""Reductions besides sum and mean: products, extrema, variance, cumulative sums and
products, the builtin `sum`, `math.fsum` and `math.prod`, and the array methods.

Every reduction takes `axis` (None, an int, a negative int, a tuple where NumPy allows
one) and `keepdims` as constants, known when the derivative is generated. Derivatives
that no short NumPy expression states well (the product of all other elements, the
first maximum's position, the cumulative product's adjoint) are computed by small
functions of the runtime module, which the generated code calls by name; each works for
any rank and, in forward mode, for tangents with leading axes of directions.
"""
import builtins
import dataclasses
import math
import numbers
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop
from ..runtime import cumprod_adjoint, cumprod_tangent, first_max, first_min, prod_others
from ..syntax.template import const
from .arrays import _axis, _reduction_kind, nonempty_count, reduced_count, reduction_keywords
from .axes import shift
from .base import (Add, Custom, NonDifferentiable, Scatter, Sequence, TABLE, rank, register,
                   total)
from .literals import literal

# ---------------------------------------------------------------- shared pieces


def _constants(names):
    """A check that every positional argument after the array is a constant the rule can
    read: `consts` holds only constant arguments, so a computed one would otherwise be
    taken for its default."""
    def check(arg_kinds, consts):
        if len(arg_kinds) > len(names):
            raise UnsupportedError(
                f"positional arguments after `{names[-1]}` (such as `initial` or `where`) "
                f"have no derivative rule; pass at most {', '.join(names)}.")
        for position in range(1, len(arg_kinds)):
            if names[position] not in consts:
                raise UnsupportedError(
                    f"a computed `{names[position]}`: it must be known when the derivative "
                    "is generated; pass a constant written in the call.")
    return check


def _checked(kind_of, names):
    check = _constants(names)

    def kind(arg_kinds, consts):
        check(arg_kinds, consts)
        return kind_of(arg_kinds, consts)
    return kind



def _with_axis(site, fn, *args):
    """`fn(*args, axis)`, the axis left out when it is None."""
    axis = _axis(site.consts)
    return site.helper(fn, *args, *(() if axis is None else (literal(axis),)))


def _expand(site, value):
    """`value`, shaped like the result, with the reduced axes back as length-one axes, so
    it broadcasts against the operand."""
    axis = _axis(site.consts)
    if axis is None or site.consts.get("keepdims"):
        return value
    return site.fill("np.expand_dims(v, k)", v=value, k=literal(axis))


def _summed(site, value):
    """`np.sum(value, axis=..., keepdims=...)` over the reduction's axes."""
    call = site.fill("np.sum(v)", v=value)
    call.keywords = reduction_keywords(site, site.vector)
    return call


# ---------------------------------------------------------------- np.prod


def _prod_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    return {0: Add(binop(_expand(site, site.g), gast.Mult(),
                         _with_axis(site, prod_others, site.args[0])))}


def _prod_tangent(site):
    if site.kinds[0].is_scalar:
        return site.dots[0]
    return _summed(site, binop(site.dots[0], gast.Mult(),
                               _with_axis(site, prod_others, site.args[0])))


# ---------------------------------------------------------------- np.max, np.min


def _single_argext(site):
    """Whether the extremum is over the one axis of a vector (no keepdims): then the
    derivative indexes at `np.argmax` instead of masking."""
    kind = site.kinds[0]
    return kind.is_array and kind.ndim == 1 and not site.consts.get("keepdims") \
        and _axis(site.consts) in (None, 0, -1, (0,), (-1,))


def _extremum(mask, arg):
    def adjoint(site):
        if site.kinds[0].is_scalar:
            return {0: Add(site.g)}
        if _single_argext(site):
            return {0: Scatter(site.fill(f"np.{arg}(a)"), site.g)}
        return {0: Add(binop(_expand(site, site.g), gast.Mult(),
                             _with_axis(site, mask, site.args[0])))}

    def tangent(site):
        if site.kinds[0].is_scalar:
            return site.dots[0]
        if _single_argext(site):
            index = site.fill(f"np.{arg}(a)")
            if site.vector:
                index = gast.Tuple(elts=[gast.Slice(None, None, None), index],
                                   ctx=gast.Load())
            return gast.Subscript(value=site.dots[0], slice=index, ctx=gast.Load())
        return _summed(site, binop(site.dots[0], gast.Mult(),
                                   _with_axis(site, mask, site.args[0])))
    return adjoint, tangent


# ---------------------------------------------------------------- np.ptp


def _ptp_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    g = _expand(site, site.g)
    return {0: Add(binop(binop(g, gast.Mult(), _with_axis(site, first_max, site.args[0])),
                         gast.Sub(),
                         binop(g, gast.Mult(), _with_axis(site, first_min, site.args[0]))))}


def _ptp_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    d = site.dots[0]
    return binop(_summed(site, binop(d, gast.Mult(), _with_axis(site, first_max, site.args[0]))),
                 gast.Sub(),
                 _summed(site, binop(d, gast.Mult(), _with_axis(site, first_min, site.args[0]))))


# ---------------------------------------------------------------- np.nansum


def _nansum_adjoint(site):
    return {0: Add(site.fill("np.where(np.isnan(a), 0.0, v)", v=_expand(site, site.g)))}


def _nansum_tangent(site):
    value = site.fill("np.where(np.isnan(a), 0.0, d)", d=site.dots[0])
    return value if site.kinds[0].is_scalar else _summed(site, value)


# ---------------------------------------------------------------- np.var, np.std


def _ddof(consts):
    ddof, correction = consts.get("ddof"), consts.get("correction")
    if ddof is not None and correction is not None:
        raise UnsupportedError("`ddof=` and `correction=` together (NumPy refuses them too); "
                               "pass one.")
    ddof = correction if ddof is None else ddof
    if ddof is None:
        return 0
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Real):
        raise UnsupportedError("`ddof` must be a constant number.")
    return ddof


def _variance_kind(arg_kinds, consts):
    _ddof(consts)
    return _reduction_kind(arg_kinds, consts)


def _deviation(site):
    """`a - np.mean(a, axis, keepdims=True)`: each element's deviation from its mean."""
    axis = _axis(site.consts)
    if axis is None:
        return site.fill("a - np.mean(a)")
    return site.fill("a - np.mean(a, axis=k, keepdims=True)", k=literal(axis))


def _divisor(site):
    """The count minus `ddof`, as an expression; without `ddof`, `max(n, 1)`, which an
    empty slice needs (with `ddof`, n - ddof is not 0 at n == 0)."""
    ddof = _ddof(site.consts)
    if ddof == 0:
        return nonempty_count(site)
    return binop(reduced_count(site), gast.Sub(), const(ddof))


def _safe_out(site):
    """The std, with infinity where the slice is constant: the derivative divides by it,
    so it is 0 there (where the std has a kink), never 0/0. Testing the slice rather than
    the std itself also covers constants the mean does not reproduce exactly (a slice of
    0.1s has a std of about 1e-17 and deviations of rounding noise). An empty slice
    counts as constant (`np.ptp` of it raises): its tangent is 0, not 0 / NaN."""
    call = site.fill("np.ptp(a)")
    call.keywords = reduction_keywords(site, vector=False)
    return site.fill("np.where(n == 0 or p == 0, np.inf, out)", n=reduced_count(site),
                     p=call)


def _var_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = binop(site.g, gast.Mult(), binop(const(2), gast.Div(), _divisor(site)))
    return {0: Add(binop(_deviation(site), gast.Mult(), _expand(site, scale)))}


def _var_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return binop(binop(const(2), gast.Div(), _divisor(site)), gast.Mult(),
                 _summed(site, binop(site.dots[0], gast.Mult(), _deviation(site))))


def _std_adjoint(site):
    if site.kinds[0].is_scalar:
        return {}
    scale = binop(site.g, gast.Div(), binop(_divisor(site), gast.Mult(), _safe_out(site)))
    return {0: Add(binop(_deviation(site), gast.Mult(), _expand(site, scale)))}


def _std_tangent(site):
    if site.kinds[0].is_scalar:
        return None
    return binop(_summed(site, binop(site.dots[0], gast.Mult(), _deviation(site))),
                 gast.Div(), binop(_divisor(site), gast.Mult(), _safe_out(site)))


# ---------------------------------------------------------------- np.cumsum, np.cumprod


def _cumulative_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    axis = _axis(consts)
    if isinstance(axis, tuple):
        raise UnsupportedError("a cumulative sum or product runs along one axis: pass an "
                               "int (or None for the flattened array), not a tuple.")
    if kind.is_scalar:
        return K.array(1)
    if not kind.is_array:
        return K.array(1) if axis is None and kind.known else K.UNKNOWN
    if axis is None and kind.ndim != 1:
        return K.array(1)
    return kind


def _flat(site):
    """Whether a cumulative operation flattens a multi-axis (or unknown-rank) operand."""
    kind = site.kinds[0]
    return _axis(site.consts) is None and not (kind.is_array and kind.ndim == 1)


def _scalar_cumulative_tangent(site):
    """The tangent of `[a]` (a cumulative operation on a number)."""
    if site.vector:
        return site.fill("d[:, None]", d=site.dots[0])
    return site.fill("np.reshape(d, 1)", d=site.dots[0])


def _cumsum_adjoint(site):
    kind = site.kinds[0]
    if kind.is_scalar:
        return {0: Add(site.g, reduce=True)}
    axis = _axis(site.consts)
    if axis is None:
        value = site.fill("np.flip(np.cumsum(np.flip(g)))")
        if _flat(site):
            value = site.fill("np.reshape(v, s)", v=value, s=site.fill(
                "a.shape" if kind.is_array else "np.shape(a)"))
    else:
        value = site.fill("np.flip(np.cumsum(np.flip(g, k), axis=k), k)", k=literal(axis))
    return {0: Add(value, reduce=not kind.is_array)}


def _cumsum_tangent(site):
    if site.kinds[0].is_scalar:
        return _scalar_cumulative_tangent(site)
    axis = _axis(site.consts)
    dot = site.dots[0]
    if site.vector:
        if axis is None:
            if rank(site.kinds[0]) > 1:
                dot = site.fill("np.reshape(d, (len(d), -1))", d=dot)
            axis = 1
        else:
            axis = shift(axis)
    call = site.fill("np.cumsum(d)", d=dot)
    if axis is not None:
        call.keywords = [gast.keyword(arg="axis", value=literal(axis))]
    return call


def _cumprod_adjoint(site):
    kind = site.kinds[0]
    if kind.is_scalar:
        return {0: Add(site.g, reduce=True)}
    return {0: Add(_with_axis(site, cumprod_adjoint, site.g, site.args[0]),
                   reduce=not kind.is_array)}


def _cumprod_tangent(site):
    if site.kinds[0].is_scalar:
        return _scalar_cumulative_tangent(site)
    return _with_axis(site, cumprod_tangent, site.dots[0], site.args[0])


# ---------------------------------------------------------------- np.argmax, np.argmin


_ARG_NAMES = ("a", "axis", "out", "keepdims")


class ArgExtremum(NonDifferentiable):
    """`np.argmax`/`np.argmin`: an index (an integer for the whole array, an array of
    integers along an axis), usable as an index; no derivative."""
    names = _ARG_NAMES

    def out_kind(self, arg_kinds, consts):
        _constants(_ARG_NAMES)(arg_kinds, consts)
        kind, axis = arg_kinds[0], _axis(consts)
        if isinstance(axis, tuple):
            raise UnsupportedError(f"`{self.name}` takes one axis (an int) or None.")
        keepdims = consts.get("keepdims")
        if kind.is_scalar or (axis is None and not keepdims):
            return K.INT
        if not kind.is_array or kind.ndim is None:
            return K.UNKNOWN
        ndim = kind.ndim if keepdims else kind.ndim - 1
        return K.INT if ndim == 0 else K.array(ndim)


# ---------------------------------------------------------------- builtins.sum, math.fsum,
# math.prod


@dataclass(frozen=True)
class Fold:
    """`sum`, `math.fsum` or `math.prod` (`op`) of a list or tuple display, or of one
    array, reduced over its first axis as Python iterates it. `sum` takes an optional
    positional `start`."""
    name: str
    op: str

    def rule(self, doc):
        return Sequence(self.name, self.out_kind, self.adjoint, self.tangent,
                        names=("iterable",), doc=doc)

    def out_kind(self, arg_kinds, consts):
        packed = consts.get("packed")
        starts = 1 if self.op == "sum" else 0
        if packed is not None:
            if any(isinstance(item, ir.Packed) for item in packed.items):
                raise UnsupportedError(f"`{self.name}` of nested lists or tuples; pass one "
                                       "flat list display.")
            elements, rest = list(arg_kinds[:packed.size]), list(arg_kinds[packed.size:])
        else:
            if not arg_kinds:
                raise UnsupportedError(f"`{self.name}()` without an argument.")
            elements, rest = None, list(arg_kinds[1:])
        if len(rest) > starts:
            raise UnsupportedError(
                f"`{self.name}` with {len(rest)} arguments after the sequence"
                + ("; `sum` takes one start value." if starts else
                   "; multiply the result by a start value instead." if self.op == "prod"
                   else "."))
        if elements is None:
            return self._array_kind(arg_kinds[0], rest)
        if self.op == "fsum" and any(kind.is_array for kind in elements):
            raise UnsupportedError("`math.fsum` of arrays; use `np.sum` (or `sum`) for arrays.")
        if all(kind == K.INT for kind in elements + rest):
            return K.INT
        return K.broadcast(elements + rest)

    def _array_kind(self, kind, rest):
        if kind.tag == "shape":
            return K.INT
        if kind.is_scalar:
            raise UnsupportedError(f"`{self.name}` of a number: it takes a sequence; write "
                                   f"the values as a list display, `{self.name}([a, b])`.")
        if kind.known and not kind.is_array:
            raise UnsupportedError(
                f"`{self.name}` of a value that is not an array (a tuple or list variable) "
                f"is not differentiated through: write the list display in the call itself, "
                f"`{self.name}([a, b, c])`, or reduce an array with NumPy.")
        if self.op == "fsum":
            if kind.is_array and kind.ndim is not None and kind.ndim > 1:
                raise UnsupportedError("`math.fsum` of an array of rank above 1 (it iterates "
                                       "over rows); use `np.sum`.")
            return K.SCALAR
        if not kind.is_array or kind.ndim is None:
            return K.UNKNOWN
        reduced = K.array(kind.ndim - 1)
        return K.broadcast([reduced] + rest) if rest else reduced

    # adjoint

    def adjoint(self, site):
        packed = site.consts.get("packed")
        if packed is None:
            return self._array_adjoint(site)
        contributions = {}
        for position in range(len(site.args)):
            if not site.active[position]:
                continue
            value = site.g
            if self.op == "prod":
                for other in range(packed.size):
                    if other != position:
                        value = binop(value, gast.Mult(), site.args[other])
            contributions[position] = Add(value, self._reduce(site, position))
        return contributions

    def _array_adjoint(self, site):
        kind = site.kinds[0]
        contributions = {}
        if site.active[0]:
            g = site.g
            if len(site.args) > 1 and not site.kinds[1].is_scalar:
                # a start array may widen the result: each row gets its share
                g = site.fill("unbroadcast(g, a[0])")
            if self.op == "prod":
                others = site.helper(prod_others, site.args[0],
                                     *(() if kind.ndim == 1 else (const(0),)))
                value = binop(g, gast.Mult(), others)
            elif kind.is_array and kind.ndim == 1 or self.op == "fsum":
                value = site.fill("np.full_like(a, v)", v=g)
            else:
                value = site.fill("v * np.ones_like(a)", v=g)
            contributions[0] = Add(value)
        if len(site.args) > 1 and site.active[1]:
            contributions[1] = Add(site.g, self._reduce(site, 1))
        return contributions

    @staticmethod
    def _reduce(site, position):
        return not K.same_shape(site.kinds[position], site.out_kind)

    # tangent

    def tangent(self, site):
        packed = site.consts.get("packed")
        terms = []
        if packed is None:
            count = 1
            if site.dots[0] is not None:
                terms.append(self._array_tangent(site))
        else:
            count = packed.size
            for position in range(count):
                if site.dots[position] is None:
                    continue
                term = site.aligned(position)
                if self.op == "prod":
                    for other in range(count):
                        if other != position:
                            term = binop(term, gast.Mult(), site.args[other])
                terms.append(term)
        for position in range(count, len(site.args)):
            if site.dots[position] is not None:
                terms.append(site.aligned(position))
        return self._full(site, total(terms))

    def _array_tangent(self, site):
        kind = site.kinds[0]
        dot = site.dots[0]
        if self.op == "prod":
            dot = binop(dot, gast.Mult(), site.helper(prod_others, site.args[0],
                                                      *(() if kind.ndim == 1 else (const(0),))))
        call = site.fill("np.sum(d)", d=dot)
        if site.vector or not (self.op == "fsum" or kind.ndim == 1):
            call.keywords = [gast.keyword(arg="axis", value=const(1 if site.vector else 0))]
        if site.vector and len(site.args) > 1:
            missing = rank(site.out_kind) - (rank(kind) - 1)
            if missing > 0:
                call = gast.Subscript(value=call, slice=gast.Tuple(
                    elts=[gast.Slice(None, None, None)] + [const(None)] * missing,
                    ctx=gast.Load()), ctx=gast.Load())
        return call

    def _full(self, site, value):
        """`value` widened to the result's shape when no term is known to have it: a sum
        whose only differentiated terms are narrower than an operand that is not
        differentiated (`sum([a, w])` with a scalar `a` and an array constant `w`)."""
        if value is None or site.out_kind.is_scalar or self.op == "prod":
            return value
        packed = site.consts.get("packed")
        widening = [p for p, kind in enumerate(site.kinds)
                    if site.dots[p] is None and not kind.is_scalar]
        if packed is None and site.dots[0] is not None and (
                len(site.kinds) == 1 or site.kinds[1].is_scalar):
            return value
        if not widening or any(site.dots[p] is not None and K.same_shape(kind, site.out_kind)
                               for p, kind in enumerate(site.kinds)):
            return value
        return site.fill("v + np.zeros_like(out)", v=value)


# ---------------------------------------------------------------- the table

_REDUCTION = ("a", "axis", "dtype", "out", "keepdims")
_EXTREMUM = ("a", "axis", "out", "keepdims")
_VARIANCE = ("a", "axis", "dtype", "out", "ddof", "keepdims", "correction")
_CUMULATIVE = ("a", "axis", "dtype", "out")

PROD = Custom(
    "np.prod", _checked(_reduction_kind, _REDUCTION), _prod_adjoint, _prod_tangent,
    names=_REDUCTION,
    doc="the product of the other elements, computed without dividing by the element "
        "(exact where the input has one zero or several)")
register(PROD, np.prod, ir.Method("prod"))

for _names, _fns, _mask, _arg, _word in (
        ("max", (np.max, getattr(np, "amax", None)), first_max, "argmax", "maximal"),
        ("min", (np.min, getattr(np, "amin", None)), first_min, "argmin", "minimal")):
    _adjoint, _tangent = _extremum(_mask, _arg)
    register(Custom(f"np.{_names}", _checked(_reduction_kind, _EXTREMUM), _adjoint, _tangent,
                    names=_EXTREMUM,
                    doc=f"1 at the first {_word} element of each reduced slice (the one "
                        f"`np.{_arg}` picks), 0 elsewhere: ties are not split"),
             *_fns, ir.Method(_names))

register(Custom("np.ptp", _checked(_reduction_kind, _EXTREMUM), _ptp_adjoint, _ptp_tangent,
                names=_EXTREMUM,
                doc="the derivative of max minus that of min, each at the first maximal "
                    "(minimal) element; 0 for a constant slice"), np.ptp)

register(Custom("np.nansum", _checked(_reduction_kind, _REDUCTION), _nansum_adjoint,
                _nansum_tangent, names=_REDUCTION,
                doc="1 at each element that is not NaN, 0 at NaNs (they count as 0)"),
         np.nansum)

register(Custom("np.var", _checked(_variance_kind, _VARIANCE), _var_adjoint, _var_tangent,
                names=_VARIANCE,
                doc="`2 * (a - mean) / (n - ddof)` along the reduced axes; `ddof=` or "
                    "`correction=` a constant; over no element (a NaN variance) the gradient "
                    "is empty and the tangent 0"), np.var, ir.Method("var"))

register(Custom("np.std", _checked(_variance_kind, _VARIANCE), _std_adjoint, _std_tangent,
                names=_VARIANCE,
                doc="`(a - mean) / ((n - ddof) * out)`; 0 on a constant slice (where the std "
                    "has a kink: 0 is its smallest subgradient), never NaN; over no element "
                    "(a NaN std) the gradient is empty and the tangent 0"),
         np.std, ir.Method("std"))

register(Custom("np.cumsum", _checked(_cumulative_kind, _CUMULATIVE), _cumsum_adjoint,
                _cumsum_tangent, names=_CUMULATIVE,
                doc="adjoint: the reversed cumulative sum of the result's adjoint"),
         np.cumsum, ir.Method("cumsum"))

register(Custom("np.cumprod", _checked(_cumulative_kind, _CUMULATIVE), _cumprod_adjoint,
                _cumprod_tangent, names=_CUMULATIVE,
                doc="division-free (exact with zeros in the input): the products before and "
                    "after each element combined by a linear recurrence solved in log2(n) "
                    "vectorised steps, O(n log n)"),
         np.cumprod, ir.Method("cumprod"))

for _fn in (np.argmax, np.argmin):
    register(ArgExtremum(f"np.{_fn.__name__}", K.INT,
                         doc="an integer index, or an array of them along `axis`"),
             _fn, ir.Method(_fn.__name__))
for _fn in (np.nanargmax, np.nanargmin):
    register(ArgExtremum(f"np.{_fn.__name__}", K.INT,
                         doc="an integer index (NaNs left out), or an array of them along "
                             "`axis`"), _fn)

# the methods `x.sum(...)` and `x.mean(...)` take the functions' rules, with the check
# that their positional arguments are constants
for _fn, _method in ((np.sum, "sum"), (np.mean, "mean")):
    _rule = TABLE[_fn]
    register(dataclasses.replace(_rule, kind_of=_checked(_rule.kind_of, _rule.names)),
             ir.Method(_method))

register(Fold("sum", "sum").rule(
    "`sum([a, b, ...])` of a list display (1 for each element), or `sum(x)` of an array "
    "(over its first axis, like `np.sum(x, axis=0)`); an optional positional `start`"),
    builtins.sum)
register(Fold("math.fsum", "fsum").rule(
    "`math.fsum([a, b, ...])` of numbers, or of a vector: 1 for each element"), math.fsum)
register(Fold("math.prod", "prod").rule(
    "`math.prod([a, b, ...])`: the product of the other elements (no division, exact with "
    "zeros); of an array, over its first axis; no `start=`"), math.prod)
