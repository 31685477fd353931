"""row_pops.py: the list of an adjoint's rows that the backward loop pops once a trip is
read by row instead (`h_bar += hs_bar[t]`), where the forward loop appended once a trip;
what must be left alone is checked on hand-written sweeps, and gradients of the programs
it rewrites against the loop as written and central differences."""
import os
import sys
from types import SimpleNamespace

import gast
import numpy as np
import pytest

import s2sad
from programs.elman import elman, elman_unbatched, network
from s2sad.optimize import row_pops
from s2sad.syntax.printer import source
from util import assert_close, numeric_grad

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "samples"))
from elman import elman_loss  # noqa: E402  samples/elman.py: one number out a step

FORWARD = """
h_trips = []
for t in range(n):
    h = np.tanh(a[t] + h)
    h_trips.append(h)
hs = np.array(h_trips)
"""

BACKWARD = """
hs_bar = np.zeros_like(hs)
hs_bar += g
h_trips_bar = list(hs_bar)
for t in reversed(range(n)):
    h_bar += h_trips_bar.pop()
    h_bar = h_bar * 2.0
"""


def rewrite(forward=FORWARD, backward=BACKWARD):
    context = SimpleNamespace(handles={"np": "np"}, forward=gast.parse(forward).body,
                              readers=[])
    out = row_pops.run(gast.parse(backward).body, context)
    return "\n".join(source(s).rstrip() for s in out)


def test_a_list_popped_once_a_trip_is_read_by_row():
    text = rewrite()
    assert "list(" not in text and "h_bar += hs_bar[t]" in text, text


@pytest.mark.parametrize("forward, backward", [
    # appended twice a trip: the list has two rows a trip
    (FORWARD.replace("    h_trips.append(h)\n", "    h_trips.append(h)\n    h_trips.append(h)\n"),
     BACKWARD),
    # appended in a branch: not once a trip
    (FORWARD.replace("    h_trips.append(h)\n", "    if t > 1:\n        h_trips.append(h)\n"),
     BACKWARD),
    # the forward loop runs another count
    (FORWARD.replace("range(n)", "range(m)"), BACKWARD),
    # the adjoint is bound again before the list is made
    (FORWARD, BACKWARD.replace("hs_bar += g", "hs_bar = g")),
    # the adjoint has another shape
    (FORWARD, BACKWARD.replace("np.zeros_like(hs)", "np.zeros_like(g)")),
    # popped in a branch: not once a trip
    (FORWARD, BACKWARD.replace("    h_bar += h_trips_bar.pop()",
                               "    if t:\n        h_bar += h_trips_bar.pop()")),
    # the list is read again after the loop
    (FORWARD, BACKWARD + "rest = h_trips_bar\n"),
    # the adjoint is bound again in the loop
    (FORWARD, BACKWARD + "    hs_bar = 2.0 * hs_bar\n"),
])
def test_left_alone_where_the_rows_are_not_the_pops(forward, backward):
    assert "list(hs_bar)" in rewrite(forward, backward)


def test_the_elman_adjoint_reads_the_rows():
    code = s2sad.source(elman, *network(np.random.default_rng(0), 6), wrt=(0, 1, 2, 3),
                        mode="gradient")
    assert "h_bar += hs_bar[t]" in code and "list(" not in code, code


@pytest.mark.parametrize("steps", [0, 1, 5])
def test_gradients_equal_the_loop_and_differences(steps):
    rng = np.random.default_rng(20 + steps)
    args = network(rng, steps)
    wrt = (0, 1, 2, 3)
    for g, want, w in zip(s2sad.grad(elman, wrt=wrt)(*args),
                          s2sad.grad(elman_unbatched, wrt=wrt)(*args), wrt):
        assert_close(g, want, rtol=1e-12, atol=1e-14)
        assert_close(g, numeric_grad(elman, args, w), rtol=1e-5, atol=1e-7)
    hidden = (rng.normal(size=4), 0.4 * rng.normal(size=(4, 4)), rng.normal(size=4),
              rng.normal(size=4), rng.normal(size=steps), rng.normal(size=steps))
    for g, w in zip(s2sad.grad(elman_loss, wrt=wrt)(*hidden), wrt):
        assert_close(g, numeric_grad(elman_loss, hidden, w), rtol=1e-5, atol=1e-7)


def test_a_popped_number_is_read_by_row():
    rng = np.random.default_rng(2)
    args = (rng.normal(size=4), rng.normal(size=(4, 4)), rng.normal(size=4),
            rng.normal(size=4), rng.normal(size=5), rng.normal(size=5))
    code = s2sad.source(elman_loss, *args, wrt=(0, 1, 2, 3), mode="gradient")
    assert "y_bar = ys_bar[t]" in code and "list(" not in code, code
