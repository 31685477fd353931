"""What kind of value each variable holds: a scalar, an array of some rank, or neither.

The derivative is generated for the kinds of the arguments it is called with and cached per
kind, so scalar code needs no broadcasting helpers and array code knows when an adjoint
must be summed back to an operand's shape. Arrays carry a shape token: two values with
the same token are known to have the same shape (an elementwise result keeps its
operands' token), which is when `unbroadcast` can be left out.
"""
import itertools
import numbers
from dataclasses import dataclass, replace

import numpy as np

from ..errors import ArgumentError, repr_or_none, shown
from ..runtime_dask import is_dask


@dataclass(frozen=True)
class Kind:
    """`tag` is "scalar", "array", "int" (non-differentiable number), "shape" (an array's
    shape: a tuple of `ndim` integers), "foreign" (a number or array whose arithmetic
    s2sad does not model, described by `what`: `np.matrix`, masked arrays) or "other".
    `complex`: a scalar or array of complex dtype, which only rules declared exact for
    complex operands may meet (analysis/soundness.py)."""
    tag: str
    ndim: int = None
    shape: object = None
    what: str = None
    # a "list": the kind of its items (None while it is known only to be empty)
    item: object = None
    complex: bool = False

    @property
    def is_array(self):
        return self.tag == "array"

    @property
    def is_scalar(self):
        return self.tag in ("scalar", "int")

    @property
    def known(self):
        return self.tag != "unknown"

    def __str__(self):
        if self.tag == "foreign":
            return self.what
        if self.complex:
            return "a complex " + ("number" if self.is_scalar else "array")
        if self.tag == "array":
            return "an array" + ("" if self.ndim is None else f" of rank {self.ndim}")
        if self.tag == "list":
            return "a list" + ("" if self.item is None else f" of {_plural(self.item)}")
        return {"scalar": "a scalar", "int": "an integer",
                "other": "a value that is not a number (such as None, a string or a tuple)",
                "shape": "an array shape (a tuple)",
                "unknown": "a value of unknown kind",
                "tape": "the stack of a generated derivative"}[self.tag]


def _plural(kind):
    if kind.tag == "array":
        return "arrays" + ("" if kind.ndim is None else f" of rank {kind.ndim}")
    return {"scalar": "numbers", "int": "integers"}.get(kind.tag, str(kind))


def list_of(item):
    """The kind of a list whose items all have kind `item` (None: no item known yet)."""
    return Kind("list", item=item)


SCALAR = Kind("scalar", 0)
COMPLEX = Kind("scalar", 0, complex=True)
TAPE = Kind("tape")
INT = Kind("int", 0)
OTHER = Kind("other")
UNKNOWN = Kind("unknown")

_tokens = itertools.count()


def array(ndim=None, shape=None):
    """An array kind; without a shape token it gets a fresh one (its own shape)."""
    if ndim == 0:
        return SCALAR
    return Kind("array", ndim, ("fresh", next(_tokens)) if shape is None else shape)


def complex_if(kind, flag):
    """`kind` with its `complex` flag set to `flag` (a number or array; any other kind
    as it is)."""
    if kind.tag not in ("scalar", "array") or kind.complex == flag:
        return kind
    return replace(kind, complex=flag)


def is_complex(value):
    return isinstance(value, (complex, np.complexfloating)) or \
        isinstance(value, np.ndarray) and value.dtype.kind == "c"


def dims(lengths):
    """A shape token that lists an array's axis lengths (symbols, or 1)."""
    return ("dims",) + tuple(lengths)


def lengths(kind):
    """The axis lengths of an array kind whose token lists them, else None."""
    if kind.is_array and isinstance(kind.shape, tuple) and kind.shape[:1] == ("dims",):
        return kind.shape[1:]
    return None


def shape_of(kind):
    """The kind of `np.shape(v)` for `v` of `kind`: a tuple whose length is known when
    the rank is, so `np.zeros(x.shape)` has a known rank."""
    if kind.is_array and kind.ndim is not None:
        return Kind("shape", kind.ndim)
    return OTHER


def not_a_number(kind):
    return kind.tag in ("other", "shape")


def foreign(value):
    """The kind of a value whose arithmetic s2sad does not model, or None: a `np.matrix`
    (`*` is a matrix product), a masked array (the mask changes what operations compute)
    or another subclass of `np.ndarray` (but `np.memmap`, which computes as arrays do)."""
    if isinstance(value, np.ndarray) and type(value) not in (np.ndarray, np.memmap):
        names = {np.matrix: "a `np.matrix`", np.ma.MaskedArray: "a masked array"}
        found = next((text for cls, text in names.items() if isinstance(value, cls)),
                     f"an array of the subclass `{type(value).__name__}`")
        return Kind("foreign", what=found)
    return None


def of_value(value):
    """The kind of a Python value seen when the derivative is generated."""
    alien = foreign(value)
    if alien is not None:
        return alien
    if isinstance(value, (bool, np.bool_)):
        return OTHER
    if isinstance(value, numbers.Integral):
        return INT
    if isinstance(value, numbers.Real):
        return SCALAR
    if isinstance(value, numbers.Complex):
        return COMPLEX
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiubc":
        if value.ndim == 0:
            return complex_if(SCALAR, value.dtype.kind == "c")
        return Kind("array", value.ndim, ("value", value.shape), complex=value.dtype.kind == "c")
    if isinstance(value, np.ndarray):
        return Kind("array", value.ndim, ("value", value.shape)) if value.ndim else SCALAR
    if is_dask(value) and value.dtype.kind in "fiubc":
        # a Dask array computes as a NumPy array of its shape would
        flag = value.dtype.kind == "c"
        return Kind("array", value.ndim, ("value", value.shape), complex=flag) \
            if value.ndim else complex_if(SCALAR, flag)
    return OTHER


def of_arguments(values, differentiated, names, where=(None, None)):
    """Kinds of call arguments, the cache key of a specialised derivative.

    An array's shape token names each axis length by a symbol, the same for equal lengths
    across all arguments, and 1 for a length 1 (which broadcasts): so the derivative is
    generated once per pattern of equal lengths, not once per shape, and knows for
    instance that `x[t] @ W + h @ U + b` has the shape of `b` when the lengths agree.
    Arguments differentiated with respect to must be real or complex numbers or arrays;
    anything else is an `ArgumentError`, as is a `np.matrix` or masked array anywhere
    (`where`: the file and line of the function, for the message).
    """
    kinds = []
    sizes = {1: 1}
    for position, value in enumerate(values):
        check_plain(value, names[position], where)
        if position in differentiated:
            check_differentiable(value, names[position], where)
        if type(value) is float:
            kinds.append(SCALAR)
        elif (isinstance(value, np.ndarray) and foreign(value) is None
              or is_dask(value) and value.dtype.kind in "fiubc") and value.ndim:
            token = dims(sizes.setdefault(n, ("d", len(sizes))) for n in value.shape)
            kinds.append(Kind("array", value.ndim, token, complex=value.dtype.kind == "c"))
        else:
            kind = of_value(value)
            if position in differentiated and kind is INT:
                kind = SCALAR
            kinds.append(kind)
    return tuple(kinds)


def check_differentiable(value, name, where=(None, None)):
    if type(value) is float:
        return
    check_plain(value, name, where)
    if isinstance(value, np.ndarray) or is_dask(value):
        if np.issubdtype(value.dtype, np.inexact):
            return
        problem = f"an array of dtype {value.dtype}"
        advice = "pass a float array, e.g. `x.astype(float)`."
    elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Complex):
        problem = f"a {type(value).__name__} ({shown(value)})" \
            if repr_or_none(value) is not None else shown(value)
        advice = "pass a float or a float NumPy array."
    else:
        return
    raise ArgumentError(
        f"argument '{name}' is differentiated, but it is {problem}; {advice}", *where)


_ADVICE = {"a `np.matrix`": "its `*` is a matrix product, which s2sad would differentiate "
           "as an elementwise one: pass `np.asarray(x)` and write `@` for matrix products.",
           "a masked array": "s2sad would ignore its mask: pass `x.filled(value)` or "
           "`x.compressed()`, or mask with `np.where`."}


def check_plain(value, name, where=(None, None)):
    """Refuse, in any position, an array whose arithmetic s2sad does not model, and a Dask
    array of unknown shape: `where` is the (file, line) of the function it is passed to."""
    if is_dask(value) and any(n != n for n in value.shape):
        raise ArgumentError(
            f"argument '{name}' is a Dask array of unknown shape {value.shape}: the "
            "derivative is generated for known axis lengths; call "
            "`x.compute_chunk_sizes()` first.", *where)
    alien = foreign(value)
    if alien is None:
        return
    raise ArgumentError(
        f"argument '{name}' is {alien.what}, which s2sad does not differentiate through: "
        + _ADVICE.get(alien.what, "pass `np.asarray(x)`, a plain NumPy array."), *where)


def from_annotation(annotation):
    """Kinds for `source()` without example arguments: `float`, `int`, `np.ndarray`."""
    if annotation in (float, "float"):
        return SCALAR
    if annotation in (int, "int"):
        return INT
    if annotation is np.ndarray or annotation in ("np.ndarray", "numpy.ndarray"):
        return array()
    return UNKNOWN


def same_shape(a, b):
    """Whether values of kinds `a` and `b` are known to have the same shape."""
    if a.is_scalar and b.is_scalar:
        return True
    return a.tag == b.tag == "array" and (a.ndim, a.shape) == (b.ndim, b.shape) and \
        not _is_mutable(a.shape)


def broadcast(kinds):
    """The kind of an elementwise result of operands of these kinds."""
    alien = next((kind for kind in kinds if kind.tag == "foreign"), None)
    if alien is not None:
        return alien
    flag = any(kind.complex for kind in kinds)
    arrays = [kind for kind in kinds if kind.tag not in ("scalar", "int")]
    if not arrays:
        return complex_if(SCALAR, flag)
    if any(kind.tag != "array" for kind in arrays):
        return UNKNOWN
    ndims = {kind.ndim for kind in arrays}
    ndim = None if None in ndims else max(ndims)
    shapes = {kind.shape for kind in arrays}
    if len(shapes) == 1:
        return Kind("array", ndim, shapes.pop(), complex=flag)
    return complex_if(array(ndim, _broadcast_lengths([lengths(kind) for kind in arrays])), flag)


def _broadcast_lengths(all_lengths):
    """The token of the broadcast of shapes whose lengths are all known and agree (each
    axis: one symbol, or 1), else None (a fresh token)."""
    if any(each is None for each in all_lengths):
        return None
    rank = max(len(each) for each in all_lengths)
    out = []
    for axis in range(rank):
        seen = {each[axis - rank + len(each)] for each in all_lengths
                if axis - rank + len(each) >= 0} - {1}
        if len(seen) > 1:
            return None
        out.append(seen.pop() if seen else 1)
    return dims(out)


def _is_mutable(shape):
    return isinstance(shape, tuple) and shape[:1] == ("mutable",)


def settled(kinds):
    """`kinds` with fresh shape tokens blanked: what must stop changing at a fixed point."""
    return {name: _settled(kind) for name, kind in kinds.items()}


def _settled(kind):
    if kind is None:
        return None
    return (kind.tag, kind.ndim, None if isinstance(kind.shape, tuple)
            and kind.shape[:1] == ("fresh",) else kind.shape, _settled(kind.item), kind.complex)


def join(a, b, name):
    """The kind of a variable that holds values of kinds `a` and `b` at different times."""
    if a == b:
        return a
    if a.complex or b.complex:
        joined = join(complex_if(a, False), complex_if(b, False), name)
        return complex_if(joined, True)
    if a.tag == b.tag == "list":
        if a.item is None or b.item is None:
            return a if b.item is None else b
        return list_of(join(a.item, b.item, name))
    if {a.tag, b.tag} == {"int", "scalar"}:
        return SCALAR
    if a.tag == b.tag == "array" and a.ndim == b.ndim:
        return Kind("array", a.ndim, ("mutable", name))
    if a.tag == b.tag == "array":
        return Kind("array", None, ("mutable", name))
    return UNKNOWN


def canonical(kinds):
    """The same kinds with shape tokens renumbered by first appearance (a cache key)."""
    tokens, symbols = {}, {1: 1}
    out = []
    for kind in kinds:
        if kind.tag == "array" and lengths(kind) is not None:
            kind = Kind("array", kind.ndim, dims(
                symbols.setdefault(n, ("d", len(symbols))) for n in lengths(kind)),
                complex=kind.complex)
        elif kind.tag == "array":
            kind = Kind("array", kind.ndim, tokens.setdefault(kind.shape, ("arg", len(tokens))),
                        complex=kind.complex)
        out.append(kind)
    return tuple(out)
