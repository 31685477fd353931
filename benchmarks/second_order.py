"""The second derivatives each tool offers, for benchmarks/hessian.py: s2sad's `hvp`,
`jvp(grad(f))` and `hessian`; JAX's forward-over-reverse `jax.jvp(jax.grad(f))` and
`jax.hessian`, run op by op and under `jax.jit`; autograd's `hessian_vector_product` and
`hessian` (reverse over reverse). Neither peer is a dependency: one that does not import
is reported as not installed.

Each tool is prepared for one problem (a function, its arguments, the positions `wrt`
and one direction per position) as a `Second` of calls that take no argument, so that
every column is timed the same way, and return NumPy results: a tuple with one entry per
position for `grad` and `hvp`, an array for `hessian` (one position only). A call the tool
does not offer, or that does not apply, is None.
"""
import importlib
import importlib.metadata
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

import s2sad
from benchmarks.peers import rebind

# what each label's product and Hessian are
LEGEND = {"s2sad": "s2sad.hvp(f), s2sad.hessian(f)",
          "s2sad jvp(grad)": "the tangent of s2sad.jvp(s2sad.grad(f))",
          "autograd": "autograd.hessian_vector_product(f), autograd.hessian(f)",
          "jax": "jax.jvp(jax.grad(f)), jax.hessian(f), op by op",
          "jax jit": "the same under jax.jit"}


@dataclass
class Second:
    grad: Callable[[], tuple]
    hvp: Callable[[], tuple]
    hessian: Optional[Callable[[], np.ndarray]] = None


def s2sad_tools(problem):
    """{label: Second}: `s2sad.hvp` and `s2sad.hessian`, and `s2sad.jvp(s2sad.grad(f))`
    (whose tangent is the product), each beside the same `s2sad.grad`."""
    args, single = problem.args, len(problem.wrt) == 1
    wrt = problem.wrt[0] if single else problem.wrt
    v = problem.v[0] if single else problem.v
    grad = s2sad.grad(problem.fn, wrt=wrt)
    hvp = s2sad.hvp(problem.fn, wrt=wrt)
    tangent_of_grad = s2sad.jvp(grad, wrt=wrt)
    hessian = s2sad.hessian(problem.fn, wrt=wrt) if single else None

    def tuples(call):
        return (lambda: (call(),)) if single else (lambda: tuple(call()))
    gradient = tuples(lambda: grad(*args))
    whole = None if hessian is None else (lambda: hessian(*args))
    return {"s2sad": Second(gradient, tuples(lambda: hvp(*args, v)), whole),
            "s2sad jvp(grad)": Second(gradient,
                                      tuples(lambda: tangent_of_grad(*args, v)[1]))}


def peer_tools(problem):
    """{label: Second, or None for a peer that is not installed} and {peer: version}."""
    found, versions = {}, {}
    for name, labels, make in (("autograd", ("autograd",), _autograd),
                               ("jax", ("jax", "jax jit"), _jax)):
        try:
            module = importlib.import_module(name)
        except ImportError:
            found.update(dict.fromkeys(labels))
            versions[name] = None
            continue
        found.update(make(module, problem))
        versions[name] = importlib.metadata.version(name)
    return found, versions


def _autograd(autograd, problem):
    import autograd.numpy as anp
    fn, args, wrt, v = rebind(problem.fn, np=anp), problem.args, problem.wrt, problem.v
    if len(wrt) == 1:
        grad = autograd.grad(fn, wrt[0])
        hvp = autograd.hessian_vector_product(fn, wrt[0])
        hessian = autograd.hessian(fn, wrt[0])
        return {"autograd": Second(lambda: (grad(*args),), lambda: (hvp(*args, v[0]),),
                                   lambda: hessian(*args))}
    grad = autograd.grad(fn, wrt)

    def along(*args_and_v):
        *at, direction = args_and_v
        return sum(anp.sum(g * d) for g, d in zip(grad(*at), direction))
    hvp = autograd.grad(along, wrt)
    return {"autograd": Second(lambda: tuple(grad(*args)), lambda: tuple(hvp(*args, v)))}


def _jax(jax, problem):
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    fn, wrt = rebind(problem.fn, np=jnp), problem.wrt
    args = tuple(a if isinstance(a, (int, float)) else jnp.asarray(a) for a in problem.args)
    v = tuple(d if isinstance(d, float) else jnp.asarray(d) for d in problem.v)
    grad = jax.grad(fn, argnums=wrt)

    def hvp(args, v):
        def gradient_at(*params):
            full = list(args)
            for position, value in zip(wrt, params):
                full[position] = value
            return grad(*full)
        return jax.jvp(gradient_at, tuple(args[p] for p in wrt), v)[1]

    def hessian(args):
        return jax.hessian(fn, argnums=wrt[0])(*args)

    def second(grad, hvp, hessian):
        def numpy(results):
            return tuple(np.asarray(r) for r in jax.block_until_ready(results))
        return Second(lambda: numpy(grad(*args)), lambda: numpy(hvp(args, v)),
                      (lambda: np.asarray(jax.block_until_ready(hessian(args))))
                      if len(wrt) == 1 else None)
    return {"jax": second(grad, hvp, hessian),
            "jax jit": second(jax.jit(grad), jax.jit(hvp), jax.jit(hessian))}
