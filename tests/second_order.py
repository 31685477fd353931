"""References for second derivatives, independent of s2sad: Hessians by second differences
of the function's values, by central differences of a gradient function, and exactly from
nested dual numbers (tests/nested_dual.py).

Every reference gives s2sad's layout (JAX's): for one position, a float argument's Hessian
is a float and an array's has shape `x.shape + x.shape`; for a tuple of positions, a tuple
of tuples of blocks `H[i][j]` of shape `args[i].shape + args[j].shape`. An argument that is
a structure of parameters (dict, list, namedtuple, dataclass) gives, as in JAX, its
structure holding at each leaf the structure of the blocks with every leaf. Hessian-vector
products are shaped like the arguments, a tuple for a tuple of positions.

Differences take a step `h` and `h / 2` and combine them as `(4 D(h/2) - D(h)) / 3`, which
cancels the `h^2` term of the error (Richardson); what is left is `O(h^4)` truncation plus
rounding of order `eps |f| / h^2`, about 1e-9 relative at the default step.

>>> import math
>>> def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
>>> dual_hessian(f, (2.0, 5.0), (0, 1))
((-0.25, 1.0), (1.0, -0.9589242746631385))
"""
import numpy as np
from programs.realistic.reference import leaves, map_leaves

import nested_dual

STEP = 1e-3


def _positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


class Variables:
    """The differentiated arguments' numbers as one float64 vector `z`, and the way back
    from vectors and matrices over `z` to the layout of arguments and Hessians."""

    def __init__(self, args, wrt):
        self.args, self.wrt = tuple(args), wrt
        self.positions = _positions(wrt)
        self.leaves = [(p, leaf) for p in self.positions for _, leaf in leaves(args[p])]
        sizes = [int(np.size(leaf)) for _, leaf in self.leaves]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.n = int(self.offsets[-1])

    def point(self):
        return self.flatten(tuple(self.args[p] for p in self.positions))

    def flatten(self, per_position):
        """One float64 vector from values laid out like the arguments (one per position)."""
        parts = [np.ravel(np.asarray(leaf, dtype=np.float64))
                 for value in per_position for _, leaf in leaves(value)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _piece(self, k, vector):
        """Leaf `k`'s part of `vector`: a float for a float leaf, else an array its shape."""
        leaf = self.leaves[k][1]
        part = vector[self.offsets[k]:self.offsets[k + 1]]
        return part.reshape(np.shape(leaf)) if isinstance(leaf, np.ndarray) else float(part[0])

    def _per_leaf(self, p, make):
        """Argument `p` with leaf `k` replaced by `make(k)`."""
        first = next(k for k, (q, _) in enumerate(self.leaves) if q == p)
        count = iter(range(first, len(self.leaves)))
        return map_leaves(lambda leaf: make(next(count)), self.args[p])

    def arguments(self, make):
        """The arguments, each differentiated leaf `k` replaced by `make(k)`."""
        out = list(self.args)
        for p in self.positions:
            out[p] = self._per_leaf(p, make)
        return out

    def at(self, z):
        return self.arguments(lambda k: self._piece(k, z))

    def shaped(self, vector):
        """A vector over `z` laid out like the arguments (a tuple for a tuple `wrt`)."""
        out = tuple(self._per_leaf(p, lambda k: self._piece(k, vector))
                    for p in self.positions)
        return out if isinstance(self.wrt, tuple) else out[0]

    def blocks(self, H):
        """An n x n matrix over `z` in the Hessian layout."""
        def block(k, m):
            rows = slice(self.offsets[k], self.offsets[k + 1])
            cols = slice(self.offsets[m], self.offsets[m + 1])
            a, b = self.leaves[k][1], self.leaves[m][1]
            if not isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
                return float(H[rows, cols][0, 0])
            return np.array(H[rows, cols]).reshape(np.shape(a) + np.shape(b))
        out = tuple(tuple(self._per_leaf(p, lambda k: self._per_leaf(q, lambda m: block(k, m)))
                          for q in self.positions) for p in self.positions)
        return out if isinstance(self.wrt, tuple) else out[0][0]

    def scalar(self, f):
        """`z -> f(*args at z)` as a float."""
        return lambda z: float(f(*self.at(z)))

    def steps(self, z, step):
        """A step per number, relative to its size, exactly representable at `z`."""
        h = step * np.maximum(1.0, np.abs(z))
        return (z + h) - z


def _richardson(differences, h):
    return (4.0 * differences(h / 2.0) - differences(h)) / 3.0


def _second_differences(g, z, h):
    """The Hessian of `g` at `z` by second differences with steps `h`: `O(h^2)` error."""
    n, f0 = len(z), g(z)
    H = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h[i]
        H[i, i] = (g(z + e) - 2.0 * f0 + g(z - e)) / (h[i] * h[i])
        for j in range(i):
            d = np.zeros(n)
            d[j] = h[j]
            H[i, j] = H[j, i] = (g(z + e + d) - g(z + e - d) - g(z - e + d) + g(z - e - d)) \
                / (4.0 * h[i] * h[j])
    return H


def numeric_hessian(f, args, wrt=0, step=STEP):
    """The Hessian of scalar `f` at `args` by second differences of its values, with
    Richardson extrapolation: `8 n^2` calls of `f` for `n` numbers (`f` is assumed twice
    differentiable, so the lower triangle is mirrored)."""
    v = Variables(args, wrt)
    z = v.point()
    h = v.steps(z, step)
    return v.blocks(_richardson(lambda s: _second_differences(v.scalar(f), z, s), h))


def _gradient_differences(gradient, v, z, h):
    n = len(z)
    H = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h[j]
        plus = v.flatten(_per_position(v, gradient(*v.at(z + e))))
        minus = v.flatten(_per_position(v, gradient(*v.at(z - e))))
        H[:, j] = (plus - minus) / (2.0 * h[j])
    return H


def _per_position(v, value):
    return value if isinstance(v.wrt, tuple) else (value,)


def numeric_hessian_of_gradient(gradient, args, wrt=0, step=STEP):
    """The Hessian by central differences of a gradient function (`gradient(*args)` laid
    out as `s2sad.grad` gives it), with Richardson extrapolation: `4 n` gradient calls,
    rounding of order `eps |g| / h` only. Column `j` is the change of the gradient as
    number `j` moves, so an asymmetric `gradient` gives an asymmetric matrix."""
    v = Variables(args, wrt)
    z = v.point()
    h = v.steps(z, step)
    return v.blocks(_richardson(lambda s: _gradient_differences(gradient, v, z, s), h))


def numeric_hvp(f, args, wrt, direction, gradient=None, step=STEP):
    """`H . direction` (laid out like the arguments): the numeric Hessian of `f` times the
    direction, or, given a gradient function, its central difference along the direction
    with Richardson extrapolation (`4` gradient calls)."""
    v = Variables(args, wrt)
    d = v.flatten(_per_position(v, direction))
    if gradient is None:
        z = v.point()
        H = _richardson(lambda s: _second_differences(v.scalar(f), z, s), v.steps(z, step))
        return v.shaped(H @ d)
    z = v.point()
    scale = step * max(1.0, float(np.max(np.abs(z), initial=0.0)))
    h = scale / max(1.0, float(np.max(np.abs(d), initial=0.0)))

    def along(s):
        plus = v.flatten(_per_position(v, gradient(*v.at(z + s * d))))
        minus = v.flatten(_per_position(v, gradient(*v.at(z - s * d))))
        return (plus - minus) / (2.0 * s)
    return v.shaped(_richardson(along, h))


# ---------------------------------------------------------------- exact, nested duals

def _seeds(v, inner, outer):
    """The arguments with leaf `k` seeded along the vectors `inner` and `outer` over `z`."""
    def make(k):
        leaf = v.leaves[k][1]
        if isinstance(leaf, np.ndarray):
            return nested_dual.seeded(np.asarray(leaf, dtype=np.float64),
                                      v._piece(k, inner), v._piece(k, outer))
        return nested_dual.seeded(float(leaf), v._piece(k, inner), v._piece(k, outer))
    return v.arguments(make)


def dual_second(f, args, wrt, v_direction, u_direction):
    """`u^T H v` exactly, from one evaluation of `f` on nested dual numbers; the
    directions are laid out like the arguments (a tuple for a tuple `wrt`)."""
    v = Variables(args, wrt)
    inner = v.flatten(_per_position(v, v_direction))
    outer = v.flatten(_per_position(v, u_direction))
    return nested_dual.parts_at(f, _seeds(v, inner, outer))[3]


def dual_hessian(f, args, wrt=0):
    """The Hessian exactly, entry by entry: `n^2` evaluations on nested dual numbers
    (symmetry is not assumed, so the reference says nothing it did not compute)."""
    v = Variables(args, wrt)
    eye = np.eye(v.n)
    H = np.array([[nested_dual.parts_at(f, _seeds(v, eye[j], eye[i]))[3] for j in range(v.n)]
                  for i in range(v.n)])
    return v.blocks(H.reshape(v.n, v.n))


def dual_hvp(f, args, wrt, direction):
    """`H . direction` exactly: `n` nested evaluations, outer seed along each number."""
    v = Variables(args, wrt)
    d = v.flatten(_per_position(v, direction))
    eye = np.eye(v.n)
    return v.shaped(np.array([nested_dual.parts_at(f, _seeds(v, d, eye[i]))[3]
                              for i in range(v.n)]))
