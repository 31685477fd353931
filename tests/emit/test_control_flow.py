"""Control flow: branches, loops, early returns and element writes against central differences.

The programs live in tests/programs/control_flow/, one module per construct. The main
table checks, for each case, that the gradient matches central differences and that the
value returned by `value_and_grad` is the original function's value. Inputs are chosen so
that a perturbation of 1e-6 changes neither the branch taken nor a loop's trip count.
Then: the caller's arrays are left untouched, calls keep no state, and the adjoint
generated without example arguments gives the same numbers.
"""
import numpy as np
import pytest

import s2sad
from s2sad import runtime
from programs.control_flow import CASES, GENERIC_CASES
from programs.control_flow.augmented_assignment import aug_elements_loop
from programs.control_flow.branches import br_elif
from programs.control_flow.data import A, MIXED, anyv
from programs.control_flow.element_writes import prefix_sum, set_on_copy, set_on_copy_loop
from programs.control_flow.loop_carried import logistic
from programs.control_flow.loops_in_branches import branch_loop_branch_array
from programs.control_flow.returns import ret_early
from programs.control_flow.while_loops import while_halve
from util import assert_close, numeric_grad


def _id(case):
    return case[0].__name__


def _ids(cases):
    seen = {}
    out = []
    for case in cases:
        name = _id(case)
        seen[name] = seen.get(name, 0) + 1
        out.append(f"{name}-{seen[name]}")
    return out


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_grad_matches_central_differences(fn, args, wrt):
    got = s2sad.grad(fn, wrt=wrt)(*args)
    want = numeric_grad(fn, args, wrt)
    assert_close(got, want)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=_ids(CASES))
def test_value_is_the_functions_value(fn, args, wrt):
    value, _ = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    assert_close(value, fn(*args), rtol=1e-12, atol=1e-14)



# ---------------------------------------------------------------- inputs and repeated calls
# Derivatives must not change the caller's arrays or keep state.

def test_writing_into_a_copy_leaves_the_callers_array_alone():
    for fn in (set_on_copy, set_on_copy_loop, prefix_sum, aug_elements_loop):
        x = anyv(4)
        before = x.copy()
        s2sad.value_and_grad(fn)(x)
        np.testing.assert_array_equal(x, before)


def test_repeated_calls_give_identical_results():
    """Nothing from one call (a stack, a written array) leaks into the next."""
    g = s2sad.value_and_grad(prefix_sum)
    x = anyv(5)
    first = g(x)
    for _ in range(3):
        again = g(x)
        assert_close(again, first, rtol=0, atol=0)
    h = s2sad.value_and_grad(logistic)
    assert_close(h(0.3, 6), h(0.3, 6), rtol=0, atol=0)


def test_gradient_with_respect_to_several_arguments_equals_separate_ones():
    args = (MIXED, A([0.5, 0.6, -0.3, -0.2, 0.9]))
    both = s2sad.grad(branch_loop_branch_array, wrt=(0, 1))(*args)
    apart = (s2sad.grad(branch_loop_branch_array, wrt=0)(*args),
             s2sad.grad(branch_loop_branch_array, wrt="w")(*args))
    assert_close(both, apart, rtol=1e-14, atol=0)
    rev = s2sad.grad(branch_loop_branch_array, wrt=(1, 0))(*args)
    assert_close(rev, apart[::-1], rtol=1e-14, atol=0)


def test_scalar_gradient_type_through_control_flow():
    for fn, args in ((logistic, (0.3, 4)), (br_elif, (0.3, 0.7)), (while_halve, (5.0,)),
                     (ret_early, (2.5,))):
        assert type(s2sad.grad(fn)(*args)) is float



# ---------------------------------------------------------------- generic source
# The version generated without example arguments gives the same numbers.

def _generic(fn, wrt=0):
    """The generic adjoint (no example arguments) compiled from `s2sad.source(fn)`."""
    text = s2sad.source(fn, wrt=wrt)
    namespace = dict(fn.__globals__)
    namespace.update(runtime.HELPERS)
    exec(compile(text, f"<generic {fn.__name__}>", "exec"), namespace)
    return namespace[f"{fn.__name__}_adjoint"], text




@pytest.mark.parametrize("fn, args, wrt", GENERIC_CASES, ids=_ids(GENERIC_CASES))
def test_generic_source_gives_same_numbers(fn, args, wrt):
    generic, text = _generic(fn, wrt)
    value, grads = generic(*args, 1.0)
    want_value, want = s2sad.value_and_grad(fn, wrt=wrt)(*args)
    assert float(value) == pytest.approx(fn(*args), rel=1e-12), text
    assert float(value) == pytest.approx(want_value, rel=1e-12), text
    if not isinstance(wrt, tuple):
        grads, want = (grads,), (want,)
    for g, w in zip(grads, want):
        assert np.size(g) == np.size(w), text
        assert_close(np.asarray(g, dtype=float).reshape(np.shape(w)), w, rtol=1e-12,
                     atol=1e-14)
