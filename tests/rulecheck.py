"""Shared machinery of the rule-table tests: writing a call to a primitive as source,
importing small generated functions, and checking a derivative in both modes against
central differences and against the other mode.

The table test (rules/test_table.py) and the case modules of each rule family
(cases_*.py) use it; a case is a function of the `gen` fixture that calls `check_grad`
or `check_vjp` on functions built with it.
"""
import builtins
import importlib.util
import itertools
import math
import operator
import sys
import types

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats
import s2sad
from s2sad import ir, runtime
from s2sad.rules.catalog import scipy_name
from util import assert_close, numeric_grad, numeric_jvp, numeric_vjp, random_tangents

OPERATORS = {
    operator.add: "{0} + {1}", operator.sub: "{0} - {1}", operator.mul: "{0} * {1}",
    operator.truediv: "{0} / {1}", operator.pow: "{0} ** {1}", operator.mod: "{0} % {1}",
    operator.floordiv: "{0} // {1}", operator.matmul: "{0} @ {1}",
    operator.neg: "-{0}", operator.pos: "+{0}", operator.not_: "(not {0})",
    operator.lt: "({0} < {1})", operator.le: "({0} <= {1})", operator.gt: "({0} > {1})",
    operator.ge: "({0} >= {1})", operator.eq: "({0} == {1})", operator.ne: "({0} != {1})",
}


def describe(prim):
    """A stable, readable key for a table primitive: `np.sin`, `math.sin`, `.T`, `.sum()`,
    `np.linalg.slogdet[1]`, `operator.add`..."""
    if isinstance(prim, ir.Attr):
        return "." + prim.name
    if isinstance(prim, ir.Method):
        return f".{prim.name}()"
    if isinstance(prim, ir.Part):
        return f"{describe(prim.prim)}[{prim.index}]"
    if isinstance(prim, ir.OnList):
        return f"{describe(prim.prim)}(list)"
    if prim is np.r_ or prim is np.c_:
        return "np.r_" if prim is np.r_ else "np.c_"
    if isinstance(prim, types.MethodType) and isinstance(prim.__self__, scipy.stats.rv_continuous):
        return f"scipy.stats.{prim.__self__.name}.{prim.__name__}"
    for prefix, module in (("operator.", operator), ("builtins.", builtins),
                           ("math.", math), ("np.linalg.", np.linalg),
                           ("np.random.", np.random), ("np.fft.", np.fft), ("np.", np),
                           ("scipy.linalg.", scipy.linalg), ("runtime.", runtime),
                           ("scipy.special.", scipy.special)):
        name = getattr(prim, "__name__", None)
        if name and getattr(module, name, None) is prim:
            return prefix + name
    if scipy_name(prim):
        return scipy_name(prim)
    return repr(prim)


def call_text(prim, nargs):
    """Python source calling `prim` on the parameters a, b, ..."""
    names = "abcde"[:nargs]
    if prim in OPERATORS:
        return OPERATORS[prim].format(*names)
    key = describe(prim)
    module, _, name = key.partition(".")
    if module == "builtins":
        return f"{name}({', '.join(names)})"
    if module in ("math", "np", "runtime", "scipy"):
        return f"{key}({', '.join(names)})"
    raise AssertionError(f"no way to write {key} in source: extend call_text")


_serial = itertools.count()


def make_function(tmp_path, params, body):
    """Import `def f(params): return body` from a fresh module file and return `f`."""
    name = f"s2sad_rule_case_{next(_serial)}"
    path = tmp_path / f"{name}.py"
    scipy_modules = ("import scipy.integrate\nimport scipy.linalg\nimport scipy.signal\n"
                     "import scipy.special\nimport scipy.stats\n") if "scipy." in body else ""
    path.write_text("import builtins\nimport math\nimport operator\n\nimport numpy as np\n"
                    f"{scipy_modules}from s2sad import runtime\n\n\n"
                    f"def f({params}):\n    return {body}\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.f


def generic_adjoint(fn, wrt):
    """The derivative generated without example arguments, as s2sad compiled it (with
    the library functions its source reads by names of their own)."""
    return s2sad.compiled(fn, wrt=wrt)


def generic_tangent(fn, wrt):
    return s2sad.compiled(fn, wrt=wrt, mode="forward")


def check_forward(fn, args, wrt, generic=False):
    """The rule in forward mode: the tangent in one random direction against central
    differences, and the whole Jacobian from one vector tangent sweep against the one
    from adjoint sweeps; with `generic`, the tangent generated without argument kinds
    gives the same numbers."""
    tangents = random_tangents(args, wrt, 17)
    value, tangent = s2sad.jvp(fn, wrt)(*args, tangents if isinstance(wrt, tuple)
                                        else tangents[0])
    assert np.shape(tangent) == np.shape(value)
    assert_close(np.asarray(tangent, dtype=float), numeric_jvp(fn, args, wrt, tangents))
    forward = s2sad.jacobian(fn, wrt, mode="forward")(*args)
    reverse = s2sad.jacobian(fn, wrt, mode="reverse")(*args)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-13)
    if generic:
        _, untyped = generic_tangent(fn, wrt)(*args, *tangents)
        assert_close(np.broadcast_to(np.asarray(untyped, dtype=float), np.shape(value)),
                     np.asarray(tangent, dtype=float), rtol=1e-12, atol=1e-14)


def rand(*shape):
    return np.random.default_rng(11).uniform(-1.0, 1.0, shape)


def check_grad(fn, args, wrt=0, dtype=True):
    """Gradient against central differences, forward mode (`check_forward`) and, with
    `dtype`, float32 in and out (`check_dtype`)."""
    got = s2sad.grad(fn, wrt=wrt)(*args)
    assert_close(got, numeric_grad(fn, args, wrt))
    check_forward(fn, args, wrt)
    if dtype:
        check_dtype(fn, args, wrt)


def check_vjp(fn, args, wrt, dtype=True):
    """Like `check_grad`, for a function with an array result (a random cotangent)."""
    value = fn(*args)
    cotangent = np.random.default_rng(5).normal(size=np.shape(value))
    got_value, got = s2sad.vjp(fn, wrt)(*args, cotangent)
    assert_close(got_value, value, rtol=1e-13, atol=0)
    assert_close(got, numeric_vjp(fn, args, cotangent, wrt))
    check_forward(fn, args, wrt)
    if dtype:
        check_dtype(fn, args, wrt)




def single_precision(args):
    return tuple(a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                 else a for a in args)


def check_dtype(fn, args, wrt=0):
    """float32 arrays in, float32 derivatives out, in both modes: the gradient of each
    float32 argument, and the tangent (which has the value's dtype)."""
    args = single_precision(args)
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    if not any(isinstance(args[p], np.ndarray) for p in positions):
        return
    value = fn(*args)
    cotangent = np.ones_like(value)
    _, grads = s2sad.vjp(fn, wrt)(*args, cotangent)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    for p, g in zip(positions, grads):
        if isinstance(args[p], np.ndarray):
            assert np.asarray(g).dtype == np.float32, f"gradient of argument {p}: {g.dtype}"
    tangents = tuple(np.ones_like(args[p]) if isinstance(args[p], np.ndarray) else 1.0
                     for p in positions)
    _, tangent = s2sad.jvp(fn, wrt)(*args, tangents if isinstance(wrt, tuple) else tangents[0])
    assert np.asarray(tangent).dtype == np.asarray(value).dtype, \
        f"tangent {np.asarray(tangent).dtype}, value {np.asarray(value).dtype}"
