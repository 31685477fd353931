"""The user's line of each generated statement (syntax/lines.py, api/located.py): the
comments `source(..., lines=True)` and `--lines` print, the notes on errors raised in
generated code, NumPy's warnings said at the user's line, and tracebacks that show the
generated lines on every Python version (syntax/compile.py).

The programs are in programs/located/; each test also checks the derivatives it reads
against central differences, so a line map over a wrong derivative cannot pass.
"""
import ast
import linecache
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.api.cli import main
from s2sad.syntax import compile as compiling

from programs.located import model, parts
from util import assert_close, numeric_grad

MODEL = model.__file__
PARTS = parts.__file__


def line_of(path, text):
    """The number of the one line of `path` that holds `text`."""
    lines = Path(path).read_text().splitlines()
    [found] = [n for n, line in enumerate(lines, 1) if text in line]
    return found


def comment(path, text):
    return f"# {os.path.basename(path)}:{line_of(path, text)}"


def commented_lines(listing):
    """(code, comment) of each generated line."""
    return [tuple(part.strip() for part in line.partition("  # ")[::2])
            for line in listing.splitlines()]


def said_at(listing, code, path, text):
    """Whether the generated line `code` ends with the comment naming `text`'s line."""
    want = comment(path, text)[2:]
    found = [c for line, c in commented_lines(listing) if line == code]
    assert found, f"no generated line {code!r} in\n{listing}"
    return all(c.endswith(want) for c in found)


def test_each_statement_names_its_line_in_both_modes():
    x, y = 0.5, 2.0
    assert_close(s2sad.grad(model.model)(x, y), numeric_grad(model.model, (x, y)))
    assert_close(s2sad.jvp(model.model)(x, y, 1.0)[1], numeric_grad(model.model, (x, y)))
    for mode in ("reverse", "forward"):
        listing = s2sad.source(model.model, x, y, mode=mode, lines=True)
        plain = s2sad.source(model.model, x, y, mode=mode)
        # the comments are all that is added, and the listing is still Python
        assert re.sub(r"  # \S+:\d+$", "", listing, flags=re.M) == plain
        for part in listing.split("\n\n\n"):
            ast.parse(part)
        assert said_at(listing, "a = x * y", MODEL, "a = x * y")
        assert said_at(listing, "for i in range(3):", MODEL, "for i in range(3)")
        assert said_at(listing, "if a > 0.0:", MODEL, "if a > 0.0")
        assert said_at(listing, "s = s - a", MODEL, "s = s - a")
        # inlined from another module: that module's lines
        assert said_at(listing, "u_1 = s * t2", PARTS, "u = r * math.cos(t)")
        assert said_at(listing, "v_1 = s * t3", PARTS, "v = r * math.sin(t)")
        # the helper's own derivative: the helper's lines
        assert said_at(listing, "c = a * b", MODEL, "c = a * b")
    backward = s2sad.source(model.model, x, y, lines=True)
    assert said_at(backward, "for i in reversed(range(3)):", MODEL, "for i in range(3)")
    assert said_at(backward, "a_bar -= s_bar", MODEL, "s = s - a")
    assert said_at(backward, "x_bar += a_bar * y", MODEL, "a = x * y")
    assert said_at(backward, "t6_bar = model_bar / t6", MODEL, "return math.log(u * u")
    forward = s2sad.source(model.model, x, y, mode="forward", lines=True)
    assert said_at(forward, "a_dot = x_dot * y", MODEL, "a = x * y")
    assert said_at(forward, "s_dot = s_dot - a_dot", MODEL, "s = s - a")


def test_wengert_list_and_command_line(capsys):
    wengert = s2sad.source(model.model, mode="wengert", lines=True)
    assert said_at(wengert, "s = s - a", MODEL, "s = s - a")
    assert said_at(wengert, "u_1 = s * t2", PARTS, "u = r * math.cos(t)")
    assert main([f"{MODEL}:root", "--args", "2.0", "--lines", "--mode", "gradient"]) == 0
    out = capsys.readouterr().out
    assert said_at(out, "y = 3.0 * x", MODEL, "y = 3.0 * x")
    assert said_at(out, "x_bar = y_bar * 3.0", MODEL, "y = 3.0 * x")
    assert_close(s2sad.grad(model.root)(2.0), numeric_grad(model.root, (2.0,)))


def notes(error):
    return "\n".join(getattr(error, "__notes__", ()))


def note_says(error, sweep, label, text):
    said = notes(error)
    line = line_of(MODEL, text)
    return (f"s2sad: raised in {sweep}{label}, from " in said
            and f"model.py:{line}:" in said and text in said)


@pytest.mark.parametrize("calls", [1, 3])  # 3: the fast path's dispatcher runs it too
def test_domain_error_in_each_sweep_names_the_line(calls):
    grad = s2sad.grad(model.root)
    assert_close(grad(2.0), numeric_grad(model.root, (2.0,)))
    for _ in range(calls):
        with pytest.raises(ValueError, match="math domain error") as forward:
            grad(-1.0)
    assert note_says(forward.value, "the forward sweep of ", "root_gradient",
                     "return math.sqrt(y)")
    for _ in range(calls):
        with pytest.raises(ZeroDivisionError) as backward:
            grad(0.0)
    assert note_says(backward.value, "the backward sweep of ", "root_gradient",
                     "return math.sqrt(y)")
    # the original traceback, down to the generated line
    frames = [tb.tb_frame.f_code.co_name for tb in _frames(backward.value.__traceback__)]
    assert frames[-1] == "root_gradient"
    tangent = s2sad.jvp(model.root)
    assert_close(tangent(2.0, 1.0)[1], numeric_grad(model.root, (2.0,)))
    with pytest.raises(ValueError) as error:
        tangent(-1.0, 1.0)
    assert note_says(error.value, "", "root_tangent", "return math.sqrt(y)")


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def test_shape_error_names_the_line():
    a, b = np.ones((2, 3)) * 0.3, np.ones((3, 2)) * 0.2
    assert_close(s2sad.grad(model.product)(a, b), numeric_grad(model.product, (a, b)))
    with pytest.raises(ValueError, match="matmul") as error:
        s2sad.grad(model.product)(a, a)
    assert note_says(error.value, "the forward sweep of ", "product_gradient",
                     "c = a @ b")
    if sys.version_info < (3, 11):
        assert "c = a @ b" in str(error.value)  # 3.10 prints no notes


def test_an_error_outside_generated_code_gets_no_note():
    with pytest.raises(s2sad.Error) as error:
        s2sad.grad(model.root)("a")
    assert "s2sad: raised" not in notes(error.value) + str(error.value)
    assert_close(s2sad.grad(model.root)(2.0), numeric_grad(model.root, (2.0,)))


def test_numpy_warning_is_said_at_the_users_line():
    x = np.array([0.0, 1.0])
    good = np.array([0.5, 1.5])
    assert_close(s2sad.grad(model.logs)(good), numeric_grad(model.logs, (good,)))
    line = line_of(MODEL, "t = np.log(x)")
    grad = s2sad.grad(model.logs)
    for _ in range(3):   # the slow path, then the fast path
        with pytest.warns(RuntimeWarning, match="^divide by zero encountered") as record:
            grad(x)
        warning = record[0]
        if sys.version_info >= (3, 11):
            assert (warning.filename, warning.lineno) == (MODEL, line)
        else:  # where NumPy gives it: the generated line, whose origin is the user's
            assert compiling.origin(warning.filename, warning.lineno)[:2] == (MODEL, line)
        assert str(warning.message) == "divide by zero encountered in divide"  # NumPy's
    # as the test suite runs it (filterwarnings = error): an exception with a note
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="^divide by zero encountered") as error:
            grad(x)
    # (`grad` leaves out `np.log(x)`, which only the value needs: 2 / x gives the warning)
    assert note_says(error.value, "the backward sweep of ", "logs_gradient",
                     "t = np.log(x)")


def test_numpy_error_state_the_user_set_is_kept():
    x = np.array([0.0, 1.0])
    grad = s2sad.grad(model.logs)
    for _ in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(divide="ignore"):
                assert grad(x)[0] == np.inf
        with np.errstate(divide="raise"):
            with pytest.raises(FloatingPointError) as error:
                grad(x)
        assert note_says(error.value, "the backward sweep of ", "logs_gradient",
                         "t = np.log(x)")
        seen = []
        with np.errstate(divide="call", call=lambda kind, flag: seen.append(kind)):
            grad(x)
        assert seen and set(seen) == {"divide by zero"}
    assert np.geterr()["divide"] == "warn"


def test_generated_code_is_a_file_of_its_own_named_by_its_content():
    first = s2sad.compiled(model.root, 2.0, mode="gradient")
    again = s2sad.compiled(model.root, 2.0, mode="gradient")
    path = first.__code__.co_filename
    assert os.path.isfile(path) and path == again.__code__.co_filename
    assert Path(path).read_text() == s2sad.source(model.root, 2.0, mode="gradient")
    assert_close(first(2.0), numeric_grad(model.root, (2.0,)))


def test_without_a_directory_the_code_keeps_a_linecache_name(monkeypatch):
    monkeypatch.setattr(compiling, "_directory", [None])

    def f(x):
        return x * x
    text = "def f_g(x):\n    return 2.0 * x\n"
    function = compiling.compile_function(text, f, {}, "f_g")
    name = function.__code__.co_filename
    assert name.startswith("<s2sad-generated f_g #")
    assert linecache.getline(name, 2).strip() == "return 2.0 * x"
    assert function(3.0) == 6.0 == s2sad.grad(f)(3.0)


SCRIPT = """
import math, sys
sys.path.insert(0, {tests!r})
import s2sad
from programs.located import model
s2sad.grad(model.root)(0.0)
"""


def test_uncaught_error_shows_the_generated_line():
    """Python 3.10-3.12 print an uncaught exception in C, reading each line from the
    file named: the generated code's file exists, so its line shows."""
    tests = str(Path(__file__).resolve().parents[1])
    root = str(Path(s2sad.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    generated = s2sad.source(model.root, 0.0, mode="gradient").splitlines()
    [statement] = [line.strip() for line in generated if "/ root" in line]
    assert re.search(r'File "[^"]+root_gradient_\w+\.py", line \d+, in root_gradient\n'
                     rf"\s+{re.escape(statement)}\n", done.stderr), done.stderr
    assert "ZeroDivisionError" in done.stderr
    assert f"model.py:{line_of(MODEL, 'return math.sqrt(y)')}:" in done.stderr
    assert_close(s2sad.grad(model.root)(2.0), numeric_grad(model.root, (2.0,)))


def test_a_pass_that_rebuilds_a_statement_keeps_its_line():
    from s2sad.syntax.lines import carry, listing, stamp
    import gast
    old = stamp([gast.parse("a_bar = 2.0 * b").body[0]], 7)[0]
    new = carry(gast.parse("a_bar = b + b").body[0], old)
    loose = gast.parse("c = a_bar").body[0]
    loop = stamp([gast.parse("for i in range(3):\n    d = c\nelse:\n    e = c").body[0]], 9)
    texts, lines = listing([new, loose] + loop)
    assert texts[:2] == ["a_bar = b + b", "c = a_bar"]
    assert lines == [7, 7, 9, 9, 9, 9]
