"""The fast path of a derived function: a few generated lines that recognise the argument
kinds already seen and call their generated derivative directly.

Binding arguments with `inspect.Signature`, computing a cache key and shaping the results
in Python costs ten times a small scalar function; the derivative of such a function
should cost little more than its generated code. So after each call that specialised a
new kind, the derived function compiles a dispatcher such as

    def grad_gw(a0=MISSING, a1=MISSING, /, *more, **keywords):
        try:
            if not more and not keywords:
                if type(a0) is float and type(a1) is float:
                    now[0] = s11
                    r = f12(a0, a1, 1.0)
                    g0, g1, = r
                    if type(g0) is float and type(g1) is float:
                        return r
                    return (float(g0), float(g1))
            return slow(*given((a0, a1), more), **keywords)
        except Exception as exc:
            note(exc)
            raise

(`f12` is the generated gradient, `s11` the specialisation it belongs to, recorded for
`_last` and `source`; the test of the results is left out where `pyfloats` shows the
generated code returns Python floats; `r = run(f12, a0, a1)` where the generated code may
give NumPy warnings, which `run` says at the user's line; `note` says at the user's line
an exception raised in generated code, located.py). Parameters are positional-only with a
default, so that keywords, missing and extra arguments all reach `slow`, the binding path,
with the call unchanged.

Each guard tests what decides the kinds `kinds.of_arguments` gives (the exact type; for an
array its rank, dtype, and which axis lengths are 1 or equal), so a call that passes a guard
would have been given the same derivative by the slow path; any other call (keywords, a
missing argument, a new kind) goes to the slow path, with all its checks and messages.
"""

import numpy as np

from ..ir.naming import identifier
from ..runtime_dask import is_dask
from ..syntax.compile import keep_source, source_file
from .located import note, run

# a dispatcher stops learning after this many kinds: the slow path serves the rest
LIMIT = 8


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def given(args, more):
    """The positional arguments of the call: `args` without the MISSING ones at the end
    (positional-only parameters are filled from the left) followed by `more`."""
    args = list(args)
    while args and args[-1] is MISSING:
        args.pop()
    return (*args, *more)


class Dispatcher:
    """The generated function that runs the kinds seen so far (branches), else `slow`.

    The lines may use `names` by these names, and other objects by the name `constant`
    gives them. `branch` adds the guards and lines of one kind and returns the new
    function, or None when a branch has these guards already."""

    def __init__(self, name, arity, slow, **names):
        self.name = identifier(name)
        self.params = tuple(f"a{i}" for i in range(arity))
        self.namespace = {"MISSING": MISSING, "given": given, "slow": slow,
                          "ndarray": np.ndarray, "float": float, "type": type, "len": len,
                          "tuple": tuple, "note": note, "run": run, "Exception": Exception,
                          **names}
        self.branches = {}
        self.calls = {}   # slow calls per specialisation (id of derivative._Seen)
        self.fresh = "True"   # what must hold for any branch to be taken

    def ripe(self, specialisation):
        """Whether to build the branch of `specialisation` now: at its second slow call
        (compiling costs a few hundred microseconds, which a derived function called once,
        as `check_grads` makes them, should not pay), and under the limit."""
        calls = self.calls[id(specialisation)] = self.calls.get(id(specialisation), 0) + 1
        return calls == 2 and len(self.branches) < LIMIT

    def constant(self, value, hint):
        """The name the generated lines use for `value` (one name per object)."""
        for name, known in self.namespace.items():
            if known is value:
                return name
        name = f"{hint}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def branch(self, guards, lines):
        key = " and ".join(guards)
        if key in self.branches:
            return None
        self.branches[key] = lines
        return self.function()

    def function(self):
        params = ", ".join(self.params)
        text = [f"def {self.name}({''.join(p + '=MISSING, ' for p in self.params)}/, "
                "*more, **keywords):",
                "    try:",
                f"        if not more and not keywords and {self.fresh}:"]
        for key, lines in self.branches.items():
            text.append(f"            if {key}:")
            text.extend("                " + line for line in lines)
        text += [f"        return slow(*given(({params}"
                 f"{',' if len(self.params) == 1 else ''}), more), **keywords)",
                 "    except Exception as exc:",
                 "        note(exc)",
                 "        raise"]
        self.source = "\n".join(text) + "\n"
        filename = source_file("dispatch", self.name, self.source)
        namespace = dict(self.namespace)
        exec(compile(self.source, filename, "exec", dont_inherit=True), namespace)
        function = namespace[self.name]
        keep_source(function, filename, self.source)
        return function


def argument_guards(values, constant):
    """Conditions on `a0, a1, ...` that hold exactly for arguments of the kinds of
    `values`, or None when no cheap test decides them (an ndarray subclass, a Dask array:
    the slow path is cheap beside building a graph)."""
    guards, lengths = [], {}
    for i, value in enumerate(values):
        a = f"a{i}"
        if type(value) is np.ndarray:
            dtype = constant(value.dtype, "D")
            guards += [f"type({a}) is ndarray", f"{a}.ndim == {value.ndim}",
                       f"{a}.dtype is {dtype}"]
            guards += _length_guards(a, value.shape, lengths)
        elif isinstance(value, np.ndarray) or is_dask(value):
            return None
        else:
            kind = "float" if type(value) is float else constant(type(value), "T")
            guards.append(f"type({a}) is {kind}")
    return guards


def _length_guards(a, shape, lengths):
    """Conditions on the axis lengths of array `a` (seen with `shape`) that keep the
    pattern the kinds record: which lengths are 1, and which equal which other axis's
    (`lengths`: the first axis seen with each length, by length, updated here)."""
    guards = []
    for axis, n in enumerate(shape):
        here = f"{a}.shape[{axis}]"
        if n == 1:
            guards.append(f"{here} == 1")
        elif n in lengths:
            guards.append(f"{here} == {lengths[n]}")
        else:
            guards += [f"{here} != 1"] + [f"{here} != {other}" for other in lengths.values()]
            lengths[n] = here
    return guards


def seed_guards(values, positions, seeds):
    """Conditions under which the tangents named `seeds` (one per position) pass
    `values.seed_like` unchanged: a float for a number, an array of the argument's shape and
    dtype for an array. Use after `argument_guards`, which tests the arguments."""
    guards = []
    for p, t in zip(positions, seeds):
        if type(values[p]) is np.ndarray:
            guards += [f"type({t}) is ndarray", f"{t}.dtype is a{p}.dtype",
                       f"{t}.shape == a{p}.shape"]
        else:
            guards.append(f"type({t}) is float")
    return guards
