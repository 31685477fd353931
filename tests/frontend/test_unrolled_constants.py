"""A loop over a tuple unrolled with a constant element, whose body updates the loop
variable in place in one branch (`u *= s`): the constant is assigned to the variable,
which the update reads (found by the fuzzer as an UnboundLocalError in both modes)."""
import math

import s2sad
from rulecheck import check_grad


def updated_in_a_branch(x, y):
    total = 0.0
    for u in (-0.25, y ** 2):
        if x < -1.0:
            u = u + 1.0
        elif x <= 0.5:
            u *= math.sin(x)
        total = total + math.cos(u) * x
    return total + y


def test_a_constant_element_updated_in_a_branch():
    for x in (0.042, 0.8, -1.5):
        check_grad(updated_in_a_branch, (x, 0.39), (0, 1), dtype=False)
    assert "u = -0.25" in s2sad.source(updated_in_a_branch, 0.04, 0.39)
