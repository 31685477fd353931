"""Calls inlined at the call (frontend/inline.py): which calls are, the helper's module
names resolved in its own module, its stamp, its errors at its own lines, and the calls
refused (recursion through an inlined helper). The programs themselves are checked in
every mode through tests/programs/control_flow/helpers_inlined.py and closures.py."""
import re

import numpy as np
import pytest

import s2sad
from programs.control_flow import closures, helpers_inlined
from s2sad import UnsupportedError
from util import assert_close, module_from, numeric_grad, numeric_jvp, run_in


def both_modes(fn, args, wrt=0):
    """The gradient and the tangent (all-ones direction) of `fn` against central
    differences."""
    assert_close(s2sad.grad(fn, wrt=wrt)(*args), numeric_grad(fn, args, wrt))
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    tangents = tuple(np.ones_like(args[p]) for p in positions)
    _, tangent = s2sad.jvp(fn, wrt=wrt)(*args, tangents if isinstance(wrt, tuple)
                                        else tangents[0])
    assert_close(tangent, numeric_jvp(fn, args, wrt, tangents))


# ---------------------------------------------------------------- which calls are inlined

def test_a_plain_helper_keeps_a_derivative_of_its_own():
    text = s2sad.source(helpers_inlined.inl_helpers_of_helpers, 0.8, 0.6, wrt=(0, 1))
    assert "plain_over_polar_vjp(" in text
    assert not re.search(r"\bpolar_vjp|\bpolar_sum", text)


def test_a_constant_that_chooses_code_is_inlined():
    """`softmax(z, axis=0)` reads `np.max(z, axis=0)`: a parameter would be a computed
    axis."""
    z = np.ones((3, 4))
    text = s2sad.source(helpers_inlined.inl_constant_axis, z, z, wrt=0)
    assert "np.max(z, axis=-1, keepdims=True)" in text
    assert "np.max(z, axis=0, keepdims=True)" in text
    assert "softmax" not in text.replace("inl_constant_axis", "")


def scaled(x, scale=2.0, *, shift=0.0):
    return x * scale + shift


def keywords_not_inlined(x):
    return scaled(x) + scaled(x, scale=3.0) + scaled(scale=x, x=1.5) + scaled(x, shift=x)


def keywords_in_loop(x, n):
    s = 0.0
    for i in range(n):
        if s < 5.0:
            s = s + scaled(x, scale=s + 1.0, shift=0.5)
    return s


def test_keywords_and_defaults_of_a_helper_with_a_derivative_of_its_own():
    assert "scaled_vjp(" in s2sad.source(keywords_not_inlined, 0.7)
    both_modes(keywords_not_inlined, (0.7,))
    both_modes(keywords_in_loop, (0.7, 4))


def test_inlined_names_read_like_the_helpers():
    """The helper's own names, versioned where the caller has them already."""
    text = s2sad.source(helpers_inlined.inl_in_loop, 0.7, 4, wrt=0)
    assert "c = math.cos(" in text and "s = math.sin(" in text
    text = s2sad.source(closures.clo_map, 0.8, 0.6, wrt=(0, 1), mode="forward")
    assert "lambda" not in text and "map(" not in text


# ---------------------------------------------------------------- another module's helper

OTHER = """
    import numpy as onp

    SCALE = 3.0


    def pair(x, n=2):
        y = onp.sin(x) * SCALE
        return y ** n, x
"""


def test_a_helper_reads_its_own_modules_names(tmp_path):
    """`onp` and `SCALE` are the helper's module's, not the caller's (which has another
    `SCALE`, and a variable of that name)."""
    module_from(tmp_path, "inline_other", OTHER)
    caller = module_from(tmp_path, "inline_caller", """
        import numpy as np
        from inline_other import pair

        SCALE = 100.0


        def f(x):
            a, b = pair(x)
            return a * b


        def g(x):
            SCALE = x * 2.0
            a, b = pair(x, 3)
            return a * SCALE + b
    """)
    for fn in (caller.f, caller.g):
        both_modes(fn, (0.7,))
    assert "t1 = onp.sin(x)\n" in s2sad.source(caller.f, 0.7)
    assert "y = t1 * SCALE\n" in s2sad.source(caller.f, 0.7)
    assert "y = t1 * SCALE_1\n" in s2sad.source(caller.g, 0.7)


def test_two_modules_constants_of_one_name_stay_apart(tmp_path):
    module_from(tmp_path, "inline_first", """
        C = 2.0


        def scaled(x, k=1):
            return C * x, k
    """)
    module_from(tmp_path, "inline_second", """
        C = 5.0


        def shifted(x, k=1):
            return x + C, k
    """)
    caller = module_from(tmp_path, "inline_both", """
        from inline_first import scaled
        from inline_second import shifted


        def f(x):
            a, _ = scaled(x)
            b, _ = shifted(x)
            return a * b
    """)
    both_modes(caller.f, (0.7,))
    assert s2sad.grad(caller.f)(0.7) == pytest.approx(2.0 * (0.7 + 5.0) + 2.0 * 0.7)


def test_redefining_an_inlined_helper_makes_the_derivative_again(tmp_path):
    module = module_from(tmp_path, "inline_notebook", """
        SCALE = 3.0


        def pair(x):
            return x * x, x


        def pair_scaled(x):
            return SCALE * x, x


        def f(x):
            a, b = pair(x)
            c, d = pair_scaled(x)
            return a + b + c * d
    """)
    derived = s2sad.grad(module.f)
    assert derived(2.0) == pytest.approx(4.0 + 1.0 + 12.0)
    run_in(module, tmp_path, "again", """
        def pair(x):
            return x * x * x, x
    """)
    assert derived(2.0) == pytest.approx(12.0 + 1.0 + 12.0)
    module.SCALE = 5.0
    assert derived(2.0) == pytest.approx(12.0 + 1.0 + 20.0)


def test_a_helper_from_another_module_reads_its_constant_as_it_is_now(tmp_path):
    other = module_from(tmp_path, "inline_constants", OTHER)
    caller = module_from(tmp_path, "inline_constants_caller", """
        from inline_constants import pair


        def f(x):
            a, b = pair(x, 1)
            return a + b
    """)
    derived = s2sad.grad(caller.f)
    assert derived(0.5) == pytest.approx(3.0 * np.cos(0.5) + 1.0)
    other.SCALE = 4.0
    assert derived(0.5) == pytest.approx(4.0 * np.cos(0.5) + 1.0)


# ---------------------------------------------------------------- errors at the helper's line

def test_an_error_in_an_inlined_helper_names_its_file_and_line(tmp_path):
    module_from(tmp_path, "inline_bad_helper", """
        def pair(x):
            y = x * 2.0
            print(y)
            return y, x
    """)
    caller = module_from(tmp_path, "inline_bad_caller", """
        from inline_bad_helper import pair


        def f(x):
            a, b = pair(x)
            return a * b
    """)
    with pytest.raises(UnsupportedError) as info:
        s2sad.grad(caller.f)(1.0)
    assert str(info.value).startswith(f"{tmp_path / 'inline_bad_helper.py'}:4:")


def test_an_error_found_after_lowering_names_the_helpers_line(tmp_path):
    """The kinds are inferred after the helper's statements joined the caller's: the
    error still names the helper's file and line."""
    module_from(tmp_path, "inline_axis_helper", """
        import numpy as np


        def largest(z, axis, keep=True):
            return np.max(z, axis=axis, keepdims=keep)
    """)
    caller = module_from(tmp_path, "inline_axis_caller", """
        import numpy as np
        from inline_axis_helper import largest


        def f(z, k):
            return np.sum(largest(z, k, True))
    """)
    with pytest.raises(UnsupportedError) as info:
        s2sad.grad(caller.f)(np.ones((2, 3)), 1)
    assert str(info.value).startswith(f"{tmp_path / 'inline_axis_helper.py'}:6:")


# ---------------------------------------------------------------- refusals

def halves(x, n):
    if n == 0:
        return x, 1.0
    a, b = halves(x * 0.5, n - 1)  # HERE
    return a, b * x


def recursive_inlined(x):
    a, b = halves(x, 3)
    return a * b


def countdown(x, n):
    if n == 0:
        return x
    return countdown(x * 0.5, n - 1) * x


def recursive_with_a_derivative_of_its_own(x, n):
    return countdown(x, n)


def test_recursion_through_an_inlined_helper_is_refused_where_it_recurs():
    line = halves.__code__.co_firstlineno + 3
    with pytest.raises(UnsupportedError, match=rf"test_inline.py:{line}: a recursive call "
                                               r"of `halves`.*write the recursion as a loop"):
        s2sad.grad(recursive_inlined)(0.7)


def test_a_plain_recursive_helper_still_works():
    both_modes(recursive_with_a_derivative_of_its_own, (0.7, 3))


def nested_recursion(x):
    def fact(t, n):
        if n == 0:
            return t
        return fact(t, n - 1) * t

    return fact(x, 3)


def test_a_recursive_nested_function_is_refused():
    with pytest.raises(UnsupportedError, match=r"a recursive call of `fact`"):
        s2sad.grad(nested_recursion)(0.7)


def calls_in_a_condition(x):
    small = lambda t: t < 1.0  # noqa: E731
    if small(x):
        return x * x
    return x


def test_a_nested_function_called_in_a_condition_is_refused():
    with pytest.raises(UnsupportedError, match=r"`small` called in a condition.*Compute the value"):
        s2sad.grad(calls_in_a_condition)(0.5)


def wrong_call(x):
    return helpers_inlined.pair(x, 1.0, 2.0, 3.0)[0]


def test_a_call_that_does_not_match_the_signature_is_refused_at_the_call():
    line = wrong_call.__code__.co_firstlineno + 1
    with pytest.raises(UnsupportedError, match=rf"test_inline.py:{line}:.*signature"):
        s2sad.grad(wrong_call)(0.5)
