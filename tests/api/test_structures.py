"""Parameter structures: dicts, lists, tuples, namedtuples, dataclasses and objects as
arguments and results of grad, value_and_grad, vjp, jvp and jacobian (api/structured.py),
bound methods and callable objects. Gradients are checked leaf by leaf against central
differences and the dual-number oracle (tests/programs/realistic/reference.py)."""
import dataclasses
import math
from collections import namedtuple

import numpy as np
import pytest
import s2sad
from programs.realistic import reference
from programs.realistic.program import Program
from s2sad.errors import ArgumentError, UnsupportedError, UsageError
from util import assert_close

rng = np.random.default_rng(7)
Hyper = namedtuple("Hyper", "lam mu")


@dataclasses.dataclass
class Config:
    scale: float
    steps: int


@dataclasses.dataclass
class Named:
    scale: float
    steps: int
    name: str = "fit"


@dataclasses.dataclass(frozen=True)
class Frozen:
    w: np.ndarray
    b: float


class Model:
    def __init__(self, w, scale):
        self.w = w
        self.scale = scale

    def loss(self, x):
        return self.scale * np.sum(np.tanh(x @ self.w) ** 2)

    def __call__(self, x):
        return np.sum(np.sin(x * self.w[:, 0])) * self.scale


def mlp(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    return np.sum((h @ params["W2"]) ** 2) + params["b2"] * 0.5


def nested(p, x):
    first, rest = p["layers"][0], p["layers"][1:]
    total = np.sum(first.w * x) + first.b
    for layer in rest:
        total = total + np.sum(np.cos(layer.w * x)) * layer.b
    return total * p["gain"] ** 2


def with_hyper(x, hyper, config):
    value = np.sum(x ** 2) * hyper.lam + hyper[1] * config.scale
    for i in range(config.steps):
        value = value * 0.9
    return value


def pairs(p):
    u, v = p
    return u * math.sin(v) + p[0] ** 2


def list_of_arrays(ws, x):
    return np.sum(ws[0] * x) * np.sum(ws[1] ** 2) + np.sum(ws[-1])


def tuple_and_dict(x, y):
    return x * y, {"sum": x + y, "wave": np.sin(x) * y}


def state_update(state, dt):
    position, velocity = state["q"], state["p"]
    return {"q": position + dt * velocity, "p": velocity - dt * np.sin(position)}


PARAMS = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
          "W2": rng.normal(size=(4, 2)), "b2": 0.3}
LAYERS = {"layers": [Frozen(rng.normal(size=3), 0.4), Frozen(rng.normal(size=3), -0.7),
                     Frozen(rng.normal(size=3), 1.1)], "gain": 1.3}
X = rng.normal(size=(5, 3))

PROGRAMS = [
    Program(mlp, (PARAMS, X), 0),
    Program(mlp, (PARAMS, X), (0, 1)),
    Program(nested, (LAYERS, rng.normal(size=3)), (0, 1)),
    Program(with_hyper, (rng.normal(size=4), Hyper(0.5, 2.0), Config(1.5, 3)), (0, 1)),
    Program(pairs, ((0.7, 1.3),), 0),
    Program(pairs, ([0.7, 1.3],), 0),
    Program(list_of_arrays, ([rng.normal(size=3), rng.normal(size=3)], rng.normal(size=3)),
            (0, 1)),
]


def _ids(programs):
    return [f"{p.name}-{p.wrt}" for p in programs]


@pytest.mark.parametrize("program", PROGRAMS, ids=_ids(PROGRAMS))
def test_grad_comes_back_in_the_arguments_structure(program):
    got = s2sad.grad(program.fn, wrt=program.wrt)(*program.args)
    want = reference.gradient(program)
    _same_structure(got, want)
    reference.map_leaves(lambda a, b: assert_close(a, b, rtol=1e-5), got, want)


@pytest.mark.parametrize("program", PROGRAMS, ids=_ids(PROGRAMS))
def test_value_and_grad_and_jvp_agree_with_the_dual_numbers(program):
    value, grads = s2sad.value_and_grad(program.fn, wrt=program.wrt)(*program.args)
    assert_close(value, program.fn(*program.args))
    direction = reference.tangents(program, seed=3)
    _, tangent = s2sad.jvp(program.fn, wrt=program.wrt)(*program.args, direction)
    _, dual_tangent = reference.dual_directional(program, direction)
    assert_close(tangent, dual_tangent, rtol=1e-8)
    assert_close(reference.inner(grads, direction), tangent, rtol=1e-8)


def test_int_and_str_leaves_are_constants_whose_gradient_is_none():
    x, hyper, config = rng.normal(size=4), Hyper(0.5, 2.0), Named(1.5, 3)
    _, _, g = s2sad.grad(with_hyper, wrt=(0, 1, 2))(x, hyper, config)
    assert isinstance(g, Named) and g.steps is None and g.name is None
    assert_close(g.scale, 2.0 * 0.9 ** 3)


def test_a_changed_structure_gets_a_derivative_of_its_own():
    f = s2sad.grad(pairs)
    assert_close(f((0.7, 1.3)), reference.gradient(Program(pairs, ((0.7, 1.3),), 0)))
    assert isinstance(f([0.7, 1.3]), list)
    with pytest.raises(UnsupportedError, match="unpacking a tuple of 3 values"):
        f((0.7, 1.3, 2.0))


def test_results_that_are_containers_in_vjp_jvp_and_jacobian():
    x, y = 0.7, 1.3
    value, tangent = s2sad.jvp(tuple_and_dict, wrt=(0, 1))(x, y, (1.0, 0.0))
    assert value == tuple_and_dict(x, y)
    h = 1e-6
    plus, minus = tuple_and_dict(x + h, y), tuple_and_dict(x - h, y)
    assert_close(tangent[0], (plus[0] - minus[0]) / (2 * h), rtol=1e-6)
    assert_close(tangent[1]["wave"], (plus[1]["wave"] - minus[1]["wave"]) / (2 * h), rtol=1e-6)
    cotangent = (0.5, {"sum": -1.0, "wave": 2.0})
    _, (gx, gy) = s2sad.vjp(tuple_and_dict, wrt=(0, 1))(x, y, cotangent)
    _, (ty_x) = s2sad.jvp(tuple_and_dict, wrt=0)(x, y, 1.0)
    assert_close(gx, 0.5 * ty_x[0] - ty_x[1]["sum"] + 2.0 * ty_x[1]["wave"])
    jac = s2sad.jacobian(tuple_and_dict, wrt=(0, 1))(x, y)
    assert_close(jac[1]["wave"][0], math.cos(x) * y)
    assert_close(jac[1]["wave"][1], math.sin(x))
    assert_close(jac[0][1], x)


def test_a_dict_of_arrays_maps_to_a_dict_of_arrays():
    state = {"q": np.array([0.1, 0.5]), "p": np.array([1.0, -0.2])}
    jac = s2sad.jacobian(state_update)(state, 0.1)
    assert set(jac) == {"q", "p"} and set(jac["p"]) == {"q", "p"}
    assert_close(jac["p"]["q"], np.diag(-0.1 * np.cos(state["q"])))
    assert_close(jac["q"]["p"], 0.1 * np.eye(2))
    _, tangent = s2sad.jvp(state_update)(state, 0.1, {"q": np.ones(2), "p": np.zeros(2)})
    assert_close(tangent["p"], -0.1 * np.cos(state["q"]))


def test_grad_of_a_container_result_says_to_use_vjp():
    with pytest.raises(UsageError, match="returns a tuple.*vjp"):
        s2sad.grad(tuple_and_dict)(0.7, 1.3)


def test_mismatched_tangent_and_cotangent_structures_are_argument_errors():
    with pytest.raises(ArgumentError, match="tangent of 'params' does not have the structure"):
        s2sad.jvp(mlp)(PARAMS, X, {"W1": np.ones((3, 4))})
    with pytest.raises(ArgumentError, match="cotangent does not have the structure"):
        s2sad.vjp(tuple_and_dict)(0.7, 1.3, (1.0, 2.0))


def test_bound_methods_and_callable_objects():
    model = Model(rng.normal(size=(2, 1)), 2.0)
    x = rng.normal(size=(4, 2))
    assert_close(s2sad.grad(model.loss)(x), reference.gradient(Program(model.loss, (x,), 0)))
    g = s2sad.grad(model.loss, wrt="self")(x)
    assert isinstance(g, Model) and g is not model
    h = 1e-6
    slope = (Model(model.w, 2.0 + h).loss(x) - Model(model.w, 2.0 - h).loss(x)) / (2 * h)
    assert_close(g.scale, slope, rtol=1e-6)
    v = rng.normal(size=2)
    assert_close(s2sad.grad(model)(v), np.cos(v * model.w[:, 0]) * model.w[:, 0] * 2.0)
    assert "def loss_adjoint(self_w, self_scale, x" in s2sad.source(model.loss, x)


def test_source_names_leaves_after_their_keys():
    text = s2sad.source(mlp, PARAMS, X)
    assert "def mlp_adjoint(params_W1, params_b1, params_W2, params_b2, x" in text
    assert "params_W1_bar" in text


def _same_structure(got, want):
    if isinstance(want, (dict, list, tuple)) or dataclasses.is_dataclass(want):
        assert type(got) is type(want)
        kids = (lambda v: list(v.items()) if isinstance(v, dict) else
                list(vars(v).items()) if dataclasses.is_dataclass(v) else list(enumerate(v)))
        assert [k for k, _ in kids(got)] == [k for k, _ in kids(want)]
        for (_, a), (_, b) in zip(kids(got), kids(want)):
            _same_structure(a, b)


# ---------------------------------------------------------------- refusals


def write_argument(params, x):
    params["W1"] = params["W1"] * 2.0
    return np.sum(params["W1"]) * x


def computed_key(params, x):
    key = "W" + "1"
    return np.sum(params[key]) * x


def missing_key(params, x):
    return np.sum(params["W3"]) * x


def missing_field(x, hyper):
    return x * hyper.kappa


def key_added_in_loop(x, n):
    d = {}
    for i in range(n):
        d["s"] = x * i
    return d["s"]


def shapes_change_in_loop(x, n):
    p = (x, x)
    for i in range(n):
        p = (p[0], p[1], x)
    return p[0]


@pytest.mark.parametrize("fn, args, error, message", [
    (write_argument, (PARAMS, 1.5), UnsupportedError, r"container passed as the argument `params`"),
    (computed_key, (PARAMS, 1.5), UnsupportedError, r"indexing the dict `params` by a value"),
    (missing_key, (PARAMS, 1.5), UnsupportedError, r"the key 'W3'"),
    (missing_field, (1.5, Hyper(0.5, 2.0)), UnsupportedError, r"fields lam, mu"),
    (key_added_in_loop, (1.5, 3), UnsupportedError, r"adding the key 's'"),
    (shapes_change_in_loop, (1.5, 3), UnsupportedError, r"containers of different shapes"),
    (pairs, (1.5,), None, None),
])
def test_refusals_name_the_line_and_the_construct(fn, args, error, message):
    if error is None:
        with pytest.raises(UnsupportedError):   # a number where a pair is unpacked
            s2sad.grad(fn)(*args)
        return
    with pytest.raises(error, match=message) as caught:
        s2sad.grad(fn, wrt=len(args) - 1)(*args)
    assert "test_structures.py:" in str(caught.value)


def test_a_container_used_as_a_number_is_an_argument_error():
    def scale(x, y):
        return x * y
    with pytest.raises(ArgumentError, match=r"argument 'x' is a tuple or list"):
        s2sad.grad(_scale)([1.0, 2.0], 2.0)


def _scale(x, y):
    return x * y


@pytest.mark.parametrize("program", PROGRAMS, ids=_ids(PROGRAMS))
def test_check_grads_takes_structures(program):
    checks = s2sad.check_grads(program.fn, program.args, wrt=program.wrt)
    assert len(checks) == 2 * len(program.positions)


def test_check_grads_of_container_results_and_methods():
    assert s2sad.check_grads(tuple_and_dict, (0.7, 1.3), wrt=(0, 1))
    state = {"q": np.array([0.1, 0.5]), "p": np.array([1.0, -0.2])}
    assert s2sad.check_grads(state_update, (state, 0.1))
    model = Model(rng.normal(size=(2, 1)), 2.0)
    x = rng.normal(size=(4, 2))
    assert s2sad.check_grads(model.loss, (x,), wrt=(0, "self"))


def test_check_grads_finds_a_wrong_rule_inside_a_structure(registered):
    s2sad.defrule(_half_square, partials=lambda x: 2.0 * x)   # wrong: x is right
    assert s2sad.check_grads(_sum_of_squares, ({"w": np.arange(3.0), "n": 2},))
    with pytest.raises(s2sad.CheckError):
        s2sad.check_grads(_wrong_sum_of_squares, ({"w": np.arange(3.0), "n": 2},))


def _sum_of_squares(params):
    return np.sum(params["w"] ** 2) * params["n"]


def _half_square(x):
    return 0.5 * x * x


def _wrong_sum_of_squares(params):
    return np.sum(_half_square(params["w"]))


class Linear:
    """A model with a method calling another, a staticmethod, a classmethod and a class
    constant: each is read where the method is inlined."""
    EPS = 1e-3

    def __init__(self, w, b):
        self.w = w
        self.b = b

    def predict(self, x):
        return x @ self.w + self.b

    def loss(self, x, y):
        return np.mean((self.predict(x) - y) ** 2) + self.EPS * self.penalty(self.w)

    @staticmethod
    def penalty(w):
        return np.sum(w ** 2)

    @classmethod
    def scaled(cls, x):
        return np.sum(cls.EPS * x * x) + cls.penalty(x)


def linear_loss(model, x, y):
    return np.sum((model.predict(x) - y) ** 2)


LINEAR = Linear(rng.normal(size=3), 0.5)
XY = (rng.normal(size=(5, 3)), rng.normal(size=5))
METHODS = [Program(LINEAR.loss, XY, 0), Program(linear_loss, (LINEAR,) + XY, 1),
           Program(Linear.scaled, (rng.normal(size=3),), 0)]


@pytest.mark.parametrize("program", METHODS, ids=_ids(METHODS))
def test_methods_staticmethods_and_classmethods(program):
    got = s2sad.grad(program.fn, wrt=program.wrt)(*program.args)
    reference.map_leaves(lambda a, b: assert_close(a, b, rtol=1e-5), got,
                         reference.gradient(program))
    assert s2sad.check_grads(program.fn, program.args, wrt=program.wrt)


def test_the_fields_of_the_object_a_method_is_bound_to():
    assert s2sad.check_grads(linear_loss, (LINEAR,) + XY, wrt=(0, 1))
    g = s2sad.grad(LINEAR.loss, wrt="self")(*XY)
    h = 1e-6
    up, down = Linear(LINEAR.w, 0.5 + h), Linear(LINEAR.w, 0.5 - h)
    assert_close(g.b, (up.loss(*XY) - down.loss(*XY)) / (2 * h), rtol=1e-6)
    assert_close(g.w, 2 * XY[0].T @ (LINEAR.predict(XY[0]) - XY[1]) / 5 + 2e-3 * LINEAR.w)
    text = s2sad.source(LINEAR.loss, *XY, wrt="self")
    assert "Linear.EPS" in text and "def loss_adjoint(self_w, self_b, x, y" in text
