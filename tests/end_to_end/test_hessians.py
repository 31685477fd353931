"""Second derivatives of every program the gradient suites run: `s2sad.hessian`,
`s2sad.hvp`, `jvp(grad(f))`, `jacobian(grad(f))` and `grad(grad(f))`, against references
that share nothing with s2sad (second_order.py, checked on its own in
test_second_order_oracle.py).

A row is a scalar-valued program of the control-flow modules, the straight-line and
regression corpora, the seeds, the review and copy cases of forward mode or the realistic
programs, at the arguments its own suite uses. Where s2sad differentiates it twice: its Hessian matches
second differences of its values (Richardson-extrapolated: within 2e-7 of the larger of
the Hessian's largest entry and the function's value at these points, so the 1e-5 asked
is honest) and is symmetric; `hvp` matches the
second differences times `v` and is `H . v` to rounding; `jvp(grad(f))` gives the
gradient and `hvp`; and the nested dual numbers, exact, agree to rounding: the whole
Hessian for programs of numbers, `u . hvp(v) = u^T H v` for the others. Where it does
not, hessian_refusals.py lists the row with the reason s2sad gives, and each refused call
must raise an `s2sad.Error` that says where and why; a listed row that starts working
fails until it is taken off, so the tables say what second derivatives cannot do yet.

No row's point sits on a kink: second differences and the nested dual numbers agree
there (test_second_differences_see_no_kink), so the program is twice differentiable at
it, branches, `abs` and `max` included (the derivative is that of the branch taken). The
few realistic programs the nested numbers cannot run (through np.linalg) have the second
differences alone, like their first derivatives.
"""
import functools
import re
from typing import Any, NamedTuple

import numpy as np
import pytest
import second_order as so
from programs import control_flow as control
from programs import realistic
from programs.realistic.reference import leaves

import s2sad
from hessian_refusals import REFUSED, REFUSED_HESSIAN, UNLOCATED
import test_forward_mode as forward
import test_regression_programs as regressions
import test_seeds as seeds
import test_straight_line as straight


class Row(NamedTuple):
    name: str
    fn: Any
    args: tuple
    wrt: Any
    dual: bool = True  # the nested dual numbers can run it (not through np.linalg)


def _rows():
    found = [("control", fn, args, wrt, True) for fn, args, wrt in control.CASES]
    found += [("straight", fn, args, wrt, True) for fn, args, wrt in straight.CASES]
    found += [("regression", fn, args, (0, 1), True) for fn in regressions.CASES
              for args in [(0.37, -0.61), (0.9, 0.2)]]
    found += [("review", fn, args, wrt, True) for fn, args, wrt in forward.REVIEW_CASES
              if np.ndim(fn(*args)) == 0]
    found += [("copies", fn, (x,), 0, True) for fn in forward.COPY_CASES for x in (0.3, -0.7)]
    found += [("seeds", fn, args, wrt, True) for fn, args, wrt in SEED_CASES]
    found += [("realistic", p.fn, p.args, p.wrt, p.dual) for p in realistic.PROGRAMS]
    seen, rows = {}, []
    for suite, fn, args, wrt, dual in found:
        key = f"{suite}/{fn.__qualname__}"
        seen[key] = seen.get(key, 0) + 1
        rows.append(Row(f"{key}-{seen[key]}", fn, args, wrt, dual))
    return rows


SEED_CASES = [(seeds.seed002, (2.0, 5.0), (0, 1)), (seeds.griewank_walther, (1.5, 0.5), (0, 1)),
              (seeds.seed001, (0.3,), 0), (seeds.seed001_np, (1.7,), 0),
              (seeds.logistic_loss, (-1.2, 0.7), (0, 1)),
              (seeds.sum_of_squares, (np.arange(1.0, 6.0),), 0),
              (seeds.sum_of_squares_dot, (np.arange(1.0, 6.0),), 0)]
ROWS = _rows()
BY_NAME = {row.name: row for row in ROWS}


REFUSALS = [row for row in ROWS if row.name in REFUSED]
SECOND = [row for row in ROWS if row.name not in REFUSED]
HESSIAN = [row for row in SECOND if row.name not in REFUSED_HESSIAN]


def _ids(rows):
    return [row.name for row in rows]


def test_every_suite_gives_rows_and_refused_names_rows():
    """Every row of every gradient suite; of the review cases, the 6 whose result is a
    number (a Hessian needs one: the other 7 return arrays)."""
    counts = {}
    for row in ROWS:
        suite = row.name.split("/")[0]
        counts[suite] = counts.get(suite, 0) + 1
    assert counts == {"control": len(control.CASES), "straight": len(straight.CASES),
                      "regression": 2 * len(regressions.CASES), "review": 6,
                      "copies": 2 * len(forward.COPY_CASES),
                      "seeds": len(SEED_CASES), "realistic": len(realistic.PROGRAMS)}
    assert len(forward.REVIEW_CASES) == 13
    assert set(REFUSED) <= set(BY_NAME) and set(REFUSED_HESSIAN) <= set(BY_NAME)
    assert not set(REFUSED) & set(REFUSED_HESSIAN) and set(UNLOCATED) <= set(REFUSED)


# ---------------------------------------------------------------- references, once per row

@functools.lru_cache(maxsize=None)
def second_differences(name):
    row = BY_NAME[name]
    return so.numeric_hessian(row.fn, row.args, row.wrt)


def _flat(v, layout):
    """A Hessian in s2sad's layout as an n x n matrix (rows: the first index)."""
    grid = layout if isinstance(v.wrt, tuple) else ((layout,),)
    H = np.zeros((v.n, v.n))
    ranges = {p: [slice(v.offsets[k], v.offsets[k + 1]) for k, (q, _) in enumerate(v.leaves)
                  if q == p] for p in v.positions}
    for a, p in enumerate(v.positions):
        for b, q in enumerate(v.positions):
            pairs = [(r, c) for r in ranges[p] for c in ranges[q]]
            blocks = leaves(grid[a][b])
            assert len(blocks) == len(pairs), f"block ({a}, {b}): {len(blocks)} leaves"
            for (r, c), (_, block) in zip(pairs, blocks):
                H[r, c] = np.reshape(np.asarray(block, dtype=float),
                                     (r.stop - r.start, c.stop - c.start))
    return H


def _same_layout(got, want, where="H"):
    """The same containers, and a float where a float is, an array of the same shape
    where an array is."""
    assert type(got) is type(want), f"{where}: {type(got).__name__}, " \
        f"expected {type(want).__name__}"
    got_leaves, want_leaves = leaves(got), leaves(want)
    assert [path for path, _ in got_leaves] == [path for path, _ in want_leaves], where
    for (path, a), (_, b) in zip(got_leaves, want_leaves):
        if isinstance(b, float):
            assert type(a) is float, f"{where}{list(path)}: {a!r} is not a float"
        else:
            assert isinstance(a, np.ndarray) and a.shape == b.shape, \
                f"{where}{list(path)}: shape {np.shape(a)}, expected {b.shape}"


def _near(got, want, rtol, scale, what=""):
    """Elementwise |got - want| <= rtol * max(|want|, scale): relative, and relative to
    `scale`, the size of what the rounding follows, where an entry is small (the
    largest entry, the function's value for second differences, the terms of a sum)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    bound = rtol * np.maximum(np.abs(want), scale)
    worst = np.max(np.abs(got - want) - bound, initial=-1.0)
    assert worst <= 0, f"{what}: off by {np.max(np.abs(got - want)):.3g}\n{got}\n{want}"


def _size(row, H):
    """What the error of second differences scales with: the function's value (rounding,
    `eps |f| / h^2`) and the Hessian's largest entry (truncation, relative)."""
    return max(float(np.max(np.abs(H))), abs(float(row.fn(*row.args))))


def _hessian(row):
    return s2sad.hessian(row.fn, wrt=row.wrt)(*row.args)


def _direction(row, seed):
    """A random direction laid out like the arguments, and as a vector over them."""
    v = so.Variables(row.args, row.wrt)
    flat = np.random.default_rng(seed).normal(size=v.n)
    return v.shaped(flat), flat


def _vector(v, value):
    return v.flatten(value if isinstance(v.wrt, tuple) else (value,))


def test_the_checks_are_not_lenient():
    """The judge on its own: one entry off by 1e-4 of the largest (against second
    differences; 1e-8 against the exact references), a block transposed, an np.float64
    where the layout has a float, or an array where it has a number, fail."""
    v = so.Variables((np.zeros(2), np.zeros(3), 0.5), (0, 1, 2))
    H = np.random.default_rng(0).normal(size=(6, 6))
    H = H + H.T
    good = v.blocks(H)
    _same_layout(good, good)
    assert np.array_equal(_flat(v, good), H)
    for error, rtol in [(1e-4, 1e-5), (1e-8, 1e-10)]:
        off = H.copy()
        off[1, 3] += error * np.max(np.abs(H))
        with pytest.raises(AssertionError, match="off by"):
            _near(_flat(v, v.blocks(off)), H, rtol, np.max(np.abs(H)))
    swapped = (good[0][:1] + (good[1][0],) + good[0][2:],) + good[1:]
    with pytest.raises(AssertionError, match="shape"):
        _same_layout(swapped, good)
    numpy_float = good[:2] + ((good[2][0], good[2][1], np.float64(good[2][2])),)
    with pytest.raises(AssertionError, match="not a float"):
        _same_layout(numpy_float, good)
    with pytest.raises(AssertionError, match="float64, expected float"):
        _same_layout(np.float64(1.0), 1.0)
    with pytest.raises(AssertionError):
        _same_layout(np.array(1.0), 1.0)


# ---------------------------------------------------------------- rows that work

@pytest.mark.parametrize("row", HESSIAN, ids=_ids(HESSIAN))
def test_hessian_matches_second_differences(row):
    want = second_differences(row.name)
    got = _hessian(row)
    _same_layout(got, want)
    v = so.Variables(row.args, row.wrt)
    want_flat = _flat(v, want)
    _near(_flat(v, got), want_flat, 1e-5, _size(row, want_flat), "Hessian")


@pytest.mark.parametrize("row", HESSIAN, ids=_ids(HESSIAN))
def test_hessian_is_symmetric(row):
    v = so.Variables(row.args, row.wrt)
    H = _flat(v, _hessian(row))
    _near(H, H.T, 1e-10, np.max(np.abs(H)), "H - H^T")


@pytest.mark.parametrize("row", SECOND, ids=_ids(SECOND))
def test_hvp_matches_second_differences(row):
    v = so.Variables(row.args, row.wrt)
    direction, flat = _direction(row, 1)
    got = s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction)
    _same_layout(got, direction, "hvp")
    H = _flat(v, second_differences(row.name))
    _near(_vector(v, got), H @ flat, 1e-5, _size(row, H) * np.sum(np.abs(flat)), "hvp")


@pytest.mark.parametrize("row", HESSIAN, ids=_ids(HESSIAN))
def test_hvp_is_hessian_times_direction(row):
    v = so.Variables(row.args, row.wrt)
    direction, flat = _direction(row, 1)
    got = _vector(v, s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction))
    H = _flat(v, _hessian(row))
    _near(got, H @ flat, 1e-10, np.max(np.abs(H) @ np.abs(flat)), "hvp")


@pytest.mark.parametrize("row", SECOND, ids=_ids(SECOND))
def test_jvp_of_grad_is_the_gradient_and_hvp(row):
    direction, _ = _direction(row, 2)
    gradient, tangent = s2sad.jvp(s2sad.grad(row.fn, wrt=row.wrt), wrt=row.wrt)(
        *row.args, direction)
    v = so.Variables(row.args, row.wrt)
    want_gradient = s2sad.grad(row.fn, wrt=row.wrt)(*row.args)
    _same_layout(gradient, want_gradient, "gradient")
    want = _vector(v, want_gradient)
    _near(_vector(v, gradient), want, 1e-12, np.max(np.abs(want), initial=0.0), "gradient")
    want = _vector(v, s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction))
    _same_layout(tangent, direction, "tangent")
    _near(_vector(v, tangent), want, 1e-12, np.max(np.abs(want), initial=0.0), "H v")


def _numbers_only(row):
    return all(isinstance(row.args[p], float) for p in so.Variables(row.args, row.wrt).positions)


NUMBERS = [row for row in HESSIAN if row.dual and _numbers_only(row)]
DUAL = [row for row in SECOND if row.dual]


@pytest.mark.parametrize("row", NUMBERS, ids=_ids(NUMBERS))
def test_hessian_of_numbers_equals_the_nested_duals(row):
    want = so.dual_hessian(row.fn, row.args, row.wrt)
    got = _hessian(row)
    _same_layout(got, want)
    v = so.Variables(row.args, row.wrt)
    want_flat = _flat(v, want)
    _near(_flat(v, got), want_flat, 1e-10, np.max(np.abs(want_flat)), "Hessian")


@pytest.mark.parametrize("row", DUAL, ids=_ids(DUAL))
def test_hvp_agrees_with_the_nested_duals(row):
    """`u . hvp(v) = u^T H v`, the right side from one nested evaluation (exact), to
    rounding relative to the size of its terms."""
    v = so.Variables(row.args, row.wrt)
    direction, flat = _direction(row, 3)
    outer, outer_flat = _direction(row, 4)
    want = so.dual_second(row.fn, row.args, row.wrt, direction, outer)
    got = _vector(v, s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction))
    terms = np.abs(outer_flat) @ np.abs(_flat(v, second_differences(row.name))) @ np.abs(flat)
    _near(float(outer_flat @ got), want, 1e-10, terms, "u . hvp(v)")


ONE_NUMBER = [row for row in SECOND if isinstance(row.wrt, int)
              and isinstance(row.args[row.wrt], float)]
ONE_ARRAY = [row for row in HESSIAN if isinstance(row.wrt, int)
             and isinstance(row.args[row.wrt], np.ndarray)]


@pytest.mark.parametrize("row", ONE_NUMBER, ids=_ids(ONE_NUMBER))
def test_grad_of_grad_is_the_second_derivative(row):
    got = s2sad.grad(s2sad.grad(row.fn, wrt=row.wrt), wrt=row.wrt)(*row.args)
    assert type(got) is float, type(got)
    if row.dual:
        _near(got, so.dual_hessian(row.fn, row.args, row.wrt), 1e-10, 0.0, "grad(grad(f))")
    else:
        want = second_differences(row.name)
        _near(got, want, 1e-5, _size(row, np.array(want)), "grad(grad(f))")


@pytest.mark.parametrize("row", ONE_ARRAY, ids=_ids(ONE_ARRAY))
def test_jacobian_of_grad_is_the_hessian(row):
    got = s2sad.jacobian(s2sad.grad(row.fn, wrt=row.wrt), wrt=row.wrt)(*row.args)
    want = _hessian(row)
    assert type(got) is np.ndarray and got.shape == want.shape
    _near(got, want, 1e-12, np.max(np.abs(want), initial=0.0), "jacobian(grad(f))")


# ---------------------------------------------------------------- the references at these points

DUAL_ROWS = [row for row in ROWS if row.dual]


@pytest.mark.parametrize("row", DUAL_ROWS, ids=_ids(DUAL_ROWS))
def test_second_differences_see_no_kink(row):
    """The two references agree at the row's point, the whole Hessian for rows of few
    numbers and `u^T H v` for the others: no step of the second differences crossed a
    kink or a branch, so the function is twice differentiable there and the `1e-5` asked
    of s2sad against the second differences is an honest bound."""
    v = so.Variables(row.args, row.wrt)
    H = _flat(v, second_differences(row.name))
    if v.n <= 6:
        want = _flat(v, so.dual_hessian(row.fn, row.args, row.wrt))
        _near(H, want, 1e-6, _size(row, want), "second differences")
        return
    (direction, flat), (outer, outer_flat) = _direction(row, 5), _direction(row, 6)
    want = so.dual_second(row.fn, row.args, row.wrt, direction, outer)
    _near(outer_flat @ H @ flat, want, 1e-6,
          _size(row, H) * np.sum(np.abs(outer_flat)) * np.sum(np.abs(flat)),
          "u^T H v by second differences")


# ---------------------------------------------------------------- rows that are refused

LOCATED = re.compile(r"^(<s2sad-generated [^>]+>|\S+):\d+: ")


def _refused(row, call, reason):
    with pytest.raises(s2sad.Error) as caught:
        call()
    message = str(caught.value)
    assert reason in message, message
    assert LOCATED.match(message) or row.name in UNLOCATED, message


@pytest.mark.parametrize("row", REFUSALS, ids=_ids(REFUSALS))
def test_refused_with_a_located_error(row):
    """Every second-order call of a refused row raises an `s2sad.Error` that names the
    file and line and the reason listed; the gradient itself works."""
    s2sad.grad(row.fn, wrt=row.wrt)(*row.args)
    direction, _ = _direction(row, 1)
    reason = REFUSED[row.name]
    _refused(row, lambda: _hessian(row), reason)
    _refused(row, lambda: s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction), reason)
    _refused(row, lambda: s2sad.jvp(s2sad.grad(row.fn, wrt=row.wrt), wrt=row.wrt)(
        *row.args, direction), reason)

