"""Lengths and axes held in a closure or at module level are constants where a rule needs
one (`np.fft.fft2(x, s=s, axes=axes)` inside a function that closes over `s` and `axes`,
autograd's test_fft), and so is int arithmetic on them (`np.fft.fft(x, D + n)`); checked
in both modes against central differences, in a loop and a helper, and after the module
rebinds the constant.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, check_vjp, rand

AXES = (0, 1)
LENGTHS = [3, 4]


def _closing(fft, s, axes):
    def fun(x):
        return np.real(fft(x, s=s, axes=axes)) + np.imag(fft(x * x, s=s, axes=axes))
    return fun


@pytest.mark.parametrize("fft", [np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn])
@pytest.mark.parametrize("s, axes", [((3, 5), (0, 1)), ([4, 2], [1, 0]), ((4,), (-1,))])
def test_closed_over_lengths_and_axes(fft, s, axes):
    check_vjp(_closing(fft, s, axes), (rand(4, 4),), 0)


def _length(D, n):
    def fun(x):
        return np.abs(np.fft.fft(x, D + n)) ** 2
    return fun


@pytest.mark.parametrize("n", [-2, 2])
def test_closed_over_int_arithmetic(n):
    check_vjp(_length(5, n), (rand(5),), 0)


def module_level(x):
    total = 0.0
    for k in range(2):
        total = total + np.sum(np.real(np.fft.rfftn(x * k + x, s=LENGTHS, axes=AXES)) ** 2)
    return total + _helper(x)


def _helper(x):
    return np.sum(np.abs(np.fft.fft2(np.sin(x), axes=AXES)))


def test_module_level_lengths_in_loop_and_helper():
    check_grad(module_level, (rand(4, 4),))


def test_rebinding_the_module_constant_is_followed():
    global LENGTHS
    x = rand(4, 4)
    first = s2sad.grad(module_level)(x)
    try:
        LENGTHS = [2, 3]
        check_grad(module_level, (x,))
        assert not np.allclose(s2sad.grad(module_level)(x), first)
    finally:
        LENGTHS = [3, 4]
