"""`s2sad.ravel`: a parameter structure as one float vector and back, with every float
leaf's type, shape and dtype kept and the constants left out; and the use it is for,
`scipy.optimize.minimize` over a structure, with the gradient checked against central
differences of the raveled loss and the optimum against the least-squares solution."""
import collections
import dataclasses
import doctest
import importlib

import numpy as np
import pytest
from scipy.optimize import minimize

import s2sad
from util import assert_close, numeric_grad

Layer = collections.namedtuple("Layer", "W b")


@dataclasses.dataclass(frozen=True)
class Params:
    layers: list
    scale: float
    settings: dict


def params():
    return Params([Layer(np.arange(6.0).reshape(2, 3), np.float32(0.5)),
                   Layer(np.ones(3, np.float32), 2.0)],
                  1.5, {"steps": 3, "activation": "tanh", "mask": np.array([1, 0])})


def test_the_module_examples_hold():
    result = doctest.testmod(importlib.import_module("s2sad.api.ravel"))
    assert result.failed == 0 and result.attempted


def test_the_vector_holds_the_float_leaves_in_order():
    vector, _ = s2sad.ravel(params())
    assert vector.shape == (6 + 1 + 3 + 1 + 1,) and vector.dtype == np.float64
    assert list(vector) == [0, 1, 2, 3, 4, 5, 0.5, 1, 1, 1, 2.0, 1.5]


def test_round_trip_keeps_types_shapes_dtypes_and_constants():
    tree = params()
    vector, unravel = s2sad.ravel(tree)
    back = unravel(vector)
    assert type(back) is Params and type(back.layers[0]) is Layer
    assert back.layers[0].W.shape == (2, 3) and back.layers[0].W.dtype == np.float64
    assert type(back.layers[0].b) is np.float32 and back.layers[0].b == np.float32(0.5)
    assert back.layers[1].W.dtype == np.float32 and type(back.layers[1].b) is float
    assert type(back.scale) is float and back.scale == 1.5
    assert back.settings["steps"] == 3 and back.settings["activation"] == "tanh"
    assert back.settings["mask"] is tree.settings["mask"]
    assert np.array_equal(s2sad.ravel(back)[0], vector)


def test_unravel_puts_new_values_in_place():
    _, unravel = s2sad.ravel(params())
    back = unravel(np.arange(12.0) + 10)
    assert np.array_equal(back.layers[0].W, np.arange(10.0, 16.0).reshape(2, 3))
    assert back.layers[0].b == 16.0 and np.array_equal(back.layers[1].W, [17.0, 18.0, 19.0])
    assert (back.layers[1].b, back.scale) == (20.0, 21.0)


@pytest.mark.parametrize("tree, dtype", [
    ({"a": 1.0, "b": [2.0]}, np.float64),                              # Python floats
    ({"a": np.ones(2, np.float32), "b": np.float32(1)}, np.float32),   # float32 alone
    ({"a": np.ones(2, np.float32), "b": 1.0}, np.float64),             # a float is float64
    ({"a": np.ones(2, np.float16), "b": np.ones(1, np.float32)}, np.float32),
    ({"n": 3, "i": np.arange(3)}, np.float64),                         # no float at all
])
def test_the_vector_dtype_holds_every_leaf_exactly(tree, dtype):
    vector, unravel = s2sad.ravel(tree)
    assert vector.dtype == dtype and vector.ndim == 1
    back = unravel(vector)
    for key, leaf in tree.items():
        if isinstance(leaf, np.ndarray):
            assert back[key].dtype == leaf.dtype and np.array_equal(back[key], leaf)
        else:
            assert back[key] == leaf


def test_float32_leaves_come_back_exactly_through_a_float64_vector():
    tree = {"w": np.float32([0.1, 1 / 3]), "b": 0.1}
    vector, unravel = s2sad.ravel(tree)
    assert vector.dtype == np.float64
    assert np.array_equal(unravel(vector)["w"], tree["w"])


def test_a_single_leaf_and_a_zero_dimensional_array():
    vector, unravel = s2sad.ravel(2.5)
    assert np.array_equal(vector, [2.5]) and unravel(vector) == 2.5
    vector, unravel = s2sad.ravel(np.array(2.5))
    back = unravel(vector)
    assert type(back) is np.ndarray and back.shape == () and back == 2.5


def test_unravel_copies_out_of_the_vector_and_ignores_later_changes_to_the_tree():
    """An optimiser may reuse its vector, and the caller may change the tree it raveled."""
    tree = {"w": np.zeros(2), "layers": [1.0]}
    vector, unravel = s2sad.ravel(tree)
    tree["layers"].append(2.0)
    back = unravel(vector)
    vector[:] = 7.0
    assert np.array_equal(back["w"], [0.0, 0.0]) and back["layers"] == [1.0]
    assert np.array_equal(s2sad.ravel(tree)[0], [0.0, 0.0, 1.0, 2.0])


def test_unravel_refuses_a_vector_of_another_length_shape_or_type():
    _, unravel = s2sad.ravel({"W": np.ones((2, 3)), "b": 0.5, "n": 2})
    with pytest.raises(s2sad.ArgumentError, match=r'the vector has 3 entries where the '
                       r'structure has 7 floats \(\["W"\]: 6, \["b"\]: 1\)'):
        unravel(np.ones(3))
    with pytest.raises(s2sad.ArgumentError, match=r"1-D vector; this one has shape \(1, 7\)"):
        unravel(np.ones((1, 7)))
    with pytest.raises(s2sad.ArgumentError, match="vector of real numbers"):
        unravel(np.ones(7, complex))
    assert unravel(list(range(7)))["b"] == 6.0


# ------------------------------------------------------------------ with scipy.optimize

def predict(w, b, x):
    return x @ w + b


def squared_error(w, b, x, y):
    r = predict(w, b, x) - y
    return 0.5 * np.sum(r * r)


def data():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.25 + 0.01 * rng.standard_normal(20)
    return x, y


def value_and_gradient(model, x, y):
    """The loss and its gradient in the structure of `model` (None at its constants)."""
    value, (gw, gb) = s2sad.value_and_grad(squared_error, wrt=(0, 1))(
        model["w"], model["b"], x, y)
    return value, {"w": gw, "b": gb, "name": None}


def test_the_raveled_gradient_matches_central_differences_of_the_raveled_loss():
    x, y = data()
    model = {"w": np.array([0.3, 0.1, -0.2]), "b": 0.0, "name": "linear"}
    vector, unravel = s2sad.ravel(model)
    _, gradient = value_and_gradient(model, x, y)

    def loss(v):
        m = unravel(v)
        return squared_error(m["w"], m["b"], x, y)

    assert_close(s2sad.ravel(gradient)[0], numeric_grad(loss, (vector,)), rtol=1e-6)


def test_minimize_over_a_structure_finds_the_least_squares_fit():
    x, y = data()
    model = {"w": np.zeros(3), "b": 0.0, "name": "linear"}
    vector, unravel = s2sad.ravel(model)

    def fun(v):
        value, gradient = value_and_gradient(unravel(v), x, y)
        return value, s2sad.ravel(gradient)[0]

    result = minimize(fun, vector, jac=True, method="BFGS", options={"gtol": 1e-10})
    fitted = unravel(result.x)
    solution = np.linalg.lstsq(np.column_stack([x, np.ones(20)]), y, rcond=None)[0]
    assert result.success and fitted["name"] == "linear" and type(fitted["b"]) is float
    assert_close(np.append(fitted["w"], fitted["b"]), solution, rtol=1e-7, atol=1e-9)
