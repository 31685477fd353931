"""`s2sad trace FILE:FUNCTION --args ...` (s2sad/reading/trace_command.py), run in-process
like tests/api/test_cli.py: it prints what `s2sad.trace(...).format(...)` gives, and a
failure is one `s2sad: error:` line with status 1."""
import csv
import io
import json
import re
from pathlib import Path

import pytest

from util import run_cli as run

ROOT = Path(__file__).resolve().parents[2]
SEEDS = str(ROOT / "samples" / "seeds.py")
PROGRAMS = str(Path(__file__).resolve().parent / "traced_programs.py")


def test_the_seed_002_table(capsys):
    code, out, err = run(capsys, "trace", f"{SEEDS}:log_sin_steps", "--args", "2.0, 5.0")
    assert code == 0 and err == "", err
    rows = {line.split()[0]: re.findall(r"-?\d+\.\d{4}", line)
            for line in out.splitlines()[4:]}
    # seed 002's tables: values, tangents (x_dot = (1, 0)) and adjoints (y_bar = 1)
    assert rows["v5"] == ["11.6521", "5.5000", "1.0000"]
    assert rows["v3"] == ["-0.9589", "0.0000", "-1.0000"]
    assert rows["x2"] == ["5.0000", "0.0000", "1.7163"]


def test_wrt_and_direction(capsys):
    code, out, _ = run(capsys, "trace", f"{SEEDS}:griewank_walther_steps", "--args",
                       "1.5, 0.5", "--wrt", "x1,x2", "--direction", "0.0, 1.0",
                       "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["wrt"] == ["x1", "x2"] and document["direction"] == [0.0, 1.0]
    last = document["rows"][-1]
    assert last["tangent"] == pytest.approx(document["rows"][1]["adjoint"], rel=1e-12)


def test_formats_and_trips(capsys):
    code, out, _ = run(capsys, "trace", f"{PROGRAMS}:recurrence", "--args", "-1.5, 40",
                       "--format", "markdown", "--trips", "1")
    assert code == 0 and "… 38 more trips …" in out and out.count("\n| ") > 4
    code, out, _ = run(capsys, "trace", f"{PROGRAMS}:recurrence", "--args", "-1.5, 40",
                       "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len([r for r in rows if r["operation"] == "math.tanh(t2)"]) == 40


def test_an_array_result_with_a_cotangent(capsys):
    code, _, err = run(capsys, "trace", f"{PROGRAMS}:squares", "--args", "np.ones(2)")
    assert code == 1 and "traced_programs.py:" in err and "cotangent=" in err
    code, out, _ = run(capsys, "trace", f"{PROGRAMS}:squares", "--args", "np.ones(2)",
                       "--cotangent", "np.array([1.0, 2.0])", "--format", "json")
    assert code == 0
    assert json.loads(out)["rows"][0]["adjoint"] == [2.0, 4.0]


@pytest.mark.parametrize("argv, message", [
    (["--wrt", "z"], "traced_programs.py:"),
    (["--direction", "1.0, 2.0"], "has shape (2,)"),
    (["--wrt", "x,y", "--direction", "1.0"], "one tangent per argument"),
])
def test_errors_are_one_line(capsys, argv, message):
    code, out, err = run(capsys, "trace", f"{PROGRAMS}:straight", "--args", "0.3, 1.2", *argv)
    assert code == 1 and out == ""
    assert err.startswith("s2sad: error: ") and err.count("\n") == 1 and message in err


def test_listed_in_the_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "s2sad trace --help" in out
    code, out, _ = run(capsys, "trace", "--help")
    assert code == 0 and "--direction" in out
