"""Parameter structures (s2sad/ir/trees.py): every container type, nested, comes apart
into its leaves and back with its own classes and keys; its Shape is a cache key (equal
for the same containers and keys, different for another order or class); each leaf has a
path; and a structure that does not match says where."""
import collections
import dataclasses
import doctest
import enum
import functools
import math
import types
import typing

import numpy as np
import pytest

import s2sad
from s2sad.ir import trees
from s2sad.ir.trees import LEAF, check_same, differentiable, flatten, paths, rebuild

Pair = collections.namedtuple("Pair", "a b")
Other = collections.namedtuple("Other", "a b")


@dataclasses.dataclass
class Layer:
    W: np.ndarray
    b: float
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Frozen:
    scale: float
    n: int

    def __post_init__(self):
        if self.scale <= 0:
            raise ValueError("scale must be positive")


class Model:
    """A plain class: its fields are what `vars` holds, set in any order."""

    def __init__(self, scale, layers):
        self.scale = scale
        self.layers = layers
        self.name = "model"

    def loss(self, x):
        return self.scale * x


class Color(enum.Enum):
    RED = 1


def nested():
    """A dict of lists of namedtuples of arrays, a dataclass holding a dict, objects."""
    return {
        "pairs": [Pair(np.arange(3.0), np.float32(2.0)), Pair(1.5, np.ones((2, 2)))],
        "layer": Layer(np.eye(2), 0.5, {"gain": 2.0, "steps": 3}),
        "frozen": Frozen(1.0, 4),
        "model": Model(3.0, (Layer(np.zeros(2), -1.0), 7)),
        "ordered": collections.OrderedDict(y=1.0, x=np.arange(2, dtype=np.float32)),
        "flags": (True, None, "tanh", np.arange(2)),
    }


def same(a, b):
    """`a` and `b` have the same containers, classes, keys and leaves (arrays equal,
    with the same dtype, floats of the same type)."""
    leaves_a, shape_a = flatten(a)
    leaves_b, shape_b = flatten(b)
    assert shape_a == shape_b
    for x, y in zip(leaves_a, leaves_b):
        assert type(x) is type(y)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y)
        else:
            assert x == y or x is y


# ------------------------------------------------------------------ flatten and rebuild

def test_the_module_examples_hold():
    result = doctest.testmod(trees)
    assert result.failed == 0 and result.attempted


def test_leaves_come_depth_first_in_key_field_and_item_order():
    leaves, _ = flatten({"b": [1.0, Pair(2.0, 3)], "a": Layer(np.ones(1), 4.0)})
    assert leaves[:3] == [1.0, 2.0, 3]
    assert leaves[3] is not None and leaves[4:] == [4.0]


def test_round_trip_of_every_container_nested():
    tree = nested()
    leaves, _ = flatten(tree)
    back = rebuild(tree, leaves)
    same(tree, back)
    assert type(back["pairs"][0]) is Pair and type(back["layer"]) is Layer
    assert type(back["frozen"]) is Frozen and type(back["model"]) is Model
    assert type(back["ordered"]) is collections.OrderedDict
    assert list(back["ordered"]) == ["y", "x"]
    assert back["model"].loss(2.0) == 6.0


def test_rebuild_makes_new_containers_and_leaves_the_original_alone():
    tree = nested()
    leaves, _ = flatten(tree)
    doubled = rebuild(tree, [2 * leaf if differentiable(leaf) else leaf for leaf in leaves])
    assert doubled["model"] is not tree["model"] and doubled["layer"] is not tree["layer"]
    assert tree["model"].scale == 3.0 and doubled["model"].scale == 6.0
    assert tree["layer"].extra["gain"] == 2.0 and doubled["layer"].extra["gain"] == 4.0
    assert doubled["layer"].extra["steps"] == 3


def test_frozen_dataclass_is_rebuilt_without_running_post_init():
    """A gradient may hold values the class's checks refuse (a negative scale): they are
    the derivative's numbers, not a model."""
    gradient = rebuild(Frozen(1.0, 4), [-2.0, None])
    assert type(gradient) is Frozen and gradient.scale == -2.0 and gradient.n is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        gradient.scale = 1.0


def test_dataclass_keeps_attributes_outside_its_fields():
    layer = Layer(np.ones(2), 1.0)
    layer.cache = "kept"
    leaves, shape = flatten(layer)
    assert shape.keys == ("W", "b", "extra") and len(leaves) == 2
    assert rebuild(layer, [np.zeros(2), 0.0]).cache == "kept"


def test_slotted_dataclass_typed_namedtuple_and_subclasses_of_dict_and_list():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        x: float
        y: list

    class Typed(typing.NamedTuple):
        u: float
        v: float

    class Params(list):
        pass

    tree = {"s": Slotted(1.0, [2.0]), "d": collections.defaultdict(list, a=3.0),
            "p": Params([4.0, 5.0]), "t": Typed(6.0, 7.0)}
    leaves, _ = flatten(tree)
    assert leaves == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    back = rebuild(tree, [10 * leaf for leaf in leaves])
    assert type(back["s"]) is Slotted and back["s"].y == [20.0]
    assert type(back["t"]) is Typed and back["t"] == (60.0, 70.0)
    assert type(back["d"]) is collections.defaultdict and back["d"]["b"] == []
    assert type(back["p"]) is Params and back["p"] == [40.0, 50.0]


def test_leaves_that_are_not_containers():
    things = [1.0, 2, True, None, "s", b"b", 1j, np.float32(1), np.int64(2), np.arange(2),
              math.sin, math, Model, Color.RED, functools.partial(max, 1), np.float64,
              np.dtype("f8"), np.ma.masked_array([1.0]), np.random.default_rng(0)]
    for thing in things:
        leaves, shape = flatten(thing)
        assert shape == LEAF and leaves[0] is thing
        assert rebuild(thing, ["new"]) == "new"


def test_a_structure_that_holds_itself_is_refused():
    model = Model(1.0, [])
    model.layers.append({"owner": model})
    with pytest.raises(s2sad.ArgumentError, match=r'model\.layers\[0\]\["owner"\] is model '
                       "again: a parameter structure cannot hold itself"):
        flatten(model, "model")
    with pytest.raises(s2sad.ArgumentError, match="cannot hold itself"):
        check_same(model, model, "params", "the tangent")


def test_shared_leaves_and_containers_are_separate_places():
    """The same array or list reached twice is two places (each gets its own gradient);
    only a container inside itself is refused."""
    shared = [1.0]
    leaves, shape = flatten({"a": shared, "b": shared})
    assert leaves == [1.0, 1.0] and shape.size == 2


def test_a_tuple_subclass_that_is_not_a_namedtuple_is_refused():
    class Vec(tuple):
        pass

    with pytest.raises(s2sad.ArgumentError, match="`Vec`, a tuple subclass that is not a "
                       "namedtuple"):
        flatten({"v": Vec((1.0, 2.0))})


def test_wrong_number_of_leaves_is_refused():
    with pytest.raises(s2sad.ArgumentError, match="fewer leaves"):
        rebuild([1.0, 2.0], [1.0])
    with pytest.raises(s2sad.ArgumentError, match="more leaves than the 2"):
        rebuild([1.0, 2.0], [1.0, 2.0, 3.0])


# ------------------------------------------------------------------ the shape as a cache key

def shape(value):
    return flatten(value)[1]


def test_shape_is_equal_for_the_same_structure_whatever_the_leaves():
    first, second = nested(), nested()
    second["layer"].b = np.float32(7.0)
    second["pairs"][0] = Pair("a string", 3)
    assert shape(first) == shape(second)
    assert hash(shape(first)) == hash(shape(second))
    assert len({shape(first), shape(second)}) == 1


@pytest.mark.parametrize("one, other", [
    ({"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0}),               # key order
    ({"a": 1.0}, {"c": 1.0}),                                   # key
    ({"a": 1.0}, collections.OrderedDict(a=1.0)),               # dict class
    ([1.0, 2.0], (1.0, 2.0)),                                   # list or tuple
    ([1.0, 2.0], [1.0, 2.0, 3.0]),                              # length
    (Pair(1.0, 2.0), Other(1.0, 2.0)),                          # namedtuple class
    (Pair(1.0, 2.0), (1.0, 2.0)),
    ([1.0, [2.0]], [1.0, 2.0]),                                  # nesting
    ({"a": 1.0}, 1.0),
    (Model(1.0, []), types.SimpleNamespace(**vars(Model(1.0, [])))),  # object class
    (Layer(1.0, 2.0), Frozen(1.0, 2)),
])
def test_shape_differs_for_another_order_class_or_nesting(one, other):
    assert shape(one) != shape(other)


def test_objects_of_one_class_with_other_fields_differ():
    one, other = Model(1.0, []), Model(1.0, [])
    other.bias = 0.0
    assert shape(one) != shape(other)
    del other.bias
    assert shape(one) == shape(other)


def test_shape_counts_leaves():
    assert shape(nested()).size == len(flatten(nested())[0]) == 21
    assert LEAF.size == 1 and shape([]).size == 0


# ------------------------------------------------------------------ paths

def test_paths_name_each_leaf_as_python_reaches_it():
    tree = {"W": 1.0, "p": [Pair(2.0, 3.0)], "model": Model(4.0, ()), 3: 5.0,
            "two words": 6.0, 'q"uote': 7.0}
    names = paths(shape(tree), "params")
    assert [n.text for n in names] == [
        'params["W"]', 'params["p"][0].a', 'params["p"][0].b', 'params["model"].scale',
        'params["model"].name', "params[3]", 'params["two words"]', "params['q\"uote']"]
    assert [n.identifier for n in names] == [
        "params_W", "params_p_0_a", "params_p_0_b", "params_model_scale",
        "params_model_name", "params_3", "params_two_words", "params_q_uote"]
    assert all(n.identifier.isidentifier() for n in names)


def test_paths_of_a_leaf_and_of_odd_keys():
    assert paths(LEAF, "x") == [("x", "x")]
    names = paths(shape({(1, 2): 1.0, "-": 2.0, -1.5: 3.0}), "p")
    assert [n.text for n in names] == ["p[(1, 2)]", 'p["-"]', "p[-1.5]"]
    assert [n.identifier for n in names] == ["p_1_2", "p_key", "p_1_5"]


def test_paths_match_flatten_order_for_the_nested_structure():
    tree = nested()
    leaves, tree_shape = flatten(tree)
    names = paths(tree_shape, "params")
    assert len(names) == len(leaves)
    for name, leaf in zip(names, leaves):
        assert eval(name.text, {"params": tree}) is leaf   # noqa: S307 - our own paths


# ------------------------------------------------------------------ which leaves are differentiated

@pytest.mark.parametrize("leaf, expected", [
    (1.0, True), (np.float64(1), True), (np.float32(1), True), (np.ones(2), True),
    (np.ones(2, np.float32), True), (np.array(1.0), True),
    (1, False), (True, False), (None, False), ("s", False), (np.int64(1), False),
    (np.arange(2), False), (np.array([True]), False), (1j, False), (np.ones(2, complex), False),
    (Color.RED, False), (math.sin, False),
])
def test_differentiable_leaves_are_floats_and_float_arrays(leaf, expected):
    assert differentiable(leaf) is expected


# ------------------------------------------------------------------ structures that do not match

@pytest.mark.parametrize("value, other, message", [
    ({"a": 1.0, "b": 2.0}, {"a": 1.0},
     "the cotangent does not have the structure of the result: it has keys ['a'] where "
     "the result has keys ['a', 'b']."),
    ({"a": [1.0, (2.0, 3.0)]}, {"a": [1.0, [2.0]]},
     'the cotangent does not have the structure of the result: at ["a"][1] it has 1 items '
     "where the result has 2 items."),
    ([Pair(1.0, 2.0)], [1.0],
     "at [0] it has a float (1.0) where the result has a Pair (a namedtuple)."),
    ([Pair(1.0, 2.0)], [Other(1.0, 2.0)],
     "at [0] it has an Other (a namedtuple) where the result has a Pair (a namedtuple)."),
    ((1.0, 2.0, 3.0), (1.0, 2.0), "it has 2 items where the result has 3 items."),
    ({"m": Model(1.0, [])}, {"m": types.SimpleNamespace(scale=1.0)},
     'at ["m"] it has a SimpleNamespace (an object) where the result has a Model (an object).'),
    ({"a": np.ones(3)}, {"a": {"x": 1.0}},
     'at ["a"] it has a dict where the result has an array of shape (3,).'),
    ({"a": None}, {"a": [1.0]}, 'at ["a"] it has a list where the result has None.'),
])
def test_a_structure_that_does_not_match_says_where_and_how(value, other, message):
    with pytest.raises(s2sad.ArgumentError) as error:
        check_same(value, other, "the result", "the cotangent")
    assert message in str(error.value)


def test_a_list_and_a_tuple_of_the_same_items_match():
    """NumPy gives a list of arrays where s2sad may hold a tuple (np.split's outputs), and
    users write either for a cotangent: the items decide."""
    check_same({"a": [1.0, (2.0, 3.0)]}, {"a": (1.0, [2.0, 3.0])}, "the result", "the cotangent")


def test_object_fields_that_differ_are_named():
    value, other = Model(1.0, []), Model(1.0, [])
    del other.name
    with pytest.raises(s2sad.ArgumentError, match=r"it has fields \['scale', 'layers'\] where "
                       r"params has fields \['scale', 'layers', 'name'\]"):
        check_same(value, other, "params", "the tangent")


def test_matching_structures_pass_whatever_their_leaves():
    tree = nested()
    check_same(tree, rebuild(tree, [0.0] * len(flatten(tree)[0])), "params", "the tangent")
    check_same({"a": 1.0, "n": 3}, {"a": np.float32(0.5), "n": None}, "params", "the tangent")
