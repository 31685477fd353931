"""Random programs (fuzz_programs.py), each differentiated by s2sad and checked four ways.

For a program `f` at a point, with the dual-number oracle's Jacobian J (dual.py, one
dual sweep per input direction, no s2sad involved):

- the value s2sad returns is `f`'s own value;
- the adjoint (`vjp` with cotangent c = 1 for a number, a random c for an array) is
  J^T c, and the tangent (`jvp` in a random direction t) is J t, both to rounding; for a
  number, so is `grad`, which runs the adjoint without the value (its own liveness and
  partials that skip results);
- forward and reverse agree with each other: <J t, c> = <t, J^T c> (the dot-product test);
- J t matches central differences along t, where the point is at least MARGIN away from
  every tie of a comparison or `abs` (closer draws are discarded with `assume`).

An s2sad error of any kind fails the test: the generator writes only what the guide
says s2sad supports. A failure shows the shrunk program's source and the point, in the
assertion message and in hypothesis's note, ready to paste into a file.

The examples are derandomized: CI checks the same programs on every run, so a failure
is never a fluke of the day's random draws and reproduces by rerunning the test (with
the same hypothesis version); a fixed example database would only replay past
failures, while the fresh draws around them still changed from run to run.
`--fuzz-examples N` checks more programs and `--fuzz-seed S` draws a different stream
(see conftest.py).
"""
import hashlib
import importlib.util
import math
import re
import sys
import traceback

import dual
import fuzz_programs
import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from util import numeric_jvp

import s2sad

MARGIN = 1e-3
DEFAULT_EXAMPLES = {"scalar": 170, "array": 120}


def digest(program):
    return hashlib.sha1(program.source.encode()).hexdigest()[:16]


def load(program, directory):
    """`f` imported from the program written to a module file (s2sad reads the source
    from disk), named by the source: hypothesis replays a failing program to confirm it,
    and the replay must fail at the same file and line."""
    name = "s2sad_fuzz_" + digest(program)
    path = directory / f"{name}.py"
    path.write_text(program.source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, module.f


def close(got, want, rtol):
    """Equal up to `rtol` relative to the larger of 1 and the biggest entry of `want`
    (sums that cancel are compared at the scale of their terms)."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    return got.shape == want.shape and bool(np.all(np.abs(got - want) <= rtol * scale))


def oracle_jacobian(fn, args, wrt):
    """Columns of the Jacobian, one dual sweep per input entry, flattened per input."""
    columns = []
    for p in wrt:
        shape = np.shape(args[p])
        for i in np.ndindex(shape):
            directions = [np.zeros(np.shape(args[q])) if np.ndim(args[q]) else 0.0
                          for q in wrt]
            if shape:
                directions[wrt.index(p)][i] = 1.0
            else:
                directions[wrt.index(p)] = 1.0
            value, column = dual.jvp(fn, args, wrt, tuple(directions))
            columns.append(np.ravel(column))
    return value, np.stack(columns, axis=-1)


def flat(parts):
    return np.concatenate([np.ravel(np.asarray(p, float)) for p in parts])


def derive(mode, derivative, args, seed, where):
    """`derivative(*args, seed)`; any exception, an s2sad error or an internal one from
    s2sad or the code it generated, fails the test here and without its chain, so
    hypothesis sees the same failure each time it replays the program (generated code
    gets a new file name each time it is compiled)."""
    try:
        return derivative(*args, seed)
    except Exception as error:  # noqa: BLE001 - any error fails, with the program
        trace = "".join(traceback.format_exception(error)[-2:])
        raise AssertionError(f"{mode} mode raised\n{trace}{where}") from None


def check(program, directory, keep=assume):
    """The four checks of the module docstring, on a program that `keep` accepts (its
    values finite and moderate, its point away from kinks); fails showing the program."""
    args, wrt = program.args, program.wrt
    module, f = load(program, directory)
    try:
        value = f(*args)
        keep(np.all(np.isfinite(value)) and np.max(np.abs(value)) < 1e6)
        keep(fuzz_programs.comparison_margin(program.source, args) > MARGIN)
        oracle_value, jac = oracle_jacobian(f, args, wrt)
        keep(np.all(np.isfinite(jac)) and np.max(np.abs(jac), initial=0) < 1e6)
        where = f"\n{program!r}"
        assert close(oracle_value, value, 1e-13), f"oracle value {oracle_value}{where}"

        rng = np.random.default_rng(int(digest(program), 16))
        directions = tuple(rng.normal(size=np.shape(args[p])) if np.ndim(args[p])
                           else float(rng.normal()) for p in wrt)
        cotangent = rng.normal(size=np.shape(value)) if np.ndim(value) else 1.0
        want_tangent = jac @ flat(directions)
        want_cotangent = (np.ravel(cotangent) @ jac) if np.ndim(value) else jac.ravel()

        got_value, grads = derive("reverse", s2sad.vjp(f, wrt), args, cotangent, where)
        assert close(got_value, value, 1e-12), f"reverse value {got_value} != {value}{where}"
        assert close(flat(grads), want_cotangent, 1e-9), \
            f"reverse {flat(grads)} != oracle {want_cotangent}{where}"

        if not np.ndim(value):
            # grad runs the adjoint without the value (its own liveness and partials)
            alone = derive("gradient", lambda *a: s2sad.grad(f, wrt)(*a[:-1]), args, 1.0,
                           where)
            assert close(flat(alone), jac.ravel(), 1e-9), \
                f"gradient alone {flat(alone)} != oracle {jac.ravel()}{where}"

        tan_value, tangent = derive("forward", s2sad.jvp(f, wrt), args, directions, where)
        assert close(tan_value, value, 1e-12), f"forward value {tan_value} != {value}{where}"
        assert close(np.ravel(tangent), want_tangent, 1e-9), \
            f"forward {tangent} != oracle {want_tangent}{where}"

        lhs = float(np.sum(np.asarray(tangent) * cotangent))
        rhs = float(flat(directions) @ flat(grads))
        assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9 * (1 + abs(lhs))), \
            f"dot-product test {lhs} != {rhs}{where}"

        numeric = numeric_jvp(f, args, wrt, directions)
        assert close(np.ravel(numeric), want_tangent, 1e-5), \
            f"central differences {numeric} != {want_tangent}{where}"
    finally:
        sys.modules.pop(module.__name__, None)


def run(fuzz, strategy, kind, directory):
    checked = []

    @fuzz.settings(DEFAULT_EXAMPLES[kind])
    @given(strategy)
    def each(program):
        note(f"program:\n{program.source}\nargs: {program.args!r}")
        check(program, directory)
        checked.append(program)

    each()
    fuzz.count(kind, len(checked))
    # most draws are kept: a generator that mostly writes rejected programs tests little
    assert len(checked) >= fuzz.examples(DEFAULT_EXAMPLES[kind]) // 2


def test_scalar_programs(fuzz, tmp_path):
    run(fuzz, fuzz_programs.scalar_programs(), "scalar", tmp_path)


def test_array_programs(fuzz, tmp_path):
    run(fuzz, fuzz_programs.array_programs(), "array", tmp_path)


def _must(condition):
    assert condition


def test_the_checker_catches_a_wrong_derivative(tmp_path):
    """A derivative broken on purpose (the oracle's sin with its slope negated) must be
    caught, and the report must show the program and the point."""
    program = fuzz_programs.Program(fuzz_programs.HEADER + "\n\ndef f(x, y, n):\n"
                                    "    return math.sin(x) * y\n", (0.3, 0.7, 1))
    check(program, tmp_path, _must)
    broken = dual.dual_math.sin
    dual.dual_math.sin = lambda t: dual.Dual(math.sin(t.val), -math.cos(t.val) * t.dot)
    try:
        check(program, tmp_path, _must)
    except AssertionError as error:
        assert "def f(x, y, n)" in str(error) and "0.3" in str(error)
    else:
        raise AssertionError("a wrong oracle derivative went unnoticed")
    finally:
        dual.dual_math.sin = broken


def test_the_margin_sees_a_tie_and_an_abs_at_zero():
    source = fuzz_programs.HEADER + ("\n\ndef f(x, y, n):\n"
                                     "    a = x if x > 0.5 else y\n"
                                     "    return a + abs(y - 0.25)\n")
    assert fuzz_programs.comparison_margin(source, (0.5001, 0.9, 0)) < 2e-4
    assert fuzz_programs.comparison_margin(source, (0.9, 0.2501, 0)) < 2e-4
    assert fuzz_programs.comparison_margin(source, (0.9, 0.9, 0)) > 0.3


CONSTRUCTS = {
    "while": r"\bwhile\b", "range with an argument bound": r"range\(n|range\(1, n",
    "loop over a tuple": r"for u\d+ in \(", "loop over an array": r"for e\d+ in ",
    "break": r"\bbreak\b", "continue": r"\bcontinue\b", "elif": r"\belif\b",
    "conditional expression": r" if .* else ", "helper call": r"\bh\d+\(",
    "recursion": r"k - 1\)", "element write": r"w\d+\[[^\]:]*\] (=|\+=|-=)",
    "slice write": r"w\d+\[[^\]]*:[^\]]*\] (=|\+=)", "swap": r"^\s+\w+, \w+ = ",
    "early return in a branch": r"^\s{8,}return", "loop in a loop": r"^\s{8,}(for|while) ",
    "parameter overwritten": r"^\s+x = ", "name set in every branch": r"^\s+b\d+ = ",
    "in-place array update": r"^\s+w\d+ (\+|\*|-)= ",
}


def test_the_generator_writes_every_construct():
    """The first programs of the derandomized streams, generated only, between them use
    every construct the module docstring of fuzz_programs.py lists."""
    sources = []
    for strategy in (fuzz_programs.scalar_programs(), fuzz_programs.array_programs()):
        @settings(max_examples=120, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(program):
            compile(program.source, "<program>", "exec")
            sources.append(program.source)
        collect()
    missing = [name for name, pattern in CONSTRUCTS.items()
               if not any(re.search(pattern, s, re.MULTILINE) for s in sources)]
    assert not missing
