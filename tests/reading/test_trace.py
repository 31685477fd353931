"""s2sad.trace: the evaluation trace of a function, row by row.

The seeds' tables are typed in from the lecture notes (seed 000:
/work/shared/seeds/000_a8b45ae8cdd1e970.txt, "Evaluation Trace/Forward Procedure" and the
tangent procedure; seed 002: /work/shared/seeds/002_975587decab4a71c.txt, "Forward Primal
Trace", "Forward Tangent (Derivative) Trace" and "Reverse Adjoint (Derivative) Trace").
Every other row is checked against central differences of the Wengert list run as plain
Python: the tangent of a row moves the inputs along the direction, the adjoint of a row
perturbs that one value as it is computed and watches the result.
"""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.reading import instrument
from s2sad.syntax.compile import compile_function

import traced_programs as tp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
import seeds  # noqa: E402

H = 1e-6


# ---------------------------------------------------------------- the seeds' tables

# seed 000 at (1.5, 0.5), x_dot = (1, 0): values and tangents to the digits the notes print
SEED_000 = [("x1", "input", 1.5, 1.0), ("x2", "input", 0.5, 0.0),
            ("v1", "x1 / x2", 3.0, 2.0), ("v2", "math.sin(v1)", 0.1411, -1.98),
            ("v3", "math.exp(x2)", 1.6487, 0.0), ("v4", "v1 - v3", 1.3513, 2.0),
            ("v5", "v2 + v4", 1.4924, 0.02), ("v6", "v5 * v4", 2.0167, 3.0118)]

# seed 002 at (2, 5), x_dot = (1, 0), y_bar = 1: value, tangent, adjoint as the notes give
SEED_002 = [("x1", 2.0, 1.0, 5.5), ("x2", 5.0, 0.0, 1.716), ("v1", 0.693, 0.5, 1.0),
            ("v2", 10.0, 5.0, 1.0), ("v3", -0.959, 0.0, -1.0), ("v4", 10.693, 5.5, 1.0),
            ("v5", 11.652, 5.5, 1.0)]


def decimals(number):
    text = repr(number)
    return len(text.split(".")[1]) if "." in text else 0


def test_seed_000_values_and_tangents_are_the_notes():
    rows = s2sad.trace(seeds.griewank_walther_steps, 1.5, 0.5).rows
    assert [(r.name, r.operation) for r in rows] == [(n, op) for n, op, _, _ in SEED_000]
    for row, (name, _, value, dot) in zip(rows, SEED_000):
        # the notes round every step: their y = 2.0167 is 2.016647 to more digits
        assert abs(row.value - value) <= (6e-5 if name == "v6" else 5e-5), name
        assert round(row.dot, decimals(dot)) == dot, name
    assert round(rows[-1].dot, 4) == 3.0118


def test_seed_000_adjoints_are_the_sensitivities_of_y():
    """The notes define v_bar = dy/dv without tabulating it here: one backward sweep gives
    x1_bar = y_dot = 3.0118 of the tangent table."""
    trace = s2sad.trace(seeds.griewank_walther_steps, 1.5, 0.5, wrt=("x1", "x2"))
    check_rows(trace, seeds.griewank_walther_steps, (1.5, 0.5), (1.0, 0.0))
    assert round(trace.rows[0].bar, 4) == 3.0118
    assert trace.rows[1].bar == pytest.approx(s2sad.grad(seeds.griewank_walther_steps, 1)(1.5, 0.5))


def test_seed_002_is_the_notes_table():
    rows = s2sad.trace(seeds.log_sin_steps, 2.0, 5.0).rows
    assert [r.name for r in rows] == [name for name, _, _, _ in SEED_002]
    for row, (name, value, dot, bar) in zip(rows, SEED_002):
        for got, want in ((row.value, value), (row.dot, dot), (row.bar, bar)):
            assert round(got, decimals(want)) == want, (name, got, want)
    assert [r.operation for r in rows[2:]] == ["math.log(x1)", "x1 * x2", "math.sin(x2)",
                                               "v1 + v2", "v4 - v3"]


def test_one_expression_has_other_rows_and_the_same_derivatives():
    """Python groups `a + b - c` as `(a + b) - c`: the list's t3 = t2 + t1 is not the
    notes' v4 = v1 - v3, but y, y_dot and the gradient are the notes'."""
    notes = s2sad.trace(seeds.griewank_walther_steps, 1.5, 0.5).rows
    one = s2sad.trace(seeds.griewank_walther, 1.5, 0.5).rows
    assert [r.operation for r in one[2:]] == ["x1 / x2", "math.sin(t1)", "t2 + t1",
                                              "math.exp(x2)", "t3 - t4", "t1 - t4", "t5 * t6"]
    for a, b in ((notes[-1], one[-1]), (notes[0], one[0]), (notes[1], one[1])):
        assert (a.value, a.dot, a.bar) == pytest.approx((b.value, b.dot, b.bar), rel=1e-14)
    assert one[4].value == pytest.approx(math.sin(3.0) + 3.0)


# ---------------------------------------------------------------- every row, by differences

def replay(fn, args, perturb=None):
    """Every row's value (in the trace's order) and the result, from the Wengert list run
    as plain Python; `perturb=(row, delta)` adds `delta` to that row's value as it is
    computed."""
    program = instrument.program(fn)
    seen = []

    def probe(value, key, on):
        if perturb is not None and len(seen) == perturb[0]:
            value = value + perturb[1]
        seen.append(np.copy(value) if isinstance(value, np.ndarray) else value)
        return value
    names = program.names
    plain = compile_function(program.plain(), fn, {
        names["probe"]: probe, names["loop"]: lambda key: None,
        names["trip"]: lambda key: None}, "replay")
    return seen, plain(*args, 0.0)


def moved(args, direction, sign):
    return [a + sign * H * d if d is not None else a for a, d in zip(args, direction)]


def check_rows(trace, fn, args, direction, cotangent=1.0):
    """Each row's value, tangent (along `direction`, None for an argument not moved) and
    adjoint against the replayed list."""
    values, _ = replay(fn, args)
    plus, _ = replay(fn, moved(args, direction, 1))
    minus, _ = replay(fn, moved(args, direction, -1))
    assert len(values) == len(trace.rows)
    for index, row in enumerate(trace.rows):
        np.testing.assert_array_equal(row.value, values[index])
        if row.dot is None:
            continue
        want = (np.asarray(plus[index]) - np.asarray(minus[index])) / (2 * H)
        np.testing.assert_allclose(row.dot, want, rtol=1e-5, atol=1e-6, err_msg=row.name)
        np.testing.assert_allclose(row.bar, adjoint(fn, args, index, row.value, cotangent),
                                   rtol=1e-5, atol=1e-6, err_msg=f"{row.name} {row.trip}")


def adjoint(fn, args, index, value, cotangent):
    """d(cotangent . y)/d(row `index`), one entry of the row's value at a time."""
    out = np.zeros(np.shape(value))
    for entry in np.ndindex(out.shape):
        delta = np.zeros(np.shape(value))
        delta[entry] = H
        ys = [replay(fn, args, (index, sign * (delta if np.ndim(value) else H)))[1]
              for sign in (1, -1)]
        out[entry] = np.sum(cotangent * (np.asarray(ys[0]) - np.asarray(ys[1]))) / (2 * H)
    return out if np.ndim(value) else float(out)


CASES = [
    (tp.straight, (0.3, 1.2), 0, None),
    (tp.straight, (0.3, 1.2), ("x", "y"), (0.5, -2.0)),
    (tp.recurrence, (-1.5, 6), 0, None),
    (tp.branch, (1.5,), 0, None),
    (tp.branch, (0.5,), 0, None),
    (tp.doubling, (1.5,), 0, None),
    (tp.nested, (0.4,), 0, None),
    (tp.layer, (np.array([[1.0, -2.0], [0.5, 0.3]]), np.array([0.1, 0.2])), (0, 1), None),
    (tp.written, (np.array([1.0, 2.0, 3.0]),), 0, None),
    (tp.helper_call, (1.3,), 0, None),
    (tp.countdown, (0.5, 3), 0, None),
    (tp.until, (1.0,), 0, None),
    (tp.unused, (1.5,), 0, None),
]


@pytest.mark.parametrize("fn, args, wrt, direction", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_rows_agree_with_central_differences(fn, args, wrt, direction):
    trace = s2sad.trace(fn, *args, wrt=wrt, direction=direction)
    positions = [list(trace.inputs).index(name) for name in trace.wrt]
    seeds_by_position = dict(zip(positions, trace.direction))
    full = [seeds_by_position.get(i) for i in range(len(args))]
    check_rows(trace, fn, args, full)


# ---------------------------------------------------------------- loops and branches

def test_a_loop_gives_a_row_per_trip_and_a_branch_only_where_it_ran():
    trace = s2sad.trace(tp.recurrence, -1.5, 6)
    rows = trace.rows
    tanh = [r for r in rows if r.operation == "math.tanh(t2)"]
    assert [r.trip for r in tanh] == [(t,) for t in range(1, 7)]
    doubled = [r for r in rows if r.operation == "h * 2.0"]
    assert [r.trip for r in doubled] == [r.trip for r in tanh if r.value > 0.5]
    assert len(doubled) < len(tanh)
    assert rows[1].name == "n" and rows[1].value == 6 and rows[1].dot is None \
        and rows[1].bar is None
    assert trace.output.dot == pytest.approx(s2sad.jvp(tp.recurrence)(-1.5, 6, 1.0)[1])


def test_values_the_result_does_not_use_have_tangents():
    rows = {r.name: r for r in s2sad.trace(tp.unused, 1.5).rows}
    assert (rows["a"].dot, rows["a"].bar) == (2.0, 0.0)
    assert (rows["c"].dot, rows["c"].bar) == (3.0, 0.0)


def test_a_loop_left_by_break_and_a_constant_result():
    rows = s2sad.trace(tp.until, 1.0).rows
    assert [r.trip for r in rows if r.operation == "y * 1.5"] == [(1,), (2,), (3,), (4,)]
    constant = s2sad.trace(tp.constant, 1.0)
    assert constant.output is None and [(r.dot, r.bar) for r in constant.rows] == [(1.0, 0.0)]
    assert "adjoint of the result" in constant.text()


def test_taken_and_not_taken_branches_differ():
    assert [r.operation for r in s2sad.trace(tp.branch, 1.5).rows][1:] == ["x * x", "y * 3.0"]
    assert [r.operation for r in s2sad.trace(tp.branch, 0.5).rows][1:] == \
        ["math.exp(x)", "y * 3.0"]


def test_long_loops_are_shortened_in_the_tables_only():
    trace = s2sad.trace(tp.recurrence, 0.7, 50, trips=2)
    assert len([r for r in trace.rows if r.operation == "math.tanh(t2)"]) == 50
    text = trace.text()
    assert "… 46 more trips …" in text
    trips = {line.split()[1] for line in text.splitlines()
             if line.startswith("h ") and "math.tanh" in line}
    assert trips == {"1", "2", "49", "50"}
    assert "more trips" not in trace.text(trips=None)
    assert "… 40 more trips …" in trace.markdown(trips=5)


def test_nested_loops_label_both_trips_and_shorten_each():
    trace = s2sad.trace(tp.nested, 0.4)
    sines = [r for r in trace.rows if r.operation.startswith("math.sin")]
    assert [r.trip for r in sines] == [(i, j) for i in range(1, 5) for j in range(1, 5)]
    text = trace.text(trips=1)
    assert text.count("… 2 more trips …") == 1 + 2  # the outer loop, and the inner twice
    assert " 1.1 " in text and " 4.4 " in text and " 2.1 " not in text and " 1.2 " not in text
    assert "more trips" not in trace.text(trips=2)


# ---------------------------------------------------------------- arrays and formats

def test_arrays_are_shown_compactly_or_summarised():
    small = s2sad.trace(tp.layer, np.array([[1.0, -2.0], [0.5, 0.3]]), np.array([0.1, 0.2]))
    assert "[[1.0, -2.0], [0.5, 0.3]]" in small.text()
    big = s2sad.trace(tp.layer, np.ones((10, 10)), np.linspace(0.0, 0.9, 10), wrt=1)
    assert "(10, 10) [1.0, 1.0, 1.0, …, 1.0]" in big.text()
    assert big.rows[1].dot.shape == (10,) and big.rows[1].dot[0] == 1.0
    assert np.sum(big.rows[1].dot) == 1.0


def test_element_writes_show_values_without_derivatives():
    rows = s2sad.trace(tp.written, np.array([1.0, 2.0, 3.0])).rows
    writes = [r for r in rows if r.operation == "y[i] = t2"]
    assert [r.trip for r in writes] == [(1,), (2,), (3,)]
    assert all(r.dot is None and r.bar is None for r in writes)
    np.testing.assert_array_equal(writes[1].value, [1.0, 4.0, 0.0])


def test_formats():
    import csv
    import io
    import json
    trace = s2sad.trace(tp.recurrence, 0.7, 3)
    assert str(trace) == trace.text() == trace.format("text")
    assert trace.format("markdown") == trace.markdown()
    assert trace.markdown().splitlines()[2].startswith("| name | trip | operation |")
    table = list(csv.DictReader(io.StringIO(trace.csv())))
    assert len(table) == len(trace.rows)
    assert float(table[-1]["tangent"]) == trace.rows[-1].dot  # every digit
    assert table[-1]["trip"] == "3" and table[1]["tangent"] == ""
    document = json.loads(trace.json())
    assert document["wrt"] == ["x"] and document["direction"] == [1.0]
    assert [row["adjoint"] for row in document["rows"]] == [row.bar for row in trace.rows]
    with pytest.raises(s2sad.UsageError, match="format='html'"):
        trace.format("html")


def test_a_direction_of_your_own():
    trace = s2sad.trace(seeds.griewank_walther_steps, 1.5, 0.5, wrt=(0, 1), direction=(0.0, 1.0))
    assert trace.output.dot == pytest.approx(
        s2sad.grad(seeds.griewank_walther_steps, 1)(1.5, 0.5), rel=1e-12)


# ---------------------------------------------------------------- refusals

def test_an_array_result_needs_a_cotangent():
    with pytest.raises(s2sad.UsageError, match=r"shape \(2,\).*cotangent=") as info:
        s2sad.trace(tp.squares, np.array([1.0, 2.0]))
    assert info.value.filename.endswith("traced_programs.py")
    assert info.value.line == tp.squares.__code__.co_firstlineno
    cotangent = np.array([1.0, -3.0])
    trace = s2sad.trace(tp.squares, np.array([1.0, 2.0]), cotangent=cotangent)
    check_rows(trace, tp.squares, (np.array([1.0, 2.0]),), [np.array([1.0, 0.0])], cotangent)


@pytest.mark.parametrize("wrt", ["z", 3])
def test_a_bad_wrt_is_said_at_the_function(wrt):
    with pytest.raises(s2sad.UsageError, match="names no parameter") as info:
        s2sad.trace(tp.straight, 0.3, 1.2, wrt=wrt)
    assert info.value.line == tp.straight.__code__.co_firstlineno


def test_other_refusals():
    with pytest.raises(s2sad.UsageError, match="one tangent per argument"):
        s2sad.trace(tp.straight, 0.3, 1.2, wrt=(0, 1), direction=1.0)
    with pytest.raises(s2sad.UsageError, match="returns a container"):
        s2sad.trace(tp.pair, 0.3)
    with pytest.raises(s2sad.UsageError, match="missing a required argument"):
        s2sad.trace(tp.straight, 0.3)
    with pytest.raises(s2sad.UsageError, match="not a method"):
        s2sad.trace(tp.Scaled().loss, 0.3)
    with pytest.raises(s2sad.UsageError, match="defined with `def`"):
        s2sad.trace(math.sin, 0.3)
