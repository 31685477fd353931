"""What iteration and comprehensions refuse, each at its line with advice: the sequences
that cannot be zipped or reversed, comprehensions that need a run-time list or a set or
dict, a generator expression kept as a value, one in a condition."""
import inspect
import itertools
import math
import re

import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError


def loop_over_product(x):
    s = 0.0
    for a, b in itertools.product(x, x):  # HERE
        s = s + a * b
    return s


def zip_tuple_and_array(x, a):
    s = 0.0
    for p, q in zip((a, a), x):  # HERE
        s = s + p * q
    return s


def reversed_enumerate(x):
    s = 0.0
    for i, v in reversed(enumerate(x)):  # HERE
        s = s + v * i
    return s


def reversed_run_time_step(x, step):
    s = 0.0
    for i in reversed(range(0, 4, step)):  # HERE
        s = s + x[i]
    return s


def enumerate_two_starts(x):
    s = 0.0
    for i, v in enumerate(x, 1, 2):  # HERE
        s = s + v * i
    return s


def unpacking_too_few(a, b):
    s = 0.0
    for p, q in ((a, b, a),):  # HERE
        s = s + p * q
    return s


def generator_into_numpy(x):
    return np.sum(v * v for v in (x, x))  # HERE


def set_comprehension(x):
    return len({v for v in (x, x)})  # HERE


def dict_comprehension(x):
    return x * len({k: x for k in ("a", "b")})  # HERE


def comprehension_in_condition(x):
    if sum(v for v in x) > 0:  # HERE
        return x[0]
    return x[1]


def break_in_unrolled_enumerate(a, b):
    s = 0.0
    for i, v in enumerate((a, b)):
        if v > 1.0:
            break  # HERE
        s = s + v
    return s


def max_with_keyword(x):
    return max((v for v in x), default=0.0)  # HERE


CASES = [
    (loop_over_product, (np.ones(2),), r"`itertools\.product\(\.\.\.\)`.*`range`, `enumerate`"),
    (zip_tuple_and_array, (np.ones(2), 1.0), r"`zip` of a tuple and a sequence"),
    (reversed_enumerate, (np.ones(2),), r"`reversed` of `enumerate`"),
    (reversed_run_time_step, (np.ones(4), 2), r"step is known only at run time"),
    (enumerate_two_starts, (np.ones(2),), r"call to `enumerate`"),
    (unpacking_too_few, (1.0, 2.0), r"unpacking 3 values into 2"),
    (generator_into_numpy, (np.ones(2),), r"generator expression outside `sum`"),
    (set_comprehension, (1.0,), r"set comprehension"),
    (dict_comprehension, (1.0,), r"dict comprehension"),
    (comprehension_in_condition, (np.ones(2),), r"comprehension in a condition"),
    (break_in_unrolled_enumerate, (0.5, 2.0), r"`break` in a loop over a tuple"),
    (max_with_keyword, (np.ones(2),), r"`max` of a sequence with more arguments"),
]


def _marked_line(fn):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, text in enumerate(lines) if "# HERE" in text)


@pytest.mark.parametrize("fn, args, construct", CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refused_at_its_line_with_advice(fn, args, construct, mode):
    call_args = args if mode == "grad" else args + (args[0],)
    with pytest.raises(UnsupportedError) as info:
        (s2sad.grad(fn) if mode == "grad" else s2sad.jvp(fn))(*call_args)
    message = str(info.value)
    assert f"{__file__}:{_marked_line(fn)}:" in message, message
    assert re.search(construct, message, re.IGNORECASE | re.DOTALL), message
