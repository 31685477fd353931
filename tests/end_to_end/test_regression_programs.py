"""Programs that once gave wrong numbers or internal errors, reduced to a few lines.

Most were found by generating random programs with loops, branches, tuple loops, element
writes and recursive helpers, and comparing with central differences. Each is checked
through the whole pipeline for its value, gradient and tangent (and in
test_forward_mode.py and test_dual.py); a regression that one stage refuses or rewrites
is kept with that stage's tests instead.
"""
import collections
import math

import numpy as np
import pytest

import s2sad
from util import assert_close, numeric_grad


def tuple_loop_reads_values_first(x, y):
    """The tuple is evaluated once, before the first trip, even though `b` changes."""
    b = y
    for u in (x, b):
        b += u * 0.5
        a, b = b, -0.55
    return b + a * x


def reuse_after_overwrite_in_unrolled_loop(x, y):
    """`b * 0.22` must be recomputed after `b` changes between two unrolled trips."""
    w = np.zeros(3)
    b = y
    for i in range(2):
        for u in (x, 1.0):
            b += u * x
            w[0] -= math.cos(1.13) * (b * 0.22)
    return x * b + np.sum(w * w)


def swing(p, q, k=3):
    """Recursion whose differentiated positions change: `p` is passed as `q`."""
    if k <= 0:
        return p + q
    if p > 0.5:
        return swing(p * 0.5, q, k - 1) + q
    return swing(math.sin(p) + q, p, k - 1) * 0.7


def recursion_with_changing_positions(x, y):
    return swing(math.sin(x), -1.42) + swing(x, y)


def helper(p, q):
    return p * math.sin(q) + q


def call_with_constant_arguments_in_loop(x, y):
    """`c` is active, but this call's arguments are constants: no adjoint call."""
    c = 0.5
    for i in range(3):
        c = helper(1.28, 1.44)
        for j in range(2):
            c = c * math.sin(x) + y
    return c


def swap_in_a_branch_never_taken(x, y):
    """The temporaries of the swap exist only if the branch runs."""
    a, b, c = x, y, 0.5
    for i in range(2):
        if c > 0.88:
            c, b = b, -0.7 * (i * a)
    return a * b + c


def swap_of_unknown_kind_in_a_branch_never_taken(x, y):
    """As above, where the swapped values' kind comes from a recursive call on integers."""
    a, b, c = x, y, 0.5
    for i in range(2):
        b = b + swing(i * i, i) * x
        if c > 0.88:
            c, b = b, a
    return a * b + c


def break_inside_a_nested_branch(x, y):
    """The branch taken must be recorded on the path that leaves the loop too."""
    a, b, c = x, y, 0.5
    k = 0
    while k < 3:
        k += 1
        if b > -0.45:
            c = c * a
        else:
            if c > 0.32 * k:
                break
        for i in range(2):
            if k % 2 == 0:
                a += a * y
            b = helper(a, i)
    return a * b + c


def recursion_called_with_integers(x, y):
    b = y
    for i in range(3):
        b = b * x + swing(i * i, i)
    return b


def name_keeps_value_when_variable_is_overwritten(x, y):
    a = x
    if x > 0:
        x = x * 2.0
    return a * x + y


def slice_read_then_written(x, y):
    """`A[:2]` on the right is a view of the elements the assignment overwrites."""
    a = np.ones(3)
    a[0] = x
    a[1] = y
    a[:2] = a[:2] * y
    return np.sum(a * a)


def saved_array_later_written(x, y):
    b = np.ones(2) * y
    b[1] = 2.0 * y
    s = np.sum(b * x * x)
    for i in range(2):
        b[0] = x
        b = b * 2.0
    return s + np.sum(b)


def array_that_may_not_exist(x, y):
    v = np.ones(2) * x
    v[1] = y
    if y > 0:
        w = v * 2.0
    z = v * 1.0
    if y > 0:
        z = w * 3.0
    return np.sum(z * x)


def shrinking_array(x, y):
    a = np.ones(4) * x
    a[1] = y
    a[2] = x * y
    s = 0.0
    while len(a) > 1:
        s = s + np.sum(a * a)
        a = a[1:]
    return s


def halves(x, n):
    s = x
    for i in range(n):
        s = s + halves(x * 0.5, i)
    return s


def recursion_inside_a_loop(x, y):
    return halves(x, 3) * y


def read_before_assigned_in_the_text(x, y):
    s = 0.0
    k = 0
    while k < 3:
        if k > 0:
            z = z * x
        else:
            z = y + 0.0
        s = s + z
        k += 1
    return s


def view_read_after_its_array_is_rebound(x, y):
    """`t = a[:-1]` is read by the derivative after `a` is written and then rebound: the
    restores must write into the very array the view looks at."""
    a = np.ones(4) * y
    a[:-1] = a[:-1] * x
    a = y - a
    return np.sum(a * y)


def swap_then_write_into_a_copy(x, y):
    a = np.ones(4) * y
    b = np.ones(4) * x
    b[1] += 2.0
    a, b = b, np.sin(a) * 1.0
    a = a * 1.0
    a[2:] = a[2:] * b[0]
    return np.sum(a * b)


def swapped_arrays_stay_writable(x, y):
    """After `a, b = b, a` each array still has one name, so both may be written."""
    a = np.ones(3) * x
    b = np.ones(3) * y
    a, b = b, a
    a[0] = x
    b[1] = x * y
    return np.sum(a * b)


def array_after_an_early_return_in_an_elif(x, y):
    """The code after the `if` is copied into the branches that do not return, so `w`
    is first assigned in the `if` branch; on the `elif` path it never exists, and the
    backward sweep must not create its adjoint there (it did: UnboundLocalError)."""
    if x > 1.0:
        y = x
    elif x > 0.5:
        return x * y
    w = np.zeros(3) + y
    w[0] = w[0] * x
    return np.sum(w * w)


def views_read_before_the_write(x, y):
    """Reshapes, `np.asarray` and `.real` of an array written later are views (like
    `w[1:]`): read before the write they are exact, and the adjoint restores the array
    they view before reading them."""
    w = np.ones(4) * x
    a = np.asarray(w)
    r = w.reshape(2, 2)
    s = np.sum(a * y) + np.sum(np.ravel(r) * r.ravel()) + np.sum(w.real * w)
    w[1] = x * y
    return s + np.sum(w * w)


THRESHOLD = 0.25
WEIGHTS = np.array([0.5, 0.25, 0.75])


def tuple_read_in_a_test(x, y):
    """The test read `t`, which lowering had replaced by its elements (NameError)."""
    t = (x, y)
    s = x * y
    while t[1] > 0.0 and s < 5.0:
        s = s * 1.5 + t[0]
    return s if t[0] > -1.0 else x


def two_names_of_a_loop_in_one_tuple(x, y):
    """Both elements were copied into one variable `t` (the adjoint of y 124.8, not
    31.2, at (0.7, 1.3))."""
    for i in range(1):
        x = y * 2.0
        y = x * 3.0
    t = (x, y)
    return t[0] * t[1] + x


def module_constant_copied_into_a_test(x, y):
    """The test read the parameter `x` instead of the constant (the other branch)."""
    x = THRESHOLD
    if x < 0.5:
        return y * 2.0 + x
    return y * 3.0


def array_of_a_trip_left_by_break(x, y):
    """The adjoint of `np.sin(v)`, which the inner loop runs over, was made before the
    backward loop from that array, which does not exist when the first trip breaks
    (UnboundLocalError at (0.9, 0.2))."""
    v = np.array([x, y, 0.5])
    for i in range(3):
        if x > 0.5:
            break
        for e in np.sin(v):
            x = x + e * x * 0.5
    return x * y


def array_of_a_while_trip_left_by_break(x, y):
    """The same in a `while` loop."""
    v = np.array([x, y, 0.5])
    k = 0
    while k < 3:
        k += 1
        if x > 0.5:
            break
        for e in np.sin(v) * y:
            x = x + e * x * 0.5
    return x * y


def array_summed_in_a_nested_branch(x, y):
    """The zero adjoint of `v`, made where the backward sweep enters the inner `if`, was
    the number 0.0: `v` is first assigned inside a branch, and that was taken to mean it
    may not exist, though it always does there. The mean's adjoint, a number, was added
    to it and the adjoint of `np.array((x, y))` indexed it ('float' object is not
    subscriptable). Reduced from a fuzzed program (seed 7)."""
    b = 0.7
    if x > 0.0:
        v = np.array((x, y))
        if y > 0.5:
            b = np.mean(v) * x
    return b * y


def array_made_in_a_branch_read_under_another(x, y):
    """`v` may not exist where its zero adjoint is made (before the second `if`, going
    backward), so that zero was 0.0; a number added to it left it one, and the adjoint
    of the first branch indexed it. Now it is 0.0 only while `v` is None."""
    b = 0.0
    if x > 0.0:
        v = np.array((x, y))
    if x > 0.5:
        b = np.sum(v) * x
    return b + y


def array_made_in_a_branch_of_a_loop(x, y):
    """The same for an array assigned twice in a branch of a loop: its zero adjoint at
    the start of each trip going backward (when it may not exist yet)."""
    b = 0.0
    for i in range(3):
        if x > 0.0:
            v = np.array((x, y))
            v = v * 2.0
            if y > 0.5:
                b = b + np.sum(v) * y
    return b + x


def array_constant_read_in_a_loop(x, y):
    """An operation that reads an array module constant could not be put in a set (the
    constant's atom hashed its value), which recomputing a loop's temporaries does:
    TypeError: unhashable type: 'numpy.ndarray' (found as a constant a second cell
    rebinds from a float to an array, fuzz seed 1)."""
    s = 0.0
    for i in range(2):
        s = s + np.sum(np.sin(WEIGHTS * x)) * y
    return s


Pair = collections.namedtuple("Pair", ["a", "b"])


def namedtuple_replaced(x, y):
    """`_replace` of a namedtuple the function built is the record's own: it was taken
    for a method of the class and refused as a library function."""
    s = Pair(x, y)
    s = s._replace(b=math.tanh(x) * y)
    return s.a * s.b + s[1]


def namedtuple_unpacked(x, y):
    """`a, b = s` of a namedtuple the function built (and a loop carried) takes its
    fields; it was lowered as indexing an object and refused."""
    s = Pair(x, y)
    for i in range(2):
        s = Pair(s.a * 0.5 + math.atan(s.b), s.b)
    a, b = s
    return a * b + b


CASES = [views_read_before_the_write, array_after_an_early_return_in_an_elif,
         view_read_after_its_array_is_rebound, swapped_arrays_stay_writable,
         swap_then_write_into_a_copy, name_keeps_value_when_variable_is_overwritten,
         slice_read_then_written, saved_array_later_written, array_that_may_not_exist,
         shrinking_array, recursion_inside_a_loop, read_before_assigned_in_the_text,
         tuple_loop_reads_values_first, reuse_after_overwrite_in_unrolled_loop,
         recursion_with_changing_positions, call_with_constant_arguments_in_loop,
         swap_in_a_branch_never_taken, swap_of_unknown_kind_in_a_branch_never_taken,
         break_inside_a_nested_branch, recursion_called_with_integers,
         tuple_read_in_a_test, two_names_of_a_loop_in_one_tuple,
         module_constant_copied_into_a_test, array_of_a_trip_left_by_break,
         array_of_a_while_trip_left_by_break, array_summed_in_a_nested_branch,
         array_made_in_a_branch_read_under_another, array_made_in_a_branch_of_a_loop,
         array_constant_read_in_a_loop, namedtuple_replaced, namedtuple_unpacked]


@pytest.mark.parametrize("fn", CASES, ids=lambda fn: fn.__name__)
@pytest.mark.parametrize("args", [(0.37, -0.61), (0.9, 0.2), (0.7, 1.3)])
def test_value_and_gradient(fn, args):
    value, grads = s2sad.value_and_grad(fn, wrt=(0, 1))(*args)
    assert_close(value, fn(*args), rtol=1e-13, atol=1e-13)
    assert_close(np.array(grads), np.array(numeric_grad(fn, args, (0, 1))),
                 rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fn", CASES, ids=lambda fn: fn.__name__)
@pytest.mark.parametrize("args", [(0.37, -0.61), (0.7, 1.3)])
def test_value_and_tangent(fn, args):
    want = numeric_grad(fn, args, (0, 1))
    derived = s2sad.jvp(fn, wrt=(0, 1))
    for direction, slope in zip([(1.0, 0.0), (0.0, 1.0)], want):
        value, tangent = derived(*args, direction)
        assert_close(value, fn(*args), rtol=1e-13, atol=1e-13)
        assert_close(tangent, slope, rtol=1e-6, atol=1e-8)


def _two_maxima(X):
    return np.max(X) + np.max(X * 1.0)


def _max_of_columns_and_max(X):
    return np.sum(np.max(X, axis=0)) + np.max(X)


def _peak_to_peak(x):
    return np.ptp(x)


def _two_minima(X):
    return np.min(X) + np.min(X * 1.0)


@pytest.mark.parametrize("fn, x", [
    (_two_maxima, np.array([[0.1, 0.9], [0.3, -0.2]])),
    (_max_of_columns_and_max, np.array([[0.1, 0.9], [0.3, -0.2]])),
    (_peak_to_peak, np.array([0.4, -1.2, 2.5, 0.3])),
    (_two_minima, np.array([[0.1, 0.9], [0.3, -0.2]])),
])
def test_extrema_masks_add_as_numbers(fn, x):
    """`grad` folds the seed 1.0 away, so the mask of the first extremal element was an
    adjoint itself: two boolean masks added as a logical or (a gradient of 1 where 2 was
    right), `+=` of a float into one and the difference of two failed."""
    expected = numeric_grad(fn, (x,))
    assert_close(s2sad.grad(fn)(x), expected)
    assert_close(s2sad.value_and_grad(fn)(x)[1], expected)
