"""A product computed into the slice of a new array that receives it
(s2sad/optimize/write_into.py): the rewrite, that it gives the same array, the ufunc each
operator becomes, and where the adjoint is still copied (not a new array, may be a view,
read again, not a ufunc, a call or a changed input between, not a plain copy)."""
import gast
import numpy as np

from s2sad.syntax.printer import source


def lines(statements):
    """Statements as the source lines they print."""
    return "\n".join(source(s).strip() for s in statements)


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
