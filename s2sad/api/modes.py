"""The derived functions `grad`, `value_and_grad`, `vjp` and `jvp` make: each runs the
derivative in its own mode and returns what its caller asked for.

`grad` runs the adjoint that returns the gradients alone when the result is known to be a
number, `value_and_grad` and `vjp` the adjoint that returns the value too (`vjp` seeds it
with a cotangent of any shape), `jvp` the tangent. Each says which branch of the fast path
its later calls take.
"""
import numpy as np

from ..errors import ArgumentError, UsageError
from ..ir import kinds as K
from . import dispatch, lazy, structured
from ..frontend import read
from .derivative import DerivedFunction, derivative_for
from .fastpath import python_types
from .located import run
from .values import all_float64, result_tangent, seed_like


class Grad(DerivedFunction):
    def _slow(self, *args, **kwargs):
        """Runs the adjoint that returns the gradients alone when the result is known to
        be a scalar; else the one that returns the value too, to check it is one."""
        values = self._bind(args, kwargs)
        shaped = self._structured(values, "gradient")
        if shaped is not None:
            flat, derived = shaped
            if derived.spec.out_kind.is_scalar:
                return self._gradients(flat, run(self._code(derived), *flat.leaves))
            # the result's kind is known only when it runs: the adjoint that returns it
            derived = structured.derive(self, flat, "reverse")
            value, grads = run(self._code(derived), *flat.leaves, 1.0)
            if np.ndim(value):
                raise self._not_scalar(f"an array of shape {np.shape(value)}")
            return self._gradients(flat, grads)
        derived = self._derive(values, "gradient")
        if not derived.spec.out_kind.known:
            return self._run(values, 1.0)[1]
        grads = self._shape_like(values, self._call(derived, values))
        self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return grads

    def _branch(self, dispatcher, values, derived):
        return self._adjoint_branch(dispatcher, values, derived, value=False, seed=None)

    def shaped(self, values, result):
        return self._shape_like(values[:len(self._signature.parameters)], result)

    def _declared_mode(self):
        """As `_slow` chooses: the adjoint without the value when the declared kinds
        make the result a number."""
        lean = derivative_for(self._fn, (), {}, "gradient", self._wrt)
        return "gradient" if lean.spec.out_kind.known else "reverse"


class ValueAndGrad(DerivedFunction):
    def _slow(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        shaped = self._structured(values, "reverse")
        if shaped is not None:
            flat, derived = shaped
            value, grads = run(self._code(derived), *flat.leaves, 1.0)
            if np.ndim(value):
                raise self._not_scalar(f"an array of shape {np.shape(value)}")
            return value, self._gradients(flat, grads)
        value, grads = self._run(values, 1.0)
        derived = self._last
        if derived.spec.out_kind.is_scalar:
            self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return value, grads

    def _branch(self, dispatcher, values, derived):
        return self._adjoint_branch(dispatcher, values, derived, value=True)


class VJP(DerivedFunction):
    _trailing = 1

    def _slow(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the cotangent of its result.")
        values, cotangent = self._bind(args[:-1], kwargs), args[-1]
        shaped = self._structured(values, "reverse")
        if shaped is not None:
            flat, derived = shaped
            seeds = structured.cotangent_leaves(derived, cotangent)
            value, grads = run(self._code(derived), *flat.leaves, *seeds)
            return structured.value_of(derived, value), self._gradients(flat, grads)
        K.check_differentiable(cotangent, "cotangent")
        if isinstance(cotangent, np.ndarray) and cotangent.ndim == 0:
            cotangent = cotangent[()]
        if all_float64(values) and getattr(cotangent, "dtype", None) != np.float64 and \
                type(cotangent) is not float and not K.is_complex(cotangent):
            # a float64 adjoint may work in place: its seed must be float64 too
            cotangent = np.asarray(cotangent, dtype=np.float64)
            cotangent = cotangent[()] if cotangent.ndim == 0 else cotangent
        try:
            value, grads = self._run(values, cotangent)
        except (ValueError, TypeError, ArgumentError):
            self._check_cotangent(np.shape(self._fn(*values)), cotangent)
            raise
        self._check_cotangent(np.shape(value), cotangent)
        derived = self._last
        if type(args[-1]) is float and derived.spec.out_kind.is_scalar:
            self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return value, grads

    def _branch(self, dispatcher, values, derived):
        n = len(values)
        return self._adjoint_branch(dispatcher, values, derived, value=True, seed=f"a{n}",
                                    seed_guard=f"type(a{n}) is float")

    def _check_cotangent(self, shape, cotangent):
        if np.shape(cotangent) != shape:
            raise UsageError(f"the cotangent has shape {np.shape(cotangent)} but "
                             f"{self._fn.__name__} returns shape {shape}: pass a cotangent "
                             "of the result's shape.")


class JVP(DerivedFunction):
    _trailing = 1

    def _slow(self, *args, **kwargs):
        if not args:
            raise UsageError(f"{self.__name__} takes the function's arguments followed by "
                             "the tangent of the differentiated argument(s).")
        values = self._bind(args[:-1], kwargs)
        shaped = self._structured(values, "forward")
        if shaped is not None:
            flat, derived = shaped
            seeds = structured.tangent_leaves(flat, args[-1], self._wrt, self._positions,
                                              self.__name__)
            value, tangent = run(self._code(derived), *flat.leaves, *seeds)
            return self._inner(values, structured.value_of(derived, value),
                               structured.tangent_of(derived, value, tangent, seeds,
                                                     self._fn))
        seeds = self._seeds(values, args[-1])
        derived = self._derive(values, "forward")
        value, tangent = self._call(derived, values, *seeds)
        if lazy.any_dask(values):
            return lazy.lazy(value), lazy.result_tangent(value, tangent, self._fn)
        result = value, result_tangent(value, tangent, seeds, fn=self._fn,
                                       complex_ok=derived.spec.out_kind.complex)
        if isinstance(self._fn, read.Derivative):
            return self._inner(values, *result)
        self._learn(args, kwargs, lambda d: self._branch(d, values, derived))
        return result

    def _inner(self, values, value, tangent):
        """Of a derivative's code (higher order): its value and tangent as that
        derivative returns its value (a gradient shaped like its argument)."""
        if not isinstance(self._fn, read.Derivative):
            return value, tangent
        return self._fn.shaped(values, value), self._fn.shaped(values, tangent)

    def _branch(self, dispatcher, values, derived):
        """Guards on the arguments and the tangents' container, then (after unpacking a
        tuple of tangents) on the tangents themselves."""
        guards = dispatch.argument_guards(values, dispatcher.constant)
        if not guards:
            return None
        n, count = len(values), len(self._positions)
        lines = []
        if isinstance(self._wrt, tuple):
            seeds = [f"t{k}" for k in range(count)]
            guards += [f"type(a{n}) is tuple", f"len(a{n}) == {count}"]
            lines.append(f"{', '.join(seeds)}, = a{n}")
        else:
            seeds = [f"a{n}"]
        call = ", ".join([f"a{i}" for i in range(n)] + seeds)
        types = python_types(values) + [float if type(values[p]) is float else None
                                        for p in self._positions]
        body = self._call_lines(dispatcher, derived, call, values)
        if self._returns_floats(derived, types):
            body.append("return r")
        else:
            body += ["v, d = r",
                     "if type(v) is float and type(d) is float:",
                     "    return r",
                     f"return v, result_tangent(v, d, ({', '.join(seeds)},)"
                     + (", complex_ok=True)" if derived.spec.out_kind.complex else ")")]
        checks = " and ".join(dispatch.seed_guards(values, self._positions, seeds))
        return guards, lines + [f"if {checks}:"] + ["    " + line for line in body]

    def _seeds(self, values, tangent):
        """The tangent of each differentiated argument, checked against the argument."""
        names = list(self._signature.parameters)
        if isinstance(self._wrt, tuple):
            if not isinstance(tangent, (tuple, list)) or len(tangent) != len(self._positions):
                raise UsageError(
                    f"{self.__name__}: wrt names {len(self._positions)} arguments, so pass a "
                    f"tuple of {len(self._positions)} tangents, one per argument.")
            tangents = tuple(tangent)
        else:
            tangents = (tangent,)
        if lazy.any_dask(values):
            return tuple(lazy.seed_like(values[p], t, names[p])
                         for p, t in zip(self._positions, tangents))
        return tuple(seed_like(values[p], t, names[p], self._where)
                     for p, t in zip(self._positions, tangents))

    def _declared_mode(self):
        return "forward"
