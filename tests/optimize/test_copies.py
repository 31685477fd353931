"""Copies of an adjoint read under the name they copy (s2sad/optimize/copies.py): where
that is exact (the copied name is not rebound before the copy's last read, the copy is
assigned there only and read only after it), what stays (a copy read after the copied name
changes, read by the code that follows, or across a loop that rebinds it), and programs
whose adjoints had such copies, checked against central differences and the tangent."""
import math

import gast
import numpy as np
import pytest

import s2sad
from s2sad.optimize.copies import rename_copies
from s2sad.syntax.printer import source
from util import numeric_grad


def renamed(text, readers=""):
    statements = rename_copies(gast.parse(text).body, gast.parse(readers).body)
    return "\n".join(source(s).strip() for s in statements)


def test_a_copy_is_read_under_the_name_it_copies():
    assert renamed("t1_bar = s_bar\nx_bar += t1_bar * c") == "x_bar += s_bar * c"
    assert renamed("t10_bar = m_bar\ng_bar += t10_bar * t9\nt9_bar = t10_bar * g\n"
                   "m_bar -= t9_bar") == "g_bar += m_bar * t9\nt9_bar = m_bar * g\nm_bar -= t9_bar"
    # the last reader may rebind the copied name: it reads first
    assert renamed("t1 = s\ns = s + t1") == "s = s + s"
    # an array updated in place is the same object under both names
    assert renamed("t1 = a\na[0] = 1.0\ny = t1 * 2.0") == "a[0] = 1.0\ny = a * 2.0"


def test_a_copy_stays_where_renaming_would_change_what_is_read():
    for kept in ("t1 = s\ns = s * 2.0\ny = t1 + s",           # s rebound before the read
                 "t1 = s\ns += 1.0\ny = t1",                 # a number updated: rebound
                 "t1 = s\nt1 = t1 + 1.0\ny = t1",            # the copy assigned again
                 "t1 = s\nfor i in r:\n    y = t1 * 2.0\n    s = s + y",   # across a loop
                 "t1 = s\nif c:\n    s = 0.0\n    y = t1",   # rebound inside the reader
                 "y = t1\nt1 = s"):                          # read before the copy
        assert renamed(kept) == kept, kept
    assert renamed("t1 = s\ny = t1", readers="z = t1") == "t1 = s\ny = t1"
    # reads in a nested block under a copy made outside it
    assert renamed("t1 = s\nfor i in r:\n    y = y + t1") == "for i in r:\n    y = y + s"


def damped_sines(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x)
        x = x * 0.5
    return s


def kalman_mean(q, r, y):
    mean, var = y[0], r
    for t in range(1, len(y)):
        var = var + q
        gain = var / (var + r)
        mean = mean + gain * (y[t] - mean)
        var = (1.0 - gain) * var
    return mean * mean + var


def test_adjoints_that_had_copies_are_still_right():
    text = s2sad.source(damped_sines, 0.8, 5)
    assert "t1_bar" not in text and "x_bar += s_bar * math.cos(x)" in text
    assert s2sad.grad(damped_sines)(0.8, 5) == pytest.approx(
        numeric_grad(damped_sines, (0.8, 5)), rel=1e-7)
    y = np.array([0.3, 1.2, -0.4, 0.8])
    text = s2sad.source(kalman_mean, 0.2, 0.5, y, wrt=(0, 1))
    assert "_bar = mean_bar\n" not in text
    for position in (0, 1):
        gradient = s2sad.grad(kalman_mean, wrt=position)(0.2, 0.5, y)
        assert gradient == pytest.approx(numeric_grad(kalman_mean, (0.2, 0.5, y), position),
                                         rel=1e-6)
        _, tangent = s2sad.jvp(kalman_mean, wrt=position)(0.2, 0.5, y, 1.0)
        assert tangent == pytest.approx(gradient)
