"""Differences along an axis: np.diff (forward differences, `n` times) and np.gradient
(central difference quotients, one-sided at the ends). Both are linear in the array, so
the tangent is the same function of the tangent; the adjoint applies the transposed
stencil: for np.diff the differences of `g` padded with zeros, `(-1)**n *
np.diff(np.pad(g, n), n)`, and for np.gradient the run-time helper
`runtime.gradient_adjoint`, which has a rule of its own (np.gradient again) so that
derivatives of derivatives work.
"""
import gast
import numpy as np

from .. import runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import neg
from ..syntax.template import const
from .axes import int_or_tuple, normalized, shift
from .base import Add, Custom, register, total
from .literals import constant, literal
from .structural import check_numeric, known_rank


def _array_kind(what):
    def kind_of(arg_kinds, consts):
        kind = arg_kinds[0]
        check_numeric(kind, what)
        if kind.is_scalar or (kind.is_array and kind.ndim == 0):
            raise UnsupportedError(f"`{what}` of a number; pass an array")
        return K.array(kind.ndim) if kind.is_array else K.UNKNOWN
    return kind_of


# ---------------------------------------------------------------- diff


def _diff_plan(site):
    """(n, axis) of np.diff, both constants."""
    for name in ("prepend", "append"):
        if site.consts.get(name) is not None or name in site.consts.get("computed", ()):
            raise UnsupportedError(f"`{name}=` in np.diff has no derivative rule; "
                                   "np.concatenate the values first, then take np.diff")
    n = constant(site, "n", 1, 1)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UnsupportedError("`n` of np.diff must be a constant int >= 0")
    return n, int_or_tuple(constant(site, "axis", 2, -1), "axis")


def _diff_call(site, value, n, axis):
    keywords = []
    if n != 1:
        keywords.append(("n", literal(n)))
    if axis != -1:
        keywords.append(("axis", literal(axis)))
    return site.fill_call("np.diff(v)", keywords, v=value)


def _diff_adjoint(site):
    n, axis = _diff_plan(site)
    if n == 0:
        return {0: Add(site.g)}
    ndim = known_rank(site.kinds[0], "`np.diff`")
    if ndim == 1:
        widths = literal(n)
    else:
        widths = literal(tuple((n, n) if i == normalized(axis, ndim) else (0, 0)
                               for i in range(ndim)))
    value = _diff_call(site, site.fill("np.pad(g, w)", w=widths), n, axis)
    return {0: Add(neg(value) if n % 2 else value)}


def _diff_tangent(site):
    n, axis = _diff_plan(site)
    if n == 0:
        return site.dots[0]
    return _diff_call(site, site.dots[0], n, shift(axis) if site.vector else axis)


register(Custom("np.diff", _array_kind("np.diff"), _diff_adjoint, _diff_tangent,
                names=("a", "n", "axis", "prepend", "append"),
                doc="the adjoint is `(-1)**n * np.diff(np.pad(g, n), n)` along the axis "
                    "(the differences of `g` padded with zeros); no `prepend=`/`append=`"),
         np.diff)


# ---------------------------------------------------------------- gradient


def _gradient_kind(arg_kinds, consts):
    kind = _array_kind("np.gradient")(arg_kinds, consts)
    if len(arg_kinds) > 2:
        raise UnsupportedError("np.gradient with a spacing per axis has no derivative rule; "
                               "pass `axis=` and one spacing, once per axis")
    if len(arg_kinds) == 2 and not (arg_kinds[1].is_scalar or arg_kinds[1] == K.INT):
        raise UnsupportedError("np.gradient with coordinates (an array of spacings) has no "
                               "derivative rule; pass one number as the spacing")
    axis = consts.get("axis")
    if "axis" in consts.get("computed", ()) or isinstance(axis, (tuple, list)):
        raise UnsupportedError("`axis` of np.gradient must be one constant int")
    if axis is None and kind.ndim != 1:
        raise UnsupportedError("np.gradient of an array of rank above one without `axis` "
                               "returns a list; pass `axis=k`, once per axis you need")
    if consts.get("edge_order", 1) not in (1, 2):
        raise UnsupportedError("`edge_order` of np.gradient must be the constant 1 or 2")
    return kind


def _gradient_options(site):
    """(axis, edge_order): the axis -1 for a vector."""
    return site.consts.get("axis", -1), site.consts.get("edge_order", 1)


def _spacing(site):
    return site.args[1] if len(site.args) > 1 else None


def _gradient_adjoint(site):
    axis, order = _gradient_options(site)
    spacing = _spacing(site)
    result = {}
    if site.active[0]:
        args = [site.g, spacing or const(1.0), literal(axis), const(order)]
        while len(args) > 1 and _default(args[-1], (None, 1.0, -1, 1)[len(args) - 1]):
            args.pop()
        result[0] = Add(site.helper(runtime.gradient_adjoint, *args))
    if len(site.active) > 1 and site.active[1]:
        # out = (differences of f) / h: its derivative in h is -out / h
        result[1] = Add(site.fill("-np.sum(g * out) / b"))
    return result


def _default(node, value):
    return isinstance(node, gast.Constant) and node.value == value and \
        type(node.value) is type(value)


def _gradient_tangent(site):
    axis, order = _gradient_options(site)
    spacing = _spacing(site)
    terms = []
    if site.dots[0] is not None:
        keywords = []
        if site.vector or "axis" in site.consts:
            keywords.append(("axis", literal(shift(axis) if site.vector else axis)))
        if order != 1:
            keywords.append(("edge_order", const(order)))
        text = "np.gradient(d)" if spacing is None else "np.gradient(d, h)"
        terms.append(site.fill_call(text, keywords, d=site.dots[0], h=spacing))
    if len(site.dots) > 1 and site.dots[1] is not None:
        terms.append(neg(site.fill("out * e / b", e=site.aligned(1))))
    return total(terms)


register(Custom("np.gradient", _gradient_kind, _gradient_adjoint, _gradient_tangent,
                positions=(0, 1), names=("f", "spacing", "axis", "edge_order"),
                doc="of a vector, or along one constant `axis`, with one number as the "
                    "spacing (differentiable too); edge_order 1 or 2; the adjoint applies "
                    "the transposed stencil (`runtime.gradient_adjoint`)"), np.gradient)


# ---------------------------------------------------------------- its adjoint, a helper


def _helper_kind(arg_kinds, consts):
    return arg_kinds[0]


def _helper_options(site):
    names = ("spacing", "axis", "edge_order")
    values = [site.args[i] if i < len(site.args) else None for i in (1, 2, 3)]
    for name, node in zip(names[1:], values[1:]):
        if node is not None and name not in site.consts:
            raise UnsupportedError(f"a computed `{name}` in gradient_adjoint; pass a constant")
    return values[0], site.consts.get("axis", -1), site.consts.get("edge_order", 1)


def _helper_adjoint(site):
    spacing, axis, order = _helper_options(site)
    keywords = [("axis", literal(axis))] + ([("edge_order", const(order))] if order != 1 else [])
    text = "np.gradient(g)" if spacing is None else "np.gradient(g, h)"
    return {0: Add(site.fill_call(text, keywords, h=spacing))}


def _helper_tangent(site):
    spacing, axis, order = _helper_options(site)
    return site.helper(runtime.gradient_adjoint, site.dots[0], spacing or const(1.0),
                       literal(shift(axis) if site.vector else axis), const(order))


register(Custom("gradient_adjoint", _helper_kind, _helper_adjoint, _helper_tangent,
                names=("g", "spacing", "axis", "edge_order"),
                doc="linear in `g`: its adjoint is np.gradient (the spacing is not "
                    "differentiated again)"), runtime.gradient_adjoint)
