"""`s2sad export FILE:FUNCTION` (s2sad/reading/export_command.py), what `s2sad.export`
refuses, and two values that want one name in the exported module.

The command runs in-process through `s2sad.api.cli.main`, as tests/api/test_cli.py does;
every refusal is an `s2sad.Error` that names the line of the user's code that reads the
value it cannot write."""
import inspect
import sys

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedError
from s2sad.reading import collect, export as exporting
from util import assert_close, module_from, numeric_grad, run_cli as run

import export_programs as programs

PROGRAMS = programs.__file__


@pytest.fixture(autouse=True)
def forget_tmp_modules(tmp_path):
    """Modules a test's files import are not seen by the next test."""
    yield
    for name, module in list(sys.modules.items()):
        if str(tmp_path) in str(getattr(module, "__file__", None)):
            del sys.modules[name]


def test_the_command_prints_what_export_returns(capsys):
    code, out, err = run(capsys, "export", f"{PROGRAMS}:polynomial", "--args", "1.3, 0.7",
                         "--wrt", "x,y")
    assert (code, err) == (0, "")
    assert out == s2sad.export(programs.polynomial, 1.3, 0.7, wrt=("x", "y"))
    assert "def polynomial_gradient(x, y):" in out


@pytest.mark.parametrize("mode, name", [("reverse", "seed_002_adjoint"),
                                        ("forward", "seed_002_tangent"),
                                        ("vector", "seed_002_tangents")])
def test_the_command_takes_a_mode(capsys, mode, name):
    code, out, err = run(capsys, "export", f"{PROGRAMS}:seed_002", "--args", "2.0, 5.0",
                         "--mode", mode)
    assert (code, err) == (0, "")
    assert out == s2sad.export(programs.seed_002, 2.0, 5.0, mode=mode)
    assert f'__all__ = ["{name}"]' in out


def test_the_command_writes_a_file_that_computes_the_gradient(capsys, tmp_path):
    target = tmp_path / "shipped_gradient.py"
    args = (np.array([0.3, -1.2, 0.8]), np.array([[1.0, 2.0, 0.5], [0.1, -0.4, 2.0]]))
    code, out, err = run(capsys, "export", f"{PROGRAMS}:broadcast", "--args",
                         "np.array([0.3, -1.2, 0.8]), np.array([[1.0, 2.0, 0.5], "
                         "[0.1, -0.4, 2.0]])", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    shipped = module_from(tmp_path, "shipped_gradient", target.read_text())
    assert_close(shipped.broadcast_gradient(*args), s2sad.grad(programs.broadcast)(*args),
                 1e-12, 1e-12)
    assert_close(shipped.broadcast_gradient(*args), numeric_grad(programs.broadcast, args))


def test_the_command_says_what_went_wrong_in_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "export", f"{PROGRAMS}:nothing_here")
    assert (code, out) == (1, "")
    assert err.startswith("s2sad: error: ") and "defines no function 'nothing_here'" in err
    code, out, err = run(capsys, "export", f"{PROGRAMS}:seed_002", "--args", "2.0, 5.0",
                         "-o", str(tmp_path / "missing" / "out.py"))
    assert (code, out) == (1, "")
    assert err.startswith("s2sad: error: cannot write") and err.count("\n") == 1


def test_the_command_is_listed_in_the_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "s2sad export --help" in out
    code, out, _ = run(capsys, "export", "--help")
    assert code == 0 and "-o OUT.py" in out and "gradient" in out


def test_a_mode_export_has_no_is_a_usage_error():
    with pytest.raises(s2sad.UsageError, match="mode='wengert' is not one of"):
        s2sad.export(programs.seed_002, 2.0, 5.0, mode="wengert")


# ---------------------------------------------------------------- refusals

def line_of(module, text):
    lines, first = inspect.getsourcelines(module)
    return first + next(i for i, line in enumerate(lines) if text in line)


REFUSED = """
    import types
    import numpy as np

    class Scale:
        k = 2.0

    settings = types.SimpleNamespace(scale=2.0, n=3)
    BIG = np.ones(20000)


    def by_object(o):
        def loss(x):
            return x * o.k
        return loss


    reads_object = by_object(Scale())


    def reads_settings(x):
        total = 0.0
        for _ in range(settings.n):
            total = total + settings.scale * x ** 2
        return total


    def reads_big(x):
        return np.sum(x * BIG[:3])
"""


@pytest.mark.parametrize("name, read, what", [
    ("reads_object", "o", "an object of type `Scale`"),
    ("reads_settings", "settings", "namespace(scale=2.0, n=3)"),
    ("reads_big", "BIG", "an array of 20000 elements"),
])
def test_a_value_that_cannot_be_written_as_source_is_refused_where_it_is_read(
        tmp_path, name, read, what):
    module = module_from(tmp_path, "refused_values", REFUSED)
    fn = getattr(module, name)
    x = np.ones(3) if name == "reads_big" else 1.5
    with pytest.raises(UnsupportedError) as caught:
        s2sad.export(fn, x)
    error = caught.value
    assert f"`{read}`" in str(error) and what in str(error)
    assert "which cannot be written as source" in str(error)
    assert error.filename == str(tmp_path / "refused_values.py")
    source = (tmp_path / "refused_values.py").read_text().splitlines()
    assert read in source[error.line - 1] and "def " not in source[error.line - 1]


def test_a_module_of_the_users_own_is_refused_with_advice(tmp_path):
    module_from(tmp_path, "own_helpers", """
        def square(x):
            return x * x
    """)
    module = module_from(tmp_path, "uses_own", """
        import own_helpers

        def f(x):
            return own_helpers.square(x) + 1.0
    """)
    with pytest.raises(UnsupportedError, match=r"from own_helpers import \.\.\.") as caught:
        s2sad.export(module.f, 1.5, mode="reverse")
    lines = (tmp_path / "uses_own.py").read_text().splitlines()
    assert caught.value.filename == str(tmp_path / "uses_own.py")
    assert "return own_helpers.square(x)" in lines[caught.value.line - 1]
    assert s2sad.grad(module.f)(1.5) == 3.0     # the derivative itself is fine


# ---------------------------------------------------------------- one name, two values

def test_two_values_of_one_name_get_names_of_their_own(tmp_path):
    """`SCALE` of the user's file and `SCALE` of the module its helper comes from are two
    constants: the second is renamed, in the functions that read it too."""
    module_from(tmp_path, "damping", """
        import numpy
        SCALE = 3.0

        def damped(x, n):
            if n == 0:
                return x
            return SCALE * numpy.sin(damped(x, n - 1))
    """)
    main_module = module_from(tmp_path, "damped_main", """
        import numpy as np
        from damping import damped
        SCALE = 0.5

        def f(x):
            return SCALE * damped(x, 2) + np.cos(x)
    """)
    text = s2sad.export(main_module.f, 0.3, mode="reverse")
    assert "SCALE = 0.5\n" in text and "SCALE_2 = 3.0\n" in text
    assert "return SCALE_2 * numpy.sin(damped(x, n - 1))" in text
    shipped = module_from(tmp_path, "damped_shipped", text)
    value, gradient = shipped.f_adjoint(0.3)
    assert_close(value, main_module.f(0.3), 1e-12, 1e-12)
    assert_close(gradient, s2sad.grad(main_module.f)(0.3), 1e-12, 1e-12)
    assert_close(gradient, numeric_grad(main_module.f, (0.3,)))


def test_a_renamed_name_must_not_be_a_variable_of_the_function_renamed():
    unit = collect.Unit(None, "g", "def g(x):\n    def inner(SCALE):\n        return SCALE\n"
                        "    return inner(x) * SCALE\n", "function", "file.py", 10)
    with pytest.raises(UnsupportedError, match="uses `SCALE` both as its own variable") \
            as caught:
        exporting._renamed(unit, {"SCALE": "SCALE_2"})
    assert (caught.value.filename, caught.value.line) == ("file.py", 10)
    plain = collect.Unit(None, "g", "def g(x):\n    return x * SCALE + SCALE\n", "function",
                         "file.py", 10)
    assert exporting._renamed(plain, {"SCALE": "S2", "g": "g_2"}) == \
        "def g_2(x):\n    return x * S2 + S2\n"


def test_a_file_named_like_a_standard_module_is_the_users_own(tmp_path):
    """A helper in the user's `test.py` is copied, not imported from the standard
    library's `test` package; the standard library's own modules are imported."""
    module_from(tmp_path, "test", """
        def helper(x):
            return x * x
    """)
    module = module_from(tmp_path, "shadowing", """
        import statistics
        from test import helper

        def f(x):
            s = 0.0
            for _ in range(2):
                s = s + helper(x) * statistics.fsum([1.0, 2.0])
            return s
    """)
    try:
        text = s2sad.export(module.f, 0.5, mode="reverse")
    finally:
        del sys.modules["test"]
    assert "import statistics\n" in text and "def helper(x):" in text
    assert "from test import" not in text
    shipped = module_from(tmp_path, "shadowing_shipped", text)
    value, gradient = shipped.f_adjoint(0.5)
    assert_close((value, gradient), (module.f(0.5), s2sad.grad(module.f)(0.5)), 1e-12, 1e-12)
    assert_close(gradient, numeric_grad(module.f, (0.5,)))
