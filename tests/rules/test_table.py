"""Every row of the derivative rule table, checked against central differences.

Elementwise rows are tested from generated source: s2sad reads a function's source and
caches derivatives per function object, so each primitive gets its own small module
written to a temporary file and imported. A differentiable elementwise row without an
entry in DOMAINS fails, so a new row is tested as soon as it is added.
"""
import importlib
import pathlib

import numpy as np
import pytest

import s2sad
from s2sad import rules
from s2sad.rules.base import load_optional
from rulecheck import (call_text, check_forward, check_grad, check_vjp, describe,
                       generic_adjoint, rand, single_precision)
from util import assert_close, numeric_grad, numeric_vjp

def _family_cases():
    """Each rule family keeps its cases in tests/rules/cases_<family>.py: `CASES` (custom
    rows), `NONDIFF` (non-differentiable rows) and `DOMAINS` (elementwise rows, with
    `FLOAT64`: those that may compute in float64 for float32 input, and `OTHER_ARITIES`),
    merged into this one table test."""
    custom, nondiff, domains, float64, arities = {}, {}, {}, set(), {}
    for path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
        module = importlib.import_module(path.stem)
        _merge(custom, getattr(module, "CASES", {}))
        _merge(nondiff, getattr(module, "NONDIFF", {}))
        _merge(domains, getattr(module, "DOMAINS", {}))
        float64 |= set(getattr(module, "FLOAT64", ()))
        _merge(arities, getattr(module, "OTHER_ARITIES", {}))
    return custom, nondiff, domains, float64, arities


def _merge(mine, theirs):
    clash = set(mine) & set(theirs)
    assert not clash, f"cases repeated for {sorted(clash)}"
    mine.update(theirs)


load_optional()  # the rows of SciPy, which the tests import
(FAMILY_CUSTOM, FAMILY_NONDIFF, FAMILY_DOMAINS, FAMILY_FLOAT64,
 FAMILY_ARITIES) = _family_cases()

# ---------------------------------------------------------------- elementwise rows

WIDE = (-2.0, 2.0)
POS = (0.3, 3.0)
UNIT = (-0.9, 0.9)
INTS = range(-3, 4)  # an integer argument (not differentiated)
BOOLS = (False, True)  # a boolean argument (not differentiated)
POWER = [(0.5, 2.0), (-1.5, 2.5)]

# rule name -> sampling range of each argument (its length is the arity tested)
DOMAINS = {
    "+": [WIDE, WIDE], "-": [WIDE, WIDE], "*": [WIDE, WIDE], "/": [WIDE, (0.5, 2.0)],
    "**": POWER, "%": [(2.1, 2.9), (1.0, 1.05)],
    "unary -": [WIDE], "unary +": [WIDE],
    "abs": [WIDE], "float": [WIDE], "max": [WIDE, WIDE], "min": [WIDE, WIDE],
    "pow": POWER,
    "math.sin": [WIDE], "np.sin": [WIDE], "math.cos": [WIDE], "np.cos": [WIDE],
    "math.tan": [(-1.2, 1.2)], "np.tan": [(-1.2, 1.2)],
    "math.asin": [UNIT], "np.arcsin": [UNIT], "math.acos": [UNIT], "np.arccos": [UNIT],
    "math.atan": [WIDE], "np.arctan": [WIDE],
    "math.sinh": [WIDE], "np.sinh": [WIDE], "math.cosh": [WIDE], "np.cosh": [WIDE],
    "math.tanh": [WIDE], "np.tanh": [WIDE],
    "math.asinh": [WIDE], "np.arcsinh": [WIDE],
    "math.acosh": [(1.2, 3.0)], "np.arccosh": [(1.2, 3.0)],
    "math.atanh": [UNIT], "np.arctanh": [UNIT],
    "math.exp": [WIDE], "np.exp": [WIDE], "math.expm1": [WIDE], "np.expm1": [WIDE],
    "math.exp2": [WIDE], "np.exp2": [WIDE],
    "math.log1p": [(-0.5, 3.0)], "np.log1p": [(-0.5, 3.0)],
    "math.log2": [POS], "np.log2": [POS], "math.log10": [POS], "np.log10": [POS],
    "math.log": [POS, (1.5, 4.0)], "np.log": [POS],
    "math.sqrt": [POS], "np.sqrt": [POS], "math.cbrt": [POS], "np.cbrt": [POS],
    "math.atan2": [WIDE, WIDE], "np.arctan2": [WIDE, WIDE],
    "math.hypot": [WIDE, WIDE, WIDE, WIDE], "np.hypot": [WIDE, WIDE],
    "math.pow": POWER, "np.power": POWER, "np.float_power": POWER,
    "math.fabs": [WIDE], "np.fabs": [WIDE], "np.absolute": [WIDE],
    "math.erf": [WIDE], "math.erfc": [WIDE],
    "math.gamma": [(0.3, 4.0)], "math.lgamma": [(0.3, 6.0)],
    "math.degrees": [WIDE], "np.degrees": [WIDE], "np.rad2deg": [WIDE],
    "math.radians": [WIDE], "np.radians": [WIDE], "np.deg2rad": [WIDE],
    "math.fmod": [(2.1, 2.9), (1.0, 1.05)], "np.fmod": [(2.1, 2.9), (1.0, 1.05)],
    "np.remainder": [(2.1, 2.9), (1.0, 1.05)], "math.remainder": [(2.1, 2.3), (1.0, 1.05)],
    "math.copysign": [WIDE, WIDE], "np.copysign": [WIDE, WIDE],
    "math.ldexp": [WIDE, INTS], "np.ldexp": [WIDE, INTS],
    "math.nextafter": [WIDE, WIDE], "np.nextafter": [WIDE, WIDE],
    "math.fma": [WIDE, WIDE, WIDE],
    "np.logaddexp": [WIDE, WIDE], "np.logaddexp2": [WIDE, WIDE], "np.sinc": [WIDE],
    "np.square": [WIDE], "np.reciprocal": [POS], "np.negative": [WIDE],
    "np.positive": [WIDE],
    "np.add": [WIDE, WIDE], "np.subtract": [WIDE, WIDE], "np.multiply": [WIDE, WIDE],
    "np.divide": [WIDE, (0.5, 2.0)],
    "np.maximum": [WIDE, WIDE], "np.minimum": [WIDE, WIDE],
    "np.fmax": [WIDE, WIDE], "np.fmin": [WIDE, WIDE], "np.nan_to_num": [WIDE],
    "np.clip": [WIDE, (-1.0, -0.4), (0.4, 1.0)], "np.where": [BOOLS, WIDE, WIDE],
    # s2sad's run-time helpers, which generated derivatives call
    "runtime.safe_divide": [WIDE, (0.5, 2.0)], "runtime.xlogy": [WIDE, POS],
    "runtime.xpow": [WIDE, (0.5, 2.0), (-1.5, 2.5)], "runtime.sigmoid": [WIDE],
    "runtime.digamma": [(0.3, 6.0)], "runtime.polygamma": [range(1, 4), (0.3, 6.0)],
}
_merge(DOMAINS, FAMILY_DOMAINS)
# other arities to test as well (math.log(x) besides math.log(x, base))
OTHER_ARITIES = {"math.log": (1,), "math.hypot": (1, 2, 3), **FAMILY_ARITIES}
# rows that take scalars only (besides every `math.*` row)
SCALAR_ONLY = {"float", "max", "min", "scipy.special.multigammaln"}  # d: one int
# rows whose value or derivative may be float64 for float32 arguments (np.float_power
# computes in float64; SciPy's functions of an integer order may too)
FLOAT64 = {"np.float_power"} | FAMILY_FLOAT64


def differentiable_elementwise(rule):
    return isinstance(rule, rules.Elementwise) and any(p is not None for p in rule.partials)


ELEMENTWISE = [(prim, rule) for prim, rule in rules.TABLE.items()
               if differentiable_elementwise(rule)]


def sample(rng, domain, shape):
    """A float (shape None) or float array in `domain`; integers from a range, booleans
    from BOOLS."""
    if domain is BOOLS:
        return bool(rng.integers(2)) if shape is None else rng.integers(2, size=shape) == 1
    if isinstance(domain, range):
        ints = rng.integers(domain.start, domain.stop, size=shape)
        return int(ints) if shape is None else ints
    lo, hi = domain
    if shape is None:
        return float(rng.uniform(lo, hi))
    return rng.uniform(lo, hi, shape)


def scalar_only(rule):
    return rule.name in SCALAR_ONLY or rule.lib == "math"


# the shapes of the array forms, broadcasting the arguments against each other
SHAPES = {
    1: [[(2, 3)], [(3, 1)]],
    2: [[(2, 3), (3,)], [(3, 1), (1, 3)], [None, (2, 3)], [(3,), None]],
    3: [[(2, 3), (3,), (2, 1)], [(3, 1), None, (1, 3)], [None, (2, 3), None],
        [(3,), (3,), (3,)]],
    4: [[(2, 3), None, (3,), (2, 1)], [None, (2, 3), None, None], [(3,), (3,), (3,), (3,)]],
    5: [[(2, 3), None, (3,), (2, 1), None], [None, None, None, (2, 3), (3,)],
        [(3,), (3,), (3,), (3,), (3,)]],
}


@pytest.mark.parametrize("prim, rule", ELEMENTWISE,
                         ids=[f"{describe(p)}[{r.name}]" for p, r in ELEMENTWISE])
def test_elementwise_rule(prim, rule, gen):
    assert rule.name in DOMAINS, (
        f"rule {rule.name!r} ({describe(prim)}) has no sampling domain in DOMAINS: add one "
        "so that the new row is tested")
    domains = DOMAINS[rule.name]
    rng = np.random.default_rng(sum(map(ord, rule.name)))
    for nargs in (len(domains),) + OTHER_ARITIES.get(rule.name, ()):
        params = ", ".join("abcde"[:nargs])
        fn = gen(params, call_text(prim, nargs))
        # every float argument, differentiable or not (a None partial must give 0)
        wrt = tuple(i for i, d in enumerate(domains[:nargs])
                    if d is not BOOLS and not isinstance(d, range))
        args = tuple(sample(rng, d, None) for d in domains[:nargs])
        got = s2sad.grad(fn, wrt=wrt)(*args)
        assert all(type(g) is float for g in got)
        assert_close(got, numeric_grad(fn, args, wrt))
        check_forward(fn, args, wrt)
        if scalar_only(rule):
            continue
        for shapes in SHAPES[nargs]:
            args = tuple(sample(rng, d, s) for d, s in zip(domains, shapes))
            value = fn(*args)
            cotangent = rng.normal(size=np.shape(value))
            got_value, got = s2sad.vjp(fn, wrt)(*args, cotangent)
            assert_close(got_value, value, rtol=1e-13, atol=0)
            want = numeric_vjp(fn, args, cotangent, wrt)
            for g, position in zip(got, wrt):
                assert np.shape(g) == np.shape(args[position])
            assert_close(got, want)
            # the generic derivative (argument kinds unknown) gives the same numbers
            generic_value, generic = generic_adjoint(fn, wrt)(*args, cotangent)
            if len(wrt) == 1:
                generic = (generic,)  # the generated code returns one gradient bare
            assert_close(np.asarray(generic_value), np.asarray(value), rtol=1e-13, atol=0)
            assert_close(tuple(np.asarray(g) for g in generic), tuple(np.asarray(g) for g in got),
                         rtol=1e-12, atol=1e-14)
            check_forward(fn, args, wrt, generic=True)
            check_single_precision(fn, args, wrt, rule)


def check_single_precision(fn, args, wrt, rule):
    """float32 arguments give float32 derivatives, in the generated code itself (the API
    would cast them anyway): each array argument's gradient has its dtype (or the
    cotangent's, if wider), and the tangent has the float arguments' dtype or the value's;
    a row in FLOAT64 may give float64 (np.float_power computes in it)."""
    args = single_precision(args)
    value = fn(*args)
    _, grads = s2sad.compiled(fn, *args, wrt=wrt)(*args, np.ones_like(value))
    grads = grads if len(wrt) > 1 else (grads,)
    # a row in FLOAT64 may compute in float64 (its value, or partials of an integer order
    # whose dtype SciPy's versions resolve differently)
    wider = {np.dtype(np.float64)} if rule.name in FLOAT64 else set()
    for position, grad in zip(wrt, grads):
        if isinstance(args[position], np.ndarray):
            want = {np.result_type(args[position], value)} | wider
            assert np.asarray(grad).dtype in want, (position, np.asarray(grad).dtype, want)
    tangents = [np.ones_like(args[p]) if isinstance(args[p], np.ndarray) else 1.0 for p in wrt]
    _, tangent = s2sad.compiled(fn, *args, wrt=wrt, mode="forward")(*args, *tangents)
    # Python floats are weak: they take the arrays' dtype, as in NumPy 2
    want = {np.result_type(*(args[p] for p in wrt)), np.result_type(value)} | wider
    if type(tangent) is not float:  # (a scalar argument's tangent alone)
        assert np.result_type(tangent) in want, (np.result_type(tangent), want)


def test_every_rule_row_is_covered():
    """Every table row is tested here: elementwise by DOMAINS, the others by name."""
    missing = []
    for prim, rule in rules.TABLE.items():
        key = describe(prim)
        if differentiable_elementwise(rule):
            if rule.name not in DOMAINS:
                missing.append(f"{key} (elementwise {rule.name!r}: add to DOMAINS)")
        elif isinstance(rule, rules.NonDifferentiable) or \
                (isinstance(rule, rules.Elementwise) and not differentiable_elementwise(rule)):
            if key not in NONDIFF:
                missing.append(f"{key} (non-differentiable: add to NONDIFF)")
        elif isinstance(rule, rules.Custom):
            if key not in CUSTOM:
                missing.append(f"{key} (custom {rule.name!r}: add to CUSTOM)")
        else:
            missing.append(f"{key} (rule of unknown type {type(rule).__name__})")
    assert not missing, "rule table rows without a test:\n" + "\n".join(missing)


# ---------------------------------------------------------------- non-differentiable rows

def _arr(*shape):
    return np.random.default_rng(3).uniform(0.2, 2.8, shape)


# two arrays with no equal elements: comparisons have no tie (no jump) there
PAIR_A = np.array([0.3, 1.4, 2.2, 0.9])
PAIR_B = np.array([1.1, 0.6, 2.5, 0.2])

# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "operator.floordiv": ("a, b", "a * (a // b)", (2.7, 1.2), (0, 1), (2.0, 0.0)),
    "math.floor": ("a", "a * math.floor(a)", (2.7,), 0, 2.0),
    "math.ceil": ("a", "a * math.ceil(a)", (2.7,), 0, 3.0),
    "math.trunc": ("a", "a * math.trunc(a)", (-2.7,), 0, -2.0),
    "np.floor": ("a", "np.sum(a * np.floor(a))", (_arr(2, 3),), 0, None),
    "np.ceil": ("a", "np.sum(a * np.ceil(a))", (_arr(2, 3),), 0, None),
    "np.trunc": ("a", "np.sum(a * np.trunc(a - 1.5))", (_arr(2, 3),), 0, None),
    "np.sign": ("a", "np.sum(a * np.sign(a - 1.5))", (_arr(2, 3),), 0, None),
    "builtins.int": ("a", "a * int(a)", (2.7,), 0, 2.0),
    "builtins.round": ("a", "a * round(a)", (2.7,), 0, 3.0),
    "operator.lt": ("a, b", "np.sum(a * (a < b) + b * (b < a))", (PAIR_A, PAIR_B), (0, 1),
                    None),
    "operator.le": ("a, b", "a * (a <= b)", (0.7, 1.2), (0, 1), (1.0, 0.0)),
    "operator.gt": ("a, b", "a * (a > b)", (0.7, 1.2), (0, 1), (0.0, 0.0)),
    "operator.ge": ("a, b", "np.sum(b * (a >= b))", (PAIR_A, PAIR_B), (0, 1), None),
    "operator.eq": ("a, b", "a * (a == b) + b", (0.7, 1.2), (0, 1), (0.0, 1.0)),
    "operator.ne": ("a, b", "a * (a != b)", (0.7, 1.2), (0, 1), (1.0, 0.0)),
    "operator.not_": ("a, b", "a * (not b)", (0.7, 0.0), 0, 1.0),
    ".shape": ("a", "np.sum(a) * a.shape[0]", (_arr(2, 3),), 0, None),
    "np.shape": ("a", "np.sum(a) * np.shape(a)[1]", (_arr(2, 3),), 0, None),
    ".dtype": ("a", "np.sum(a * a + np.zeros(3, dtype=a.dtype))", (_arr(3),), 0, None),
    ".ndim": ("a", "np.sum(a * a) * a.ndim", (_arr(2, 3),), 0, None),
    ".size": ("a", "np.sum(a) / a.size", (_arr(2, 3),), 0, None),
    "np.ndim": ("a", "np.sum(a) * np.ndim(a)", (_arr(2, 3),), 0, None),
    "np.size": ("a", "np.sum(a * a) / np.size(a)", (_arr(2, 3),), 0, None),
    "builtins.len": ("a", "np.sum(a * a) * len(a)", (_arr(2, 3),), 0, None),
    "np.zeros": ("a", "np.sum(a * a + np.zeros(3))", (_arr(3),), 0, None),
    "np.ones": ("a", "np.sum(a * np.ones(3))", (_arr(3),), 0, None),
    "np.empty": ("a", "np.sum(a * a) * np.empty(3).shape[0]", (_arr(3),), 0, None),
    "np.full": ("a", "np.sum(a * np.full(3, 2.5))", (_arr(3),), 0, None),
    "np.eye": ("a", "np.sum(np.eye(3) @ (a * a))", (_arr(3),), 0, None),
    "np.identity": ("a", "np.sum(np.identity(3) * a)", (_arr(3, 3),), 0, None),
    "np.arange": ("a", "np.sum(a * np.arange(3.0))", (_arr(3),), 0, None),
    "np.linspace": ("a", "np.sum(a * np.linspace(0.0, 1.0, 3))", (_arr(2, 3),), 0, None),
    "np.zeros_like": ("a", "np.sum(a * a + np.zeros_like(a))", (_arr(2, 3),), 0, None),
    "np.ones_like": ("a", "np.sum(a * np.ones_like(a))", (_arr(2, 3),), 0, None),
    "np.full_like": ("a", "np.sum(a * np.full_like(a, 3.0))", (_arr(2, 3),), 0, None),
    "np.empty_like": ("a", "np.sum(a * a) * np.empty_like(a).size", (_arr(2, 3),), 0, None),
}

_INTS = np.array([4, 6, 9])
# math: integer and boolean results (a boolean is tested as a condition)
NONDIFF.update({
    "math.comb": ("a", "a * math.comb(int(a), 2)", (4.5,), 0, 6.0),
    "math.perm": ("a", "a * math.perm(int(a), 2)", (4.5,), 0, 12.0),
    "math.factorial": ("a", "a * math.factorial(int(a))", (3.5,), 0, 6.0),
    "math.gcd": ("a", "a * math.gcd(int(a), 6)", (4.5,), 0, 2.0),
    "math.lcm": ("a", "a * math.lcm(int(a), 6)", (4.5,), 0, 12.0),
    "math.isqrt": ("a", "a * math.isqrt(int(a))", (9.5,), 0, 3.0),
    "math.isclose": ("a", "a * a if math.isclose(a, 2.4, rel_tol=0.1) else 3.0 * a", (2.5,), 0,
                     5.0),
    "math.isfinite": ("a", "a * a if math.isfinite(a) else 3.0 * a", (2.5,), 0, 5.0),
    "math.isinf": ("a", "a * a if math.isinf(a) else 3.0 * a", (2.5,), 0, 3.0),
    "math.isnan": ("a", "a * a if math.isnan(a) else 3.0 * a", (2.5,), 0, 3.0),
    "math.ulp": ("a", "a * math.ulp(a) * 1e15", (1.5,), 0, 0.2220446049250313),
    # tuples of results: an error naming the function
    "math.frexp": ("a", "math.frexp(a)[0]", (1.5,), 0, s2sad.UnsupportedError),
    "math.modf": ("a", "math.modf(a)[0]", (1.5,), 0, s2sad.UnsupportedError),
    "np.frexp": ("a", "np.sum(np.frexp(a)[0])", (_arr(3),), 0, s2sad.UnsupportedError),
    "np.modf": ("a", "np.sum(np.modf(a)[0])", (_arr(3),), 0, s2sad.UnsupportedError),
    "np.divmod": ("a", "np.sum(np.divmod(a, 2.0)[0])", (_arr(3),), 0, s2sad.UnsupportedError),
})
# NumPy: rounding, steps, predicates, comparisons and integer functions
for _name, _body in {
        "rint": "np.rint(a)", "round": "np.round(a)", "around": "np.around(a)",
        "fix": "np.fix(a - 1.5)", "floor_divide": "np.floor_divide(a, 0.7)",
        "heaviside": "np.heaviside(a - 1.5, 0.5)", "spacing": "np.spacing(a) * 1e15",
        "isnan": "np.isnan(a)", "isfinite": "np.isfinite(a)", "isinf": "np.isinf(a)",
        "signbit": "np.signbit(a - 1.5)", "isclose": "np.isclose(a, 1.0)",
        "logical_and": "np.logical_and(a > 1.0, a < 2.0)",
        "logical_or": "np.logical_or(a < 1.0, a > 2.0)",
        "logical_xor": "np.logical_xor(a < 1.0, a < 2.0)",
        "logical_not": "np.logical_not(a > 1.5)",
        "less": "np.less(a, 1.5)", "less_equal": "np.less_equal(a, 1.5)",
        "greater": "np.greater(a, 1.5)", "greater_equal": "np.greater_equal(a, 1.5)",
        "equal": "np.equal(a, 1.5)", "not_equal": "np.not_equal(a, 1.5)",
        "imag": "np.imag(a)"}.items():
    NONDIFF[f"np.{_name}"] = ("a", f"np.sum(a * a + a * {_body})", (_arr(2, 3),), 0, None)
for _name, _body in {
        "gcd": "np.gcd(k, 6)", "lcm": "np.lcm(k, 6)", "bitwise_and": "np.bitwise_and(k, 3)",
        "bitwise_or": "np.bitwise_or(k, 3)", "bitwise_xor": "np.bitwise_xor(k, 3)",
        "invert": "np.invert(k)", "left_shift": "np.left_shift(k, 1)",
        "right_shift": "np.right_shift(k, 1)", "bitwise_count": "np.bitwise_count(k)"}.items():
    if hasattr(np, _name):
        NONDIFF[f"np.{_name}"] = ("a, k", f"np.sum(a * {_body})", (_arr(3), _INTS), 0, None)


_merge(NONDIFF, FAMILY_NONDIFF)


# functions NumPy deprecates (np.fix in NumPy 2.5): tested while they exist
DEPRECATED = {"np.fix"}


@pytest.mark.parametrize("key", [
    pytest.param(key, marks=pytest.mark.filterwarnings("ignore::DeprecationWarning"))
    if key in DEPRECATED else key for key in sorted(NONDIFF)])
def test_non_differentiable_rule(key, gen):
    params, body, args, wrt, expected = NONDIFF[key]
    fn = gen(params, body)
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected, match=key.replace(".", r"\.")):
            s2sad.grad(fn, wrt=wrt)(*args)
        return
    got = s2sad.grad(fn, wrt=wrt)(*args)
    assert_close(got, numeric_grad(fn, args, wrt))
    if expected is not None:
        assert_close(got, expected)
    check_forward(fn, args, wrt)


def test_non_differentiable_result_alone_has_zero_gradient(gen):
    assert s2sad.grad(gen("a", "math.floor(a) * 1.0"))(2.7) == 0.0
    g = s2sad.grad(gen("a", "np.sum(np.sign(a))"))(_arr(3))
    assert isinstance(g, np.ndarray) and g.shape == (3,) and not np.any(g)


# ---------------------------------------------------------------- custom rows

def c_sum_all(x):
    return np.sum(np.sin(x) * np.sum(x))


def c_sum_positional_axis(x):
    return np.sum(np.sum(x, 0) ** 3)


def c_sum_tuple_axes(x):
    return np.sum(np.exp(np.sum(x, axis=(0, 1))))


def c_sum_method_free_scalar(s):
    return np.sum(s * s)


def c_mean_all(x):
    return np.mean(x ** 3) * np.mean(x)


def c_mean_all_keepdims(x):
    return np.sum(x * np.mean(x, keepdims=True))


def c_matmul_op(a, b):
    return a @ b


def c_matmul_fn(a, b):
    return np.matmul(a, b)


def c_dot(a, b):
    return np.dot(a, b)


def c_index(x):
    return x[1] * x[-1] - x[0]


def c_index_2d(x):
    return x[0, 1] * x[1, -1] + np.sum(x[1] * x[:, 2][0])


def c_slices(x):
    return np.sum(x[1:, ::2] ** 2) + np.sum(x[:-1, 1])


def c_newaxis(x):
    return np.sum(x[:, None] * x[None, :] * x[None])


def c_index_int_arg(x, i):
    return x[i] ** 2 + x[i + 1]


def c_transpose(x, y):
    return np.sum(x.T * y)


def c_transpose_1d(x):
    return np.sum(x.T * x)


def c_real(x):
    return np.sum(x.real * x)


def check_sum(gen):
    for shape in ((4,), (2, 3), (2, 3, 2)):
        check_grad(c_sum_all, (rand(*shape),))
        for axis in list(range(len(shape))) + [-1]:
            check_grad(gen("x", f"np.sum(np.cos(np.sum(x * x, axis={axis})))"), (rand(*shape),))
            check_grad(gen("x", f"np.sum(x * np.sum(x, axis={axis}, keepdims=True))"),
                        (rand(*shape),))
    check_grad(c_sum_positional_axis, (rand(2, 3),))
    check_grad(c_sum_tuple_axes, (rand(2, 3, 4),))
    check_grad(c_sum_method_free_scalar, (0.7,))


def check_mean(gen):
    for shape in ((4,), (2, 3), (2, 3, 2)):
        check_grad(c_mean_all, (rand(*shape),))
        check_grad(c_mean_all_keepdims, (rand(*shape),))
        for axis in list(range(len(shape))) + [-1]:
            check_grad(gen("x", f"np.sum(np.exp(np.mean(x, axis={axis})))"), (rand(*shape),))
            check_grad(gen("x", f"np.sum(x * np.mean(x, axis={axis}, keepdims=True))"),
                        (rand(*shape),))


PRODUCT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                  (None, (3,)), ((2, 3), None), ((3,), (2, 3, 4)), ((2, 3, 4), (4,)),
                  ((2, 1, 3), (2, 3, 2))]


def _product_args(shapes):
    return tuple(0.8 if s is None else rand(*s) for s in shapes)


def check_products(fn, gen=None):
    for shapes in PRODUCT_SHAPES:
        if fn is not c_dot and None in shapes:
            continue  # a scalar operand of @ is an error in NumPy
        check_vjp(fn, _product_args(shapes), (0, 1))
        check_vjp(fn, _product_args(shapes), 1)


def check_indexing(gen=None):
    check_grad(c_index, (rand(4),))
    check_grad(c_index_2d, (rand(2, 3),))
    check_grad(c_slices, (rand(3, 4),))
    check_grad(c_newaxis, (rand(3),))
    check_grad(c_index_int_arg, (rand(5), 2))


def check_transpose(gen=None):
    check_grad(c_transpose, (rand(2, 3), rand(3, 2)), (0, 1))
    check_grad(c_transpose, (rand(2, 3, 4), rand(4, 3, 2)), (0, 1))
    check_grad(c_transpose_1d, (rand(3),))


def c_np_copy(x):
    y = np.copy(x)
    return np.sum(y * y * x)


def c_method_copy(x):
    y = x.copy()
    y[0] = 2.0
    return np.sum(y * x)


def c_loop_copy(x):
    y = x
    for i in range(2):
        y = y * x
    return np.sum(y)


def check_copy(gen=None):
    check_grad(c_np_copy, (rand(3),))
    check_grad(c_method_copy, (rand(3),))
    check_grad(c_loop_copy, (rand(3),))


def check_real(gen=None):
    check_grad(c_real, (rand(2, 3),))


CUSTOM = {
    "np.sum": check_sum,
    "np.mean": check_mean,
    "operator.matmul": lambda gen: check_products(c_matmul_op),
    "np.matmul": lambda gen: check_products(c_matmul_fn),
    "np.dot": lambda gen: check_products(c_dot),
    "operator.getitem": check_indexing,
    ".T": check_transpose,
    ".real": check_real,
    "COPY": check_copy,
    ".copy()": check_copy,
    "np.copy": check_copy,
}


_merge(CUSTOM, FAMILY_CUSTOM)


@pytest.mark.parametrize("key", sorted(CUSTOM))
def test_custom_rule(key, gen):
    CUSTOM[key](gen)
