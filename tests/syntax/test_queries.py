"""The questions every pass asks of gast code (s2sad/syntax/queries.py): which names a
statement reads, assigns, writes into and updates in place, on the shapes of code the
emitters write and users write."""
import doctest
import textwrap

import gast
import pytest

from s2sad.syntax import queries


def body(text):
    return gast.parse(textwrap.dedent(text)).body


def test_the_module_examples_hold():
    assert doctest.testmod(queries).failed == 0


def test_reads_and_assignments():
    code = body("""
        y[i] = a * b
        z = y
        for k in range(n):
            s += x[k]
    """)
    assert queries.loaded(code) == {"y", "i", "a", "b", "range", "n", "x", "k"}
    assert queries.stored(code) == {"z", "k", "s"}
    assert queries.written(code) == {"y", "z", "k", "s"}
    assert queries.names(code) == {"y", "i", "a", "b", "z", "k", "range", "n", "s", "x"}


def test_one_node_and_a_list_are_asked_alike():
    (statement,) = body("u = v * v")
    assert queries.names(statement) == queries.names([statement]) == {"u", "v"}
    assert queries.names((statement,)) == {"u", "v"}


def test_uses_name_an_element_write_a_store_of_the_array():
    (statement,) = body("y[i] = y[i - 1] + c")
    assert queries.uses(statement) == {("y", "store"), ("y", "load"), ("i", "load"),
                                       ("c", "load")}


def test_counts_are_a_dict_callers_may_set():
    counts = queries.counts(body("a = b + b\nb = a"))
    assert counts == {("a", "store"): 1, ("b", "load"): 2, ("b", "store"): 1,
                      ("a", "load"): 1}
    counts.update([(("a", "store"), 0)])
    assert counts[("a", "store")] == 0
    assert type(counts) is dict


def test_mentions_count_every_occurrence():
    assert queries.mentions(body("x = x * x + y"), "x") == 3
    assert queries.mentions(body("x = y"), "z") == 0


@pytest.mark.parametrize("text, expected", [
    ("np.exp(a)", "np.exp"),
    ("unbroadcast(g, x)", "unbroadcast"),
    ("np.add.at(g, i, v)", "np.add.at"),
    ("f(a)(b)", None),
])
def test_called(text, expected):
    call = gast.parse(text).body[0].value
    assert queries.called(call) == expected


def test_calls_only_pure_functions():
    pure = {"np.exp", "np.sum"}
    assert queries.calls_only(body("y = np.sum(np.exp(x))"), pure)
    assert not queries.calls_only(body("y = np.sum(f(x))"), pure)


def test_targets_and_the_names_they_bind():
    assign, augmented, loop, element = body("""
        a, (b, *c) = t
        d += 1
        for e in r:
            pass
        f[0] = 1
    """)
    assert [n.id for t in queries.targets(assign) for n in queries.bound_names(t)] == \
        ["a", "b", "c"]
    assert [n.id for n in queries.bound_names(queries.targets(augmented)[0])] == ["d"]
    assert [n.id for n in queries.bound_names(queries.targets(loop)[0])] == ["e"]
    assert queries.bound_names(queries.targets(element)[0]) == []
    assert queries.targets(body("g(x)")[0]) == []


def test_assigns_looks_into_nested_blocks():
    code = body("""
        if c:
            for i in r:
                w = 1
    """)
    assert queries.assigns(code, {"w"})
    assert queries.assigns(code, {"i"})
    assert not queries.assigns(code, {"c", "r"})


@pytest.mark.parametrize("text, expected", [
    ("x", "x"), ("x[1:]", "x"), ("x.T", "x"), ("x.T[0]", "x"), ("f(x)", None), ("1.0", None),
])
def test_viewed(text, expected):
    assert queries.viewed(gast.parse(text).body[0].value) == expected


def test_updated_in_place_from_the_structure_alone():
    code = body("""
        v += 1
        w[i] = 2
        np.add.at(g, idx, 1)
        u = v
        q.T[0] = 3
    """)
    assert queries.updated_in_place(code) == {"v", "w", "g", "q"}
