"""The runnable samples: each runs as a script and prints what it promises, and the
numbers its main() returns agree with references that do not come from s2sad (the
lecture notes' tables, analytic gradients, central differences, SciPy)."""
import itertools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess, rosen_hess_prod
from util import numeric_grad

import s2sad

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "samples"))
import dict_network  # noqa: E402
import elman  # noqa: E402
import evaluation_trace  # noqa: E402
import kalman  # noqa: E402
import logistic_regression  # noqa: E402
import lotka_volterra  # noqa: E402
import newton  # noqa: E402
import rosenbrock  # noqa: E402
import sum_of_squares  # noqa: E402
import two_layer_network  # noqa: E402


def run_sample(name, *args):
    """Run samples/<name>.py as a script from the repository root (with `args` on its
    command line); return its output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, f"samples/{name}.py", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return out.stdout


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- seed 000's evaluation trace

# The notes' table at (1.5, 0.5), x_dot = (1, 0), to the digits the notes give. The notes
# round every step, so their y = v6 = 2.0167 is 2.016647 to more digits.
SEED_VALUES = {"x1": 1.5, "x2": 0.5, "v1": 3.0, "v2": 0.1411, "v3": 1.6487, "v4": 1.3513,
               "v5": 1.4924, "v6": 2.0167}
SEED_TANGENTS = {"x1": 1.0, "x2": 0.0, "v1": 2.0, "v2": -1.98, "v3": 0.0, "v4": 2.0,
                 "v5": 0.02, "v6": 3.0118}
TANGENT_DIGITS = {"v2": 2, "v5": 2}


def perturbed_trace(name, delta):
    """y of the notes' trace with `delta` added to v_name as soon as it is computed."""
    v = {"x1": 1.5, "x2": 0.5}
    steps = [("v1", lambda: v["x1"] / v["x2"]), ("v2", lambda: math.sin(v["v1"])),
             ("v3", lambda: math.exp(v["x2"])), ("v4", lambda: v["v1"] - v["v3"]),
             ("v5", lambda: v["v2"] + v["v4"]), ("v6", lambda: v["v5"] * v["v4"])]
    if name in v:
        v[name] += delta
    for key, step in steps:
        v[key] = step() + (delta if key == name else 0.0)
    return v["v6"]


def seed_adjoint(name, h=1e-6):
    """The notes' definition v_bar = dy/dv: how y moves when v alone is perturbed."""
    return (perturbed_trace(name, h) - perturbed_trace(name, -h)) / (2 * h)


@pytest.fixture(scope="module")
def trace():
    return evaluation_trace.main()


def by_name(trace):
    return {row.name: row for row in trace.rows}


def test_trace_values_match_the_notes(trace):
    rows = by_name(trace["steps"])
    assert list(rows) == list(SEED_VALUES)
    for name, want in SEED_VALUES.items():
        if name == "v6":
            assert rows[name].value == pytest.approx(want, abs=1e-4)
        else:
            assert round(rows[name].value, 4) == want, name


def test_trace_tangents_match_the_notes(trace):
    rows = by_name(trace["steps"])
    for name, want in SEED_TANGENTS.items():
        assert round(rows[name].dot, TANGENT_DIGITS.get(name, 4)) == want, name


def test_trace_adjoints_are_the_sensitivities_of_y(trace):
    rows = by_name(trace["steps"])
    for name, row in rows.items():
        assert row.bar == pytest.approx(seed_adjoint(name), rel=1e-8, abs=1e-8), name
    # one backward sweep gives the notes' forward-mode result as its first component
    assert round(rows["x1"].bar, 4) == SEED_TANGENTS["v6"]


def test_trace_of_the_one_line_formula(trace):
    rows = trace["expression"].rows
    assert rows[-1].value == pytest.approx(evaluation_trace.griewank_walther(1.5, 0.5),
                                           rel=1e-15)
    rounded = {round(row.value, 4) for row in rows}
    assert {3.0, 0.1411, 1.6487, 1.3513, 1.4924} <= rounded
    assert [row.operation for row in rows if row.operation.startswith("t3")] == ["t3 - t4"]
    steps = trace["steps"].rows
    for a, b in zip(steps[:2] + steps[-1:], rows[:2] + rows[-1:]):
        assert (a.dot, a.bar) == pytest.approx((b.dot, b.bar), rel=1e-14)


def test_trace_script_prints_the_tables():
    out = run_sample("evaluation_trace")
    rows = {}
    for line in out.splitlines():
        match = re.match(r"(x1|x2|v\d) +(.+?) +(-?\d+\.\d{4}) +(-?\d+\.\d{4}) +"
                         r"(-?\d+\.\d{4})( +\d+)?$", line)
        if match:
            rows[match.group(1)] = match.groups()[1:5]
    assert set(rows) == set(SEED_VALUES)
    assert rows["v3"][0] == "math.exp(x2)"
    for name, (_, value, dot, bar) in rows.items():
        if name != "v6":
            assert float(value) == SEED_VALUES[name], name
        assert round(float(dot), TANGENT_DIGITS.get(name, 4)) == SEED_TANGENTS[name], name
        assert float(bar) == pytest.approx(seed_adjoint(name), abs=5e-5), name
    assert re.search(r"^t3 +t2 \+ t1 +3\.1411 ", out, re.M)
    assert "dy/dx1 = y_dot = x1_bar = 3.0118" in out


# ---------------------------------------------------------------- seed 000's sum of squares

def test_sum_of_squares_ad_is_exact_and_differences_are_not():
    result = sum_of_squares.main()
    x = result["x"]
    assert np.array_equal(x, np.arange(1, 1001))
    assert result["reverse"].dtype == x.dtype and np.array_equal(result["reverse"], 2 * x)
    assert float(result["forward_e1"]) == 2.0
    worst = {h: np.max(np.abs(g / (2 * x) - 1)) for h, g in result["central"].items()}
    assert all(error > 0 for error in worst.values())
    assert worst[1e-2] < 1e-5  # a large step is nearly right: f is a quadratic
    assert worst[1e-6] > 1e-3  # a small one loses digits to rounding
    assert worst[max(worst)] < worst[min(worst)]
    assert worst[min(worst)] >= 0.5  # h = sqrt(eps): no correct digit for df/dx1


def test_sum_of_squares_script():
    out = run_sample("sum_of_squares")
    assert "equals 2*x bit for bit: True" in out
    assert "df/dx1 = 2.0, exact: True" in out
    errors = [float(line.split()[3]) for line in out.splitlines() if line.strip().startswith("h =")]
    assert len(errors) == 4 and errors[-1] >= 0.5


# ---------------------------------------------------------------- logistic regression

def logistic_gradient(w, X, y):
    """By hand: d/dw of mean log(1 + exp(-s x.w)) is X^T (sigmoid(X w) - y) / n."""
    return X.T @ (sigmoid(X @ w) - y) / len(y)


@pytest.fixture(scope="module")
def logistic():
    return logistic_regression.main()


def test_logistic_gradient_is_the_analytic_one(logistic):
    X, y, grad = logistic["X"], logistic["y"], logistic["grad"]
    rng = np.random.default_rng(3)
    for _ in range(5):
        w = rng.normal(scale=2.0, size=X.shape[1])
        np.testing.assert_allclose(grad(w, X, y), logistic_gradient(w, X, y),
                                   rtol=1e-11, atol=1e-14)


def test_logistic_both_optimizers_reach_the_minimum(logistic):
    X, y, bfgs, w_gd = logistic["X"], logistic["y"], logistic["bfgs"], logistic["gd"]
    nll = logistic_regression.nll
    assert bfgs.success
    assert np.max(np.abs(logistic_gradient(bfgs.x, X, y))) < 1e-7
    assert np.max(np.abs(logistic_gradient(w_gd, X, y))) < 1e-5
    assert nll(w_gd, X, y) == pytest.approx(bfgs.fun, abs=1e-9)
    assert nll(logistic["w0"], X, y) == pytest.approx(math.log(2))
    np.testing.assert_allclose(w_gd, bfgs.x, atol=1e-4)
    for w in (w_gd, bfgs.x):
        assert np.mean((X @ w > 0) == (y == 1)) > 0.85


def test_logistic_script():
    out = run_sample("logistic_regression")
    rows = [line for line in out.splitlines() if line.startswith(("gradient descent", "BFGS"))]
    assert len(rows) == 2
    nlls = [float(row[28:38]) for row in rows]
    accuracies = [float(row[38:48]) for row in rows]
    assert nlls[0] == pytest.approx(nlls[1], abs=1e-6) and nlls[0] < 0.5
    assert min(accuracies) > 0.85
    assert float(out.rsplit(":", 1)[1]) < 1e-6


# ---------------------------------------------------------------- seed 001's two-layer network

@pytest.fixture(scope="module")
def network():
    return two_layer_network.main()


def test_network_gradient_agrees_with_central_differences(network):
    X, y = network["X"], network["y"]
    w0, W = network["start"]
    numeric = numeric_grad(two_layer_network.nll, (w0, W, X, y), wrt=1)
    assert network["dW12"] == pytest.approx(numeric[0, 1], rel=1e-6)
    assert network["dW12_numeric"] == pytest.approx(numeric[0, 1], rel=1e-6)
    # every weight, at the trained weights too
    for weights in (network["start"], network["end"]):
        g_w0, g_W = s2sad.grad(two_layer_network.nll, wrt=(0, 1))(*weights, X, y)
        n_w0, n_W = numeric_grad(two_layer_network.nll, (*weights, X, y), wrt=(0, 1))
        np.testing.assert_allclose(g_w0, n_w0, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(g_W, n_W, rtol=1e-5, atol=1e-6)


def test_network_learns_the_moons(network):
    losses = [loss for _, loss, _ in network["losses"]]
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < 0.8 * losses[0]
    assert losses[-1] > network["floor"]
    w0, W = network["end"]
    assert losses[-1] == pytest.approx(two_layer_network.nll(w0, W, network["X"], network["y"]),
                                       rel=1e-3)
    accuracy = np.mean(two_layer_network.predict(w0, W, network["X"]) == (network["y"] == 1))
    assert accuracy >= 0.9
    assert network["losses"][0][2] < 0.7  # the random start is no better than a guess


def test_network_script():
    out = run_sample("two_layer_network")
    s2, numeric = [float(line.split()[-1]) for line in out.splitlines()
                   if line.strip().startswith(("s2sad", "central differences"))]
    assert s2 == pytest.approx(numeric, rel=1e-6)
    steps = [line.split() for line in out.splitlines() if re.match(r" +\d+ +\d+\.\d{3} ", line)]
    assert [int(s[0]) for s in steps] == [0, 500, 1000, 1500, 2000]
    assert float(steps[-1][1]) < float(steps[0][1]) and float(steps[-1][2]) >= 0.9


# ---------------------------------------------------------------- Elman network

@pytest.fixture(scope="module")
def recurrent():
    return elman.main()


def test_elman_gradient_at_start_agrees_with_central_differences(recurrent):
    x, z = recurrent["x"], recurrent["z"]
    params = elman.initial_weights()
    numeric = numeric_grad(elman.elman_loss, (*params, x, z), wrt=(0, 1, 2, 3))
    for got, want in zip(recurrent["grads"], numeric):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        assert np.max(np.abs(want)) > 0.1


def test_elman_training_lowers_the_loss(recurrent):
    losses = [loss for _, loss in recurrent["losses"]]
    assert losses[-1] < losses[0] / 100
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    final = elman.elman_loss(*recurrent["params"], recurrent["x"], recurrent["z"])
    assert final < losses[-1]  # one more step after the last recorded loss


def test_elman_script():
    out = run_sample("elman")
    assert "push(h)" in out and "h = pop()" in out
    differences = [float(line.split("|difference|")[1].split()[0])
                   for line in out.splitlines() if "|difference|" in line]
    assert len(differences) == 4 and max(differences) < 1e-6
    assert int(out.rsplit("factor of", 1)[1]) >= 100


# ---------------------------------------------------------------- Rosenbrock

def rosenbrock_gradient(x):
    """By hand: x_i appears in term i (as x_i) and term i - 1 (as x_{i+1})."""
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


@pytest.mark.parametrize("n", [2, 3, 10, 50])
def test_rosenbrock_gradient_is_the_analytic_one(n):
    gradient = s2sad.grad(rosenbrock.rosenbrock)
    rng = np.random.default_rng(n)
    for _ in range(3):
        x = rng.uniform(-2, 2, n)
        assert rosenbrock.rosenbrock(x) == pytest.approx(rosen(x), rel=1e-14)
        np.testing.assert_allclose(gradient(x), rosen_der(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(gradient(x), rosenbrock_gradient(x), rtol=1e-12, atol=1e-12)


def test_rosenbrock_bfgs_converges_to_ones():
    result = rosenbrock.main()
    np.testing.assert_allclose(result["gradient"](np.ones(10)), np.zeros(10), atol=0)
    for name, (exact, estimated) in result["results"].items():
        assert exact.success, name
        assert np.max(np.abs(exact.x - 1)) < 1e-6, name
        assert np.max(np.abs(rosen_der(exact.x))) < 1e-8, name
        assert exact.nfev < estimated.nfev, name
        assert np.max(np.abs(exact.x - 1)) < np.max(np.abs(estimated.x - 1)), name


def test_rosenbrock_script():
    out = run_sample("rosenbrock")
    rows = [line.split()[-5:] for line in out.splitlines()
            if re.search(r" (s2sad|estimated) +\d+ +\d+ +\d+ ", line)]
    assert [row[0] for row in rows] == ["s2sad", "estimated"] * 2
    for method, _, nfev, _, error in rows:
        assert (float(error) < 1e-8) == (method == "s2sad")
    assert "10-D minimum found" in out


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.mark.parametrize("name", ["loops", "seeds"])
def test_scripts_that_compare_with_derivatives_worked_out_by_hand(name):
    """Each line of these scripts prints s2sad's derivative, then `by hand` and the value
    derived on paper: the numbers on the two sides agree."""
    compared = 0
    for line in run_sample(name).splitlines():
        if "by hand" not in line:
            continue
        left, right = line.split("by hand")
        theirs = [float(x) for x in NUMBER.findall(right)]
        ours = [float(x) for x in NUMBER.findall(left)][-len(theirs):]
        assert theirs and len(ours) == len(theirs), line
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=line)
        compared += 1
    assert compared == {"loops": 8, "seeds": 1}[name]


def test_seed_script_prints_the_notes_gradient():
    out = run_sample("seeds")
    assert "gradient = (3.0118, -13.7240)" in out
    assert "gradient equals 2*x exactly: True" in out


# ---------------------------------------------------------------- a dict of parameters


def test_dict_network_trains_with_gradients_in_the_structure_of_its_parameters():
    """The gradient of the dict matches central differences key by key, and L-BFGS on the
    raveled dict lowers the loss to the noise level (the data's noise is 0.05, so its
    mean square is 0.0025)."""
    out = dict_network.main()
    assert out["after"] < 0.2 * out["before"] and out["after"] < 0.02
    params, x, y = out["params"], out["x"], out["y"]
    grad = s2sad.grad(dict_network.loss)(params, x, y)
    assert list(grad) == list(params)
    for key, value in params.items():
        def at(leaf, key=key):
            return dict_network.loss({**params, key: leaf}, x, y)
        assert np.allclose(grad[key], numeric_grad(at, (value,)), rtol=1e-5, atol=1e-8)
    text = run_sample("dict_network")
    assert "def loss_gradient(params_W1, params_b1, params_W2, params_b2, x, y" in text


# ---------------------------------------------------------------- a helper returning a pair


def test_lotka_volterra_gradient_and_fit():
    """The misfit's gradient through RK4 steps whose right-hand side returns a pair (the
    helper inlined) matches central differences parameter by parameter, and the fit
    recovers the parameters the data were made with to within the noise."""
    observed = lotka_volterra.observations()
    start = {"alpha": 0.8, "beta": 0.3, "gamma": 0.6, "delta": 0.15}
    grad = s2sad.grad(lotka_volterra.misfit)(start, observed, 0.05, 4)
    for name, value in start.items():
        def at(v, name=name):
            return lotka_volterra.misfit({**start, name: v}, observed, 0.05, 4)
        assert grad[name] == pytest.approx(numeric_grad(at, (value,)), rel=1e-6)
    out = lotka_volterra.main()
    for name, true in lotka_volterra.TRUE.items():
        assert out["fitted"][name] == pytest.approx(true, rel=0.1)
    assert out["result"].fun < 0.1 * lotka_volterra.misfit(start, observed, 0.05, 4)


# ---------------------------------------------------------------- lists built in a loop


def test_kalman_likelihood_built_with_lists():
    """The filter appends predictions and variances to lists; the gradient of the
    likelihood in both log-variances matches central differences in both modes, and
    BFGS finds variances near the simulated ones (200 observations)."""
    y = kalman.simulate()
    for point in [(0.0, 0.0), (-2.0, -0.5)]:
        grads = s2sad.grad(kalman.log_likelihood, wrt=(0, 1))(*point, y)
        numeric = numeric_grad(kalman.log_likelihood, (*point, y), wrt=(0, 1))
        assert np.allclose(grads, numeric, rtol=1e-6)
        _, tangent = s2sad.jvp(kalman.log_likelihood, wrt=(0, 1))(*point, y, (1.0, 0.0))
        assert tangent == pytest.approx(grads[0], rel=1e-9)
    out = kalman.main()
    q, r = np.exp(out["result"].x)
    assert 0.02 < q < 0.12 and 0.35 < r < 0.7


# ---------------------------------------------------------------- Newton-CG with s2sad.hvp


def logistic_hessian(w, X, y, penalty):
    """By hand: X^T diag(p (1 - p)) X / n + penalty I, p = sigmoid(X w)."""
    p = sigmoid(X @ w)
    return (X.T * (p * (1 - p))) @ X / len(y) + penalty * np.eye(len(w))


def test_newton_second_derivatives_are_the_analytic_ones():
    """The sample's Hessian-vector products, `jvp(grad(f))` and the whole Hessians against
    SciPy's Rosenbrock Hessian and the logistic Hessian worked out by hand."""
    rng = np.random.default_rng(22)
    X, y = newton.dataset(rows=40, features=5)
    for _ in range(3):
        x, v = rng.uniform(-2, 2, 30), rng.normal(size=30)
        np.testing.assert_allclose(s2sad.hvp(newton.rosenbrock)(x, v), rosen_hess_prod(x, v),
                                   rtol=1e-10, atol=1e-9)
        gradient, product = s2sad.jvp(s2sad.grad(newton.rosenbrock))(x, v)
        np.testing.assert_allclose(gradient, rosen_der(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(product, rosen_hess_prod(x, v), rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(s2sad.hessian(newton.rosenbrock)(x[:6]), rosen_hess(x[:6]),
                                   rtol=1e-10, atol=1e-9)
        w, u = rng.normal(size=5), rng.normal(size=5)
        H = logistic_hessian(w, X, y, 0.1)
        np.testing.assert_allclose(s2sad.hvp(newton.regularised_nll)(w, X, y, 0.1, u), H @ u,
                                   rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(s2sad.hessian(newton.regularised_nll)(w, X, y, 0.1), H,
                                   rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def minimized():
    return newton.main()


def test_newton_and_bfgs_reach_the_minimum(minimized):
    (rosen_name, on_rosen), (logistic_name, on_logistic) = minimized.items()
    assert rosen_name.startswith("Rosenbrock") and logistic_name.startswith("logistic")
    for method, (result, row) in on_rosen.items():
        assert result.success, method
        assert np.max(np.abs(result.x - 1)) < 1e-6 and result.fun < 1e-12, method
        assert row["value"] == result.fun and row["gradient"] > 0
    X, y = newton.dataset()
    w_bfgs = on_logistic["BFGS"][0].x
    for method, (result, row) in on_logistic.items():
        w = result.x
        exact = logistic_gradient(w, X, y) + newton.PENALTY * w
        assert result.success and np.linalg.norm(exact) < 1e-6, method
        assert row["|gradient|"] == pytest.approx(np.linalg.norm(exact), rel=1e-3, abs=1e-12)
        np.testing.assert_allclose(w, w_bfgs, atol=1e-6)
    for by_method in minimized.values():
        (newton_cg, newton_row), (bfgs, bfgs_row) = by_method["trust-ncg"], by_method["BFGS"]
        assert newton_cg.nit < bfgs.nit
        assert newton_row["hvp"] > newton_cg.nit and bfgs_row["hvp"] is None


def test_newton_script():
    out = run_sample("newton")
    rows = [line.split() for line in out.splitlines()
            if line.split()[:1] in (["trust-ncg"], ["BFGS"])]
    assert [row[0] for row in rows] == ["trust-ncg", "BFGS"] * 2
    for row in rows:
        assert float(row[6]) < 1e-6
    for newton_row, bfgs_row in (rows[:2], rows[2:]):
        assert int(newton_row[1]) < int(bfgs_row[1]) and bfgs_row[4] == "-"
    assert float(rows[0][5]) < 1e-12 and float(rows[2][5]) == pytest.approx(float(rows[3][5]))


# ---------------------------------------------------------------- Dask chunks on a cluster

def test_dask_sample_matches_the_in_memory_gradient():
    """The lazy gradient on the first chunk is the in-memory one and the formula's, the
    loss falls, and each worker reports its peak memory (the sample's claim, a few chunks
    per worker, is measured at its full size: docs/dask.md)."""
    out = run_sample("dask_logistic_regression", "200000", "20000", "2", "2")
    found = re.search(r"in-memory one (\S+), from the formula (\S+)", out)
    assert "a lazy Array" in out
    assert float(found[1]) < 1e-12 and float(found[2]) < 1e-12
    before, after = map(float, re.search(r"loss (\S+) -> (\S+),", out).groups())
    assert after < before
    assert len(re.findall(r"worker peak memory \d+ MB", out)) == 2
