"""Probes: the identity function a trace puts after each assignment, with a derivative rule
that records what passes through it.

`v = probe(v, key, on)` returns `v` unchanged. Run as Python it records the value of
statement `key`; differentiated by s2sad like any call with a rule, its tangent is the
tangent of `v`, which it records in the tangent code, and its adjoint is the adjoint of
`v`, which it records in the backward sweep, at the moment that adjoint is complete: the
backward sweep reaches the probe after every use of that value of `v`, and before the
statement that made it. So the numbers are those of the unfolded Wengert list, computed
by s2sad's own tangent and adjoint code, whatever the optimisations fold away.

`on` is a number the adjoint is taken with respect to (its value is 0 and its gradient
is never used): through it every probed value varies, so every one gets an adjoint, even
one that no differentiated argument reaches (the notes' v_bar = dy/dv is defined for all).

The rule lives outside the table of functions users call (`rules.BY_TYPE`, keyed by the
type `Probe`), so it is neither listed in docs/functions.md nor reachable from user code.
"""
import contextlib
import contextvars
from dataclasses import dataclass, field

import gast
import numpy as np

from ..rules.base import BY_TYPE, Add, Custom
from ..syntax.template import name

_RECORDING = contextvars.ContextVar("s2sad_trace_recording", default=None)


@dataclass
class Recording:
    """What the probes saw, per statement key, in the order they saw it. Values are taken
    only while `values` is set: the derivative code runs the primal statements too."""
    values: dict = field(default_factory=dict)
    dots: dict = field(default_factory=dict)
    bars: dict = field(default_factory=dict)
    taking_values: bool = False
    # (key, the trip counters then) of each value taken, in the order they were taken
    order: list = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    # the keys whose values the derivative programs probe (trace.py decides)
    floating: set = field(default_factory=set)

    def loop(self, key):
        """The plain program's mark before loop `key`: its trips count from zero again."""
        self.counters[key] = 0

    def trip(self, key):
        """The plain program's mark at the top of loop `key`'s body."""
        self.counters[key] += 1


@contextlib.contextmanager
def recording(into, values=False):
    """Probes called inside the block record into `into` (values only if `values`)."""
    into.taking_values = values
    token = _RECORDING.set(into)
    try:
        yield into
    finally:
        _RECORDING.reset(token)
        into.taking_values = False


def _kept(value):
    """A copy of `value` as it is now: arrays and lists may be updated in place later."""
    if isinstance(value, list):
        return [_kept(item) for item in value]
    return np.copy(value) if isinstance(value, np.ndarray) else value


class Probe:
    """The identity `probe(v, key, on) -> v`; see the module docstring."""

    def __call__(self, value, key, on=0.0):
        now = _RECORDING.get()
        if now is not None and now.taking_values:
            now.values.setdefault(key, []).append(_kept(value))
            now.order.append((key, dict(now.counters)))
        return value


def record_tangent(dot, value, key):
    """The tangent code's call: `dot` is the tangent of `value`, possibly of a smaller
    shape that broadcasts to it (emit/tangent.py); recorded at the value's shape."""
    now = _RECORDING.get()
    if now is not None:
        full = np.broadcast_to(dot, np.shape(value)) if np.ndim(value) else dot
        now.dots.setdefault(key, []).append(_kept(np.array(full) if np.ndim(value) else full))
    return dot


def record_adjoint(g, key):
    """The backward sweep's call: `g` is the complete adjoint of the probed value. What
    it returns is the contribution to the adjoint of `on`: nothing."""
    now = _RECORDING.get()
    if now is not None:
        now.bars.setdefault(key, []).append(_kept(g))
    return 0.0


def _call(site, fn, first, *rest):
    return gast.Call(func=name(site.bind(fn, fn.__name__)), args=[first, *rest], keywords=[])


def _kind(arg_kinds, consts):
    return arg_kinds[0]


def _tangent(site):
    if site.vector:
        raise AssertionError("a trace takes one direction at a time")
    if site.dots[0] is None:
        raise AssertionError("a probe's tangent is asked for only when its value varies")
    return _call(site, record_tangent, site.dots[0], site.args[0], site.args[1])


def _adjoint(site):
    """The adjoint passes through to `v`; it is recorded as a contribution to `on`'s, which
    is always active (the value reaching the probe may not be: `np.floor(x)`)."""
    found = {2: Add(_call(site, record_adjoint, site.g, site.args[1]))}
    if site.active[0]:
        found[0] = Add(site.g)
    return found


BY_TYPE[Probe] = Custom("probe (an evaluation trace's)", _kind, _adjoint, _tangent, (0, 2))


class Link:
    """`link(a, b) -> a`: ties `b` to `a` for the activity analysis and nothing else.

    s2sad writes tangents only for values the result depends on, so a value computed and
    never used (or used only by a branch's test) would have no tangent in the tangent code
    and no probe would see it. The tangent program threads a number through a link after
    every probe and links the result to it at the end (instrument.py): every probed value
    then reaches the result, while the result's value and tangent are `a`'s alone. The
    adjoint program has no links: a value the result does not depend on has adjoint 0."""

    def __call__(self, a, b):
        return a


def zero_tangent(a):
    """The tangent of a link whose first argument does not vary."""
    return np.zeros(np.shape(a)) if np.ndim(a) else 0.0


def _link_tangent(site):
    if site.dots[0] is None:
        return _call(site, zero_tangent, site.args[0])
    return site.dots[0]


def _link_adjoint(site):
    return {0: Add(site.g)} if site.active[0] else {}


BY_TYPE[Link] = Custom("link (an evaluation trace's)", _kind, _link_adjoint, _link_tangent,
                       (0, 1))


def mark_loop(key):
    """Called by the plain program before loop `key` (instrument.py)."""
    now = _RECORDING.get()
    if now is not None:
        now.loop(key)


def mark_trip(key):
    """Called by the plain program at the top of each trip of loop `key`."""
    now = _RECORDING.get()
    if now is not None:
        now.trip(key)
