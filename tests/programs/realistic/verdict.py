"""A realistic program through s2sad in one mode, judged against its references.

exact: the derivative matches central differences to `RTOL` and, where the dual-number
oracle runs the program, the oracle's directional derivative to `DUAL_RTOL`; refused:
s2sad raised an `s2sad.Error`; wrong: a number or structure that does not match (never
acceptable); crash: any other exception (a bug in s2sad).
"""
import re
from dataclasses import dataclass

import numpy as np

import s2sad

from . import reference

EXACT, REFUSED, WRONG, CRASH = "exact", "refused", "wrong", "crash"
MODES = ("reverse", "forward")
RTOL, ATOL = 1e-5, 1e-7
DUAL_RTOL = 1e-8


@dataclass(frozen=True)
class Verdict:
    status: str
    detail: str = ""


def run(program, mode, direction):
    """What s2sad gives: the gradient (reverse) or `(value, J . direction)` (forward)."""
    if mode == "reverse":
        return s2sad.grad(program.fn, wrt=program.wrt)(*program.args)
    return s2sad.jvp(program.fn, wrt=program.wrt)(*program.args, direction)


def judge(program, mode):
    direction = reference.tangents(program)
    try:
        got = run(program, mode, direction)
    except s2sad.Error as error:
        return Verdict(REFUSED, _first_line(error))
    except Exception as error:  # a bug in s2sad: reported, never hidden
        return Verdict(CRASH, f"{type(error).__name__}: {_first_line(error)}")
    check = _reverse if mode == "reverse" else _forward
    mismatch = _unshaped(got, mode) or check(program, got, direction)
    return Verdict(WRONG, mismatch) if mismatch else Verdict(EXACT)


def _unshaped(got, mode):
    """Why s2sad's result is not shaped like what was asked for, or '' (the references
    are computed outside: an exception there is a fault of the test, not of s2sad)."""
    if mode == "forward" and not (isinstance(got, tuple) and len(got) == 2):
        return f"jvp returned {type(got).__name__}, not (value, tangent)"
    try:
        reference.leaves(got)
    except TypeError as error:
        return f"result: {error}"
    return ""


def _first_line(error):
    """The message's first line, its location shown by file name alone."""
    lines = str(error).strip().splitlines()
    return re.sub(r"^\S*/(\S+?:\d+:)", r"\1", lines[0]) if lines else ""


def _reverse(program, got, direction):
    want = reference.gradient(program)
    mismatch = mismatched(got, want, RTOL, ATOL)
    if mismatch or not program.dual:
        return mismatch
    _, dual_tangent = reference.dual_directional(program, direction)
    return _scalar_mismatch("<gradient, direction>", reference.inner(got, direction),
                            dual_tangent, DUAL_RTOL, scale=_magnitude(got, direction))


def _forward(program, got, direction):
    value, tangent = got
    mismatch = _scalar_mismatch("value", value, float(program.fn(*program.args)), 1e-12)
    mismatch = mismatch or _scalar_mismatch("tangent", tangent,
                                            reference.directional(program, direction), RTOL)
    if mismatch or not program.dual:
        return mismatch
    _, dual_tangent = reference.dual_directional(program, direction)
    return _scalar_mismatch("tangent against the dual numbers", tangent, dual_tangent,
                            DUAL_RTOL, scale=_magnitude(reference.gradient(program), direction))


def _magnitude(grad, direction):
    """The size of the terms of <grad, direction>: rounding is relative to it, not to a
    sum that may cancel."""
    pairs = zip(reference.leaves(grad), reference.leaves(direction))
    return float(sum(np.sum(np.abs(np.asarray(g) * np.asarray(t))) for (_, g), (_, t) in pairs))


def _scalar_mismatch(what, got, want, rtol, scale=0.0):
    if np.ndim(got) != 0:
        return f"{what}: {got!r} is not a number"
    if abs(float(got) - want) <= rtol * max(abs(want), scale) + ATOL:
        return ""
    return f"{what}: {float(got)!r}, expected {want!r}"


def mismatched(got, want, rtol, atol):
    """Why two structures of leaves differ (names, shapes or numbers), or ''."""
    got_leaves = dict(reference.leaves(got))
    want_leaves = dict(reference.leaves(want))
    if list(got_leaves) != list(want_leaves):
        return f"gradient leaves {list(got_leaves)}, expected {list(want_leaves)}"
    for path, expected in want_leaves.items():
        value = got_leaves[path]
        where = "gradient" + "".join(f"[{name!r}]" for name in path)
        if np.shape(value) != np.shape(expected):
            return f"{where}: shape {np.shape(value)}, expected {np.shape(expected)}"
        if not np.allclose(value, expected, rtol=rtol, atol=atol):
            error = np.max(np.abs(np.asarray(value) - expected))
            return f"{where}: off by {error:.3g}"
    return ""
