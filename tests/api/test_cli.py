"""The command line, `s2sad FILE:FUNCTION` (s2sad/cli.py): it prints what `s2sad.source`
prints for the function, and every failure is one `s2sad: error:` paragraph, status 1.

Most tests call `cli.main` in-process; a few run `python -m s2sad` and the installed
`s2sad` script, to check the exit status a shell sees.
"""
import importlib
import importlib.metadata
import inspect
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.api.cli import main
from util import run_cli as run

import bad_functions as bad

BAD_FILE = str(Path(__file__).resolve().parents[1] / "bad_functions.py")
GUARD_ADVICE = 'put that code under `if __name__ == "__main__":`.'


@pytest.fixture(autouse=True)
def forget_tmp_modules(tmp_path):
    """Modules a test's files import (`helpers`) are not seen by the next test."""
    yield
    for name, module in list(sys.modules.items()):
        if str(tmp_path) in str(getattr(module, "__file__", None)):
            del sys.modules[name]


def fails(capsys, *argv):
    """The error message of a run that must fail cleanly."""
    code, out, err = run(capsys, *argv)
    assert code == 1, (code, out, err)
    assert out == ""
    assert err.startswith("s2sad: error: ") and err.count("\n") == 1, err
    return err


def marked_line(fn, marker="# HERE"):
    lines, first = inspect.getsourcelines(fn)
    return next(first + i for i, text in enumerate(lines) if marker in text)


def write(path, text):
    path.write_text(inspect.cleandoc(text) + "\n")
    return path


def imported(folder, module, function):
    """`function` of `folder/module.py` imported the usual way, the reference output's
    source."""
    sys.path.insert(0, str(folder))
    try:
        return getattr(importlib.import_module(module), function)
    finally:
        sys.path.remove(str(folder))


# ---------------------------------------------------------------- printing code


def test_prints_the_adjoint(capsys):
    code, out, err = run(capsys, f"{BAD_FILE}:ok_scalar")
    assert (code, err) == (0, "")
    assert out.startswith("def ok_scalar_adjoint(x, y, ok_scalar_bar):")
    assert out == s2sad.source(bad.ok_scalar)


@pytest.mark.parametrize("argv, mode, wrt, args", [
    (["--mode", "wengert"], "wengert", 0, ()),
    (["--mode", "forward", "--wrt", "x,y"], "forward", ("x", "y"), ()),
    (["--mode", "gradient", "--wrt", "y"], "gradient", "y", ()),
    (["--wrt", "x,y", "--args", "1.5, 0.5"], "reverse", ("x", "y"), (1.5, 0.5)),
], ids=["wengert", "forward", "gradient", "args"])
def test_modes_wrt_and_args(capsys, argv, mode, wrt, args):
    code, out, err = run(capsys, f"{BAD_FILE}:ok_scalar", *argv)
    assert (code, err) == (0, "")
    assert out == s2sad.source(bad.ok_scalar, *args, mode=mode, wrt=wrt)


def test_forward_prints_the_tangent(capsys):
    code, out, _ = run(capsys, f"{BAD_FILE}:ok_scalar", "--mode", "forward", "--wrt", "x,y")
    assert code == 0
    assert "def ok_scalar_tangent(x, y, x_dot, y_dot):" in out
    assert "_bar" not in out


def test_array_args(capsys):
    code, out, err = run(capsys, f"{BAD_FILE}:ok_sum", "--args", "np.ones(3)")
    assert (code, err) == (0, "")
    assert out == s2sad.source(bad.ok_sum, np.ones(3))
    assert out.startswith("def ok_sum_adjoint(")


def test_relative_path(capsys, tmp_path, monkeypatch):
    write(tmp_path / "mine.py", """
        def f(x):
            return x * x
    """)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "mine.py:f")
    assert (code, err) == (0, "")
    assert out == s2sad.source(imported(tmp_path, "mine", "f"))


# ---------------------------------------------------------------- the file


SCRIPT = """
    import math

    def f(x):
        return math.sin(x) * x
"""


def test_file_without_py_suffix(capsys, tmp_path, monkeypatch):
    """A script named without .py is Python source all the same (importlib finds no
    loader for it by its name), and no bytecode is cached for it."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    script = write(tmp_path / "myscript", SCRIPT)
    code, out, err = run(capsys, f"{script}:f")
    assert (code, err) == (0, "")
    (tmp_path / "reference").mkdir()
    write(tmp_path / "reference" / "myscript.py", SCRIPT)
    assert out == s2sad.source(imported(tmp_path / "reference", "myscript", "f"))
    assert out.startswith("def f_adjoint(x, f_bar):")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["myscript", "reference"]


def test_file_importing_a_module_beside_it(capsys, tmp_path, monkeypatch):
    """As under `python FILE`, the file's folder comes first on sys.path (the current
    folder is elsewhere), and main() puts sys.path back when it is done."""
    write(tmp_path / "cli_helpers.py", """
        def square(x):
            return x * x
    """)
    write(tmp_path / "uses.py", """
        import cli_helpers

        def f(x):
            return cli_helpers.square(x) + 1.0
    """)
    monkeypatch.chdir(Path(__file__).parent)
    before = list(sys.path)
    code, out, err = run(capsys, f"{tmp_path / 'uses.py'}:f")
    assert sys.path == before
    assert (code, err) == (0, "")
    assert "def f_adjoint(x, f_bar):" in out
    del sys.modules["cli_helpers"]
    assert out == s2sad.source(imported(tmp_path, "uses", "f"))


def test_function_that_imports_when_called(capsys, tmp_path):
    """Why main() may put sys.path back: s2sad refuses `import` inside a function, so no
    code of the file runs after main() returns."""
    write(tmp_path / "cli_helpers2.py", """
        def square(x):
            return x * x
    """)
    script = write(tmp_path / "lazy.py", """
        def f(x):
            import cli_helpers2
            return cli_helpers2.square(x)
    """)
    err = fails(capsys, f"{script}:f")
    assert err.startswith(f"s2sad: error: {script}:2: an import inside the function"), err


def test_top_level_code_runs_but_not_the_main_block(capsys, tmp_path):
    script = write(tmp_path / "prints.py", """
        print("# top-level code ran")

        def f(x):
            return x * x

        if __name__ == "__main__":
            print("# main block ran")
            raise SystemExit(3)
    """)
    code, out, err = run(capsys, f"{script}:f")
    assert (code, err) == (0, "")
    assert out.startswith("# top-level code ran\ndef f_adjoint(x, f_bar):")
    assert "main block" not in out


@pytest.mark.parametrize("body, line, call", [
    ("import sys\n\ndef f(x):\n    return x * x\n\nsys.exit(3)\n", 6, "sys.exit(3)"),
    ("import sys\n\ndef f(x):\n    return x * x\n\ndef run():\n    sys.exit()\n\nrun()\n",
     9, "sys.exit()"),
    ("def f(x):\n    return x * x\n\nraise SystemExit('done')\n", 4, "sys.exit('done')"),
], ids=["sys.exit(3)", "in a function", "SystemExit"])
def test_top_level_sys_exit(capsys, tmp_path, body, line, call):
    """Not a silent exit with the file's status: an error naming the file and the
    top-level line that exited, with what to do."""
    script = tmp_path / "exits.py"
    script.write_text(body)
    err = fails(capsys, f"{script}:f")
    assert err == (f"s2sad: error: {script}:{line}: the file's top-level code called "
                   f"{call} when s2sad imported it; {GUARD_ADVICE}\n")


def test_keyboard_interrupt_still_interrupts(capsys, tmp_path):
    script = write(tmp_path / "interrupted.py", """
        def f(x):
            return x

        raise KeyboardInterrupt
    """)
    before = list(sys.path)
    with pytest.raises(KeyboardInterrupt):
        main([f"{script}:f"])
    assert sys.path == before
    assert capsys.readouterr() == ("", "")


def test_syntax_error_in_file(capsys, tmp_path):
    broken = write(tmp_path / "broken.py", """
        def f(x):
            return x *
    """)
    err = fails(capsys, f"{broken}:f")
    assert err.startswith(f"s2sad: error: {broken}:2: syntax error")


def test_file_failing_on_import(capsys, tmp_path):
    failing = write(tmp_path / "failing.py", """
        raise RuntimeError('boom')

        def f(x):
            return x
    """)
    err = fails(capsys, f"{failing}:f")
    assert err == f"s2sad: error: importing '{failing}' failed: RuntimeError: boom.\n"


def test_missing_file(capsys, tmp_path):
    err = fails(capsys, f"{tmp_path / 'nowhere.py'}:f")
    assert err == f"s2sad: error: no such file: '{tmp_path / 'nowhere.py'}'.\n"


def test_without_function(capsys):
    err = fails(capsys, BAD_FILE)
    assert "is not FILE:FUNCTION; write e.g. samples/seeds.py:f." in err


def test_unknown_function(capsys):
    err = fails(capsys, f"{BAD_FILE}:does_not_exist")
    assert err.startswith(f"s2sad: error: '{BAD_FILE}' defines no function 'does_not_exist'; "
                          "its functions: ")
    assert " ok_scalar, " in err


@pytest.mark.parametrize("name, what", [("NOT_A_FUNCTION", "int"), ("Box", "type"),
                                        ("np", "module")])
def test_name_that_is_not_a_function(capsys, name, what):
    err = fails(capsys, f"{BAD_FILE}:{name}")
    assert f"'{name}' in '{BAD_FILE}' is a {what}, not a function." in err


# ---------------------------------------------------------------- s2sad's errors


@pytest.mark.parametrize("fn, construct", [
    (bad.bad_return_in_loop, r"return"),
    (bad.bad_for_zip_strict, r"zip"),
    (bad.bad_lambda, r"lambda"),
    (bad.bad_no_return, r"return"),
    (bad.bad_call_without_rule, r"np\.linalg\.eig`"),
    (bad.bad_recursion, r"recurs"),
    (bad.bad_wrong_argument_count, r"two_parameters"),
], ids=lambda v: getattr(v, "__name__", "")[4:] or None)
def test_unsupported_construct(capsys, fn, construct):
    err = fails(capsys, f"{BAD_FILE}:{fn.__name__}", "--args", "1.5")
    assert f"bad_functions.py:{marked_line(fn)}:" in err, err
    assert re.search(construct, err), err


def test_unsupported_construct_without_args(capsys):
    fn = bad.bad_loop_else
    err = fails(capsys, f"{BAD_FILE}:{fn.__name__}")
    assert f"bad_functions.py:{marked_line(fn)}:" in err, err
    assert "else" in err


def test_wengert_of_unsupported_construct(capsys):
    fn = bad.bad_try
    err = fails(capsys, f"{BAD_FILE}:{fn.__name__}", "--mode", "wengert")
    assert f"bad_functions.py:{marked_line(fn)}:" in err, err


def test_wrt_names_no_parameter(capsys):
    assert "'z'" in fails(capsys, f"{BAD_FILE}:ok_scalar", "--wrt", "z")


def test_wrt_twice(capsys):
    assert "twice" in fails(capsys, f"{BAD_FILE}:ok_scalar", "--wrt", "x,x")


@pytest.mark.parametrize("args", ["1.5, (", "undefined_name", "1/0"])
def test_bad_args_expression(capsys, args):
    err = fails(capsys, f"{BAD_FILE}:ok_scalar", "--args", args)
    assert f"--args {args!r} is not a Python expression of values" in err


def test_args_of_wrong_type(capsys):
    assert "'x'" in fails(capsys, f"{BAD_FILE}:ok_scalar", "--args", "'a', 1.0")


def test_args_of_wrong_count(capsys):
    assert "ok_scalar" in fails(capsys, f"{BAD_FILE}:ok_scalar", "--args", "1.0, 2.0, 3.0")


def test_int_array_args(capsys):
    assert "astype(float)" in fails(capsys, f"{BAD_FILE}:ok_sum", "--args", "np.arange(3)")


# ---------------------------------------------------------------- options


def test_unknown_mode(capsys):
    code, out, err = run(capsys, f"{BAD_FILE}:ok_scalar", "--mode", "nope")
    assert (code, out) == (2, "")
    assert "s2sad: error: argument --mode: invalid choice: 'nope'" in err


def test_without_arguments(capsys):
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert "s2sad: error: the following arguments are required: FILE:FUNCTION" in err


def test_version(capsys):
    """One version: the package's, which is also the installed distribution's."""
    assert run(capsys, "--version") == (0, f"s2sad {s2sad.__version__}\n", "")
    assert importlib.metadata.version("s2sad") == s2sad.__version__


def test_help_says_what_runs(capsys):
    code, out, err = run(capsys, "--help")
    assert (code, err) == (0, "")
    text = " ".join(out.split())
    assert "its top-level code runs, as under `python FILE`" in text
    assert 'except its `if __name__ == "__main__":` block' in text


# ---------------------------------------------------------------- from a shell


def test_python_m_s2sad_exit_status(tmp_path):
    script = tmp_path / "exits.py"
    script.write_text("import sys\n\ndef f(x):\n    return x\n\nsys.exit(3)\n")
    done = subprocess.run([sys.executable, "-m", "s2sad", f"{script}:f"], capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"s2sad: error: {script}:6: the file's top-level code called "
                           f"sys.exit(3) when s2sad imported it; {GUARD_ADVICE}\n")


def test_installed_script(tmp_path):
    """The console script of the installed package, on a file without .py that imports
    a module beside it, run from another folder."""
    folders = [sysconfig.get_path("scripts"), sysconfig.get_path("scripts", f"{os.name}_user")]
    command = shutil.which("s2sad", path=os.pathsep.join(folders))
    assert command is not None, "s2sad is not installed in this environment"
    write(tmp_path / "cli_helpers3.py", """
        import math

        def damped(x):
            return math.exp(-x) * math.sin(x)
    """)
    script = write(tmp_path / "tool", """
        from cli_helpers3 import damped

        def f(x):
            return damped(x) * x
    """)
    done = subprocess.run([command, f"{script}:f", "--mode", "forward"], capture_output=True,
                          text=True, cwd=Path(__file__).parent, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    (tmp_path / "tool.py").write_text(script.read_text())
    assert done.stdout == s2sad.source(imported(tmp_path, "tool", "f"), mode="forward")
    assert done.stdout.startswith("def f_tangent(x, x_dot):")
