"""Properties of the generated code itself: no helpers in scalar code, real tracebacks."""
import inspect
import math
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

import s2sad

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
import seeds  # noqa: E402
from util import numeric_grad

SCALAR_CASES = [
    (seeds.griewank_walther, (1.5, 0.5)),
    (seeds.log_sin, (2.0, 5.0)),
    (seeds.reused_values, (1.5,)),
    (seeds.neg_log_sigmoid, (1.5, 0.5)),
]


@pytest.mark.parametrize("fn, args", SCALAR_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_scalar_code_calls_no_helpers(fn, args):
    text = s2sad.source(fn, *args, wrt=tuple(range(len(args))))
    for helper in ("unbroadcast", "np.", "zeros_like", "matmul_adjoint", "copy("):
        assert helper not in text, f"{helper} in scalar code:\n{text}"


def test_adjoint_is_assigned_not_zero_filled():
    text = s2sad.source(seeds.griewank_walther, 1.5, 0.5, wrt=(0, 1))
    assert "= 0" not in text
    assert text.count("x1_bar =") == 1 and text.count("x1_bar +=") == 0


def crash(x):
    return math.log(x) * x


def test_traceback_and_getsource_show_generated_lines():
    gradient = s2sad.grad(crash)
    with pytest.raises(ValueError) as info:
        gradient(-1.0)
    text = "".join(traceback.format_exception(info.value))
    assert "t1 = math.log(x)" in text
    assert inspect.getsource(gradient._last.function) == gradient._last.source


WEIGHT = 2.0


def uses_global(x):
    return WEIGHT * x * x


def test_module_level_constant_is_read_at_call_time():
    global WEIGHT
    gradient = s2sad.grad(uses_global)
    assert gradient(3.0) == pytest.approx(12.0)
    WEIGHT = 5.0
    try:
        assert gradient(3.0) == pytest.approx(30.0)
    finally:
        WEIGHT = 2.0


def make_closure(k):
    def scaled(x):
        return k * np.sin(x)
    return scaled


def test_closure_variables_are_seen():
    scaled = make_closure(3.0)
    assert s2sad.grad(scaled)(0.5) == pytest.approx(3 * math.cos(0.5))
    x = np.linspace(0.1, 1.0, 4)
    assert np.allclose(s2sad.vjp(scaled)(x, np.ones(4))[1], 3 * np.cos(x))


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def shifted(x):
    return np.sum(x[2:] * x[:-2] + x[1:-1] ** 2)


def overlapping(x):
    return np.sum(x[1:] * x[:2])


@pytest.mark.parametrize("fn, sums", [(rosenbrock, 0), (shifted, 0), (overlapping, 2)])
def test_slices_shortened_alike_need_no_unbroadcast(fn, sums):
    """`x[1:]` and `x[:-1]` (`x[2:]`, `x[:-2]` and `x[1:-1]`) have the same length, so
    combining them needs no `unbroadcast`; `x[:2]` is another length, so it keeps it."""
    x = np.random.default_rng(3).uniform(0.5, 1.5, 3)
    assert s2sad.source(fn, x).count("unbroadcast(") == sums
    assert np.allclose(s2sad.grad(fn)(x), numeric_grad(fn, (x,)), rtol=1e-7, atol=1e-8)
    assert np.allclose(s2sad.grad(fn)(x[:2]), numeric_grad(fn, (x[:2],)), rtol=1e-7, atol=1e-8)


def test_gradient_leaves_out_what_only_the_value_needs():
    """grad() runs an adjoint without the value: of Rosenbrock's forward sweep only the
    slice, `x[1:] - x[:-1] ** 2` and `1 - x[:-1]` remain (three lines: a temporary the
    backward sweep does not read is written into its reader); the sum's adjoint stays a
    number through `100.0 * ...` and is never spread into an array, and the seed, always
    1.0, is folded into the numbers that multiply it."""
    from s2sad.ir import kinds as K
    from s2sad import pipeline
    x = np.ones(5)
    text = pipeline.derive(rosenbrock, K.of_arguments((x,), (0,), ["x"]), (0,),
                           "gradient").source
    forward = text.split("# backward sweep")[0]
    assert forward.count(" = ") == 3 and "np.sum" not in forward, text
    assert "full_like" not in text and "t4_bar = 200.0 * t4" in text, text
    assert "rosenbrock_bar" not in text and text.startswith("def rosenbrock_gradient(x):")


def unsupported_here(x):
    return np.linalg.eig(x)[0].sum()


def test_the_cycle_collector_is_paused_only_while_generating():
    """Generation pauses the collector (a full collection in a large heap can cost more
    than the transformation) and always turns it back on, after an error too."""
    import gc
    assert gc.isenabled()
    s2sad.grad(rosenbrock)(np.ones(4))
    assert gc.isenabled()
    with pytest.raises(s2sad.Error):
        s2sad.grad(unsupported_here)(np.ones((3, 3)))
    assert gc.isenabled()
    gc.disable()
    try:
        s2sad.grad(shifted)(np.ones(6))
        assert not gc.isenabled()
    finally:
        gc.enable()


def head_and_tail(x):
    return np.sum(x[1:] * x[:-1]) + np.sum(x[2:5] ** 2) + np.sum(np.sin(x[-3:]))


def empty_slices(x):
    return np.sum(x[5:2] * 3.0) + np.sum(x[:0]) + np.sum(x[2:] ** 2)


def rows(A):
    return np.sum(A[1:] * A[:-1])


@pytest.mark.parametrize("fn, x", [
    (head_and_tail, np.linspace(0.5, 1.5, 7)),
    (empty_slices, np.linspace(0.5, 1.5, 6)),
    (rows, np.linspace(0.5, 1.5, 12).reshape(4, 3)),
    (rows, np.linspace(0.5, 1.5, 3).reshape(1, 3)),
])
def test_first_slice_written_into_an_empty_adjoint(fn, x):
    """The first slice of an argument that receives an adjoint is assigned into
    `np.empty_like`, with zeros written only outside it: every element is set once."""
    assert "np.empty_like(x)" in s2sad.source(fn, x).replace("(A)", "(x)")
    g = s2sad.grad(fn)(x)
    np.testing.assert_allclose(g, numeric_grad(fn, (x,)), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(s2sad.value_and_grad(fn)(x)[1], g, rtol=1e-15, atol=0)
    np.testing.assert_allclose(s2sad.vjp(fn)(x, 1.0)[1], g, rtol=1e-15, atol=0)


def test_a_list_is_its_own_tape():
    """A list built by `append` is never pushed: the backward trip pops its adjoint, and
    the list itself only where the backward sweep reads it before undoing every append
    (`xs[-1]` recomputed), not where all it reads comes after the appends (a sum)."""
    from programs.control_flow.lists import (kalman_means, list_append_sum, list_of_arrays,
                                             list_read_back)
    summed = s2sad.source(list_append_sum, 0.3, 0.9, 5, wrt=(0, 1))
    assert "xs_bar.pop()" in summed and "xs.pop()" not in summed
    read_back = s2sad.source(list_read_back, 0.4, 0.9, 6, wrt=(0, 1))
    assert "xs.pop()" in read_back and "xs_bar.pop()" in read_back
    for text in (summed, read_back, s2sad.source(kalman_means, np.ones(4), 0.3, 0.5),
                 s2sad.source(list_of_arrays, np.ones(3), np.ones((3, 3)), 4)):
        assert "push(xs)" not in text and "push(means)" not in text
        assert "push(states)" not in text and "np.copy(states" not in text
