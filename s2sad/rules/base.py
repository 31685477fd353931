"""What a derivative rule is, and the table every rule is registered in.

A rule states, for one primitive, the kind of its result, the adjoint contribution to
each differentiable argument and the tangent of its result. Rules declare structure where
they can: `Elementwise` rules give only their partial derivatives, from which both the
adjoint `a_bar += g * partial` and the tangent `out_dot = a_dot * partial + ...` are
derived; `NonDifferentiable` rules give no derivative at all.
"""
from dataclasses import dataclass, field

import gast

from .. import kinds as K
from ..errors import UnsupportedError
from ..simplify import binop, times
from ..template import const, fill

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
    summed back to the argument's shape (NumPy broadcasting)."""
    value: object
    reduce: bool = False


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

    def fill(self, text, **subs):
        """A template with `a`, `b`, ... bound to the arguments, `out`, `g`, `lib` and the
        handles (`np`, `unbroadcast`, ...) bound to their names in the generated code."""
        names = dict(self.handles)
        names.update(zip("abcd", self.args), out=self.out, g=self.g, lib=self.lib)
        names.update(subs)
        return fill(text, **names)

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


def total(terms):
    """`t1 + t2 + ...` of tangent terms (None when there are none: a zero tangent)."""
    result = None
    for term in terms:
        result = term if result is None else binop(result, gast.Add(), term)
    return result


class Rule:
    """Base: differentiable in every positional argument, result kind by broadcasting.

    Every rule has a `name` and a `doc`: one line for the supported-functions page
    (docs/functions.md), saying what the derivative is where the formula alone does not
    (a policy at a kink, a restriction on arguments)."""

    def differentiable(self, position):
        return True

    def out_kind(self, arg_kinds, consts):
        return K.broadcast(arg_kinds)

    def adjoint(self, site):
        raise NotImplementedError

    def tangent(self, site):
        """The tangent of the result, from the arguments' tangents `site.dots`; None
        when it is zero."""
        raise NotImplementedError


@dataclass(frozen=True)
class Elementwise(Rule):
    """y = f(a, b, ...) elementwise; `partials[i]` is dy/d(arg i) as a template in the
    arguments `a`, `b`, the result `out` and the module `lib` (None: not differentiable).
    `lib` fixes the module (`math` rules) or is None to follow the operands' kind."""
    name: str
    partials: tuple
    lib: str = None
    doc: str = ""

    def differentiable(self, position):
        return position < len(self.partials) and self.partials[position] is not None

    def partials_for(self, count):
        """The partials for a call with `count` positional arguments."""
        return self.partials

    def adjoint(self, site):
        contributions = {}
        for position, partial in enumerate(self.partials_for(len(site.args))):
            if position >= len(site.args) or partial is None or not site.active[position]:
                continue
            value = times(site.g, site.fill(partial))
            reduce = not K.same_shape(site.kinds[position], site.out_kind)
            contributions[position] = Add(value, reduce)
        return contributions

    def tangent(self, site):
        terms = []
        for position, partial in enumerate(self.partials_for(len(site.args))):
            if position >= len(site.args) or partial is None or site.dots[position] is None:
                continue
            if partial in "abcd"[:position]:
                # the product rule reads like the product: x_dot * y + x * y_dot
                terms.append(binop(site.fill(partial), gast.Mult(), site.aligned(position)))
            else:
                terms.append(times(site.aligned(position), site.fill(partial)))
        return total(terms)


@dataclass(frozen=True)
class NonDifferentiable(Rule):
    """A primitive whose result carries no derivative (shapes, counts, comparisons);
    `kind` None: the result kind follows the operands' like an elementwise one."""
    name: str
    kind: object = K.OTHER
    doc: str = ""

    def differentiable(self, position):
        return False

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

    def differentiable(self, position):
        return position in self.positions

    def out_kind(self, arg_kinds, consts):
        return self.kind_of(arg_kinds, consts)

    def adjoint(self, site):
        return self.adjoint_of(site)

    def tangent(self, site):
        return self.tangent_of(site)
