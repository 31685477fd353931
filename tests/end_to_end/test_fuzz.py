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
  every tie of a comparison or `abs` and the differences do not change when the step is
  divided by four (other draws are discarded with `assume`).

For a program returning a number, its second derivative is checked two ways that share
no code past the first-order tangent: forward over reverse (`hvp`, the tangent of the
generated gradient) against forward over forward (`jvp` of `jvp`), `<t, H s>` both, to
rounding; or one of them is refused at a line of the program (a list built at run time,
a recursive helper inlined in the derivative: what second derivatives do not support
yet), never with an error of another kind. The run prints how many programs were checked each
way. A program with a second cell (a notebook's redefined helper,
swapped `__code__`, rebound constant) is checked again once the cell ran: by the same
derived functions, made and called three times before it (so their fast path is in
place) and called three times after, then by new ones.

An s2sad error of any kind fails the test: the generator writes only what the guide
says s2sad supports, except in the programs it marks refused (`np.array_split` of
`np.r_`/`np.c_` of differentiated values into a run-time number of parts), which every
mode must refuse with an
s2sad.UnsupportedError naming the program's file and the construct's line; another
error, or a number, fails. A failure shows the shrunk program's source, its cell and the
point, in the assertion message and in hypothesis's note, ready to paste into a file.

The examples are derandomized: CI checks the same programs on every run, so a failure
is never a fluke of the day's random draws and reproduces by rerunning the test (with
the same hypothesis version); a fixed example database would only replay past
failures, while the fresh draws around them still changed from run to run.
`--fuzz-examples N` checks more programs and `--fuzz-seed S` draws a different stream
(see conftest.py).
"""
import contextlib
import hashlib
import importlib.util
import math
import re
import sys
import traceback

import dual
import fuzz_programs
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, find, given, note, settings
from hypothesis.errors import NoSuchExample
from util import numeric_jvp

import s2sad

MARGIN = 1e-3
DEFAULT_EXAMPLES = {"scalar": 170, "array": 120}


def digest(program):
    return hashlib.sha1((program.source + program.cell).encode()).hexdigest()[:16]


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


def run_in(module, directory, cell):
    """Run the program's second cell in its module's namespace, from a file of its own
    (so that its functions' source can be read), as a notebook runs a cell again."""
    path = directory / f"{module.__name__}_cell2.py"
    path.write_text(cell)
    exec(compile(cell, str(path), "exec"), vars(module))  # noqa: S102 - our own program


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
    gets a new file name each time it is compiled, so the failure is raised outside the
    `except` block, which would make the error its context)."""
    try:
        return derivative(*args, seed)
    except Exception as error:  # noqa: BLE001 - any error fails, with the program
        trace = "".join(traceback.format_exception(error)[-2:])
    raise AssertionError(f"{mode} mode raised\n{trace}{where}")


def derivatives(f, wrt):
    return {"reverse": s2sad.vjp(f, wrt), "gradient": s2sad.grad(f, wrt),
            "forward": s2sad.jvp(f, wrt)}


def refuses(mode, call, start, words, where):
    """`call()` raises s2sad.UnsupportedError, its message starting with `start` (the
    file and line) and mentioning `words`; any other error, or a number, fails."""
    try:
        got = call()
    except s2sad.UnsupportedError as error:
        message = str(error)
        if message.startswith(start) and words in message:
            return
        failure = f"{mode} mode: {message}\n(wanted {start} ... {words})"
    except Exception as error:  # noqa: BLE001 - any other error fails, with the program
        failure = f"{mode} mode raised\n" + "".join(traceback.format_exception(error)[-2:])
    else:
        failure = f"{mode} mode gave {got!r} instead of refusing"
    raise AssertionError(failure + where)


def check(program, directory, keep=assume):
    """The checks of the module docstring, on a program that `keep` accepts (its values
    finite and moderate, its point away from kinks); fails showing the program. A
    program with a second cell is checked again after the cell ran, by the derivatives
    made before it (called three times before and after) and by new ones; a refused
    program must be refused by every mode at its line."""
    module, f = load(program, directory)
    where = f"\n{program!r}"
    try:
        if program.refused:
            check_refused(program, module.__file__, f, where)
            return
        made = derivatives(f, program.wrt)
        calls = 3 if program.cell else 1
        compare(program, f, keep, where, [(made, calls, "")])
        second = second_order(program, module.__file__, f, where)
        if program.cell:
            run_in(module, directory, program.cell)
            compare(program, f, keep, where, [
                (made, calls, "after the cell, by derivatives made before it"),
                (derivatives(f, program.wrt), 1, "after the cell, by new derivatives")],
                program.cell)
        return second
    finally:
        sys.modules.pop(module.__name__, None)


def second_order(program, path, f, where):
    """For a number-valued program: `<t, H s>` by forward over reverse (`hvp`) equals
    it by forward over forward (`jvp` of `jvp`) in the first differentiated argument:
    "checked"; or `hvp` is refused with an error at a line of the program's own file
    (what second derivatives do not support yet: exact or refused): "refused"; None for
    a program whose value is an array."""
    args, p = program.args, program.wrt[0]
    if np.ndim(f(*args)):
        return None
    rng = np.random.default_rng(len(program.source))
    s, t = (rng.normal(size=np.shape(args[p])) if np.ndim(args[p]) else
            float(rng.normal()) for _ in range(2))
    inner = s2sad.jvp(f, p)
    by_reverse = refused("hvp", lambda: s2sad.hvp(f, p)(*args, s), path, where)
    by_forward = refused("jvp of jvp", lambda: s2sad.jvp(inner, p)(*args, t, s)[1][1],
                         path, where)
    if by_reverse is REFUSED or by_forward is REFUSED:
        return "refused"
    if not close(np.vdot(t, by_reverse), by_forward, 1e-7):
        raise AssertionError(f"second order: <t, H s> is {np.vdot(t, by_reverse)!r} by hvp "
                             f"but {by_forward!r} by jvp of jvp{where}")
    return "checked"


REFUSED = object()


def refused(mode, call, path, where):
    """`call()`, or `REFUSED` where it raises an s2sad.UnsupportedError at a line of the
    program's own file; any other error fails."""
    try:
        return call()
    except s2sad.UnsupportedError as error:
        if re.match(rf"{re.escape(path)}:\d+: ", str(error)):
            return REFUSED
        failure = f"{mode} refused at no line of the program: {error}"
    except Exception as error:  # noqa: BLE001 - any other error fails, with the program
        failure = f"{mode} raised\n" + "".join(traceback.format_exception(error)[-2:])
    raise AssertionError(failure + where)


def check_refused(program, path, f, where):
    line = next(i for i, text in enumerate(program.source.splitlines(), 1)
                if text.endswith("# refused"))
    args, wrt = program.args, program.wrt
    value = f(*args)
    ones = tuple(np.ones(np.shape(args[p])) if np.ndim(args[p]) else 1.0 for p in wrt)
    calls = {"reverse": lambda: s2sad.vjp(f, wrt)(*args, np.ones_like(value)),
             "forward": lambda: s2sad.jvp(f, wrt)(*args, ones)}
    if not np.ndim(value):
        calls["gradient"] = lambda: s2sad.grad(f, wrt)(*args)
    for mode, call in calls.items():
        refuses(mode, call, f"{path}:{line}:", program.refused, where)


def compare(program, f, keep, where, runs, cell=""):
    """s2sad's value and derivatives against the oracle, each other and central
    differences, at the program's point (after running `cell`): for each of `runs`,
    derivatives `made`, each called `calls` times."""
    args, wrt = program.args, program.wrt
    value = f(*args)
    keep(np.all(np.isfinite(value)) and np.max(np.abs(value)) < 1e6)
    keep(fuzz_programs.comparison_margin(program.source, args, cell) > MARGIN)
    oracle_value, jac = oracle_jacobian(f, args, wrt)
    keep(np.all(np.isfinite(jac)) and np.max(np.abs(jac), initial=0) < 1e6)
    assert close(oracle_value, value, 1e-13), f"oracle value {oracle_value}{where}"

    rng = np.random.default_rng(int(digest(program), 16))
    directions = tuple(rng.normal(size=np.shape(args[p])) if np.ndim(args[p])
                       else float(rng.normal()) for p in wrt)
    cotangent = rng.normal(size=np.shape(value)) if np.ndim(value) else 1.0
    want_tangent = jac @ flat(directions)
    want_cotangent = (np.ravel(cotangent) @ jac) if np.ndim(value) else jac.ravel()

    for made, calls, label in runs:
        at = where + (f"\n({label})" if label else "")
        for _ in range(calls):
            got_value, grads = derive("reverse", made["reverse"], args, cotangent, at)
            assert close(got_value, value, 1e-12), f"reverse value {got_value} != {value}{at}"
            assert close(flat(grads), want_cotangent, 1e-9), \
                f"reverse {flat(grads)} != oracle {want_cotangent}{at}"

            if not np.ndim(value):
                # grad runs the adjoint without the value (its own liveness and partials)
                alone = derive("gradient", lambda *a: made["gradient"](*a[:-1]), args, 1.0,
                               at)
                assert close(flat(alone), jac.ravel(), 1e-9), \
                    f"gradient alone {flat(alone)} != oracle {jac.ravel()}{at}"

            tan_value, tangent = derive("forward", made["forward"], args, directions, at)
            assert close(tan_value, value, 1e-12), f"forward value {tan_value} != {value}{at}"
            assert close(np.ravel(tangent), want_tangent, 1e-9), \
                f"forward {tangent} != oracle {want_tangent}{at}"

        lhs = float(np.sum(np.asarray(tangent) * cotangent))
        rhs = float(flat(directions) @ flat(grads))
        assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9 * (1 + abs(lhs))), \
            f"dot-product test {lhs} != {rhs}{at}"

    numeric = numeric_jvp(f, args, wrt, directions)
    # where a quarter of the step changes them, the differences have not converged
    # (a derivative of 5e4 that grows fast, say): they do not check anything there
    finer = 4 * numeric_jvp(f, args, wrt, tuple(d / 4 for d in directions))
    keep(close(finer, numeric, 5e-6))
    assert close(np.ravel(numeric), want_tangent, 1e-5), \
        f"central differences {numeric} != {want_tangent}{where}"


def run(fuzz, strategy, kind, directory):
    checked, second = [], []

    @fuzz.settings(DEFAULT_EXAMPLES[kind])
    @given(strategy)
    def each(program):
        note(f"program:\n{program!r}")
        second.append(check(program, directory))
        checked.append(program)

    each()
    fuzz.count(kind, len(checked))
    for outcome in ("checked", "refused"):
        fuzz.count(f"{kind} of which second order {outcome}", second.count(outcome))
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


def test_the_checker_wants_the_refusal_at_its_line(tmp_path):
    """A program marked refused whose construct s2sad differentiates, or refuses at
    another line, fails the check; refused at the marked line, it passes."""
    head = fuzz_programs.HEADER + "\n\ndef f(x, y, n):\n    t1 = (x, y * 2.0)\n"
    r_ = "np.sum(np.array_split(np.array([x, t1[1]]), n + 1)[0] ** 2)"
    differentiated = head + "    r2 = t1[1] * 0.5  # refused\n    return x + r2\n"
    elsewhere = head + f"    r2 = {r_}\n    r3 = x * 2.0  # refused\n    return r2 + r3\n"
    refused = head + f"    r2 = {r_}  # refused\n    return x + r2\n"
    for source, words in [(differentiated, "instead of refusing"), (elsewhere, "wanted")]:
        program = fuzz_programs.Program(source, (0.3, 0.7, 1), refused="np.array_split")
        with pytest.raises(AssertionError, match=words):
            check(program, tmp_path, _must)
    check(fuzz_programs.Program(refused, (0.3, 0.7, 1), refused="np.array_split"), tmp_path,
          _must)


CELL_PROGRAM = fuzz_programs.HEADER.replace("import math", "import functools\nimport math") + """
K1 = 0.5


def d2(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 1.5 * fn(*args, **kwargs) + 0.25
    return wrapper


@d2
def h3(p, q, k):
    return math.sin(p) * q


def h4(p, q, k):
    return math.cos(p) + q


def f(x, v, n):
    t5 = (v * K1, h3(x, v[0], 1))
    a6, z7 = t5[::-1]
    return np.sum(z7 * h4(a6, x, 0)) + t5[1]
"""
CELLS = ["\nK1 = np.array([0.5, 1.3, 2.0])\n",
         "\ndef h4(p, q, k):\n    return math.exp(math.sin(p)) * q\n",
         "\ndef h3_new(p, q, k):\n    return math.tanh(p + q)\n\n\n"
         "h3.__wrapped__.__code__ = h3_new.__code__\n"]


@pytest.mark.parametrize("cell", CELLS, ids=["factor to array", "helper", "wrapped code"])
def test_a_second_cell_changes_the_derivative_and_is_checked(cell, tmp_path):
    """The changed program has another value (so the derivatives made before the cell
    had to notice), and passes the check with the cell."""
    args = (0.3, np.array([0.2, -0.4, 0.9]), 1)
    before, _ = load(fuzz_programs.Program(CELL_PROGRAM, args), tmp_path)
    after, _ = load(fuzz_programs.Program(CELL_PROGRAM + "\n# changed\n", args), tmp_path)
    run_in(after, tmp_path, cell)
    assert after.f(*args) != before.f(*args)
    sys.modules.pop(before.__name__)
    sys.modules.pop(after.__name__)
    check(fuzz_programs.Program(CELL_PROGRAM, args, cell=cell), tmp_path, _must)


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
    "slice write": r"w\d+\[[^\]]*:[^\]]*\] (=|\+=)", "swap": r"^\s+\w+, \w+ = \w+, ",
    "early return in a branch": r"^\s{8,}return", "loop in a loop": r"^\s{8,}(for|while) ",
    "parameter overwritten": r"^\s+x = ", "name set in every branch": r"^\s+b\d+ = ",
    "in-place array update": r"^\s+w\d+ (\+|\*|-)= ",
    # tuples held in variables
    "tuple in a variable": r"^\s+t\d+ = \(", "tuple rebound": r"^\s+(t\d+) = \((.|\n)*^\s+\1 = \(",
    "array in a tuple": r"np\.sum\(np\.sin\(t\d+\[\d\]\)\)", "constant index": r"\bt\d+\[\d\]",
    "negative index": r"\bt\d+\[-\d\]", "unpacking": r"^\s+\w+, \w+(, \w+)? = t\d+$",
    "unpacking a slice": r"^\s+\w+, \w+ = t\d+\[(1:|::-1|:2|-2:)\]$",
    "loop over a tuple variable": r"for u\d+ in t\d+:", "loop over a tuple slice":
    r"for u\d+ in t\d+\[", "np.stack of a tuple": r"np\.stack\(t\d+\)",
    "np.array of a tuple": r"np\.array\(t\d+\)", "stacked tuple of arrays": r"\(t\d+\), axis=0\)",
    # module constants and decorators
    "module constant": r"^C\d+ = ", "array factor": r"\* K\d+\)",
    "forwarding wrapper": r"def wrapper\(\*args, \*\*kwargs\)",
    "wrapper with parameters": r"def wrapper\(p, q, k\)", "decorated helper": r"^@d\d+\ndef h",
    "stacked decorators": r"^@d\d+\n@d\d+\n", "decorated f": r"^@d\d+\ndef f\(",
    "run-time index into a tuple": r"t\d+\[(n % 2|i\d+)\]",
    "list built by append": r"^\s+l\d+\.append\(", "append under an if":
    r"^\s+if .*:\n\s+l\d+\.append\(", "list of arrays stacked": r"np\.stack\(l\d+",
    # dicts with literal keys
    "dict display": r'^\s+d\d+ = \{"a": ', "dict(a=...)": r"^\s+d\d+ = dict\(a=",
    "dict read by key": r'\bd\d+\["[abc]"\]', "dict get": r'd\d+\.get\("[abc]", ',
    "dict get of a missing key": r'd\d+\.get\("z", ', "dict write": r'^\s+d\d+\["[abc]"\] = ',
    "dict written through a second name": r'^\s+o\d+ = d\d+\n(.|\n)*^\s+o\d+\["[abc]"\] = ',
    "dict written in a loop": r'^\s+for i\d+ in range\(.*\):\n\s+[do]\d+\["[abc]"\] = ',
    "dict written in a branch": r'^\s+if .*:\n\s+[do]\d+\["[abc]"\] = ',
    "loop over items": r"for k\d+, u\d+ in d\d+\.items\(\):",
    "loop over values": r"for u\d+ in d\d+\.values\(\):", "loop over keys": r"for k\d+ in d\d+:",
    "dict in a loop or branch": r"^\s{8,}d\d+ = (\{|dict\()",
    "dict in a helper": r"^def (h|m)\d+\(.*:\n(    .*\n)*?\s+d\d+ = ",
    # namedtuples
    "namedtuple class": r"^P\d+ = collections\.namedtuple\(",
    "namedtuple built": r"^\s+s\d+ = P\d+\(", "namedtuple built by keywords": r"s\d+ = P\d+\(a=",
    "field by attribute": r"\bs\d+\.[abc]\b", "field by position": r"\bs\d+\[-?\d\]",
    "namedtuple unpacked": r"^\s+u\d+, u\d+(, u\d+)? = s\d+$",
    "_replace": r"s\d+ = s\d+\._replace\([abc]=",
    "namedtuple carried by a loop": r"^\s+for i\d+ in .*:\n\s+(s\d+) = P\d+\(\1\.",
    "namedtuple in a loop or branch": r"^\s{8,}s\d+ = P\d+\(",
    "namedtuple in a helper": r"^def (h|m)\d+\(.*:\n(    .*\n)*?\s+s\d+ = P\d+\(",
    # tuples carried by loops and set in branches
    "tuple carried by a loop": r"(p\d+) = \(\1\[1\], \1\[0\] \* 0\.5",
    "tuple set in both branches": r"^\s+if .*:\n\s+(p\d+) = \(.*\n\s+else:\n\s+\1 = \(",
    "carried tuple in a loop": r"^\s{8,}for i\d+ in .*:\n\s+(p\d+) = \(\1\[1\]",
    # comprehensions and generator expressions
    "sum of a generator over a tuple": r"sum\([^\[].* for u\d+ in \(",
    "generator with a condition over an array": r" for u\d+ in \w+ if u\d+ [<>] ",
    "max of a generator": r"max\(.* for u\d+ in ", "min of a generator": r"min\(.* for u\d+ in ",
    "list comprehension over a tuple": r"np\.(array|stack)\(\[.* for u\d+ in \(",
    "list comprehension over a range": r"\[.* for u\d+ in range\(",
    "list comprehension over an array": r"np\.array\(\[.* for u\d+ in \w+\]\)",
    "np.stack of a comprehension of arrays": r"np\.stack\(\[np\.tanh\(u\d+\)",
    "nested comprehension": r"for u\d+ in .* for u\d+ in ",
    "comprehension in a loop or branch": r"^\s{8,}r\d+ = .* for u\d+ in ",
    # enumerate, zip, reversed
    "enumerate of an array": r"for i\d+, u\d+ in enumerate\(np\.",
    "enumerate of a tuple": r"for i\d+, u\d+ in enumerate\(\(",
    "enumerate of a range": r"for i\d+, u\d+ in enumerate\(range\(",
    "zip of arrays": r"in zip\(np\.", "zip of tuples": r"in zip\(\(", "zip of a range and an array":
    r"in zip\(range\(", "reversed range": r"in reversed\(range\(",
    "reversed array": r"in reversed\(np\.", "reversed tuple": r"in reversed\(\(",
    "enumerate, zip or reversed in a loop": r"^\s{8,}for .* in (enumerate|zip|reversed)\(",
    # helpers returning pairs, keywords, flags, closures, map
    "helper returning two values": r"^def m\d+\((.|\n)*?^    return .+, ",
    "two values from a call": r"^\s+u\d+, u\d+ = m\d+\(", "index of a call's values":
    r"m\d+\(.*\)\[-?\d\]", "keyword arguments": r"m\d+\(.*q=.*scale=",
    "flag argument": r'm\d+\(.*mode="sin"\)', "flag passed by position": r'm\d+\(.*, "sin"\)',
    "helper with an axis argument": r"^def s\d+\(z, w, axis=-1\)", "axis passed":
    r"s\d+\(np\.stack.*axis=0\)", "lambda closing over names": r"^\s+fn\d+ = lambda t, c=",
    "nested def": r"^\s+def fn\d+\(t, c=", "map over a tuple": r"= map\(fn\d+, \(",
    "list of a map": r"list\(map\(fn\d+", "closure in a helper":
    r"^def (h|m)\d+\(.*:\n(    .*\n)*?    (def fn|fn\d+ = lambda)",
    # assert
    "assert": r"^\s+assert ", "assert with a message": r'^\s+assert .*, "',
    "assert on an array": r"^\s+assert np\.all\(", "assert in a loop or branch": r"^\s{8,}assert ",
    # refused: every mode raises a located error
    "np.r_": r"np\.array_split\(np\.r_\[.*# refused$",
    "np.c_": r"np\.array_split\(np\.c_\[.*# refused$",
    # second cells
    "helper redefined": r"^# cell 2(.|\n)*^(@d\d+\n)*def h\d+\(p, q, k\)",
    "code swapped": r"^h\d+(\.__wrapped__)*\.__code__ = ", "wrapped code swapped": r"__wrapped__\.__code__ = ",
    "constant rebound": r"^# cell 2(.|\n)*^C\d+ = ", "factor rebound to an array": r"^K\d+ = np\.array\(",
}


def test_the_generator_writes_every_construct():
    """The generator writes every construct the module docstring of fuzz_programs.py
    lists (a program's second cell follows its source): derandomized streams of each
    kind, generated only, are read until each construct has been seen, at most 2,500
    programs of a kind, so a rare construct does not hang on the luck of a short stream."""
    missing = dict(CONSTRUCTS)

    def seen_all(program):
        for name, pattern in list(missing.items()):
            if re.search(pattern, program.source + program.cell, re.MULTILINE):
                del missing[name]
        return not missing

    for strategy in (fuzz_programs.array_programs(), fuzz_programs.scalar_programs()):
        with contextlib.suppress(NoSuchExample):
            find(strategy, seen_all, settings=settings(
                max_examples=2500, derandomize=True, database=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck)))
    assert not missing, ", ".join(missing)
