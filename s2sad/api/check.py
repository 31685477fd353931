"""`check_grads`: validate generated derivatives at a point, as Tapenade's validation mode
does.

Two independent checks, so a failure says which half is wrong:
- the tangent against divided differences: central differences along a random direction,
  refined by Richardson extrapolation (Ridders' tableau), which cancels the h**2, h**4, ...
  error terms and so is accurate to many more digits than one central difference; its
  own error estimate tells a wrong derivative from a function that is not smooth here;
- the adjoint against the tangent by the dot-product test <J t, g> = <t, J^T g>, which
  needs no step at all and so holds to round-off.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Error, UsageError, shown
from ..frontend import read
from ..ir import kinds as K
from ..ir import trees
from . import lazy
from .binding import positions
from .public import jvp, vjp
from .ravel import ravel

MODES = ("forward", "reverse")
_SHRINK = 1.4      # step ratio between rows of the tableau
_ROWS = 10
_FIRST_STEPS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)  # relative to each input element's scale


class CheckError(Error):
    """A derivative disagrees with divided differences or with the other mode."""


@dataclass(frozen=True)
class Check:
    """One comparison `check_grads` made: `error` is relative to the derivative's size."""
    argument: str
    what: str
    error: float
    tolerance: float

    def __str__(self):
        return (f"{self.argument}: {self.what}: relative error {self.error:.1e} "
                f"(tolerance {self.tolerance:.0e})")


def check_grads(f: Callable[..., Any], args: tuple[Any, ...] | list[Any],
                wrt: int | str | tuple[int | str, ...] = 0,
                modes: str | Iterable[str] = MODES, *, rtol: float = 1e-6,
                dot_rtol: float = 1e-9, seed: int = 0) -> list[Check]:
    """Check `f`'s generated derivatives at `args` (a tuple of arguments).

    For each argument in `wrt` (a position, a parameter name, or a tuple of them), along
    a random direction: the forward-mode tangent must match divided differences to
    `rtol`, and the reverse-mode adjoint must match the tangent by the dot-product test to
    `dot_rtol` (with only `"reverse"` in `modes`, the adjoint is compared with divided
    differences instead). `f` may return a number or an array.

    Returns the comparisons made, a list of `Check`; raises `CheckError` naming the
    argument and the size of the discrepancy at the first one that fails.
    """
    if not callable(f):
        raise UsageError(f"check_grads needs a function, not {shown(f)}.")
    if not isinstance(args, (tuple, list)):
        raise UsageError("check_grads takes the arguments as a tuple: "
                         "check_grads(f, (x,)) or check_grads(f, (x, y), wrt=1).")
    if lazy.any_dask(args):
        lazy.refuse("check_grads", "central differences, which compute the function many "
                    "times in memory")
    given = modes
    try:
        modes = (modes,) if isinstance(modes, str) else tuple(modes)
    except TypeError:
        modes = (modes,)
    if not modes or any(not isinstance(m, str) or m not in MODES for m in modes):
        raise UsageError(f"modes={shown(given)}: give one or both of 'forward' and "
                         "'reverse'.")
    fn, bound_to = read.bound(f)
    fn = read.target(fn)
    skip = bound_to is not read.NOTHING
    names = list(read.signature(fn).parameters)
    args = ((bound_to,) if skip else ()) + tuple(args)
    rng = np.random.default_rng(seed)
    checks = []
    for position in positions(fn, wrt, skip):
        if position >= len(args):
            raise UsageError(f"wrt names '{names[position]}' (argument {position - skip}), "
                             f"but args holds {len(args) - skip} value(s): pass it in args.")
        if not trees.is_container(args[position]):
            K.check_differentiable(args[position], names[position],
                                   (fn.__code__.co_filename, fn.__code__.co_firstlineno))
        if K.is_complex(args[position]):
            raise UsageError(f"check_grads checks real arguments, and '{names[position]}' is "
                             "complex: check a function of its real and imaginary parts, "
                             "`lambda x, y: f(x + 1j * y)`.")
        point = _in_double(args, position)
        label = f"'{names[position]}' (" + (f"argument {position - skip})" if position >= skip
                                            else "the object the method is bound to)")
        checks += _check_one(fn, point, position, label, modes, rtol, dot_rtol, rng)
    return checks


def _in_double(args, position):
    """The arguments with the checked one in double precision: divided differences in
    float32 would have only about three correct digits to compare with."""
    x = args[position]
    if trees.is_container(x):
        return args   # its float leaves are checked in their own precision
    x = np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else float(x)
    return (*args[:position], x, *args[position + 1:])


def _flat(value):
    """`value` (a number, an array or a structure of them) as one float64 vector, the
    space the checks compare in."""
    if trees.is_container(value):
        return np.asarray(ravel(value)[0], dtype=np.float64)
    return np.asarray(value, dtype=np.float64)


def _check_one(fn, args, position, label, modes, rtol, dot_rtol, rng):
    """A structured argument or result is checked in the space of its float leaves
    (`s2sad.ravel`): a direction there is a structure of tangents."""
    result = fn(*args)
    if K.is_complex(result):
        raise UsageError("check_grads checks functions with real results, and this one is "
                         "complex: check its real and imaginary parts (`np.real(f(x))`).")
    value = _flat(result)
    x = args[position]
    if trees.is_container(x):
        vector, unravel = ravel(x)
        step = _direction(vector.astype(np.float64), rng)
        direction, flat_direction = unravel(step), step
    else:
        direction = _direction(x, rng)
        flat_direction = direction
    numeric, uncertainty = directional_derivative(fn, args, position, direction)
    cotangent = rng.standard_normal(value.shape)
    cotangent = cotangent if value.shape else float(cotangent)
    if trees.is_container(result):
        cotangent = ravel(result)[1](cotangent)
    checks = []
    if "forward" in modes:
        _, tangent = jvp(fn, wrt=position)(*args, direction)
        tangent = _flat(tangent)
        checks.append(_compare(fn, label, "tangent vs divided differences", tangent,
                               numeric, uncertainty, rtol))
        cotangent_flat = _flat(cotangent)
    if "reverse" in modes:
        _, adjoint = vjp(fn, wrt=position)(*args, cotangent)
        terms = _flat(adjoint) * flat_direction
        cotangent = _flat(cotangent)
        right = float(np.sum(terms))
        if "forward" in modes:
            products = tangent * cotangent_flat
            size = float(np.sum(np.abs(products)) + np.sum(np.abs(terms)))
            checks.append(_compare(fn, label, "adjoint vs tangent (dot-product test)",
                                   right, float(np.sum(products)), 0.0, dot_rtol, size))
        else:
            spread = uncertainty * float(np.sum(np.abs(cotangent)))
            checks.append(_compare(fn, label, "adjoint vs divided differences",
                                   right, float(np.sum(numeric * cotangent)), spread, rtol))
    return checks


def _direction(x, rng):
    """A random direction scaled to the input: each element moves in proportion to its
    own size, or to 1 when smaller than 1, so one step suits inputs of any magnitude."""
    scale = np.maximum(np.abs(x), 1.0)
    sign = rng.choice((-1.0, 1.0), size=np.shape(x))
    step = sign * rng.uniform(0.5, 1.0, size=np.shape(x)) * scale
    return step if isinstance(x, np.ndarray) else float(step)


def directional_derivative(fn, args, position, direction):
    """d/dh fn(..., x + h*direction, ...) at h = 0 and an estimate of its error, by
    Ridders' extrapolation of central differences from a first step down by factors of
    1.4. The first step starts at 1e-2 and shrinks while the function is undefined or
    not finite there (`log(x)` near 0)."""
    for first in _FIRST_STEPS:
        try:
            return _ridders(fn, args, position, direction, first)
        except _Outside:
            continue
    raise CheckError(f"check_grads: {fn.__name__} is undefined or not finite within "
                     f"{_FIRST_STEPS[-1]:.0e} of the point along the direction checked, so "
                     "divided differences cannot check its derivative there; check it at "
                     "a point inside its domain.", *_where(fn))


class _Outside(Exception):
    """The function is undefined or not finite at a point the differences need."""


def _ridders(fn, args, position, direction, h):
    def central(h):
        return (_evaluate(fn, args, position, direction, h)
                - _evaluate(fn, args, position, direction, -h)) / (2 * h)

    tableau = [[central(h)]]
    best, error = tableau[0][0], np.inf
    for _ in range(_ROWS - 1):
        h /= _SHRINK
        row = [central(h)]
        factor = _SHRINK ** 2
        for previous in tableau[-1]:
            row.append((row[-1] * factor - previous) / (factor - 1))
            factor *= _SHRINK ** 2
            estimate = max(_largest(row[-1] - row[-2]), _largest(row[-1] - previous))
            if estimate <= error:
                best, error = row[-1], estimate
        if _largest(row[-1] - tableau[-1][-1]) >= 2 * error:
            break
        tableau.append(row)
    return best, error


def _largest(difference):
    return float(np.max(np.abs(difference), initial=0.0))


def _evaluate(fn, args, position, direction, h):
    moved = list(args)
    if trees.is_container(args[position]):
        vector, unravel = ravel(args[position])
        moved[position] = unravel(vector + h * ravel(direction)[0])
    else:
        moved[position] = args[position] + h * direction
        if not isinstance(args[position], np.ndarray):
            moved[position] = float(moved[position])
    try:
        with np.errstate(all="ignore"):
            value = _flat(fn(*moved))
    except (ArithmeticError, ValueError) as exc:
        raise _Outside from exc
    if not np.all(np.isfinite(value)):
        raise _Outside
    return value


def _compare(fn, label, what, ours, reference, uncertainty, rtol, size=None):
    """`ours` against `reference`, relative to `size` (by default the larger of the two);
    `uncertainty` is how far the reference itself may be off."""
    difference = _largest(ours - reference)
    if size is None:
        size = max(_largest(reference), _largest(ours))
    relative = difference / size if size > 0 else difference
    if relative > rtol:
        mine, theirs = what.split(" vs ")
        name = fn.__name__
        if difference <= uncertainty:
            why = (f" Divided differences did not settle here (they are uncertain by "
                   f"{uncertainty:.1e}): {name} is probably not smooth at this point; "
                   "check at another point.")
        else:
            why = (f" Possible causes: {name} is not smooth within a relative step of "
                   f"{_FIRST_STEPS[0]:.0e} of this point (abs, max or min, a branch or a loop "
                   "count that changes nearby), then check at another point; or it calls a "
                   "function with a rule of your own that is wrong, which s2sad.check_rule "
                   "finds; otherwise it is a bug in s2sad: please report it with the output "
                   f"of s2sad.source({name}, ...).")
        raise CheckError(
            f"check_grads: the {mine} of {name} with respect to {label} is off by "
            f"{difference:.3g} from the {theirs} (relative {relative:.1e}, tolerance "
            f"{rtol:.0e}).{why}", *_where(fn))
    return Check(label, what, relative, rtol)


def _where(fn):
    code = getattr(fn, "__code__", None)
    return (code.co_filename, code.co_firstlineno) if code else (None, None)
