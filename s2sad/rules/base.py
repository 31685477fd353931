"""What a derivative rule is, and the table every rule is registered in.

A rule states, for one primitive, the kind of its result and the adjoint contribution to
each differentiable argument. Rules declare structure where they can: `Elementwise`
rules give only their partial derivatives (the adjoint `a_bar += g * partial` and, later,
the tangent are derived from them), `NonDifferentiable` rules give no derivative at all.
"""
from dataclasses import dataclass, field

from .. import kinds as K
from ..simplify import times
from ..template import fill

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

    def fill(self, text, **subs):
        """A template with `a`, `b`, ... bound to the arguments, `out`, `g`, `lib` and the
        handles (`np`, `unbroadcast`, ...) bound to their names in the generated code."""
        names = dict(self.handles)
        names.update(zip("abcd", self.args), out=self.out, g=self.g, lib=self.lib)
        names.update(subs)
        return fill(text, **names)


class Rule:
    """Base: differentiable in every positional argument, result kind by broadcasting."""

    def differentiable(self, position):
        return True

    def out_kind(self, arg_kinds, consts):
        return K.broadcast(arg_kinds)

    def adjoint(self, site):
        raise NotImplementedError


@dataclass(frozen=True)
class Elementwise(Rule):
    """y = f(a, b, ...) elementwise; `partials[i]` is dy/d(arg i) as a template in the
    arguments `a`, `b`, the result `out` and the module `lib` (None: not differentiable).
    `lib` fixes the module (`math` rules) or is None to follow the operands' kind."""
    name: str
    partials: tuple
    lib: str = None

    def differentiable(self, position):
        return position < len(self.partials) and self.partials[position] is not None

    def adjoint(self, site):
        contributions = {}
        for position, partial in enumerate(self.partials):
            if position >= len(site.args) or partial is None or not site.active[position]:
                continue
            value = times(site.g, site.fill(partial))
            reduce = not K.same_shape(site.kinds[position], site.out_kind)
            contributions[position] = Add(value, reduce)
        return contributions


@dataclass(frozen=True)
class NonDifferentiable(Rule):
    """A primitive whose result carries no derivative (shapes, counts, comparisons);
    `kind` None: the result kind follows the operands' like an elementwise one."""
    name: str
    kind: object = K.OTHER

    def differentiable(self, position):
        return False

    def out_kind(self, arg_kinds, consts):
        return K.broadcast(arg_kinds) if self.kind is None else self.kind


@dataclass(frozen=True)
class Custom(Rule):
    """A rule with its own result kind and adjoint, for non-elementwise primitives.

    `names` names the constant parameters (`axis`, `keepdims`) by position, so the rule
    reads them from `Site.consts` however they were passed."""
    name: str
    kind_of: object
    adjoint_of: object
    positions: tuple = (0,)
    names: tuple = ()

    def differentiable(self, position):
        return position in self.positions

    def out_kind(self, arg_kinds, consts):
        return self.kind_of(arg_kinds, consts)

    def adjoint(self, site):
        return self.adjoint_of(site)
