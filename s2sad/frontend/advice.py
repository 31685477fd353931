"""What to write instead of a call s2sad cannot differentiate, by what the callee is.

The advice follows what the called object is (a builtin, a class, a library function, an
object around a function of the user's), never its repr (which may show an address):
INSTEAD for the builtins and NumPy callables that need words of their own, `no_rule` for
the rest. The lowering raises the refusal at the call (lower_calls.py); the advice for an
attribute or a method it does not read, next to that lowering, names NumPy's function of
the same name where there is one (`numpy_instead`).
"""
import ast
import builtins
import copy
import functools
import types

import gast
import numpy as np

from .. import rules
from . import calls, read

_THROUGH = ", which s2sad does not differentiate through"
_LIST = ("keep the values in a NumPy array: pass a list display straight to the function "
         "that takes it (`np.array([a, b])`, `np.stack([a, b])`).")
_LOOP = "loop with `for i in range(len(x))` and index the values."
_ITERATE = ("use it in a `for` loop's header (`for i, (a, b) in enumerate(zip(x, y))`) or "
            "in a comprehension reduced by `sum`, `max` or `min`.")
SORT = ("sort an array by its indices, `x[np.argsort(x)]`: the indices carry no "
        "derivative, the values they pick do.")
# builtins and NumPy callables that need advice of their own: what the call is, and what
# to write instead
INSTEAD = {
    builtins.reversed: ("makes an iterator" + _THROUGH, "reverse an array with `x[::-1]`."),
    builtins.sorted: ("makes a list" + _THROUGH, SORT),
    np.sort: ("has no derivative rule", SORT),
    builtins.list: ("makes a Python list" + _THROUGH, _LIST),
    builtins.tuple: ("makes a tuple" + _THROUGH, _LIST),
    builtins.dict: ("makes a dict" + _THROUGH, "pass the values as separate arguments."),
    builtins.set: ("makes a set" + _THROUGH, "keep the values in a NumPy array."),
    builtins.frozenset: ("makes a set" + _THROUGH, "keep the values in a NumPy array."),
    builtins.zip: ("makes an iterator" + _THROUGH, _ITERATE),
    builtins.enumerate: ("makes an iterator" + _THROUGH, _ITERATE),
    builtins.map: ("makes an iterator" + _THROUGH, "apply NumPy functions to the whole "
                   "array (`np.sin(x)`), or " + _LOOP),
    builtins.filter: ("makes an iterator" + _THROUGH,
                      "select elements with a mask: `x[x > 0]`."),
    builtins.iter: ("makes an iterator" + _THROUGH,
                    "index the array instead (`x[0]`), or " + _LOOP),
    builtins.next: ("reads an iterator" + _THROUGH,
                    "index the array instead (`x[0]`), or " + _LOOP),
    builtins.range: ("makes a range, which s2sad reads only in a `for` loop's header",
                     "use `np.arange(n)` for an array of integers, or loop with "
                     "`for i in range(n)`."),
    builtins.divmod: ("returns a tuple" + _THROUGH, "write `a // b` and `a % b`."),
    builtins.slice: ("makes a slice object" + _THROUGH,
                     "write the slice in the subscript: `x[1:3]`."),
    builtins.complex: ("makes a complex number; s2sad differentiates real numbers",
                       "compute with the real and imaginary parts as two real values."),
    builtins.print: ("is called for its side effect and has no value to differentiate",
                     "remove the call, or print outside the differentiated function."),
    np.vectorize: ("calls a Python function on each element, which s2sad does not look "
                   "into", "apply NumPy functions to the whole array (`np.sin(x)`), or "
                   "make the vectorized function once at module level (`vf = "
                   "np.vectorize(f)`) and give it a rule: `s2sad.defrule(vf, "
                   "partials=[...])` (docs/rules.md)."),
}


def no_rule(text, value):
    """Why a call to `value`, written `text`, cannot be differentiated, and what to write
    instead: advice that applies to what `value` is (a builtin, a class, a library
    function, an object), never its repr (which may show an address)."""
    try:
        instead = INSTEAD.get(value)
    except TypeError:  # unhashable
        instead = None
    if instead is not None:
        what, advice = instead
        return f"`{text}(...)` {what}; {advice}"
    kind = type(value).__name__
    if isinstance(value, type):
        if issubclass(value, np.generic):
            return (f"`{text}(...)` converts to a NumPy scalar type, which s2sad does not "
                    "differentiate through; use `float(x)` for a number, "
                    f"`x.astype({text})` for an array.")
        return (f"`{text}(...)` creates an object of class `{value.__name__}`, which s2sad "
                "does not differentiate through; compute with numbers and NumPy arrays, "
                "and create objects outside the differentiated function (pass the numbers "
                "they hold as arguments).")
    if isinstance(value, types.MethodType) and calls.library(value.__func__) == "SciPy":
        # a method of a SciPy object (`scipy.stats.norm.sf`): advice as for its functions
        kind = f"a method of SciPy's `{type(value.__self__).__name__}` object"
        return (f"s2sad has no derivative rule for `{text}`, {kind} (s2sad differentiates "
                "your own functions from their source, never a library's). Write the "
                "computation with functions s2sad knows (docs/functions.md), or give "
                f"`{text}` a rule: `s2sad.defrule({text}, partials=[df_dx, ...])` for an "
                "elementwise function (docs/rules.md).")
    if isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
            and not isinstance(getattr(value, "__self__", None), types.ModuleType):
        owner = type(value.__self__).__name__
        return (f"`{text}` is a method of an object of type `{owner}`, which s2sad does not "
                "differentiate; write it as a function defined with `def` at module level, "
                f"taking what it needs as arguments, or compute `{text}(...)` outside the "
                "differentiated function and pass its value as an argument.")
    if isinstance(value, functools.partial):
        inner = getattr(value.func, "__name__", type(value.func).__name__)
        return (f"`{text}` is a functools.partial of `{inner}`, which s2sad does not look "
                f"into; call `{inner}` with all its arguments instead.")
    if isinstance(value, np.vectorize):
        return (f"`{text}` is a `np.vectorize` object, which calls a Python function on "
                "each element and which s2sad does not look into; apply NumPy functions to "
                f"the whole array, or give `{text}` a rule: `s2sad.defrule({text}, "
                "partials=[...])` with one function per argument computing its partial "
                "derivative (docs/rules.md).")
    if calls.is_user_function(read.innermost(value)):
        return (f"`{text}` is a `{kind}` object around a function of yours, and s2sad "
                "cannot read what calling it runs; write the computation as a function "
                "defined with `def` (a decorator's wrapper defined with `def` is "
                "differentiated as written).")
    # a ufunc of SciPy's has no __module__ of its own: its type's is NumPy's
    source = calls.library(value if hasattr(value, "__module__") else type(value))
    what = "a ufunc" if isinstance(value, np.ufunc) else f"a function of {source}"
    rule = (f"give `{text}` a rule: for an elementwise function, "
            f"`s2sad.defrule({text}, partials=[df_dx, ...])` with one function per argument "
            f"computing its partial derivative; otherwise `s2sad.defrule({text}, "
            "tangents=[...], adjoints=[...])` (docs/rules.md).")
    if source == "Python's builtins":
        return (f"`{text}` is a Python builtin without a derivative rule; compute "
                f"`{text}(...)` outside the differentiated function and pass its value as "
                "an argument (docs/functions.md lists the builtins s2sad knows).")
    if source is None:
        return (f"`{text}` is an object of type `{kind}` without a derivative rule, not a "
                "function defined with `def` (whose source s2sad differentiates). Call a "
                f"function defined with `def` instead, or {rule}")
    return (f"s2sad has no derivative rule for `{text}`, {what} (s2sad "
            "differentiates your own functions from their source, never a library's). "
            "Write the computation with functions s2sad knows (docs/functions.md), or "
            + rule)


def written(node):
    """The source of an expression node as the user wrote it (near enough)."""
    return ast.unparse(gast.gast_to_ast(copy.deepcopy(node)))


def numpy_instead(name, text, more=False):
    """`np.name(text)` (`np.name(text, ...)`: `more` arguments) where NumPy has a function
    of that name with a rule, else None."""
    function = getattr(np, name, None)
    rest = ", ..." if more else ""
    return f"`np.{name}({text}{rest})`" if rules.lookup(function) is not None else None
