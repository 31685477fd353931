"""HIPS autograd: `autograd.grad` on the function with `np` and `math` rebound to
`autograd.numpy`; it traces the function anew on every call."""
import types

import autograd
import autograd.numpy as anp

from benchmarks.peers import Prepared, rebind

VERSION = getattr(autograd, "__version__", None) or \
    __import__("importlib.metadata").metadata.version("autograd")
_MATH = types.SimpleNamespace(sin=anp.sin, cos=anp.cos, exp=anp.exp, log=anp.log)


def prepare(case):
    fn = rebind(case.fn, np=anp, math=_MATH)
    gradient = autograd.grad(fn, argnum=case.wrt)
    args = case.args

    def run():
        return gradient(*args)
    return Prepared(run, tuple)


COLUMNS = [("autograd", prepare)]
