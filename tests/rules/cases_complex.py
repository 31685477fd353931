"""Rule-table cases of complex numbers (s2sad/rules/complexes.py), and every rule declared
exact for complex operands (`COMPLEX`) checked on them.

A call is written in `z` and checked through a real loss of its result in both modes,
vector mode and complex64 (complexcheck.check_complex); the rows of complexes.py are also
table rows (`CASES`), checked on real input as well where they take it.
"""
import numpy as np

from complexcheck import check_complex, crand
from rulecheck import check_grad, rand

Z = crand(2, 3)
SCALAR = 0.7 - 0.4j



def lists(z):
    """Run-time lists of complex rows: displays, appends, and what reads them."""
    rows = [w * (1.0 + 0.5j) for w in z]
    more = rows + list(rows)
    total = sum(rows) + more[3] + np.stack(more)[1] + np.array(rows)[0] + np.asarray(rows)[1]
    joined = np.concatenate(rows) + np.hstack(rows)
    return np.sum(np.abs(total * (1.0 + 0.3j) + 0.5) ** 2) + np.sum(np.abs(joined) ** 2) \
        + np.sum(np.abs(np.vstack(rows) - 1j) ** 2)


def lists_of_parts(x, y):
    return lists(x + 1j * y)


LISTS = ((lists, lists_of_parts), Z)
# primitive key -> (call written in z, argument): each rule that takes complex values
CALLS = {
    "operator.add": ("z + z[0] + 1j", Z), "operator.sub": ("z - 2j * z[::-1]", Z),
    "operator.mul": ("z * z[1]", Z), "operator.truediv": ("z / (z[0] + 3.0)", Z),
    "operator.pow": ("z ** 3 + (z + 3.0) ** z[0] + z ** 0.5", Z + 2.0),
    "builtins.pow": ("pow(z, 2.5)", SCALAR), "operator.neg": ("-z", Z),
    "operator.pos": ("+z", Z), "operator.matmul": ("z @ z.T", Z),
    "operator.getitem": ("z[1, ::2] * z[:, 0:1]", Z),
    "builtins.abs": ("abs(z) * z", SCALAR), "np.absolute": ("np.abs(z) * z", Z),
    "builtins.complex": ("complex(z.real, z.imag * 2.0) * complex(z.imag)", SCALAR),
    "builtins.len": ("z * len(z)", Z),
    "np.add": ("np.add(z, 1j)", Z), "np.subtract": ("np.subtract(1j, z)", Z),
    "np.multiply": ("np.multiply(z, z)", Z), "np.divide": ("np.divide(1.0, z)", Z),
    "np.negative": ("np.negative(z)", Z), "np.positive": ("np.positive(z)", Z),
    "np.power": ("np.power(z, 1.5 + 0.5j)", Z + 2.0), "np.square": ("np.square(z)", Z),
    "np.reciprocal": ("np.reciprocal(z)", Z), "np.sqrt": ("np.sqrt(z)", Z + 2.0),
    "np.exp": ("np.exp(z)", Z), "np.expm1": ("np.expm1(z)", Z),
    "np.log": ("np.log(z)", Z), "np.log1p": ("np.log1p(z)", Z + 2.0),
    "np.log2": ("np.log2(z)", Z), "np.log10": ("np.log10(z)", Z),
    "np.sin": ("np.sin(z)", Z), "np.cos": ("np.cos(z)", Z), "np.tan": ("np.tan(z)", Z / 3),
    "np.sinh": ("np.sinh(z)", Z), "np.cosh": ("np.cosh(z)", Z), "np.tanh": ("np.tanh(z)", Z / 3),
    "np.arctan": ("np.arctan(z)", Z / 3), "np.arcsinh": ("np.arcsinh(z)", Z / 3),
    "np.exp2": ("np.exp2(z)", Z), "np.arcsin": ("np.arcsin(z)", Z),
    "np.arccos": ("np.arccos(z)", Z), "np.arccosh": ("np.arccosh(z)", Z),
    "np.arctanh": ("np.arctanh(z)", Z), "np.sinc": ("np.sinc(z)", Z),
    "scipy.special.erf": ("scipy.special.erf(z)", Z / 2),
    "scipy.special.erfc": ("scipy.special.erfc(z)", Z / 2),
    "scipy.special.erfcx": ("scipy.special.erfcx(z)", Z / 2),
    "scipy.special.ndtr": ("scipy.special.ndtr(z)", Z / 2),
    "scipy.special.log_ndtr": ("scipy.special.log_ndtr(z)", Z / 2),
    "scipy.special.gamma": ("scipy.special.gamma(z)", Z + 2.0),
    "scipy.special.expm1": ("scipy.special.expm1(z)", Z),
    "scipy.special.log1p": ("scipy.special.log1p(z)", Z + 2.0),
    "np.float_power": ("np.float_power(z, 2.5) + np.float_power(z + 3.0, z[0])", Z + 2.0),
    "np.real": ("np.real(z) * z", Z), ".real": ("z.real * z", Z),
    "np.imag": ("np.imag(z) * z", Z), ".imag": ("z.imag * z", Z),
    "np.conjugate": ("np.conj(z) * z[0]", Z), ".conjugate()": ("z.conjugate() * z", Z),
    ".conj()": ("z.conj() + 1j * z", Z), "np.angle": ("np.angle(z)", Z),
    "np.sum": ("np.sum(z, axis=0)", Z), ".sum()": ("z.sum(1)", Z),
    "np.mean": ("np.mean(z, axis=1)", Z), ".mean()": ("z.mean()", Z),
    "np.cumsum": ("np.cumsum(z, axis=1)", Z), ".cumsum()": ("z.cumsum()", Z),
    "np.prod": ("np.prod(z, axis=0) + np.prod(z) + np.prod(z, 1, keepdims=True)", Z),
    ".prod()": ("z.prod(axis=(0, 1)) * z.prod(0)", Z),
    "runtime.prod_others": ("runtime.prod_others(z, 1)", Z),
    "np.cumprod": ("np.cumprod(z, axis=1) + np.cumprod(z)[:3]", Z),
    ".cumprod()": ("z.cumprod(0)", Z),
    "np.max": ("np.max(z, axis=0) + np.max(z) + np.max(z[1])", Z),
    "np.amax": ("np.amax(z, 1, keepdims=True)", Z), "np.min": ("np.min(z, axis=1)", Z),
    "np.amin": ("np.amin(z) * z", Z), ".max()": ("z.max(0)", Z), ".min()": ("z.min()", Z),
    "np.ptp": ("np.ptp(z, axis=1)", Z),
    "np.argmax": ("z[1, np.argmax(z[1])] * z[0, np.argmax(z, axis=1)]", Z),
    "np.argmin": ("z[0, np.argmin(z[0])]", Z), ".argmax()": ("z.ravel()[z.argmax()]", Z),
    ".argmin()": ("z[1, z[1].argmin()]", Z),
    "runtime.first_max": ("runtime.first_max(z, 1) * z", Z),
    "runtime.first_min": ("runtime.first_min(z) * z", Z),
    "np.var": ("np.var(z) + np.var(z, axis=0, ddof=1) + np.var(z, 1, keepdims=True)", Z),
    "np.std": ("np.std(z, axis=0) * np.std(z, ddof=1) + np.std(z, axis=1, keepdims=True)", Z),
    ".var()": ("z.var(axis=(0, 1)) * z", Z), ".std()": ("z.std(0, ddof=1)", Z),
    "np.linalg.norm": ("np.linalg.norm(z) + np.linalg.norm(z, axis=0) * np.linalg.norm(z[0]) "
                       "+ np.linalg.norm(z, 'fro', (0, 1), True) "
                       "+ np.linalg.norm(z, 2, axis=1, keepdims=True) "
                       "+ np.linalg.norm(z[0], 1) * np.linalg.norm(z, 3, axis=0) "
                       "+ np.linalg.norm(z, np.inf, axis=1, keepdims=True) "
                       "+ np.linalg.norm(z[1], np.inf) + np.linalg.norm(z, 0, axis=0) "
                       "+ np.linalg.norm(z.ravel(), 2.5) + np.linalg.norm(z, 'nuc') "
                       "+ np.linalg.norm(z, 2) + np.linalg.norm(z, -2)", Z),
    "runtime.cumprod_adjoint": ("runtime.cumprod_adjoint(z[0], z[1] + 1.0)", Z),
    "runtime.cumprod_tangent": ("runtime.cumprod_tangent(z[0] * 1j, z[1], 0)", Z),
    "np.reshape": ("np.reshape(z, (3, 2))", Z), ".reshape()": ("z.reshape(-1)", Z),
    "np.ravel": ("np.ravel(z)", Z), ".ravel()": ("z.ravel()", Z),
    ".flatten()": ("z.flatten()", Z), "np.transpose": ("np.transpose(z)", Z),
    ".transpose()": ("z.transpose()", Z), ".T": ("z.T", Z),
    "np.swapaxes": ("np.swapaxes(z, 0, 1)", Z), ".swapaxes()": ("z.swapaxes(0, 1)", Z),
    "np.moveaxis": ("np.moveaxis(z, 0, 1)", Z), "np.squeeze": ("np.squeeze(z[None])", Z),
    ".squeeze()": ("z[:, None].squeeze()", Z),
    "np.expand_dims": ("np.expand_dims(z, 1)", Z),
    "np.broadcast_to": ("np.broadcast_to(z, (4, 2, 3))", Z),
    "np.flip": ("np.flip(z)", Z), "np.fliplr": ("np.fliplr(z)", Z),
    "np.flipud": ("np.flipud(z)", Z),
    "np.concatenate": ("np.concatenate([z, 2 * z], axis=1)", Z),
    "np.concatenate(list)": LISTS,
    "np.stack": ("np.stack([z, z * 1j])", Z), "np.stack(list)": LISTS,
    "np.vstack": ("np.vstack([z, z])", Z), "np.vstack(list)": LISTS,
    "np.hstack": ("np.hstack([z, z])", Z), "np.hstack(list)": LISTS,
    "np.column_stack": ("np.column_stack([z[0], z[1]])", Z),
    "np.array": ("np.array([z[0], z[1] * 2])", Z), "np.array(list)": LISTS,
    "np.asarray": ("np.asarray([z[1], z[0]])", Z),
    "np.asarray(list)": LISTS,
    "builtins.list(list)": LISTS, "builtins.sum(list)": LISTS, "operator.add(list)": LISTS,
    "operator.getitem(list)": LISTS, "LIST": LISTS, "APPEND": LISTS,
    "COPY": ("z", Z), ".copy()": ("z.copy()", Z), "np.copy": ("np.copy(z)", Z),
    "np.matmul": ("np.matmul(z, z.T)", Z), "np.dot": ("np.dot(z.T, z)", Z),
    ".dot()": ("z.dot(z.T)", Z), "np.inner": ("np.inner(z, z)", Z),
    "np.outer": ("np.outer(z[0], z[1])", Z),
    "np.kron": ("np.kron(z, z[:, :2])", Z), "np.cross": ("np.cross(z, z * z)", Z),
    "np.roll": ("np.roll(z, 1, axis=1) * z", Z), "np.rot90": ("np.rot90(z) @ z", Z),
    "np.repeat": ("np.repeat(z, 2, axis=0) ** 2", Z), "np.tile": ("np.tile(z, (2, 1)) * 1j", Z),
    "np.diff": ("np.diff(z * z, axis=1)", Z), "np.diagonal": ("np.diagonal(z @ z.T)", Z),
    "np.take": ("np.take(z, [2, 0, 2], axis=1) ** 2", Z),
    "np.tensordot": ("np.tensordot(z, z, axes=([1], [1]))", Z),
    "np.einsum": ("np.einsum('ij,kj->ik', z, z)", Z), "np.trace": ("np.trace(z @ z.T)", Z),
    "np.diag": ("np.diag(z[0]) * np.diag(z.T @ z)", Z),
    "np.where": ("np.where(z.real > 0, z, z * z)", Z),
    "np.zeros": ("np.zeros(3, complex) + z", Z), "np.ones": ("np.ones((2, 3)) * z", Z),
    "np.empty": ("np.empty(3) * 0.0 + z", Z),
    "np.zeros_like": ("np.zeros_like(z) + z", Z), "np.ones_like": ("np.ones_like(z) * z", Z),
    "np.empty_like": ("np.empty_like(z) * 0 + z", Z),
    ".shape": ("np.zeros(z.shape) + z", Z), "np.shape": ("np.ones(np.shape(z)) * z", Z),
    ".ndim": ("z * z.ndim", Z), "np.ndim": ("z * np.ndim(z)", Z),
    ".size": ("z * z.size", Z), "np.size": ("z * np.size(z)", Z),
    ".dtype": ("np.zeros(3, z.dtype) + z", Z),
    "runtime.safe_divide": ("runtime.safe_divide(z * z[0], z + 2.0)", Z),
    "runtime.unbroadcast": ("runtime.unbroadcast(z * 1j, z[0])", Z),
}


def check_call(gen, key):
    call, z = CALLS[key]
    check_complex(gen, call, z)


def _row(key, real_call=None, real_args=None):
    """A case of a complexes.py row: complex operands, and real ones (`real_call`)."""
    def case(gen):
        check_call(gen, key)
        if real_call is not None:
            check_grad(gen("a", real_call), real_args)
    return case


CASES = {
    "np.imag": _row("np.imag", "np.sum(np.imag(a) + a)", (rand(3),)),
    ".imag": _row(".imag", "np.sum(a.imag * a)", (rand(3),)),
    "np.angle": _row("np.angle", "np.sum(np.angle(a - 0.5) * a)", (rand(3),)),
    "np.conjugate": _row("np.conjugate", "np.sum(np.conj(a) * a)", (rand(3),)),
    ".conjugate()": _row(".conjugate()", "np.sum(a.conjugate() * a)", (rand(3),)),
    ".conj()": _row(".conj()", "np.sum(a.conj() * a)", (rand(3),)),
    "np.real": _row("np.real", "np.sum(np.real(a) * a)", (rand(3),)),
    "builtins.complex": _row("builtins.complex"),
}
