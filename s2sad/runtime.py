"""The few helpers generated array code may call at run time.

Scalar code never calls them. Array code calls `unbroadcast` only where an operand's shape
is not known to equal the result's, the `matmul_adjoint_*` helpers only when an operand's
rank was unknown when the derivative was generated, and `tangent_buffer` only where an
array written element by element gets a tangent whose shape is not known to be its own.
"""
import numpy as np


def unbroadcast(g, x):
    """Sum `g` down to the shape of `x`, undoing NumPy broadcasting."""
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    g = np.sum(g, axis=tuple(range(np.ndim(g) - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return g if shape else g[()]


def matmul_adjoint_a(g, a, b):
    """The adjoint of `a` in `a @ b` (or `np.dot(a, b)`), for operands of any rank."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    if np.ndim(b) == 1:
        return unbroadcast(np.multiply.outer(g, b) if np.ndim(a) > 1 else g * b, a)
    if np.ndim(a) == 1:
        # a vector times a stack of matrices: each matrix's row of g, summed over the stack
        return unbroadcast((g[..., None, :] @ np.swapaxes(b, -1, -2))[..., 0, :], a)
    return unbroadcast(g @ np.swapaxes(b, -1, -2), a)


def matmul_adjoint_b(g, a, b):
    """The adjoint of `b` in `a @ b` (or `np.dot(a, b)`), for operands of any rank."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(a[:, None] * np.expand_dims(g, -2), b)
    if np.ndim(b) == 1:
        # a stack of matrices times a vector
        return unbroadcast((np.swapaxes(a, -1, -2) @ g[..., None])[..., 0], b)
    return unbroadcast(np.swapaxes(a, -1, -2) @ g, b)


def tangent_buffer(t, y, directions=None):
    """A new array of `y`'s shape (with `directions` in front, in vector mode) holding the
    tangent `t`, which may have fewer axes or share memory with another tangent: an
    element write then updates only this one."""
    shape = np.shape(y) if directions is None else (directions,) + np.shape(y)
    return np.array(np.broadcast_to(t, shape))


HELPERS = {"unbroadcast": unbroadcast, "matmul_adjoint_a": matmul_adjoint_a,
           "matmul_adjoint_b": matmul_adjoint_b, "tangent_buffer": tangent_buffer}
