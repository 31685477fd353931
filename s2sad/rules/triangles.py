"""Parts of a matrix: its triangles (np.triu, np.tril) and its diagonal (np.diag, which
also builds a diagonal matrix from a vector). The adjoint keeps, takes or fills the same
part of the result's adjoint.
"""
import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, Scatter, register
from .literals import constant, literal
from .structural import call, same_rank


def _triangle(function):
    def kind_of(arg_kinds, consts):
        kind = arg_kinds[0]
        if kind.is_scalar or (kind.is_array and kind.ndim == 1):
            raise UnsupportedError(f"`np.{function}` of a vector or number has no derivative "
                                   "rule; pass a matrix")
        return same_rank(arg_kinds, consts)

    def keywords(site):
        k = constant(site, "k", 1, 0)
        if not isinstance(k, int):
            raise UnsupportedError(f"a computed `k` in np.{function}; pass a constant")
        return [] if k == 0 else [("k", literal(k))]

    # the last two axes hold the matrices, also with a direction axis in front
    return Custom(f"np.{function}", kind_of,
                  lambda site: {0: Add(call(site, function, [site.g], keywords(site)))},
                  lambda site: call(site, function, [site.dots[0]], keywords(site)),
                  names=("m", "k"), doc="keeps the same triangle of the adjoint")


for _name in ("triu", "tril"):
    register(_triangle(_name), getattr(np, _name))


def _diag_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim in (1, 2):
        return K.array(3 - kind.ndim)
    raise UnsupportedError(f"`np.diag` of {kind}: pass a vector or a matrix")


def _diag_offset(site):
    k = constant(site, "k", 1, 0)
    if not isinstance(k, int):
        raise UnsupportedError("a computed `k` in np.diag; pass a constant")
    return k


def _diag_adjoint(site):
    """A vector's adjoint is the diagonal of the matrix adjoint; a matrix's adjoint has
    the vector adjoint on the diagonal (added in place, each element once)."""
    k = _diag_offset(site)
    if site.kinds[0].ndim == 1:
        # np.diag of a matrix is a read-only view: the adjoint gets a copy it may update
        diagonal = call(site, "diag", [site.g], [("k", literal(k))] if k else [])
        return {0: Add(site.fill("v.copy()", v=diagonal))}
    steps = site.fill("np.arange(len(g))")
    rows, cols = (steps, site.fill("s + k", s=steps, k=literal(abs(k)))) if k >= 0 else \
        (site.fill("s + k", s=steps, k=literal(-k)), steps)
    if k == 0:
        cols = site.fill("np.arange(len(g))")
    return {0: Scatter(gast.Tuple(elts=[rows, cols], ctx=gast.Load()), site.g)}


def _diag_tangent(site):
    k = _diag_offset(site)
    keywords = [("k", literal(k))] if k else []
    if not site.vector:
        return call(site, "diag", [site.dots[0]], keywords)
    if site.kinds[0].ndim == 2:
        return call(site, "diagonal", [site.dots[0]] + ([literal(k)] if k else []),
                    [("axis1", const(1)), ("axis2", const(2))])
    if k:
        raise UnsupportedError("`np.diag(v, k)` of a vector with k != 0 has no rule for "
                               "tangents in several directions; compute one direction at a "
                               "time with s2sad.jvp")
    return site.fill("d[:, :, None] * np.eye(d.shape[1], dtype=d.dtype)", d=site.dots[0])


register(Custom("np.diag", _diag_kind, _diag_adjoint, _diag_tangent, names=("v", "k"),
                doc="of a vector (a diagonal matrix) or of a matrix (its diagonal); the "
                    "adjoint takes or fills the same diagonal"), np.diag)
