"""Complex numbers through both modes, against central differences in autograd's
convention: the gradient of a real f with respect to z = x + iy is df/dx - i df/dy (so
the gradient of |z|² at 3+4j is 6-8j), and a real argument's gradient is real.

Each program is checked in reverse mode (grad against `complex_grad`) and forward mode
(the jvp along a random complex direction against the central difference along it);
the refusals name the file, the line and the function, and say what to write instead.
"""
import inspect

import numpy as np
import pytest

import s2sad
from complexcheck import RNG, check_both_modes, close as _close, crand, direction
from s2sad.errors import ArgumentError, UnsupportedError, UsageError
from util import assert_close

# ---------------------------------------------------------------- the examples

def squared_modulus(z):
    return abs(z) ** 2


def squared_np_abs(z):
    return np.abs(z) ** 2


def power_spectrum(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2)


def test_the_gradient_of_the_squared_modulus_is_twice_the_conjugate():
    """autograd's and JAX's convention; PyTorch's is its conjugate, 6+8j."""
    for f in (squared_modulus, squared_np_abs):
        assert s2sad.grad(f)(3 + 4j) == 6 - 8j
        assert type(s2sad.grad(f)(3 + 4j)) is complex
        _close(s2sad.grad(f)(np.complex128(3 + 4j)), 6 - 8j)


def test_the_power_spectrum_of_a_real_signal_has_a_real_gradient():
    x = RNG.normal(size=8)
    got = s2sad.grad(power_spectrum)(x)
    assert got.dtype == np.float64
    _close(got, 2 * len(x) * x)  # Parseval: sum |fft(x)|² = n sum x²
    check_both_modes(power_spectrum, (x,))


# ---------------------------------------------------------------- programs

def holomorphic(z):
    return np.sum(np.real(z * z * np.exp(z) + np.sin(z) / (z + 2.0) - z ** 3))


def holomorphic_functions(z):
    w = np.sqrt(z) + np.log(z) + np.cos(z) * np.tanh(z) + np.square(z) + np.reciprocal(z)
    return np.sum(np.imag(w + np.expm1(z) + np.log1p(z) + np.sinh(z) * np.cosh(z) + np.tan(z)))


def inverse_functions(z):
    w = np.arcsin(z) + np.arccos(z) * np.arctanh(z) + np.arccosh(z - 2.0) * np.arcsinh(z)
    return np.sum(np.real(w + np.exp2(z) * np.sinc(z)) + np.abs(np.arctan(z)) ** 2)


def products(z, n):
    w = np.ones(z.shape[1], complex)
    for i in range(n):
        w = w * np.prod(z, axis=0) + z.prod() * np.cumprod(z[i % 2])
    return np.sum(np.abs(w) ** 2)


def spreads(z, n):
    total = 0.0
    for i in range(n):
        total = total + np.var(z[i % 2]) * np.std(z, axis=0, ddof=1).sum() + z.var()
    return total


def parts(z):
    return np.sum(np.real(z) ** 2 * np.imag(z) + z.real * 3.0 - z.imag + np.angle(z))


def conjugates(z):
    return np.sum(np.real(np.conj(z) * z.conjugate() * (1.0 + 2.0j) + np.conjugate(z) * 1j))


def mixed(x, z):
    w = x * z + (x + 2.0j * x) - 1j * x
    return np.sum(np.abs(w) ** 2 + x * np.real(z))


def built(x, y):
    w = complex(x, y * x) * complex(y)
    return abs(w * w) + w.imag


def complex_state(z, n):
    s = 0.0
    for _ in range(n):
        s = s * z + 1j
    return np.abs(s) ** 2


def step(w, z):
    return w * z + 0.5j * w


def with_helper(z, n):
    w = 1.0 + 0.0j
    for _ in range(n):
        w = step(w, z)
        if np.abs(w) > 2.0:
            w = w / 2.0
    return np.real(w * np.conj(w)) + np.imag(w)


def arrays(z, x):
    a = z.reshape(2, 3) @ x.reshape(3, 2) + np.sum(z) * 1j
    b = np.concatenate([z, np.conj(z[::-1])]) * np.mean(z)
    c = np.stack([z, x * 1j]).T
    return np.sum(np.abs(a) ** 2) + np.real(np.sum(b * b)) + np.sum(np.imag(np.cumsum(c)))


def einsum_and_where(z, x):
    w = np.einsum("i,i->", z, x + 1j) + np.where(x > 0, z, 2 * z).sum()
    return np.abs(w) + np.sum(np.abs(z.T))


def rows(z):
    total = 0.0
    for i in range(z.shape[0]):
        total = total + np.sum(z[i] * z[i]) * 1j
    return np.abs(total)


def element_writes(x, z):
    out = np.zeros(3, complex)
    for i in range(3):
        out[i] = x[i] * z[i] + 1j * x[i]
    return np.sum(np.abs(out) ** 2)


def lists(z):
    values = []
    for i in range(3):
        values.append(z[i] * (i + 1j))
    return np.abs(sum(values))


COMPLEX = np.array([1.0 + 2.0j, 3.0])


def complex_dot(x):
    return np.real(np.dot(COMPLEX, x) * (COMPLEX @ x))


def complex_literal(x):
    return (x * (1.0 + 1.0j)).real ** 2


def complex_argument(x, c):
    return np.sum(np.real(c * x) + np.abs(np.sum(COMPLEX) * x))


PROGRAMS = [
    (complex_dot, (RNG.normal(size=2),), 0),
    (complex_literal, (0.8,), 0),
    (complex_argument, (RNG.normal(size=2), np.array([1.0j, 2.0])), (0, 1)),
    (complex_argument, (RNG.normal(size=2), 2.0j), (0, 1)),
    (holomorphic, (0.3 + 0.4j,), 0),
    (holomorphic, (crand(3),), 0),
    (holomorphic_functions, (0.6 + 0.3j,), 0),
    (holomorphic_functions, (0.5 + crand(4) / 4,), 0),
    (inverse_functions, (0.4 - 0.3j,), 0),
    (inverse_functions, (crand(4) / 2,), 0),
    (products, (crand(2, 3) / 2 + 0.5, 3), 0),
    (spreads, (crand(2, 3), 3), 0),
    (parts, (1.5 - 0.5j,), 0),
    (parts, (crand(3),), 0),
    (conjugates, (crand(4),), 0),
    (conjugates, (0.5 - 1.5j,), 0),
    (mixed, (0.7, 1.0 - 2.0j), (0, 1)),
    (built, (0.7, -1.3), (0, 1)),
    (mixed, (RNG.normal(size=3), crand(3)), (0, 1)),
    (complex_state, (0.5 + 0.2j, 4), 0),
    (with_helper, (0.9 + 0.6j, 5), 0),
    (arrays, (crand(6), RNG.normal(size=6)), (0, 1)),
    (einsum_and_where, (crand(3), RNG.normal(size=3)), (0, 1)),
    (rows, (crand(3, 2),), 0),
    (element_writes, (RNG.normal(size=3), crand(3)), (0, 1)),
    (lists, (crand(3),), 0),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS,
                         ids=[f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(PROGRAMS)])
def test_program(f, args, wrt):
    check_both_modes(f, args, wrt)


def test_a_holomorphic_functions_derivative_through_vjp_and_jvp():
    """A complex-valued result: vjp with cotangent 1 and jvp with tangent 1 both give
    h'(z) (no conjugate anywhere)."""
    def h(z):
        return z * np.exp(z)
    z = 0.4 - 0.3j
    derivative = np.exp(z) * (1 + z)
    _close(s2sad.vjp(h)(z, 1.0)[1], derivative)
    _close(s2sad.jvp(h)(z, 1.0)[1], derivative)
    _close(s2sad.jvp(h)(z, 1j)[1], 1j * derivative)
    zs = crand(3)
    _close(s2sad.jvp(h)(zs, np.ones(3, complex))[1], np.exp(zs) * (1 + zs))


def largest(z):
    return np.abs(np.max(z)) ** 2 + np.imag(np.min(z, axis=0)).sum()


def test_extrema_order_complex_values_as_numpy_does():
    """Lexicographically, the real part first: the derivative goes to the element picked,
    on a tie to the first, unchanged (no conjugate)."""
    z = np.array([[1.0 + 2.0j, 1.0 + 3.0j], [1.0 + 3.0j, -2.0 + 0.0j]])
    want = np.zeros_like(z)
    want[0, 1] = 2 * np.conj(z[0, 1])  # the max: the first of the two equal ones
    want[1, 1] += -1j  # the min of the second column
    want[0, 0] += -1j  # the min of the first column: 1 + 2j < 1 + 3j
    _close(s2sad.grad(largest)(z), want)
    check_both_modes(largest, (crand(3, 2),))


def test_modulus_at_zero_has_gradient_zero():
    """|z| has no derivative at 0; the policy gives 0 (a subgradient), in both modes."""
    assert s2sad.grad(squared_np_abs)(0j) == 0
    assert s2sad.jvp(squared_np_abs)(0j, 1.0 + 1.0j)[1] == 0

    def modulus(z):
        return np.sum(np.abs(z) + np.angle(z))
    z = np.array([0j, 1.0 + 1.0j])
    got = s2sad.grad(modulus)(z)
    assert got[0] == 0 and np.isfinite(got).all()
    assert np.isfinite(s2sad.jvp(modulus)(z, np.ones(2, complex))[1])


def norms(z):
    matrix = z[:, None] * z[::-1]
    return np.linalg.norm(z) + np.linalg.norm(z, 1) + np.linalg.norm(matrix, "nuc")


def test_norms_of_a_zero_complex_vector_have_gradient_zero():
    z = np.zeros(3, complex)
    got = s2sad.grad(norms)(z)
    assert got.dtype == complex and not got.any()
    assert s2sad.jvp(norms)(z, np.ones(3, complex))[1] == 0
    check_both_modes(norms, (crand(3),))


def test_single_precision_is_kept():
    z = crand(4).astype(np.complex64)
    x = RNG.normal(size=4).astype(np.float32)
    gz, gx = s2sad.grad(mixed, wrt=(0, 1))(x, z)
    assert gz.dtype == np.float32 and gx.dtype == np.complex64
    value, dot = s2sad.jvp(holomorphic, wrt=0)(z, np.ones(4, np.complex64))
    assert np.asarray(dot).dtype == np.asarray(value).dtype


def test_vector_mode_tangents_of_complex_values():
    """Several directions at once carry complex tangents (jacobian of a real function of
    real arguments through complex intermediates, forward against reverse)."""
    x = RNG.normal(size=5)
    forward = s2sad.jacobian(power_spectrum, mode="forward")(x)
    reverse = s2sad.jacobian(power_spectrum, mode="reverse")(x)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)

    def spectrum(x):
        return np.abs(np.fft.fft(x * (1.0 + 0.5j))) ** 2
    forward = s2sad.jacobian(spectrum, mode="forward")(x)
    reverse = s2sad.jacobian(spectrum, mode="reverse")(x)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- refusals

def maximum(z):
    return np.sum(np.maximum(z, 0.0).real)  # HERE


def sign(z):
    return np.sum(np.abs(np.sign(z)))  # HERE


def vdot(z):
    return np.real(np.vdot(z, z))  # HERE


def singular_values(z):
    return np.sum(np.linalg.svd(z[:, None] * z, compute_uv=False))  # HERE


def ordered(z):
    return np.sum(np.where(z > 0, z, 0.0).imag)  # HERE


def rfft_of_complex(z):
    return np.sum(np.abs(np.fft.rfft(z)))  # HERE


def repeated_axes(z):
    return np.sum(np.abs(np.fft.fftn(z, axes=(0, 0))))  # HERE


def angle_in_degrees(z):
    return np.sum(np.angle(z, True))  # HERE


def computed_length(z, n):
    return np.sum(np.abs(np.fft.fft(z, n=n)))  # HERE


def computed_norm(z, norm):
    return np.sum(np.abs(np.fft.ifft(z, 6, -1, norm)))  # HERE


def marked(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if "# HERE" in line)


@pytest.mark.parametrize("f, name", [
    (maximum, "np.maximum"), (sign, "np.sign"), (vdot, "np.vdot"), (ordered, "a > b"),
    (singular_values, "np.linalg.svd"),
])
def test_a_rule_not_declared_exact_for_complex_values_is_refused(f, name):
    z = crand(3)
    for call in (lambda: s2sad.grad(f)(z), lambda: s2sad.jvp(f)(z, np.ones(3, complex))):
        with pytest.raises(UnsupportedError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(f"{__file__}:{marked(f)}:"), message
        assert f"`{name}` is not supported for complex values" in message
        assert "np.real(z)" in message


@pytest.mark.parametrize("f, args, words", [
    (rfft_of_complex, (crand(4),), "use `np.fft.fft` for complex values"),
    (repeated_axes, (crand(3, 3),), "axis listed twice"),
    (angle_in_degrees, (crand(4),), "with one argument"),
    (computed_length, (crand(4), 6), "a computed `n=`"),
    (computed_norm, (crand(4), "ortho"), "a computed `norm=`"),
])
def test_what_the_fft_and_angle_rules_refuse(f, args, words):
    with pytest.raises(UnsupportedError, match=words) as caught:
        s2sad.grad(f)(*args)
    assert str(caught.value).startswith(f"{__file__}:{marked(f)}:")


def test_grad_and_jacobian_of_a_complex_result_are_refused():
    def h(z):
        return z * z
    def rotated(x):
        return x * 1j
    for call in (lambda: s2sad.grad(h)(1.0 + 1.0j), lambda: s2sad.jacobian(rotated)(1.0),
                 lambda: s2sad.value_and_grad(h)(1.0 + 1.0j)):
        with pytest.raises(UsageError, match=r"real result.*np\.real\(w\)") as caught:
            call()
        assert str(caught.value).startswith(f"{__file__}:")
    for derivative in (s2sad.jacobian, s2sad.hessian):
        with pytest.raises(ArgumentError, match="jacobian and hessian take real arguments"):
            derivative(squared_np_abs)(1.0 + 1.0j)


def test_check_grads_says_how_to_check_a_complex_argument():
    with pytest.raises(UsageError, match=r"f\(x \+ 1j \* y\)"):
        s2sad.check_grads(squared_np_abs, (1.0 + 1.0j,))
    s2sad.check_grads(of_parts, (1.0, 2.0), wrt=(0, 1))


def of_parts(x, y):
    return squared_np_abs(x + 1j * y)


def test_a_complex_tangent_of_a_real_argument_is_refused():
    with pytest.raises(UsageError, match="real axis"):
        s2sad.jvp(power_spectrum)(RNG.normal(size=3), np.ones(3) * 1j)


def rational_modulus(z):
    return np.sum(np.abs(np.sin(z) * z) ** 2 + np.real(z ** 3))


@pytest.mark.parametrize("f, z, more", [
    (squared_modulus, 0.3 + 0.4j, ()),
    (rational_modulus, np.array([0.3 + 0.5j, -0.7 + 0.2j]), ()),
    (holomorphic, np.array([0.3 + 0.5j, -0.7 + 0.2j]), ()),
    (complex_state, 0.5 + 0.2j, (4,)),
    (products, crand(2, 3) / 2 + 0.5, (2,)),
])
def test_second_derivatives_of_complex_code(f, z, more):
    """hvp and the jvp of grad: the tangent of the gradient map z -> z_bar, against the
    central difference of the gradient (through a loop's stack too)."""
    v = direction(z)
    gradient = s2sad.grad(f)
    want = (gradient(z + 1e-6 * v, *more) - gradient(z - 1e-6 * v, *more)) / 2e-6
    _close(s2sad.hvp(f)(z, *more, v), want)
    _close(s2sad.jvp(gradient)(z, *more, v)[1], want)


def ignores_z(x, z):
    return x * x


def test_gradients_have_their_arguments_types_also_on_the_fast_path():
    """A complex number's gradient is complex, a real one's a float, on every call (the
    second call learns the fast path, later ones take it)."""
    for _ in range(4):
        gx, gz = s2sad.grad(ignores_z, wrt=(0, 1))(1.5, 1.0 + 1.0j)
        assert (type(gx), type(gz)) == (float, complex) and (gx, gz) == (3.0, 0j)
        assert type(s2sad.grad(squared_modulus)(3.0 + 4.0j)) is complex
        gz = s2sad.grad(power_spectrum)(np.ones(2) + 0j)
        assert gz.dtype == np.complex128
