"""The record of one realistic program: the function, the example arguments it is
differentiated at, and what is differentiated.

`constructs` names the Python a user reaches for beyond arithmetic, loops and branches
(a tuple-returning helper, a list built with append, a dict of parameters...): the table
of benchmarks/realistic.py groups the refusals by it. `dual` says whether the dual-number
oracle (tests/dual.py) can run the program; it cannot where NumPy has no object-array
version of a call (np.linalg), and the program is then checked against central
differences alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Program:
    fn: Callable[..., Any]
    args: tuple
    wrt: int | tuple[int, ...]
    constructs: tuple[str, ...] = ()
    dual: bool = True

    @property
    def name(self) -> str:
        return self.fn.__qualname__

    @property
    def positions(self) -> tuple[int, ...]:
        return self.wrt if isinstance(self.wrt, tuple) else (self.wrt,)
