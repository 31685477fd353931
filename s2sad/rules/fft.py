"""The discrete Fourier transforms of `np.fft`, and `fftshift`/`ifftshift`.

Every transform is linear, so its tangent is the transform of the tangent. Its adjoint is
its transpose (complex numbers: rules/complexes.py; no conjugate), and the DFT matrix is
symmetric, so the adjoint of `fft` is `fft` (same `norm=`) and that of `ifft` is `ifft`,
cut or padded back to the input's lengths where `n=` or `s=` changed them. `rfft` is
the first n // 2 + 1 rows of the DFT of a real input: its transpose is the `fft` of the
cotangent padded with zeros to length n, whose real part the real input takes. `irfft`
reads each entry of its half spectrum twice (k and n - k), but the first and (for an
even n) the last once, and only their real part; its adjoint is the conjugated `rfft` of
the cotangent (with the dual norm: "backward" <-> "forward") with those interior entries
doubled (`_irfft_adjoint`). A transform over an axis listed twice is refused, and so is
a complex input to the `rfft` family (NumPy refuses it too).
"""
from dataclasses import dataclass

import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import COMPLEX, Add, Custom, known_ranks, register

_DUAL = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


def fit_to(v, x, axes):
    """`v` cut or padded with zeros along `axes` to the lengths of `x` there: the
    transpose of the padding or cutting that `n=` or `s=` does to a transform's input."""
    for axis in axes:
        have, want = v.shape[axis], np.shape(x)[axis]
        if have > want:
            v = np.take(v, np.arange(want), axis=axis)
        elif have < want:
            pad = [(0, 0)] * v.ndim
            pad[axis] = (0, want - have)
            v = np.pad(v, pad)
    return v


def irfft_adjoint(g, axes, norm):
    """The adjoint of `irfftn(c, axes=axes, norm=norm)` given the cotangent `g` of its real
    result: conj(rfftn(g)) with the dual norm, the entries of the last axis that stand
    for two entries of the full spectrum doubled."""
    spectrum = np.conj(np.fft.rfftn(g, axes=axes, norm=_DUAL[norm]))
    n = g.shape[axes[-1]]
    weights = np.full(spectrum.shape[axes[-1]], 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * spectrum.ndim
    shape[axes[-1]] = -1
    return spectrum * weights.reshape(shape)


@dataclass(frozen=True)
class Spec:
    """A transform of `np.fft`: `several` takes `s=`/`axes=` (fft2, fftn) rather than
    `n=`/`axis=`; `family` is "fft" (complex to complex), "rfft" (real to half spectrum)
    or "irfft" (half spectrum to real); `default`: the axes when none are given (None:
    all)."""
    name: str
    several: bool
    family: str
    default: tuple


@dataclass(frozen=True)
class Transform(Custom):
    """The rule of a transform: complex results but for the `irfft` family."""
    family: str = "fft"

    def complex_result(self, arg_kinds):
        return self.family != "irfft"


def _axes(site, spec):
    """The transformed axes, negative (so that they hold in vector mode too), and the
    lengths `n=`/`s=` (None when not given)."""
    rank, = known_ranks(site, [0], spec.name)
    if spec.several:
        axes, lengths = site.consts.get("axes"), site.consts.get("s")
        if axes is None:
            axes = spec.default if spec.default is not None else tuple(
                range(-(len(lengths) if lengths is not None else rank), 0))
    else:
        axes, n = (site.consts.get("axis", -1),), site.consts.get("n")
        lengths = None if n is None else (n,)
    axes = tuple(axis - rank if axis >= 0 else axis for axis in axes)
    if len(set(axes)) != len(axes):
        raise UnsupportedError(f"`{spec.name}` over an axis listed twice has no derivative "
                               "rule; transform along each axis once.")
    return axes, lengths


def _call(site, spec, function, value, axes, lengths, norm):
    """`np.fft.<function>(value, ...)` with the keywords that differ from the defaults;
    `lengths` may hold expressions."""
    keywords = []
    if lengths is not None:
        keywords.append(("s", _tuple(lengths)) if spec.several else ("n", _node(lengths[0])))
    if spec.several:
        keywords.append(("axes", _tuple(axes)))
    elif axes != (-1,):
        keywords.append(("axis", const(axes[0])))
    if norm not in (None, "backward"):
        keywords.append(("norm", const(norm)))
    return site.fill_call(f"np.fft.{function}(v)", keywords, v=value)


def _tuple(values):
    return gast.Tuple(elts=[_node(v) for v in values], ctx=gast.Load())


def _node(value):
    return value if isinstance(value, gast.AST) else const(value)


def _check(site, spec):
    """Lengths and norm must be constants; a computed one is missing from `consts` when
    passed by position, and named in "computed" when passed by keyword."""
    names = _SEVERAL if spec.several else _ONE
    computed = sorted(site.consts.get("computed", ())) + [
        name for name in names[1:len(site.args)] if name not in site.consts]
    if computed:
        raise UnsupportedError(f"a computed `{computed[0]}=` of `{spec.name}`; pass a "
                               "constant.")
    if spec.family == "rfft" and site.kinds[0].complex:
        raise UnsupportedError(f"`{spec.name}` transforms real input; use "
                               f"`{spec.name.replace('rfft', 'fft')}` for complex values.")


def _transform_kind(spec):
    def kind_of(arg_kinds, consts):
        kind = arg_kinds[0]
        if not kind.is_array:
            raise UnsupportedError(f"`{spec.name}` of {kind} has no derivative rule; "
                                   "transform an array.")
        if spec.family == "fft" and consts.get("n", consts.get("s")) is None:
            return kind
        return K.array(kind.ndim)
    return kind_of


def _transform_adjoint(spec):
    def adjoint(site):
        _check(site, spec)
        axes, lengths = _axes(site, spec)
        norm = site.consts.get("norm")
        if spec.family == "fft":
            value = _call(site, spec, spec.name[len("np.fft."):], site.g, axes, lengths, norm)
        elif spec.family == "rfft":
            full = lengths or tuple(site.fill(f"a.shape[{axis}]") for axis in axes)
            value = _call(site, spec, "fftn" if spec.several else "fft", site.g, axes, full,
                          norm)
        else:
            value = site.helper(irfft_adjoint, site.g, _tuple(axes), const(norm))
        if lengths is not None or spec.family == "irfft":
            value = site.helper(fit_to, value, site.args[0], _tuple(axes))
        if spec.family == "irfft" and not site.kinds[0].complex:
            value = site.fill("np.real(v)", v=value)  # a real half spectrum: real part
        return {0: Add(value)}
    return adjoint


def _transform_tangent(spec):
    def tangent(site):
        _check(site, spec)
        axes, lengths = _axes(site, spec)
        return _call(site, spec, spec.name[len("np.fft."):], site.dots[0], axes, lengths,
                     site.consts.get("norm"))
    return tangent


def _shift_kind(arg_kinds, consts):
    return arg_kinds[0]


def _shift(function):
    def apply(site, value):
        axes = site.consts.get("axes")
        rank, = known_ranks(site, [0], f"np.fft.{function}")
        if axes is None:
            axes = tuple(range(-rank, 0))
        elif isinstance(axes, int):
            axes = (axes,)
        axes = tuple(axis - rank if axis >= 0 else axis for axis in axes)
        return site.fill_call(f"np.fft.{function}(v)", [("axes", _tuple(axes))], v=value)
    return apply


_SHIFT, _UNSHIFT = _shift("fftshift"), _shift("ifftshift")
register(Custom("np.fft.fftshift", _shift_kind, lambda site: {0: Add(_UNSHIFT(site, site.g))},
                lambda site: _SHIFT(site, site.dots[0]), names=("x", "axes"),
                doc="a permutation: the adjoint is ifftshift"), np.fft.fftshift)
register(Custom("np.fft.ifftshift", _shift_kind, lambda site: {0: Add(_SHIFT(site, site.g))},
                lambda site: _UNSHIFT(site, site.dots[0]), names=("x", "axes"),
                doc="a permutation: the adjoint is fftshift"), np.fft.ifftshift)

_ONE = ("a", "n", "axis", "norm")
_SEVERAL = ("a", "s", "axes", "norm")
_DOCS = {"fft": "linear: the adjoint is the same transform (the DFT matrix is symmetric), "
                "cut or padded back where n/s changed the lengths",
         "rfft": "the adjoint is the real part of the fft of the cotangent padded to n",
         "irfft": "the adjoint is the conjugated rfft of the cotangent (dual norm), "
                  "interior entries of the half spectrum doubled"}
for _name, _several, _family, _default in (
        ("fft", False, "fft", (-1,)), ("ifft", False, "fft", (-1,)),
        ("fft2", True, "fft", (-2, -1)), ("ifft2", True, "fft", (-2, -1)),
        ("fftn", True, "fft", None), ("ifftn", True, "fft", None),
        ("rfft", False, "rfft", (-1,)), ("rfft2", True, "rfft", (-2, -1)),
        ("rfftn", True, "rfft", None), ("irfft", False, "irfft", (-1,)),
        ("irfft2", True, "irfft", (-2, -1)), ("irfftn", True, "irfft", None)):
    _spec = Spec(f"np.fft.{_name}", _several, _family, _default)
    register(Transform(_spec.name, _transform_kind(_spec), _transform_adjoint(_spec),
                       _transform_tangent(_spec), names=_SEVERAL if _several else _ONE,
                       doc=_DOCS[_family] + "; n/s, axis/axes and norm= as NumPy takes them",
                       family=_family), getattr(np.fft, _name))
    COMPLEX.add(getattr(np.fft, _name))
COMPLEX.update((np.fft.fftshift, np.fft.ifftshift))
