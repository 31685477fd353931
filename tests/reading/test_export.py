"""`s2sad.export` and `s2sad export`: a derivative as a standalone module.

Each exported module is imported in another Python process in which s2sad cannot be
imported (an import hook refuses it, and the process checks that it does), called there,
and its numbers compared here with `grad`, `value_and_grad` and `jvp` and with central
differences. One process runs every module of the table, so the check stays cheap.
"""
import ast
import inspect
import math
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad import runtime
from s2sad.reading import collect
from s2sad.reading.export import Module
from util import assert_close, numeric_grad, numeric_jvp, random_tangents

import export_programs as programs

PROGRAMS = Path(programs.__file__)
MODES = ("gradient", "reverse", "forward")
SUFFIXES = {"gradient": "gradient", "reverse": "adjoint", "forward": "tangent"}
CASES = [(fn, args, wrt, mode) for fn, args, wrt in programs.CASES for mode in MODES]
IDS = [f"{fn.__name__}-{'-'.join(map(str, np.atleast_1d(args[0])[:1]))}-{mode}"
       for fn, args, wrt, mode in CASES]

# imports each module of a folder, calls its public function, pickles the results
ISOLATED = '''
import importlib, pickle, sys

class WithoutS2sad:
    """Imports as if s2sad were not installed."""
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "s2sad":
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, WithoutS2sad())
try:
    import s2sad
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("s2sad can be imported")
folder, calls, results = sys.argv[1:]
sys.path.insert(0, folder)
with open(calls, "rb") as file:
    calls = pickle.load(file)
found = []
for module_name, arguments in calls:
    module = importlib.import_module(module_name)
    found.append((module.__all__, getattr(module, module.__all__[0])(*arguments)))
assert not [name for name in sys.modules if name.partition(".")[0] == "s2sad"]
with open(results, "wb") as file:
    pickle.dump(found, file)
'''


def run_without_s2sad(folder, calls):
    """`(module.__all__, result)` of each `(module, arguments)` call, run in a process
    that cannot import s2sad and sees only `folder` besides the standard library and
    the installed NumPy and SciPy."""
    with open(folder / "calls.pickle", "wb") as file:
        pickle.dump(calls, file)
    done = subprocess.run(
        [sys.executable, "-I", "-c", ISOLATED, str(folder), str(folder / "calls.pickle"),
         str(folder / "results.pickle")], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(folder / "results.pickle", "rb") as file:
        return pickle.load(file)


def tangents_of(args, wrt):
    found = random_tangents(args, wrt, seed=24)
    return found if isinstance(wrt, tuple) else found[0]


def arguments(fn, args, wrt, mode):
    """What the exported function takes: the arguments, then for a tangent the
    direction of each differentiated argument."""
    if mode != "forward":
        return tuple(args)
    found = tangents_of(args, wrt)
    return tuple(args) + (found if isinstance(wrt, tuple) else (found,))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each case's exported source and what its module returned without s2sad."""
    folder = tmp_path_factory.mktemp("exported")
    texts, calls = [], []
    for number, (fn, args, wrt, mode) in enumerate(CASES):
        text = s2sad.export(fn, *args, mode=mode, wrt=wrt)
        (folder / f"case_{number}.py").write_text(text)
        texts.append(text)
        calls.append((f"case_{number}", arguments(fn, args, wrt, mode)))
    return texts, run_without_s2sad(folder, calls)


def shaped(found, like):
    """A gradient as the generated code returns it, in the shape of its argument (an
    adjoint may have fewer axes where the argument broadcasts)."""
    if isinstance(like, tuple):
        return tuple(shaped(f, g) for f, g in zip(found, like))
    return np.broadcast_to(found, np.shape(like))


@pytest.mark.parametrize("number", range(len(CASES)), ids=IDS)
def test_an_exported_module_computes_what_s2sad_computes(exported, number):
    fn, args, wrt, mode = CASES[number]
    names, result = exported[1][number]
    assert names == [f"{fn.__name__}_{SUFFIXES[mode]}"]
    if mode == "forward":
        direction = tangents_of(args, wrt)
        value, tangent = result
        want_value, want_tangent = s2sad.jvp(fn, wrt)(*args, direction)
        assert_close(value, want_value, 1e-12, 1e-12)
        assert_close(tangent, want_tangent, 1e-12, 1e-12)
        assert_close(tangent, numeric_jvp(fn, args, wrt, direction
                                          if isinstance(wrt, tuple) else (direction,)))
        return
    gradient = s2sad.grad(fn, wrt)(*args)
    if mode == "reverse":
        value, result = result
        assert_close(value, fn(*args), 1e-12, 1e-12)
    assert_close(shaped(result, gradient), gradient, 1e-12, 1e-12)
    assert_close(shaped(result, gradient), numeric_grad(fn, args, wrt))


def test_the_table_reaches_every_part_of_a_module(exported):
    """The programs between them make modules with constants, closure values, run-time
    helpers (brought along with the helpers they call), the user's functions, callee
    derivatives, a tape, SciPy, branches."""
    text = "\n".join(exported[0])
    for part in ("WEIGHTS = np.array(", "OFFSETS = (0.5, -0.25)", "L2 = 0.01",
                 "c = np.array([1.0, 2.0, 3.0])", "PICKS = np.array([0, 2, 2, 1, 0], dtype",
                 "def unbroadcast(", "def prod_others(", "def _axes_last(", "def eigh_adjoint(",
                 "def power(x, n):", "def power_vjp(", "def power_jvp(", "push(x)",
                 "import scipy.special", "np.add.at(", "if x > y:", "import numpy.linalg as la",
                 "from math import exp as e", "from numpy import sin as sine",
                 "from scipy.special import expit", "HALF = numpy.float32(0.5)"):
        assert part in text, part


def test_the_vector_mode_gives_every_direction_at_once(tmp_path):
    x = np.array([0.3, -1.2, 0.8])
    (tmp_path / "vector.py").write_text(s2sad.export(programs.closure, x, mode="vector"))
    [(names, (value, tangents))] = run_without_s2sad(tmp_path, [("vector", (x, np.eye(3)))])
    assert names == ["loss_tangents"]
    assert_close(value, programs.closure(x), 1e-12, 1e-12)
    assert_close(tangents, s2sad.grad(programs.closure)(x), 1e-12, 1e-12)


# ---------------------------------------------------------------- what the module holds

def test_the_header_says_what_the_module_was_generated_from():
    text = s2sad.export(programs.polynomial, 1.3, 0.7, mode="reverse", wrt=(0, 1))
    header = text.split("\n\n")[0]
    line = inspect.getsourcelines(programs.polynomial)[1]
    for part in (f"s2sad {s2sad.__version__}", "`polynomial`", f"export_programs.py:{line}",
                 'mode="reverse"', "wrt=(x, y)", "x: a scalar, y: a scalar",
                 "Call: polynomial_adjoint(x, y, polynomial_bar=1.0) -> "
                 "(polynomial, (x_bar, y_bar))", "without s2sad"):
        assert part in " ".join(header.replace("# ", "").split("\n")), part
    assert all(line.startswith("# ") for line in header.split("\n"))


def test_the_parts_come_in_order_and_the_public_function_is_in_all():
    text = s2sad.export(programs.eigen, np.eye(3) + 0.1)
    module = ast.parse(text)
    assert [ast.literal_eval(node.value) for node in module.body
            if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"] == \
        [["eigen_gradient"]]
    places = [text.index(part) for part in (
        "# Generated", "__all__", "import numpy as np", "# s2sad's run-time helpers",
        "def eigh_adjoint(", "# the derivatives", "def eigen_gradient(")]
    assert places == sorted(places)


def test_the_derivatives_are_the_code_source_shows():
    for mode in ("gradient", "reverse", "forward"):
        listing = s2sad.source(programs.polynomial, 1.3, 0.7, mode=mode)
        text = s2sad.export(programs.polynomial, 1.3, 0.7, mode=mode)
        assert text.rstrip("\n").endswith(listing.rstrip("\n"))
        # the tangent computes the values itself; the adjoints call the user's function
        power = "# the functions the derivatives call\n" + inspect.getsource(programs.power)
        assert (mode != "forward") == (power in text)


def test_exporting_again_gives_the_same_text():
    first = s2sad.export(programs.broadcast, np.ones(3), np.ones((2, 3)), wrt=(0, 1))
    s2sad.pipeline.forget()
    assert s2sad.export(programs.broadcast, np.ones(3), np.ones((2, 3)), wrt=(0, 1)) == first


@pytest.mark.parametrize("name", sorted({**runtime.HELPERS, **runtime.BOUND_ON_USE}))
def test_every_run_time_helper_is_written_out_with_what_it_calls(name, tmp_path):
    """Each of s2sad's run-time helpers, alone in a module, runs without s2sad: the
    helpers it calls and the constants it reads come along."""
    helper = {**runtime.HELPERS, **runtime.BOUND_ON_USE}[name]
    module = Module(collect.gather(functions=[helper]))
    text = module.text("# " + name)
    assert not re.search(r"^\s*(import|from)\s+s2sad\b", text, re.MULTILINE)
    (tmp_path / "helper.py").write_text(text)
    probe = ISOLATED.split("folder, calls")[0] + textwrap.dedent(f"""
        sys.path.insert(0, {str(tmp_path)!r})
        import helper
        assert callable(helper.{name}) and helper.__all__ == [{name!r}]
        """)
    done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_digamma_written_out_agrees_with_scipy(tmp_path):
    """A helper whose constants are module-level tuples (the series of digamma)."""
    from scipy.special import digamma
    x = np.array([0.3, 1.0, 2.5, 7.0])
    (tmp_path / "lgamma.py").write_text(s2sad.export(lgamma_sum, x))
    [(_, gradient)] = run_without_s2sad(tmp_path, [("lgamma", (x,))])
    assert_close(gradient, digamma(x), 1e-12, 1e-12)


def lgamma_sum(x):
    total = 0.0
    for i in range(4):
        total = total + math.lgamma(x[i])
    return total


def test_a_user_rule_and_its_partial_are_copied(tmp_path, registered):
    """export_programs.py gives its `erf` a rule with s2sad.defrule: the file imports
    s2sad, its exported gradient only `erf` and the partial derivative the rule names."""
    programs.with_erf_rule()
    rng = np.random.default_rng(2)
    args = (rng.normal(size=3), rng.normal(size=(6, 3)), np.array([1.0, 0, 0, 1, 1, 0]))
    text = s2sad.export(programs.probit_nll, *args)
    assert "def erf(x):" in text and "def erf_partial(x):" in text
    assert "import s2sad" not in text and "defrule" not in text
    (tmp_path / "probit.py").write_text(text)
    [(names, gradient)] = run_without_s2sad(tmp_path, [("probit", args)])
    assert names == ["probit_nll_gradient"]
    assert_close(gradient, s2sad.grad(programs.probit_nll)(*args), 1e-12, 1e-12)
    assert_close(gradient, numeric_grad(programs.probit_nll, args))


def test_a_derivative_of_a_derivative_is_exported_whole(tmp_path):
    """The tangent of the generated gradient, H v, with the derivatives of the recursive
    helper it calls in both modes."""
    x, y, v = 1.3, 0.7, 0.4
    text = s2sad.export(s2sad.grad(programs.polynomial), x, y, mode="forward")
    assert "from `grad_polynomial`" in text and "change `polynomial`" in text
    assert "def power_jvp(" in text and "def power_vjp_jvp(" in text
    (tmp_path / "hvp.py").write_text(text)
    [(names, (gradient, hv))] = run_without_s2sad(tmp_path, [("hvp", (x, y, v))])
    assert names == ["polynomial_gradient_tangent"]
    assert_close(gradient, s2sad.grad(programs.polynomial)(x, y), 1e-12, 1e-12)
    assert_close(hv, s2sad.hvp(programs.polynomial)(x, y, v), 1e-12, 1e-12)
    step = 1e-6
    assert_close(hv, (s2sad.grad(programs.polynomial)(x + step * v, y)
                      - s2sad.grad(programs.polynomial)(x - step * v, y)) / (2 * step))
