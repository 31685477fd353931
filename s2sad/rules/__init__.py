"""The derivative rule table, keyed by the primitive's resolved object."""
import operator

import numpy as np

from .. import ir

# each module registers its rows, in the table's order: elementwise functions and integer
# indices; sums, matrix products, indexing; moves, casts and joins; linear algebra; the
# other reductions; s2sad's own run-time helpers
from . import elementwise, indices, sums, products, indexing  # noqa: F401
from . import reshapes, transposes, flips, triangles, constructors, joins  # noqa: F401
from . import rolls, repeats, differences, padding, picks, vector_products, splits  # noqa: F401
from . import joins_r, rewritten  # noqa: F401
from . import contractions, einsum, norms, inverses  # noqa: F401
from . import extrema, variance, cumulative, folds, lists, tapes  # noqa: F401
from . import runtime_helpers, runtime_hessians  # noqa: F401
from .base import TABLE, Add, Custom, NonDifferentiable, Rule, Scatter, Site, lookup
from .partials import Elementwise

__all__ = ["TABLE", "Add", "Custom", "Elementwise", "NonDifferentiable", "Rule", "Scatter",
           "Site", "lookup", "may_view"]

# primitives whose result may be a NumPy view of their first argument (`x = y` included)
VIEWS = frozenset({
    operator.getitem, ir.COPY, ir.Attr("T"), ir.Attr("real"), np.real, np.asarray,
    np.reshape, ir.Method("reshape"), np.ravel, ir.Method("ravel"), np.transpose,
    ir.Method("transpose"), np.swapaxes, ir.Method("swapaxes"), np.moveaxis, np.squeeze,
    ir.Method("squeeze"), np.expand_dims, np.broadcast_to, np.flip, np.fliplr, np.flipud,
    np.diag})


def may_view(op, kinds):
    """Whether `op`'s result may share memory with its first argument, so that an element
    write into the one shows in the other: a view-making primitive, or a copying one told
    `copy=False` (or `None`: copy only if needed). A number never does."""
    if kinds[op.target.name].is_scalar:
        return False
    copy = dict(op.kwargs).get("copy")
    return op.prim in VIEWS or isinstance(copy, ir.Const) and not copy.value
