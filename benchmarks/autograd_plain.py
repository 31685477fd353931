"""The plain world: what a test of autograd holds, as a user of s2sad would have written it.

autograd's tests call `autograd.numpy` (wrapped functions that trace), `autograd.scipy`,
`autograd.grad`; s2sad differentiates code written against NumPy and SciPy themselves.
`Plain.value` maps each object a test passes to `check_grads` to its plain counterpart:

- a module `autograd.numpy.linalg` to `numpy.linalg`, `autograd.scipy.stats.norm` to
  `scipy.stats.norm`; a wrapped function to the function of the same name there
  (`autograd.numpy.sin` to `numpy.sin`), or to the function it wraps;
- `autograd.grad`, `jacobian`, ... to s2sad's, and a function `grad(f)` already made to
  `s2sad.grad(f')`; autograd's `tuple`, `list`, `dict`, `isinstance` to the builtins;
- a function of the test files to a copy with the same code (so s2sad reads the test's
  own source) whose globals, closure cells and defaults are mapped the same way, so the
  helpers it calls and the `np` it names are plain too;
- what autograd alone defines (`make_diagonal`, `concatenate_args`) to a stand-in that
  raises when called: such a check does not run on plain NumPy and is left out.
"""
import builtins
import functools
import importlib
import os
import pkgutil
import types

import s2sad

PREFIXES = (("autograd.numpy", "numpy"), ("autograd.scipy", "scipy"))
OPERATORS = {"grad": s2sad.grad, "jacobian": s2sad.jacobian, "hessian": s2sad.hessian,
             "value_and_grad": s2sad.value_and_grad}


class AutogradOnly:
    """Stands for a function NumPy and SciPy do not have."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(f"{self.name} is autograd's own, not NumPy's or SciPy's")


def resolved(path):
    """The object at dotted `path`, importing the longest module prefix; None if absent."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name, None)
            if found is None:
                return None
        return found
    return None


def plain_name(name):
    for wrapped, plain in PREFIXES:
        if name == wrapped or name.startswith(wrapped + "."):
            return plain + name[len(wrapped):]
    return None


class Plain:
    """Maps objects of the autograd world to the plain world; `user_folder` holds the
    test files, whose functions are copied; `modules`: the wrapping modules to index
    (autograd.numpy, autograd.scipy and theirs by default)."""

    def __init__(self, user_folder, modules=None):
        self.user_folder = os.path.abspath(user_folder)
        self.memo = {}
        self.paths = {}
        for module in _autograd_modules() if modules is None else modules:
            self._index(module)

    def _index(self, module):
        target = plain_name(module.__name__)
        for name, obj in vars(module).items():
            if name.startswith("_") or isinstance(obj, (types.ModuleType, type)) or \
                    not callable(obj) or id(obj) in self.paths:
                continue
            path = f"{target}.{name}"
            found = resolved(path)
            self.paths[id(obj)] = (obj, path if found is not None else None, found)

    def path(self, obj):
        """The plain dotted name of an autograd function, None for anything else."""
        return self.paths.get(id(obj), (None, None, None))[1]

    def value(self, obj):
        key = id(obj)
        if key in self.memo:
            return self.memo[key][1]
        made = self._made(obj)
        if made is not obj:
            self.memo[key] = (obj, made)
        return made

    def _made(self, obj):
        if isinstance(obj, types.ModuleType):
            name = plain_name(obj.__name__)
            return obj if name is None else resolved(name)
        if id(obj) in self.paths:
            _, path, found = self.paths[id(obj)]
            return found if path else AutogradOnly(getattr(obj, "__name__", "?"))
        if isinstance(obj, functools.partial):
            return functools.partial(self.value(obj.func), *map(self.value, obj.args),
                                     **{k: self.value(v) for k, v in obj.keywords.items()})
        if isinstance(obj, (tuple, list)):
            items = [self.value(item) for item in obj]
            same = all(a is b for a, b in zip(items, obj))
            return obj if same else type(obj)(items)
        if not isinstance(obj, types.FunctionType):
            return self._builtin(obj)
        if _is_operator_result(obj):
            return self._operator(obj)
        if obj.__module__ == "autograd.differential_operators" or \
                obj.__module__ == "autograd.wrap_util":
            return OPERATORS.get(obj.__name__, AutogradOnly(obj.__name__))
        if os.path.abspath(obj.__code__.co_filename).startswith(self.user_folder):
            return self._copy(obj)
        return obj

    def _builtin(self, obj):
        module = getattr(obj, "__module__", "") or ""
        if module.startswith("autograd.builtins") or module == "autograd.builtins":
            return getattr(builtins, getattr(obj, "__name__", ""), obj)
        return obj

    def _operator(self, made):
        """`grad(f, argnum)` made by autograd, as s2sad's."""
        cells = dict(zip(made.__code__.co_freevars,
                         (c.cell_contents for c in made.__closure__)))
        operator = OPERATORS.get(cells["unary_operator"].__name__)
        if operator is None or cells["nary_op_args"] or cells["nary_op_kwargs"]:
            return AutogradOnly(cells["unary_operator"].__name__)
        argnum = cells["argnum"]
        return operator(self.value(cells["fun"]),
                        wrt=tuple(argnum) if isinstance(argnum, list) else argnum)

    def _copy(self, fn):
        cells = tuple(types.CellType() for _ in fn.__code__.co_freevars)
        copy = types.FunctionType(fn.__code__, self.globals_of(fn.__globals__), fn.__name__,
                                  None, cells or None)
        self.memo[id(fn)] = (fn, copy)
        for cell, original in zip(cells, fn.__closure__ or ()):
            try:
                cell.cell_contents = self.value(original.cell_contents)
            except ValueError:
                pass                     # a cell not filled yet stays empty
        copy.__defaults__ = tuple(map(self.value, fn.__defaults__ or ())) or None
        copy.__kwdefaults__ = {k: self.value(v) for k, v in (fn.__kwdefaults__ or {}).items()} \
            or None
        copy.__qualname__ = fn.__qualname__
        copy.__module__ = fn.__module__
        copy.__dict__.update({k: self.value(v) for k, v in fn.__dict__.items()})
        return copy

    def globals_of(self, namespace):
        """A copy of a test module's globals with every value mapped (made once)."""
        key = id(namespace)
        if key not in self.memo:
            copy = {}
            self.memo[key] = (namespace, copy)
            for name, value in list(namespace.items()):
                copy[name] = value if name == "__builtins__" else self.value(value)
        return self.memo[key][1]


def _is_operator_result(fn):
    code = fn.__code__
    return code.co_name == "nary_f" and code.co_filename.endswith(
        os.path.join("autograd", "wrap_util.py"))


def _autograd_modules():
    """autograd.numpy and autograd.scipy with their submodules, the shallow ones first."""
    import autograd.numpy
    import autograd.scipy
    found = [autograd.numpy, autograd.numpy.linalg, autograd.numpy.fft,
             autograd.numpy.random, autograd.scipy]
    for info in pkgutil.walk_packages(autograd.scipy.__path__, "autograd.scipy."):
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:
            continue
    return found
