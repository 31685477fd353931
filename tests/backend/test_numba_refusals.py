"""What backend="numba" refuses, and how: a located `CompiledError` naming the construct
and the user's line, before numba runs (the support table) or from numba's own typing
error; backend="auto" runs the Python derivative instead; without numba installed, a
`BackendMissing` that says what to install; an unknown backend is a usage error."""
import inspect
import sys

import pytest

import s2sad
from numba_programs import fsum_call, logistic_map, special_call, stack_of_numbers
from util import numeric_grad


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_a_call_numba_cannot_compile_is_refused_at_its_line():
    with pytest.raises(s2sad.CompiledError) as caught:
        s2sad.grad(special_call, backend="numba")(0.4)
    error = caught.value
    assert error.line == _line_of(special_call, "scipy.special.gammaln")
    assert error.filename.endswith("numba_programs.py")
    assert "scipy.special.digamma" in str(error) and 'backend="auto"' in str(error)


def test_a_function_of_math_numba_lacks_is_refused_at_its_line():
    with pytest.raises(s2sad.CompiledError) as caught:
        s2sad.grad(fsum_call, backend="numba")(0.4)
    assert caught.value.line == _line_of(fsum_call, "math.fsum")
    assert "math.fsum" in str(caught.value)


def test_numbas_own_typing_error_is_said_at_the_users_line():
    """np.stack is in the table, but numba stacks arrays, not numbers: numba's typing
    error comes back as a CompiledError at the line, quoting the statement, with no
    numba traceback."""
    with pytest.raises(s2sad.CompiledError) as caught:
        s2sad.grad(stack_of_numbers, backend="numba")(0.4)
    error = caught.value
    assert error.line == _line_of(stack_of_numbers, "np.stack")
    assert "np.stack(" in str(error) and "No implementation of function" in str(error)
    assert error.__cause__ is None and error.__context__ is None


def test_auto_falls_back_to_python_where_numba_cannot_compile():
    for fn in (special_call, fsum_call, stack_of_numbers):
        expected = numeric_grad(fn, (0.4,))
        assert s2sad.grad(fn, backend="auto")(0.4) == pytest.approx(expected, rel=1e-6)
        assert s2sad.jvp(fn, backend="auto")(0.4, 1.0)[1] == pytest.approx(expected,
                                                                            rel=1e-6)


def test_without_numba_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    for make in (s2sad.grad, s2sad.value_and_grad, s2sad.jvp, s2sad.vjp):
        with pytest.raises(s2sad.BackendMissing, match=r"pip install 's2sad\[numba\]'"):
            make(logistic_map, backend="numba")
    with pytest.raises(s2sad.BackendMissing):
        s2sad.compiled(logistic_map, 3.7, 0.3, 5, backend="numba")
    # "auto" runs the Python derivative where numba is not installed
    expected = numeric_grad(logistic_map, (3.7, 0.3, 5))
    assert s2sad.grad(logistic_map, backend="auto")(3.7, 0.3, 5) == pytest.approx(
        expected, rel=1e-6)


def test_an_unknown_backend_is_a_usage_error():
    for call in (lambda: s2sad.grad(logistic_map, backend="jax"),
                 lambda: s2sad.jvp(logistic_map, backend=None),
                 lambda: s2sad.source(logistic_map, 3.7, 0.3, 5, backend="cuda"),
                 lambda: s2sad.compiled(logistic_map, 3.7, 0.3, 5, backend="c")):
        with pytest.raises(s2sad.UsageError, match="is not one of 'python', 'numba', 'auto'"):
            call()
