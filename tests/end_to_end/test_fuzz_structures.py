"""Random programs whose differentiated inputs come in one structure (a dict, a tuple or a
namedtuple), differentiated with respect to the structure and checked leaf by leaf.

fuzz_programs.structured_programs writes `f(params, n)`, `pack(x, y)` that builds
`params`, and `f_flat(x, y, n) = f(pack(x, y), n)`. The dual-number oracle
differentiates `f_flat` by its plain inputs (test_fuzz.oracle_jacobian); s2sad
differentiates `f` with respect to `params`:

- `grad` (of a number) returns a structure of the class of `params` (a dict with the
  same keys in order, a tuple, the same namedtuple class) whose leaves are the gradient;
- `vjp` with a cotangent returns the value and such a structure holding J^T c;
- `jvp` takes a tangent built by `pack` and returns J t;
- J t matches central differences of `f_flat`, away from kinks (as in test_fuzz.py).

The programs are the same as test_fuzz.py's (without refused constructs or second
cells); a separate test keeps that harness to plain arguments.
"""
import sys

import fuzz_programs
import numpy as np
from hypothesis import assume, given, note
from test_fuzz import MARGIN, close, derive, digest, load, oracle_jacobian
from util import numeric_jvp

import s2sad

EXAMPLES = 40


def leaves(structure, form):
    """The two leaves in the order of `pack(x, y)`; the container must be `form`'s."""
    if form == "dict":
        assert type(structure) is dict, structure
        return list(structure.values())
    if form == "tuple":
        assert type(structure) is tuple, structure
        return list(structure)
    assert type(structure).__name__ == "Params", structure
    return list(structure)


def flat(parts):
    return np.concatenate([np.ravel(np.asarray(p, float)) for p in parts])


def check(program, directory):
    module, f = load(program, directory)
    where = f"\n{program!r}"
    try:
        x, y, n = program.args
        params = module.pack(x, y)
        value = f(params, n)
        assume(np.all(np.isfinite(value)) and np.max(np.abs(value)) < 1e6)
        assume(fuzz_programs.comparison_margin(program.source, program.args,
                                               name="f_flat") > MARGIN)
        oracle_value, jac = oracle_jacobian(module.f_flat, program.args, (0, 1))
        assume(np.all(np.isfinite(jac)) and np.max(np.abs(jac)) < 1e6)
        assert close(oracle_value, value, 1e-13), f"oracle value {oracle_value}{where}"

        rng = np.random.default_rng(int(digest(program), 16))
        tx = float(rng.normal())
        ty = rng.normal(size=np.shape(y)) if np.ndim(y) else float(rng.normal())
        cotangent = rng.normal(size=np.shape(value)) if np.ndim(value) else 1.0
        want_tangent = jac @ flat([tx, ty])
        want_cotangent = np.ravel(cotangent) @ jac if np.ndim(value) else jac.ravel()

        got_value, grads = derive("reverse", s2sad.vjp(f), (params, n), cotangent, where)
        assert close(got_value, value, 1e-12), f"reverse value {got_value} != {value}{where}"
        got = flat(leaves(grads, program.structure))
        assert close(got, want_cotangent, 1e-9), f"reverse {got} != {want_cotangent}{where}"
        if not np.ndim(value):
            alone = derive("gradient", lambda p, m, _: s2sad.grad(f)(p, m), (params, n),
                           None, where)
            got = flat(leaves(alone, program.structure))
            assert close(got, jac.ravel(), 1e-9), f"gradient {got} != {jac.ravel()}{where}"
        tan_value, tangent = derive("forward", s2sad.jvp(f), (params, n), module.pack(tx, ty),
                                    where)
        assert close(tan_value, value, 1e-12), f"forward value {tan_value} != {value}{where}"
        assert close(np.ravel(tangent), want_tangent, 1e-9), \
            f"forward {tangent} != {want_tangent}{where}"

        numeric = numeric_jvp(module.f_flat, program.args, (0, 1), (tx, ty))
        finer = 4 * numeric_jvp(module.f_flat, program.args, (0, 1), (tx / 4, ty / 4))
        assume(close(finer, numeric, 5e-6))
        assert close(np.ravel(numeric), want_tangent, 1e-5), \
            f"central differences {numeric} != {want_tangent}{where}"
    finally:
        sys.modules.pop(module.__name__, None)


def test_structured_programs(fuzz, tmp_path):
    checked = []

    @fuzz.settings(EXAMPLES)
    @given(fuzz_programs.structured_programs())
    def each(program):
        note(f"program:\n{program!r}")
        check(program, tmp_path)
        checked.append(program.structure)

    each()
    fuzz.count("structured", len(checked))
    assert len(checked) >= fuzz.examples(EXAMPLES) // 2
    assert set(checked) == set(fuzz_programs.STRUCTURES), checked
