"""Arithmetic on parameter structures, leaf by leaf: the zero gradient, sums, dot
products, and a function mapped over the leaves of several structures at once.

Gradients and tangents of a structured argument have the argument's structure (trees.py),
with None where the argument holds a constant (an int, a string): here None is the
absence of a derivative, so it adds as nothing and contributes nothing to a dot product.

>>> add({"w": 1.0, "n": None}, {"w": 0.5, "n": None})
{'w': 1.5, 'n': None}
>>> vdot([1.0, np.array([1.0, 2.0])], [2.0, np.array([3.0, 4.0])])
13.0
"""
import numpy as np

from ..ir.trees import check_same, differentiable, flatten, rebuild


def zeros_like(tree):
    """The zero gradient or tangent of `tree`: 0.0 for a float, a zero of the same type
    for a NumPy floating scalar, zeros of the same shape and dtype for a float array,
    None for a constant leaf."""
    leaves, _ = flatten(tree)
    return rebuild(tree, [_zero(leaf) for leaf in leaves])


def _zero(leaf):
    if not differentiable(leaf):
        return None
    if isinstance(leaf, np.ndarray):
        return np.zeros(leaf.shape, leaf.dtype)
    return leaf.dtype.type(0) if isinstance(leaf, np.generic) else 0.0


def map_leaves(f, tree, *others):
    """`f` applied to the leaves at the same place in `tree` and each of `others`,
    rebuilt in the structure of `tree`; `s2sad.ArgumentError` if another's structure
    differs."""
    flat = [flatten(tree)] + [flatten(other) for other in others]
    for i, (_, shape) in enumerate(flat[1:], 1):
        if shape != flat[0][1]:
            check_same(tree, others[i - 1], "the first tree", f"tree {i}")
    return rebuild(tree, [f(*leaves) for leaves in zip(*(leaves for leaves, _ in flat))])


def add(a, b):
    """The leafwise sum of two gradients or tangents of one structure."""
    return map_leaves(lambda x, y: x if y is None else y if x is None else x + y, a, b)


def vdot(a, b):
    """The dot product of two gradients or tangents of one structure, as a float: the sum
    over leaves of the sums of their elementwise products, in float64. The dot-product
    test <J t, c> = <t, J^T c> compares two of them."""
    (leaves_a, shape), (leaves_b, other) = flatten(a), flatten(b)
    if shape != other:
        check_same(a, b, "the first tree", "the second tree")
    return float(sum(np.vdot(np.asarray(x, np.float64), np.asarray(y, np.float64))
                     for x, y in zip(leaves_a, leaves_b) if x is not None and y is not None))
