"""The problems of benchmarks/hessian.py and the references its second derivatives are
checked against before they are timed: a benchmark of a wrong derivative is worthless.

The products are taken on two functions of benchmarks/cases.py, Rosenbrock and the MLP
(in all four of its parameters, so the direction is a tuple), and checked against central
differences of the hand-written gradient along the direction (benchmarks/by_hand.py) to a
relative 1e-6, far above the differences' own error; the Hessian, of the logistic negative
log-likelihood with 50 features, against the one worked out by hand to 1e-8. `small=True`
gives the same problems on small inputs, for the tests.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from benchmarks import by_hand, cases, check, functions

PRODUCT_RTOL, HESSIAN_RTOL, STEP = 1e-6, 1e-8, 1e-6


@dataclass
class Problem:
    label: str
    fn: Callable
    args: tuple
    wrt: tuple
    v: tuple                        # one direction per position in wrt
    hand_gradient: Callable         # (*args) -> tuple of gradients
    hand_hessian: Optional[Callable] = None


def problems(small=False):
    """The two products (from benchmarks/cases.py) and the 50-parameter Hessian."""
    by_fn = {case.fn: case for case in cases.cases(small)}
    found = []
    for fn in (functions.rosenbrock, functions.mlp_nll):
        case = by_fn[fn]
        found.append(Problem(case.label, fn, case.args, case.wrt, case.seeds(),
                             case.hand_gradient(case.args)))
    rows, features = (40, 5) if small else (500, 50)
    rng = np.random.default_rng(50)
    X = rng.normal(size=(rows, features))
    y = (rng.random(rows) < 0.5).astype(float)
    args = (0.1 * rng.normal(size=features), X, y)
    found.append(Problem(f"logistic NLL, {rows} x {features}", functions.logistic_nll, args,
                         (0,), (np.ones(features),), by_hand.logistic_nll_gradient(args),
                         logistic_nll_hessian))
    return found


def logistic_nll_hessian(w, X, y):
    """By hand: X^T diag(p (1 - p)) X / n with p = sigmoid(X w) (the labels' signs square
    away)."""
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return (X.T * (p * (1.0 - p))) @ X / len(y)


def along(problem):
    """H v by central differences of the hand-written gradient along the direction."""
    def moved(sign):
        args = list(problem.args)
        for position, d in zip(problem.wrt, problem.v):
            args[position] = args[position] + sign * STEP * d
        return problem.hand_gradient(*args)
    return tuple((a - b) / (2 * STEP) for a, b in zip(moved(1), moved(-1)))


def offering(problem, tools):
    """The tools that offer what `problem` times: a Hessian, or a product."""
    member = "hessian" if problem.hand_hessian else "hvp"
    return {label: tool for label, tool in tools.items() if getattr(tool, member)}


def checked(problem, tools):
    """Raise check.Disagreement unless every tool's products (or Hessian) agree with the
    references; the calls made here also trace and compile what jit compiles."""
    gradient = problem.hand_gradient(*problem.args)
    hessian = problem.hand_hessian is not None
    reference = (problem.hand_hessian(*problem.args),) if hessian else along(problem)
    limit = HESSIAN_RTOL if hessian else PRODUCT_RTOL
    for label, tool in tools.items():
        pairs = [(tool.grad(), gradient, check.RTOL, "gradient")]
        found = (tool.hessian(),) if hessian else tool.hvp()
        pairs.append((found, reference, limit, "Hessian" if hessian else "H v"))
        for values, expected, rtol, what in pairs:
            error = max(check.relative_error(a, b) for a, b in zip(values, expected)) \
                if len(values) == len(expected) else np.inf
            if not error <= rtol:
                raise check.Disagreement(f"{problem.label}: the {what} by {label} differs "
                                         f"from the reference by {error:.2e} (relative, "
                                         f"limit {rtol:g})")
