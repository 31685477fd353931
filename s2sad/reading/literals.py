"""Values written as Python source: the module-level constants and closure values an
exported derivative reads (`SCALE = 2.5`, `W = np.array([1.0, 2.0])`).

A value is written only when the text evaluates to an equal value of the same type
(floats by `repr`, which round-trips; arrays with their dtype and shape), so the exported
module computes what the derivative computed. Anything else (an object, a large array)
has no literal: `literal` returns None and the caller refuses it with its name.

>>> literal((1, 2.5, None), "np")
'(1, 2.5, None)'
>>> literal(np.array([[1.0, 2.0], [3.0, 4.0]]), "np")
'np.array([[1.0, 2.0], [3.0, 4.0]])'
"""
import math

import numpy as np

# the most elements an array written as a literal may have: beyond, it is data, not code
LARGEST = 10_000
_WIDTH = 92


def literal(value, numpy, depth=0, start=0):
    """The source of `value` (`numpy`: the name NumPy is imported under), or None;
    `start`: the column it begins at, for a long array's continuation lines."""
    if depth > 20:
        return None
    if value is None or value is Ellipsis or isinstance(value, (bool, str, bytes)):
        return repr(value)
    if type(value) is int:
        return repr(value)
    if type(value) is float:
        return _float(value)
    if type(value) is complex:
        return _complex(value)
    if isinstance(value, np.generic):
        return _scalar(value, numpy)
    if isinstance(value, np.ndarray):
        return _array(value, numpy, start)
    if isinstance(value, np.dtype) and value.kind in "biufc":
        return f"{numpy}.dtype({value.name!r})"
    if type(value) in (tuple, list):
        return _sequence(value, numpy, depth, start)
    if type(value) is dict:
        return _dict(value, numpy, depth)
    if type(value) is slice:
        parts = [literal(p, numpy, depth + 1) for p in (value.start, value.stop, value.step)]
        return None if None in parts else f"slice({', '.join(parts)})"
    return None


def _float(value):
    if math.isfinite(value):
        return repr(value)
    return f'float("{value}")'


def _complex(value):
    if math.isfinite(value.real) and math.isfinite(value.imag):
        return repr(value)
    return f"complex({_float(value.real)}, {_float(value.imag)})"


def _scalar(value, numpy):
    if value.dtype.kind not in "biufc":
        return None
    return f"{numpy}.{value.dtype.name}({literal(value.item(), numpy)})"


def _array(value, numpy, start):
    if value.dtype.kind not in "biufc" or value.size > LARGEST or \
            type(value) is not np.ndarray:
        return None
    dtype = "" if value.dtype == np.float64 else f", dtype={numpy}.{value.dtype.name}"
    if value.size == 0:
        return f"{numpy}.zeros({value.shape!r}{dtype})"
    items = _nested(value.tolist(), start + len(numpy) + len(".array("))
    return f"{numpy}.array({items}{dtype})"


def _nested(items, column):
    """A nested list of numbers (`column`: where it starts), on one line when it fits,
    else one row a line, or for a vector as many numbers a line as fit."""
    if not isinstance(items, list):
        return literal(items, "np")
    parts = [_nested(item, column + 1) for item in items]
    if isinstance(items[0], list) and any("\n" in part for part in parts) or \
            column + len(", ".join(parts)) + 2 > _WIDTH and isinstance(items[0], list):
        return "[" + (",\n" + " " * (column + 1)).join(parts) + "]"
    return _filled(parts, column, "[", "]")


def _filled(parts, column, opening, closing):
    """`parts` between brackets, on one line when it fits, else as many a line as fit."""
    lines = [[]]
    for part in parts:
        if lines[-1] and column + 1 + len(", ".join(lines[-1] + [part])) + 1 > _WIDTH:
            lines.append([])
        lines[-1].append(part)
    joint = ",\n" + " " * (column + 1)
    return opening + joint.join(", ".join(line) for line in lines) + closing


def _sequence(value, numpy, depth, start):
    parts = [literal(item, numpy, depth + 1) for item in value]
    if None in parts:
        return None
    if type(value) is list:
        return _filled(parts, start, "[", "]")
    return _filled(parts, start, "(", ("," if len(parts) == 1 else "") + ")")


def _dict(value, numpy, depth):
    parts = []
    for key, item in value.items():
        pair = literal(key, numpy, depth + 1), literal(item, numpy, depth + 1)
        if None in pair:
            return None
        parts.append(f"{pair[0]}: {pair[1]}")
    return "{" + ", ".join(parts) + "}"
