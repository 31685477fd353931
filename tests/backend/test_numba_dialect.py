"""The numba dialect as `source(..., backend="numba")` and `s2sad FILE:FUNCTION --backend
numba` print it: one tape per saved value on a preallocated array (sized by the trip count
where it is known, grown where it is not), loops that count down, no closures or bound
methods. Printing the dialect compiles nothing."""
import numpy as np

import s2sad
from numba_programs import branches_and_break, elman_args, logistic_map
from programs.elman import elman, elman_stopping
from util import assert_close, run_cli


def test_the_logistic_maps_tape_is_an_array_of_the_trip_count():
    text = s2sad.source(logistic_map, 3.7, 0.3, 20, mode="gradient", backend="numba")
    assert text == '''\
def logistic_map_gradient(r, x, n):
    x_tape = np.empty(max(n, 0), np.float64)
    x_top = 0
    for _ in range(n):
        x_tape[x_top] = x
        x_top += 1
        x = r * x * (1.0 - x)
    # backward sweep
    x_bar = 1.0
    r_bar = 0.0
    for _ in range(n - 1, -1, -1):
        x_top -= 1
        x = x_tape[x_top]
        t1 = r * x
        t2 = 1.0 - x
        t1_bar = x_bar * t2
        t2_bar = x_bar * t1
        x_bar = -t2_bar
        r_bar += t1_bar * x
        x_bar += t1_bar * r
    return r_bar
'''


def test_a_loop_that_may_break_grows_its_tapes():
    """Flags and values pushed in branches go on tapes that grow (`push`); the backward
    loop counts down over the trips made."""
    text = s2sad.source(branches_and_break, 0.8, 9, mode="reverse", backend="numba")
    assert "flag_tape = np.empty(16, np.bool_)" in text
    assert "flag_tape, flag_top = push(flag_tape, flag_top, True)" in text
    assert "s_tape, s_top = push(s_tape, s_top, s)" in text
    assert "for i in range(trips - 1, -1, -1):" in text
    assert "if not flag_tape[flag_top]:" in text
    for python_only in ("reversed(", "stack.append", "push = ", "pop()"):
        assert python_only not in text


def test_arrays_saved_go_on_lists_and_undefined_values_get_their_kind():
    args = elman_args(np.random.default_rng(0))
    text = s2sad.source(elman_stopping, *args, wrt=(0, 1, 2, 3), mode="gradient",
                        backend="numba")
    assert "y = np.empty(0)" in text and "y = None" not in text
    assert "h_stack.append(h)" in text and "h = h_stack.pop()" in text
    assert "stacked(V_bar_left)" in text and "np.array(" not in text
    gradients = s2sad.grad(elman_stopping, wrt=(0, 1, 2, 3), backend="numba")(*args)
    for got, want in zip(gradients, s2sad.grad(elman_stopping, wrt=(0, 1, 2, 3))(*args)):
        assert_close(got, want, rtol=1e-12, atol=1e-14)


def test_a_distributed_loop_stacks_its_trips_with_the_numba_helper():
    text = s2sad.source(elman, *elman_args(np.random.default_rng(0)), wrt=(0, 1, 2, 3),
                        mode="gradient", backend="numba")
    assert "hs = stacked(h_trips)" in text and "np.array(" not in text
    assert "if len(h_trips) > 0:" in text


def test_the_command_line_prints_the_dialect_with_lines(capsys):
    target = f"{logistic_map.__code__.co_filename}:logistic_map"
    code, out, err = run_cli(capsys, target, "--args", "3.7, 0.3, 20", "--mode", "gradient",
                             "--backend", "numba", "--lines")
    assert code == 0 and not err
    lines = {line.split("  # ")[0].strip(): line.split("  # ")[-1] for line in out.split("\n")}
    first = logistic_map.__code__.co_firstlineno
    assert lines["x_tape[x_top] = x"].endswith(f"numba_programs.py:{first + 2}")
    assert lines["for _ in range(n - 1, -1, -1):"].endswith(f"numba_programs.py:{first + 1}")


def test_a_derived_functions_source_is_the_dialect_it_runs():
    grad = s2sad.grad(logistic_map, backend="numba")
    grad(3.7, 0.3, 20)
    assert grad.source == s2sad.source(logistic_map, 3.7, 0.3, 20, mode="gradient",
                                       backend="numba")
    assert "x_tape[x_top] = x" in grad.source
    assert grad(3.7, 0.3, -2) == 0.0    # range(-2) makes no trip: an empty tape
