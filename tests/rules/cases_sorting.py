"""Rule-table cases of sorting and partitioning (s2sad/rules/sorting.py): np.sort and
np.partition along every axis and flattened, composed, in a loop and a helper, with ties
(the derivative of the permutation np.argsort(kind="stable") picks), and the refusal of
the in-place `x.sort()`.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand
from util import assert_close

SORT_AXES = {(5,): ["0", "-1", "None"], (3, 4): ["0", "1", "-1", "None"],
             (2, 3, 4): ["0", "1", "2", "-2", "None"]}


def _helper_sort(x):
    return np.sort(x * x)


def _sort_in_helper(x):
    return np.sum(_helper_sort(x) * np.arange(x.size))


def _sort_in_loop(x):
    y = x
    for _ in range(3):
        y = np.sort(np.sin(y) + y[::-1])
    return y


def check_sort(gen):
    for shape, axes in SORT_AXES.items():
        x = rand(*shape)
        check_vjp(gen("x", "np.sort(x)"), (x,), 0)
        for axis in axes:
            check_vjp(gen("x", f"np.sort(x, axis={axis})"), (x,), 0)
            check_vjp(gen("x", f"np.sort(x, {axis}, kind='quicksort')"), (x,), 0)
    # composed: the adjoint flows through to other uses of x
    check_grad(gen("x", "np.sum(np.sort(x ** 2, axis=0) * np.arange(4.0) + x)"), (rand(3, 4),))
    check_grad(_sort_in_helper, (rand(5),))
    check_vjp(_sort_in_loop, (rand(6),), 0)


def check_sort_ties(gen):
    """At ties the derivative is that of the stable permutation: the first of the tied
    elements takes the first place."""
    fn = gen("x", "np.sort(x)")
    x = np.array([0.5, -1.0, 0.5, 2.0])
    weights = np.array([1.0, 10.0, 100.0, 1000.0])
    _, grad = s2sad.vjp(fn, 0)(x, weights)
    assert np.array_equal(grad, [10.0, 1.0, 100.0, 1000.0])
    _, dot = s2sad.jvp(fn, 0)(x, np.array([1.0, 2.0, 3.0, 4.0]))
    assert np.array_equal(dot, [2.0, 1.0, 3.0, 4.0])


def check_partition(gen):
    for shape, axes in SORT_AXES.items():
        x = rand(*shape)
        for axis in axes:
            check_vjp(gen("x", f"np.partition(x, 1, axis={axis})"), (x,), 0)
        check_vjp(gen("x", "np.partition(x, (0, 2))"), (x,), 0)
        check_vjp(gen("x, k", "np.partition(x, k)"), (x, 2), 0)
    check_grad(gen("x", "np.partition(x * x, 2)[2] * x[0]"), (rand(5),))


def check_sort_in_place_refused(gen):
    """`x.sort()` sorts in place: refused at its line, advising `x = np.sort(x)`."""
    fn = gen("x", "np.sum(x.sort())")
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: the method `\.sort\(\)`.*"
                                                     r"`x = np\.sort\(x\)`"):
        s2sad.grad(fn)(rand(3))


def check_second_derivative(gen):
    """Differentiated twice, a sort gives the Hessian of the sorted function, permuted
    back: for sum(w * sort(x) ** 3) it is diagonal, 6 w_i x_(i) at x_(i)'s place."""
    fn = gen("x", "np.sum(np.sort(x) ** 3 * np.arange(4.0))")
    x = rand(4)
    order = np.argsort(x, kind="stable")
    expected = np.zeros((4, 4))
    expected[order, order] = 6.0 * x[order] * np.arange(4.0)
    assert_close(s2sad.hessian(fn)(x), expected)


CASES = {
    "np.sort": lambda gen: (check_sort(gen), check_sort_ties(gen),
                            check_sort_in_place_refused(gen),
                            check_second_derivative(gen)),
    "np.partition": check_partition,
}
