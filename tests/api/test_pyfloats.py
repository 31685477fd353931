"""The fast path leaves out its result check only where the generated code can return
nothing but Python floats: checked on generated code (gradient, tangent, a loop with a
tape) and on the cases that must keep the check (NumPy scalars, an int gradient, float
powers, an unknown `math`), then through grad and jvp, whose results stay floats."""
import math
import sys
import textwrap
from pathlib import Path

import numpy as np

import s2sad
from s2sad.api.pyfloats import returns_floats

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
from loops import logistic_map  # noqa: E402
from seeds import griewank_walther  # noqa: E402


def numpy_sine(x):
    return np.sin(x) * x


def times_count(x, n):
    return x * n


def code(text):
    return textwrap.dedent(text).strip() + "\n"


def test_generated_scalar_code_returns_floats():
    gradient = s2sad.source(griewank_walther, 1.5, 0.5, wrt=(0, 1), mode="gradient")
    tangent = s2sad.source(griewank_walther, 1.5, 0.5, wrt=(0, 1), mode="forward")
    assert returns_floats(gradient, [float, float], "math")
    assert returns_floats(tangent, [float] * 4, "math")
    assert not returns_floats(gradient, [float, float])   # `math` may be anything
    assert not returns_floats(gradient, [float, None], "math")
    assert not returns_floats(tangent, [float] * 3, "math")


def test_values_popped_from_the_tape_are_floats_when_all_pushed_are():
    gradient = s2sad.source(logistic_map, 0.5, 10, mode="gradient")
    assert "pop()" in gradient
    assert returns_floats(gradient, [float, int])
    assert not returns_floats(gradient, [None, int])
    assert not returns_floats(gradient.replace("push(x)", "push(i)"), [float, int])
    assert not returns_floats(code("""
        def f(x, a):
            stack = []
            push = stack.append
            pop = stack.pop
            push(a)
            return x * pop()
    """), [float, None])


def test_what_may_not_be_a_float():
    assert not returns_floats(code("""
        def f(x):
            return np.sin(x)
    """), [float])
    assert not returns_floats(code("""
        def f(x, y):
            return x ** y
    """), [float, float])
    assert returns_floats(code("""
        def f(x, n):
            return x ** n + x ** 2
    """), [float, int])
    assert not returns_floats(code("""
        def f(x, n):
            x = n * 2
            return x
    """), [float, int])
    assert not returns_floats(code("""
        def f(x, k):
            return x * k
    """), [float, None])
    assert not returns_floats(code("""
        def f(x):
            return math.floor(x)
    """), [float], "math")
    assert returns_floats(code("""
        def f(x, n):
            s = 0.0
            for i in range(n):
                s += x * i
            return s, (s / 2, -x)
    """), [float, int])


def test_the_fast_path_keeps_floats_either_way():
    grad = s2sad.grad(griewank_walther, wrt=(0, 1))
    jvp = s2sad.jvp(griewank_walther, wrt=(0, 1))
    for _ in range(3):
        g = grad(1.5, 0.5)
        value, tangent = jvp(1.5, 0.5, (1.0, 0.0))
    assert "like(" not in grad._dispatcher.source
    assert "result_tangent" not in jvp._dispatcher.source.split("return slow")[0]
    assert all(type(v) is float for v in (*g, value, tangent))
    assert g[0] == tangent
    for fn, args in ((numpy_sine, (0.7,)), (times_count, (2.0, 3))):
        grad = s2sad.grad(fn)
        results = [grad(*args) for _ in range(3)]
        assert "like(" in grad._dispatcher.source
        assert all(type(r) is float for r in results)
    assert results[-1] == 3.0
    expected = math.cos(0.7) * 0.7 + math.sin(0.7)
    assert abs(s2sad.grad(numpy_sine)(0.7) - expected) <= 1e-15 * abs(expected)
