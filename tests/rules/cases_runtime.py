"""Rule-table cases of s2sad's own run-time helpers (s2sad/rules/runtime_helpers.py and
runtime_hessians.py), which generated derivatives call: the linear ones (`unbroadcast`,
`tangent_buffer`, the `matmul_adjoint_*` pair), the derivatives of np.cumprod, np.prod and
det and their own derivatives, the masks, and the helpers refused with an error naming
them.

Each case calls the helper the way a derivative read again would (`runtime.name(...)`)
and checks reverse mode against central differences, forward mode (one direction and the
vector-mode Jacobian against the reverse one) and float32 in and out, for several shapes.
"""
import numpy as np
import pytest

import s2sad
from s2sad import runtime
from rulecheck import check_grad, check_vjp
from util import assert_close, numeric_grad, numeric_jvp, random_tangents


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


# ---------------------------------------------------------------- linear in one argument

def check_unbroadcast(gen):
    fn = gen("g, x", "runtime.unbroadcast(g * g, x)")
    for shape in [(3,), (1, 3), (2, 1), (2, 3), (4, 1, 3), (1, 1, 3)]:
        check_vjp(fn, (arr(1, 4, 2, 3), arr(2, *shape)), 0)
    check_grad(gen("g, x", "runtime.unbroadcast(g * g, x)"), (arr(3, 2, 3), 0.5))
    check_grad(gen("g", "runtime.unbroadcast(g, 1.0) * g"), (0.7,))
    check_grad(gen("g", "np.sum(np.sin(runtime.unbroadcast(g, np.ones((2, 1)))))"),
               (arr(4, 3, 2, 3),))
    # with a leading axis of directions, kept (as a vector-mode tangent has it)
    directed = gen("g, x", "runtime.unbroadcast(np.sin(g), x, 4)")
    for shape in [(3,), (2, 1), (1, 3)]:
        value = directed(arr(5, 4, 5, 2, 3), arr(6, *shape))
        assert value.shape == (4,) + shape
        check_vjp(directed, (arr(5, 4, 5, 2, 3), arr(6, *shape)), 0)


def check_tangent_buffer(gen):
    fn = gen("t, y", "runtime.tangent_buffer(t * t, y)")
    for shape in [(3,), (1, 3), (2, 3), ()]:
        check_vjp(fn, (arr(1, *shape), arr(2, 2, 3)), 0)
    check_grad(gen("t, y", "np.sum(runtime.tangent_buffer(t, y) ** 2)"), (0.6, arr(3, 3)))
    check_vjp(gen("t, y", "runtime.tangent_buffer(np.exp(t), y, 4)"),
              (arr(4, 2, 1), arr(5, 2, 3)), 0)


def check_written_last(gen):
    """Linear in g; an index array picking an element twice, a tuple with a slice, a
    mask; the value left by an element write is NumPy's last."""
    for index, shape in [("np.array([0, 2, 2, 1, 2])", (3,)), ("(np.array([1, 0, 1]), 1)", (2, 3)),
                         ("np.s_[np.array([1, 0, 1]), 1:3]", (2, 4)), ("g > 0.0", (2, 3))]:
        check_vjp(gen("g", f"runtime.written_last(g * g, {index})"), (arr(1, *shape),), 0)
    picked = runtime.written_last(np.arange(3.0), np.array([0, 2, 2, 1, 2]))
    np.testing.assert_array_equal(picked, [0.0, 0.0, 0.0, 1.0, 2.0])


# ---------------------------------------------------------------- the adjoints of a @ b

# (g, a, b) shapes whose product a @ b has g's shape; all of rank 2 or more
MATRICES = [((2, 4), (2, 3), (3, 4)), ((5, 2, 4), (2, 3), (5, 3, 4)),
            ((5, 2, 4), (5, 2, 3), (3, 4)), ((5, 2, 4), (1, 2, 3), (5, 3, 4))]
# one operand a vector or a number (np.dot): no vector-mode tangent
VECTORS = [((4,), (3,), (3, 4)), ((2,), (2, 3), (3,)), ((), (3,), (3,)),
           ((5, 4), (3,), (5, 3, 4)), ((5, 2), (5, 2, 3), (3,)), ((3,), (), (3,))]


def _matmul_cases(gen, which):
    fn = gen("g, a, b", f"runtime.matmul_adjoint_{which}(g * g, a, b)")
    other = 2 if which == "a" else 1
    for seed, shapes in enumerate(MATRICES):
        args = tuple(arr(seed + i, *shape) for i, shape in enumerate(shapes))
        check_vjp(fn, args, (0, other))
    for seed, shapes in enumerate(VECTORS):
        args = tuple(arr(seed + i, *shape) if shape else 0.5 + seed for i, shape in
                     enumerate(shapes))
        _one_direction_checks(fn, args, (0, other))
        with pytest.raises(s2sad.UnsupportedError, match=f"`matmul_adjoint_{which}.*rank below"):
            s2sad.source(fn, *args, wrt=(0, other), mode="vector")
        # the Jacobian in forward mode then takes one direction at a time
        assert_close(s2sad.jacobian(fn, (0, other), mode="forward")(*args),
                     s2sad.jacobian(fn, (0, other), mode="reverse")(*args))
    # inside other operations, reading the operand it does not differentiate
    check_grad(gen("g, b", f"np.sum(np.tanh(runtime.matmul_adjoint_{which}(g, b, b)))"),
               (arr(7, 3, 3), arr(8, 3, 3)), (0, 1))


def _one_direction_checks(fn, args, wrt):
    """Reverse mode and one-direction forward mode against central differences."""
    value = fn(*args)
    cotangent = np.random.default_rng(5).normal(size=np.shape(value))

    def weighted(*xs):
        return np.sum(fn(*xs) * cotangent)
    _, got = s2sad.vjp(fn, wrt)(*args, cotangent)
    assert_close(got, numeric_grad(weighted, args, wrt))
    tangents = random_tangents(args, wrt, 17)
    _, tangent = s2sad.jvp(fn, wrt)(*args, tangents)
    assert_close(tangent, numeric_jvp(fn, args, wrt, tangents))


def check_matmul_adjoint_a(gen):
    _matmul_cases(gen, "a")


def check_matmul_adjoint_b(gen):
    _matmul_cases(gen, "b")


# ---------------------------------------------------------------- cumulative products

def _with_zero(seed, *shape):
    x = arr(seed, *shape) + 0.1
    x.reshape(-1)[1] = 0.0
    return x


# helper -> its parameters; `a` is the array whose cumulative product is differentiated
CUMULATIVE = {"cumprod_tangent": "d, a", "cumprod_adjoint": "g, a",
              "cumprod_second": "d, e, a", "cumprod_adjoint_tangent": "g, a, e"}


def _cumulative_args(params, shape, axis, lead=None, seed=1):
    """Arguments for `params` with `a` of `shape`: `g` (an adjoint of np.cumprod's result)
    flat without an axis, `d` and `e` shaped like `a`; `lead` gets a leading axis of 4."""
    args = []
    for i, name in enumerate(params):
        if name == "a":
            args.append(_with_zero(seed + i, *shape))
            continue
        own = (int(np.prod(shape)),) if name == "g" and axis is None else shape
        args.append(arr(seed + i, *(((4,) if name == lead else ()) + own)))
    return tuple(args)


def _cumulative_cases(gen, helper):
    """Each linear argument (squared, so that the check sees a nonlinear function of it),
    and `a` where its derivative is a second derivative of np.cumprod, without an axis
    and along each axis, with leading axes of directions on one argument."""
    params = CUMULATIVE[helper].split(", ")
    linear = tuple(i for i, name in enumerate(params) if name != "a")
    wrt = tuple(range(len(params))) if len(params) == 2 else linear
    squared = ", ".join(f"{p} * {p}" if p != "a" else p for p in params)
    for axis in (None, 0, 1, -1):
        call = f"runtime.{helper}({squared}{'' if axis is None else f', {axis}'})"
        shapes = [(4,), (2, 3)] if axis is None else [(2, 3)]
        for shape in shapes:
            check_vjp(gen(CUMULATIVE[helper], call), _cumulative_args(params, shape, axis), wrt)
        for lead in params:
            if lead != "a":
                args = _cumulative_args(params, (2, 3), axis, lead, seed=5)
                check_vjp(gen(CUMULATIVE[helper], call), args, wrt)


def check_cumprod_tangent(gen):
    _cumulative_cases(gen, "cumprod_tangent")


def check_cumprod_adjoint(gen):
    _cumulative_cases(gen, "cumprod_adjoint")


def check_cumprod_second(gen):
    _cumulative_cases(gen, "cumprod_second")
    _check_third(gen, "cumprod_second", "runtime.cumprod_second(c, c, a * a)")


def check_cumprod_adjoint_tangent(gen):
    _cumulative_cases(gen, "cumprod_adjoint_tangent")
    _check_third(gen, "cumprod_adjoint_tangent", "runtime.cumprod_adjoint_tangent(c, a * a, c)")


def _check_third(gen, helper, call):
    """A derivative in `a` of the second-derivative helpers is a third derivative of
    np.cumprod: an error naming the helper, in both modes."""
    fn = gen("a, c", f"np.sum({call})")
    args = (arr(1, 3), arr(2, 3))
    for derive in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.UnsupportedError, match=f"`{helper}`.*third derivative") \
                as error:
            derive(fn)(*args, *((np.ones(3),) if derive is s2sad.jvp else ()))
        assert error.value.line is not None


# ---------------------------------------------------------------- refused

def _with_zeros(seed, *shape):
    """Values with one zero, and two in the first slice, where np.prod's derivatives are
    the products of the other elements."""
    x = arr(seed, *shape) + 0.1
    x.reshape(-1)[0] = 0.0
    if x.size > 3:
        x.reshape(-1)[2] = 0.0
    return x


PRODUCT_AXES = [((4,), None), ((2, 3), None), ((2, 3), "1"), ((2, 3), "0"),
                ((2, 3, 2), "(0, 2)"), ((2, 3, 2), "-1")]


def check_prod_others(gen):
    for shape, axis in PRODUCT_AXES:
        tail = "" if axis is None else f", {axis}"
        check_vjp(gen("a", f"runtime.prod_others(a * a{tail})"), (_with_zeros(1, *shape),), 0)
    check_grad(gen("a, c", "np.sum(runtime.prod_others(c, 1)) * np.sum(a * a)"),
               (arr(1, 2, 3), arr(2, 2, 3)), 0)


def check_prod_others_tangent(gen):
    for shape, axis in PRODUCT_AXES:
        tail = "" if axis is None else f", {axis}"
        fn = gen("e, a", f"runtime.prod_others_tangent(a, e * e{tail})")
        check_vjp(fn, (arr(2, *shape), _with_zeros(1, *shape)), 0)
        check_vjp(fn, (arr(2, *((3,) + shape)), _with_zeros(1, *shape)), 0)  # directions
    fn = gen("a, c", "np.sum(runtime.prod_others_tangent(a * a, c))")
    args = (arr(1, 3), arr(2, 3))
    for derive in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.UnsupportedError,
                           match="`prod_others_tangent`.*third derivative") as error:
            derive(fn)(*args, *((np.ones(3),) if derive is s2sad.jvp else ()))
        assert error.value.line is not None


def _singular(seed, *shape):
    """A (stack of) rank-deficient matrices: cofactor matrices are exact there too."""
    m = arr(seed, *shape)
    m[..., -1, :] = 2.0 * m[..., 0, :]
    return m


def check_cofactor(gen):
    fn = gen("a", "runtime.cofactor(a * a)")
    for shape in [(1, 1), (2, 2), (3, 3), (2, 3, 3)]:
        check_vjp(fn, (arr(1, *shape) + 2 * np.eye(shape[-1]),), 0)
    check_vjp(gen("a", "runtime.cofactor(np.sin(a))"), (_singular(2, 3, 3),), 0)
    check_grad(gen("a, c", "np.sum(runtime.cofactor(c) * a)"), (arr(1, 3, 3), arr(2, 3, 3)), 0)


def check_cofactor_tangent(gen):
    fn = gen("e, a", "runtime.cofactor_tangent(a, e * e)")
    for shape in [(1, 1), (2, 2), (3, 3), (2, 3, 3)]:
        check_vjp(fn, (arr(2, *shape), arr(1, *shape)), 0)
        check_vjp(fn, (arr(2, *((3,) + shape)), _singular(1, *shape)), 0)  # directions
    fn = gen("a, c", "np.sum(runtime.cofactor_tangent(a * a, c))")
    args = (arr(1, 3, 3), arr(2, 3, 3))
    for derive in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.UnsupportedError,
                           match="`cofactor_tangent`.*third derivative") as error:
            derive(fn)(*args, *((np.ones((3, 3)),) if derive is s2sad.jvp else ()))
        assert error.value.line is not None


def each_added(a, b):
    xs = []
    xs.append(a)
    xs.append(b)
    ys = runtime.add_each(xs, xs)
    return np.sum(ys[0] * a)


def each_added_to(a, b):
    xs = []
    xs.append(a)
    xs.append(b)
    ys = runtime.add_to_each(xs, b)
    return np.sum(ys[1] * a)


def split(a, b):
    xs = []
    xs.append(a)
    xs.append(b)
    ys = runtime.split_like(np.concatenate([a, b]), xs, 0, 1)
    return np.sum(ys[0] * a)


def _check_list_refused(fn, helper):
    args = (arr(1, 3), arr(2, 3))
    with pytest.raises(s2sad.UnsupportedError, match=f"`{helper}`.*no derivative rule") as error:
        s2sad.grad(fn)(*args)
    assert error.value.line is not None
    with pytest.raises(s2sad.UnsupportedError, match=f"`{helper}`.*no derivative rule"):
        s2sad.jvp(fn)(*args, np.ones(3))


_PAIR = np.array([0.3, 1.4, 2.2, 0.9])

CASES = {
    "runtime.unbroadcast": check_unbroadcast,
    "runtime.tangent_buffer": check_tangent_buffer,
    "runtime.written_last": check_written_last,
    "runtime.matmul_adjoint_a": check_matmul_adjoint_a,
    "runtime.matmul_adjoint_b": check_matmul_adjoint_b,
    "runtime.cumprod_tangent": check_cumprod_tangent,
    "runtime.cumprod_adjoint": check_cumprod_adjoint,
    "runtime.cumprod_second": check_cumprod_second,
    "runtime.cumprod_adjoint_tangent": check_cumprod_adjoint_tangent,
    "runtime.prod_others": check_prod_others,
    "runtime.prod_others_tangent": check_prod_others_tangent,
    "runtime.cofactor": check_cofactor,
    "runtime.cofactor_tangent": check_cofactor_tangent,
    # any call is an error naming the helper
    "runtime.add_each": lambda gen: _check_list_refused(each_added, "add_each"),
    "runtime.add_to_each": lambda gen: _check_list_refused(each_added_to, "add_to_each"),
    "runtime.split_like": lambda gen: _check_list_refused(split, "split_like"),
}

# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "runtime.first_max": ("a", "np.sum(a * runtime.first_max(a))", (_PAIR,), 0,
                          np.array([0.0, 0.0, 1.0, 0.0])),
    "runtime.first_min": ("a", "np.sum(a * a * runtime.first_min(a, 0))", (_PAIR,), 0,
                          np.array([0.6, 0.0, 0.0, 0.0])),
    "runtime.list_zeros": ("a", "np.sum(a * a) + np.sum(runtime.list_zeros([a, a])[0])",
                           (_PAIR,), 0, 2 * _PAIR),
}
