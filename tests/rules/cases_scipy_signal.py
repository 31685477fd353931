"""Rule-table cases of scipy.signal.convolve (s2sad/rules/scipy_signal.py): each mode, 1-d,
2-d and 3-d operands, either one larger, each operand alone and both, each `method`,
in both modes and vector mode against central differences."""
import numpy as np

from rulecheck import check_grad, check_vjp


def arr(seed, *shape):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


SHAPES = {
    "full": [((4,), (2,)), ((3,), (5,)), ((4, 3), (2, 2)), ((2, 3), (4, 1)),
             ((3, 2, 2), (2, 2, 3))],
    "valid": [((5,), (3,)), ((3,), (6,)), ((5, 4), (2, 3)), ((2, 2), (4, 3)),
              ((3, 3, 2), (2, 2, 2))],
    "same": [((6,), (3,)), ((4,), (4,)), ((3,), (5,)), ((5, 4), (2, 3)), ((3, 2), (4, 4)),
             ((3, 3, 2), (2, 3, 2))],
}


def check_convolve(gen):
    for mode, pairs in SHAPES.items():
        fn = gen("a, b", f"scipy.signal.convolve(a, b, mode={mode!r})")
        for sa, sb in pairs:
            args = (arr(1, *sa), arr(2, *sb))
            check_vjp(fn, args, (0, 1))
            check_vjp(fn, args, 0)
            check_vjp(fn, args, 1)
    for method in ("direct", "fft", "auto"):
        fn = gen("a, b", f"scipy.signal.convolve(a, b, 'valid', method={method!r})")
        check_vjp(fn, (arr(3, 6, 5), arr(4, 3, 2)), (0, 1))
    check_vjp(gen("a, b", "scipy.signal.convolve(a, b)"), (arr(5, 5), arr(6, 3)), (0, 1))
    check_grad(gen("a", "np.sum(np.sin(scipy.signal.convolve(a, a, 'same')))"), (arr(7, 4, 3),))


CASES = {"scipy.signal.convolve": check_convolve}
