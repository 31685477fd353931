"""Functions s2sad must reject with a clear `s2sad.Error`, for tests/frontend/test_errors.py.

Every function named `bad_*` contains exactly one construct s2sad does not support; the
line s2sad must report carries the marker comment `# HERE` (for problems of the whole
function, such as star-arguments or a missing `return`, that is the `def` line).
Functions named `ok_*` are fine and are used to test misuse of the API.

s2sad reads these functions' source with `inspect`, so they must live in a file.
"""
# flake8: noqa
import functools
import math
import statistics

import numpy as np
import scipy.special

GLOBAL_VALUE = 3.0
NOT_A_FUNCTION = 42


class Box:
    pass


# ---------------------------------------------------------------- statements


def bad_try(x):
    y = x * 2.0
    try:  # HERE
        y = math.log(x)
    except ValueError:
        y = 0.0
    return y


def bad_with(x):
    y = x * 2.0
    with open("/dev/null") as handle:  # HERE
        y = y + 1.0
    return y


def bad_yield(x):
    y = x * 2.0
    yield y  # HERE


def bad_global(x):
    global GLOBAL_VALUE  # HERE
    GLOBAL_VALUE = x
    return x * 2.0


def make_bad_nonlocal():
    scale = 2.0

    def bad_nonlocal(x):
        nonlocal scale  # HERE
        scale = x
        return x * scale

    return bad_nonlocal


bad_nonlocal = make_bad_nonlocal()


def bad_nested_def(x):
    y = x * 2.0
    if y > 0:

        def helper(z):  # HERE
            return z * z

        y = helper(y)
    return y


def bad_class_def(x):
    y = x * 2.0

    class Local:  # HERE
        value = 1.0

    return y


def bad_lambda(x):
    pair = (lambda z: z * z, x)  # HERE
    return pair[1]


def bad_computed_function(x):
    f = (lambda t: t * t) if x > 0 else (lambda t: -t)  # HERE
    return f(x)


def bad_closure_returned(x):
    def scaled(t):
        return t * x

    return scaled  # HERE


def bad_map_over_array(x):
    y = x * np.ones(3)
    return np.sum(np.array(list(map(math.sin, y))))  # HERE


def bad_map_kept(x):
    ys = map(math.sin, (x, 2.0 * x))  # HERE
    return sum(ys)


def bad_tuple_in_loop(x):
    p = x
    for i in range(3):
        p = (p, x)  # HERE
    return p[0]


def bad_star_args(*args):  # HERE
    return args[0] * 2.0


def bad_star_kwargs(x, **kwargs):  # HERE
    return x * 2.0


def bad_del(x):
    y = x * 2.0
    z = y + 1.0
    del y  # HERE
    return z


def bad_import(x):
    y = x * 2.0
    import cmath  # HERE
    return y


def bad_import_from(x):
    y = x * 2.0
    from math import sin  # HERE
    return y


def bad_raise(x):
    y = x * 2.0
    raise ValueError("no")  # HERE
    return y


def bad_assert(x):
    y = x * 2.0
    assert x > 0.0, "x is " + "negative"  # HERE
    return y


def bad_return_in_loop(x):
    for i in range(3):
        if x > 1.0:
            return x  # HERE
        x = x * 2.0
    return x

def bad_for_zip_strict(x):
    y = 0.0
    for a, b in zip(x, x, strict=True):  # HERE
        y = y + a * b
    return y

def bad_loop_else(x):
    while x < 10.0:  # HERE
        x = x * 2.0
    else:
        x = x + 1.0
    return x

def bad_write_into_view_of_argument(x):
    head = x[:2]
    head[0] = 2.0  # HERE
    return np.sum(head) * x

def bad_view_after_write(x):
    y = np.zeros(3) + x
    head = y[0:2]
    y[0] = 1.0
    return np.sum(head)  # HERE


def bad_loop_variable_reused(x):
    i = x * 2.0
    for i in range(3):  # HERE
        x = x * 1.5
    return x * i


def bad_view_read_in_writing_loop(x):
    y = np.zeros(3) + x
    tail = y[1:]
    for i in range(2):
        x = x + np.sum(tail)  # HERE
        y[1] = x
    return x


def bad_inplace_on_shared_array(x: np.ndarray):
    y = np.zeros(3) + x
    z = y
    y += x  # HERE
    return np.sum(z * y)


def bad_too_many_exits(x):  # HERE
    s = x
    if s > 100.0:
        if s > 200.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 101.0:
        if s > 201.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 102.0:
        if s > 202.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 103.0:
        if s > 203.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 104.0:
        if s > 204.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 105.0:
        if s > 205.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 106.0:
        if s > 206.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 107.0:
        if s > 207.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    if s > 108.0:
        if s > 208.0:
            return s
        s = s * 0.5
    else:
        s = s + x * 0.01
    return s


def bad_attribute_assignment(x):
    box = Box()
    box.value = x  # HERE
    return x * 2.0


def bad_chained_assignment(x):
    y = x * 2.0
    a = b = y  # HERE
    return a + b


def bad_expression_statement(x):
    y = x * 2.0
    math.sin(y)  # HERE
    return y


def bad_no_return(x):  # HERE
    y = x * 2.0


def bad_bare_return(x):
    y = x * 2.0
    return  # HERE


def bad_tuple_arithmetic(x):
    t = (x, 2.0 * x)
    return t * x  # HERE


# ---------------------------------------------------------------- expressions


def bad_star_call(x):
    y = x * 2.0
    return math.atan2(*y)  # HERE


def bad_double_star_call(x, options=None):
    y = x * 2.0
    return np.sum(y, **options)  # HERE


def bad_generator_expression(x):
    y = x * 2.0
    g = (y * i for i in range(3))  # HERE
    return sum(g)


def bad_dict_computed_key(x):
    y = x * 2.0
    d = {y: x}  # HERE
    return d[y]


def bad_list_item_write(x):
    xs = [x, x * 2.0]
    xs[0] = x * x  # HERE
    return sum(xs)


def bad_list_pop(x):
    xs = []
    for t in range(3):
        xs.append(x * t)
    last = xs.pop()  # HERE
    return last + sum(xs)


def bad_list_insert(x):
    xs = [x, x * 2.0]
    xs.insert(0, x)  # HERE
    return sum(xs)


def bad_list_sort(x):
    xs = []
    for t in range(3):
        xs.append(x * t)
    xs.sort()  # HERE
    return xs[0]


def bad_array_sort(x):
    y = x * 2.0
    y.sort()  # HERE
    return np.sum(y * x)


def bad_array_partition(x):
    y = x * 2.0
    y.partition(1)  # HERE
    return np.sum(y * x)


def bad_append_to_argument(x, xs):
    xs.append(x)  # HERE
    return x


def bad_append_to_shared_list(x):
    xs = []
    ys = xs
    for t in range(3):
        ys.append(x * t)  # HERE
    return sum(xs)


def bad_list_of_mixed_kinds(x):
    xs = []
    for t in range(3):
        xs.append(t * 1.0)
        xs.append(np.ones(2) * t)  # HERE
    return np.sum(np.array(xs)) * x


def bad_list_of_lists(x):
    rows = []
    for t in range(3):
        rows.append([x, x * t])  # HERE
    return np.sum(np.array(rows))


def bad_list_to_helper(x):
    xs = []
    for t in range(3):
        xs.append(x * t)
    return two_parameters(xs, x)  # HERE


def bad_return_list(x):
    xs = []
    for t in range(3):
        xs.append(x * t)
    return xs  # HERE


def bad_write_into_appended_array(x):
    a = np.zeros(2)
    xs = []
    for t in range(3):
        a[0] = x * t  # HERE
        xs.append(a)
    return np.sum(np.stack(xs))


def bad_list_plus_tuple(x):
    p = [x, x * 2.0]
    q = (x,)
    return sum(p + q)  # HERE


def bad_list_repeated_at_run_time(x, n):
    xs = [x] * int(n)  # HERE
    return sum(xs)


def bad_fstring(x):
    y = x * 2.0
    label = f"value {y}"  # HERE
    return y


def bad_break_in_tuple_loop(x):
    for w in (1.0, 2.0):
        if x > w:
            break  # HERE
        x = x * w
    return x

def bad_and_or(x):
    y = x * 2.0
    z = y and x  # HERE
    return z


def bad_walrus(x):
    y = x * 2.0
    w = (z := y * 3.0) + 1.0  # HERE
    return w


def bad_chained_comparison(x):
    y = x * 2.0
    inside = 0.0 < y < 1.0  # HERE
    return y * inside


def bad_method_call(x):
    y = x * 2.0
    return y.tolist()  # HERE


def bad_undefined_name(x):
    y = x * 2.0
    return y * undefined_thing  # HERE


def bad_read_before_assignment(x):
    y = x * 2.0
    z = w * y  # HERE
    w = 3.0
    return z


def bad_call_without_rule(x):
    y = x * 2.0
    values, vectors = np.linalg.eig(y)  # HERE
    return np.sum(values)


def bad_call_builtin_without_rule(x):
    y = x * 2.0
    z = sorted(y)  # HERE
    return np.sum(z)


def bad_library_function(x):
    y = x * 2.0
    return scipy.special.comb(y, 2)  # HERE


def bad_standard_library_function(x):
    y = x * 2.0
    return statistics.fmean([x, y])  # HERE


def bad_reversed(x):
    y = x * 2.0
    return np.sum(reversed(y))  # HERE


def bad_attribute_of_argument(x, params):
    y = x * 2.0
    return y * params.weight  # HERE


def bad_method_of_argument(x, model):
    y = x * 2.0
    return model.forward(y)  # HERE


def bad_ufunc_without_rule(x):
    y = x * 2.0
    return np.sum(scipy.special.dawsn(y))  # HERE


def bad_partial_call(x):
    y = x * 2.0
    return HALF_POWER(y)  # HERE


def bad_vectorized_call(x):
    y = x * 2.0
    return np.sum(VECTORIZED_SIN(y))  # HERE


HALF_POWER = functools.partial(math.pow, 0.5)
VECTORIZED_SIN = np.vectorize(math.sin)


def bad_computed_axis(x, axis):
    y = x * 2.0
    return np.sum(np.max(y, axis=axis))  # HERE


def bad_recursion(x):
    y = x * 0.5
    return bad_recursion(y)  # HERE


def bad_mutual_recursion(x):
    y = x * 0.5
    return mutual_helper(y)  # HERE


def mutual_helper(x):
    return bad_mutual_recursion(x * 2.0)


def two_parameters(a, b):
    return a * b


def bad_wrong_argument_count(x):
    y = x * 2.0
    return two_parameters(y)  # HERE


def bad_too_many_arguments(x):
    y = x * 2.0
    return two_parameters(y, x, y)  # HERE


def bad_unknown_keyword(x):
    y = x * 2.0
    return two_parameters(y, c=x)  # HERE


# ---------------------------------------------------------------- good functions


def ok_scalar(x, y):
    return math.sin(x) * y + x * x


def ok_vector(x):
    return np.sin(x) * x


def ok_scale(x):
    return x * 2.0


def ok_no_parameters():
    return 1.0


def ok_sum(x):
    return np.sum(np.sin(x))


# ---------------------------------------------------------------- odd results
# (valid Python that s2sad lowers, but whose result is not a number to differentiate)


def odd_returns_none(x):
    y = x * 2.0
    return None


def odd_returns_string(x):
    y = x * 2.0
    return "done"

