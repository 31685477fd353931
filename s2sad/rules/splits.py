"""Parts of a split: np.split, np.array_split, np.hsplit, np.vsplit and np.dsplit return a
list of arrays whose length the call fixes; the lowering makes each part its own
operation, `Part(np.split, i)` (frontend/numpy_forms.py), with the one rule registered
here for `Part(np.split, None)`, which reads `i` from `site.consts["part"]`.

A part is a slice of the operand along the split axis: its adjoint adds `g` into that
slice of zeros, its tangent is the same part of the tangent's split.
"""
import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.simplify import binop
from ..syntax.template import const
from .axes import along, int_or_tuple, shift
from .base import Custom, Scatter, register
from .literals import literal
from .structural import check_numeric, known_rank

_FIXED_AXIS = {"vsplit": 0, "dsplit": 2}
_LEAST_RANK = {"split": 1, "array_split": 1, "hsplit": 1, "vsplit": 2, "dsplit": 3}


def _part_kind(function):
    def kind_of(arg_kinds, consts):
        kind = arg_kinds[0]
        check_numeric(kind, f"np.{function}")
        least = _LEAST_RANK[function]
        if kind.is_scalar or (kind.is_array and kind.ndim is not None and kind.ndim < least):
            raise UnsupportedError(f"`np.{function}` needs an array of rank {least} or more")
        if "axis" in consts.get("computed", ()) or (len(arg_kinds) > 2 and "axis" not in consts):
            raise UnsupportedError(f"a computed `axis` in np.{function}; pass a constant")
        return K.array(kind.ndim) if kind.is_array else K.UNKNOWN
    return kind_of


def _plan(site, function):
    """(sections, axis): the constant count or the split points (expressions), and the
    axis split."""
    sections = site.consts.get("indices_or_sections")
    if sections is None and isinstance(site.args[1], gast.Tuple):
        sections = tuple(site.args[1].elts)  # computed split points
    elif isinstance(int_or_tuple(sections, "indices_or_sections"), tuple):
        sections = tuple(literal(point) for point in sections)
    if function in _FIXED_AXIS:
        axis = _FIXED_AXIS[function]
    elif function == "hsplit":
        axis = 0 if known_rank(site.kinds[0], "`np.hsplit`") == 1 else 1
    else:
        axis = int_or_tuple(site.consts.get("axis", 0), "axis")
    return sections, axis


def _bounds(site, function, sections, axis):
    """The start and stop (None: the end) of part `i` along the split axis."""
    i = site.consts["part"]
    if isinstance(sections, tuple):
        points = (None,) + sections + (None,)
        return points[i], points[i + 1]
    length = site.fill("g.shape[k]", k=literal(axis))
    last = i == sections - 1
    if function != "array_split":
        # equal parts: part i starts i lengths of a part in
        start = None if i == 0 else binop(const(i), gast.Mult(), length) if i > 1 else length
        return start, None if last else binop(const(i + 1), gast.Mult(), length)
    if i == 0:
        return None, None if last else length
    # the first n % sections parts are one longer
    n = site.fill("a.shape[k]", k=literal(axis))
    start = binop(binop(const(i), gast.Mult(), site.fill("n // s", n=n, s=const(sections))),
                  gast.Add(), site.fill("min(i, n % s)", i=const(i), n=n, s=const(sections)))
    return start, None if last else binop(start, gast.Add(), length)


def _written(sections):
    if isinstance(sections, tuple):
        return gast.Tuple(elts=list(sections), ctx=gast.Load())
    return const(sections)


def _part_rule(function):
    def adjoint(site):
        sections, axis = _plan(site, function)
        start, stop = _bounds(site, function, sections, axis)
        return {0: Scatter(along(axis, gast.Slice(start, stop, None)), site.g)}

    def tangent(site):
        sections, axis = _plan(site, function)
        i = const(site.consts["part"])
        if not site.vector and function not in ("split", "array_split"):
            return site.fill(f"np.{function}(d, s)[i]", d=site.dots[0], s=_written(sections),
                             i=i)
        text = "np.array_split" if function == "array_split" else "np.split"
        keywords = [("axis", literal(shift(axis) if site.vector else axis))] \
            if axis or site.vector else []
        split = site.fill_call(f"{text}(d, s)", keywords, d=site.dots[0], s=_written(sections))
        return gast.Subscript(value=split, slice=i, ctx=gast.Load())

    names = ("ary", "indices_or_sections") + (("axis",) if function in ("split", "array_split")
                                              else ())
    return Custom(f"np.{function}[i]", _part_kind(function), lambda site: adjoint(site),
                  tangent, names=names,
                  doc="part i of a constant count of parts or of constant split points, "
                      "unpacked, indexed with a constant or looped over; its adjoint adds "
                      "`g` into its slice of zeros")


for _name in _LEAST_RANK:
    register(_part_rule(_name), ir.Part(getattr(np, _name), None))
