"""Elementwise rules: a rule that gives only the partial derivatives of its result in
each argument, from which both the adjoint `a_bar += g * partial` and the tangent
`out_dot = a_dot * partial + ...` are derived.

Two kinds of partial carry a policy for the points where a derivative is singular or a
choice, written once here rather than in each row:

- `Mask`: the partial is 1 where a condition holds and 0 elsewhere (`max`, `np.where`,
  `np.clip`). The derivative is selected, never multiplied by the mask, so an infinite
  derivative on the side not taken does not come through as 0 * inf = NaN.
- `Guarded` (`ratio`, `xlogy`, `xpow`): the partial is infinite or undefined at points
  where the function is finite (`sqrt` at 0: `0.5 / out`). A zero incoming derivative
  (adjoint or tangent) always gives a zero contribution, even there: float code writes
  `g * 0.5 / out if g else 0.0`, array code `safe_divide(g * 0.5, out)`. So does a
  weight that is 0 (`b` in `b * a ** (b - 1)`), and for `xlogy` an operand that is 0
  (`out * log(a)`, the partial of `a ** b` in b, is 0 at a == 0). Where the incoming
  derivative is not zero the result is what the formula gives: float code raises
  ZeroDivisionError like Python, arrays hold inf like NumPy.
"""
import ast
from dataclasses import dataclass

import gast

from ..ir import kinds as K
from ..syntax.simplify import binop, neg, number, simplify, times
from ..syntax.template import const
from .base import Add, Rule, total


class Mask(str):
    """A partial that is 1 where the condition (a template) holds and 0 elsewhere: the
    function's value is that argument there. `otherwise`: the condition holds exactly
    where the row's earlier masks all fail, so the tangent picks this argument's tangent
    there without testing again (`np.where(a >= b, a_dot, b_dot)`)."""

    def __new__(cls, condition, otherwise=False):
        mask = super().__new__(cls, condition)
        mask.otherwise = otherwise
        return mask


class Guarded(str):
    """A partial `weight / operand`, `weight * log(operand)` or `weight * operand **
    exponent` that is infinite or undefined where the function is finite; the
    contribution `g * weight / operand` is 0 wherever `g * weight` is 0 (module
    docstring), and `g * weight * log(operand)` also where `operand` is 0. The text is the
    plain formula, for the supported-functions page and for the operands a tangent's
    shape depends on."""
    FORMS = {  # form -> (array code, float code, formula)
        "divide": ("safe_divide(w, s)", "w / s", "({w}) / ({s})"),
        "xlogy": ("xlogy(w, s)", "w * lib.log(s)", "({w}) * lib.log({s})"),
        "power": ("xpow(w, s, e)", "w * s ** e", "({w}) * ({s}) ** ({e})"),
        "float_power": ("xpow(w, s, e, lib.float_power)", "w * lib.float_power(s, e)",
                        "({w}) * lib.float_power({s}, {e})"),
    }

    def __new__(cls, form, weight, operand, exponent=None):
        array, scalar, formula = cls.FORMS[form]
        text = ast.unparse(ast.parse(formula.format(w=weight, s=operand, e=exponent),
                                     mode="eval"))
        partial = super().__new__(cls, text)
        partial.form, partial.weight, partial.operand = form, weight, operand
        partial.exponent, partial.array, partial.scalar = exponent, array, scalar
        return partial


def ratio(numerator, denominator):
    """The partial `numerator / denominator`, guarded where `denominator` is 0."""
    return Guarded("divide", numerator, denominator)


def xlogy(weight, operand):
    """The partial `weight * log(operand)`, guarded where `weight` or `operand` is 0
    (`d(a ** b)/db = log(a) * out` is 0 at a == 0, like JAX's)."""
    return Guarded("xlogy", weight, operand)


def xpow(weight, base, exponent, form="power"):
    """The partial `weight * base ** exponent`, guarded where `weight` is 0: `d(a ** b)/da
    = b * a ** (b - 1)` is 0 where b == 0 (x ** 0 is 1), also at a == 0. `form`
    "float_power" computes the power with `np.float_power`."""
    return Guarded(form, weight, base, exponent)


@dataclass(frozen=True)
class Elementwise(Rule):
    """y = f(a, b, ...) elementwise; `partials[i]` is dy/d(arg i) as a template in the
    arguments `a`, `b`, the result `out` and the module `lib` (None: not differentiable),
    a `Mask` or a `Guarded` partial. `lib` fixes the module (`math` rules) or is None to
    follow the operands' kind."""
    name: str
    partials: tuple
    lib: str = None
    doc: str = ""

    def differentiable(self, position):
        return position < len(self.partials) and self.partials[position] is not None

    def constant(self, position, arg_kinds):
        """A partial written None: the function is piecewise constant in that argument
        (`//`, the sign argument of `copysign`, the integer exponent of `ldexp`)."""
        return position < len(self.partials) and self.partials[position] is None

    def partials_for(self, count):
        """The partials for a call with `count` positional arguments. The tangent emitter
        reads the operands they mention to know whether a tangent has the result's shape."""
        return self.partials

    def partials_at(self, site):
        """The partials for this call, which may depend on its constant arguments
        (`x ** 2`, `np.clip(x, None, 1.0)`); each still mentions the non-constant
        operands its `partials_for` counterpart mentions."""
        return self.partials_for(len(site.args))

    def adjoint(self, site):
        contributions = {}
        for position, partial in enumerate(self.partials_at(site)):
            if position >= len(site.args) or partial is None or not site.active[position]:
                continue
            if isinstance(partial, Mask):
                value = _select(site, partial, site.g, None)
            elif isinstance(partial, Guarded):
                value = _guarded(site, [(site.g, partial)])
            else:
                value = times(site.g, site.fill(partial))
            reduce = not K.same_shape(site.kinds[position], site.out_kind)
            contributions[position] = Add(value, reduce)
        return contributions

    def tangent(self, site):
        terms, picks, guarded = [], [], {}
        for position, partial in enumerate(self.partials_at(site)):
            if position >= len(site.args) or partial is None:
                continue
            dot = None if site.dots[position] is None else site.aligned(position)
            if isinstance(partial, Mask):
                picks.append((partial, dot))
            elif dot is None:
                continue
            elif isinstance(partial, Guarded):
                # array code gives the terms over one operand one guard:
                # safe_divide(x_dot * x + y_dot * y, out); float code tests each tangent
                key = position if _floats(site) else (partial.form, partial.operand,
                                                      partial.exponent)
                if key not in guarded:
                    guarded[key] = []
                    terms.append(guarded[key])  # a group, written out below
                guarded[key].append((dot, partial))
            elif partial in "abcd"[:position]:
                # the product rule reads like the product: x_dot * y + x * y_dot
                terms.append(binop(site.fill(partial), gast.Mult(), dot))
            else:
                terms.append(times(dot, site.fill(partial)))
        terms = [_guarded(site, t) if isinstance(t, list) else t for t in terms]
        if any(dot is not None for _, dot in picks):
            terms.append(_pick(site, picks))
        return total(terms)


def _floats(site):
    """Whether the derivative code works on numbers, not arrays: then guards and picks
    are conditional expressions, which call no helper. In vector mode a scalar's tangent
    is an array (one value per direction)."""
    return site.out_kind.is_scalar and not site.vector


def _pick(site, picks):
    """The derivative selected by masks: `picks` holds each `Mask` partial of the row in
    order with the incoming derivative for it (None: zero). Reads `np.where(m, a_dot,
    b_dot)` for arrays, `a_dot if m else b_dot` for numbers."""
    result = None
    for index in reversed(range(len(picks))):
        mask, incoming = picks[index]
        if mask.otherwise and index == len(picks) - 1:
            result = incoming
        elif incoming is not None or result is not None:
            result = _select(site, mask, incoming, result)
    return result


def _select(site, mask, chosen, rest):
    """`chosen` where `mask` holds, else `rest` (None: zero)."""
    chosen = const(0.0) if chosen is None else chosen
    rest = const(0.0) if rest is None else rest
    if _floats(site):
        return gast.IfExp(test=site.fill(mask), body=chosen, orelse=rest)
    return site.fill("np.where(m, x, y)", m=site.fill(mask), x=chosen, y=rest)


def _guarded(site, terms):
    """The contribution of `Guarded` partials with one form and operand: `terms` holds
    (incoming derivative, partial) pairs. Its numerator `g * weight` (summed over the
    terms) is tested: 0 gives 0 even where the partial is infinite or undefined."""
    partial = terms[0][1]
    numerator, negative = _unsigned(total(times(incoming, site.fill(p.weight))
                                          for incoming, p in terms))
    operand = simplify(site.fill(partial.operand))
    exponent = None if partial.exponent is None else simplify(site.fill(partial.exponent))
    if _floats(site):
        (incoming, _), = terms
        weight, _ = _unsigned(simplify(site.fill(partial.weight)))
        # a literal weight is not 0: testing the incoming derivative is enough
        tests = [incoming] + ([] if number(weight) is not None else [weight])
        if partial.form == "xlogy" and not number(operand):
            tests.append(operand)
        test = tests[0] if len(tests) == 1 else gast.BoolOp(op=gast.And(), values=tests)
        body = site.fill(partial.scalar, w=numerator, s=operand, e=exponent)
        value = gast.IfExp(test=test, body=body, orelse=const(0.0))
    else:
        value = site.fill(partial.array, w=numerator, s=operand, e=exponent)
    return neg(value) if negative else value


def _unsigned(node):
    """`node` without a leading minus, and whether it had one (so `x_bar -= ...` reads
    as the formula does)."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand, True
    return node, False
