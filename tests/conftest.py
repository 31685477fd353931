"""Fixtures shared by the test modules."""
import sys

import pytest
from hypothesis import HealthCheck, seed, settings

from rulecheck import make_function

from s2sad import pipeline, rules


@pytest.fixture
def gen(tmp_path):
    made = []

    def build(params, body):
        fn = make_function(tmp_path, params, body)
        made.append(fn.__module__)
        return fn

    yield build
    for name in made:
        sys.modules.pop(name, None)



@pytest.fixture
def registered():
    """Rules added during a test are removed after it, with the derivatives built on them.
    The optional libraries' rows are registered first: loaded during the test, they would
    be dropped with the test's own and never loaded again."""
    rules.base.load_optional()
    before = dict(rules.TABLE)
    yield
    rules.TABLE.clear()
    rules.TABLE.update(before)
    pipeline.forget()


# ---------------------------------------------------------------- the fuzzer's options

def pytest_addoption(parser):
    group = parser.getgroup("s2sad fuzzing")
    group.addoption("--fuzz-examples", type=int, default=None, metavar="N",
                    help="programs each test_fuzz.py test checks (default: a few hundred)")
    group.addoption("--fuzz-seed", type=int, default=None, metavar="S",
                    help="draw a different stream of programs (default: derandomized)")


FUZZ_CHECKED = {}


class Fuzz:
    """The fuzz tests' hypothesis settings from the command line, and the number of
    programs each checked (printed at the end of the run)."""

    def __init__(self, config):
        self.config = config

    def examples(self, default):
        return self.config.getoption("--fuzz-examples") or default

    def settings(self, default):
        seed_value = self.config.getoption("--fuzz-seed")
        chosen = settings(max_examples=self.examples(default), deadline=None,
                          derandomize=seed_value is None, database=None,
                          suppress_health_check=list(HealthCheck))

        def apply(test):
            test = chosen(test)
            return test if seed_value is None else seed(seed_value)(test)
        return apply

    def count(self, kind, n):
        FUZZ_CHECKED[kind] = FUZZ_CHECKED.get(kind, 0) + n


@pytest.fixture
def fuzz(request):
    return Fuzz(request.config)


def pytest_terminal_summary(terminalreporter):
    if FUZZ_CHECKED:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(FUZZ_CHECKED.items()))
        terminalreporter.write_line(f"fuzz: programs checked without a mismatch: {counts}")
