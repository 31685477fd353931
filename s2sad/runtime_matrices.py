"""The run-time helpers of the derivatives of np.linalg.matrix_power (rules/powers.py) and
of the matrix norms through singular values (rules/norms.py: ord 'nuc', 2 and -2). They
work on stacks of matrices (the last two axes) and on tangents with leading axes of
directions.
"""
import numpy as np


def _powers(a, n):
    """[a^0, a^1, ..., a^(n-1)] for the stack of square matrices `a`."""
    powers = [np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)]
    for _ in range(n - 1):
        powers.append(powers[-1] @ a)
    return powers


def matrix_power_tangent(a, d, n):
    """The tangent of `np.linalg.matrix_power(a, n)` along `d`: the sum over k of
    `a^k @ d @ a^(n-1-k)`; for a negative `n`, that of `b^(-n)` with `b = inv(a)`, whose
    tangent is `-b @ d @ b`."""
    if n < 0:
        b = np.linalg.inv(a)
        return matrix_power_tangent(b, -(b @ d @ b), -n)
    if n == 0:
        return np.zeros_like(d)
    powers = _powers(a, n)
    return sum(powers[k] @ d @ powers[n - 1 - k] for k in range(n))


def matrix_power_adjoint(g, a, n):
    """The adjoint of `np.linalg.matrix_power(a, n)` for the result's adjoint `g`: the sum
    over k of `(a^k).T @ g @ (a^(n-1-k)).T`; for a negative `n`, through `inv(a)`."""
    if n < 0:
        b = np.linalg.inv(a)
        b_bar = matrix_power_adjoint(g, b, -n)
        return -(np.swapaxes(b, -1, -2) @ b_bar @ np.swapaxes(b, -1, -2))
    if n == 0:
        return np.zeros(np.broadcast_shapes(np.shape(g), a.shape), dtype=np.result_type(g, a))
    powers = [np.swapaxes(p, -1, -2) for p in _powers(a, n)]
    return sum(powers[k] @ g @ powers[n - 1 - k] for k in range(n))


def matrix_norm_gradient(a, which, axis=(-2, -1)):
    """The derivative of a matrix norm through the singular values of the matrices on
    `axis` (a pair): for 'nuc' (the sum of the singular values) `U1 @ V1^T` over the
    positive ones (the smallest subgradient: 0 for a zero matrix); for 'max' (ord=2) and
    'min' (ord=-2) `u @ v^T` of the largest or smallest singular value (0 for a zero
    matrix). Where singular values tie, the pairs NumPy's SVD returns."""
    moved = np.moveaxis(a, axis, (-2, -1))
    u, s, vh = np.linalg.svd(moved, full_matrices=False)
    positive = s > (s[..., :1] * max(moved.shape[-2:]) * np.finfo(s.dtype).eps)
    if which == "nuc":
        result = (u * positive[..., None, :]) @ vh
    else:
        pick = 0 if which == "max" else -1
        scale = positive[..., :1] if which == "max" else s[..., :1] > 0
        result = u[..., :, pick, None] * vh[..., None, pick, :] * scale[..., None]
    return np.moveaxis(result.astype(a.dtype, copy=False), (-2, -1), axis)
