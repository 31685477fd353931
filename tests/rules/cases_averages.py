"""Rule-table cases of np.average (s2sad/rules/averages.py): without weights (np.mean's
rule), with weights of the operand's shape or a vector along `axis`, differentiated in
the operand, the weights or both, with `keepdims`, in a loop and a helper; and its
refusals.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand


def _weights(*shape):
    return np.random.default_rng(4).uniform(0.5, 2.0, shape)


def _weighted_in_helper(x, w):
    return np.sum(np.average(x * x, 1, w) ** 2)


def check_average(gen):
    for shape in ((4,), (2, 3), (2, 3, 2)):
        x = rand(*shape)
        check_vjp(gen("x", "np.average(x)"), (x,), 0)
        check_vjp(gen("x", "np.average(x, axis=0, keepdims=True)"), (x,), 0)
        w = _weights(*shape)
        for axis in ["None", "0", "-1"]:
            fn = gen("x, w", f"np.average(x, {axis}, w)")
            check_vjp(fn, (x, w), (0, 1))
            check_vjp(fn, (x, w), 1)
            check_vjp(gen("x, w", f"np.average(x, weights=w, axis={axis})"), (x, w), (0, 1))
            check_vjp(gen("x, w", f"np.average(x, {axis}, w, keepdims=True)"), (x, w), (0, 1))
        for axis in range(len(shape)):  # a vector of weights along the axis
            fn = gen("x, w", f"np.average(x, {axis}, w)")
            check_vjp(fn, (x, _weights(shape[axis])), (0, 1))
            check_vjp(gen("x, w", f"np.average(x, {axis}, w, keepdims=True)"),
                      (x, _weights(shape[axis])), (0, 1))
    check_grad(_weighted_in_helper, (rand(2, 3), _weights(3)), (0, 1))
    check_grad(gen("x, w", "sum([np.average(x ** k, 0, w) for k in range(1, 3)])"),
               (rand(4), _weights(4)), (0, 1))


def check_average_refusals(gen):
    for body, message in (
            ("np.average(x, 0, w, True)[0]", "returned=True"),
            ("np.average(x, None, w[0])", "a vector along an int `axis`")):
        with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*" + message):
            s2sad.grad(gen("x, w", f"np.sum({body})"), wrt=(0, 1))(rand(2, 3), _weights(2, 3))


CASES = {"np.average": lambda gen: (check_average(gen), check_average_refusals(gen))}
