"""np.linalg.matrix_power(a, n): an integer power of a square matrix (a stack of them),
differentiable in `a`; `n` is an integer, piecewise constant. Its derivatives are sums of
products of powers of `a` (of `inv(a)` for a negative `n`), computed at run time by
`runtime_matrices.matrix_power_tangent` and `matrix_power_adjoint` (n matrix products).
"""
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..runtime_matrices import matrix_power_adjoint, matrix_power_tangent
from .base import Add, Custom, register


def _power_kind(arg_kinds, consts):
    a = arg_kinds[0]
    if len(arg_kinds) != 2:
        raise UnsupportedError("np.linalg.matrix_power takes a matrix and an integer power.")
    if a.is_scalar or (a.is_array and a.ndim is not None and a.ndim < 2):
        raise UnsupportedError("np.linalg.matrix_power of a number or a vector: it takes a "
                               "square matrix (or a stack of them); use `x ** n` for numbers.")
    if not (arg_kinds[1] == K.INT or type(consts.get("n")) is int):
        raise UnsupportedError("the power of np.linalg.matrix_power must be an int.")
    return a if a.is_array else K.UNKNOWN


def _power_adjoint(site):
    return {0: Add(site.helper(matrix_power_adjoint, site.g, *site.args[:2]))}


def _power_tangent(site):
    return site.helper(matrix_power_tangent, site.args[0], site.dots[0], site.args[1])


register(Custom("np.linalg.matrix_power", _power_kind, _power_adjoint, _power_tangent,
                names=("a", "n"), constants=(1,),
                doc="the sum over k of `a^k @ da @ a^(n-1-k)` (of `inv(a)`'s powers for a "
                    "negative `n`); `n` an int, computed or constant; stacks of matrices"),
         np.linalg.matrix_power)
