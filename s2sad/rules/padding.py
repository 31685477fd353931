"""Growing an array: np.pad (a border around it) and np.append (values joined after it).

np.pad in "constant" mode puts the array inside constants: its adjoint is the inner
slice of `g`; the modes that copy the array's own elements into the border ("edge",
"reflect", "symmetric", "wrap") add each border element back to the element it copies
(`runtime.pad_adjoint`, which has a rule of its own, np.pad again). The tangent pads the
tangent (with zeros in constant mode). np.append is np.concatenate of two operands.
"""
import gast
import numpy as np

from .. import runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .axes import along, int_or_tuple, shift
from .base import Add, Custom, register
from .joins import _tangent_or_zero
from .literals import constant, literal
from .structural import check_numeric, known_rank, subscript

_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


# ---------------------------------------------------------------- pad


def _pad_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    check_numeric(kind, "np.pad")
    if kind.is_scalar:
        raise UnsupportedError("`np.pad` of a number; pass an array")
    mode = consts.get("mode", "constant")
    if mode not in _MODES:
        raise UnsupportedError(f"np.pad in mode {mode!r} has no derivative rule; use one of "
                               f"{', '.join(map(repr, _MODES))} (a constant string)")
    if "constant_values" in consts.get("computed", ()):
        raise UnsupportedError("a computed `constant_values=` in np.pad; pad with zeros and "
                               "add the border separately, or pass a constant")
    return K.array(kind.ndim) if kind.is_array else K.UNKNOWN


def _widths(site):
    """The border widths, one (before, after) pair per axis."""
    ndim = known_rank(site.kinds[0], "`np.pad`")
    widths = constant(site, "pad_width", 1)
    if widths is None:
        raise UnsupportedError("np.pad needs `pad_width`")
    pairs = np.broadcast_to(np.asarray(widths, dtype=object), (ndim, 2))
    if not all(isinstance(w, int) and not isinstance(w, bool) and w >= 0
               for w in pairs.flat):
        raise UnsupportedError("`pad_width` of np.pad must be constant ints >= 0")
    return tuple((int(before), int(after)) for before, after in pairs)


def _mode(site):
    return constant(site, "mode", 2, "constant")


def _inner(widths):
    """The subscript of the array inside its border (`g[1:-2, 3:]`)."""
    parts = [gast.Slice(literal(before) if before else None,
                        literal(-after) if after else None, None)
             for before, after in widths]
    return parts[0] if len(parts) == 1 else gast.Tuple(elts=parts, ctx=gast.Load())


def _short(widths):
    """`pad_width` as short as np.pad reads it: one pair, or one number, for all axes."""
    if len(set(widths)) == 1:
        before, after = widths[0]
        return before if before == after else widths[0]
    return widths


def _pad_adjoint(site):
    widths, mode = _widths(site), _mode(site)
    if mode == "constant":
        return {0: Add(subscript(site.g, _inner(widths)))}
    return {0: Add(site.helper(runtime.pad_adjoint, site.g, literal(widths), const(mode)))}


def _pad_tangent(site):
    widths, mode = _widths(site), _mode(site)
    keywords = [] if mode == "constant" else [("mode", const(mode))]
    widths = ((0, 0),) + widths if site.vector else _short(widths)
    return site.fill_call("np.pad(d, w)", keywords, d=site.dots[0], w=literal(widths))


register(Custom("np.pad", _pad_kind, _pad_adjoint, _pad_tangent,
                names=("array", "pad_width", "mode", "constant_values"),
                doc="modes constant (constant `constant_values`: the adjoint is the inner "
                    "slice of `g`), edge, reflect, symmetric and wrap (border elements are "
                    "added back to the elements they copy, `runtime.pad_adjoint`)"), np.pad)


# ---------------------------------------------------------------- its adjoint, a helper


def _helper_plan(site):
    widths = constant(site, "pad_width", 1)
    mode = constant(site, "mode", 2)
    if mode not in _MODES[1:]:
        raise UnsupportedError("pad_adjoint needs a constant mode among "
                               f"{', '.join(map(repr, _MODES[1:]))}")
    return tuple(tuple(pair) for pair in widths), mode


def _helper_tangent(site):
    widths, mode = _helper_plan(site)
    if site.vector:
        widths = ((0, 0),) + widths
    return site.helper(runtime.pad_adjoint, site.dots[0], literal(widths), const(mode))


register(Custom("pad_adjoint", lambda kinds, consts: kinds[0],
                lambda site: {0: Add(site.fill("np.pad(g, w, mode=m)",
                                               w=literal(_helper_plan(site)[0]),
                                               m=const(_helper_plan(site)[1])))},
                _helper_tangent, names=("g", "pad_width", "mode"),
                doc="linear in `g`: its adjoint is np.pad"), runtime.pad_adjoint)


# ---------------------------------------------------------------- append


def _append_axis(site):
    axis = constant(site, "axis", 2)
    return None if axis is None else int_or_tuple(axis, "axis")


def _append_kind(arg_kinds, consts):
    check_numeric(arg_kinds[0], "np.append")
    if "values" not in consts:
        check_numeric(arg_kinds[1], "np.append")
    if "axis" not in consts and len(arg_kinds) > 2:
        raise UnsupportedError("a computed `axis` in np.append; pass a constant")
    if consts.get("axis") is None:
        return K.array(1)
    kind = arg_kinds[0]
    return K.array(kind.ndim) if kind.is_array else K.UNKNOWN


def _append_adjoint(site):
    axis = _append_axis(site)
    result = {}
    for position, part in ((0, gast.Slice(None, site.fill("np.size(a)"), None)),
                           (1, gast.Slice(site.fill("np.size(a)"), None, None))):
        if not site.active[position]:
            continue
        kind = site.kinds[position]
        if axis is None:
            value = subscript(site.g, part)
            result[position] = Add(value, reduce=True) if kind.is_scalar else Add(
                site.fill("np.reshape(v, x.shape)", v=value, x=site.args[position]))
        else:
            length = site.fill("a.shape[k]", k=literal(axis))
            part = gast.Slice(None, length, None) if position == 0 else \
                gast.Slice(length, None, None)
            result[position] = Add(subscript(site.g, along(axis, part)))
    return result


def _append_tangent(site):
    axis = _append_axis(site)
    dots = [_tangent_or_zero(site, i) for i in (0, 1)]
    if not site.vector:
        keywords = [] if axis is None else [("axis", literal(axis))]
        return site.fill_call("np.append(d, e)", keywords, d=dots[0], e=dots[1])
    if axis is None:
        dots = [site.fill("np.reshape(d, (len(d), -1))", d=d) for d in dots]
        axis = 0
    return site.fill("np.concatenate([d, e], axis=k)", d=dots[0], e=dots[1],
                     k=literal(shift(axis)))


register(Custom("np.append", _append_kind, _append_adjoint, _append_tangent, positions=(0, 1),
                names=("arr", "values", "axis"),
                doc="np.concatenate of the two (flattened without `axis`); each operand's "
                    "adjoint is its part of `g`"), np.append)
