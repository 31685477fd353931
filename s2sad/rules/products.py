"""Matrix products: `a @ b` (np.matmul), np.dot and `x.dot(y)`.

Each adjoint picks its formula from the operands' ranks, known when the derivative is
generated; when a rank is unknown (no example arguments), the run-time helpers
`matmul_adjoint_a` and `matmul_adjoint_b`, which work for every rank, are called instead.
"""
import dataclasses
import operator
import string

import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import TABLE, Add, Custom, bilinear, rank, register, total
from .einsum import Subscripts, _einsum_call, _einsum_operand_adjoint
from .elementwise import MULTIPLY


def _product_kind(arg_kinds, consts):
    a, b = arg_kinds
    if a.is_scalar or b.is_scalar:
        return K.broadcast(arg_kinds)
    if a.ndim is None or b.ndim is None:
        return K.UNKNOWN
    return K.array(max(a.ndim + b.ndim - 2, 0), _product_lengths(a, b))


def _product_lengths(a, b):
    """The token of `a @ b` for vectors and matrices: (n, k) @ (k, m) is (n, m) and a
    vector loses its axis, so only the lengths n and m need be known (a vector times a
    matrix has the matrix's column count whatever the vector). None (a fresh token)
    otherwise."""
    if max(a.ndim, b.ndim) > 2:
        return None
    rows = () if a.ndim == 1 else (K.lengths(a) or (None,))[:1]
    cols = () if b.ndim == 1 else (K.lengths(b) or (None, None))[1:]
    if None in rows + cols or not rows + cols:
        return None
    return K.dims(rows + cols)


# (rank of a, rank of b) -> adjoint templates for a and b
PRODUCT_ADJOINTS = {
    (1, 1): ("g * b", "g * a"),
    (2, 1): ("np.outer(g, b)", "g @ a"),
    (1, 2): ("b @ g", "np.outer(a, g)"),
    (2, 2): ("g @ b.T", "a.T @ g"),
}


_ANY_RANK = ("matmul_adjoint_a(g, a, b)", "matmul_adjoint_b(g, a, b)")


def _product_adjoint(site):
    a, b = site.kinds
    if a.is_scalar or b.is_scalar:
        templates = ("g * b", "g * a")
        reduce = (not K.same_shape(a, site.out_kind), not K.same_shape(b, site.out_kind))
    else:
        templates = PRODUCT_ADJOINTS.get((a.ndim, b.ndim), _ANY_RANK)
        reduce = (False, False)
    return {i: Add(site.fill(templates[i]), reduce[i]) for i in (0, 1) if site.active[i]}


def _product_tangent(site, dot=False):
    """`a_dot @ b + a @ b_dot`. In vector mode a vector `b` has its tangent's direction
    axis first, so its term is written `b_dot @ a.T` (directions stay in front)."""
    a, b = site.kinds
    if a.is_scalar or b.is_scalar:
        return MULTIPLY.tangent(site)
    if not site.vector:
        if dot and not (a.ndim is not None and b.ndim is not None and max(a.ndim, b.ndim) <= 2):
            return bilinear(site, "np.dot(d, b)", "np.dot(a, d)")
        return bilinear(site, "d @ b", "a @ d")
    if rank(a) > 2 or rank(b) > 2:
        raise UnsupportedError("products of arrays of rank above 2 have no rule for "
                               "tangents in several directions yet; compute one direction "
                               "at a time with s2sad.jvp.")
    terms = []
    if site.dots[0] is not None:
        terms.append(site.fill("d @ b", d=site.dots[0]))
    if site.dots[1] is not None:
        template = "d @ a.T" if rank(b) == 1 else "a @ d"
        terms.append(site.fill(template, d=site.dots[1]))
    return total(terms)


register(Custom("@", _product_kind, _product_adjoint, _product_tangent, (0, 1),
                doc="arrays of rank above 2 are stacks of matrices, broadcast against each "
                    "other"),
         operator.matmul, np.matmul)


def _stacked_dot(arg_kinds):
    """For `np.dot` of a matrix (or more) with an array of rank above 2, which sums over
    a's last axis and b's second to last and keeps every other axis of both (no
    broadcasting, unlike `@`), the einsum it is: None for other ranks, which `@` pairs
    alike."""
    a, b = arg_kinds
    if not (a.is_array and b.is_array and a.ndim is not None and b.ndim is not None
            and a.ndim >= 2 and b.ndim > 2):
        return None
    left = string.ascii_lowercase[:a.ndim - 1]
    right = string.ascii_lowercase[a.ndim - 1:a.ndim + b.ndim - 3]
    return Subscripts((left + "z", right + "zy"), left + right + "y")


def _dot_kind(arg_kinds, consts):
    a, b = arg_kinds
    if a.is_array and b.is_array and (a.ndim is None or b.ndim is None) and \
            max(a.ndim or 0, b.ndim or 0) > 2:
        raise UnsupportedError("`np.dot` of arrays of rank above 2 needs their ranks; call "
                               "with example arguments (or annotate the arrays).")
    spec = _stacked_dot(arg_kinds)
    if spec is not None:
        return K.array(len(spec.out))
    return _product_kind(arg_kinds, consts)


def _dot_adjoint(site):
    spec = _stacked_dot(site.kinds)
    if spec is None:
        return _product_adjoint(site)
    return {k: Add(_einsum_operand_adjoint(site, spec, [0, 1], k)) for k in (0, 1)
            if site.active[k]}


def _dot_tangent(site):
    spec = _stacked_dot(site.kinds)
    if spec is None:
        return _product_tangent(site, dot=True)
    terms = []
    for k in (0, 1):
        if site.dots[k] is None:
            continue
        args = list(site.args)
        args[k] = site.dots[k]
        labels, out = list(spec.terms), spec.out
        if site.vector:
            labels[k], out = "Z" + labels[k], "Z" + out
        terms.append(_einsum_call(site, spec, labels, out, args))
    return total(terms)


register(Custom("np.dot", _dot_kind, _dot_adjoint, _dot_tangent, (0, 1), ("a", "b", "out"),
                doc="like `@`; of a matrix (or more) with an array of rank above 2, the sum "
                    "over a's last axis and b's second to last, every other axis kept: its "
                    "adjoints and tangent are einsums"), np.dot)

# `x.dot(y)` is `np.dot(x, y)`
register(dataclasses.replace(TABLE[np.dot], name=".dot()",
                             doc="as `np.dot(x, y)`: for matrices `g @ y.T` and `x.T @ g`"),
         ir.Method("dot"))
