"""Functions whose results are integers or booleans: indices (`np.argsort`, `np.nonzero`,
`np.triu_indices`, ...), counts and tests (`np.count_nonzero`, `np.allclose`).

Their results carry no derivative, so they need no rule of the user's; an index they
make picks values whose derivative indexing passes on (`x[np.argsort(x)]`). Each row
states the kind of its result, which later operations specialise on. A tuple of index
arrays (`np.nonzero(a)`) has a kind of its own, `index_tuple(count, rank)`: indexing an
array with it takes `count` axes and adds `rank` (a tuple of integers, rank 0, is the
"shape" kind: it takes `count` axes and adds none).
"""
import builtins
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import NonDifferentiable, register


def index_tuple(count, rank):
    """The kind of a tuple of `count` integer arrays of rank `rank` (`count` integers
    for rank 0); None where not known."""
    if rank == 0:
        return K.Kind("shape", count)
    return K.Kind("other", count, ("indices", rank))


def index_parts(kind):
    """(count, rank) of a tuple of integers or index arrays, else None."""
    if kind.tag == "shape":
        return kind.ndim, 0
    if kind.tag == "other" and isinstance(kind.shape, tuple) and kind.shape[:1] == ("indices",):
        return kind.ndim, kind.shape[1]
    return None


@dataclass(frozen=True)
class IntegerValued(NonDifferentiable):
    """A function whose result is made of integers or booleans, of the kind
    `kind_of(arg_kinds, consts)`; `names` names its parameters by position, `packs`: a
    list or tuple display as first argument arrives as leading arguments (each key of
    `np.lexsort((b, a))`)."""
    kind_of: object = None
    names: tuple = ()
    packs: bool = False

    def out_kind(self, arg_kinds, consts):
        return self.kind_of(arg_kinds, consts)


def _like(kind):
    """An integer or boolean result of the shape of a value of `kind`."""
    if kind.is_scalar:
        return K.INT
    if kind.is_array:
        return K.Kind("array", kind.ndim, kind.shape)
    return K.UNKNOWN if not kind.known else K.array(None)


def _first(arg_kinds, consts):
    return _like(arg_kinds[0]) if arg_kinds else K.UNKNOWN


def _second(arg_kinds, consts):
    return _like(arg_kinds[1]) if len(arg_kinds) > 1 else K.UNKNOWN


def _sorted_kind(arg_kinds, consts):
    """`np.argsort(a, axis=-1)`: indices of `a`'s shape; with `axis=None`, of the
    flattened array."""
    kind = arg_kinds[0]
    if kind.is_scalar or ("axis" in consts and consts["axis"] is None):
        return K.array(1)
    return _like(kind)


def _keys_kind(arg_kinds, consts):
    """`np.lexsort(keys)`: of a display of keys, the shape of one key; of an array of
    keys, its shape without the first axis."""
    if "packed" in consts:
        return _like(arg_kinds[0])
    kind = arg_kinds[0]
    if kind.is_array and kind.ndim is not None:
        return K.array(kind.ndim - 1) if kind.ndim > 1 else K.INT
    return K.array(None)


def _multi_index_kind(arg_kinds, consts):
    """`np.ravel_multi_index((i, j), shape)`: the shape of one index of the display (or
    of the tuple of index arrays)."""
    if "packed" in consts:
        return _like(arg_kinds[0])
    parts = index_parts(arg_kinds[0])
    if parts is not None and parts[1] is not None:
        return K.INT if parts[1] == 0 else K.array(parts[1])
    return K.array(None)


def _length(kind, consts, name):
    """The length of a shape argument: of its kind (`a.shape`, `(n, m)`) or its value."""
    if kind.tag == "shape":
        return kind.ndim
    value = consts.get(name)
    if isinstance(value, tuple):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return 1
    return None


def _unravel_kind(arg_kinds, consts):
    """`np.unravel_index(indices, shape)`: one index per axis of `shape`, each of the
    shape of `indices`."""
    count = _length(arg_kinds[1], consts, "shape") if len(arg_kinds) > 1 else None
    kind = arg_kinds[0]
    rank = 0 if kind.is_scalar else kind.ndim if kind.is_array else None
    return index_tuple(count, rank)


def _nonzero_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    if kind.is_scalar:
        raise UnsupportedError("`np.nonzero` of a number; NumPy takes an array.")
    return index_tuple(kind.ndim if kind.is_array else None, 1)


def _pair(arg_kinds, consts):
    """`np.triu_indices(n)` and the like: a row and a column index array."""
    return index_tuple(2, 1)


def _diagonal_kind(arg_kinds, consts):
    """`np.diag_indices(n, ndim=2)`: `ndim` index arrays."""
    ndim = consts.get("ndim", 2)
    return index_tuple(ndim if isinstance(ndim, int) else None, 1)


def _diagonal_from_kind(arg_kinds, consts):
    kind = arg_kinds[0]
    return index_tuple(kind.ndim if kind.is_array else None, 1)


def _grid_kind(arg_kinds, consts):
    """`np.indices(dimensions)`: one grid per axis stacked into an array of rank one
    more; with `sparse=True` a tuple of arrays of the grid's rank."""
    count = _length(arg_kinds[0], consts, "dimensions") if arg_kinds else None
    if consts.get("sparse"):
        return index_tuple(count, count)
    return K.array(None if count is None else count + 1)


def _reduced(whole):
    """`np.count_nonzero(a, axis)`, `np.any(a, axis)`: one value per position along the
    axes not reduced; over the whole array one value, of kind `whole` (an int, a
    boolean)."""
    def kind_of(arg_kinds, consts):
        kind, axis = arg_kinds[0], consts.get("axis")
        if consts.get("keepdims"):
            return K.array(kind.ndim) if kind.is_array else whole
        if axis is None or kind.is_scalar:
            return whole
        if not kind.is_array or kind.ndim is None:
            return K.UNKNOWN
        return K.array(kind.ndim - (len(axis) if isinstance(axis, tuple) else 1))
    return kind_of


def _counts_kind(arg_kinds, consts):
    """`np.bincount(x)`: the number of times each integer occurs. With weights it sums
    them, a differentiable value this row does not pass on: an error, not a zero."""
    weights = consts.get("weights", 0 if len(arg_kinds) > 1 else None)
    if weights is not None or "weights" in consts.get("computed", ()):
        raise UnsupportedError(
            "`np.bincount` with weights sums them bin by bin, which has no derivative "
            "rule; sum them with a comparison matrix instead, `(np.arange(m)[:, None] == "
            "x) @ w` for m bins, or give `np.bincount` a rule with s2sad.defrule "
            "(docs/rules.md).")
    return K.array(1)


def _boolean(arg_kinds, consts):
    return K.OTHER


INDICES = "integer indices: no derivative (the values they pick carry one)"
BOOLEAN = "a boolean result: no derivative"
COUNT = "an integer result: no derivative"


def integer_valued(label, kind_of, names, doc, *prims, packs=False):
    register(IntegerValued(label, doc=doc, kind_of=kind_of, names=names, packs=packs),
             *prims)


integer_valued("np.argsort", _sorted_kind, ("a", "axis", "kind", "order", "stable"),
               INDICES, np.argsort, ir.Method("argsort"))
integer_valued("np.argpartition", _sorted_kind, ("a", "kth", "axis", "kind", "order"),
               INDICES, np.argpartition, ir.Method("argpartition"))
integer_valued("np.lexsort", _keys_kind, ("keys", "axis"),
               "integer indices sorting by the last key, then the others: no derivative",
               np.lexsort, packs=True)
integer_valued("np.searchsorted", _second, ("a", "v", "side", "sorter"),
               "integer indices of `v`'s shape: no derivative", np.searchsorted,
               ir.Method("searchsorted"))
integer_valued("np.digitize", _first, ("x", "bins", "right"),
               "integer indices of `x`'s shape: no derivative", np.digitize)
integer_valued("np.nonzero", _nonzero_kind, ("a",),
               "a tuple of index arrays, one per axis: no derivative", np.nonzero,
               ir.Method("nonzero"))
integer_valued("np.flatnonzero", lambda kinds, consts: K.array(1), ("a",), INDICES,
               np.flatnonzero)
integer_valued("np.argwhere", lambda kinds, consts: K.array(2), ("a",),
               "an array of indices, one row per element: no derivative", np.argwhere)
integer_valued("np.unravel_index", _unravel_kind, ("indices", "shape", "order"),
               "a tuple of indices, one per axis: no derivative", np.unravel_index)
integer_valued("np.ravel_multi_index", _multi_index_kind,
               ("multi_index", "dims", "mode", "order"), INDICES, np.ravel_multi_index,
               packs=True)
integer_valued("np.diag_indices", _diagonal_kind, ("n", "ndim"),
               "a tuple of index arrays: no derivative", np.diag_indices)
integer_valued("np.diag_indices_from", _diagonal_from_kind, ("arr",),
               "a tuple of index arrays: no derivative", np.diag_indices_from)
for _name in ("triu_indices", "tril_indices"):
    integer_valued(f"np.{_name}", _pair, ("n", "k", "m"),
                   "row and column index arrays: no derivative", getattr(np, _name))
    integer_valued(f"np.{_name}_from", _pair, ("arr", "k"),
                   "row and column index arrays: no derivative", getattr(np, f"{_name}_from"))
integer_valued("np.indices", _grid_kind, ("dimensions", "dtype", "sparse"),
               "integer grids: no derivative", np.indices)
integer_valued("np.count_nonzero", _reduced(K.INT), ("a", "axis", "keepdims"), COUNT,
               np.count_nonzero)
integer_valued("np.bincount", _counts_kind, ("x", "weights", "minlength"),
               "counts, without weights (with weights: an error): no derivative",
               np.bincount)
integer_valued("np.isin", _first, ("element", "test_elements", "assume_unique", "invert",
                                   "kind"), BOOLEAN, np.isin)
for _name in ("any", "all"):
    integer_valued(f"np.{_name}", _reduced(K.OTHER), ("a", "axis", "out", "keepdims", "where"),
                   BOOLEAN, getattr(np, _name), ir.Method(_name))
    integer_valued(_name, _boolean, ("iterable",), BOOLEAN, getattr(builtins, _name))
for _name in ("allclose", "array_equal", "array_equiv"):
    integer_valued(f"np.{_name}", _boolean, (), BOOLEAN, getattr(np, _name))
integer_valued("bool", _boolean, ("x",), BOOLEAN, builtins.bool)
integer_valued("isinstance", _boolean, ("obj", "class_or_tuple"), BOOLEAN,
               builtins.isinstance)
