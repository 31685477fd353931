"""Generated identifiers come from the user's names made safe (naming.py): a function's
`__name__` may be any string, and it must never reach generated source as code."""
import math

import numpy as np
import pytest

import s2sad
from s2sad.ir.naming import identifier


def loss(x, y):
    return math.sin(x) * y + x * x


def losses(x):
    return np.sum(np.tanh(x) ** 2)


@pytest.mark.parametrize("name", [
    "my-loss", "class", "1st", "loss (v2)", "λ",
    "x): pass\nimport os\nos.environ['S2SAD_PWNED'] = '1'\ndef y(",
], ids=["dash", "keyword", "digit", "spaces", "unicode", "code"])
def test_any_function_name_gives_working_derivatives(name, monkeypatch):
    """`my-loss` gave a SyntaxError; a crafted name ran its code."""
    monkeypatch.delenv("S2SAD_PWNED", raising=False)
    monkeypatch.setattr(loss, "__name__", name)
    monkeypatch.setattr(losses, "__name__", name)
    for _ in range(3):  # the third call takes the fast path, compiled from the name too
        value, grads = s2sad.value_and_grad(loss, wrt=(0, 1))(0.5, 2.0)
        assert grads == pytest.approx((2.0 * math.cos(0.5) + 1.0, math.sin(0.5)))
        assert s2sad.jvp(loss)(0.5, 2.0, 1.0)[1] == pytest.approx(grads[0])
    x = np.array([0.1, -0.4])
    np.testing.assert_allclose(s2sad.grad(losses)(x), 2 * np.tanh(x) / np.cosh(x) ** 2)
    assert s2sad.jacobian(losses)(x) == pytest.approx(2 * np.tanh(x) / np.cosh(x) ** 2)
    for mode in ("reverse", "forward", "wengert"):
        text = s2sad.source(loss, 0.5, 2.0, mode=mode)
        compile(text, "<generated>", "exec")
        assert "import os" not in text
    assert "S2SAD_PWNED" not in __import__("os").environ


def test_identifier_keeps_identifiers_and_repairs_the_rest():
    assert identifier("loss") == "loss"
    assert identifier("my-loss") == "my_loss"
    assert identifier("class") == "_class"
    assert identifier("1st") == "_1st"
    assert identifier("") == "f"
    for text in ("x²", "a b\nc", "λ", "def", "__import__('os')"):
        assert identifier(text).isidentifier()
