"""What s2sad keeps for each function it differentiates, and the lock that guards it.

The lowered function and its derivatives are kept on the function object itself (in
its `__dict__`), so they live exactly as long as it does: a cache beside it would keep
it alive, for generated code refers to the function (a recursive call, its closure
cells) and to its module. A copy of the attribute made by `functools.wraps` onto a
wrapper belongs to another function and is ignored (`owner`).

Building derivatives is serialized by one re-entrant lock, so threads that make the
first call of a derived function at once each get the one derivative, built once; the
generated code itself runs without it.
"""
import threading
import weakref

LOCK = threading.RLock()
_ATTRIBUTE = "_s2sad_cache"
_generation = 0


class Entry:
    """The lowered function (`front`) and the derivatives by specialisation key."""

    def __init__(self, fn):
        self.owner = weakref.ref(fn)
        self.generation = _generation
        self.front = None
        # the fronts lowered for parameters that are containers, by their layouts
        self.shaped = {}
        self.derived = {}


def front_of(found, layouts):
    """The front of cache entry `found` for these parameter layouts (None: plain)."""
    return found.front if layouts is None else found.shaped.get(layouts)


def entry(fn):
    """The cache of function `fn`, new if it has none (or one from before `forget_all`)."""
    found = fn.__dict__.get(_ATTRIBUTE)
    if found is None or found.owner() is not fn or found.generation != _generation:
        found = Entry(fn)
        fn.__dict__[_ATTRIBUTE] = found
    return found


def forget_all():
    """Drop every function's cache (the rule table changed): each is replaced on use."""
    global _generation
    with LOCK:
        _generation += 1
