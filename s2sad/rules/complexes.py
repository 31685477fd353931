"""Complex numbers: the rules that are not holomorphic, and which rules take complex values.

The adjoint of a complex variable z = x + iy is z_bar = df/dx - i df/dy (autograd's
convention; JAX's agrees for real-valued functions). With it a holomorphic function
w = h(z) has the adjoint rule of the reals, z_bar += w_bar * h'(z), and the tangent
h'(z) * z_dot: so the rows of elementwise.py, matmul and the linear maps (sums, reshapes,
indexing, joins) are exact for complex operands as they are written, with no conjugate.
They are declared so at the end of this module (`COMPLEX`), with the rules that hold for
complex operands for other reasons: the products of np.prod and np.cumprod, the extrema
(NumPy orders complex values, and the element picked gets the derivative), and the real
functions that take the conjugate where a complex operand needs it (np.var and np.std in
variance.py, np.linalg.norm in norms.py); SciPy's holomorphic rows are declared in
special.py. Any other rule that meets a complex value depending on the input is refused
(analysis/soundness.py).

The functions that are not holomorphic get rules of their own, which serve real operands
as before:

    conj(z)   z_bar += conj(w_bar)             w_dot = conj(z_dot)
    real(z)   z_bar += w_bar                   w_dot = real(z_dot)
    imag(z)   z_bar += -1j * w_bar             w_dot = imag(z_dot)
    abs(z)    z_bar += w_bar * conj(z) / |z|   w_dot = real(conj(z) z_dot) / |z|
    angle(z)  z_bar += -1j w_bar conj(z)/|z|²  w_dot = imag(conj(z) z_dot) / |z|²

At z = 0, where |z| and angle(z) have no derivative, both give 0 (for |z|, 0 is in its
subdifferential, the unit disk). A contribution to a real variable from an operation on
complex values is its real part (emit/accumulator.py, `matched`).
"""
import builtins
import operator
from dataclasses import dataclass

import numpy as np

from .. import ir, runtime
from ..errors import UnsupportedError
from ..ir import kinds as K
from .base import COMPLEX, Add, Custom, lookup, register
from .elementwise import Checked


def _complex(site):
    return site.kinds[0].complex


def _numbers(site):
    """Whether the code works on numbers (not arrays), where a guard is a conditional."""
    return site.out_kind.is_scalar and not site.vector


def _guarded(site, numerator, denominator):
    """`numerator / denominator`, 0 where z is 0 (the policy at the origin)."""
    if _numbers(site):
        return site.fill("(n) / (s) if a else 0.0", n=numerator, s=denominator)
    return site.fill("safe_divide(n, s)", n=numerator, s=denominator)


@dataclass(frozen=True)
class RealValued(Custom):
    """A rule whose result is real whatever its operand (`np.real`, `np.angle`)."""

    def complex_result(self, arg_kinds):
        return False


def _same_kind(arg_kinds, consts):
    if len(arg_kinds) != 1:
        raise UnsupportedError("this function is differentiated with one argument (for "
                               "`np.angle`, in radians: no `deg`); pass the value alone.")
    return K.broadcast(arg_kinds)


def _real_adjoint(site):
    if _complex(site) and not site.kinds[0].is_scalar:
        return {0: Add(site.fill("g + 0j"))}  # so that the adjoint array is complex
    return {0: Add(site.g)}


def _real_tangent(site):
    return site.fill("d.real", d=site.dots[0]) if _complex(site) else site.dots[0]


def _imag_adjoint(site):
    return {0: Add(site.fill("-1j * g"))} if _complex(site) else {}


def _imag_tangent(site):
    return site.fill("d.imag", d=site.dots[0]) if _complex(site) else None


def _conj_adjoint(site):
    return {0: Add(site.fill("np.conj(g)") if _complex(site) else site.g)}


def _conj_tangent(site):
    return site.fill("np.conj(d)", d=site.dots[0]) if _complex(site) else site.dots[0]


def _angle_adjoint(site):
    if not _complex(site):
        return {}  # 0 or pi: piecewise constant on the reals
    return {0: Add(_guarded(site, site.fill("-1j * g * np.conj(a)"),
                            site.fill("a.real ** 2 + a.imag ** 2")))}


def _angle_tangent(site):
    if not _complex(site):
        return None
    return _guarded(site, site.fill("(np.conj(a) * d).imag", d=site.aligned(0)),
                    site.fill("a.real ** 2 + a.imag ** 2"))


REAL = "of a complex z, z_bar += w_bar (the identity on real input)"
register(RealValued("np.real", _same_kind, _real_adjoint, _real_tangent, names=("val",),
                    doc=REAL), np.real)
register(RealValued(".real", _same_kind, _real_adjoint, _real_tangent, doc=REAL),
         ir.Attr("real"))
IMAG = "of a complex z, z_bar += -1j * w_bar; zero on real input"
register(RealValued("np.imag", _same_kind, _imag_adjoint, _imag_tangent, names=("val",),
                    doc=IMAG), np.imag)
register(RealValued(".imag", _same_kind, _imag_adjoint, _imag_tangent, doc=IMAG),
         ir.Attr("imag"))
CONJ = "z_bar += conj(w_bar) (the identity on real input)"
register(Custom("np.conjugate", _same_kind, _conj_adjoint, _conj_tangent, names=("x",),
                doc=CONJ), np.conjugate)
register(Custom(".conjugate()", _same_kind, _conj_adjoint, _conj_tangent, doc=CONJ),
         ir.Method("conjugate"), ir.Method("conj"))
register(RealValued("np.angle", _same_kind, _angle_adjoint, _angle_tangent, names=("z",),
                    doc="of a complex z, z_bar += -1j w_bar conj(z) / |z|², 0 at z = 0; "
                        "piecewise constant on real input; `deg=` is refused"), np.angle)


class Modulus(Checked):
    """`abs(z)`, `np.abs(z)`: the row of elementwise.py for real operands, |z|'s own
    adjoint and tangent for complex ones."""

    def complex_result(self, arg_kinds):
        return False

    def adjoint(self, site):
        if not _complex(site):
            return super().adjoint(site)
        return {0: Add(_guarded(site, site.fill("g * np.conj(a)"), site.fill("np.abs(a)")))}

    def tangent(self, site):
        if not _complex(site):
            return super().tangent(site)
        return _guarded(site, site.fill("(np.conj(a) * d).real", d=site.aligned(0)),
                        site.fill("np.abs(a)"))


for _prim in (builtins.abs, np.absolute):
    _row = lookup(_prim)
    register(Modulus(_row.name, _row.partials, _row.lib,
                     _row.doc + "; of a complex z, z_bar += w_bar * conj(z) / |z|, 0 at "
                     "z = 0"), _prim)


@dataclass(frozen=True)
class Complex(Custom):
    """`complex(a, b)` = a + 1j * b of real numbers: holomorphic in each argument (the
    adjoint of each, a real number, takes the real part of its contribution)."""

    def complex_result(self, arg_kinds):
        return True


def _complex_kind(arg_kinds, consts):
    if not 1 <= len(arg_kinds) <= 2 or any(not k.is_scalar or k.complex for k in arg_kinds):
        raise UnsupportedError("`complex(a, b)` is differentiated for real numbers a and b; "
                               "for arrays write `a + 1j * b`.")
    return K.SCALAR


def _complex_tangent(site):
    dots = site.dots + [None] * (2 - len(site.dots))
    if dots[1] is None:
        return dots[0]
    imaginary = site.fill("1j * d", d=dots[1])
    return imaginary if dots[0] is None else site.fill("d + i", d=dots[0], i=imaginary)


def _complex_adjoint(site):
    parts = {0: Add(site.g), 1: Add(site.fill("1j * g"))}
    return {position: parts[position] for position in range(len(site.args))}


register(Complex("complex", _complex_kind, _complex_adjoint, _complex_tangent,
                 positions=(0, 1), doc="a + 1j * b of real numbers"), builtins.complex)


# the rules exact for complex operands as they are written: holomorphic elementwise
# functions, products without a conjugate, linear maps, storage
_NUMPY = ("add", "subtract", "multiply", "divide", "true_divide", "negative", "positive", "power",
          "float_power", "square", "reciprocal", "sqrt", "exp", "exp2", "expm1", "log", "log1p",
          "log2", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos",
          "arctan", "arcsinh", "arccosh", "arctanh", "sinc", "sum", "mean", "cumsum", "prod",
          "cumprod", "max", "amax", "min", "amin", "ptp", "argmax", "argmin", "var", "std",
          "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
          "broadcast_to", "flip", "fliplr", "flipud", "concatenate", "stack", "vstack", "hstack",
          "column_stack", "array", "asarray", "copy", "matmul", "dot", "inner", "outer",
          "tensordot", "einsum", "trace", "diag", "where", "zeros", "ones", "empty", "zeros_like",
          "ones_like", "empty_like", "shape", "ndim", "size", "real", "imag", "conjugate",
          "absolute", "angle", "kron", "cross", "roll", "rot90", "repeat", "tile", "diff",
          "diagonal", "take")
_METHODS = ("sum", "mean", "cumsum", "prod", "cumprod", "max", "min", "argmax", "argmin", "dot",
            "copy", "reshape", "ravel", "flatten", "squeeze", "transpose", "swapaxes", "conjugate",
            "conj", "var", "std")
COMPLEX.update(
    [getattr(np, each) for each in _NUMPY if hasattr(np, each)]
    + [ir.Method(each) for each in _METHODS]
    + [ir.Attr(each) for each in ("real", "imag", "T", "shape", "ndim", "size", "dtype")]
    + [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
       operator.neg, operator.pos, operator.matmul, operator.getitem, builtins.abs,
       builtins.pow, builtins.complex, builtins.len, ir.COPY, ir.LIST, ir.APPEND]
    + [np.linalg.norm, runtime.safe_divide, runtime.unbroadcast, runtime.prod_others,
       runtime.cumprod_adjoint, runtime.cumprod_tangent, runtime.first_max,
       runtime.first_min]
    + [ir.OnList(each) for each in (operator.getitem, list, operator.add, builtins.sum,
                                    np.array, np.asarray, np.stack, np.vstack, np.hstack,
                                    np.concatenate)])
COMPLEX.intersection_update(prim for prim in list(COMPLEX) if lookup(prim) is not None)
