"""Calls of a derived function with Dask arrays among the arguments: what goes in, what
comes out, and what is refused.

NumPy's dispatch protocols let a Dask array flow through generated NumPy code, so the
derivative is the one generated for NumPy arrays of the same kinds, with the Dask forms
of a few run-time helpers (runtime_dask.py). What such a call changes is at its ends:

- in: the float arrays passed beside Dask ones become Dask arrays (`da.asarray`), so that an
  adjoint made by `np.zeros_like(w)` is lazy too and adding a lazy contribution into it
  stays lazy (an in-memory array cannot hold one);
- out: every gradient and tangent is a lazy Dask array of the argument's (or result's)
  shape and dtype, and the value is the function's own, lazy where it reads a Dask array;
  nothing is computed: `dask.compute(value, grad)` then runs
  the graph once, chunk by chunk, on a `dask.distributed` cluster when a Client is set;
- refused: an operation Dask cannot run lazily raises a located `UnsupportedError` at the
  user's line, instead of an error from inside Dask or a silent in-memory copy (Dask's
  fallback for NumPy functions it lacks computes the array, with a FutureWarning, which is
  made an error while a derivative runs).

The warning filters are one list for the whole process, and `catch_warnings` restores the
list it found: two calls in two threads that overlap would leave the first's filter in
place for good. Such calls therefore build their graphs one at a time (`_FILTERS`); this
costs little, since nothing is computed while they run.
"""
import threading
import warnings

import numpy as np

from ..errors import UnsupportedError, UsageError
from ..runtime_dask import is_dask, lazy
from ..syntax.compile import origin
from . import located

_FALLBACK = r"(?s).*is not implemented by Dask array"
_FILTERS = threading.RLock()


def any_dask(values):
    return any(is_dask(v) for v in values)


def key(value):
    """What of a Dask argument decides its kind: the cache key `_derive` keeps."""
    return type(value), value.shape, value.dtype


def prepared(values):
    """The arguments as the derivative for Dask arguments takes them: float (and complex)
    arrays in memory as Dask arrays; numbers and integer arrays (indices, which
    must be known to build the graph) as they are."""
    return tuple(lazy(v) if isinstance(v, np.ndarray) and v.ndim and v.dtype.kind in "fc"
                 else v for v in values)


def run(function, *args, fn=None):
    """`function(*args)`, with what Dask cannot do lazily refused at the user's line."""
    with _FILTERS, warnings.catch_warnings():
        warnings.filterwarnings("error", message=_FALLBACK, category=FutureWarning)
        try:
            return located.run(function, *args)
        except (TypeError, NotImplementedError, FutureWarning) as exc:
            if not _from_dask(exc):
                raise
            raise _refused(exc, fn) from None


def _from_dask(exc):
    """Whether `exc` says Dask cannot do an operation lazily (its fallback's warning, a
    ufunc method it does not implement, `NotImplementedError` from Dask, a Dask form's
    refusal), rather than an error the function itself raises on these arguments."""
    modules = []
    tb = exc.__traceback__
    while tb is not None:
        modules.append(tb.tb_frame.f_globals.get("__name__", ""))
        tb = tb.tb_next
    if isinstance(exc, FutureWarning) or "s2sad.runtime_dask" in modules:
        return True
    if isinstance(exc, NotImplementedError):
        return any(module.startswith("dask.") for module in modules)
    return isinstance(exc, TypeError) and "returned NotImplemented" in str(exc) and \
        "dask" in str(exc)


def _refused(exc, fn):
    """The located error that says the derivative needs what Dask does not do lazily."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        found = origin(tb.tb_frame.f_code.co_filename, tb.tb_lineno) or found
        tb = tb.tb_next
    name = getattr(fn, "__name__", "the function")
    what = (str(exc).splitlines() or [type(exc).__name__])[0].split(". ")[0].rstrip(".")
    where = (found[0], found[1]) if found else \
        (fn.__code__.co_filename, fn.__code__.co_firstlineno) if fn else ()
    sweep = f" (in the {found[3]} sweep)" if found and found[3] else ""
    return UnsupportedError(
        f"the derivative of `{name}` with Dask arrays needs an operation Dask does not run "
        f"lazily{sweep}: {what}; compute that value in memory first (`x.compute()`), or "
        f"pass NumPy arrays (see docs/dask.md)", *where)


def like(value, grad, fn=None):
    """A gradient as a lazy Dask array of its argument's shape and dtype (a 0-d one for a
    number), as values.like shapes an in-memory one."""
    grad = lazy(grad)
    if grad.dtype.kind == "c" and not np.iscomplexobj(value):
        raise _complex(fn)
    shape, dtype = np.shape(value), np.result_type(value)
    if grad.shape != shape:
        if grad.ndim >= len(shape):
            raise UsageError(
                f"the gradient of `{getattr(fn, '__name__', 'the function')}` came out with "
                f"shape {grad.shape} for an argument of shape {shape}: the arguments' shapes "
                "do not fit together in the function; pass arguments of shapes it accepts.")
        grad = _broadcast(grad, shape)
    return grad if grad.dtype == dtype else grad.astype(dtype)


def _broadcast(a, shape):
    import dask.array
    return dask.array.broadcast_to(a, shape)


def _complex(fn):
    code = getattr(fn, "__code__", None)
    return UnsupportedError(
        f"the derivative of `{getattr(fn, '__name__', 'the function')}` at these arguments "
        "is complex where a real one is expected; pass complex arguments as complex arrays, "
        "or take a real part (`np.real`, `np.abs`).",
        *((code.co_filename, code.co_firstlineno) if code else ()))


def seed_like(value, tangent, name):
    """The tangent of argument `name` as a Dask array of its shape and dtype."""
    seed = lazy(tangent)
    if seed.dtype.kind not in ("fiuc" if np.iscomplexobj(value) else "fiu"):
        raise UsageError(f"the tangent of '{name}' has dtype {seed.dtype}; pass real "
                         "numbers.")
    if seed.shape != np.shape(value):
        raise UsageError(f"the tangent of '{name}' has shape {seed.shape} but '{name}' has "
                         f"shape {np.shape(value)}: pass a tangent of the argument's shape.")
    return seed.astype(np.result_type(value))


def result_tangent(value, tangent, fn=None):
    """The tangent of the result as a lazy Dask array of the value's shape."""
    value, tangent = lazy(value), lazy(tangent)
    if tangent.dtype.kind == "c" and value.dtype.kind != "c":
        raise _complex(fn)
    return _broadcast(tangent, value.shape).astype(value.dtype)


def refuse_containers(fn):
    """Containers of Dask arrays (or a container result) are not taken apart lazily."""
    code = fn.__code__
    raise UnsupportedError(
        f"`{fn.__name__}` takes or returns a container (tuple, list, dict) and Dask arrays "
        "are among the arguments: s2sad differentiates Dask arrays passed as plain "
        "arguments of a function returning a number or an array; pass them separately.",
        code.co_filename, code.co_firstlineno)



def refuse(what, needs):
    """`what` (jacobian, hessian, check_grads) with Dask arguments: it `needs` more than a
    lazy derivative gives."""
    raise UsageError(f"{what} with Dask arrays among the arguments is not supported: it "
                     f"needs {needs}; use s2sad.grad, value_and_grad, vjp or jvp, whose "
                     "results stay lazy, or pass NumPy arrays (`x.compute()`).")
