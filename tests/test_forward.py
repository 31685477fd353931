"""Forward mode: every function of the reverse-mode suites through `jvp`.

Each case is checked twice, against independent references: the tangent J·ẋ for a random
direction ẋ against central differences along ẋ, and against the adjoint by the
dot-product test ⟨J·ẋ, ȳ⟩ = ⟨ẋ, Jᵀ·ȳ⟩ for random ẋ and ȳ (Tapenade's validation of
adjoints; the two modes are generated independently, so agreement to rounding error is
strong evidence both are right).
"""
import numpy as np
import pytest
import test_control_flow as control
import test_regressions as regressions
import test_straightline as straight
from util import assert_close

import s2sad
from s2sad import runtime

CASES = (straight.CASES + straight.VJP_CASES + control.CASES
         + [(fn, args, (0, 1)) for fn in regressions.CASES
            for args in [(0.37, -0.61), (0.9, 0.2)]])


def _ids(cases):
    seen, out = {}, []
    for case in cases:
        name = case[0].__name__
        seen[name] = seen.get(name, 0) + 1
        out.append(f"{name}-{seen[name]}")
    return out


def _positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


def _directions(args, wrt, seed):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=np.shape(args[p])) if isinstance(args[p], np.ndarray)
                 else float(rng.normal()) for p in _positions(wrt))


def _moved(args, wrt, tangents, h):
    args = list(args)
    for p, t in zip(_positions(wrt), tangents):
        args[p] = np.asarray(args[p], dtype=np.float64) + h * t if np.ndim(args[p]) \
            else float(args[p]) + h * t
    return args


def numeric_jvp(fn, args, wrt, tangents):
    """Central differences of `fn` along the direction `tangents`."""
    scale = max([1.0] + [float(np.max(np.abs(args[p]))) for p in _positions(wrt)])
    h = 1e-6 * scale
    plus = np.asarray(fn(*_moved(args, wrt, tangents, h)), dtype=np.float64)
    minus = np.asarray(fn(*_moved(args, wrt, tangents, -h)), dtype=np.float64)
    return (plus - minus) / (2 * h)


def _tangent_argument(wrt, tangents):
    return tangents if isinstance(wrt, tuple) else tangents[0]


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_jvp_matches_central_differences(fn, args, wrt):
    tangents = _directions(args, wrt, 3)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    assert_close(np.asarray(value, dtype=float), np.asarray(fn(*args), dtype=float),
                 rtol=1e-12, atol=1e-13)
    assert np.shape(tangent) == np.shape(value)
    assert_close(np.asarray(tangent, dtype=float), numeric_jvp(fn, args, wrt, tangents),
                 rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_dot_product_forward_against_reverse(fn, args, wrt):
    tangents = _directions(args, wrt, 5)
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    cotangent = np.random.default_rng(11).normal(size=np.shape(value))
    if not np.shape(value):
        cotangent = float(cotangent)
    _, grads = s2sad.vjp(fn, wrt=wrt)(*args, cotangent)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    forward = float(np.sum(np.asarray(tangent, dtype=float) * cotangent))
    reverse = sum(float(np.sum(np.asarray(g, dtype=float) * t))
                  for g, t in zip(grads, tangents))
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-12)


def _generic(fn, wrt):
    """The generic tangent (no example arguments) compiled from `s2sad.source`."""
    text = s2sad.source(fn, wrt=wrt, mode="forward")
    namespace = dict(fn.__globals__)
    namespace.update(runtime.HELPERS)
    exec(compile(text, f"<generic {fn.__name__}>", "exec"), namespace)
    return namespace[f"{fn.__name__}_tangent"], text


GENERIC_CASES = control.GENERIC_CASES + straight.GENERIC_CASES


@pytest.mark.parametrize("fn, args, wrt", GENERIC_CASES, ids=_ids(GENERIC_CASES))
def test_generic_tangent_gives_same_numbers(fn, args, wrt):
    generic, text = _generic(fn, wrt)
    tangents = _directions(args, wrt, 9)
    value, tangent = generic(*args, *tangents)
    want_value, want = s2sad.jvp(fn, wrt=wrt)(*args, _tangent_argument(wrt, tangents))
    assert_close(np.asarray(value, dtype=float), np.asarray(want_value, dtype=float),
                 rtol=1e-12, atol=1e-14)
    got = np.broadcast_to(np.asarray(tangent, dtype=float), np.shape(want))
    assert np.shape(got) == np.shape(want), text
    assert_close(got, np.asarray(want, dtype=float), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_jacobian_forward_equals_reverse(fn, args, wrt):
    """Vector forward mode (all directions in one sweep) against one adjoint sweep per
    output element: built independently, equal to rounding."""
    forward = s2sad.jacobian(fn, wrt=wrt, mode="forward")(*args)
    reverse = s2sad.jacobian(fn, wrt=wrt, mode="reverse")(*args)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)
