"""Learning the fast path: after a slow call, the branch of the dispatcher (dispatch.py)
that runs the same derivative for later calls with arguments of the same kinds.

The branch is written from what the slow call found (the derivative, which arguments are
arrays, whether the generated code returns Python floats), so that it does no more than
the guards, the call and the shaping this call needs. The derived-function classes say
which branch their calls take (`_adjoint_branch` for the adjoints); this mixin compiles
and installs it.
"""
import functools
import math

import numpy as np

from .. import pipeline
from . import dispatch, pyfloats
from .values import like, result_tangent


def python_types(values):
    """float or int for the values of exactly those types (which the guards test), else
    None: the parameter types `pyfloats.returns_floats` takes."""
    return [type(v) if type(v) in (float, int) else None for v in values]


class FastPath:
    """The part of a derived function that installs and drops its dispatcher."""

    def _learn(self, args, kwargs, branch):
        """After a slow call, let later calls with arguments of the same kinds take the
        fast path: `branch(dispatcher)` gives the branch's (guards, lines), or None.

        Python looks `__call__` up on the type, so the dispatcher is installed as the
        `__call__` of a class of this object's own."""
        if kwargs or len(args) != self._arity or self._nparams < 0:
            return
        with pipeline.cache.LOCK:
            if self._dispatcher is None:
                self._dispatcher = dispatch.Dispatcher(
                    self.__name__, self._arity, self._slow, now=self._now,
                    like=functools.partial(like, fn=self._fn),
                    result_tangent=functools.partial(result_tangent, fn=self._fn))
                # every call first checks that what the derivatives were built from holds
                self._dispatcher.fresh = self._last.stamp.guard(self._dispatcher.constant)
            if not self._dispatcher.ripe(self._now[0]):
                return
            found = branch(self._dispatcher)
            function = found and self._dispatcher.branch(*found)
            if function is None:
                return
            if self._own_class is None:
                self._own_class = type(type(self).__name__, (type(self),), {})
                self.__class__ = self._own_class
            self._own_class.__call__ = staticmethod(function)

    def _unlearn(self):
        """Drop the dispatcher, so that calls take the slow path again."""
        self._dispatcher = None
        if self._own_class is not None and "__call__" in vars(self._own_class):
            del self._own_class.__call__

    def _grads_lines(self, values, result, returned, floats=False):
        """Lines that return `returned` (a format with one field) filled with the
        gradients in the variable `result` as `_shape_like` gives them; `floats`: the
        generated code is known to return Python floats, which need no test."""
        positions = self._positions
        names = [result] if len(positions) == 1 else [f"g{k}" for k in range(len(positions))]
        lines = [] if len(positions) == 1 else [f"{', '.join(names)}, = {result}"]
        arrays = [type(values[p]) is np.ndarray for p in positions]
        shaped = [f"like(a{p}, {n})" for p, n in zip(positions, names)]

        def together(items):
            if len(items) == 1:
                return f"({items[0]},)" if isinstance(self._wrt, tuple) else items[0]
            return f"({', '.join(items)})"
        complex_ = any(isinstance(values[p], (complex, np.complexfloating)) for p in positions)
        if not any(arrays) and not complex_:
            fast = result if len(positions) > 1 else together([result])
            if floats:
                return ["return " + returned.format(fast)]
            tests = " and ".join(f"type({n}) is float" for n in names)
            lines += [f"if {tests}:", "    return " + returned.format(fast)]
        return lines + ["return " + returned.format(together(shaped))]

    def _adjoint_branch(self, dispatcher, values, derived, value, seed="1.0",
                        seed_guard=None):
        """The guards and lines of a fast-path branch that runs adjoint `derived` with
        `seed`; `value`: the adjoint returns the value before the gradients."""
        guards = dispatch.argument_guards(values, dispatcher.constant)
        if not guards:
            return None
        call = ", ".join([f"a{i}" for i in range(len(values))] + ([seed] if seed else []))
        lines = self._call_lines(dispatcher, derived, call, values)
        types = python_types(values) + ([float if seed == "1.0" else None] if seed else [])
        floats = self._returns_floats(derived, types)
        if value:
            lines += ["v, r = r"] + self._grads_lines(values, "r", "v, {}", floats)
        else:
            lines += self._grads_lines(values, "r", "{}", floats)
        return guards + ([seed_guard] if seed_guard else []), lines

    def _returns_floats(self, derived, types):
        """Whether `derived` returns Python floats when its parameters have `types`."""
        # (a derivative of a derivative is generated from the code the inner one runs)
        source = self._fn if derived.within is None else derived.within.function
        math_name = pipeline.front(source).modules.get(math)
        return pyfloats.returns_floats(derived.source, types, math_name)

    def _call_lines(self, dispatcher, derived, call, values):
        """The lines that record the call's specialisation (`_last`) and call it: through
        `located.run` unless it runs on Python numbers alone (`values`: the arguments)."""
        seen = dispatcher.constant(self._now[0], "s")
        function = dispatcher.constant(self._code(derived), "f")
        if derived.calls_numpy or any(type(v) not in (float, int, bool) for v in values):
            return [f"now[0] = {seen}", f"r = run({function}, {call})"]
        return [f"now[0] = {seen}", f"r = {function}({call})"]
