"""References for the realistic programs, independent of s2sad: central differences
(leaf by leaf for a structured argument) and the dual-number oracle.

An argument may be a structure of parameters: a dict, list or tuple of arrays and
floats, a namedtuple or a dataclass. Its leaves are the floats and float arrays inside;
a leaf is named by its path of keys, field names and indices, so a gradient returned as a
dict and one returned as a dataclass with the same field names are compared alike.
"""
import dataclasses

import dual
import numpy as np

STEP = 1e-6


def _is_leaf(x):
    return isinstance(x, (float, int, np.floating, np.ndarray)) and not isinstance(x, bool)


def _children(x):
    """`(name, child)` pairs of a structure, in order."""
    if isinstance(x, dict):
        return list(x.items())
    if dataclasses.is_dataclass(x):
        return [(f.name, getattr(x, f.name)) for f in dataclasses.fields(x)]
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return list(zip(x._fields, x))
    if isinstance(x, (list, tuple)):
        return list(enumerate(x))
    raise TypeError(f"not a structure of parameters: {type(x).__name__}")


def _rebuilt(x, children):
    """`x`'s structure holding `children` (in `_children`'s order)."""
    if isinstance(x, dict):
        return dict(zip(x, children))
    if dataclasses.is_dataclass(x):
        return dataclasses.replace(x, **{f.name: c for f, c in zip(dataclasses.fields(x),
                                                                    children)})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*children)
    return type(x)(children)


def leaves(x, path=()):
    """`(path, leaf)` pairs of `x`, depth first."""
    if _is_leaf(x):
        return [(path, x)]
    return [pair for name, child in _children(x) for pair in leaves(child, path + (name,))]


def map_leaves(fn, x, *others):
    """`x`'s structure with `fn(leaf, *leaves of others at the same place)` at each leaf."""
    if _is_leaf(x):
        return fn(x, *others)
    names = [name for name, _ in _children(x)]
    kids = [child for _, child in _children(x)]
    other_kids = [[dict(_children(o))[name] for name in names] for o in others]
    return _rebuilt(x, [map_leaves(fn, kid, *(k[i] for k in other_kids))
                        for i, kid in enumerate(kids)])


def _replaced(x, path, new):
    if not path:
        return new
    return _rebuilt(x, [_replaced(child, path[1:], new) if name == path[0] else child
                        for name, child in _children(x)])


def _leaf_gradient(f, leaf, place):
    """Central differences of `f(place(v))` at each element of `leaf`."""
    base = np.array(leaf, dtype=np.float64)
    as_leaf = (lambda a: a) if isinstance(leaf, np.ndarray) else float
    out = np.zeros(base.shape)
    for i in np.ndindex(base.shape):
        h = STEP * max(1.0, abs(float(base[i])))
        plus, minus = base.copy(), base.copy()
        plus[i] += h
        minus[i] -= h
        out[i] = ((float(f(place(as_leaf(plus)))) - float(f(place(as_leaf(minus)))))
                  / (plus[i] - minus[i]))
    return out if isinstance(leaf, np.ndarray) else float(out)


def gradient(program):
    """The gradient of the program's scalar result by central differences, shaped like
    what `s2sad.grad` returns: a tuple when `wrt` is a tuple, each element structured like
    its argument."""
    fn, args = program.fn, program.args
    grads = []
    for p in program.positions:
        def at(arg, p=p):
            return fn(*args[:p], arg, *args[p + 1:])
        found = {path: _leaf_gradient(at, leaf, lambda v, path=path: _replaced(args[p], path, v))
                 for path, leaf in leaves(args[p])}
        grads.append(_structured(args[p], found))
    return tuple(grads) if isinstance(program.wrt, tuple) else grads[0]


def _structured(arg, found, path=()):
    if _is_leaf(arg):
        return found[path]
    return _rebuilt(arg, [_structured(child, found, path + (name,))
                          for name, child in _children(arg)])


def tangents(program, seed=0):
    """A random direction for each differentiated argument, structured like it."""
    rng = np.random.default_rng(seed)
    out = tuple(map_leaves(lambda leaf: rng.normal(size=np.shape(leaf))
                           if isinstance(leaf, np.ndarray) else float(rng.normal()),
                           program.args[p]) for p in program.positions)
    return out if isinstance(program.wrt, tuple) else out[0]


def _per_position(program, value):
    return value if isinstance(program.wrt, tuple) else (value,)


def _moved(program, direction, h):
    args = list(program.args)
    for p, t in zip(program.positions, _per_position(program, direction)):
        args[p] = map_leaves(lambda x, d: np.asarray(x, dtype=np.float64) + h * d
                             if isinstance(x, np.ndarray) else float(x) + h * d, args[p], t)
    return args


def directional(program, direction):
    """J . direction by central differences of the scalar result along `direction`."""
    scale = max([1.0] + [float(np.max(np.abs(leaf))) for p in program.positions
                         for _, leaf in leaves(program.args[p])])
    h = STEP * scale
    plus = float(program.fn(*_moved(program, direction, h)))
    minus = float(program.fn(*_moved(program, direction, -h)))
    return (plus - minus) / (2 * h)


def _seeded(x, direction):
    if isinstance(x, np.ndarray):
        out = np.empty(x.shape, dtype=object)
        for i in np.ndindex(x.shape):
            out[i] = dual.Dual(x[i], direction[i])
        return out
    return dual.Dual(x, direction)


def dual_directional(program, direction):
    """`(value, J . direction)` from one evaluation on dual numbers (tests/dual.py): the
    arguments' leaves are seeded with the direction, a bound method runs its function with
    its object."""
    args = list(program.args)
    for p, t in zip(program.positions, _per_position(program, direction)):
        args[p] = map_leaves(_seeded, args[p], t)
    fn = program.fn
    if hasattr(fn, "__self__"):
        args.insert(0, fn.__self__)
        fn = fn.__func__
    result = dual.dualize(fn)(*args)
    return float(dual.value(result)), float(dual.tangent(result))


def inner(a, b):
    """The sum of the elementwise products of two structures alike (a gradient and a
    direction)."""
    pairs = zip(leaves(a), leaves(b))
    return float(sum(np.sum(np.asarray(x) * np.asarray(y)) for (_, x), (_, y) in pairs))
