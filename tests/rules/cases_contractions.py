"""Rule-table cases of the contraction forms beyond cases_linalg.py: np.einsum with an
ellipsis (broadcast too) and in the form with lists of axis numbers, np.dot of arrays of
rank above 2; np.linalg.matrix_power (negative powers too) and the matrix norms through
singular values (np.linalg.norm with ord 'nuc', 2, -2, stacked).
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


# subscripts -> operand shapes
ELLIPSIS = [
    ("'...ij,...jk->...ik'", [(2, 3, 4), (2, 4, 2)]),
    ("'...ij,...jk->...ik'", [(1, 2, 3), (4, 3, 2)]),   # a length-one axis broadcast
    ("'...ij,jk->...ik'", [(2, 2, 3), (3, 2)]),
    ("'...ij,...jk'", [(3, 2), (5, 2, 4)]),             # implicit: '...' first
    ("'i...->...'", [(3, 2, 2)]),
    ("'...ii->...i'", [(2, 3, 3)]),
    ("'ij...,j...->i...'", [(2, 3, 4), (3, 4)]),
    ("'...,...->...'", [(2, 3), (3,)]),
    ("'ij,jk->ik...'", [(2, 3), (3, 4)]),                # an ellipsis of no axes
]

# the same contractions in the form with lists of axis numbers
LISTS = [
    ("a, [0, 1], b, [1, 2], [0, 2]", [(2, 3), (3, 4)]),
    ("a, [0, 1], b, [1, 2]", [(2, 3), (3, 4)]),
    ("a, [0, 0]", [(3, 3)]),
    ("a, [0, 1], b, [0, 1], [0]", [(2, 3), (2, 3)]),
    ("a, [Ellipsis, 0, 1], b, [Ellipsis, 1, 2], [Ellipsis, 0, 2]", [(2, 2, 3), (2, 3, 4)]),
    ("a, [0, ...], [...]", [(3, 2)]),
]


def _check(gen, rows, spell):
    for text, shapes in rows:
        names = "abc"[:len(shapes)]
        fn = gen(", ".join(names), spell(text, names))
        args = tuple(arr(i, *s) for i, s in enumerate(shapes))
        check_vjp(fn, args, tuple(range(len(shapes))))
        check_vjp(fn, args, len(shapes) - 1)


def _batched_in_loop(a, b):
    """An ellipsis einsum in a loop: a batch of matrices applied three times."""
    x = b
    for _ in range(3):
        x = np.tanh(np.einsum("...ij,...j->...i", a, x))
    return np.sum(x ** 2)


def _bilinear(a, x):
    return np.einsum(x, [Ellipsis, 0], a, [Ellipsis, 0, 1], x, [Ellipsis, 1], [Ellipsis])


def _bilinear_in_helper(a, x):
    return np.sum(_bilinear(a, x) ** 2)


def check_einsum_forms(gen):
    _check(gen, ELLIPSIS, lambda text, names: f"np.einsum({text}, {', '.join(names)})")
    _check(gen, LISTS, lambda text, names: f"np.einsum({text})")
    check_grad(_batched_in_loop, (arr(1, 2, 3, 3), arr(2, 2, 3)), (0, 1))
    check_grad(_bilinear_in_helper, (arr(3, 2, 3, 3), arr(4, 2, 3)), (0, 1))


def check_einsum_form_refusals(gen):
    for body, message in (
            ("np.einsum('..i->', a)", "three dots"),
            ("np.einsum(a, [0, k])", "lists of int constants"),
            ("np.einsum(a, [0, 60])", "from 0 to 51")):
        with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*" + message):
            s2sad.grad(gen("a, k", f"np.sum({body})"))(arr(0, 2, 3), 1)


# ---------------------------------------------------------------- np.dot of rank above 2

DOT_SHAPES = [((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 3)),
              ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((2, 2, 3), (3,)), ((3, 2, 2, 3), (2, 3, 2))]


def check_dot_high_rank(gen):
    """np.dot sums over a's last axis and b's second to last, keeping every other axis
    of both (not broadcasting, as @ does)."""
    for shape_a, shape_b in DOT_SHAPES:
        a, b = arr(1, *shape_a), arr(2, *shape_b)
        for body in ("np.dot(a, b)", "a.dot(b)"):
            fn = gen("a, b", body)
            check_vjp(fn, (a, b), (0, 1))
            check_vjp(fn, (a, b), 0)
            check_vjp(fn, (a, b), 1)
    check_grad(gen("a, b", "np.sum(np.sin(np.dot(a * a, b)))"), (arr(1, 2, 3, 4), arr(2, 4, 2)),
               (0, 1))


# ---------------------------------------------------------------- matrix powers and norms

def _well(seed, *shape):
    """Square matrices far from singular (a negative power inverts them)."""
    return arr(seed, *shape) + 2.5 * np.eye(shape[-1])


def _power_in_loop(a, x):
    for k in range(3):
        x = np.linalg.matrix_power(a, k - 1) @ x
    return np.sum(x ** 2)


def check_matrix_power(gen):
    for shape in ((3, 3), (2, 3, 3)):
        a = _well(1, *shape)
        for n in (0, 1, 2, 3, 5, -1, -2):
            check_vjp(gen("a", f"np.linalg.matrix_power(a, {n})"), (a,), 0)
        check_vjp(gen("a, n", "np.linalg.matrix_power(a * a, n)"), (a, 4), 0)
    check_grad(_power_in_loop, (_well(2, 3, 3), arr(3, 3)), (0, 1))
    for body, message in (("np.linalg.matrix_power(a, 1.5)", "must be an int"),
                          ("np.linalg.matrix_power(a[0], 2)", "vector")):
        with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*" + message):
            s2sad.grad(gen("a", f"np.sum({body})"))(_well(1, 3, 3))


def _spectral_in_helper(a):
    return np.linalg.norm(a @ a.T, 2) + np.linalg.norm(a, -2)


def check_singular_norms(gen):
    """The nuclear and spectral norms, of matrices and stacks (axis pairs, keepdims),
    wherever the singular values are distinct (the norm is differentiable there)."""
    for ord in ("'nuc'", "2", "-2"):
        for shape in ((3, 3), (2, 4), (4, 2)):
            check_grad(gen("a", f"np.linalg.norm(a, {ord})"), (arr(5, *shape),))
        a = arr(6, 2, 3, 4)
        for axis in ("(1, 2)", "(2, 1)", "(0, 2)", "(-1, 0)"):
            check_vjp(gen("a", f"np.linalg.norm(a, {ord}, axis={axis})"), (a,), 0)
        check_vjp(gen("a", f"np.linalg.norm(a, {ord}, (1, 2), True)"), (a,), 0)
    check_grad(_spectral_in_helper, (arr(7, 3, 3),))
    check_grad(gen("a", "sum([np.linalg.norm(a * k, 'nuc') for k in range(1, 3)])"),
               (arr(8, 3, 2),))


def check_singular_norms_at_zero(gen):
    """A zero matrix: gradient 0 (the smallest subgradient), never NaN."""
    for ord in ("'nuc'", "2", "-2"):
        grad = s2sad.grad(gen("a", f"np.linalg.norm(a, {ord})"))(np.zeros((2, 3)))
        assert np.array_equal(grad, np.zeros((2, 3)))


CASES = {
    "np.linalg.matrix_power": check_matrix_power,
    "np.linalg.norm (singular values)": lambda gen: (check_singular_norms(gen),
                                                     check_singular_norms_at_zero(gen)),
    "np.einsum (ellipsis, lists)": lambda gen: (check_einsum_forms(gen),
                                                check_einsum_form_refusals(gen)),
    "np.dot (rank above 2)": check_dot_high_rank,
}
