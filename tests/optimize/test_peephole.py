"""The negation folding of the backward sweep (s2sad/peephole.py), on statements written
by hand: what it rewrites, and what it must leave alone."""
import math

import gast
import numpy as np
import pytest

import s2sad
from s2sad.optimize.negations import fold_negations
from s2sad.optimize.shared_factors import factor_shared
from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


def fold(text, arrays=("t_bar", "u_bar", "x_bar", "y_bar"), readers="", **options):
    statements = gast.parse(text).body
    extra = gast.parse(readers).body
    folded = fold_negations(statements, set(arrays), extra, **options)
    return lines(folded)


def test_a_negated_temporary_becomes_a_subtraction():
    assert fold("t_bar = -g\nx_bar += t_bar * 2 * y") == "x_bar -= g * 2 * y"
    assert fold("t_bar = -g\nx_bar = a + t_bar * y") == "x_bar = a - g * y"
    assert fold("t_bar = -g\nx_bar = t_bar / y") == "x_bar = -(g / y)"


def test_double_negation_cancels():
    assert fold("t_bar = -g\nu_bar = -t_bar\nx_bar += u_bar * y") == \
        "u_bar = g\nx_bar += u_bar * y"


def test_left_alone_when_read_twice_or_the_operand_changes():
    assert fold("t_bar = -g\nx_bar += t_bar\ny_bar += t_bar").count("t_bar") == 3
    assert fold("t_bar = -g\ng = h\nx_bar += t_bar").startswith("t_bar = -g")
    assert fold("t_bar = -g", readers="f(t_bar)") == "t_bar = -g"


def test_left_alone_for_numbers_and_across_calls_that_are_not_pure():
    assert fold("t_bar = -g\nx_bar += t_bar", arrays=("x_bar",)) == \
        "t_bar = -g\nx_bar += t_bar"
    assert fold("t_bar = -pop()\nx_bar += t_bar").startswith("t_bar = -pop()")
    assert fold("t_bar = -np.exp(a)\nx_bar += t_bar", pure={"np.exp"}) == \
        "x_bar -= np.exp(a)"


def test_a_linear_helper_takes_the_sign_outside():
    assert fold("t_bar = unbroadcast(-(g * a), s)\nx_bar = t_bar @ X",
                linear={"unbroadcast"}, pure={"unbroadcast"}) == \
        "x_bar = -(unbroadcast(g * a, s) @ X)"


def logistic(w, X, y):
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def test_generated_code_negates_the_small_result_not_the_large_intermediate():
    """The NLL's two negations (of the margin, of its adjoint) fold into one, applied to
    the 3-element gradient rather than to the 50-element adjoint of the margin; `y` and
    the rows of `X` have the same length, so nothing is unbroadcast."""
    rng = np.random.default_rng(0)
    w, X, y = rng.normal(size=3), rng.normal(size=(50, 3)), rng.integers(0, 2, 50) * 1.0
    text = s2sad.source(logistic, w, X, y)
    assert "w_bar = -(t4_bar * t2 @ X)" in text and "margin_bar" not in text, text
    h = 1e-6
    want = [(logistic(w + h * e, X, y) - logistic(w - h * e, X, y)) / (2 * h)
            for e in np.eye(3)]
    np.testing.assert_allclose(s2sad.grad(logistic)(w, X, y), want, rtol=1e-7)


def factor(text, numbers=("x_bar", "t1_bar", "t2_bar", "y_bar")):
    loop = gast.parse("for i in range(3):\n" + "".join(
        "    " + line + "\n" for line in text.split("\n"))).body
    from s2sad.optimize.scalar_factors import factor_scalars
    return "\n".join(source(s).strip() for s in factor_scalars(loop, set(numbers))[0].body)


def test_single_use_number_adjoints_are_factored_in_a_loop():
    assert factor("t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar * 3.9 - t2_bar") \
        == "x_bar = x_bar * (t2 * 3.9 - t1)"


def test_factoring_needs_one_incoming_adjoint_single_uses_and_numbers():
    kept = "t1_bar = x_bar * t2\nt2_bar = y_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept) == kept
    kept = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar\ny_bar = t1_bar"
    assert factor(kept) == kept
    kept = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept, numbers=("x_bar", "t1_bar")) == kept
    kept = "t1_bar = x_bar * t2\nt2 = 5.0\nt2_bar = x_bar * t1\nx_bar = t1_bar - t2_bar"
    assert factor(kept) == kept


def test_straight_line_code_keeps_its_named_adjoints():
    from s2sad.optimize.scalar_factors import factor_scalars
    text = "t1_bar = x_bar * t2\nt2_bar = x_bar * t1\nx_bar = t1_bar * 3.9 - t2_bar"
    out = factor_scalars(gast.parse(text).body, {"x_bar", "t1_bar", "t2_bar"})
    assert "\n".join(source(s).strip() for s in out) == text


def forward(text, numbers=("t1", "t2", "t3"), needed=()):
    from s2sad.optimize.forward_folding import fold_forward
    loop = gast.parse("for i in range(3):\n" + "".join(
        "    " + line + "\n" for line in text.split("\n"))).body
    return "\n".join(source(s).strip()
                     for s in fold_forward(loop, set(numbers), set(needed))[0].body)


def test_forward_temporaries_the_backward_sweep_recomputes_are_written_back():
    assert forward("t1 = 3.9 * x\nt2 = 1 - x\npush(x)\nx = t1 * t2") == \
        "push(x)\nx = 3.9 * x * (1 - x)"


def test_forward_temporaries_stay_where_needed_or_their_inputs_change():
    kept = "t1 = 3.9 * x\nx = t1 * 2.0"
    assert forward(kept, needed=("t1",)) == kept
    kept = "t1 = y[i]\ny[i] = 0.0\nx = t1 * 2.0"
    assert forward(kept) == kept
    kept = "t1 = 3.9 * x\nx = t1 * 2.0\nz = t1"
    assert forward(kept) == kept
    kept = "t1 = f(x)\nx = t1 * 2.0"
    assert forward(kept) == kept


PURE = {"np.tanh", "np.exp", "np.zeros", "push"}


def arrays_back(text, arrays=("t1", "t2", "t3"), needed=(), numbers=()):
    from s2sad.optimize.forward_folding import fold_forward
    statements = fold_forward(gast.parse(text).body, set(numbers), set(needed), PURE,
                              arrays=set(arrays))
    return lines(statements)


def test_array_temporaries_go_back_into_their_reader_in_straight_line_code():
    assert arrays_back("t1 = X @ W\nt2 = t1 + b\nh = np.tanh(t2)") == \
        "h = np.tanh(X @ W + b)"
    assert arrays_back("t1 = U.shape\nt2 = t1[0]\nh = np.zeros(t2)") == \
        "h = np.zeros(U.shape[0])"
    assert arrays_back("t1 = x @ W\npush(h)\nh = np.tanh(t1 + h)") == \
        "push(h)\nh = np.tanh(x @ W + h)"
    # number temporaries keep their Wengert lines outside loops
    assert arrays_back("u = a * b\nv = u + c", arrays=(), numbers=("u",)) == \
        "u = a * b\nv = u + c"


def test_array_temporaries_stay_where_something_between_may_change_them():
    kept = [
        "t1 = x[1:]\nx[0] = 0.0\nh = t1 * 2.0",        # an element write between
        "t1 = x[1:]\ny[0] = 0.0\nh = t1 * 2.0",        # y may be a view of x
        "t1 = x[1:]\nz += 1.0\nh = t1 * 2.0",          # an update in place between
        "t1 = x[1:]\nz = f(x)\nh = t1 * 2.0",          # a call that may write x
        "t1 = x[1:]\nf(x)\nh = t1 * 2.0",
        "t1 = x * 2.0\nh = g(f(x), t1)",               # the reader calls f first
        "t1 = x * 2.0\nx = y\nh = t1 + 1.0",           # what it reads is assigned
        "t1 = x * 2.0\nh = t1 + t1",                   # read twice
        "t1 = f(x)\nh = t1 + 1.0",                     # not known to be pure
    ]
    for text in kept:
        assert arrays_back(text) == text, text
    assert arrays_back("t1 = x * 2.0\nh = t1 + 1.0", needed=("t1",)) == \
        "t1 = x * 2.0\nh = t1 + 1.0"


def mlp(W, b, v, X):
    hidden = np.tanh(X @ W + b)
    return np.sum(np.logaddexp(0.0, -(hidden @ v)))


def test_the_gradient_computes_the_users_expressions_and_holds_less_memory():
    """The forward sweep of a network's gradient is the network's own line, and the
    arrays the gradient holds at once shrink: a named temporary lives until return, and
    the backward sweep updates arrays in place (float64)."""
    import tracemalloc
    rng = np.random.default_rng(1)
    W, b, v, X = rng.normal(size=(10, 64)), rng.normal(size=64), rng.normal(size=64), \
        rng.normal(size=(2000, 10))
    grad = s2sad.grad(mlp, wrt=(0, 1, 2))
    assert "hidden = np.tanh(X @ W + b)" in s2sad.source(mlp, W, b, v, X, mode="gradient")
    grad(W, b, v, X)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        W_bar, b_bar, v_bar = grad(W, b, v, X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 3.5 * hidden_bytes(X, W)
    h = 1e-6
    for k in [(0, 0), (3, 7), (9, 63)]:
        up, down = W.copy(), W.copy()
        up[k] += h
        down[k] -= h
        assert W_bar[k] == pytest.approx((mlp(up, b, v, X) - mlp(down, b, v, X)) / (2 * h),
                                         rel=1e-6, abs=1e-7)


def hidden_bytes(X, W):
    return X.shape[0] * W.shape[1] * 8


def test_a_negated_scaled_array_negates_the_number():
    text = "w_bar = g * 2 * t\nv_bar = -w_bar\nx_bar += v_bar * y\ny_bar = v_bar"
    arrays = ("w_bar", "v_bar", "x_bar", "y_bar")
    assert fold(text, arrays=arrays, numbers={"g"}) == \
        "v_bar = -(g * 2) * t\nx_bar += v_bar * y\ny_bar = v_bar"
    assert fold(text, arrays=arrays, numbers=set()) == text
    kept = "w_bar = g * 2 * t\ng = 3.0\nv_bar = -w_bar"
    assert fold(kept, arrays=("w_bar", "v_bar"), numbers={"g"}) == kept


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


def quotients(text, numbers=("q", "x1_bar", "x2_bar")):
    from s2sad.optimize.quotients import reuse_quotients
    statements = reuse_quotients(gast.parse(text).body, set(numbers))
    return lines(statements)


def test_the_quotient_rules_second_adjoint_reads_the_first():
    assert quotients("x1_bar = g / b\nx2_bar -= g * t / b") == \
        "x1_bar = g / b\nx2_bar -= x1_bar * t"
    assert quotients("q = g / b\nw = a + 1.0\nx2_bar = h + g * (t + 1.0) / b") == \
        "q = g / b\nw = a + 1.0\nx2_bar = h + q * (t + 1.0)"
    kept = [
        "x1_bar = g / b\ng = 2.0\nx2_bar -= g * t / b",    # g changed
        "x1_bar = g / b\nb = 2.0\nx2_bar -= g * t / b",    # b changed
        "x1_bar = g / b\nx1_bar += 1.0\nx2_bar -= g * t / b",  # the quotient changed
        "x1_bar = x1_bar / b\nx2_bar -= x1_bar * t / b",   # the quotient is g itself
        "x1_bar = g / b\nx2_bar -= t * g / b",             # another form: left alone
    ]
    for text in kept:
        assert quotients(text) == text, text
    assert quotients("u_bar = g / b\nx2_bar -= g * t / b") == \
        "u_bar = g / b\nx2_bar -= g * t / b"    # an array may be updated through a view
    loop = "for i in range(3):\n    x1_bar = g / b\n    x2_bar -= g * t / b"
    assert quotients(loop).endswith("x2_bar -= x1_bar * t")


def test_a_quotients_derivatives_divide_once():
    """d(a/b) in both modes: one division for the two partials besides the quotient
    itself, and the analytic values."""
    def ratio(a, b):
        return a / b * math.exp(b)
    text = s2sad.source(ratio, 1.5, 0.5, wrt=(0, 1), mode="gradient")
    tangent = s2sad.source(ratio, 1.5, 0.5, wrt=(0, 1), mode="forward")
    assert text.count(" / ") == 2 and tangent.count(" / ") == 2, (text, tangent)
    a, b = 1.5, 0.5
    expected = (math.exp(b) / b, -a / b ** 2 * math.exp(b) + a / b * math.exp(b))
    assert s2sad.grad(ratio, wrt=(0, 1))(a, b) == pytest.approx(expected, rel=1e-14)
    assert s2sad.jvp(ratio, wrt=(0, 1))(a, b, (0.3, -0.7))[1] == pytest.approx(
        0.3 * expected[0] - 0.7 * expected[1], rel=1e-14)


def into(text, arrays=("v", "x_bar"), readers=""):
    from s2sad.optimize.write_into import write_into
    statements = write_into(gast.parse(text).body, set(arrays), "np",
                            {"np.empty_like", "np.exp"}, gast.parse(readers).body)
    return lines(statements)


def test_an_adjoint_copied_into_a_new_arrays_slice_is_computed_there():
    text = ("v = -2.0 * (a + b * c)\nw = 3.0 * a\nx_bar = np.empty_like(x)\n"
            "x_bar[-1:] = 0.0\nx_bar[:-1] = v\nx_bar[1:] += w")
    expected = ("w = 3.0 * a\nx_bar = np.empty_like(x)\nx_bar[-1:] = 0.0\n"
                "np.multiply(-2.0, a + b * c, out=x_bar[:-1])\nx_bar[1:] += w")
    assert into(text) == expected
    rng = np.random.default_rng(5)
    values = {n: rng.uniform(0.5, 1.5, 6) for n in "abc"}
    values["x"] = rng.uniform(0.5, 1.5, 7)
    results = []
    for code in (text, expected):
        names = {"np": np, **values}
        exec(code, names)
        results.append(names["x_bar"])
    np.testing.assert_array_equal(results[0], results[1])
    for op, ufunc in (("+", "add"), ("-", "subtract"), ("/", "divide")):
        assert into(f"v = a {op} b\nx_bar = np.empty_like(x)\nx_bar[1:] = v") == \
            f"x_bar = np.empty_like(x)\nnp.{ufunc}(a, b, out=x_bar[1:])"


def test_an_adjoint_is_copied_where_the_slice_may_not_be_written_directly():
    kept = [
        "v = a * b\nx_bar[1:] = v",                                  # not a new array
        "v = a * b\nx_bar = y\nx_bar[1:] = v",                       # may view y
        "v = a * b\nx_bar = np.empty_like(x)\nx_bar[1:] = v\nz = v",  # read again
        "v = a @ b\nx_bar = np.empty_like(x)\nx_bar[1:] = v",        # not a ufunc
        "v = a * b\nx_bar = np.empty_like(x)\nf(a)\nx_bar[1:] = v",  # a call between
        "v = a * b\na = c\nx_bar = np.empty_like(x)\nx_bar[1:] = v",  # its input changes
        "v = a * b\nx_bar = np.empty_like(x)\nx_bar[1:] = v + 1.0",  # not a copy
    ]
    for text in kept:
        assert into(text) == text, text
    assert into("v = a * b\nx_bar = np.empty_like(x)\nx_bar[1:] = v", readers="f(v)") == \
        "v = a * b\nx_bar = np.empty_like(x)\nx_bar[1:] = v"
