"""Shape, indexing, cast and constructor rules beyond the rule-table cases: index arrays
and masks, errors with their messages, the generated code itself, dtypes and the
constructors that carry no derivative, in both modes."""
import re

import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand

# Needs the infer.py change described in the shapes report: global index arrays
# (`x[IDX]`), tuple indices holding index arrays (`x[idx, 1:3]`) and global dtypes
# (`dtype=int`) reach the rules.

IDX = np.array([0, 2, 2, 1])
MASK = np.array([True, False, True, True, False])
IDX2 = np.array([[0, 1], [2, 2]])


def index_array(x, idx):
    return np.sum(x[idx] ** 2) + x[idx][0]


def mask_argument(x, mask):
    return np.sum(np.sin(x[mask]) * x[mask])


def mask_computed(x):
    return np.sum(x[x > 0.0] ** 2)


def rows_by_index(x, idx):
    return np.sum(np.cos(x[idx]) * x[idx])


def rows_and_slice(x, idx):
    return x[idx, 1:3] ** 2


def index_then_axis(x, idx):
    return x[:, idx] * 2.0


def split_index(x, idx):
    return x[0, :, idx] ** 2


def ellipsis_index(x, idx):
    return x[..., idx] ** 2


def index_new_axis(x, idx):
    return x[idx, None] * x[None, idx]


def global_index(x):
    return np.sum(x[IDX] ** 2)


def global_mask(x):
    return x[MASK] ** 2


def global_index_2d(x):
    return x[IDX2] ** 2


def global_split(x):
    return x[1, :, IDX] * x[0, :, IDX]


def default_index(x, idx=np.array([1, 1, 0])):
    return x[idx] ** 2


def test_index_array_argument_with_repeats():
    check_grad(index_array, (rand(5), np.array([0, 3, 3, 1, 3])))
    for shape in ((5,), (5, 3), (5, 2, 2)):
        check_grad(rows_by_index, (rand(*shape), np.array([1, 1, 4])))
    check_grad(rows_by_index, (rand(5, 3), np.array([[0, 1], [1, 1]])))


def test_mask_indices():
    x = rand(5)
    check_grad(mask_argument, (x, x > 0.1))
    check_grad(mask_computed, (x,))
    check_grad(mask_computed, (rand(3, 4),))
    check_grad(mask_argument, (rand(3, 4), rand(3, 4) > 0.0))
    check_grad(mask_argument, (rand(3, 4), np.array([True, False, True])))


def test_index_array_adjoint_adds_repeats():
    source = s2sad.source(rows_by_index, rand(5, 3), np.array([1, 1, 4]))
    assert "np.add.at(x_bar, idx, " in source


def test_index_arrays_next_to_slices():
    idx = np.array([0, 2, 2])
    check_vjp(rows_and_slice, (rand(4, 4), idx), 0)
    check_vjp(index_then_axis, (rand(3, 4), idx), 0)
    check_vjp(index_then_axis, (rand(3, 4, 2), idx), 0)
    check_vjp(ellipsis_index, (rand(2, 3, 4), idx), 0)
    check_vjp(index_new_axis, (rand(4), idx), 0)
    check_vjp(index_new_axis, (rand(4, 2), idx), 0)
    # integers and index arrays apart: NumPy puts the indexed axes first
    check_vjp(split_index, (rand(2, 3, 4), idx), 0)


def test_slices_in_a_scattered_index_are_written_with_np_s():
    source = s2sad.source(rows_and_slice, rand(4, 4), np.array([0, 2, 2]))
    assert "np.add.at(x_bar, np.s_[idx, 1:3], " in source


def test_global_and_default_index_arrays():
    check_grad(global_index, (rand(4),))
    check_grad(global_index, (rand(3, 2),))
    check_vjp(global_mask, (rand(5),), 0)
    check_vjp(global_mask, (rand(5, 2),), 0)
    check_vjp(global_index_2d, (rand(3),), 0)
    check_vjp(global_index_2d, (rand(3, 2),), 0)
    check_vjp(global_split, (rand(2, 3, 4),), 0)
    check_vjp(default_index, (rand(3),), 0)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("params, body, args, match", [
    ("x", "np.concatenate(x)", (rand(2, 3),), "not a list or tuple display"),
    ("x", "np.stack(x, axis=1)", (rand(2, 3),), "not a list or tuple display"),
    ("x, k", "np.concatenate([x, x], k)", (rand(2, 3), 1), "computed `axis`"),
    ("a, b", "np.array([[a, b], [a]])", (0.5, 1.5), "different lengths"),
    ("x", "x.reshape(3, 2, order='F')", (rand(2, 3),), "order='F'"),
    ("x", "np.ravel(x, 'F')", (rand(2, 3),), "order='F'"),
    ("a, b", "np.linspace(a, b, 5, retstep=True)[0]", (0.5, 1.5), "retstep"),
    ("a, b", "np.linspace(a, b, 3)", (rand(2), 1.5), "array endpoints"),
    ("x", "np.vstack([x, 1.0])", (rand(1),), "of a number"),
    ("x", "np.column_stack([x, x])", (rand(2, 2, 2),), "rank above 2"),
    ("x", "np.triu(x)", (rand(3),), "pass a matrix"),
    ("a, b", "np.array([a, b], ndmin=2)", (0.5, 1.5), "ndmin"),
    ("x", "x.astype(complex)", (rand(3),), "complex"),
    ("x", "x.astype('U3')", (rand(3),), "dtype <U3"),
    ("x", "np.concatenate([x, x], dtype='float32')", (rand(3),), "dtype="),
    ("x, p", "np.transpose(x, p)", (rand(2, 3), (1, 0)), "computed `axes`"),
    ("x, i", "np.swapaxes(x, i, 0)", (rand(2, 3), 1), "computed `axis1`"),
    ("x", "x[0][0]", (0.5,), "indexing a scalar"),
    ("x", "np.diag(x)", (rand(2, 2, 2),), "pass a vector or a matrix"),
    ("x", "np.hstack([x, x])", (None,), "rank of its operands"),
])
def test_unsupported(gen, params, body, args, match):
    fn = gen(params, body)
    with pytest.raises(s2sad.UnsupportedError, match=match):
        # no example arguments (None): the generic derivative, ranks unknown
        s2sad.source(fn, *[a for a in args if a is not None])


# ---------------------------------------------------------------- generated code


def reshape_sum(x, w):
    return np.sum(np.reshape(x, (2, 3)) * w)


def join(x, y):
    return np.concatenate([x, y], axis=1) ** 2


def cast(x):
    return x.astype(np.float32) * x.astype(float)


def filled(a, x):
    return np.full(x.shape, a) * x


def flipped(x):
    return np.flip(x, 1) * np.flipud(x)


def stacked(x, y):
    return np.stack([x, y], axis=-1) ** 2


def built(a, b):
    return np.array([[a, b], [b, 0.0]]) ** 2


def test_reshape_code():
    source = s2sad.source(reshape_sum, rand(6), rand(2, 3), wrt=(0, 1))
    assert "x_bar = np.reshape(t1_bar, x.shape)" in source
    forward = s2sad.source(reshape_sum, rand(6), rand(2, 3), wrt=(0, 1), mode="forward")
    assert "np.reshape(x_dot, (2, 3))" in forward


def test_reshape_code_in_vector_mode():
    """The rank of a shape written as a tuple is known (to infer.py) when the derivative is
    generated."""
    vector = s2sad.source(reshape_sum, rand(6), rand(2, 3), wrt=(0, 1), mode="vector")
    assert "np.reshape(x_dot, (len(x_dot), 2, 3))" in vector


def test_join_code():
    source = s2sad.source(join, rand(2, 3), rand(2, 1), wrt=(0, 1))
    assert "x_bar = t1_bar[:, :x.shape[1]]" in source
    assert "y_bar = t1_bar[:, x.shape[1]:]" in source
    vector = s2sad.source(join, rand(2, 3), rand(2, 1), wrt=(0, 1), mode="vector")
    assert "np.concatenate([x_dot, y_dot], axis=2)" in vector
    source = s2sad.source(stacked, rand(3), rand(3), wrt=(0, 1))
    assert "x_bar = t1_bar[..., 0]" in source and "y_bar = t1_bar[..., 1]" in source
    source = s2sad.source(built, 0.5, 1.5, wrt=(0, 1))
    assert "a_bar = t1_bar[0, 0]" in source and "b_bar = t1_bar[0, 1] + t1_bar[1, 0]" in source
    forward = s2sad.source(built, 0.5, 1.5, wrt=(0, 1), mode="forward")
    assert "np.array([[a_dot, b_dot], [b_dot, 0.0]])" in forward


def test_cast_code():
    source = s2sad.source(cast, rand(3))
    assert "astype(x.dtype)" in source and "issubdtype" not in source
    forward = s2sad.source(cast, rand(3), mode="forward")
    assert "x_dot.astype(np.float32)" in forward and "x_dot.astype(float)" in forward


def test_fill_and_flip_code():
    source = s2sad.source(filled, 0.5, rand(2, 3), wrt=(0, 1))
    assert "a_bar = np.sum(" in source
    forward = s2sad.source(filled, 0.5, rand(2, 3), wrt=(0, 1), mode="forward")
    assert re.search(r"np\.full_like\(t\d, a_dot\)", forward)
    source = s2sad.source(flipped, rand(2, 3))
    assert "[:, ::-1]" in source and "[::-1]" in source and "np.flip(" not in \
        source.split("# backward sweep")[1]


# ---------------------------------------------------------------- dtypes and special points


def cast_down(x):
    return np.sum(x.astype(np.float32) * 2.0)


def cast_up(x):
    return np.sum(x.astype(np.float64) ** 2)


def cast_dynamic(x, y):
    return np.sum(x.astype(y.dtype) * x)


def test_cast_dtypes():
    x = rand(3)
    g = s2sad.grad(cast_down)(x)
    assert g.dtype == np.float64 and np.all(g == 2.0)
    value, tangent = s2sad.jvp(cast_down)(x, np.ones(3))
    assert np.asarray(tangent).dtype == np.float32 == np.asarray(value).dtype
    x32 = x.astype(np.float32)
    g = s2sad.grad(cast_up)(x32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x32, rtol=1e-6)
    # a cast to the dtype of another argument, known at run time only
    assert np.all(s2sad.grad(cast_dynamic)(x, np.arange(2)) == x.astype(int))
    np.testing.assert_allclose(s2sad.grad(cast_dynamic)(x, np.ones(2)), 2 * x)
    assert s2sad.jvp(cast_dynamic)(x, np.arange(2), np.ones(3))[1] == np.sum(x.astype(int))


def test_integer_dtypes_given_as_globals(gen):
    for body in ("np.full(3, a, dtype=int) * a", "np.full_like(np.ones(3), a, dtype=int) * a",
                 "np.arange(a, 3.0, 1.0, dtype=int) * a", "np.linspace(a, 3.1, 3, dtype=int) * a",
                 "np.array([a, a], dtype=int) * a", "np.asarray([a], dtype=np.int64) * a"):
        check_vjp(gen("a", body), (0.7,), 0)


def test_differentiable_constructor_arguments_are_not_silent_zeros():
    """np.full, np.full_like, np.linspace and np.arange carry their value arguments'
    derivatives."""
    assert s2sad.grad(full_sum)(0.5) == 6.0
    np.testing.assert_allclose(s2sad.grad(linspace_sum, wrt=(0, 1))(0.0, 2.0), (2.5, 2.5))
    np.testing.assert_allclose(s2sad.grad(arange_sum, wrt=(0, 1))(0.5, 1.0), (3.0, 3.0))


def full_sum(a):
    return np.sum(np.full((2, 3), a))


def linspace_sum(a, b):
    return np.sum(np.linspace(a, b, 5))


def arange_sum(a, h):
    return np.sum(np.arange(a, 3.0, h))


CONSTANTS = [
    ("x", "np.sum(x * np.arange(0.0, 1.0, 0.25))", (rand(4),)),
    ("x", "np.sum(x * np.arange(4.0))", (rand(4),)),
    ("x", "np.sum(x * np.arange(1, 9, 2))", (rand(4),)),
    ("x", "np.sum(x * np.linspace(0.0, 1.0, 4, endpoint=False))", (rand(4),)),
    ("x", "np.sum(x @ np.eye(3, 4, 1))", (rand(2, 3),)),
    ("x", "np.sum(x * np.identity(3)[0])", (rand(3),)),
    ("x", "np.sum(x * np.zeros((2, 3)) + x * np.ones(x.shape))", (rand(2, 3),)),
    ("x", "np.sum(x * np.ones_like(x) * np.full(x.shape, 2.0))", (rand(2, 3),)),
    ("x", "np.sum(x * np.full_like(x, 3.0) + np.zeros_like(x))", (rand(2, 3),)),
    ("x", "np.sum(x * x) * np.empty((2, 3)).size * np.empty_like(x).ndim", (rand(2, 3),)),
    ("x", "np.sum(x) * len(x) * x.shape[1] * np.shape(x)[0] * np.ndim(x) * np.size(x)",
     (rand(2, 3),)),
    ("x", "np.sum(x * x.size) / x.ndim + np.sum(np.zeros(len(x)) + x[:, 0])", (rand(2, 3),)),
    ("x", "np.sum(np.reshape(x, (x.shape[1], len(x))) ** 2)", (rand(2, 3),)),
    ("x", "np.sum(np.zeros((len(x), x.shape[1])) + x ** 2)", (rand(2, 3),)),
]


@pytest.mark.parametrize("params, body, args", CONSTANTS, ids=[c[1] for c in CONSTANTS])
def test_constants_in_both_modes(gen, params, body, args):
    check_grad(gen(params, body), args)
