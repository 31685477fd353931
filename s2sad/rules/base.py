"""What a derivative rule is, and the table every rule is registered in.

A rule states, for one primitive, the kind of its result, the adjoint contribution to
each differentiable argument and the tangent of its result. Rules declare structure where
they can: `Elementwise` rules give only their partial derivatives, from which both the
adjoint `a_bar += g * partial` and the tangent `out_dot = a_dot * partial + ...` are
derived; `NonDifferentiable` rules give no derivative at all.

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
from dataclasses import dataclass, field

import gast

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop, neg, number, simplify, times
from ..syntax.template import const, fill, name

TABLE = {}


def lookup(prim):
    """The rule registered for `prim`, or None."""
    try:
        return TABLE.get(prim)
    except TypeError:
        return None


def register(rule, *prims):
    for prim in prims:
        if prim is not None:
            TABLE[prim] = rule
    return rule


@dataclass(frozen=True)
class Add:
    """Contribution `arg_bar += value`; `reduce`: value has the result's shape and must be
    summed back to the argument's shape (NumPy broadcasting); `narrow`: value is a number
    that stands for itself broadcast to the argument's shape (the adjoint of a full sum),
    which the adjoint emitter keeps as a number while elementwise operations allow."""
    value: object
    reduce: bool = False
    narrow: bool = False


@dataclass(frozen=True)
class Scatter:
    """Contribution `arg_bar[index] += value`, into a zero-initialised adjoint array; an
    index that is not basic (an integer array) may repeat elements: `np.add.at` then."""
    index: object
    value: object
    basic: bool = True


@dataclass
class Site:
    """What a rule sees of one operation when it writes the adjoint.

    `args` are gast expressions of the positional arguments, `kinds` their kinds, `out`
    and `g` the result and its adjoint, `lib` the module handle to write partials with
    (`math` for scalars, `np` for arrays), `handles` the names of `np` and the runtime
    helpers, `consts` the values of constant arguments (e.g. `axis`), `active` which
    arguments need an adjoint.

    For a tangent, `dots` holds each argument's tangent expression (None: zero) and
    `vector` says whether tangents carry a leading axis of directions (then an
    argument's tangent has rank one more than the argument).

    `bind(obj, hint)` gives the name under which the generated code reads a Python
    object (a user rule's derivative function), `hint` being the preferred name.
    """
    args: list
    kinds: list
    out: object
    out_kind: object
    g: object
    lib: str
    handles: dict
    active: list
    consts: dict = field(default_factory=dict)
    dots: list = None
    vector: bool = False
    bind: object = None
    like: list = None
    lean: bool = False

    def template(self, position):
        """An argument-shaped value to build arrays from (`np.full_like(template, g)`):
        the argument itself, or a cheaper value known to have its shape."""
        return (self.like or self.args)[position]

    def fill(self, text, **subs):
        """A template with `a`, `b`, `c`, `d` (also `arg0`, `arg1`, ... for any number)
        bound to the arguments, `out`, `g`, `lib` and the
        handles (`np`, `unbroadcast`, ...) bound to their names in the generated code."""
        names = dict(self.handles)
        names.update((f"arg{i}", arg) for i, arg in enumerate(self.args))
        names.update(zip("abcd", self.args), out=self.out, g=self.g, lib=self.lib)
        names.update(subs)
        return fill(text, **names)

    def fill_call(self, text, keywords=(), **subs):
        """`fill(text)`, a call, with the (name, node) pairs `keywords` appended to its
        keyword arguments."""
        call = self.fill(text, **subs)
        call.keywords = list(call.keywords) + [gast.keyword(arg=key, value=value)
                                               for key, value in keywords]
        return call

    def helper(self, fn, *args):
        """A call `fn(*args)` of a run-time helper bound only where it is called
        (`runtime.BOUND_ON_USE`), by its name in the generated code."""
        return gast.Call(func=name(self.bind(fn, fn.__name__)), args=list(args), keywords=[])

    def aligned(self, position):
        """The tangent of argument `position` ready to combine elementwise with the
        result: in vector mode, its direction axis stays first and new axes are
        inserted after it (where broadcasting would add them in front of the argument)."""
        dot = self.dots[position]
        if not self.vector:
            return dot
        missing = rank(self.out_kind) - rank(self.kinds[position])
        if missing <= 0:
            return dot
        parts = [gast.Slice(None, None, None)] + [const(None)] * missing
        return gast.Subscript(value=dot, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                              ctx=gast.Load())


def rank(kind):
    """The number of axes of a value of `kind`; an error where the kind does not say, for
    vector tangents must know where their direction axis goes."""
    if kind.is_scalar:
        return 0
    if kind.is_array and kind.ndim is not None:
        return kind.ndim
    raise UnsupportedError(f"the rank of {kind} is not known when the derivative is "
                           "generated, which tangents in several directions at once need; "
                           "compute one direction at a time with s2sad.jvp.")


def known_ranks(site, positions, what):
    """The ranks of the arguments at `positions`, which the formula of `what` needs."""
    ranks = []
    for position in positions:
        kind = site.kinds[position]
        if kind.is_array and kind.ndim is not None:
            ranks.append(kind.ndim)
        elif kind.is_scalar:
            ranks.append(0)
        else:
            raise UnsupportedError(f"the derivative of `{what}` needs the ranks of its "
                                   "operands; call with example arguments (or annotate the "
                                   "arrays) so that they are known.")
    return ranks


def total(terms):
    """`t1 + t2 + ...` of tangent terms (None when there are none: a zero tangent)."""
    result = None
    for term in terms:
        result = term if result is None else binop(result, gast.Add(), term)
    return result


def bilinear(site, left, right):
    """The tangent of a product linear in each of two arguments: `left` with the first
    argument's tangent as `d`, plus `right` with the second's (`d @ b + a @ d`)."""
    return total(site.fill(template, d=dot) for template, dot in
                 zip((left, right), site.dots) if dot is not None)


class Rule:
    """Base: differentiable in every positional argument, result kind by broadcasting.

    Every rule has a `name` and a `doc`: one line for the supported-functions page
    (docs/functions.md), saying what the derivative is where the formula alone does not
    (a policy at a kink, a restriction on arguments)."""

    def differentiable(self, position):
        return True

    def constant(self, position, arg_kinds):
        """Whether the result is piecewise constant in argument `position` (an index, a
        shape, a flag), so a differentiated value there needs no derivative. A position
        neither differentiable nor constant stops the transformation (soundness.py)."""
        return False

    def out_kind(self, arg_kinds, consts):
        return K.broadcast(arg_kinds)

    def adjoint(self, site):
        raise NotImplementedError

    def tangent(self, site):
        """The tangent of the result, from the arguments' tangents `site.dots`; None
        when it is zero."""
        raise NotImplementedError


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
                key = position if _floats(site) else (partial.form, partial.operand)
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


@dataclass(frozen=True)
class NonDifferentiable(Rule):
    """A primitive whose result carries no derivative (shapes, counts, comparisons);
    `kind` None: the result kind follows the operands' like an elementwise one."""
    name: str
    kind: object = K.OTHER
    doc: str = ""

    def differentiable(self, position):
        return False

    def constant(self, position, arg_kinds):
        return True

    def out_kind(self, arg_kinds, consts):
        return K.broadcast(arg_kinds) if self.kind is None else self.kind

    def tangent(self, site):
        return None


@dataclass(frozen=True)
class Custom(Rule):
    """A rule with its own result kind and adjoint, for non-elementwise primitives.

    `names` names the constant parameters (`axis`, `keepdims`) by position, so the rule
    reads them from `Site.consts` however they were passed. `tangent_of(site)` gets
    tangents of the arguments' full shape (with the direction axis first in vector mode)."""
    name: str
    kind_of: object
    adjoint_of: object
    tangent_of: object
    positions: tuple = (0,)
    names: tuple = ()
    doc: str = ""
    # positions the result is piecewise constant in (`Rule.constant`)
    constants: tuple = ()

    def differentiable(self, position):
        return position in self.positions

    def constant(self, position, arg_kinds):
        return position in self.constants

    def out_kind(self, arg_kinds, consts):
        return self.kind_of(arg_kinds, consts)

    def adjoint(self, site):
        return self.adjoint_of(site)

    def tangent(self, site):
        return self.tangent_of(site)


@dataclass(frozen=True)
class Sequence(Custom):
    """A custom rule whose first argument may be a list or tuple display: its elements
    arrive as the leading arguments (`packs`), each differentiable."""
    packs = True

    def differentiable(self, position):
        return True
