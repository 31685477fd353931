"""Realistic user programs (tests/programs/realistic/): each is differentiated exactly in
both modes or refused with an `s2sad.Error`, never a crash or a wrong number.

`REFUSED` lists the programs s2sad refuses today, each with a fragment of the message it
refuses with. As constructs land the list shrinks: a listed program that starts working
fails `test_exact_or_refused` until it is taken off, so the list says what is refused.
benchmarks/realistic.py prints the same verdicts as a table.
"""
import dataclasses
import os
import sys

import numpy as np
import pytest
from programs import realistic
from programs.realistic import reference, verdict
from programs.realistic.program import Program

REFUSED = {}

PROGRAMS = realistic.PROGRAMS
NAMES = [p.name for p in PROGRAMS]


def test_every_program_has_a_name_of_its_own_and_refused_names_programs():
    assert len(set(NAMES)) == len(NAMES)
    assert set(REFUSED) <= set(NAMES)


@pytest.mark.parametrize("mode", verdict.MODES)
@pytest.mark.parametrize("program", PROGRAMS, ids=NAMES)
def test_exact_or_refused(program, mode):
    found = verdict.judge(program, mode)
    assert found.status in (verdict.EXACT, verdict.REFUSED), f"{found.status}: {found.detail}"
    if program.name in REFUSED:
        assert found.status == verdict.REFUSED, \
            f"{program.name} is {found.status} in {mode} mode now: take it off REFUSED"
        assert REFUSED[program.name] in found.detail
    else:
        assert found.status == verdict.EXACT, found.detail


# ---------------------------------------------------------------- the references themselves

@pytest.mark.parametrize("program", [p for p in PROGRAMS if p.dual],
                         ids=[p.name for p in PROGRAMS if p.dual])
def test_central_differences_agree_with_the_dual_numbers(program):
    """Two unrelated references agree (a verdict of exact then means agreeing with both):
    the dual tangent, the central difference along the same direction and the inner
    product of the central-difference gradient with it."""
    direction = reference.tangents(program)
    value, tangent = reference.dual_directional(program, direction)
    assert value == pytest.approx(float(program.fn(*program.args)), rel=1e-12)
    assert reference.directional(program, direction) == pytest.approx(tangent, rel=1e-6)
    gradient = reference.gradient(program)
    assert reference.inner(gradient, direction) == pytest.approx(tangent, rel=1e-6)


@dataclasses.dataclass
class Weights:
    scale: float
    w: np.ndarray


def structured(params, weights):
    return params["a"] ** 2 * np.sum(params["v"]) + weights.scale * np.sum(weights.w ** 3)


def test_a_structured_gradient_is_taken_and_compared_leaf_by_leaf():
    params = {"a": 1.5, "v": np.array([0.5, -1.0, 2.0])}
    weights = Weights(0.7, np.array([1.0, -2.0]))
    gradient = reference.gradient(Program(structured, (params, weights), (0, 1)))
    want = ({"a": 3.0 * 1.5, "v": np.full(3, 2.25)},
            Weights(float(np.sum(weights.w ** 3)), 3 * 0.7 * weights.w ** 2))
    assert isinstance(gradient[0], dict) and isinstance(gradient[1], Weights)
    assert verdict.mismatched(gradient, want, 1e-7, 1e-9) == ""
    as_dict = (want[0], {"scale": want[1].scale, "w": want[1].w})
    assert verdict.mismatched(gradient, as_dict, 1e-7, 1e-9) == ""
    off = ({"a": 4.5, "v": np.array([2.25, 2.25, 2.3])}, want[1])
    assert "gradient[0]['v']: off by" in verdict.mismatched(gradient, off, 1e-7, 1e-9)
    assert "expected" in verdict.mismatched(gradient, (want[0],), 1e-7, 1e-9)


def test_a_wrong_derivative_is_called_wrong(monkeypatch):
    """The judge is not lenient: a reference 1% off makes an exact program wrong."""
    program = next(p for p in PROGRAMS if p.name == "smoothing_sse")
    gradient, directional = reference.gradient, reference.directional
    monkeypatch.setattr(reference, "gradient", lambda p: 1.01 * gradient(p))
    assert verdict.judge(program, "reverse").status == verdict.WRONG
    monkeypatch.setattr(reference, "directional", lambda p, d: 1.01 * directional(p, d))
    assert verdict.judge(program, "forward").status == verdict.WRONG


def test_the_benchmark_script_prints_the_table_and_totals(capsys):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    from benchmarks import realistic as script
    script.main(["--only", "smoothing", "--only", "holt"])
    out = capsys.readouterr().out
    assert "smoothing_sse" in out and "holt_sse" in out and "dict of parameters" in out
    exact = sum(verdict.judge(p, "reverse").status == verdict.EXACT for p in PROGRAMS
                if p.name in ("smoothing_sse", "holt_sse"))
    assert f"2 programs: {exact} exact ({50 * exact}%), {2 - exact} refused " \
        f"({50 * (2 - exact)}%), 0 wrong (0%), 0 crash (0%)" in out
