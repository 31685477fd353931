"""benchmarks/autograd_suite.py's machinery on a small suite of its own, written the way
autograd's tests are (`from autograd.test_util import check_grads`), with no autograd
installed: a stand-in `autograd.test_util` whose own check always passes. Each of the
three checks must come out as what it is: exact, refused (with the cause grouped), and
wrong (a rule given with a wrong derivative), in the table and in the records."""
import os
import sys
import types

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from benchmarks import autograd_checks, autograd_plain, autograd_report  # noqa: E402
from benchmarks import autograd_suite  # noqa: E402

# a library with a rule given wrong on purpose (the derivative of x**3 is 3 x**2)
FAKE_LIBRARY = '''
import s2sad


def cube(x):
    return x ** 3


s2sad.defrule(cube, partials=[lambda x: 2.0 * x ** 2])
'''

FAKE_SUITE = '''
import numpy as np
from autograd.test_util import check_grads
from fake_library import cube


def test_exact():
    def fun(x, y):
        return np.sum(np.sin(x) * y)
    check_grads(fun, argnum=(0, 1))(np.linspace(0.1, 1.0, 4), 2.5)


def test_refused():
    def fun(x):
        try:
            return np.sum(x)
        except ValueError:
            return 0.0
    check_grads(fun, modes=["rev"])(np.ones(3))


def test_wrong():
    check_grads(lambda x: cube(x) + 1.0)(1.5)
'''


@pytest.fixture
def records(tmp_path, monkeypatch, registered):
    """The records of the fake suite's run (the wrong rule it gives is removed after)."""
    suite, library = tmp_path / "suite", tmp_path / "library"
    suite.mkdir()
    library.mkdir()
    (suite / "test_fake_suite.py").write_text(FAKE_SUITE)
    (library / "fake_library.py").write_text(FAKE_LIBRARY)
    passing = types.SimpleNamespace()
    passing.check_grads = lambda fun, argnum=0, modes=(), order=2: (lambda *a, **k: None)
    package = types.ModuleType("autograd")
    package.test_util = passing
    monkeypatch.setitem(sys.modules, "autograd", package)
    monkeypatch.setitem(sys.modules, "autograd.test_util", passing)
    monkeypatch.syspath_prepend(str(suite))
    monkeypatch.syspath_prepend(str(library))
    writes = tmp_path / "written"
    writes.mkdir()
    recorder = autograd_suite.Recorder(
        passing, autograd_plain.Plain(str(suite), modules=[]),
        autograd_checks.Writer(str(writes)), timeout=60)
    passing.check_grads = recorder.check_grads
    autograd_suite.run_file(recorder, "test_fake_suite")
    for name in ("test_fake_suite", "fake_library"):
        sys.modules.pop(name, None)
    assert not recorder.errors
    return recorder.records


def test_each_check_comes_out_as_what_it_is(records):
    assert [(r.test, r.status) for r in records] == [
        ("test_exact", autograd_checks.EXACT), ("test_refused", autograd_checks.REFUSED),
        ("test_wrong", autograd_checks.WRONG)]
    exact, refused, wrong = records
    assert exact.argnums == (0, 1) and exact.modes == ("fwd", "rev")
    assert refused.modes == ("rev",) and "try" in refused.message
    assert wrong.message.startswith("fwd:")


def test_the_table_counts_them_and_groups_the_refusal(records):
    total = autograd_report.rows(records)[-1]
    assert dict(zip(autograd_report.COLUMNS, total)) == {
        "file": "total", "autograd passes": 3, "autograd only": 0, "checks": 3,
        autograd_checks.EXACT: 1, autograd_checks.KINK: 0, autograd_checks.REFUSED: 1,
        autograd_checks.WRONG: 1, autograd_checks.CRASH: 0, "% exact": "33.3"}
    [(cause, count, _)] = autograd_report.groups(records, autograd_checks.REFUSED)
    assert count == 1 and "try" in cause
    text = autograd_report.everything(records, [])
    assert "wrong: test_fake_suite::test_wrong" in text


def test_a_library_function_is_called_from_a_written_def(tmp_path):
    import numpy as np
    call = autograd_checks.Call(np.var, (np.arange(4.0) ** 2,), {"ddof": 1, "axis": None},
                                (0,), path="numpy.var")
    writer = autograd_checks.Writer(str(tmp_path))
    fn, args, wrt = writer.function(call)
    assert (tmp_path / "check_00001.py").read_text() == (
        "def checked(x0):\n    return numpy.var(x0, ddof=1, axis=None)\n")
    outcome = autograd_checks.judge(call, writer, np.random.default_rng(0))
    assert outcome.status == autograd_checks.EXACT, outcome.message


def test_runs_compared_side_by_side_and_in_their_union(records):
    from dataclasses import asdict, replace
    before = [asdict(r) for r in records]
    after = [asdict(replace(r, status=autograd_checks.EXACT, message="")) if r.test ==
             "test_refused" else asdict(r) for r in records]
    text = autograd_report.compared({"before": before, "after": after})
    total = next(line.split() for line in text.splitlines() if line.startswith("total"))
    assert total == ["total", "3", "33.3", "66.7", "66.7"]
