"""Binding a call of a derived function as the original binds it, and the positions of the
arguments `wrt` names.

Defaults and keywords work as in Python because the call is bound by the function's own
signature. That signature can change under a derived function made earlier (autoreload
replaces code and defaults in place), so it is taken again whenever what it comes from
changes; the check is a few identity tests per slow call.
"""
from ..errors import UsageError, shown
from ..frontend import read


def positions(fn, wrt, skip=0):
    """`wrt` (a position, a parameter name, or a tuple of them) as a tuple of positions.
    `skip`: parameters before those the caller passes (a bound method's `self`), which
    only a name selects (`wrt="self"`)."""
    params = list(read.signature(fn).parameters)
    if skip:
        items = wrt if isinstance(wrt, tuple) else (wrt,)
        shifted = tuple(item + skip if type(item) is int and item >= 0 else item
                        for item in items)
        return _positions(fn, params, shifted if isinstance(wrt, tuple) else shifted[0])
    return _positions(fn, params, wrt)


def _positions(fn, params, wrt):
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    positions = []
    for item in items:
        if isinstance(item, str) and item in params:
            position = params.index(item)
        elif type(item) is int and -len(params) <= item < len(params):
            position = item % len(params)
        elif not params:
            raise UsageError(f"{fn.__name__}() has no parameters to differentiate with "
                             "respect to; add the inputs as parameters.")
        else:
            raise UsageError(
                f"wrt={shown(item)} names no parameter of {fn.__name__}({', '.join(params)}); "
                f"use a position 0..{len(params) - 1} or one of {', '.join(map(repr, params))}.")
        if position in positions:
            raise UsageError(f"wrt names the parameter '{params[position]}' twice.")
        positions.append(position)
    if not positions:
        raise UsageError("wrt names no parameter: give at least one.")
    return tuple(positions)


def _binding(fn):
    """The code and defaults of `fn` and of the functions it wraps: what its signature
    and the positions of `wrt` come from."""
    found = []
    while fn is not None and len(found) < 300:   # (a cycle of wrappers ends somewhere)
        found += [getattr(fn, "__code__", None), getattr(fn, "__defaults__", None),
                  getattr(fn, "__kwdefaults__", None)]
        fn = getattr(fn, "__wrapped__", None)
    return found


class Binding:
    """The part of a derived function that binds its calls to the function `_fn`'s
    parameters and knows the positions `_wrt` names. When the signature changes it calls
    `forgotten()`, which drops whatever was derived for the old one."""

    _trailing = 0   # arguments a call passes after the function's own (a cotangent)
    _self = read.NOTHING   # the object a bound method is bound to

    def _take_signature(self):
        """The signature calls are bound with and the positions `wrt` names, taken again
        whenever the code or defaults they come from change: autoreload replaces both in
        place, and a new default or parameter must reach the next call."""
        self._binding = _binding(self._fn)
        skip = self._self is not read.NOTHING
        self._positions = positions(self._fn, self._wrt, skip)
        self._signature = read.signature(self._fn)
        params = self._signature.parameters.values()
        self._nparams = len(params)
        if skip or any(p.kind != p.POSITIONAL_OR_KEYWORD for p in params):
            self._nparams = -1
        # positional arguments of a call the fast path takes
        self._arity = self._nparams + self._trailing if self._nparams >= 0 else -1

    @property
    def _where(self):
        """The file and line of the function, for messages about its arguments."""
        return self._fn.__code__.co_filename, self._fn.__code__.co_firstlineno

    def _bind(self, args, kwargs):
        binding = _binding(self._fn)
        if len(binding) != len(self._binding) or any(
                now is not then for now, then in zip(binding, self._binding)):
            self.forgotten()
            self._take_signature()
        if self._self is not read.NOTHING:
            args = (self._self,) + tuple(args)
        if not kwargs and len(args) == self._nparams:
            return args
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"{self.__name__}: {exc}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())
