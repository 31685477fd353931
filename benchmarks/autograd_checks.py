"""One check of autograd's test suite, done by s2sad.

autograd's tests hand `check_grads` a function, its arguments, the positions to
differentiate and the modes; `judge` differentiates the same thing with s2sad and compares
with central differences, as autograd's own check does: along a random tangent `t`, the
forward mode's `J t` (seen through a random vector) and the reverse mode's `<t, u J>` for a
random cotangent `u` must match `(f(x + t h/2) - f(x - t h/2)) / h`, h = 1e-6, to an
absolute or relative 1e-6. A complex number is a point of R^2 with the inner product
`Re(conj(a) b)`, and a cotangent is passed and read back conjugated (autograd's and JAX's
convention: the cotangent of `c z` is `c g`).

s2sad reads source, so a library function is called from a module written for the check,
with the arguments that are not differentiated and the keywords written in as constants:

    def checked(x0):
        return numpy.var(x0, axis=None, keepdims=True, ddof=1)

The outcome is exact, kink (the point is not differentiable: the differences from the
left and from the right disagree, and s2sad's derivative is the one of a side, as
docs/rules.md says, where autograd took another value, e.g. 0 for `abs` at 0), refused
(an `s2sad.Error`: its message says what is missing), wrong (numbers that differ: a bug),
crash (any other exception: a bug) or plain-fails (the function does not run on plain
NumPy and SciPy values: it is autograd's own API, such as `make_diagonal`, and out of the
yardstick).
"""
import ast
import os
import signal
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

import s2sad

EXACT, KINK, REFUSED, WRONG, CRASH = "exact", "kink", "refused", "wrong", "crash"
PLAIN_FAILS = "plain-fails"
STEP = 1e-6
TOLERANCE = 1e-6


@dataclass
class Call:
    """What a test gave `check_grads`, in the plain world: `fun` a plain callable,
    `path` its dotted name where a user would spell it so (`numpy.linalg.inv`)."""
    fun: object
    args: tuple
    kwargs: dict
    argnums: tuple
    modes: tuple = ("fwd", "rev")
    path: str = None


@dataclass
class Outcome:
    status: str
    message: str = ""
    details: dict = field(default_factory=dict)


# --- values as trees of leaves (a number, a complex number, an array) -------------------

def leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in value for leaf in leaves(value[key])]
    return [value]


def rebuilt(like, items):
    """`like` with its leaves replaced, in order, by those of the iterator `items`."""
    if isinstance(like, (tuple, list)):
        return type(like)(rebuilt(item, items) for item in like)
    if isinstance(like, dict):
        return {key: rebuilt(like[key], items) for key in like}
    return next(items)


def mapped(fn, *trees):
    """The tree of `fn` applied to the leaves of `trees` (all shaped like the first)."""
    return rebuilt(trees[0], iter([fn(*ls) for ls in zip(*map(leaves, trees))]))


def _random_leaf(leaf, rng):
    shape = np.shape(leaf)
    if np.iscomplexobj(leaf):
        drawn = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    else:
        drawn = rng.standard_normal(shape)
    return drawn if isinstance(leaf, np.ndarray) else drawn.item()


def random_like(value, rng):
    return mapped(lambda leaf: _random_leaf(leaf, rng), value)


def conjugate(value):
    return mapped(lambda leaf: np.conj(leaf) if np.iscomplexobj(leaf) else leaf, value)


def inner(a, b):
    """`Re(conj(a) . b)` summed over the leaves: the real inner product."""
    return float(sum(np.real(np.vdot(np.ravel(x), np.ravel(y)))
                     for x, y in zip(leaves(a), leaves(b))))


def shifted(x, t, h):
    return mapped(lambda a, d: a + h * d, x, t)


def close(a, b, tolerance=TOLERANCE):
    """autograd's comparison of two numbers: absolutely or relatively close."""
    return abs(a - b) < tolerance or abs(a - b) < tolerance * abs(a + b)


# --- the function s2sad differentiates --------------------------------------------------

def _literal(value):
    """`value` written as Python source, or None where a literal cannot show it."""
    if isinstance(value, (np.ndarray, np.generic)) or callable(value):
        return None
    text = repr(value)
    try:
        same = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if type(same) is type(value) and same == value else None


class Writer:
    """Writes each check's module into `folder` (a real file: s2sad reads its source)."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def function(self, call):
        """`(fn, args, wrt)` that s2sad differentiates: the test's own function when it
        takes exactly the arguments given, else a `checked` written for the call."""
        if call.path is None and not call.kwargs and _readable(call.fun):
            return call.fun, call.args, call.argnums
        names, constants, written = {}, {}, []
        for i, value in enumerate(call.args):
            if i in call.argnums:
                names[i] = f"x{i}"
                written.append(f"x{i}")
            else:
                written.append(self._constant(value, constants))
        written += [f"{k}={self._constant(v, constants)}" for k, v in call.kwargs.items()]
        namespace = dict(constants)
        head = self._callee(call, namespace)
        self.count += 1
        path = os.path.join(self.folder, f"check_{self.count:05d}.py")
        text = (f"def checked({', '.join(names[i] for i in call.argnums)}):\n"
                f"    return {head}({', '.join(written)})\n")
        with open(path, "w") as file:
            file.write(text)
        exec(compile(text, path, "exec"), namespace)  # noqa: S102 - our own generated module
        return namespace["checked"], tuple(call.args[i] for i in call.argnums), \
            tuple(range(len(call.argnums)))

    @staticmethod
    def _constant(value, constants):
        text = _literal(value)
        if text is None:
            text = f"c{len(constants)}"
            constants[text] = value
        return text

    @staticmethod
    def _callee(call, namespace):
        if call.path is None:
            namespace["FUN"] = call.fun
            return "FUN"
        top = call.path.partition(".")[0]
        namespace[top] = __import__(top)
        return call.path


def _readable(fun):
    """A function s2sad is given directly: a `def` (s2sad refuses a lambda given to `grad`,
    advising a `def`: the module written for the check is that `def`)."""
    code = getattr(fun, "__code__", None)
    return code is not None and os.path.exists(code.co_filename) and \
        code.co_name != "<lambda>" and not code.co_flags & (0x04 | 0x08)  # no *args, **kwargs


# --- the check --------------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def judge(call, writer, rng, timeout=60):
    """The `Outcome` of differentiating `call` with s2sad (seconds: `timeout`)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return _judged(call, writer, rng)
    except _Timeout:
        return Outcome(CRASH, f"no answer within {timeout} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _judged(call, writer, rng):
    try:
        fn, args, wrt = writer.function(call)
        value = fn(*args)
        tangent = random_like(tuple(args[i] for i in wrt), rng)
        numeric = _central(fn, args, wrt, tangent, STEP)
    except _Timeout:
        raise
    except s2sad.Error as exc:           # a derivative the function calls (`grad(f)(x)`)
        return Outcome(REFUSED, _first_line(exc))
    except Exception as exc:  # noqa: BLE001 - whatever the plain function raises
        return Outcome(PLAIN_FAILS, _first_line(exc))
    try:
        for mode in ("fwd", "rev"):
            if mode in call.modes:
                found = _mode(mode, fn, args, wrt, value, tangent, numeric, rng)
                if found is not None:
                    return found
    except _Timeout:
        raise
    except s2sad.Error as exc:
        return Outcome(REFUSED, _first_line(exc))
    except Exception as exc:  # noqa: BLE001 - an internal error is what we look for
        return Outcome(CRASH, f"{type(exc).__name__}: {_first_line(exc)}",
                       {"traceback": traceback.format_exc(limit=-4)})
    return Outcome(EXACT)


def _mode(mode, fn, args, wrt, value, tangent, numeric, rng):
    """None where s2sad's derivative in `mode` agrees, else the WRONG `Outcome`."""
    probe = random_like(value, rng)
    if mode == "fwd":
        found, derivative = s2sad.jvp(fn, wrt=wrt)(*args, tangent)
        ours = inner(probe, derivative)
    else:
        found, cotangents = s2sad.vjp(fn, wrt=wrt)(*args, conjugate(probe))
        ours = inner(tangent, conjugate(tuple(cotangents)))
    if not _same_value(found, value):
        return Outcome(WRONG, f"{mode}: the value differs from the function's")
    theirs = inner(probe, numeric)
    if close(ours, theirs) or close(ours, _refined(fn, args, wrt, tangent, probe)):
        return None
    right = inner(probe, _difference(fn, args, wrt, tangent, 0.0, STEP))
    left = inner(probe, _difference(fn, args, wrt, tangent, -STEP, 0.0))
    if not close(left, right, 1e-4) and (close(ours, left, 1e-4) or close(ours, right, 1e-4)):
        return Outcome(KINK, f"{mode}: {ours!r}, the derivative from one side; from the "
                       f"left {left!r}, from the right {right!r}")
    return Outcome(WRONG, f"{mode}: {ours!r} against central differences {theirs!r}",
                   {"s2sad": ours, "numeric": theirs})


def _same_value(found, value):
    ours, theirs = leaves(found), leaves(value)
    try:
        return len(ours) == len(theirs) and all(
            np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12,
                                                       equal_nan=True)
            for a, b in zip(ours, theirs))
    except (TypeError, ValueError):
        return False


def _central(fn, args, wrt, tangent, h):
    return _difference(fn, args, wrt, tangent, -h / 2, h / 2)


def _difference(fn, args, wrt, tangent, low, high):
    """`(f(x + high t) - f(x + low t)) / (high - low)`."""
    def at(h):
        moved = list(args)
        for i, t in zip(wrt, tangent):
            moved[i] = shifted(args[i], t, h) if h else args[i]
        return fn(*moved)
    return mapped(lambda a, b: (np.asarray(a) - np.asarray(b)) / (high - low), at(high), at(low))


def _refined(fn, args, wrt, tangent, probe):
    """A second opinion before calling a derivative wrong: central differences with a
    larger step, Richardson-extrapolated (the h**2 term cancels)."""
    coarse = inner(probe, _central(fn, args, wrt, tangent, 1e-3))
    fine = inner(probe, _central(fn, args, wrt, tangent, 5e-4))
    return (4 * fine - coarse) / 3


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
