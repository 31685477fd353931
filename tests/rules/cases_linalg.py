"""Rule-table cases of the linear-algebra family (s2sad/rules/linalg.py): np.outer,
np.inner, np.vdot, np.tensordot, np.einsum, np.trace and x.trace(), x.dot(y),
np.linalg.norm, np.linalg.inv, np.linalg.solve, np.linalg.det and np.linalg.slogdet.

Each case checks reverse mode against central differences, forward mode (one direction
and the vector-mode Jacobian against the reverse one) and float32 in and out, for
several shapes; the matrix functions on well-conditioned matrices (n * I plus a small
random part), single and stacked.
"""
import numpy as np

from rulecheck import check_grad, check_vjp


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def well(n, *batch, seed=0):
    """A well-conditioned (stack of) n x n matrices: n * I plus a small random part."""
    noise = np.random.default_rng(seed).uniform(-1.0, 1.0, batch + (n, n))
    return n * np.eye(n) + 0.4 * noise


def _both(fn, args):
    """The function of each operand alone and of both together."""
    check_vjp(fn, args, (0, 1))
    check_vjp(fn, args, 0)
    check_vjp(fn, args, 1)


# ---------------------------------------------------------------- products

def check_outer(gen):
    fn = gen("a, b", "np.outer(a, b)")
    for sa, sb in [((3,), (4,)), ((2, 3), (4,)), ((3,), (2, 2)), ((1,), (1,))]:
        _both(fn, (arr(1, *sa), arr(2, *sb)))
    check_grad(gen("a", "np.sum(np.sin(np.outer(a, a)))"), (arr(3, 3),))


def check_inner(gen):
    fn = gen("a, b", "np.inner(a, b)")
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 3), (4, 3)),
                   ((2, 2, 3), (4, 3)), ((3,), (2, 4, 3)), ((2, 2, 3), (2, 4, 3)),
                   ((2, 3), (2, 2, 3))]:
        _both(fn, (arr(1, *sa), arr(2, *sb)))
    _both(fn, (0.7, arr(2, 2, 3)))
    _both(fn, (arr(1, 3), 0.7))
    check_grad(gen("a", "np.inner(a, a)"), (arr(3, 4),))


def check_vdot(gen):
    fn = gen("a, b", "np.vdot(a, b)")
    for sa, sb in [((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (6,)), ((2, 3), (3, 2)),
                   ((2, 1, 2), (4,))]:
        _both(fn, (arr(1, *sa), arr(2, *sb)))
    check_grad(gen("a", "np.vdot(a, np.sin(a))"), (arr(3, 2, 3),))


TENSORDOT = [
    ("2", (2, 3, 4), (3, 4, 5)),
    ("2", (3, 4), (3, 4)),
    ("1", (2, 3), (3, 4)),
    ("1", (3,), (3, 4)),
    ("1", (2, 3), (3,)),
    ("1", (2, 3, 4), (4, 2)),
    ("0", (2,), (3,)),
    ("0", (2, 2), (3,)),
    ("(1, 0)", (2, 3), (3, 4)),
    ("(0, 1)", (3, 2), (4, 3)),
    ("(-1, 0)", (2, 3, 4), (4, 2)),
]


def check_tensordot(gen):
    for axes, sa, sb in TENSORDOT:
        _both(gen("a, b", f"np.tensordot(a, b, axes={axes})"), (arr(1, *sa), arr(2, *sb)))
    _both(gen("a, b", "np.tensordot(a, b)"), (arr(1, 2, 3, 4), arr(2, 3, 4, 2)))
    _both(gen("a, b", "np.tensordot(a, b, 1)"), (arr(1, 2, 3), arr(2, 3, 2)))
    check_grad(gen("a", "np.sum(np.tensordot(a, np.sin(a), axes=1) ** 2)"), (arr(3, 3, 3),))


EINSUM = [
    ("'ij,jk->ik'", [(2, 3), (3, 4)]),
    ("'ij,jk'", [(2, 3), (3, 4)]),
    ("'i,i->'", [(3,), (3,)]),
    ("'i,i'", [(3,), (3,)]),
    ("'i,j->ij'", [(3,), (2,)]),
    ("'ij->ji'", [(2, 3)]),
    ("'ba'", [(2, 3)]),
    ("'ij->i'", [(2, 3)]),
    ("'ij->'", [(2, 3)]),
    ("'ii->i'", [(3, 3)]),
    ("'ii'", [(3, 3)]),
    ("'iij->j'", [(2, 2, 3)]),
    ("'iii->i'", [(2, 2, 2)]),
    ("'ii,j->ij'", [(3, 3), (2,)]),
    ("'bij,bjk->bik'", [(2, 2, 3), (2, 3, 2)]),
    ("'ij,jk,kl->il'", [(2, 3), (3, 2), (2, 4)]),
    ("'ij,ij->ij'", [(2, 3), (2, 3)]),
    ("'ijk,kj->i'", [(2, 3, 4), (4, 3)]),
    ("'ij, jk -> ki'", [(2, 3), (3, 4)]),
    ("'Ab,bA'", [(2, 3), (3, 2)]),
]


def check_einsum(gen):
    for spec, shapes in EINSUM:
        names = "abc"[:len(shapes)]
        fn = gen(", ".join(names), f"np.einsum({spec}, {', '.join(names)})")
        args = tuple(arr(i, *s) for i, s in enumerate(shapes))
        check_vjp(fn, args, tuple(range(len(shapes))))
        if len(shapes) > 1:
            check_vjp(fn, args, len(shapes) - 1)
    # one array in several operand places, and a result used further
    check_grad(gen("a", "np.einsum('ij,ij->', a, a)"), (arr(1, 2, 3),))
    check_grad(gen("a, b", "np.sum(np.sin(np.einsum('ij,jk->ik', a, b)))"),
               (arr(1, 2, 3), arr(2, 3, 2)), (0, 1))


def check_trace(gen, method=False):
    def call(args=""):
        return f"a.trace({args})" if method else f"np.trace(a{', ' + args if args else ''})"
    for shape in ((3, 3), (2, 4), (4, 2), (3, 3, 2), (2, 3, 2, 2)):
        check_vjp(gen("a", call()), (arr(1, *shape),), 0)
        check_vjp(gen("a", call("1")), (arr(1, *shape),), 0)
        check_vjp(gen("a", call("offset=-1")), (arr(1, *shape),), 0)
    for shape in ((3, 2, 3), (2, 3, 3, 2)):
        check_vjp(gen("a", call("axis1=0, axis2=2")), (arr(1, *shape),), 0)
        check_vjp(gen("a", call("0, -1, 0")), (arr(1, *shape),), 0)
        check_vjp(gen("a", call("1, 2, 0")), (arr(1, *shape),), 0)
    check_vjp(gen("a", call("axis1=1, axis2=0")), (arr(1, 2, 3),), 0)
    check_grad(gen("a", f"{call()} * np.sum(a * a)"), (arr(2, 3, 3),))


def check_dot_method(gen):
    fn = gen("a, b", "a.dot(b)")
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                   ((2, 3, 4), (4,))]:
        _both(fn, (arr(1, *sa), arr(2, *sb)))
    _both(fn, (arr(1, 3), 0.7))
    check_grad(gen("a", "np.sum(np.sin(a.dot(a.T)))"), (arr(3, 2, 3),))


# ---------------------------------------------------------------- norms

NORM_CALLS = {
    (4,): ["np.linalg.norm(x)", "np.linalg.norm(x, 2)", "np.linalg.norm(x, 1)",
           "np.linalg.norm(x, ord=3)", "np.linalg.norm(x, 1.5)", "np.linalg.norm(x, ord=0)",
           "np.linalg.norm(x, 1e999)", "np.linalg.norm(x, -1e999)",
           "np.linalg.norm(x, keepdims=True)", "np.linalg.norm(x, 1, keepdims=True)",
           "np.linalg.norm(x, axis=0)", "np.linalg.norm(x, 3, 0, True)",
           "np.linalg.norm(x, 1e999, axis=-1, keepdims=True)"],
    (2, 3): ["np.linalg.norm(x)", "np.linalg.norm(x, 'fro')", "np.linalg.norm(x, None)",
             "np.linalg.norm(x, keepdims=True)", "np.linalg.norm(x, axis=(0, 1))",
             "np.linalg.norm(x, 'fro', axis=(1, 0), keepdims=True)"]
    + [f"np.linalg.norm(x, {ord}, axis={axis}{keep})"
       for ord in ("None", "2", "1", "1e999", "-1e999", "3", "0")
       for axis in ("0", "1", "-1", "(1,)") for keep in ("", ", keepdims=True")],
    (2, 3, 2): ["np.linalg.norm(x)", "np.linalg.norm(x, keepdims=True)",
                "np.linalg.norm(x, axis=1)", "np.linalg.norm(x, 1, axis=-1)",
                "np.linalg.norm(x, 1e999, axis=0, keepdims=True)",
                "np.linalg.norm(x, -1e999, axis=2)",
                "np.linalg.norm(x, axis=(0, 2))",
                "np.linalg.norm(x, 'fro', axis=(2, 1), keepdims=True)",
                "np.linalg.norm(x, axis=(-1, -2))"],
}


def check_norm(gen):
    for shape, calls in NORM_CALLS.items():
        x = arr(4, *shape)
        for text in calls:
            check_vjp(gen("x", text), (x,), 0)
    check_grad(gen("x", "np.sum(np.sin(np.linalg.norm(x, axis=1)) * np.linalg.norm(x))"),
               (arr(5, 3, 4),))


# ---------------------------------------------------------------- inv, solve, det, slogdet

def check_inv(gen):
    fn = gen("a", "np.linalg.inv(a)")
    for shape in ((1,), (2,), (3,), (3, 2), (2, 1, 3)):
        check_vjp(fn, (well(shape[-1], *shape[:-1]),), 0)
    check_grad(gen("a", "np.sum(np.sin(np.linalg.inv(a @ a)))"), (well(3),))


# b read as vectors for a stack of matrices: NumPy 2 one vector for all (b with one
# axis) and a matrix for b with one axis less than A; NumPy 1 a stack of vectors then
STACKED_VECTORS = [(3, (3,), (2,)), (2, (2,), (2, 3)), (3, (3, 2), (2,))] \
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else [(3, (2, 3), (2,)),
                                                           (2, (1, 2), (3,))]


def check_solve(gen):
    fn = gen("a, b", "np.linalg.solve(a, b)")
    for n, b_shape, batch in [(3, (3,), ()), (1, (1,), ()), (3, (3, 2), ()), (2, (2, 2), ()),
                              (3, (2, 3, 2), (2,)), (2, (2, 1, 2, 1), (2, 2)),
                              (3, (1, 3, 2), (2,)), (2, (2, 2, 3), ())] + STACKED_VECTORS:
        _both(fn, (well(n, *batch), arr(7, *b_shape)))
    check_grad(gen("a, b", "np.sum(np.linalg.solve(a, b) ** 2)"), (well(3), arr(7, 3)),
               (0, 1))


def check_det(gen):
    fn = gen("a", "np.linalg.det(a)")
    for n in (1, 2, 3, 4):
        check_grad(fn, (well(n),))
    check_vjp(fn, (well(3, 2),), 0)
    check_vjp(fn, (well(2, 2, 3),), 0)
    check_grad(gen("a", "np.linalg.det(a) * np.sum(a)"), (well(3),))
    # negative determinant
    check_grad(fn, (well(3)[::-1].copy(),))


def check_slogdet(gen):
    check_grad(gen("a", "np.linalg.slogdet(a)[1]"), (well(3),))
    check_grad(gen("a", "np.linalg.slogdet(a)[1]"), (well(1),))
    check_grad(gen("a", "np.linalg.slogdet(a)[1]"), (well(3)[::-1].copy(),))
    check_vjp(gen("a", "np.linalg.slogdet(a)[1]"), (well(3, 2),), 0)
    check_vjp(gen("a", "np.linalg.slogdet(a)[1]"), (well(2, 2, 3),), 0)


CASES = {
    "np.outer": check_outer,
    "np.inner": check_inner,
    "np.vdot": check_vdot,
    "np.tensordot": check_tensordot,
    "np.einsum": check_einsum,
    "np.trace": check_trace,
    ".trace()": lambda gen: check_trace(gen, method=True),
    ".dot()": check_dot_method,
    "np.linalg.norm": check_norm,
    "np.linalg.inv": check_inv,
    "np.linalg.solve": check_solve,
    "np.linalg.det": check_det,
    "np.linalg.slogdet[1]": check_slogdet,
}

# primitive key -> (parameters, body, arguments, wrt, expected gradient or None: numeric)
NONDIFF = {
    "np.linalg.slogdet[0]": ("a", "np.linalg.slogdet(a)[0] * np.sum(a)",
                             (well(3)[::-1].copy(),), 0, None),
}
