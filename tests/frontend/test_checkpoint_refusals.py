"""What a checkpointed loop refuses, each at its line with advice: a marker elsewhere
than a loop header, around something other than a range, with fewer than one snapshot,
inside another loop or an `if`, loops left by `break` or `return`, a variable the loop
reads that is assigned again later, and second derivatives through it."""
import inspect

import pytest

import s2sad
from s2sad import UnsupportedError


def outside_header(x, n):
    r = s2sad.checkpoint(range(n), snapshots=2)  # HERE
    for i in r:
        x = x * x
    return x


def in_condition(x):
    if s2sad.checkpoint(x > 1.0, snapshots=2):  # HERE
        x = x * x
    return x


def around_a_list(x):
    for v in s2sad.checkpoint([1.0, 2.0], snapshots=2):  # HERE
        x = x * v
    return x


def no_snapshots(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=0):  # HERE
        x = x * x
    return x


def nested(x, n):
    for j in range(n):
        for i in s2sad.checkpoint(range(n), snapshots=2):  # HERE
            x = x * x
    return x


def with_break(x, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):
        x = x * x
        if x > 2.0:
            break  # HERE
    return x


def in_branch(x, n):
    if x > 0.0:
        for i in s2sad.checkpoint(range(n), snapshots=2):  # HERE
            x = x * x
    return x


def later_overwritten(x, a, n):
    for i in s2sad.checkpoint(range(n), snapshots=2):  # HERE
        x = x * x + a
    for j in range(2):
        a = a * x
    return x * a


REFUSED = [
    (outside_header, (0.5, 3), "outside a loop header"),
    (in_condition, (0.5,), "outside a loop header"),
    (around_a_list, (0.5,), "other than a `range"),
    (no_snapshots, (0.5, 3), "snapshots=0"),
    (nested, (0.5, 3), "inside another loop"),
    (with_break, (0.5, 3), "`break` inside a checkpointed loop"),
    (in_branch, (0.5, 3), "inside an `if`"),
    (later_overwritten, (0.5, 0.1, 3), "`a`, read in a checkpointed loop"),
]


@pytest.mark.parametrize("f, args, words", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_refused_at_its_line(f, args, words):
    with pytest.raises(UnsupportedError) as info:
        s2sad.grad(f)(*args)
    lines, first = inspect.getsourcelines(f)
    here = first + next(i for i, text in enumerate(lines) if "# HERE" in text)
    assert words in str(info.value)
    assert f":{here}:" in str(info.value)


def test_plain_python_runs_the_loop():
    assert s2sad.checkpoint(range(3), snapshots=2) == range(3)
    assert s2sad.checkpoint(True, snapshots=1) is True


def test_second_derivatives_are_refused():
    def logistic(x, n):
        for i in s2sad.checkpoint(range(n), snapshots=2):
            x = 3.9 * x * (1 - x)
        return x

    for second in (s2sad.hessian(logistic), s2sad.grad(s2sad.grad(logistic))):
        with pytest.raises(UnsupportedError, match="a second derivative through a loop "
                           "marked `s2sad.checkpoint`") as info:
            second(0.3, 4)
        assert f"test_checkpoint_refusals.py:{inspect.getsourcelines(logistic)[1]}:" in \
            str(info.value)
