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
from . import contractions, einsum, norms, inverses, decompositions  # noqa: F401
from . import extrema, variance, cumulative, folds, lists, tapes  # noqa: F401
from . import nanreductions, sorting, signals, randoms, powers, averages, quantiles  # noqa: F401
from . import runtime_helpers, runtime_hessians, complexes, fft  # noqa: F401
# SciPy's rows (scipy_linalg.py, special.py, special_reductions.py, distributions.py,
# bessel.py, incomplete.py, more_distributions.py, multivariate.py, scipy_signal.py,
# matrix_functions.py, integrators.py) are loaded once the program imports SciPy:
# base.OPTIONAL
from .base import (TABLE, Add, Custom, NonDifferentiable, Rule, Scatter, Site, lookup,
                   result_kind, takes_complex)
from .partials import Elementwise

__all__ = ["TABLE", "Add", "Custom", "Elementwise", "NonDifferentiable", "Rule", "Scatter",
           "Site", "lookup", "may_view", "result_kind", "takes_complex"]

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
    if op.prim is operator.getitem and _advanced(op.args[1], kinds):
        return False
    copy = dict(op.kwargs).get("copy")
    return op.prim in VIEWS or isinstance(copy, ir.Const) and not copy.value


def _advanced(index, kinds):
    """Whether an index holds a list or an array of indices (or a mask), with which NumPy
    copies the elements it picks."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, tuple) or isinstance(getattr(part, "value", None), np.ndarray)
               or isinstance(part, ir.Var) and part.name in kinds and kinds[part.name].is_array
               for part in parts)
