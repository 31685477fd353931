"""Elementwise rows of SciPy's functions, whose partials may call library functions (the
partial of `scipy.special.j0` is `-j1(a)`).

A partial names such a function by a placeholder (`j1`) listed in the row's `calls`; the
generated code reads it by a name bound to the function object itself, never through the
user's module, which may not import it. `refused` lists the positions without a
derivative that are not piecewise constant (the order of a Bessel function, the shape of
an incomplete gamma function): differentiating there is an error at the call
(analysis/soundness.py), never a silent zero.
"""
from dataclasses import dataclass, replace

from .elementwise import Checked


@dataclass(frozen=True)
class Calling(Checked):
    """An elementwise row whose partials call the functions `calls` names: (placeholder,
    function) pairs."""
    calls: tuple = ()
    refused: tuple = ()

    def constant(self, position, arg_kinds):
        return position not in self.refused and super().constant(position, arg_kinds)

    def adjoint(self, site):
        return super().adjoint(self.bound(site))

    def tangent(self, site):
        return super().tangent(self.bound(site))

    def bound(self, site):
        """`site` with each placeholder of `calls` bound to its function's name."""
        handles = dict(site.handles)
        handles.update((word, site.bind(fn, word)) for word, fn in self.calls)
        return replace(site, handles=handles)
