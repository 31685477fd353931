"""SciPy's special functions (scipy.special), registered once the program imports SciPy
(base.OPTIONAL): elementwise rows given by their partials, like elementwise.py's.

A partial that needs a special function of its own calls SciPy, as `special.name(...)`
in the generated code (the user already runs SciPy): the derivative of `i0` is
`special.i1(a)`, that of `digamma` the trigamma function `special.zeta(2, a)` (SciPy's
`polygamma` would return float64 for float32; `zeta` keeps float32 like the function).
Where SciPy computes in float32 the derivatives do too.

Points where a row is not differentiable are stated in its doc line: `i0e` has a kink at
0 (exp(-|x|)), taking the side of the zero's sign like `abs`; `erfinv`, `erfcinv`,
`logit` and `ndtri` have infinite derivatives at the ends of their domains, `xlogy` and
`xlog1py` are guarded like s2sad's own `xlogy` (0 in y where x is 0). The derivatives of
`iv`, `ive` and `zeta` in their order have no closed form: differentiating in it is an
error naming the parameter (`SciPy.refused`), never a zero.
"""
import ast
import importlib
from dataclasses import dataclass, replace

import scipy.special

from ..errors import UnsupportedError
from ..syntax.simplify import number
from ..syntax.template import placeholders
from .base import COMPLEX, register
from .elementwise import KINK, Checked, guarded
from .partials import Guarded, ratio, xlogy


@dataclass(frozen=True)
class SciPy(Checked):
    """An elementwise row whose partials may read the modules `special` (scipy.special)
    and `stats` (scipy.stats), bound in the generated code only where a partial calls
    them. `refused` holds the positions whose derivative has no closed form, named by
    `parameters`: differentiating one is an error naming it (never a zero)."""
    refused: tuple = ()
    parameters: tuple = ()

    def differentiable(self, position):
        return position in self.refused or super().differentiable(position)

    def constant(self, position, arg_kinds):
        return position not in self.refused and super().constant(position, arg_kinds)

    def partials_at(self, site):
        """The partials, where arrays meet numbers with each library call that reads
        numbers only made a Python float: NumPy and SciPy return a float64 NumPy scalar,
        against which a float32 array would not keep its dtype (as it does against the
        Python floats the function itself was called with)."""
        partials = super().partials_at(site)
        if all(kind.is_scalar for kind in site.kinds):
            return partials
        numbers = {_letter(i) for i, kind in enumerate(site.kinds) if kind.is_scalar}
        return tuple(weak(partial, numbers) for partial in partials)

    def adjoint(self, site):
        self.check(site.active)
        return super().adjoint(with_scipy(site, self.partials_at(site)))

    def tangent(self, site):
        self.check([dot is not None for dot in site.dots])
        return super().tangent(with_scipy(site, self.partials_at(site)))

    def check(self, differentiated):
        for position in self.refused:
            if position < len(differentiated) and differentiated[position]:
                parameter = self.parameters[position]
                raise UnsupportedError(
                    f"the derivative of `{self.name}` in `{parameter}` is not supported: it "
                    f"has no closed form; compute `{parameter}` from values that do not "
                    "depend on the differentiated input.")


def _letter(position):
    return "abcd"[position] if position < 4 else f"arg{position}"


class _Weak(ast.NodeTransformer):
    """Wraps in `float(...)` each call of `special`, `stats` or `lib` whose arguments
    read only the placeholders in `numbers` (and no `out`)."""

    def __init__(self, numbers):
        self.numbers = numbers

    def visit_Call(self, node):
        read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        called = node.func.value.id if isinstance(node.func, ast.Attribute) and \
            isinstance(node.func.value, ast.Name) else None
        operands = read - {called, "out"}
        if called in ("special", "stats", "lib") and "out" not in read and operands and \
                operands <= self.numbers:
            return ast.Call(func=ast.Name(id="float", ctx=ast.Load()), args=[node], keywords=[])
        return self.generic_visit(node)


def weak(partial, numbers):
    """`partial` (a plain template) with its library calls on the arguments in `numbers`
    only made Python floats."""
    if type(partial) is not str or not numbers:
        return partial
    return ast.unparse(_Weak(numbers).visit(ast.parse(partial, mode="eval")))


def with_scipy(site, partials):
    """`site` with handles for the SciPy modules its `partials` mention."""
    mentioned = set()
    for partial in partials:
        if isinstance(partial, Guarded):
            mentioned |= placeholders(partial.weight) | placeholders(partial.operand)
        elif partial is not None:
            mentioned |= placeholders(partial)
    modules = {"special": scipy.special}
    if "stats" in mentioned:
        modules["stats"] = importlib.import_module("scipy.stats")
    handles = {word: site.bind(module, word) for word, module in modules.items()
               if word in mentioned}
    return replace(site, handles={**site.handles, **handles}) if handles else site


class Polygamma(SciPy):
    """`polygamma(n, x)`: the order `n` is an integer (no derivative); the partial in x is
    the next order, written as a literal where `n` is one."""

    def partials_at(self, site):
        order = number(site.args[0]) if site.args else None
        if isinstance(order, int):
            return (None, f"special.polygamma({order + 1}, b)")
        return self.partials


def row(name, *partials, cls=SciPy, doc="", refused=(), parameters=()):
    """Register `scipy.special.<name>` with its partials."""
    register(cls(f"scipy.special.{name}", partials, doc=doc, refused=refused,
                 parameters=parameters), getattr(scipy.special, name))


TWO_OVER_ROOT_PI = "1.1283791670955126"
ROOT_PI_OVER_TWO = "0.886226925452758"
row("erf", f"{TWO_OVER_ROOT_PI} * lib.exp(-a * a)")
row("erfc", f"-{TWO_OVER_ROOT_PI} * lib.exp(-a * a)")
row("erfcx", f"2 * a * out - {TWO_OVER_ROOT_PI}")
row("erfinv", f"{ROOT_PI_OVER_TWO} * lib.exp(out * out)", doc="infinite at a = +-1")
row("erfcinv", f"-{ROOT_PI_OVER_TWO} * lib.exp(out * out)", doc="infinite at a = 0 and 2")
row("expit", "out * (1 - out)")
row("logit", "1 / (a * (1 - a))", doc="infinite at a = 0 and 1")
row("ndtr", "0.3989422804014327 * lib.exp(-0.5 * a * a)")
row("log_ndtr", "lib.exp(-0.5 * a * a - 0.9189385332046727 - out)",
    doc="the ratio pdf / cdf written as one exponential, finite far in the left tail")
row("ndtri", "2.5066282746310002 * lib.exp(0.5 * out * out)", doc="infinite at a = 0 and 1")
row("gamma", "out * special.digamma(a)", doc="undefined at the poles 0, -1, -2, ...")
row("gammaln", "special.digamma(a)", doc="log |gamma(a)|; undefined at the poles")
row("digamma", "special.zeta(2, a)", doc="the trigamma function; undefined at the poles")
row("multigammaln", "sum(special.digamma(a - 0.5 * j) for j in range(b))", None,
    parameters=("a", "d"),
    doc="the log of the multivariate gamma function; `d` an int, with no derivative")
row("polygamma", None, "special.polygamma(a + 1, b)", cls=Polygamma, parameters=("n", "x"),
    doc="the order `n` is an integer: no derivative in it; undefined at the poles")
row("beta", "out * (special.digamma(a) - special.digamma(a + b))",
    "out * (special.digamma(b) - special.digamma(a + b))")
row("betaln", "special.digamma(a) - special.digamma(a + b)",
    "special.digamma(b) - special.digamma(a + b)", doc="log |beta(a, b)|")
row("xlogy", xlogy("1", "b"), ratio("a", "b"), parameters=("x", "y"),
    doc="x * log(y), 0 where x == 0; the partial in y is guarded there: " + guarded("at y = 0"))
row("xlog1py", "lib.log1p(b)", ratio("a", "1 + b"), parameters=("x", "y"),
    doc="x * log1p(y), 0 where x == 0; the partial in y is guarded there")
row("i0", "special.i1(a)")
row("i1", "0.5 * (special.i0(a) + special.iv(2, a))", doc="(i0 + iv(2, a)) / 2: 1/2 at 0")
row("i0e", "special.i1e(a) - lib.copysign(out, a)",
    doc="exp(-abs(a)) i0(a) has a kink at 0: " + KINK)
row("i1e", "0.5 * (special.i0e(a) + special.ive(2, a)) - lib.fabs(out)",
    doc="smooth at 0 (i1(0) = 0)")
ORDER = "the derivative in the order v has no closed form: refused"
row("iv", None, "0.5 * (special.iv(a - 1, b) + special.iv(a + 1, b))", refused=(0,),
    parameters=("v", "x"), doc=ORDER)
row("ive", None, "0.5 * (special.ive(a - 1, b) + special.ive(a + 1, b)) - "
    "lib.copysign(1.0, b) * out", refused=(0,), parameters=("v", "x"),
    doc=ORDER + "; exp(-abs(x)) iv(v, x) has a kink at x = 0 (v = 0): " + KINK)
row("zeta", None, "-a * special.zeta(a + 1, b)", refused=(0,), parameters=("x", "q"),
    doc="the Hurwitz zeta function in q; its derivative in x has no closed form: refused")
row("expm1", "out + 1")
row("log1p", "1 / (1 + a)")

# holomorphic, with SciPy's complex loops: their partials hold for complex operands as
# written (complexes.py)
COMPLEX.update(getattr(scipy.special, name) for name in
               ("erf", "erfc", "erfcx", "ndtr", "log_ndtr", "gamma", "expm1", "log1p"))
