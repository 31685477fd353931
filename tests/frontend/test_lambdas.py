"""A lambda given to s2sad is read from its line as the `def` it stands for, named after
the name it is assigned to; its derivatives match central differences in both modes."""
import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad

cube_plus = lambda x: x ** 3 + np.sin(x)  # noqa: E731
loss = lambda w, X: np.sum(np.tanh(X @ w) ** 2)  # noqa: E731
pair = (lambda x: x + 1.0, lambda x: x * 2.0)
outer = lambda x: s2sad.grad(cube_plus)(x) * x  # noqa: E731
TABLE = {
    "sorted": lambda x: np.sum(np.sort(x) ** 3 * np.arange(3.0)),
    "scaled": lambda x: np.sum(x * x) / 2.0,
}
W = np.array([0.3, -0.2])
X = np.arange(6.0).reshape(3, 2) / 5


def test_named_lambda_in_both_modes():
    assert_close(s2sad.grad(cube_plus)(0.7), 3 * 0.7 ** 2 + np.cos(0.7))
    assert_close(s2sad.jvp(cube_plus)(0.7, 2.0)[1], 2 * (3 * 0.7 ** 2 + np.cos(0.7)))
    assert_close(s2sad.grad(loss)(W, X), numeric_grad(loss, (W, X), 0))


def test_generated_code_takes_the_assigned_name():
    assert "def loss_adjoint(w, X, loss_bar=1.0):" in s2sad.source(loss, W, X)
    assert "def anonymous_tangent(x, x_dot):" in \
        s2sad.source(lambda x: x * x, 2.0, mode="forward")


def test_lambda_written_in_the_call():
    assert_close(s2sad.grad(lambda x: x ** 3)(2.0), 12.0)


def test_lambda_calling_a_derivative_is_differentiated_again():
    # d/dx [(3x^2 + cos x) x] = 9x^2 + cos x - x sin x
    assert_close(s2sad.grad(outer)(0.7), 9 * 0.49 + np.cos(0.7) - 0.7 * np.sin(0.7))


def test_two_lambdas_on_one_line_are_refused_at_that_line():
    with pytest.raises(s2sad.SourceError, match=r"test_lambdas.py:\d+: cannot tell this lambda"):
        s2sad.grad(pair[0])(1.0)


def test_lambda_inside_a_statement_of_several_lines():
    x = np.array([0.3, -0.5, 0.9])
    assert_close(s2sad.grad(TABLE["scaled"])(x), x)
    assert_close(s2sad.grad(TABLE["sorted"])(x), numeric_grad(TABLE["sorted"], (x,), 0))
