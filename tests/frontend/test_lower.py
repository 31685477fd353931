"""What lowering refuses, with a located message rather than a traceback or wrong numbers:
a `return` inside a loop, a write into an array that may share memory with another name or
with the caller's argument; and the in-place operators it accepts."""
import numpy as np
import pytest

import s2sad


def ret_in_loop(x):
    for i in range(3):
        if x > 1.0:
            return x
        x = x * 2.0
    return x


def test_return_inside_loop_is_a_located_unsupported_error():
    with pytest.raises(s2sad.UnsupportedError) as info:
        s2sad.grad(ret_in_loop)(0.3)
    message = str(info.value)
    assert "return" in message and "test_lower.py" in message


def test_an_array_with_two_names_from_one_statement_is_not_writable():
    def shared(x):
        a = np.ones(3) * x
        c, d = a, a
        c[0] = 2.0
        return np.sum(c * d)
    with pytest.raises(s2sad.UnsupportedError, match="writing into `c`"):
        s2sad.grad(shared)(0.5)


def double_in_place(p):
    p *= 2.0
    return np.sum(p)


def double_a_column_in_place(M):
    a = M[:, 1]
    a *= 2.0
    return np.sum(M)


@pytest.mark.parametrize("fn", [double_in_place, double_a_column_in_place])
def test_in_place_update_of_an_array_someone_else_holds_is_an_error(fn):
    """`p *= 2` on an argument (the caller holds it) or on a view (its base changes) writes
    through; treating it as `p = p * 2` would give wrong values, so it is rejected."""
    for transform in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.UnsupportedError, match="in place") as info:
            derived = transform(fn)
            args = (np.ones((2, 2)),) + (() if transform is s2sad.grad else (np.ones((2, 2)),))
            derived(*args)
        assert info.value.line == fn.__code__.co_firstlineno + 1 + (fn is double_a_column_in_place)


def scale_scalar_argument(x):
    x *= 2.0
    return x


def test_in_place_operator_on_a_number_argument_is_fine():
    assert s2sad.grad(scale_scalar_argument)(1.5) == 2.0
    assert s2sad.jvp(scale_scalar_argument)(1.5, 1.0) == (3.0, 2.0)
