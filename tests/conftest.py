"""Fixtures shared by the test modules."""
import sys

import pytest

from rulecheck import make_function


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
