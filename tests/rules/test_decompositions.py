"""The matrix decompositions beyond the table test (tests/rules/cases_decompositions.py):
a Gaussian process's negative log likelihood through a Cholesky factor, differentiated
in its kernel's hyperparameters; the derivative of a function that reads one triangle
against the symmetric-input one; what happens at equal eigenvalues; the refusals.
"""
import numpy as np
import pytest
import scipy.linalg

import s2sad
from util import assert_close, numeric_grad, numeric_jvp

X = np.linspace(-1.0, 1.0, 7)
Y = np.sin(3.0 * X) + 0.1 * np.cos(11.0 * X)


def kernel(x, scale, length, noise):
    gap = x[:, None] - x[None, :]
    return scale ** 2 * np.exp(-0.5 * gap ** 2 / length ** 2) + noise ** 2 * np.eye(len(x))


def nll_triangular(scale, length, noise, x, y):
    """-log N(y; 0, K): by the Cholesky factor and two triangular solves."""
    l = np.linalg.cholesky(kernel(x, scale, length, noise))
    z = scipy.linalg.solve_triangular(l, y, lower=True)
    return 0.5 * np.sum(z ** 2) + np.sum(np.log(np.diag(l))) + 0.5 * len(y) * np.log(2 * np.pi)


def nll_cho_solve(scale, length, noise, x, y):
    """The same, by cho_factor and cho_solve."""
    c, lower = scipy.linalg.cho_factor(kernel(x, scale, length, noise))
    alpha = scipy.linalg.cho_solve((c, lower), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)


def nll_hyperparameters(theta, x, y):
    """The hyperparameters as one array, through scipy.linalg.cholesky (upper factor)."""
    scale, length, noise = np.exp(theta[0]), np.exp(theta[1]), np.exp(theta[2])
    u = scipy.linalg.cholesky(kernel(x, scale, length, noise))
    z = scipy.linalg.solve_triangular(u, y, trans="T")
    return 0.5 * np.sum(z ** 2) + np.sum(np.log(np.diag(u)))


@pytest.mark.parametrize("nll", [nll_triangular, nll_cho_solve])
def test_gaussian_process_likelihood_in_both_modes(nll):
    args = (0.9, 0.4, 0.2, X, Y)
    wrt = (0, 1, 2)
    reference = numeric_grad(nll, args, wrt)
    assert_close(s2sad.grad(nll, wrt=wrt)(*args), reference)
    direction = (0.3, -0.7, 0.5)
    assert_close(s2sad.jvp(nll, wrt)(*args, direction)[1],
                 numeric_jvp(nll, args, wrt, direction))
    forward = s2sad.jacobian(nll, wrt, mode="forward")(*args)
    assert_close(forward, reference)


def test_gaussian_process_likelihood_of_a_hyperparameter_array():
    theta = np.log(np.array([0.9, 0.4, 0.2]))
    reference = numeric_grad(nll_hyperparameters, (theta, X, Y), 0)
    assert_close(s2sad.grad(nll_hyperparameters)(theta, X, Y), reference)
    assert_close(s2sad.jacobian(nll_hyperparameters, 0, mode="forward")(theta, X, Y), reference)
    cho = s2sad.grad(nll_cho_solve, wrt=(0, 1, 2))(*np.exp(theta), X, Y)
    assert_close(np.array(cho) * np.exp(theta), reference)


def log_det(k):
    """log det K of a symmetric positive definite K, from its Cholesky factor."""
    return 2.0 * np.sum(np.log(np.diag(np.linalg.cholesky(k))))


def spectra(a, steps):
    """Decompositions inside a loop, a branch and a helper."""
    total = 0.0
    for i in range(steps):
        m = a + 0.5 * i * np.eye(3)
        if i % 2 == 0:
            total = total + log_det(m @ m.T)
        else:
            w, v = np.linalg.eigh(m + m.T)
            total = total + np.sum(w ** 2) + v[0, -1] ** 2
        u, s, vt = np.linalg.svd(m)
        q, r = np.linalg.qr(m * s[0])
        total = total + s[-1] * np.sum(u[:, 0] * vt[0]) + np.sum(r[0]) + q[1, 1]
    return total


def test_decompositions_in_loops_branches_and_helpers():
    a = 3 * np.eye(3) + np.random.default_rng(4).uniform(-0.4, 0.4, (3, 3))
    reference = numeric_grad(spectra, (a, 4), 0)
    assert_close(s2sad.grad(spectra)(a, 4), reference)
    assert_close(s2sad.jacobian(spectra, 0, mode="forward")(a, 4), reference)
    direction = np.random.default_rng(5).normal(size=(3, 3))
    assert_close(s2sad.jvp(spectra)(a, 4, direction)[1],
                 numeric_jvp(spectra, (a, 4), 0, (direction,)))


def well_symmetric(n):
    noise = np.random.default_rng(2).uniform(-1.0, 1.0, (n, n))
    return n * np.eye(n) + 0.2 * (noise + noise.T)


def cholesky_sum(a):
    return np.sum(np.sin(np.linalg.cholesky(a)))


def eigenvalue_cubes(a):
    return np.sum(np.linalg.eigvalsh(a) ** 3)


@pytest.mark.parametrize("fn", [cholesky_sum, eigenvalue_cubes])
def test_one_triangle_read(fn):
    """The gradient lives in the triangle NumPy reads (zero above the diagonal) and matches
    central differences in every entry; along a symmetric direction it gives the
    symmetric-input derivative, which a symmetric gradient gives too."""
    a = well_symmetric(3)
    grad = s2sad.grad(fn)(a)
    assert not np.any(np.triu(grad, 1))
    assert_close(grad, numeric_grad(fn, (a,), 0))
    symmetric = (grad + grad.T) / 2
    direction = well_symmetric(3) - 3 * np.eye(3)
    assert_close(np.sum(grad * direction), np.sum(symmetric * direction), rtol=1e-12)
    assert_close(s2sad.jvp(fn)(a, direction)[1], numeric_jvp(fn, (a,), 0, (direction,)))


def eigenvector_entry(a):
    return np.linalg.eigh(a)[1][0, 0]


def test_equal_eigenvalues_give_a_warning_and_no_finite_number():
    """The eigenvectors of an eigenvalue of several are not differentiable: the
    derivative divides by the gap between eigenvalues, 0 there."""
    a = np.diag([1.0, 1.0, 2.0])
    with pytest.warns(RuntimeWarning, match="divide by zero|invalid value"):
        grad = s2sad.grad(eigenvector_entry)(a)
    assert not np.all(np.isfinite(grad))
    # the eigenvalues of the same matrix have a derivative (a symmetric function of them)
    assert_close(s2sad.grad(eigenvalue_cubes)(a), np.diag([3.0, 3.0, 12.0]))


def svd_u(a):
    return np.linalg.svd(a)[0]


def qr_r(a):
    return np.linalg.qr(a)[1]


def svd_whole(a):
    return np.linalg.svd(a)


def qr_complete(a):
    return np.linalg.qr(a, mode="complete")[0]


def cho_factor_whole(a, b):
    return np.sum(scipy.linalg.cho_solve(scipy.linalg.cho_factor(a), b))


def test_refusals():
    wide = np.random.default_rng(1).uniform(-1.0, 1.0, (2, 3))
    with pytest.raises(ValueError, match="full_matrices=False"):
        s2sad.vjp(svd_u)(wide, np.ones((2, 2)))
    with pytest.raises(ValueError, match="wide matrix"):
        s2sad.vjp(qr_r)(wide, np.ones((2, 3)))
    with pytest.raises(s2sad.UnsupportedError, match="compute_uv=False"):
        s2sad.vjp(svd_whole)(wide, np.ones(2))
    with pytest.raises(s2sad.UnsupportedError, match="mode='complete'"):
        s2sad.vjp(qr_complete)(np.eye(2), np.ones((2, 2)))
    # the helpers have no rules: a second derivative is a located error
    with pytest.raises(s2sad.UnsupportedError, match="test_decompositions.py:.*cholesky_adjoint"):
        s2sad.hessian(cholesky_sum)(well_symmetric(3))


def slogdet_whole(a):
    result = np.linalg.slogdet(a)
    return result[0] * result[1]


def test_a_tuple_of_outputs_used_whole():
    """`cho_solve(cho_factor(a), b)`, and a tuple of outputs held by a name: each output
    its own operation, the argument computed once."""
    a, b = 3 * np.eye(3) + 0.2, np.array([0.3, -1.2, 0.8])
    for fn in (cho_factor_whole, gp_factor_held):
        reference = numeric_grad(fn, (a, b), (0, 1))
        assert_close(s2sad.grad(fn, wrt=(0, 1))(a, b), reference)
        assert_close(s2sad.jacobian(fn, (0, 1), mode="forward")(a, b), reference)
    assert_close(s2sad.grad(slogdet_whole)(a), numeric_grad(slogdet_whole, (a,), 0))
    assert s2sad.source(gp_factor_held, a, b).count("kernel_like(") == 1


def kernel_like(a):
    return a @ a.T


def gp_factor_held(a, b):
    factor = scipy.linalg.cho_factor(kernel_like(a), lower=True)
    return np.sum(scipy.linalg.cho_solve(factor, b) * b) + np.sum(np.log(np.diag(factor[0])))


def test_generated_code_calls_the_helpers_by_name():
    adjoint = s2sad.source(nll_triangular, 0.9, 0.4, 0.2, X, Y, wrt=(0, 1, 2))
    assert "cholesky_adjoint(" in adjoint and "triangular_adjoint(" in adjoint
    tangent = s2sad.source(nll_cho_solve, 0.9, 0.4, 0.2, X, Y, wrt=(0, 1, 2), mode="forward")
    assert "cho_solve_tangent(" in tangent and "cholesky_tangent(" in tangent
