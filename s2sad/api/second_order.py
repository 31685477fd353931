"""`hessian` and `hvp`: second derivatives, by differentiating the generated gradient.

Both are forward over reverse, as Tapenade computes them: the adjoint that `grad` runs is
Python source, so its tangent is generated like any function's (pipeline.py reads the
generated code back as it reads the user's). `hvp` runs that tangent once, in the
direction `v`, for the cost of a few gradients and without forming H; `hessian` runs it
in every direction at once (vector mode, one sweep), which is `jacobian` of `grad`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import UsageError
from . import structured
from .jacobian import jacobian
from .located import run
from .modes import JVP, Grad


def hessian(fn: Callable[..., Any] | None = None,
            wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """The Hessian of scalar-valued `fn` with respect to the argument(s) `wrt`.

    A float for a float argument; for an array `x`, an array of shape `x.shape + x.shape`;
    for a tuple `wrt`, a tuple of tuples of blocks, `H[i][j]` of shape
    `args[i].shape + args[j].shape` (JAX's layout). All directions go in one vector
    tangent sweep of the generated gradient. Usable as `@hessian`.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> hessian(f, wrt=(0, 1))(2.0, 5.0)  # doctest: +SKIP
    ((-0.25, 1.0), (1.0, -0.9589242746631385))
    """
    if fn is None:
        return lambda f: hessian(f, wrt)
    made = jacobian(Grad(fn, wrt, "grad"), wrt=wrt, mode="forward")
    made.__name__ = f"hessian_{getattr(fn, '__name__', 'f')}"
    return made


def hvp(fn: Callable[..., Any] | None = None,
        wrt: int | str | tuple[int | str, ...] = 0) -> Callable[..., Any]:
    """`g(*args, v) -> H v`, the Hessian of scalar-valued `fn` times `v`, shaped like the
    argument `wrt` (a tuple for a tuple `wrt`, with `v` a tuple too), by one tangent sweep
    of the generated gradient: a few gradients' cost, and H is never formed."""
    if fn is None:
        return lambda f: hvp(f, wrt)
    made = _HVP(Grad(fn, wrt, "grad"), wrt, "jvp")
    made.__name__ = f"hvp_{getattr(fn, '__name__', 'f')}"
    return made


class _HVP(JVP):
    """`jvp` of the gradient keeping the tangent alone: its generated code returns just
    the tangent (mode "directional"), so the statements only the gradient needs are left
    out. It is not differentiated again (`jvp(grad(f))` is)."""

    def _slow(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the direction v.")
        values = self._bind(args[:-1], kwargs)
        if structured.has_containers(values):
            return super()._slow(*args, **kwargs)[1]
        seeds = self._seeds(values, args[-1])
        derived = self._derive(values, "directional")
        return self._fn.shaped(values, run(derived.function, *values, *seeds))

    def generated(self, kinds):
        raise UsageError(f"{self.__name__} cannot be differentiated again; differentiate "
                         "s2sad.jvp(s2sad.grad(f)), which returns the gradient and H v.")
