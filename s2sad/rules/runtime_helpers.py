"""s2sad's own run-time helpers (s2sad/runtime.py), which generated derivatives call:
rules for them make a generated derivative differentiable in turn (a Hessian is the
derivative of a gradient), and let a user call them too.

- The guarded quotients and powers are elementwise, and their partials are guarded the
  same way, so a zero derivative passing through stays zero at every order:
  `safe_divide(n, d)` has the partials `safe_divide(1, d)` and `safe_divide(-out, d)`;
  `xlogy(w, a)` has `xlogy(1, a)` and `safe_divide(w, a)`; `xpow(w, a, e)` has
  `xpow(1, a, e)`, `xpow(w * e, a, e - 1)` and `xlogy(out, a)`.
- `digamma` has the partial `polygamma(1, a)`, and `polygamma(n, a)` the partial
  `polygamma(n + 1, a)`; `sigmoid` has `out * (1 - out)`.
- `unbroadcast(g, x)` and `tangent_buffer(t, y)` are linear in their first argument:
  the one sums `g` down to `x`'s shape, its adjoint spreads the adjoint back; the other
  spreads `t` to `y`'s shape, its adjoint sums back (`unbroadcast`). So is
  `written_last(g, index)`, whose adjoint adds into the positions it read.
- `matmul_adjoint_a(g, a, b)` is linear in `g` and in `b` (it reads only `a`'s shape):
  <c, matmul_adjoint_a(g, a, b)> = <g, c @ b>, so its adjoint in `g` is `c @ b` and
  in `b` is `matmul_adjoint_b(g, c, b)`; `matmul_adjoint_b` likewise with <g, a @ c>.
- The helpers for the derivatives of np.cumprod, np.prod and det, whose derivatives are
  second derivatives of those, have their rules in runtime_hessians.py.
- `first_max` and `first_min` are 0/1 masks, piecewise constant: no derivative.
- The list helpers: `list_zeros` makes zeros (no derivative); `add_each`, `add_to_each`
  and `split_like` have no rule yet: a call is a located error.
"""
import operator

import gast
import numpy as np

from .. import runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import number
from ..syntax.template import const
from .base import (TABLE, Add, Custom, NonDifferentiable, Scatter, known_ranks, rank, register,
                   total)
from .elementwise import Checked
from .partials import ratio, xlogy, xpow
from .structural import directions


# ---------------------------------------------------------------- guarded elementwise helpers

class Power(Checked):
    """`xpow(w, a, e)` or `xpow(w, a, e, np.float_power)`: the partials compute their
    powers with the function the call does."""

    names = ("w", "a", "e", "power")

    def out_kind(self, arg_kinds, consts):
        if len(arg_kinds) == 4 and consts.get("power") not in (np.power, np.float_power):
            raise UnsupportedError("`xpow` with a power function other than np.power or "
                                   "np.float_power has no derivative rule; pass one of them "
                                   "as a constant.")
        return super().out_kind(arg_kinds, consts)

    def partials_at(self, site):
        if site.consts.get("power") is np.float_power:
            return _power_partials("float_power")
        return self.partials


def _power_partials(form="power"):
    return (xpow("1", "b", "c", form), xpow("a * c", "b", "c - 1", form), xlogy("out", "b"),
            None)


class Polygamma(Checked):
    """`polygamma(n, a)`: the order `n` is an integer; the partial in `a` is the next
    order, written as a literal where `n` is one."""

    def partials_at(self, site):
        order = number(site.args[0])
        if isinstance(order, int):
            return (None, f"polygamma({order + 1}, b)")
        return self.partials


GUARD = "guarded like the partials it computes: 0 wherever the incoming derivative is 0"
register(Checked("runtime.safe_divide", (ratio("1", "b"), ratio("-out", "b")), doc=GUARD),
         runtime.safe_divide)
register(Checked("runtime.xlogy", (xlogy("1", "b"), ratio("a", "b")), doc=GUARD),
         runtime.xlogy)
register(Power("runtime.xpow", _power_partials(), doc=GUARD), runtime.xpow)
register(Checked("runtime.sigmoid", ("out * (1 - out)",)), runtime.sigmoid)
register(Checked("runtime.digamma", ("polygamma(1, a)",),
                 doc="the trigamma function, computed by s2sad's runtime"), runtime.digamma)
register(Polygamma("runtime.polygamma", (None, "polygamma(a + 1, b)"),
                   doc="the order is an integer constant"), runtime.polygamma)


class LikeFirst(NonDifferentiable):
    """No derivative, and a real result of the first argument's shape."""

    def out_kind(self, arg_kinds, consts):
        return arg_kinds[0]

    def complex_result(self, arg_kinds):
        return False


register(LikeFirst("runtime.first_max", doc="a 0/1 mask: no derivative"), runtime.first_max)
register(LikeFirst("runtime.first_min", doc="a 0/1 mask: no derivative"), runtime.first_min)


# ---------------------------------------------------------------- linear helpers

def kind_of(position):
    """The result kind of a helper whose result is shaped like argument `position`."""
    def kind(arg_kinds, consts):
        return arg_kinds[position]
    return kind


def _unbroadcast_kind(arg_kinds, consts):
    """The kind of `x` (a float for a number); with `directions`, an array with one axis
    more."""
    kind = arg_kinds[1]
    if len(arg_kinds) < 3:
        return K.SCALAR if kind.is_scalar or kind.tag == "int" else kind
    if kind.is_scalar or kind.tag == "int" or kind.is_array and kind.ndim is not None:
        return K.array(rank(K.SCALAR if kind.tag == "int" else kind) + 1)
    return K.array(None)


def _unbroadcast_adjoint(site):
    if site.kinds[0].is_scalar:
        return {0: Add(site.g)}
    if len(site.args) == 3:
        # the directions stay first: the summed axes come back after them
        spread = site.fill("np.expand_dims(g, tuple(range(1, 1 + np.ndim(a) - np.ndim(g))))")
        return {0: Add(site.fill("v * np.ones_like(t)", v=spread, t=site.template(0)))}
    return {0: Add(site.fill("g * np.ones_like(t)", t=site.template(0)))}


def _unbroadcast_tangent(site):
    if len(site.args) == 3 and site.vector:
        one_direction("unbroadcast(g, x, directions)")
    if site.vector:
        return site.fill("unbroadcast(d, b, n)", d=site.dots[0], n=directions(site))
    if len(site.args) == 3:
        return site.fill("unbroadcast(d, b, c)", d=site.dots[0])
    return site.fill("unbroadcast(d, b)", d=site.dots[0])


def one_direction(what, where=""):
    """Refuse a tangent in several directions at once."""
    raise UnsupportedError(f"`{what}` (s2sad's run-time helper){where} has no rule for "
                           "tangents in several directions; compute one direction at a time "
                           "with s2sad.jvp.")


register(Custom("runtime.unbroadcast", _unbroadcast_kind, _unbroadcast_adjoint,
                _unbroadcast_tangent, names=("g", "x", "directions"), constants=(1, 2),
                doc="linear in g: its adjoint spreads the adjoint back to g's shape"),
         runtime.unbroadcast)


def _buffer_tangent(site):
    if site.vector:
        return site.fill("tangent_buffer(d, out, n)", d=site.aligned(0), n=directions(site))
    return site.fill("tangent_buffer(d, out)", d=site.dots[0])


register(Custom("runtime.tangent_buffer", _unbroadcast_kind,
                lambda site: {0: Add(site.fill("unbroadcast(g, a)"))}, _buffer_tangent,
                names=("t", "y", "directions"), constants=(1, 2),
                doc="linear in t: its adjoint sums back to t's shape"),
         runtime.tangent_buffer)


def _written_last_kind(arg_kinds, consts):
    return TABLE[operator.getitem].out_kind(arg_kinds, consts)


def _written_last_tangent(site):
    if site.vector:
        one_direction("written_last(g, index)")
    return site.fill("written_last(d, b)", d=site.dots[0])


# its adjoint `g_bar[index] += r`: with an element picked twice, NumPy adds the value of
# the position written last, the only one whose result is not 0
register(Custom("runtime.written_last", _written_last_kind,
                lambda site: {0: Scatter(site.args[1], site.g)}, _written_last_tangent,
                constants=(1,), doc="linear in g: `g[index]` where the write is the one "
                                    "left (the last of an element picked twice), else 0"),
         runtime.written_last)


# ---------------------------------------------------------------- the adjoints of `a @ b`

def _product(site, left, right, ranks):
    """`left @ right`, or `left * right` where an operand of the product was a number."""
    return site.fill("x * y" if 0 in ranks else "x @ y", x=left, y=right)


def _matmul_a_adjoint(site):
    ranks = known_ranks(site, (1, 2), "matmul_adjoint_a")
    found = {}
    if site.active[0]:
        found[0] = Add(_product(site, site.g, site.args[2], ranks))
    if site.active[2]:
        found[2] = Add(site.fill("matmul_adjoint_b(a, g, c)"))
    return found


def _matmul_b_adjoint(site):
    ranks = known_ranks(site, (1, 2), "matmul_adjoint_b")
    found = {}
    if site.active[0]:
        found[0] = Add(_product(site, site.args[1], site.g, ranks))
    if site.active[1]:
        found[1] = Add(site.fill("matmul_adjoint_a(a, b, g)"))
    return found


def _matmul_tangent(which, other):
    """The tangent of `matmul_adjoint_<which>(g, a, b)`: bilinear in `g` and the operand
    at `other`. In vector mode only for operands of rank 2 or more, where it is the
    helper's own product with the directions kept in front."""
    helper = f"matmul_adjoint_{which}"
    vector_terms = {"a": ("d @ np.swapaxes(c, -1, -2)", "a @ np.swapaxes(d, -1, -2)"),
                    "b": ("np.swapaxes(b, -1, -2) @ d", "np.swapaxes(d, -1, -2) @ a")}[which]
    target = {"a": "b", "b": "c"}[which]

    def tangent(site):
        dots = site.dots[0], site.dots[other]
        if not site.vector:
            terms = [site.fill(f"{helper}(d, b, c)", d=dots[0]) if dots[0] is not None
                     else None]
            if dots[1] is not None:
                args = [site.args[0], site.args[1], site.args[2]]
                args[other] = dots[1]
                terms.append(site.fill(f"{helper}(x, y, z)", x=args[0], y=args[1], z=args[2]))
            return total(term for term in terms if term is not None)
        ranks = known_ranks(site, (0, 1, 2), helper)
        if min(ranks[1:]) < 2:
            one_direction(f"{helper}(g, a, b)", " with an operand of rank below 2")
        # each tangent's directions stand before every batch axis of the product
        terms = [site.fill(vector_terms[i], d=_padded(dot, max(ranks) - ranks[position]))
                 for i, (dot, position) in enumerate(zip(dots, (0, other)))
                 if dot is not None]
        return site.fill(f"unbroadcast(v, {target}, n)", v=total(terms), n=directions(site))
    return tangent


def _padded(dot, missing):
    """A vector-mode tangent with `missing` new axes after its direction axis."""
    if not missing:
        return dot
    parts = [gast.Slice(None, None, None)] + [const(None)] * missing
    return gast.Subscript(value=dot, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())


register(Custom("runtime.matmul_adjoint_a", kind_of(1), _matmul_a_adjoint,
                _matmul_tangent("a", 2), positions=(0, 2), constants=(1,),
                doc="linear in g and in b (reads a's shape only)"),
         runtime.matmul_adjoint_a)
register(Custom("runtime.matmul_adjoint_b", kind_of(2), _matmul_b_adjoint,
                _matmul_tangent("b", 1), positions=(0, 1), constants=(2,),
                doc="linear in g and in a (reads b's shape only)"),
         runtime.matmul_adjoint_b)


# ---------------------------------------------------------------- lists

register(LikeFirst("runtime.list_zeros", doc="zeros: no derivative"), runtime.list_zeros)


def _list_helper(helper):
    """A helper the adjoints of lists call, whose result is a list of adjoints: no rule
    yet, so any call is an error naming it (never a silently zero derivative)."""
    def refuse(*args):
        raise UnsupportedError(f"`{helper}` (s2sad's run-time helper for the adjoints of "
                               "lists) has no derivative rule yet; differentiate a function "
                               "that builds lists once only.")
    return Custom(f"runtime.{helper}", refuse, refuse, refuse,
                  doc="no derivative rule yet: any call is an error")


for _helper in ("add_each", "add_to_each", "split_like"):
    register(_list_helper(_helper), getattr(runtime, _helper))
