"""Control flow: branches, loops, early returns and element writes against central differences.

Every function under test is defined at module level (s2sad reads its source). The main
table checks, for each case, that the gradient matches central differences and that the
value returned by `value_and_grad` is the original function's value. Inputs are chosen so
that a perturbation of 1e-6 changes neither the branch taken nor a loop's trip count.
Later sections check analytic derivatives, the generated source, and properties such as
"the caller's array is left untouched".
"""
import math

import numpy as np
import pytest

import s2sad
from s2sad import runtime
from util import assert_close, numeric_grad

# ---------------------------------------------------------------- helpers (module level)
# Called from the functions under test: s2sad differentiates them from source.


def softplus(x):
    return math.log(1.0 + math.exp(x))


def cell(h, x):
    return math.tanh(0.8 * h + x)


def clipped_square(x):
    if x > 1.0:
        return 2.0 * x - 1.0
    return x * x


# ---------------------------------------------------------------- if / elif / else
# The backward sweep must replay the branch the forward sweep took.

def br_if_else(x):
    if x > 0.5:
        y = x * x
    else:
        y = math.sin(x)
    return y * x


def br_elif(x, y):
    if x < -1.0:
        z = x * y
    elif x < 1.0:
        z = x * x + y
    elif x < 2.0:
        z = math.exp(x) * y
    else:
        z = y / x
    return z * y


def br_if_no_else(x, y):
    z = x * y
    if y > 0:
        z = z * x
    return z + y


def br_nested_if(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y * y
    else:
        if y > x:
            z = math.exp(x) * y
        else:
            z = x
    return z * x


def br_bool_ops(x, y):
    if x > 0 and y > 0:
        z = x * y
    elif x > 0 or y > 1:
        z = x + y * y
    else:
        z = x - y
    if not x > 1.0:
        z = z * x
    return z


def br_compare_ops(x, y):
    z = x
    if x != y:
        z = z * y
    if x >= y:
        z = z + x * x
    if y <= 2.0 * x:
        z = z * z
    if x == 3.0:
        z = z * 100.0
    if 0.0 < x <= 1.0 < y:
        z = z + math.sin(y)
    return z


def br_array(x, w):
    if np.sum(x) > 0:
        y = np.tanh(x) * w
    else:
        y = x * x * w
    return np.sum(y)


def br_array_element(x):
    if x[0] > x[1]:
        y = x * x[0]
    else:
        y = np.sin(x) * x[1]
    return np.sum(y)


def br_array_shape(x):
    if x.shape[0] > 3:
        y = np.sum(x[:3] * x[1:4])
    else:
        y = np.sum(x * x)
    return y


def br_assign_one_side(x, y):
    z = y
    if x > 1.0:
        z = x * y
    w = z * z
    if x > 2.0:
        w = w + z
    return w


def br_overwrite_twice(x, y):
    if x > 0:
        x = x * y
        x = math.sin(x) * y
    else:
        x = x - y
    if y > 0:
        x = x * x
        y = y * x
    return x + y


def br_swap(x, y):
    if x > y:
        x, y = y, x
    return x * x * y


def br_bool_flags(x, y):
    big = x > 1.0
    positive = y > 0
    if big and not positive:
        z = x * y
    elif big or positive:
        z = x + y * x
    else:
        z = y
    return z * z


# ---------------------------------------------------------------- conditional expressions
# `a if c else b` is a branch inside an expression.

def ce_simple(x):
    return x * x if x > 0 else -x


def ce_nested(x, y):
    z = x * y if x > 0 else (x + y if y > 0 else x - y)
    return z * z


def ce_max_like(x, y):
    return (x if x > y else y) * x


def ce_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + (x * i if i % 2 == 0 else x * x)
    return s


def ce_in_loop_array(x):
    s = 0.0
    for i in range(len(x)):
        s = s + (x[i] * x[i] if x[i] > 0 else math.sin(x[i]))
    return s


def ce_array(x):
    return np.sum(x * x) if np.sum(x) > 0 else np.sum(np.sin(x))


def ce_operand(x, y):
    return x * (y if y > 0 else x) + (x if x < 1 else y) * y


def ce_nested_in_loop(x, y, n):
    s = x
    for i in range(n):
        s = (s * y if s > 0 else -s * y) if i % 2 == 0 else (math.sin(s) if y > 0 else s)
    return s


# ---------------------------------------------------------------- early and several returns
# Each return ends a path; only the path taken contributes.

def ret_early(x):
    if x < 0:
        return -x * x
    y = x * 2.0
    if y > 3.0:
        return math.log(y) * x
    return y * y


def ret_nested(x, y):
    if x > 0:
        if y > 0:
            return x * y
        return x - y * x
    else:
        return x + y * y


def ret_elif_chain(x):
    if x < -1.0:
        return x * x
    elif x < 0.0:
        return math.sin(x)
    elif x < 1.0:
        return math.exp(x)
    return x ** 3


def ret_after_loop_in_branch(x, n):
    if x > 0:
        y = x
        for i in range(n):
            y = math.sin(y) + x
        return y
    return x * x


def ret_array(x, w):
    if np.sum(w) > 0:
        return np.sum(x * w)
    y = np.sin(x)
    return np.sum(y * y)


def ret_helper_with_returns(x):
    return clipped_square(x) * x


def ret_after_loop(x, n):
    y = x
    for i in range(n):
        y = y * y * 0.5 + 0.3
    if y > 1.0:
        return y * x
    return y - x


# ---------------------------------------------------------------- for over range
# Bounds from constants, arguments, len and shape; iteration over rows and tuples.

def for_range_n(x, n):
    y = x
    for i in range(n):
        y = math.sin(y) + x
    return y


def for_range_ab(x):
    s = 0.0
    for i in range(2, 5):
        s = s + x ** i
    return s


def for_range_step(x):
    s = 0.0
    for i in range(1, 8, 3):
        s = s + math.sin(i * x)
    return s


def for_range_negative_step(x):
    s = 0.0
    for i in range(len(x) - 1, -1, -2):
        s = s * x[i] + x[i]
    return s


def for_range_negative_step_scalar(x, n):
    s = x
    for i in range(n, 0, -1):
        s = s * x / i + 1.0
    return s


def for_range_runtime_step(x, a, b, step):
    s = 0.0
    for i in range(a, b, step):
        s = s + x[i] * x[i] * i
    return s


def for_range_horner_scalar(x, c):
    s = 0.0
    for i in range(3):
        s = s * x + c
    return s


def for_range_len(x):
    s = 1.0
    for i in range(len(x)):
        s = s * (1.0 + x[i] ** 2)
    return s


def for_range_shape(X):
    s = 0.0
    for i in range(X.shape[0]):
        s = s + np.sum(np.sin(X[i]) * X[i, 0])
    return s


def for_range_int_args(x, a, b):
    s = 0.0
    for k in range(a, b):
        s = s + math.cos(k * x)
    return s


def for_range_computed_bounds(x, n):
    s = 0.0
    for i in range(n // 2, 2 * n - 1, 2):
        s = s + x[i % len(x)] * i
    return s * s


def for_index_used(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * (i + 1) + x[i] ** 2 / (i + 1)
    return s


def for_rows(X, w):
    s = 0.0
    for row in X:
        s = s + np.tanh(row @ w)
    return s


def for_rows_array_carry(X):
    h = np.zeros(X.shape[1])
    for row in X:
        h = np.sin(h) + row * row
    return np.sum(h)


def for_array_elements(x):
    s = 0.0
    for v in x:
        s = s * 0.5 + v * v
    return s


def for_tuple(x, a, b, c):
    s = 0.0
    for w in (a, b, c):
        s = s * x + w
    return s


def for_tuple_squares(a, b):
    s = 0.0
    for w in (a, b):
        s = s * 2.0 + w * w
    return s


def for_tuple_of_expressions(x, y):
    s = 0.0
    for w in (x, x * y, math.sin(y)):
        s = s + w * w
    return s


def for_index_after_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s * x ** i


def for_bound_changed_in_body(x):
    n = 3
    for i in range(n):
        n = n + 1
        x = x * 1.1 + math.sin(x)
    return x * n


# ---------------------------------------------------------------- while
# The trip count is only known at run time, so the backward sweep must count it.

def while_halve(x):
    y = x
    while y > 1.0:
        y = y / 2.0
    return y * y + x


def while_sqrt_count(x):
    y = x
    k = 0
    while y > 1.5:
        y = math.sqrt(y) * 0.9
        k += 1
    return y * k


def while_counter(x, n):
    i = 0
    s = x
    while i < n:
        s = s * s * 0.5 + x
        i += 1
    return s


def while_array(x):
    y = x
    while np.sum(y * y) > 1.0:
        y = y * 0.5 + np.sin(y) * 0.1
    return np.sum(y * x)


def while_true_break(x):
    y = x
    while True:
        y = y * 1.5 + 0.1
        if y > 10.0:
            break
    return y * x


def while_two_conditions(x, y):
    i = 0
    while i < 10 and x < 5.0:
        x = x * y + 0.5
        i += 1
    return x


def while_counter_used(x):
    k = 0
    y = x
    while y < 10.0:
        y = y * 1.7
        k = k + 1
    return y * k + x * k * k


# ---------------------------------------------------------------- break and continue
# An exit cuts a trip short; the backward sweep must skip the same work.

def brk_first_above(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0.8:
            break
        s = s + x[i] * x[i]
    return s


def brk_keeps_last(x):
    y = 0.0
    for i in range(len(x)):
        y = x[i] * y + x[i]
        if y > 1.0:
            break
    return y * y


def cont_skip(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        s = s + np.exp(x[i])
    return s


def while_power_sum(x, n):
    i = 0
    s = 0.0
    while i < n:
        i += 1
        s = s + x ** i
    return s


def cont_while(x, n):
    i = 0
    s = 0.0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        s = s + x ** i
    return s


def brk_and_cont(x):
    s = 1.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        s = s * (1.0 + x[i])
        if s > 3.0:
            break
        s = s + x[i] * x[i]
    return s


# ---------------------------------------------------------------- nested loops
# Inner trip counts and saved values must line up with the outer trip.

def nested_loops(X):
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s = s + X[i, j] * X[i, j] * (i + 1) - X[i, j] * j
    return s


def nested_triangular(x):
    s = 0.0
    for i in range(len(x)):
        for j in range(i):
            s = s + x[i] * x[j]
    return s


def nested_carried(x, n, m):
    y = x
    for i in range(n):
        z = y
        for j in range(m):
            z = math.sin(z) * y + 0.1
        y = z * 0.9 + x
    return y


def nested_break_inner(X, limit):
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > limit:
                break
            s = s + X[i, j] ** 2
    return s


def nested_break_both(X):
    s = 0.0
    done = False
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s = s + X[i, j] ** 2
            if s > 2.0:
                done = True
                break
        if done:
            break
    return s * s


def nested_while_in_for(x):
    s = 0.0
    for i in range(len(x)):
        y = x[i]
        while y > 1.0:
            y = y * 0.5
        s = s + y * x[i]
    return s


def cont_nested_in_while(X):
    s = 0.0
    i = 0
    while i < X.shape[0]:
        for j in range(X.shape[1]):
            if X[i, j] < 0:
                continue
            s = s + X[i, j] * s + X[i, j]
        i += 1
    return s


# ---------------------------------------------------------------- loops in branches and vice versa
# Exits and saved values inside every kind of nesting.

def loop_in_branch(x, n):
    if x > 0:
        for i in range(n):
            x = x * 0.9 + math.sin(x)
    else:
        y = x
        while y < 0:
            y = y + 1.0
        x = x * y
    return x


def branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            s = s + x[i] ** 2
        elif x[i] > -0.5:
            s = s - x[i]
        else:
            s = s * x[i]
    return s


def branch_on_carried(x, n):
    y = x
    for i in range(n):
        if y > 1.0:
            y = y * 0.5
        else:
            y = y * y + 0.6
    return y


def branch_loop_branch(x, y):
    if y > 0:
        for i in range(4):
            if i % 2 == 0:
                x = x * y
            else:
                x = math.sin(x) + y
    else:
        x = x - y
    return x * x


def branch_loop_branch_array(x, w):
    if np.sum(w) > 0:
        s = 0.0
        for i in range(len(x)):
            if x[i] * w[i] > 0:
                s = s + x[i] * w[i]
            else:
                s = s - 0.5 * x[i] * x[i]
    else:
        s = np.sum(x * x * w)
    return s


def cont_in_loop_in_branch(x):
    s = 0.0
    if x > 0:
        for j in range(3):
            if j == 1:
                continue
            s = s + x * j
    return s


def break_in_loop_in_branch(x):
    s = 0.0
    if x > 0:
        for j in range(3):
            if j == 1:
                break
            s = s + x * (j + 1)
    return s


def cont_in_loop_in_branch_in_loop(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            for j in range(3):
                if j == 1:
                    continue
                s = s + x * j
    return s


def while_in_branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            y = x[i]
            while y < 4.0:
                y = y * 2.0 + 0.1
                if y > 3.0:
                    break
            s = s + y * x[i]
        else:
            continue
    return s


def deep_nesting(x, n):
    s = 0.0
    if x > 0:
        for i in range(n):
            if i % 2 == 0:
                for j in range(i + 1):
                    if j == 1:
                        continue
                    s = s + math.sin(x * (j + 1)) * s + x
            else:
                s = s * 0.5
    else:
        s = x * x
    return s


# ---------------------------------------------------------------- loop-carried variables
# Values overwritten every trip must be saved and restored in reverse.

def logistic(x, n):
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def logistic_new_name(x0, n):
    x = x0
    for i in range(n):
        x = 3.9 * x * (1 - x)
    return x


def fib_like(a, b, n):
    for i in range(n):
        a, b = b, a + b
    return a * b


def fib_nonlinear(a, b, n):
    for i in range(n):
        a, b = b, a * b + 0.5
    return a + b


def two_carried(x, y, n):
    u = x
    v = y
    for i in range(n):
        u, v = u * math.cos(v), v + 0.3 * u
    return u * v


def accum_sq(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


def accum_product(x):
    p = 1.0
    for i in range(len(x)):
        p *= x[i]
    return p


def accum_array(X):
    acc = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        acc = acc + X[i] * X[i]
    return np.sum(np.sqrt(acc))


def accum_two(x):
    s = 0.0
    q = 1.0
    for i in range(len(x)):
        s = s + x[i]
        q = q * s
    return q


def carried_array_argument(x, w):
    for i in range(3):
        x = np.tanh(x * w) + x
    return np.sum(x)


def carried_array_pair(u, v):
    for i in range(3):
        u, v = np.sin(v) * u, u + v * 0.5
    return np.sum(u * v)


# ---------------------------------------------------------------- augmented assignment
# `+=` and friends on names and elements read the old value.

def aug_names_loop(x, y, n):
    z = x
    for i in range(n):
        z += y
        z *= x
        z -= 0.5
        z /= y
        z **= 1.5
    return z


def aug_names_branch(x, y):
    z = x
    if x > 0:
        z += y
        z *= y
    else:
        z -= y
        z /= y
    z **= 2
    return z


def aug_elements_loop(x):
    y = x.copy()
    for i in range(len(x)):
        y[i] += x[i] * 2.0
        y[i] *= x[i]
        y[i] -= 1.0
        y[i] /= 2.0
        y[i] **= 2
    return np.sum(y)


def aug_elements_straight(x):
    y = np.zeros(3)
    y[0] += x[0] * x[1]
    y[1] -= math.sin(x[2])
    y[0] *= x[2]
    y[2] += y[0]
    y[2] /= x[1]
    y[1] **= 2
    return np.sum(y * x)


def aug_array_name(x, w):
    y = x * 1.0
    for i in range(3):
        y += w
        y *= x
    return np.sum(y)


def aug_slice(x):
    y = np.zeros(len(x) + 1)
    for i in range(len(x)):
        y[i:i + 2] += x[i] * x[i]
    return np.sum(y * y)


# ---------------------------------------------------------------- element and slice assignment
# Writes into arrays overwrite values the backward sweep may need.

def set_loop(x):
    n = len(x)
    y = np.zeros(n)
    for i in range(n):
        y[i] = math.sin(x[i]) * x[n - 1 - i]
    return np.sum(y * y)


def set_no_loop(x):
    y = np.zeros(3)
    y[0] = x[0] * x[1]
    y[2] = np.exp(x[2])
    y[1] = y[0] + y[2]
    return np.sum(y * x)


def set_2d(x):
    n = len(x)
    Y = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            Y[i, j] = x[i] * x[j] + i
    return np.sum(np.tanh(Y))


def set_2d_rows(X):
    Y = np.zeros(X.shape)
    for i in range(X.shape[0]):
        Y[i] = np.sin(X[i]) * (i + 1)
    return np.sum(Y * Y)


def set_slice(x):
    n = len(x)
    y = np.zeros(n + 2)
    y[1:n + 1] = x * x
    y[0:2] = y[0:2] + x[0]
    return np.sum(np.sin(y) * y)


def set_on_copy(x):
    x = x.copy()
    x[0] = x[0] * x[1]
    x[1] = math.sin(x[0])
    return np.sum(x ** 2)


def set_on_copy_loop(x):
    y = x.copy()
    for i in range(len(x)):
        y[i] = y[i] * x[i] + 1.0
    return np.sum(y * y)


def prefix_sum(x):
    y = x.copy()
    for i in range(1, len(x)):
        y[i] = y[i - 1] + y[i]
    return np.sum(np.tanh(y) * y)


def prefix_product(x):
    y = x.copy()
    for i in range(1, len(x)):
        y[i] = y[i - 1] * y[i]
    return np.sum(y)


def overwrite_element(x):
    y = np.zeros(2)
    y[0] = x[0] * x[1]
    y[0] = y[0] * y[0] + x[1]
    y[0] = np.sin(y[0])
    y[1] = y[0] * x[0]
    return np.sum(y * y)


def overwrite_element_in_loop(x, n):
    y = np.zeros(2)
    y[0] = x
    for i in range(n):
        y[1] = y[0] * y[0]
        y[0] = math.sin(y[1]) + x
    return y[0] * y[1]


def set_in_branch(x):
    y = np.zeros(len(x))
    for i in range(len(x)):
        if x[i] > 0:
            y[i] = x[i] * x[i]
        else:
            y[i] = -x[i]
    return np.sum(y * x)


def set_from_scalar(a, b):
    y = np.zeros(3)
    y[0] = a
    y[1] = a * b
    y[2] = math.sin(b)
    return np.sum(y * y) + y[0] * y[2]


def set_computed_index(x):
    y = np.ones(2)
    for i in range(len(x)):
        y[i % 2] = y[i % 2] * x[i] + 0.5
    return np.sum(y * y)


def set_ifexp(x):
    y = np.zeros(len(x))
    for i in range(len(x)):
        y[i] = x[i] * x[i] if x[i] > 0 else 0.0
    return np.sum(y * x)


def set_fresh_copy_each_trip(x):
    s = 0.0
    for k in range(3):
        y = x.copy()
        y[k] = y[k] * s + 1.0
        s = s + np.sum(y * y)
    return s


def set_2d_recurrence(X):
    Y = X.copy()
    for i in range(1, X.shape[0]):
        for j in range(X.shape[1]):
            Y[i, j] = Y[i - 1, j] * Y[i, j] + 0.1
    return np.sum(Y ** 2)


# ---------------------------------------------------------------- integers and flags
# Non-differentiable values still steer branches and indexing, trip by trip.

def int_counter(x):
    count = 0
    s = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            count += 1
            s = s + x[i]
    return s * count


def int_len_ops(x):
    n = len(x)
    m = n // 2
    s = 0.0
    for i in range(m, n):
        s += x[i] * n
    return s / m


def flag_branch(x, y):
    flag = False
    if x > y:
        flag = True
    if flag:
        return x * y
    return x + y * y


def flag_in_loop(x):
    seen = False
    s = 0.0
    for i in range(len(x)):
        if seen:
            s = s + x[i] * x[i]
        if x[i] > 0.5:
            seen = True
    return s


def int_index_carried(x, n):
    j = 0
    s = 0.0
    for i in range(n):
        s = s + x[j] * (i + 1)
        j = (j + 2) % len(x)
    return s * s


# ---------------------------------------------------------------- Elman recurrent network
# A realistic loop over time steps with matrix products.

def elman(x, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def elman_rows_loss(x, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for xt in x:
        h = np.tanh(xt @ Wx + h @ Wh + b)
        loss = loss + np.sum(h * h)
    return loss


# ---------------------------------------------------------------- user helpers in loops, branches
# A call's adjoint runs once per trip, or only on its branch.

def helper_in_loop(x, n):
    h = 0.0
    for i in range(n):
        h = cell(h, x)
    return h


def helper_in_branch(x):
    if x > 0:
        y = softplus(x)
    else:
        y = cell(x, x)
    return y * x


def helper_with_branch_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        s = s + clipped_square(x[i] * 2.0)
    return s


def relax(x, n):
    y = x
    for i in range(n):
        y = y * 0.5 + math.sin(y)
    return y


def helper_with_loop_in_branch_in_loop(x):
    s = 0.0
    for i in range(3):
        if s < 10.0:
            s = s + relax(x + s, 2)
    return s


# ---------------------------------------------------------------- data
# Inputs keep every branch and trip count fixed under a 1e-6 perturbation.

rng = np.random.default_rng(20240611)


def anyv(*shape):
    return rng.uniform(-1.0, 1.0, shape)


def pos(*shape):
    return rng.uniform(0.5, 1.5, shape)


A = np.array
MIXED = A([0.7, -0.3, 1.2, -0.9, 0.4])

CASES = [
    # if / elif / else
    (br_if_else, (0.9,), 0),
    (br_if_else, (0.2,), 0),
    (br_elif, (-1.5, 0.7), (0, 1)),
    (br_elif, (0.3, 0.7), (0, 1)),
    (br_elif, (1.5, 0.7), (0, 1)),
    (br_elif, (2.5, 0.7), (0, 1)),
    (br_if_no_else, (0.8, 1.3), (0, 1)),
    (br_if_no_else, (0.8, -1.3), (0, 1)),
    (br_nested_if, (0.5, 0.7), (0, 1)),
    (br_nested_if, (0.5, -0.7), (0, 1)),
    (br_nested_if, (-0.5, 0.7), (0, 1)),
    (br_nested_if, (-0.5, -0.7), (0, 1)),
    (br_bool_ops, (0.5, 0.7), (0, 1)),
    (br_bool_ops, (0.5, -0.7), (0, 1)),
    (br_bool_ops, (-0.5, 1.5), (0, 1)),
    (br_bool_ops, (-0.5, -0.5), (0, 1)),
    (br_bool_ops, (1.5, 0.7), (0, 1)),
    (br_compare_ops, (0.8, 1.3), (0, 1)),
    (br_compare_ops, (1.7, 0.4), (0, 1)),
    (br_compare_ops, (0.3, 2.5), (0, 1)),
    (br_array, (A([0.5, -0.2, 0.9]), anyv(3)), (0, 1)),
    (br_array, (A([-0.5, -0.2, 0.3]), anyv(3)), (0, 1)),
    (br_array_element, (A([0.9, 0.1, -0.4]),), 0),
    (br_array_element, (A([0.1, 0.9, -0.4]),), 0),
    (br_array_shape, (anyv(5),), 0),
    (br_array_shape, (anyv(2),), 0),
    (br_assign_one_side, (0.5, 0.8), (0, 1)),
    (br_assign_one_side, (1.5, 0.8), (0, 1)),
    (br_assign_one_side, (2.5, 0.8), (0, 1)),
    (br_overwrite_twice, (0.6, 0.8), (0, 1)),
    (br_overwrite_twice, (-0.6, 0.8), (0, 1)),
    (br_overwrite_twice, (0.6, -0.8), (0, 1)),
    (br_swap, (0.9, 0.4), (0, 1)),
    (br_swap, (0.4, 0.9), (0, 1)),
    (br_bool_flags, (1.5, -0.5), (0, 1)),
    (br_bool_flags, (1.5, 0.5), (0, 1)),
    (br_bool_flags, (0.5, -0.5), (0, 1)),
    # conditional expressions
    (ce_simple, (0.7,), 0),
    (ce_simple, (-0.7,), 0),
    (ce_nested, (0.6, 0.4), (0, 1)),
    (ce_nested, (-0.6, 0.4), (0, 1)),
    (ce_nested, (-0.6, -0.4), (0, 1)),
    (ce_max_like, (0.9, 0.4), (0, 1)),
    (ce_max_like, (0.4, 0.9), (0, 1)),
    (ce_in_loop, (0.7, 5), 0),
    (ce_in_loop_array, (MIXED,), 0),
    (ce_array, (A([0.5, -0.2, 0.9]),), 0),
    (ce_array, (A([-0.5, -0.2, 0.3]),), 0),
    (ce_operand, (0.6, 0.8), (0, 1)),
    (ce_operand, (1.6, -0.8), (0, 1)),
    (ce_nested_in_loop, (0.6, 0.8, 5), (0, 1)),
    (ce_nested_in_loop, (-0.6, -0.8, 5), (0, 1)),
    # returns
    (ret_early, (-0.7,), 0),
    (ret_early, (0.6,), 0),
    (ret_early, (2.5,), 0),
    (ret_nested, (0.5, 0.8), (0, 1)),
    (ret_nested, (0.5, -0.8), (0, 1)),
    (ret_nested, (-0.5, 0.8), (0, 1)),
    (ret_elif_chain, (-1.5,), 0),
    (ret_elif_chain, (-0.5,), 0),
    (ret_elif_chain, (0.5,), 0),
    (ret_elif_chain, (1.5,), 0),
    (ret_after_loop_in_branch, (0.7, 3), 0),
    (ret_after_loop_in_branch, (-0.7, 3), 0),
    (ret_array, (anyv(3), pos(3)), (0, 1)),
    (ret_array, (anyv(3), -pos(3)), (0, 1)),
    (ret_helper_with_returns, (0.6,), 0),
    (ret_helper_with_returns, (1.6,), 0),
    (ret_after_loop, (0.7, 3), 0),
    (ret_after_loop, (1.5, 3), 0),
    # for over range
    (for_range_n, (0.7, 4), 0),
    (for_range_ab, (1.3,), 0),
    (for_range_step, (0.4,), 0),
    (for_range_negative_step, (anyv(5),), 0),
    (for_range_negative_step, (anyv(6),), 0),
    (for_range_negative_step_scalar, (0.8, 4), 0),
    (for_range_runtime_step, (anyv(6), 5, 0, -2), 0),
    (for_range_runtime_step, (anyv(6), 1, 6, 2), 0),
    (for_range_horner_scalar, (0.5, 0.3), (0, 1)),
    (for_range_len, (anyv(4),), 0),
    (for_range_shape, (anyv(3, 2),), 0),
    (for_range_int_args, (0.7, 2, 6), 0),
    (for_range_computed_bounds, (anyv(4), 3), 0),
    (for_index_used, (anyv(4),), 0),
    (for_rows, (anyv(4, 3), anyv(3)), (0, 1)),
    (for_rows_array_carry, (anyv(3, 2),), 0),
    (for_array_elements, (anyv(4),), 0),
    (for_tuple, (0.7, 1.1, -0.4, 2.0), (0, 1, 2, 3)),
    (for_tuple_squares, (0.5, 0.7), (0, 1)),
    (for_tuple_of_expressions, (0.7, 1.3), (0, 1)),
    (for_index_after_loop, (0.7, 4), 0),
    (for_bound_changed_in_body, (0.4,), 0),
    # while
    (while_halve, (5.0,), 0),
    (while_halve, (0.6,), 0),
    (while_sqrt_count, (30.0,), 0),
    (while_counter, (0.4, 3), 0),
    (while_array, (A([1.5, -2.0, 0.8]),), 0),
    (while_true_break, (0.7,), 0),
    (while_two_conditions, (0.5, 1.3), (0, 1)),
    (while_two_conditions, (0.5, 2.9), (0, 1)),
    (while_counter_used, (0.7,), 0),
    # break / continue
    (brk_first_above, (A([0.3, -0.5, 0.6, 0.95, 0.2]),), 0),
    (brk_first_above, (A([0.3, -0.5, 0.6]),), 0),
    (brk_keeps_last, (A([0.3, 0.5, 0.9, 0.7]),), 0),
    (cont_skip, (MIXED,), 0),
    (while_power_sum, (0.8, 3), 0),
    (cont_while, (0.8, 7), 0),
    (brk_and_cont, (A([0.5, -0.3, 0.4, 0.6, 0.2]),), 0),
    # nested loops
    (nested_loops, (anyv(3, 4),), 0),
    (nested_triangular, (anyv(4),), 0),
    (nested_carried, (0.6, 3, 2), 0),
    (nested_break_inner, (A([[0.2, 0.9, 0.1], [0.4, 0.3, 0.6]]), 0.5), 0),
    (nested_break_both, (A([[0.5, 0.8, 0.6], [0.9, 0.7, 0.4], [0.3, 0.2, 0.1]]),), 0),
    (nested_while_in_for, (A([0.5, 3.0, 1.7, -0.4]),), 0),
    (cont_nested_in_while, (A([[0.3, -0.6, 0.2], [0.5, 0.1, -0.4]]),), 0),
    # loops in branches, branches in loops
    (loop_in_branch, (0.6, 3), 0),
    (loop_in_branch, (-1.7, 3), 0),
    (branch_in_loop, (A([0.7, -0.3, -0.8, 0.4, -0.9]),), 0),
    (branch_on_carried, (1.7, 5), 0),
    (branch_loop_branch, (0.7, 0.9), (0, 1)),
    (branch_loop_branch, (0.7, -0.9), (0, 1)),
    (branch_loop_branch_array, (MIXED, A([0.5, 0.6, -0.3, -0.2, 0.9])), (0, 1)),
    (branch_loop_branch_array, (MIXED, -pos(5)), (0, 1)),
    (cont_in_loop_in_branch, (0.5,), 0),
    (break_in_loop_in_branch, (0.5,), 0),
    (cont_in_loop_in_branch_in_loop, (0.5, 2), 0),
    (while_in_branch_in_loop, (A([0.3, -0.6, 0.9, 1.7]),), 0),
    (deep_nesting, (0.4, 5), 0),
    (deep_nesting, (-0.4, 5), 0),
    # loop-carried variables
    (logistic, (0.3, 6), 0),
    (logistic_new_name, (0.3, 6), 0),
    (fib_like, (0.7, 1.1, 5), (0, 1)),
    (fib_nonlinear, (0.7, 1.1, 4), (0, 1)),
    (two_carried, (0.7, 0.4, 4), (0, 1)),
    (accum_sq, (anyv(5),), 0),
    (accum_product, (anyv(5),), 0),
    (accum_array, (pos(3, 2),), 0),
    (accum_two, (anyv(4),), 0),
    (carried_array_argument, (A([0.3, -0.6, 0.9]), A([0.5, 1.2, -0.7])), (0, 1)),
    (carried_array_pair, (A([0.3, -0.6]), A([0.5, 1.2])), (0, 1)),
    # augmented assignment
    (aug_names_loop, (1.3, 0.9, 3), (0, 1)),
    (aug_names_branch, (0.7, 1.3), (0, 1)),
    (aug_names_branch, (-0.7, 1.3), (0, 1)),
    (aug_elements_loop, (anyv(4),), 0),
    (aug_elements_straight, (pos(3),), 0),
    (aug_array_name, (anyv(3), anyv(3)), (0, 1)),
    (aug_slice, (anyv(4),), 0),
    # element and slice assignment
    (set_loop, (anyv(4),), 0),
    (set_no_loop, (anyv(3),), 0),
    (set_2d, (anyv(3),), 0),
    (set_2d_rows, (anyv(3, 2),), 0),
    (set_slice, (anyv(4),), 0),
    (set_on_copy, (anyv(3),), 0),
    (set_on_copy_loop, (anyv(4),), 0),
    (prefix_sum, (anyv(5),), 0),
    (prefix_product, (anyv(5),), 0),
    (overwrite_element, (anyv(2),), 0),
    (overwrite_element_in_loop, (0.6, 3), 0),
    (set_in_branch, (MIXED,), 0),
    (set_from_scalar, (0.6, 1.3), (0, 1)),
    (set_computed_index, (A([0.3, -0.6, 0.9, 0.5, -0.2]),), 0),
    (set_ifexp, (A([0.3, -0.6, 0.9]),), 0),
    (set_fresh_copy_each_trip, (A([0.3, -0.6, 0.9]),), 0),
    (set_2d_recurrence, (A([[0.3, -0.6, 0.2], [0.5, 0.1, -0.4], [0.9, 0.8, 0.7]]),), 0),
    # integers and flags
    (int_counter, (MIXED,), 0),
    (int_len_ops, (anyv(5),), 0),
    (flag_branch, (0.9, 0.4), (0, 1)),
    (flag_branch, (0.4, 0.9), (0, 1)),
    (flag_in_loop, (A([0.2, 0.7, -0.3, 0.4]),), 0),
    (int_index_carried, (anyv(5), 7), 0),
    # helpers
    (helper_in_loop, (0.4, 5), 0),
    (helper_in_branch, (0.6,), 0),
    (helper_in_branch, (-0.6,), 0),
    (helper_with_branch_in_loop, (A([0.2, 0.7, -0.3, 0.4]),), 0),
    (helper_with_loop_in_branch_in_loop, (0.4,), 0),
]


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


# ---------------------------------------------------------------- analytic derivatives
# Exact answers, independent of finite differences.

def test_logistic_map_is_product_of_step_derivatives():
    """d x_n / d x_0 = prod_k 3.9 (1 - 2 x_k); compared for several trip counts with one
    derived function (the trip count is data, not part of the specialisation)."""
    g = s2sad.value_and_grad(logistic)
    for n in (0, 1, 2, 5, 12):
        x, d = 0.3, 1.0
        for _ in range(n):
            d *= 3.9 * (1.0 - 2.0 * x)
            x = 3.9 * x * (1.0 - x)
        value, got = g(0.3, n)
        assert_close(got, d, rtol=1e-10, atol=0)
        assert_close(value, x, rtol=1e-12, atol=0)


def test_fibonacci_swap_is_linear():
    """a, b = b, a + b n times: a_n * b_n with a_n = F(n-1) a + F(n) b,
    b_n = F(n) a + F(n+1) b."""
    fib = [0, 1]
    while len(fib) < 12:
        fib.append(fib[-1] + fib[-2])
    a, b = 0.7, 1.1
    for n in (1, 2, 5, 9):
        an = fib[n - 1] * a + fib[n] * b
        bn = fib[n] * a + fib[n + 1] * b
        want = (fib[n - 1] * bn + fib[n] * an, fib[n] * bn + fib[n + 1] * an)
        assert_close(s2sad.grad(fib_like, wrt=(0, 1))(a, b, n), want, rtol=1e-12)


def test_accumulated_square_and_product():
    x = anyv(6)
    assert_close(s2sad.grad(accum_sq)(x), 2.0 * x, rtol=1e-13)
    want = np.array([np.prod(np.delete(x, i)) for i in range(len(x))])
    assert_close(s2sad.grad(accum_product)(x), want, rtol=1e-12)


def test_while_halving_derivative_is_power_of_two():
    # y = x / 2**k with k trips; d(y*y + x)/dx = 2 y / 2**k + 1
    for x, k in ((5.0, 3), (0.6, 0), (1.7, 1), (100.0, 7)):
        y = x / 2.0 ** k
        value, got = s2sad.value_and_grad(while_halve)(x)
        assert_close(got, 2.0 * y / 2.0 ** k + 1.0, rtol=1e-13)
        assert_close(value, y * y + x, rtol=1e-13)


def test_zero_trip_loops():
    """A loop that never runs passes values through unchanged."""
    assert_close(s2sad.value_and_grad(for_range_n)(0.7, 0), (0.7, 1.0))
    assert_close(s2sad.value_and_grad(fib_like, wrt=(0, 1))(0.7, 1.1, 0), (0.77, (1.1, 0.7)))
    assert_close(s2sad.grad(accum_sq)(np.zeros(0)), np.zeros(0))
    assert_close(s2sad.value_and_grad(while_counter)(0.4, 0), (0.4, 1.0))


def test_one_derivative_follows_the_branch_taken_at_each_call():
    g = s2sad.grad(ret_elif_chain)
    for x, want in ((-1.5, -3.0), (-0.5, math.cos(-0.5)), (0.5, math.exp(0.5)),
                    (1.5, 3 * 1.5 ** 2)):
        assert_close(g(x), want, rtol=1e-13)


def test_branch_in_loop_gradient_elementwise():
    x = A([0.7, -0.3, -0.8, 0.4])
    # s = ((0.49 + 0.3) * -0.8) + 0.16: differentiate by hand
    s1 = 0.49 + 0.3
    want = A([2 * 0.7 * -0.8, -1.0 * -0.8, s1, 2 * 0.4])
    assert_close(s2sad.grad(branch_in_loop)(x), want, rtol=1e-13)


def test_integer_argument_trip_count_does_not_need_respecialising():
    g = s2sad.grad(for_range_int_args)
    for a, b in ((0, 0), (0, 3), (2, 6), (5, 3)):
        want = sum(-k * math.sin(k * 0.7) for k in range(a, b))
        assert_close(g(0.7, a, b), want, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- the Elman network
# Gradients for every parameter at once, by position and by name.

T, D, H = 4, 3, 5
ELMAN_ARGS = (anyv(T, D), 0.5 * anyv(D, H), 0.5 * anyv(H, H), 0.3 * anyv(H))


@pytest.mark.parametrize("fn", [elman, elman_rows_loss])
def test_elman_gradient_all_parameters(fn):
    value, got = s2sad.value_and_grad(fn, wrt=(0, 1, 2, 3))(*ELMAN_ARGS)
    assert_close(value, fn(*ELMAN_ARGS), rtol=1e-12)
    assert all(g.shape == a.shape for g, a in zip(got, ELMAN_ARGS))
    assert_close(got, numeric_grad(fn, ELMAN_ARGS, (0, 1, 2, 3)))


def test_elman_gradient_by_name_in_any_order():
    got = s2sad.grad(elman, wrt=("b", "Wh"))(*ELMAN_ARGS)
    assert_close(got, numeric_grad(elman, ELMAN_ARGS, (3, 2)))


def test_elman_one_step_matches_hand_derivative():
    x, Wx, Wh, b = ELMAN_ARGS
    x1 = x[:1]
    h = np.tanh(x1[0] @ Wx + b)
    dz = 2 * h * (1 - h * h)
    gx, gWx, gWh, gb = s2sad.grad(elman, wrt=(0, 1, 2, 3))(x1, Wx, Wh, b)
    assert_close(gb, dz, rtol=1e-12)
    assert_close(gWx, np.outer(x1[0], dz), rtol=1e-12)
    assert_close(gWh, np.zeros_like(Wh))
    assert_close(gx, (Wx @ dz)[None, :], rtol=1e-12)


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


GENERIC_CASES = [
    (br_elif, (1.5, 0.7), (0, 1)),
    (ret_early, (2.5,), 0),
    (logistic, (0.3, 6), 0),
    (accum_sq, (anyv(5),), 0),
    (prefix_sum, (anyv(5),), 0),
    (brk_first_above, (A([0.3, -0.5, 0.6, 0.95, 0.2]),), 0),
    (while_halve, (5.0,), 0),
    (elman, ELMAN_ARGS, (1, 2, 3)),
]


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


# ---------------------------------------------------------------- the generated source
# What is saved, and where: the stack only where a value is overwritten.

def _sweeps(text):
    forward, marker, backward = text.partition("# backward sweep")
    assert marker, f"no backward sweep marker in:\n{text}"
    return forward, backward


def test_logistic_source_pushes_forward_pops_backward():
    forward, backward = _sweeps(s2sad.source(logistic, 0.3, 5))
    assert "push(" in forward and "pop()" not in forward
    assert "pop()" in backward and "push(" not in backward
    assert "reversed(range(" in backward


def test_accumulator_source_saves_nothing():
    text = s2sad.source(accum_sq, anyv(4))
    assert "push(" not in text and "pop()" not in text


def test_top_level_if_uses_no_stack():
    for fn, args in ((br_if_else, (0.9,)), (br_elif, (0.3, 0.7)), (ret_early, (2.5,)),
                     (br_array, (anyv(3), anyv(3)))):
        text = s2sad.source(fn, *args, wrt=0)
        assert "push(" not in text and "pop()" not in text, text


def test_overwrite_in_top_level_if_uses_no_stack():
    """A branch outside any loop runs at most once: an overwritten value can be kept in a
    plain variable, so no push/pop stack is needed even when the branch overwrites."""
    for fn, args in ((aug_names_branch, (0.7, 1.3)), (br_bool_ops, (0.5, 0.7))):
        text = s2sad.source(fn, *args, wrt=0)
        assert "push(" not in text and "pop()" not in text, text


def test_source_of_branch_keeps_condition_and_mirrors_it_backward():
    forward, backward = _sweeps(s2sad.source(br_if_else, 0.9))
    assert "if " in forward and "if " in backward
    assert "else:" in forward and "else:" in backward


def test_while_loop_source_counts_trips():
    # the backward sweep must run as many times as the forward loop: a `for` over a
    # recorded count (or popping until empty), never the original condition
    forward, backward = _sweeps(s2sad.source(while_halve, 5.0))
    assert "while" in forward
    assert "y > 1.0" not in backward


def test_prefix_sum_source_is_valid_python_and_mentions_original_lines():
    text = s2sad.source(prefix_sum, anyv(4))
    compile(text, "<prefix_sum>", "exec")
    assert "def prefix_sum_adjoint" in text


# ---------------------------------------------------------------- clear errors
# What is not supported fails with a located message, not a traceback.

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
    assert "return" in message and "test_control_flow.py" in message
