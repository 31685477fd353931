"""The linear-algebra rules beyond the table test (tests/rules/cases_linalg.py): the norms'
policies at their non-differentiable points (exact values, both modes), the determinant
at singular matrices, `slogdet` unpacked, the errors for what has no rule, and the
generated code's form.
"""
import numpy as np
import pytest

import s2sad
from s2sad import UnsupportedError, runtime
from s2sad.rules import einsum
from rulecheck import check_grad, check_vjp, generic_adjoint, generic_tangent
from util import assert_close, numeric_grad


def both_modes(fn, args, wrt=0):
    """The gradient by the adjoint, and by the forward Jacobian (vector mode) and by one
    jvp per basis direction: all three must agree (to rounding) at non-smooth points,
    where central differences cannot check them."""
    grad = s2sad.grad(fn, wrt=wrt)(*args)
    forward = s2sad.jacobian(fn, wrt, mode="forward")(*args)
    x = args[wrt]
    columns = []
    for k in range(x.size):
        direction = np.zeros_like(x)
        direction.flat[k] = 1.0
        columns.append(s2sad.jvp(fn, wrt)(*args, direction)[1])
    one_by_one = np.reshape(columns, x.shape)
    assert_close(forward, grad, rtol=1e-14, atol=0)
    assert_close(one_by_one, grad, rtol=1e-14, atol=0)
    return grad


def well(n, *batch, seed=0):
    noise = np.random.default_rng(seed).uniform(-1.0, 1.0, batch + (n, n))
    return n * np.eye(n) + 0.4 * noise


# ---------------------------------------------------------------- norm policies


@pytest.mark.parametrize("body", [
    "np.linalg.norm(x)", "np.linalg.norm(x, 2)", "np.linalg.norm(x, 1)",
    "np.linalg.norm(x, 3)", "np.linalg.norm(x, 1e999)", "np.linalg.norm(x, -1e999)",
    "np.linalg.norm(x, 0)", "np.sum(np.linalg.norm(x, keepdims=True))",
    "np.sum(np.linalg.norm(x, axis=0, keepdims=True))"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zero_vector_norm_has_gradient_zero(gen, body, dtype):
    x = np.zeros(3, dtype=dtype)
    got = both_modes(gen("x", body), (x,))
    assert got.dtype == dtype
    assert not np.any(got) and not np.any(np.isnan(got))


def test_zero_matrix_frobenius_norm_has_gradient_zero(gen):
    for body in ("np.linalg.norm(x)", "np.linalg.norm(x, 'fro')",
                 "np.sum(np.linalg.norm(x, axis=(0, 1), keepdims=True))"):
        got = both_modes(gen("x", body), (np.zeros((2, 3)),))
        assert not np.any(got) and not np.any(np.isnan(got))


def test_zero_row_gives_zero_not_nan(gen):
    """The norms of the rows, one row zero: that row's gradient is 0 (a subgradient),
    the others x / |x|; a zero incoming derivative (a weight 0) stays zero."""
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    got = both_modes(gen("x", "np.sum(np.linalg.norm(x, axis=1))"), (x,))
    assert_close(got, np.array([[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]]), rtol=1e-15, atol=0)
    weighted = gen("x", "np.sum(np.array([1.0, 0.0, 2.0]) * np.linalg.norm(x, axis=1))")
    got = both_modes(weighted, (x,))
    assert_close(got, np.array([[0.6, 0.8], [0.0, 0.0], [2.0, 0.0]]), rtol=1e-15, atol=0)
    # a zero row multiplied by zero afterwards, as in a masked mean of row lengths
    masked = gen("x", "np.sum(np.linalg.norm(x, axis=1) * (np.linalg.norm(x, axis=1) > 0))")
    got = both_modes(masked, (x,))
    assert not np.any(np.isnan(got))
    # keepdims, and a column-wise p-norm with a zero column
    got = both_modes(gen("x", "np.sum(np.linalg.norm(x.T, 3, axis=0, keepdims=True))"), (x,))
    assert not np.any(np.isnan(got)) and not np.any(got[1])


def test_one_norm_uses_sign_zero_at_zero_entries(gen):
    x = np.array([2.0, 0.0, -1.5, 0.0])
    got = both_modes(gen("x", "np.linalg.norm(x, 1)"), (x,))
    assert_close(got, np.array([1.0, 0.0, -1.0, 0.0]), rtol=0, atol=0)


def test_inf_norm_gradient_goes_to_first_largest(gen):
    x = np.array([1.0, -3.0, 3.0, 2.0])
    got = both_modes(gen("x", "np.linalg.norm(x, 1e999)"), (x,))
    assert_close(got, np.array([0.0, -1.0, 0.0, 0.0]), rtol=0, atol=0)
    got = both_modes(gen("x", "np.linalg.norm(x, -1e999)"), (x,))
    assert_close(got, np.array([1.0, 0.0, 0.0, 0.0]), rtol=0, atol=0)
    rows = np.array([[2.0, -2.0, 1.0], [0.5, 1.0, -1.0]])
    got = both_modes(gen("x", "np.sum(np.linalg.norm(x, 1e999, axis=1))"), (rows,))
    assert_close(got, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), rtol=0, atol=0)
    got = both_modes(gen("x", "np.sum(np.linalg.norm(x, -1e999, axis=0, keepdims=True))"),
                     (np.array([[1.0, -2.0], [-1.0, 2.0]]),))
    assert_close(got, np.array([[1.0, -1.0], [0.0, 0.0]]), rtol=0, atol=0)


def test_count_norm_has_derivative_zero(gen):
    x = np.array([[2.0, 0.0], [0.0, -1.0]])
    got = both_modes(gen("x", "np.sum(np.linalg.norm(x, 0, axis=1) * x)"), (x,))
    assert_close(got, np.array([[1.0, 1.0], [1.0, 1.0]]), rtol=0, atol=0)


# ---------------------------------------------------------------- det at singular matrices


def test_cofactor_matches_det_times_inverse():
    for a in (well(1), well(3), well(4, 2, 3, seed=5), -well(2)):
        want = np.linalg.det(a)[..., None, None] * np.swapaxes(np.linalg.inv(a), -1, -2)
        assert_close(runtime.cofactor(a), want, rtol=1e-12, atol=1e-13)
    assert runtime.cofactor(well(3).astype(np.float32)).dtype == np.float32


def test_det_gradient_at_singular_matrices(gen):
    """The cofactor matrix, exact where det(A) = 0: nonzero at rank n - 1, zero at rank
    n - 2 or less, and a zero incoming derivative gives zero."""
    det = gen("a", "np.linalg.det(a)")
    rank_one = np.array([[1.0, 2.0], [2.0, 4.0]])
    want = np.array([[4.0, -2.0], [-2.0, 1.0]])
    assert_close(both_modes(det, (rank_one,)), want, rtol=1e-12, atol=1e-12)
    assert_close(s2sad.grad(det)(rank_one), numeric_grad(det, (rank_one,)))
    singular = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    assert_close(s2sad.grad(det)(singular), numeric_grad(det, (singular,)), atol=1e-6)
    assert_close(both_modes(det, (np.zeros((3, 3)),)), np.zeros((3, 3)), rtol=0, atol=0)
    zeroed = both_modes(gen("a", "0.0 * np.linalg.det(a)"), (singular,))
    assert not np.any(zeroed)
    check_grad(det, (singular,))


def test_stacked_det_with_a_singular_matrix(gen):
    a = well(2, 3)
    a[1] = [[1.0, 2.0], [2.0, 4.0]]
    check_vjp(gen("a", "np.linalg.det(a)"), (a,), 0)


# ---------------------------------------------------------------- slogdet


def slogdet_unpacked(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * logdet + logdet


def slogdet_sign_only(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * np.sum(a)


def test_slogdet_unpacked():
    a = well(3)[::-1].copy()
    check_grad(slogdet_unpacked, (a,))
    want = 0.0 * np.linalg.inv(a).T  # sign = -1: the two terms cancel
    assert_close(s2sad.grad(slogdet_unpacked)(a), want, atol=1e-14)
    assert_close(s2sad.grad(slogdet_sign_only)(a), -np.ones((3, 3)), rtol=0, atol=0)


def test_logdet_of_stacks_is_the_sum_of_logdets(gen):
    a = well(3, 4, seed=2)
    got = s2sad.grad(gen("a", "np.sum(np.linalg.slogdet(a)[1])"))(a)
    assert_close(got, np.swapaxes(np.linalg.inv(a), -1, -2), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- derivatives without kinds


@pytest.mark.parametrize("body, args", [
    ("np.sum(np.sin(np.linalg.inv(a)))", (well(3),)),
    ("np.sum(np.sin(np.linalg.inv(a)))", (well(2, 3),)),
    ("np.sum(np.linalg.det(a))", (well(3),)),
    ("np.sum(np.linalg.det(a))", (well(2, 2),)),
    ("np.sum(np.linalg.slogdet(a)[1])", (well(2, 2),)),
    ("np.linalg.norm(a)", (well(3),)),
    ("np.sum(np.linalg.norm(a, 1, axis=-1))", (well(3),)),
    ("np.sum(np.trace(a))", (well(3, 2),)),
    ("np.sum(np.trace(a, 1, 0, -1))", (well(3, 2),)),
    ("np.sum(np.cos(np.einsum('ij,jk->ik', a, a)))", (well(3),)),
    ("np.vdot(a, np.sin(a))", (well(3),)),
    ("np.sum(np.outer(a, np.sin(a)))", (well(3),)),
])
def test_generic_derivatives_agree(gen, body, args):
    """Generated without argument kinds (the ranks unknown), the derivatives give the
    same numbers."""
    fn = gen("a", body)
    fn.__globals__["cofactor"] = runtime.cofactor  # the helper the det rule binds by name
    want = s2sad.grad(fn)(*args)
    assert_close(generic_adjoint(fn, 0)(*args, 1.0)[1], want, rtol=1e-12, atol=1e-14)
    direction = np.random.default_rng(1).normal(size=np.shape(args[0]))
    _, tangent = generic_tangent(fn, 0)(*args, direction)
    assert_close(np.asarray(tangent), np.asarray(np.sum(want * direction)), rtol=1e-10,
                 atol=1e-12)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("params, body, args, message", [
    ("x", "np.linalg.norm(x, 1)", (np.ones((2, 2)),), "matrix norm with ord=1"),
    ("x", "np.linalg.norm(x, np.inf, axis=(0, 1))", (np.ones((2, 2)),), "ord=inf"),
    ("x", "np.linalg.norm(x, 1, axis=(0, 1))", (np.ones((2, 2)),), "Frobenius"),
    ("x", "np.linalg.norm(x, 0.5)", (np.ones(3),), "ord=0.5"),
    ("x", "np.linalg.norm(x, -2)", (np.ones(3),), "ord=-2"),
    ("x", "np.linalg.norm(x, 2)", (np.ones((2, 2, 2)),), "needs `axis`"),
    ("x", "np.linalg.norm(x)", (1.5,), "abs"),
    ("x, k", "np.linalg.norm(x, k)", (np.ones(3), 2), "a computed `ord`"),
    ("a", "np.einsum('..i->', a)", (np.ones((2, 3)),), "three dots"),
    ("a", "np.einsum(SPEC, a)", (np.ones((2, 3)),), "string literal"),
    ("a, s", "np.einsum(',ij->ij', s, a)", (np.ones((2, 3)), 2.0), "multiply"),
    ("a", "np.einsum('ij,jk->ik', a)", (np.ones((2, 3)),), "2 operands"),
    ("a, b", "np.tensordot(a, b, axes=3)", (np.ones((2, 3)), np.ones((3, 2))), "does not fit"),
    ("a, b", "np.tensordot(a, b, axes=(1, 2))", (np.ones((2, 3)), np.ones((3, 2))),
     "do not fit"),
    ("a, s", "np.tensordot(a, s, 0)", (np.ones((2, 3)), 2.0), "multiply"),
    ("a, s", "np.outer(a, s)", (np.ones(3), 2.0), "multiply"),
    ("a, s", "np.vdot(s, a)", (np.ones(1), 2.0), "multiply"),
    ("a", "np.trace(a)", (np.ones(3),), "two axes"),
    ("a", "np.trace(a, 0, 1, 1)", (np.ones((2, 2)),), "must differ"),
    ("a", "np.trace(a, dtype='float32')", (np.ones((2, 2)),), "dtype="),
    ("a", "np.linalg.inv(a)", (np.ones(3),), "square matrix"),
    ("a", "np.linalg.det(a)", (np.ones(3),), "square matrix"),
    ("a, s", "np.linalg.solve(a, s)", (well(2), 1.0), "a number"),
])
def test_unsupported(gen, params, body, args, message):
    fn = gen(params, body)
    fn.__globals__["SPEC"] = "ij->i"
    with pytest.raises(UnsupportedError) as info:
        s2sad.grad(fn)(*args)
    assert message in str(info.value)


@pytest.mark.parametrize("params, body, args, wrt, advice", [
    ("x", "np.linalg.norm(x, None, (0, 1))", (np.arange(1.0, 5.0).reshape(2, 2),), 0,
     "axis=(0, 1)"),
    ("a, b", "np.tensordot(a, b, ((1,), (0,)))",
     (np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2)), (0, 1),
     "axes=((1,), (0,))"),
])
def test_positional_tuple_constants(gen, params, body, args, wrt, advice):
    """A tuple passed positionally is either read (and the derivative right) or an
    error that says to pass it by keyword; never taken for the default."""
    fn = gen(params, body)
    try:
        check_vjp(fn, args, wrt)
    except UnsupportedError as error:
        assert advice in str(error)


def test_einsum_subscripts_parsing():
    spec = einsum.parse_subscripts("ij, jk")
    assert spec.terms == ("ij", "jk") and spec.out == "ik"
    assert einsum.parse_subscripts("Ba").out == "Ba"
    assert einsum.parse_subscripts("ii").out == ""
    assert einsum.parse_subscripts("ii->i").out == "i"
    with pytest.raises(UnsupportedError, match="distinct"):
        einsum.parse_subscripts("ij->ii")
    with pytest.raises(UnsupportedError, match="distinct"):
        einsum.parse_subscripts("ij->k")


def test_einsum_result_kind_from_its_subscripts():
    """With the subscripts among the constants the result's rank is known."""
    from s2sad.ir import kinds as K
    matrix = K.array(2)
    product = einsum._einsum_kind([K.OTHER, matrix, matrix], {"subscripts": "ij,jk->ik"})
    assert product.is_array and product.ndim == 2
    assert einsum._einsum_kind([K.OTHER, matrix], {"subscripts": "ii"}) == K.SCALAR
    assert einsum._einsum_kind([K.OTHER, matrix], {"subscripts": "ij"}).ndim == 2
    assert einsum._einsum_kind([K.OTHER, matrix, matrix], {}) == K.UNKNOWN


# ---------------------------------------------------------------- generated code


def test_generated_code_reads_well(gen):
    a, b, x = well(3), np.ones(3), np.ones((2, 3))
    inv = s2sad.source(gen("a", "np.sum(np.sin(np.linalg.inv(a)))"), a)
    assert "a_bar = -(t1.T @ t1_bar @ t1.T)" in inv
    assert "-np.sum(t1 @ a_dot @ t1)" in s2sad.source(gen("a", "np.sum(np.linalg.inv(a))"), a,
                                                 mode="forward")
    solve = s2sad.source(gen("a, b", "np.sum(np.sin(np.linalg.solve(a, b)))"), a, b,
                         wrt=(0, 1))
    assert "np.linalg.solve(a.T, t1_bar)" in solve and "np.outer(" in solve
    det = s2sad.source(gen("a", "np.linalg.det(a)"), a)
    assert "f_bar * cofactor(a)" in det
    norm = s2sad.source(gen("x", "np.linalg.norm(x)"), b)
    assert "f_bar * x / np.where(f > 0, f, 1.0)" in norm
    rows = s2sad.source(gen("x", "np.sum(np.linalg.norm(x, axis=1))"), x)
    assert "x * np.expand_dims(t1_bar / np.where(t1 > 0, t1, 1.0), 1)" in rows
    einsum = s2sad.source(gen("a, b", "np.einsum('ij,jk->ik', a, b)"), x, x.T, wrt=(0, 1))
    assert "np.einsum('ik,jk->ij', f_bar, b)" in einsum
    assert "np.einsum('ik,ij->jk', f_bar, a)" in einsum
    tangents = s2sad.source(gen("a, b", "np.einsum('ij,jk->ik', a, b)"), x, x.T, wrt=(0, 1),
                            mode="vector")
    assert "np.einsum('lij,jk->lik', a_dot, b)" in tangents
    trace = s2sad.source(gen("a", "np.trace(a)"), a)
    assert "f_bar * np.eye(*a.shape, dtype=a.dtype)" in trace
    for text in (inv, solve, det, norm, rows, einsum, trace):
        assert "unbroadcast" not in text


def test_dot_method_and_trace_method(gen):
    a = well(3)
    check_vjp(gen("a, b", "a.dot(b)"), (a, np.arange(3.0)), (0, 1))
    check_grad(gen("a", "a.trace() * a.trace(1)"), (a,))


# ---------------------------------------------------------------- constants written as
# module-level numbers (np.inf), nested tuples (tensordot's pairs of axes) and a constant
# first argument (the einsum subscripts) reach the rules


def test_inf_norm_written_with_np_inf(gen):
    x = np.array([1.0, -3.0, 3.0, 2.0])
    for body in ("np.linalg.norm(x, ord=np.inf)", "np.linalg.norm(x, np.inf)"):
        got = s2sad.grad(gen("x", body))(x)
        assert_close(got, np.array([0.0, -1.0, 0.0, 0.0]), rtol=0, atol=0)


def test_tensordot_pairs_of_axes_by_keyword(gen):
    fn = gen("a, b", "np.tensordot(a, b, axes=((1, 2), (1, 0)))")
    args = (np.random.default_rng(1).normal(size=(2, 3, 4)),
            np.random.default_rng(2).normal(size=(4, 3, 5)))
    check_vjp(fn, args, (0, 1))


def test_einsum_vector_tangent_feeds_a_reduction(gen):
    fn = gen("a, b", "np.sum(np.sin(np.einsum('ij,jk->ik', a, b)))")
    text = s2sad.source(fn, np.ones((2, 3)), np.ones((3, 2)), wrt=(0, 1), mode="vector")
    assert "np.einsum('lij,jk->lik', a_dot, b)" in text
