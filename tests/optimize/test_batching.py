"""Outer products a backward loop adds to an adjoint trip by trip are batched into one
matrix product after the loop (s2sad/batching.py): what is rewritten, what must not be,
and gradients of recurrences checked against central differences."""
import itertools
import re

import gast
import numpy as np

import s2sad
from s2sad.optimize.batching import batch_outer_products
from s2sad.syntax.printer import source
from util import numeric_grad


def rewrite(text, vectors=("h", "g", "a")):
    counter = itertools.count()
    out = batch_outer_products(gast.parse(text).body, set(vectors), "np",
                               lambda hint: f"{hint}{next(counter)}")
    return "\n".join(source(s).rstrip() for s in out)


LOOP = "for t in range(n):\n    g = h * 2.0\n    U_bar += np.outer(h, g)\n"


def test_an_outer_product_per_trip_becomes_one_product():
    text = rewrite(LOOP)
    assert "np.outer" not in text and "U_bar_left0.append(h)" in text, text
    assert "U_bar += np.array(U_bar_left0).T @ np.array(U_bar_right1)" in text, text


def test_left_alone_when_a_vector_changes_in_place_or_the_adjoint_is_read():
    assert "np.outer" in rewrite(LOOP + "    g += 1.0\n")
    assert "np.outer" in rewrite(LOOP + "    h[0] = 0.0\n")
    assert "np.outer" in rewrite(LOOP + "    a = U_bar @ h\n")
    assert "np.outer" in rewrite(LOOP, vectors=("h",))
    assert "np.outer" in rewrite(LOOP + "    if t > 2:\n        break\n")


def recurrence(W, U, x):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        loss += np.sum(h ** 2)
    return loss


def test_recurrent_weight_gradients_are_batched_and_exact():
    rng = np.random.default_rng(4)
    args = (rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5,
            rng.normal(size=(6, 3)))
    text = s2sad.source(recurrence, *args, wrt=(0, 1))
    # the input product runs for all trips at once (transform/distribute.py): its weight
    # gradient is one product too
    # and the left vectors, the `h` before each trip, are the stacked rows shifted by one
    # (shifted_rows.py), not values kept from the tape
    assert "np.outer" not in text and \
        "U_bar += np.concatenate((hs[-2::-1], h_first[None])).T @ U_bar_right" in text \
        and "W_bar = x.T @ " in text and "push(" not in text and "= pop()" not in text, text
    for steps in (6, 1, 0):
        part = args[:2] + (args[2][:steps],)
        grads = s2sad.grad(recurrence, wrt=(0, 1))(*part)
        for position, g in enumerate(grads):
            np.testing.assert_allclose(g, numeric_grad(recurrence, part, position), rtol=1e-6,
                                       atol=1e-9)


SUM = "for t in range(n):\n    g = h * 2.0\n    U_bar += np.outer(h, g)\n    b_bar += g\n"


def test_a_vector_the_batch_keeps_is_summed_once():
    text = rewrite(SUM)
    assert "b_bar += g\n" not in text + "\n", text
    assert "U_bar_right1 = np.array(U_bar_right1)\n" \
        "    U_bar += np.array(U_bar_left0).T @ U_bar_right1\n" \
        "    b_bar += np.sum(U_bar_right1, axis=0)" in text, text


SHARED = "for t in range(n):\n    g = h * 2.0\n    U_bar += np.outer(h, g)\n" \
    "    W_bar += np.outer(a, g)\n"


def test_a_vector_two_products_keep_is_kept_once_and_made_an_array_once():
    text = rewrite(SHARED)
    assert text.count(".append(g)") == 1 and "W_bar_right" not in text, text
    assert "if U_bar_left0:\n    U_bar_right1 = np.array(U_bar_right1)\n" \
        "    U_bar += np.array(U_bar_left0).T @ U_bar_right1\n" \
        "    W_bar += np.array(W_bar_left2).T @ U_bar_right1" in text, text
    # the vector changes between the two products: two lists
    changed = rewrite(SHARED.replace("    W_bar", "    g = h * 3.0\n    W_bar"))
    assert changed.count(".append(g)") == 2, changed


def test_sums_left_alone_where_batching_would_keep_more():
    # no outer product keeps the vector: summing after the loop would hold every trip's
    assert "    b_bar += g" in rewrite("for t in range(n):\n    g = h * 2.0\n    b_bar += g\n")
    # the vector kept is an earlier value of the name
    assert "    b_bar += g" in rewrite(SUM.replace("    b_bar += g", "    g = h * 3.0\n"
                                                                    "    b_bar += g"))
    # the adjoint is read in the loop
    assert "    b_bar += g" in rewrite(SUM + "    a = b_bar * h\n")


def biased(W, U, b, x):
    h = np.zeros(U.shape[0])
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U + b)
        loss += np.sum(h ** 2)
    return loss


def test_bias_gradient_summed_after_the_loop_is_exact():
    rng = np.random.default_rng(5)
    args = (rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5,
            rng.normal(size=4) * 0.1, rng.normal(size=(6, 3)))
    text = s2sad.source(biased, *args, wrt=(0, 1, 2))
    assert re.search(r"b_bar \+?= np\.sum\(", text), text
    for steps in (6, 1, 0):
        part = args[:3] + (args[3][:steps],)
        grads = s2sad.grad(biased, wrt=(0, 1, 2))(*part)
        for position, g in enumerate(grads):
            np.testing.assert_allclose(g, numeric_grad(biased, part, position), rtol=1e-6,
                                       atol=1e-9)
