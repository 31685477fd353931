"""Python's folds over a sequence: the builtin `sum`, `math.fsum` and `math.prod`, of a
list or tuple display written in the call (each element an argument of its own) or of
one array, reduced over its first axis as Python iterates it.
"""
import builtins
import math
from dataclasses import dataclass

import gast

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime import prod_others
from ..syntax.simplify import binop
from ..syntax.template import const
from .base import Add, Sequence, rank, register, total


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


register(Fold("sum", "sum").rule(
    "`sum([a, b, ...])` of a list display (1 for each element), or `sum(x)` of an array "
    "(over its first axis, like `np.sum(x, axis=0)`); an optional positional `start`"),
    builtins.sum)
register(Fold("math.fsum", "fsum").rule(
    "`math.fsum([a, b, ...])` of numbers, or of a vector: 1 for each element"), math.fsum)
register(Fold("math.prod", "prod").rule(
    "`math.prod([a, b, ...])`: the product of the other elements (no division, exact with "
    "zeros); of an array, over its first axis; no `start=`"), math.prod)
