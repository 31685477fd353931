"""JAX in float64 on the CPU: `jax.grad` run op by op (no jit), and `jax.jit(jax.grad)`,
whose first call (trace, compile, run) is reported apart from the later calls."""
import time
import types

import jax
import jax.numpy as jnp

from benchmarks.peers import Prepared, rebind

jax.config.update("jax_enable_x64", True)
VERSION = jax.__version__
_MATH = types.SimpleNamespace(sin=jnp.sin, cos=jnp.cos, exp=jnp.exp, log=jnp.log)


def _setup(case):
    fn = rebind(case.fn, np=jnp, math=_MATH)
    args = tuple(a if isinstance(a, (int, float)) else jnp.asarray(a) for a in case.args)
    static = tuple(i for i, a in enumerate(args) if isinstance(a, int) and i not in case.wrt)
    return jax.grad(fn, argnums=case.wrt), args, static


def _to_numpy(grads):
    return tuple(float(g) if g.ndim == 0 else jax.device_get(g) for g in grads)


def prepare_eager(case):
    gradient, args, _ = _setup(case)

    def run():
        return jax.block_until_ready(gradient(*args))
    return Prepared(run, _to_numpy)


def prepare_jit(case):
    gradient, args, static = _setup(case)
    compiled = jax.jit(gradient, static_argnums=static)

    def run():
        return jax.block_until_ready(compiled(*args))
    start = time.perf_counter()
    run()
    return Prepared(run, _to_numpy, time.perf_counter() - start)


COLUMNS = [("jax", prepare_eager), ("jax jit", prepare_jit)]
