"""What a derivative rule is, and the table every rule is registered in.

A rule states, for one primitive, the kind of its result, the adjoint contribution to
each differentiable argument and the tangent of its result. Rules declare structure where
they can: `Elementwise` rules (partials.py) give only their partial derivatives, from
which both the adjoint and the tangent are derived; `NonDifferentiable` rules give no
derivative at all; `Custom` rules write their own adjoint and tangent.
"""
import importlib
import sys
from dataclasses import dataclass, field

import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..ir.nodes import Method, Part
from ..syntax.simplify import binop
from ..syntax.template import const, fill, name, placeholders

TABLE = {}
# the default of a parameter a call must pass (in a rule's `signature`)
REQUIRED = object()
# rules for every primitive of a type (a generated derivative's stack), outside the table
# of functions users call
BY_TYPE = {}
# primitives whose rules are exact for complex operands (rules/complexes.py); any other
# meeting a complex value that depends on the input is refused (analysis/soundness.py)
COMPLEX = set()


# rule modules for an optional library (library -> modules of s2sad.rules), loaded once
# the program has imported that library: importing SciPy with s2sad would triple the
# time `import s2sad` takes, and a function can only call what its module imported
OPTIONAL = {"scipy.special": ("special", "special_reductions", "bessel", "incomplete"),
            "scipy.stats": ("distributions", "more_distributions", "multivariate"),
            "scipy.signal": ("scipy_signal",),
            "scipy.linalg": ("scipy_linalg", "matrix_functions"),
            "scipy.integrate": ("integrators",)}


def lookup(prim):
    """The rule registered for `prim`, or None. A method of a random generator
    (`rng.normal`, a new object at each read of a module-level `rng`) has the rule of the
    method (`ir.Method("normal")`); output `i` of a call returning a list of any length
    (`np.split`) has the rule registered for `Part(prim, None)`, which reads `i` from
    `Site.consts["part"]`."""
    found = _registered(prim)
    if found is None and _load(imported=True):
        found = _registered(prim)
    if found is None and isinstance(getattr(prim, "__self__", None),
                                    (np.random.Generator, np.random.RandomState)):
        found = TABLE.get(Method(prim.__name__))
    if found is None and isinstance(prim, Part) and prim.index is not None:
        found = _registered(Part(prim.prim, None))
    return found if found is not None else BY_TYPE.get(type(prim))


def _registered(prim):
    try:
        return TABLE.get(prim)
    except TypeError:
        return None


def _load(imported):
    """Register the rules of the optional libraries that are imported (`imported`) or
    importable; whether any were."""
    loaded = False
    for library, modules in list(OPTIONAL.items()):
        if imported and library not in sys.modules:
            continue
        del OPTIONAL[library]
        try:
            importlib.import_module(library)
        except ImportError:
            continue
        for module in modules:
            importlib.import_module(f"{__package__}.{module}")
        loaded = True
    return loaded


def load_optional(imported=False):
    """Register the rules of every optional library that can be imported (the catalog
    and the tests list them all), or with `imported` of those imported by now (before a
    user's rule replaces one of them, which loading them later would undo)."""
    _load(imported)


def takes_complex(prim):
    """Whether the rule of `prim` is exact for complex operands: a declared one, or a
    generated derivative's stack, which only stores values."""
    try:
        return prim in COMPLEX or TABLE.get(prim) is None and type(prim) in BY_TYPE
    except TypeError:
        return False


def result_kind(rule, arg_kinds, consts):
    """The kind of a rule's result, with its `complex` flag: a constant `dtype=` (`np.zeros(n,
    complex)`, `x.astype(complex)`) says, else the rule."""
    arg_kinds = Arguments(arg_kinds)
    try:
        flag = np.dtype(consts["dtype"]).kind == "c" if consts.get("dtype") is not None \
            else rule.complex_result(arg_kinds)
    except (TypeError, ValueError):
        flag = rule.complex_result(arg_kinds)
    return K.complex_if(rule.out_kind(arg_kinds, consts), flag)


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

    def __post_init__(self):
        for field_name in ("args", "kinds", "like", "dots"):
            value = getattr(self, field_name)
            if value is not None and not isinstance(value, Arguments):
                setattr(self, field_name, Arguments(value))

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
        for placeholder in placeholders(text) - set(names):
            if placeholder in "abcd" or placeholder.startswith("arg") and \
                    placeholder[3:].isdigit():
                position = "abcd".index(placeholder) if len(placeholder) == 1 \
                    else int(placeholder[3:])
                raise missing(position)
        return fill(text, **names)

    def fill_call(self, text, keywords=(), **subs):
        """`fill(text)`, a call, with the (name, node) pairs `keywords` appended to its
        keyword arguments."""
        call = self.fill(text, **subs)
        call.keywords = list(call.keywords) + [gast.keyword(arg=key, value=value)
                                               for key, value in keywords]
        return call

    def helper(self, fn, *args, fresh=False):
        """A call `fn(*args)` of a run-time helper bound only where it is called
        (`runtime.BOUND_ON_USE`), by its name in the generated code; `fresh`: it returns
        a new array, which an adjoint may own without a copy (emit/values.new_array)."""
        call = gast.Call(func=name(self.bind(fn, fn.__name__)), args=list(args), keywords=[])
        call.fresh = fresh
        return call

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


def missing(position):
    """The error for a call that leaves out argument `position`, which its derivative
    reads: passed by a keyword the lowering could not place (base.Custom `signature`)."""
    return UnsupportedError(f"the derivative of this call reads its argument "
                            f"{position + 1}, which the call does not pass by position; "
                            "pass it (and the arguments before it) by position.")


class Arguments(list):
    """What a rule reads of a call's arguments, by position: reading one the call left
    out is the located error `missing`, never an IndexError."""

    def __getitem__(self, index):
        if isinstance(index, int) and not -len(self) <= index < len(self):
            raise missing(index)
        return super().__getitem__(index)


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

    def complex_result(self, arg_kinds):
        """Whether the result is complex: where an operand is, unless the rule says."""
        return any(kind.complex or kind.tag == "list" and kind.item is not None
                   and kind.item.complex for kind in arg_kinds)

    def adjoint(self, site):
        raise NotImplementedError

    def tangent(self, site):
        """The tangent of the result, from the arguments' tangents `site.dots`; None
        when it is zero."""
        raise NotImplementedError


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
    reads them from `Site.consts` however they were passed. A keyword naming a position the
    rule differentiates or holds constant is moved there at lowering (frontend/placing.py);
    `signature` (positional parameters with their defaults) lets it fill the gaps before
    (`np.average(x, weights=w)`). `tangent_of(site)` gets tangents of the arguments' full
    shape (with the direction axis first in vector mode)."""
    name: str
    kind_of: object
    adjoint_of: object
    tangent_of: object
    positions: tuple = (0,)
    names: tuple = ()
    doc: str = ""
    # positions the result is piecewise constant in (`Rule.constant`)
    constants: tuple = ()
    signature: tuple = ()

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
