"""Rule-table cases of the Fourier transforms (s2sad/rules/fft.py): every transform with
its lengths (`n=`, `s=`, cut and padded), axes and each `norm=`, on complex input (and
real input where the transform takes it), in both modes, vector mode and single
precision (complexcheck.check_complex)."""
import numpy as np

from complexcheck import RNG, check_complex, crand

Z = crand(3, 4)
X = RNG.normal(size=(3, 4))
Z3 = crand(2, 3, 4)

# transform -> the calls checked (in z), each on complex and, where it takes it, real input
VARIANTS = {
    "fft": ["np.fft.fft(z)", "np.fft.fft(z, 6)", "np.fft.fft(z, n=3, axis=0)",
            "np.fft.fft(z, axis=-2, norm='ortho')", "np.fft.fft(z, 2, 1, 'forward')"],
    "ifft": ["np.fft.ifft(z)", "np.fft.ifft(z, 5, axis=0, norm='backward')",
             "np.fft.ifft(z, n=2, norm='ortho')", "np.fft.ifft(z, norm='forward')"],
    "fft2": ["np.fft.fft2(z)", "np.fft.fft2(z, s=(2, 6))", "np.fft.fft2(z, axes=(1, 0))",
             "np.fft.fft2(z, norm='ortho')"],
    "ifft2": ["np.fft.ifft2(z)", "np.fft.ifft2(z, (4, 3), norm='forward')"],
    "fftn": ["np.fft.fftn(z)", "np.fft.fftn(z, s=(5,), axes=(1,))", "np.fft.fftn(z, axes=(0,))",
             "np.fft.fftn(z, s=(2, 5), axes=(1, 0), norm='ortho')"],
    "ifftn": ["np.fft.ifftn(z)", "np.fft.ifftn(z, s=(4, 2), axes=(0, 1), norm='forward')"],
    "rfft": ["np.fft.rfft(z)", "np.fft.rfft(z, 7)", "np.fft.rfft(z, n=2, axis=0)",
             "np.fft.rfft(z, norm='ortho')", "np.fft.rfft(z, 6, norm='forward')"],
    "rfft2": ["np.fft.rfft2(z)", "np.fft.rfft2(z, s=(4, 5), norm='ortho')"],
    "rfftn": ["np.fft.rfftn(z)", "np.fft.rfftn(z, axes=(1, 0))",
              "np.fft.rfftn(z, s=(3,), axes=(-1,), norm='forward')"],
    "irfft": ["np.fft.irfft(z)", "np.fft.irfft(z, 7)", "np.fft.irfft(z, 4, axis=0)",
              "np.fft.irfft(z, n=9, norm='ortho')", "np.fft.irfft(z, norm='forward')"],
    "irfft2": ["np.fft.irfft2(z)", "np.fft.irfft2(z, s=(3, 5), norm='ortho')"],
    "irfftn": ["np.fft.irfftn(z)", "np.fft.irfftn(z, axes=(1, 0))",
               "np.fft.irfftn(z, s=(4, 7), axes=(0, 1), norm='forward')"],
    "fftshift": ["np.fft.fftshift(z)", "np.fft.fftshift(z, axes=1)",
                 "np.fft.fftshift(z, (0,))"],
    "ifftshift": ["np.fft.ifftshift(z)", "np.fft.ifftshift(z, axes=0)"],
}
REAL_INPUT = {"rfft", "rfft2", "rfftn"}


def _case(name):
    def case(gen):
        for call in VARIANTS[name]:
            if name not in REAL_INPUT:
                check_complex(gen, call, Z)
            check_complex(gen, call, X)
        check_complex(gen, VARIANTS[name][0], X if name in REAL_INPUT else Z3)
    return case


CASES = {f"np.fft.{name}": _case(name) for name in VARIANTS}
# one call of each, for the test of every rule that takes complex values
CALLS = {f"np.fft.{name}": (calls[-1], X if name in REAL_INPUT else Z)
         for name, calls in VARIANTS.items()}
