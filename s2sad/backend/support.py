"""What the numba dialect may call and build, checked before numba sees it.

numba's own message for a call it cannot type is a page of overload signatures; read
here first, a derivative that calls something outside these tables is refused with
the call and the user's line it comes from. The tables hold what numba 0.59 and later
compile in `nopython` mode; numba's errors are still translated (compile.py) for what
gets past them (a supported function called with arguments numba does not take).
"""
import builtins
import math
import types

import gast
import numpy as np

from ..syntax.printer import source

BUILTINS = {"range", "len", "min", "max", "abs", "float", "int", "bool", "complex", "round",
            "enumerate", "zip", "divmod", "pow", "sum", "list"}

NUMPY = {
    # elementwise
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
    "sqrt", "cbrt", "square", "abs", "absolute", "fabs", "sign", "negative", "reciprocal",
    "power", "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
    "fmax", "fmin", "hypot", "logaddexp", "logaddexp2", "floor", "ceil", "trunc", "rint",
    "where", "clip", "isnan", "isfinite", "isinf", "real", "imag", "conj", "conjugate",
    "deg2rad", "rad2deg", "heaviside",
    # reductions and products
    "sum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "argmax", "argmin",
    "dot", "vdot", "outer", "matmul", "cumsum", "cumprod", "diff", "trace", "all", "any",
    "nansum", "median",
    # arrays made, shaped and copied
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
    "eye", "identity", "arange", "linspace", "copy", "asarray", "array", "transpose",
    "reshape", "ravel", "concatenate", "stack", "hstack", "vstack", "diag", "flip",
    "shape", "ndim", "size", "expand_dims", "atleast_1d", "atleast_2d", "sort", "argsort",
    "float64", "int64", "bool_", "complex128",
}
LINALG = {"inv", "solve", "det", "cholesky", "norm", "eigh", "svd", "qr", "pinv",
          "lstsq", "slogdet", "matrix_power"}

MATH = {name for name in dir(math) if not name.startswith("_")} - {
    "fsum", "prod", "dist", "perm", "comb", "nextafter", "ulp", "lcm", "sumprod", "cbrt",
    "exp2", "fma", "isqrt"}

# value types that are not callables: read as constants, they never reach this table
_DATA = (int, float, complex, bool, np.ndarray, np.generic, tuple, str, type(None))


def refused(tree, namespace, compiled_names):
    """The first (statement, construct) the dialect `tree` (a FunctionDef) cannot have, or
    None. `namespace` holds the values its free names read; `compiled_names` the names
    of numba functions it may call (helpers, callees' derivatives)."""
    local = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)
             and isinstance(n.ctx, (gast.Store, gast.Param))}
    namespace = {word: value for word, value in namespace.items() if word not in local}
    for statement in _statements(tree.body):
        for node in gast.walk(_own(statement)):
            found = _construct(node, namespace, compiled_names)
            if found:
                return statement, found
    return None


def _statements(block):
    for statement in block:
        yield statement
        for field in ("body", "orelse"):
            yield from _statements(getattr(statement, field, []) or [])


def _own(statement):
    """`statement` without its nested blocks (each is checked as a statement itself)."""
    if isinstance(statement, gast.For):
        return gast.Tuple(elts=[statement.target, statement.iter], ctx=gast.Load())
    if isinstance(statement, (gast.While, gast.If)):
        return statement.test
    return statement


_SYNTAX = {gast.Dict: "a dict", gast.Set: "a set", gast.DictComp: "a dict comprehension",
           gast.SetComp: "a set comprehension", gast.Lambda: "a lambda",
           gast.GeneratorExp: "a generator expression", gast.JoinedStr: "an f-string",
           gast.Try: "try/except", gast.With: "a with statement", gast.Yield: "yield"}


def _construct(node, namespace, compiled_names):
    """What in `node` numba cannot compile (a phrase), or None."""
    if type(node) in _SYNTAX:
        return _SYNTAX[type(node)]
    if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and \
            node.id in namespace:
        value = namespace[node.id]
        if isinstance(value, (list, dict, set)) or (
                not isinstance(value, _DATA + (types.ModuleType,)) and not callable(value)):
            return f"`{node.id}`, a {type(value).__name__} read from outside the function"
    if not isinstance(node, gast.Call):
        return None
    func = node.func
    if isinstance(func, gast.Name):
        if func.id in compiled_names:
            return None
        if func.id in namespace:
            return _called(namespace[func.id], func.id)
        if func.id in BUILTINS or not hasattr(builtins, func.id):
            return None
        return f"the built-in `{func.id}`"
    owner = _module_of(func.value, namespace) if isinstance(func, gast.Attribute) else None
    if owner is None:
        return None     # a method of a value: numba's own message says if it has none
    return _in_module(owner, func.attr, source(func))


def _module_of(node, namespace):
    if isinstance(node, gast.Name):
        value = namespace.get(node.id)
        return value if isinstance(value, types.ModuleType) else None
    if isinstance(node, gast.Attribute):
        outer = _module_of(node.value, namespace)
        value = getattr(outer, node.attr, None) if outer is not None else None
        return value if isinstance(value, types.ModuleType) else None
    return None


def _in_module(module, attr, spelled):
    table = {np: NUMPY, np.linalg: LINALG, math: MATH}
    for known, names in table.items():
        if module is known:
            return None if attr in names else f"`{spelled}`"
    return f"`{spelled}` (from {module.__name__})"


def _called(value, word):
    """A free name called: numba compiles only its own functions and known ones."""
    if type(value).__module__.startswith("numba"):
        return None
    if value is np.float64 or value is np.int64 or value is np.complex128:
        return None
    module = getattr(value, "__module__", None) or ""
    if module == "math" and word in MATH:
        return None
    if isinstance(value, np.ufunc) and value.__name__ in NUMPY:
        return None
    if module.startswith("s2sad"):
        return f"s2sad's run-time helper `{getattr(value, '__name__', word)}`"
    return f"`{word}`, a Python function"
