"""Golden tests: the generated adjoints and tangents of a few representative functions,
pinned.

A change to the emitted code shows up here as a diff to review, not as a surprise. To
accept a deliberate change, run with S2SAD_UPDATE_GOLDEN=1 and review the files.
"""
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg

import s2sad

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent / "samples"))
import dict_network  # noqa: E402
import loops  # noqa: E402
import seeds  # noqa: E402
from programs.control_flow import helpers_inlined  # noqa: E402


def logistic_nll(w, b, x, y):
    z = x @ w + b
    p = 1 / (1 + np.exp(-z))
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def positive_energy(x, w):
    return sum(c * v ** 2 for v, c in zip(x, w) if v > 0)


def gaussian_process_nll(length, noise, x, y):
    k = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / length ** 2) + noise * np.eye(len(x))
    l = np.linalg.cholesky(k)
    z = scipy.linalg.solve_triangular(l, y, lower=True)
    return 0.5 * np.sum(z ** 2) + np.sum(np.log(np.diag(l)))


CASES = {
    "griewank_walther": lambda: s2sad.source(seeds.griewank_walther, 1.5, 0.5, wrt=(0, 1)),
    "neg_log_sigmoid": lambda: s2sad.source(seeds.neg_log_sigmoid, 1.5, 0.5, wrt=(0, 1)),
    "logistic_nll": lambda: s2sad.source(
        logistic_nll, np.ones(3), 0.5, np.ones((4, 3)), np.ones(4), wrt=(0, 1)),
    "logistic_map": lambda: s2sad.source(loops.logistic_map, 0.3, 10, wrt=0),
    "cumulative_product": lambda: s2sad.source(loops.cumulative_product, np.ones(4)),
    "elman": lambda: s2sad.source(
        loops.elman, np.ones((3, 2)), np.ones((2, 4)), np.ones((4, 4)), np.ones(4),
        np.ones((4, 1)), np.ones((3, 1)), wrt=(1, 2, 3)),
    "power": lambda: s2sad.source(loops.power, 1.5, 3),
    "griewank_walther_tangent": lambda: s2sad.source(
        seeds.griewank_walther, 1.5, 0.5, wrt=(0, 1), mode="forward"),
    "logistic_map_tangent": lambda: s2sad.source(loops.logistic_map, 0.3, 10,
                                                 mode="forward"),
    "cumulative_product_tangent": lambda: s2sad.source(loops.cumulative_product, np.ones(4),
                                                       mode="forward"),
    "elman_tangent": lambda: s2sad.source(
        loops.elman, np.ones((3, 2)), np.ones((2, 4)), np.ones((4, 4)), np.ones(4),
        np.ones((4, 1)), np.ones((3, 1)), wrt=(1, 2, 3), mode="forward"),
    "power_tangent": lambda: s2sad.source(loops.power, 1.5, 3, mode="forward"),
    "positive_energy": lambda: s2sad.source(positive_energy, np.ones(3), np.ones(3),
                                            wrt=(0, 1)),
    "positive_energy_tangent": lambda: s2sad.source(positive_energy, np.ones(3), np.ones(3),
                                                    wrt=(0, 1), mode="forward"),
    "dict_network": lambda: s2sad.source(dict_network.loss, dict_network.initial(),
                                         np.ones((4, 2)), np.ones(4)),
    "inlined_pair": lambda: s2sad.source(helpers_inlined.inl_in_branch, 0.8, 0.6, wrt=(0, 1)),
    "inlined_pair_tangent": lambda: s2sad.source(helpers_inlined.inl_in_branch, 0.8, 0.6,
                                                 wrt=(0, 1), mode="forward"),
    "recorded_path": lambda: s2sad.source(loops.recorded_path, 0.3, 3.7, 10, wrt=(0, 1)),
    "recorded_path_tangent": lambda: s2sad.source(loops.recorded_path, 0.3, 3.7, 10,
                                                  wrt=(0, 1), mode="forward"),
    "gaussian_process_nll": lambda: s2sad.source(
        gaussian_process_nll, 0.5, 0.1, np.linspace(0, 1, 4), np.ones(4), wrt=(0, 1)),
    "gaussian_process_nll_tangent": lambda: s2sad.source(
        gaussian_process_nll, 0.5, 0.1, np.linspace(0, 1, 4), np.ones(4), wrt=(0, 1),
        mode="forward"),
    # second order: the tangent of the generated gradient (H v), and its adjoint
    "log_sin_hessian": lambda: s2sad.source(s2sad.grad(seeds.log_sin, wrt=(0, 1)), 2.0, 5.0,
                                            wrt=(0, 1), mode="forward"),
    "logistic_map_hessian": lambda: s2sad.source(s2sad.grad(loops.logistic_map), 0.3, 10,
                                                 mode="forward"),
    "logistic_map_second_adjoint": lambda: s2sad.source(s2sad.grad(loops.logistic_map), 0.3,
                                                        10, mode="gradient"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_source_is_pinned(name):
    path = ROOT / "golden" / f"{name}.py.txt"
    generated = CASES[name]()
    if os.environ.get("S2SAD_UPDATE_GOLDEN"):
        path.write_text(generated)
    assert generated == path.read_text()


def test_generation_is_deterministic():
    from s2sad import pipeline
    first = CASES["logistic_nll"]()
    pipeline.forget()
    assert CASES["logistic_nll"]() == first
