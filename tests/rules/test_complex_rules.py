"""Every rule declared exact for complex operands (rules/complexes.py, `COMPLEX`) checked
on complex values, in both modes, vector mode and complex64 (cases_complex.CALLS,
cases_fft.CALLS): a rule added to the declaration without a case fails here."""
import pytest

from cases_complex import CALLS as COMPLEX_CALLS
from cases_fft import CALLS as FFT_CALLS
from complexcheck import check_complex
from rulecheck import describe
from s2sad.rules.base import COMPLEX, load_optional

load_optional()  # SciPy's rows, some of which take complex values

CALLS = {**COMPLEX_CALLS, **FFT_CALLS}
KEYS = sorted(describe(prim) for prim in COMPLEX)


def test_every_rule_that_takes_complex_values_has_a_case():
    missing = [key for key in KEYS if key not in CALLS]
    assert not missing, f"rules declared exact for complex values without a case: {missing}"


@pytest.mark.parametrize("key", KEYS)
def test_rule_on_complex_values(key, gen):
    call, z = CALLS[key]
    check_complex(gen, call, z)
