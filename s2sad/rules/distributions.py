"""The norm, t, gamma and beta distributions of scipy.stats: pdf, logpdf, cdf and logcdf,
registered once the program imports scipy.stats (base.OPTIONAL).

`scipy.stats.norm.pdf` is a method of the `norm_gen` object `scipy.stats.norm`; each
access makes a new bound method, but bound methods of one object and function compare
and hash equal, so the table keyed by one finds every other. Keyword arguments (`loc=`,
`scale=`) are moved to their positions when the call is lowered (`signature`), and a
parameter left out is its default inside the partials (`norm.pdf(x)` has loc 0.0 and
scale 1.0 there, folded away).

Each row is elementwise, with partials from the standardized variable z = (x - loc) /
scale: logpdf's are those of log f(z) - log(scale), pdf's the same times `out`; cdf's in
x, loc and scale are the pdf's (times 1, -1 and -z), logcdf's the same divided by the
cdf, written `exp(logpdf - out)`, which stays finite far in the tails. The cdf of t,
gamma and beta in their shape parameters (df, a, b) has no closed form: differentiating
one is an error naming it, never a zero.
"""
from dataclasses import dataclass, replace

import scipy.stats

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import REQUIRED, register
from .special import SciPy

LOCATION = (("loc", 0.0), ("scale", 1.0))


@dataclass(frozen=True)
class Distribution(SciPy):
    """A method of a distribution: `signature` names the parameters with their defaults
    (`parameters` their names), `refused` the positions whose derivative has no closed
    form."""
    signature: tuple = ()

    def differentiable(self, position):
        return position < len(self.signature)

    def constant(self, position, arg_kinds):
        return False

    def out_kind(self, arg_kinds, consts):
        required = sum(default is REQUIRED for _, default in self.signature)
        if not required <= len(arg_kinds) <= len(self.signature):
            raise UnsupportedError(f"`{self.name}` takes {', '.join(self.parameters)}; pass "
                                   f"at least the first {required}.")
        return K.broadcast(arg_kinds)

    def adjoint(self, site):
        return super().adjoint(self.padded(site))

    def tangent(self, site):
        return super().tangent(self.padded(site))

    def padded(self, site):
        """The site with the parameters left out as their defaults, which the partials
        read."""
        missing = self.signature[len(site.args):]
        if not missing:
            return site
        count = len(missing)
        return replace(site, args=list(site.args) + [const(d) for _, d in missing],
                       kinds=list(site.kinds) + [K.SCALAR] * count,
                       active=list(site.active) + [False] * count,
                       dots=None if site.dots is None else list(site.dots) + [None] * count)

    def partials_for(self, count):
        return self.partials


def rows(name, parameters, logpdf, refused=()):
    """Register pdf, logpdf, cdf and logcdf of `scipy.stats.<name>`. `parameters` are the
    shape parameters, `logpdf` the partials of the logpdf (x, shapes, loc, scale) as
    templates in a, b, c, ... (the fifth `arg4`)."""
    signature = (("x", REQUIRED),) + tuple((p, REQUIRED) for p in parameters) + LOCATION
    letters = ["a", "b", "c", "d", "arg4"][:len(signature)]
    x, loc, scale = letters[0], letters[-2], letters[-1]
    arguments = ", ".join(letters)
    distribution = getattr(scipy.stats, name)
    pdf = f"stats.{name}.pdf({arguments})"
    ratio = f"lib.exp(stats.{name}.logpdf({arguments}) - out)"
    shapes = [None] * len(parameters)
    methods = {
        "logpdf": logpdf,
        "pdf": tuple(f"out * ({p})" for p in logpdf),
        "cdf": (pdf,) + tuple(shapes) + (f"-{pdf}", f"({loc} - {x}) / {scale} * {pdf}"),
        "logcdf": (ratio,) + tuple(shapes) + (f"-{ratio}",
                                               f"({loc} - {x}) / {scale} * {ratio}"),
    }
    for method, partials in methods.items():
        no_closed_form = refused if method in ("cdf", "logcdf") else ()
        doc = DOCS[name] + (f"; the derivative in {', '.join(parameters)} is refused (no "
                            "closed form)" if no_closed_form else "")
        register(Distribution(f"scipy.stats.{name}.{method}", partials, doc=doc,
                              signature=signature, refused=no_closed_form,
                              parameters=tuple(p for p, _ in signature)),
                 getattr(distribution, method))


DOCS = {
    "norm": "scale > 0",
    "t": "df > 0, scale > 0",
    "gamma": "inside the support x > loc (a, scale > 0); outside it, and at x == loc, the "
             "partials are NaN or infinite",
    "beta": "inside the support loc < x < loc + scale (a, b, scale > 0); outside it the "
            "partials are NaN or infinite",
}

rows("norm", (), ("-(a - b) / (c * c)", "(a - b) / (c * c)",
                  "((a - b) * (a - b) / (c * c) - 1) / c"))

_T_SPREAD = "(b * d * d + (a - c) * (a - c))"
rows("t", ("df",), (
    f"-(b + 1) * (a - c) / {_T_SPREAD}",
    "0.5 * (special.digamma(0.5 * (b + 1)) - special.digamma(0.5 * b) - 1 / b"
    " - lib.log1p((a - c) * (a - c) / (b * d * d))"
    f" + (b + 1) * (a - c) * (a - c) / (b * {_T_SPREAD}))",
    f"(b + 1) * (a - c) / {_T_SPREAD}",
    f"((b + 1) * (a - c) * (a - c) / {_T_SPREAD} - 1) / d"), refused=(1,))

rows("gamma", ("a",), (
    "(b - 1) / (a - c) - 1 / d",
    "lib.log((a - c) / d) - special.digamma(b)",
    "1 / d - (b - 1) / (a - c)",
    "((a - c) / d - b) / d"), refused=(1,))

rows("beta", ("a", "b"), (
    "(b - 1) / (a - d) - (c - 1) / (arg4 - a + d)",
    "lib.log((a - d) / arg4) - special.digamma(b) + special.digamma(b + c)",
    "lib.log1p(-(a - d) / arg4) - special.digamma(c) + special.digamma(b + c)",
    "(c - 1) / (arg4 - a + d) - (b - 1) / (a - d)",
    "((c - 1) * (a - d) / (arg4 - a + d) - b) / arg4"), refused=(1, 2))
