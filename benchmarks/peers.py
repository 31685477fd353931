"""The optional peers: autograd, PyTorch and JAX, each in its own adapter module.

A peer runs the benchmark function's own code with `np` and `math` rebound to its
modules (`rebind`), so every column differentiates the same program. An adapter module
defines VERSION and COLUMNS, a list of (label, prepare); `prepare(case)` returns a
`Prepared` gradient or raises if the peer cannot differentiate the function. A peer
whose import fails is reported as not installed: none of them is a dependency.
"""
import importlib
import types
from dataclasses import dataclass
from typing import Callable, Optional

ADAPTERS = (("autograd", "benchmarks.peer_autograd"), ("torch", "benchmarks.peer_torch"),
            ("jax", "benchmarks.peer_jax"))
LABELS = ("autograd", "torch", "jax", "jax jit")


@dataclass
class Prepared:
    """`run()` computes the gradient and waits for it; `to_numpy` turns its result into
    a tuple of floats and arrays; `first_call` is the seconds the first call took where
    it traces and compiles (jit)."""
    run: Callable[[], object]
    to_numpy: Callable[[object], tuple]
    first_call: Optional[float] = None


def load():
    """{label: (version, prepare)} for the installed peers, {label: None} for the others."""
    found = {label: None for label in LABELS}
    for name, module in ADAPTERS:
        try:
            adapter = importlib.import_module(module)
        except ImportError:
            continue
        for label, prepare in adapter.COLUMNS:
            found[label] = (adapter.VERSION, prepare)
    return found


def versions(found):
    """{peer name: version, None if not installed} for the peers `found` considered."""
    result = {}
    for label, entry in found.items():
        name = label.split()[0]
        if entry or name not in result:
            result[name] = entry[0] if entry else None
    return result


def rebind(fn, **modules):
    """A copy of `fn` whose global names (`np`, `math`) refer to other modules."""
    scope = dict(fn.__globals__, **modules)
    return types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__,
                              fn.__closure__)
