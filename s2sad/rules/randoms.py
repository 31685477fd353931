"""Random draws: `np.random.randn(3)`, `np.random.normal(0.0, 1.0, n)`, and the methods of
a generator (`rng = np.random.default_rng(0)`, then `rng.normal(size=3)`; of a
module-level generator too). The numbers drawn in a run are constants of that run's
derivative: the derivative code draws them once, where the function does, in the same
order, so a seeded function and its derivative see the same numbers.

A parameter that depends on the differentiated input (`np.random.normal(mu, 1.0)`) is
refused, never a silent zero: the derivative of a draw with respect to its parameters
depends on how it is drawn. The reparameterisation `mu + sigma * np.random.normal(0.0,
1.0)` says it, and s2sad differentiates that.
"""
import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..ir import kinds as K
from .base import NonDifferentiable, register


@dataclass(frozen=True)
class Draw(NonDifferentiable):
    """A draw: no derivative, and no argument that depends on the differentiated input.
    `names`: its parameters, then `size` (none: the dimensions themselves, as for
    `np.random.randn(2, 3)`), after the `generator` for a method."""
    names: tuple = ()
    # never reused, never drawn again by the backward sweep (frontend/lower.py)
    draws = True

    def constant(self, position, arg_kinds):
        return False

    def out_kind(self, arg_kinds, consts):
        if not self.names:
            return K.array(len(arg_kinds)) if arg_kinds else K.SCALAR
        params = self.names.index("size")
        if "size" in consts.get("computed", ()) or (len(arg_kinds) > params
                                                     and "size" not in consts):
            return K.array(None)
        size = consts.get("size")
        if size is not None:
            return K.array(1 if isinstance(size, int) else len(size))
        parameters = arg_kinds[1:] if self.names[0] == "generator" else arg_kinds
        return K.broadcast(parameters) if parameters else K.SCALAR

    def refusal(self, callee):
        return (f"`{callee}` draws random numbers with a parameter that depends on the "
                "differentiated input, and s2sad does not differentiate a draw with respect "
                "to its parameters; draw with constant parameters and shift and scale the "
                "draw (the reparameterisation): `mu + sigma * np.random.normal(0.0, 1.0)`, "
                "or `mu + sigma * rng.standard_normal(size)`")


_LOCATION = ("loc", "scale", "size")
_NONE = ("size", "dtype", "out")
# the draws of the np.random module (methods of its hidden RandomState) and the same
# methods of a generator (np.random.default_rng), with their parameters
DRAWS = {
    "rand": (), "randn": (), "random": _NONE, "random_sample": _NONE, "ranf": _NONE,
    "sample": _NONE, "standard_normal": _NONE, "standard_exponential": _NONE,
    "standard_cauchy": ("size",), "uniform": ("low", "high", "size"), "normal": _LOCATION,
    "laplace": _LOCATION, "logistic": _LOCATION, "gumbel": _LOCATION,
    "lognormal": ("mean", "sigma", "size"), "exponential": ("scale", "size"),
    "gamma": ("shape", "scale", "size"), "standard_gamma": ("shape", "size", "dtype", "out"),
    "beta": ("a", "b", "size"), "chisquare": ("df", "size"), "standard_t": ("df", "size"),
    "binomial": ("n", "p", "size"), "poisson": ("lam", "size"), "geometric": ("p", "size"),
    "randint": ("low", "high", "size", "dtype"),
    "integers": ("low", "high", "size", "dtype", "endpoint"),
}
_DOC = "random numbers: a constant of the derivative; a differentiated parameter is an error"

for _name, _names in DRAWS.items():
    _rule = Draw(f"np.random.{_name}", doc=_DOC, names=_names)
    register(_rule, getattr(np.random, _name, None))
    if hasattr(np.random.Generator, _name):
        register(dataclasses.replace(_rule, names=("generator",) + _names), ir.Method(_name))
register(NonDifferentiable("np.random.default_rng", kind=K.OTHER,
                           doc="a random generator: draw with its methods "
                               "(`rng.normal(size=3)`)"), np.random.default_rng)

