"""A number factor two contributions to one array adjoint share, taken out
(s2sad/optimize/shared_factors.py): the rewritten statements and that they compute the
same values, what must be left alone (another factor, something changed, updated or
called between, the second contribution reading the first, numbers), and Rosenbrock's
gradient scaling its shared factor once and equal to the analytic one."""
import gast
import numpy as np

import s2sad
from s2sad.optimize.shared_factors import factor_shared
from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


def shared(text, arrays=("v_bar", "x_bar"), pure=()):
    statements = factor_shared(gast.parse(text).body, set(arrays), pure)
    return lines(statements)


def run(text, **values):
    """The value of `v_bar` after `text` runs on random arrays for the other names."""
    rng = np.random.default_rng(3)
    names = {"np": np, **{n: rng.uniform(0.5, 1.5, 6) for n in "efghw"}, **values}
    exec(text, names)
    return names["v_bar"]


def test_a_factor_two_contributions_share_is_applied_once():
    cases = {
        "v_bar = -2.0 * e\nw = 3.0 * h\nv_bar -= f * 2 * g":
            "w = 3.0 * h\nv_bar = -2.0 * (e + f * g)",
        "v_bar = 2.0 * e\nv_bar += f * -2 * g": "v_bar = 2.0 * (e - f * g)",
        "v_bar = 2.0 * e\nv_bar -= 2 * g": "v_bar = 2.0 * (e - g)",
        "v_bar = 0.5 * (e + f)\nv_bar += g * h * 0.5": "v_bar = 0.5 * (e + f + g * h)",
    }
    for text, expected in cases.items():
        assert shared(text) == expected
        assert np.allclose(run(expected), run(text), rtol=1e-15, atol=0)


def test_shared_factors_left_alone():
    untouched = [
        "v_bar = 2.0 * e\nv_bar -= f * 3 * g",        # another factor
        "v_bar = 2.0 * e\ne = f * g\nv_bar -= f * 2 * g",  # what the first reads changes
        "v_bar = 2.0 * e\nx_bar += e\nv_bar -= f * 2 * g",  # an update in place between
        "v_bar = 2.0 * e\nh[0] = f\nv_bar -= f * 2 * g",  # an element write between
        "v_bar = 2.0 * e\nw = f(e)\nv_bar -= f * 2 * g",   # a call that is not pure
        "v_bar = 2.0 * e\nv_bar -= v_bar * 2 * g",    # the second reads the first
        "v_bar = 2.0 * e\nv_bar -= f * 2 / g",        # not a product of the factor
        "v_bar = 2.0 * e\nv_bar -= 2",                # nothing left to scale
        "v_bar = e * 2.0\nv_bar -= f * 2 * g",        # the number is not in front
    ]
    for text in untouched:
        assert shared(text) == text, text
    assert shared("v_bar = 2.0 * e\nv_bar -= f * 2 * g", arrays=()) == \
        "v_bar = 2.0 * e\nv_bar -= f * 2 * g"


def test_rosenbrock_scales_its_shared_factor_once():
    """Its two squares give x[:-1] two contributions scaled by 2: one multiplication by
    2 over the array, and the gradient is still the analytic one."""
    def rosenbrock(x):
        return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    x = np.random.default_rng(0).uniform(0.0, 2.0, 7)
    text = s2sad.source(rosenbrock, x, mode="gradient")
    assert "np.multiply(-2.0, t7 + t4_bar * t2, out=x_bar[:-1])" in text, text
    assert "* 2 * t2" not in text
    d = x[1:] - x[:-1] ** 2
    expected = np.zeros_like(x)
    expected[:-1] = -400.0 * x[:-1] * d - 2.0 * (1.0 - x[:-1])
    expected[1:] += 200.0 * d
    assert np.allclose(s2sad.grad(rosenbrock)(x), expected, rtol=1e-13)
