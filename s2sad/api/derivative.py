"""A derived function: what `grad`, `value_and_grad`, `vjp`, `jvp` and `jacobian` have in
common, and the derivative `source` and `compiled` show.

A call is bound (binding.py), then specialised: a cheap key of the arguments' types and
shapes finds the derivative generated for their kinds, which is derived and compiled
(pipeline.py) on the first call with new kinds; the result is checked and shaped like the
arguments (values.py). After a slow call the subclass may teach the fast path (fastpath.py)
to do the same for later calls with no binding and no key.
"""
import collections
import functools
import inspect

import numpy as np

from .. import pipeline
from ..backend.compile import (BACKENDS, dialect_listing, function as compiled_function,
                               numba_module)
from ..errors import UnsupportedError, UsageError
from ..frontend import read
from ..frontend.front import checked
from ..ir import kinds as K
from . import binding, lazy, structured
from .fastpath import FastPath
from .located import note, run
from .values import all_float64, like, real

# the mode of the derivative each derived function runs, when differentiated again
_GENERATED = {"grad": "gradient", "value_and_grad": "reverse", "vjp": "reverse",
              "jvp": "forward"}
# the parameter a call passes after the function's own: its name and default
_EXTRA = {"value_and_grad": ("seed", 1.0), "vjp": ("cotangent", inspect.Parameter.empty),
          "jvp": ("tangent", inspect.Parameter.empty)}

# what each derived function may return: only a scalar, or any float value
_ANY_OUTPUT = ("vjp", "jvp", "jacobian")

# a specialisation a derived function has run: its derivative, the argument kinds, the mode
_Seen = collections.namedtuple("_Seen", "derived kinds mode")
# argument types and shapes a derived function remembers the specialisation of
_KEYS = 256


class DerivedFunction(binding.Binding, FastPath, read.Derivative):
    """A function derived from `fn`: binds arguments, specialises, calls generated code."""

    def __init__(self, fn, wrt, what, backend="python"):
        self._backend = checked_backend(backend)
        fn, self._self = read.bound(fn)
        if not isinstance(fn, read.Derivative):
            fn = read.target(fn)
            checked(fn)
        elif getattr(fn, "_self", read.NOTHING) is not read.NOTHING:
            raise UsageError(
                f"{what} of {fn.__name__}, a derivative of a bound method: second "
                "derivatives take plain functions of numbers and arrays; write one that "
                "calls the method (`def loss(w, y): return model.loss(w, y)`).")
        self._fn = fn
        self._wrt = wrt
        self._take_signature()
        self._what = what
        self._now = [None]      # the last call's _Seen, shared with the dispatcher
        self._by_type = {}
        self._specialisations = {}
        self._dispatcher = None
        self._own_class = None
        pipeline.on_forget(self)
        # (not the attributes of a derivative it differentiates: they are its state)
        functools.update_wrapper(self, fn, updated=() if isinstance(fn, read.Derivative)
                                 else functools.WRAPPER_UPDATES)
        self.__name__ = f"{what}_{fn.__name__}"

    def __call__(self, *args, **kwargs):
        try:
            return self._slow(*args, **kwargs)
        except Exception as exc:
            note(exc)
            raise

    def _code(self, derived):
        """The function that runs `derived` on this derived function's backend."""
        return compiled_function(derived, self._backend)

    @property
    def __code__(self):
        """The code of the function it was derived from, for messages that name a line."""
        return self._fn.__code__

    @property
    def single_result(self):
        return self._what == "grad" and not isinstance(self._wrt, tuple)

    def call_signature(self):
        """The function's parameters, then what the call passes after them (a tangent,
        a cotangent, the seed `value_and_grad` passes as 1.0)."""
        own = self._signature
        extra = _EXTRA.get(self._what)
        if extra is None:
            return own
        word, default = extra
        while word in own.parameters:
            word += "_"
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        added = inspect.Parameter(word, kind, default=default)
        if any(p.kind != kind or (p.default is not p.empty and default is p.empty)
               for p in own.parameters.values()):
            raise UsageError(
                f"{self.__name__} of a function with keyword-only or default parameters "
                "cannot be differentiated again; give the function plain parameters.")
        return own.replace(parameters=list(own.parameters.values()) + [added])

    def generated(self, kinds):
        """The generated derivative that computes this function's value for arguments
        of `kinds`: `grad`'s adjoint that returns the gradients, `value_and_grad`'s and
        `vjp`'s that return the value too, `jvp`'s tangent. It is differentiated as the
        user's code is (higher order)."""
        mode = _GENERATED.get(self._what)
        if mode is None or self._self is not read.NOTHING or \
                (self._what == "jvp" and isinstance(self._wrt, tuple)):
            what = "a bound method's derivative" if self._self is not read.NOTHING else \
                f"{self._what}(..., wrt=<tuple>)" if mode else f"{self._what}(...)"
            raise UsageError(
                f"{self.__name__}: {what} cannot be differentiated again; differentiate "
                "grad, value_and_grad, vjp or jvp (one argument) of a plain function.")
        own = tuple(K.SCALAR if i in self._positions and k == K.INT else k
                    for i, k in enumerate(kinds))
        derived = pipeline.derive(self._fn, own, self._positions, mode, batched=False)
        self._check_result(derived)
        if mode == "gradient" and not derived.spec.out_kind.is_scalar:
            # its adjoint would take the seed `grad` passes only once the value is known
            raise self._not_scalar("a value whose rank is known only when it runs (its "
                                   "second derivative needs a number)")
        _check_no_lists(derived)
        return derived

    @property
    def _last(self):
        """The derivative the last call ran (None before the first call): for `grad` of a
        function known to return a number, the adjoint that returns the gradients alone,
        so that `source` shows the code that runs."""
        seen = self._now[0]
        return None if seen is None else seen.derived

    def _derive(self, values, mode="reverse"):
        """The derivative for these values; a cheap key of types and shapes finds it again
        without recomputing kinds. Keys last until what the derivatives were built from
        changes (stamps.py) or `pipeline.forget()` drops them (a user rule changed); at
        most `_KEYS` of them are kept, the oldest dropped first."""
        key = (mode,) + tuple([(v.shape, v.dtype) if type(v) is np.ndarray else
                               lazy.key(v) if lazy.is_dask(v) else type(v) for v in values])
        seen = self._by_type.get(key)
        if seen is not None and not seen.derived.fresh():
            self.forgotten()
            seen = None
        if seen is None:
            names = list(self._signature.parameters)
            kinds = K.of_arguments(values, self._positions, names, self._where)
            derived = pipeline.derive(self._fn, kinds, self._positions, mode,
                                      float64=all_float64(values),
                                      lazy=lazy.any_dask(values))
            self._check_result(derived)
            with pipeline.cache.LOCK:
                # one record per derivative, however many shapes share it
                seen = self._specialisations.get(id(derived))
                if seen is None:
                    seen = self._specialisations[id(derived)] = _Seen(derived, kinds, mode)
                while len(self._by_type) >= _KEYS:
                    del self._by_type[next(iter(self._by_type))]
                self._by_type[key] = seen
        self._now[0] = seen
        return seen.derived

    def _check_result(self, derived):
        """`grad` needs a number; the others any float value or container of them."""
        out_kind, layout = derived.spec.out_kind, derived.spec.function.layout
        if layout is not None:
            if self._what not in _ANY_OUTPUT:
                raise self._not_scalar(f"a {layout.kind} of {layout.size} values")
            return
        if K.not_a_number(out_kind) or (self._what not in _ANY_OUTPUT and out_kind.is_array):
            raise self._not_scalar(K.OTHER if K.not_a_number(out_kind) else out_kind)
        if self._what not in ("vjp", "jvp") and out_kind.complex:
            raise UsageError(
                f"{self._what}({self._fn.__name__}) needs a function with a real result, "
                "but it returns a complex one; differentiate a real value of it "
                "(`np.real(w)`, `np.abs(w) ** 2`), or use s2sad.vjp or s2sad.jvp",
                *self._where)

    def _structured(self, values, mode):
        """(flat call, derivative) for a call with containers among its arguments or
        its result (structured.py); None for a plain call, which takes the usual path.
        `_now` records the derivative, for `source`."""
        if not structured.has_containers(values):
            if mode == "gradient" or self._derive(values, mode).spec.function.layout is None:
                return None
        if lazy.any_dask(values):
            lazy.refuse_containers(self._fn)
        flat = structured.take_apart(values, self._positions, list(self._signature.parameters),
                                     self._where)
        if lazy.any_dask(flat.leaves):
            lazy.refuse_containers(self._fn)
        derived = structured.derive(self, flat, mode)
        self._check_result(derived)
        self._now[0] = _Seen(derived, None, mode)
        return flat, derived

    def _gradients(self, flat, grads):
        return structured.gradients(flat, grads, self._wrt, self._positions, self._fn)

    def forgotten(self):
        """The pipeline dropped its derivatives, or what they were built from changed:
        drop the keys and the fast path too."""
        with pipeline.cache.LOCK:
            self._by_type.clear()
            self._specialisations.clear()
            self._unlearn()

    def _call(self, derived, values, *seeds):
        """Run `derived` on the arguments and seeds; with Dask arguments, lazily."""
        if lazy.any_dask(values):
            if self._backend == "numba":
                raise UsageError(f"{self._fn.__name__}: numba compiles no Dask array; "
                                 "differentiate with Dask arguments on backend='python' "
                                 "(or 'auto', which runs them in Python).")
            return lazy.run(derived.function, *lazy.prepared(values), *seeds, fn=self._fn)
        return run(self._code(derived), *values, *seeds)

    def _run(self, values, seed):
        derived = self._derive(values)
        value, grads = self._call(derived, values, seed)
        if type(value) is not float and not derived.spec.out_kind.complex:
            real(value, self._fn)
        if self._what not in _ANY_OUTPUT and derived.spec.out_kind.tag == "unknown" \
                and np.ndim(value):
            raise self._not_scalar(f"an array of shape {np.shape(value)}")
        return value, self._shape_like(values, grads)

    def _not_scalar(self, what):
        if self._what in _ANY_OUTPUT:
            return UsageError(f"{self._what}({self._fn.__name__}) needs a function that "
                              f"returns a number or a float array, but it returns {what}.")
        advice = ("return a float or a NumPy array" if what == K.OTHER
                  else "use s2sad.vjp for a vector-Jacobian product")
        return UsageError(
            f"{self._what}({self._fn.__name__}) needs a function that returns a scalar, but "
            f"it returns {what}; {advice}.")

    def _shape_like(self, values, grads):
        """Each gradient as the type of its argument: float for a float, array for an array."""
        positions = self._positions
        shape = lazy.like if lazy.any_dask(values) else like
        if len(positions) == 1:
            grads = shape(values[positions[0]], grads, self._fn)
            return (grads,) if isinstance(self._wrt, tuple) else grads
        return tuple(shape(values[p], g, self._fn) for p, g in zip(positions, grads))

    @property
    def source(self):
        """The generated derivative (adjoint or tangent) the last call ran; before a call,
        the one a call with arguments of the declared kinds would run (`_declared_mode`);
        its numba dialect on the numba and auto backends."""
        derived = self._last
        if derived is None:
            skip = 1 if self._self is not read.NOTHING else 0
            derived = derivative_for(self._fn, (self._self,) * skip, {},
                                     self._declared_mode(), self._wrt, skip)
        return derived.listing if self._backend == "python" else dialect_listing(derived)

    def _declared_mode(self):
        return "reverse"


def checked_backend(backend):
    """`backend` if it is one s2sad has ("numba" only where numba is installed)."""
    if backend not in BACKENDS:
        raise UsageError(f"backend={backend!r} is not one of "
                         f"{', '.join(map(repr, BACKENDS))}.")
    if backend == "numba":
        numba_module()
    return backend


def _check_no_lists(derived):
    """A derivative whose code keeps lists built at run time (their adjoints are lists it
    updates item by item and pops) is not differentiated again: refused at the line of
    the user's code that builds the list."""
    seen = set()

    def visit(made):
        if id(made) in seen:
            return
        seen.add(id(made))
        function, kinds = made.spec.function, made.spec.kinds
        for op in function.ops():
            if kinds.get(op.target.name, K.OTHER).tag == "list":
                raise UnsupportedError(
                    f"`{function.name}` builds a list at run time (or indexes a tuple with "
                    "a number known only when it runs), and the derivative of its "
                    "derivative is not supported for such lists yet; build an array "
                    "instead (`np.zeros(n)` written element by element, or `np.stack` of "
                    "a list display)", function.filename, getattr(op, "line", None) or
                    function.first_line)
        for callee in made.callees:
            visit(callee)
    visit(derived)


def derivative_for(fn, args, kwargs, mode, wrt, skip=0):
    """The derivative `source` shows: for the kinds of example arguments, else of the
    declared ones (`skip`: a bound method's object, first among `args`)."""
    positions = binding.positions(fn, wrt, skip)
    signature = read.signature(fn)
    if args or kwargs:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"source({fn.__name__}, ...): {exc}") from None
        bound.apply_defaults()
        values = tuple(bound.arguments.values())
        if structured.has_containers(values):
            flat = structured.take_apart(values, positions, list(bound.arguments),
                                         (None, None))
            kinds = K.of_arguments(flat.leaves, flat.positions, flat.names)
            return pipeline.derive(fn, kinds, flat.positions, mode,
                                   float64=all_float64(flat.leaves),
                                   layouts=structured.layouts_of(flat))
        kinds = K.of_arguments(values, positions, list(bound.arguments))
        return pipeline.derive(fn, kinds, positions, mode, float64=all_float64(values),
                               lazy=lazy.any_dask(values))
    kinds = tuple(_declared_kind(p, i in positions)
                  for i, p in enumerate(signature.parameters.values()))
    return pipeline.derive(fn, kinds, positions, mode, float64=True)


def _declared_kind(parameter, differentiated):
    kind = K.from_annotation(parameter.annotation)
    if kind == K.UNKNOWN and parameter.default is not inspect.Parameter.empty:
        kind = K.of_value(parameter.default)
    if differentiated and kind == K.INT:
        kind = K.SCALAR
    return kind
