"""Whether a generated function returns Python floats, read off its source.

The fast path of a derived function checks that what the generated code returns is a
Python float before it hands it back (a NumPy scalar or an int would be converted). On a
small scalar function that check costs a third of the function's own time. Where the
code can only compute Python floats from Python floats, the dispatcher leaves it out.

The test is an inductive invariant: a set of names, each of whose assignments gives a
float whenever the names of the set hold floats, holds floats throughout a run that
starts from float parameters. It starts from every name the function assigns and drops
names until no assignment breaks it. A float combined with a Python int or float by `+ -
* /` is a float, and so is `float ** int`; `float ** float` may be complex, NumPy
scalars are not floats, and anything else (calls outside `math`, subscripts) is unknown.
Values popped from the tape are floats when everything pushed is.
"""
import ast
import math

# functions of `math` that return a float for real arguments (floor and ceil return ints)
_MATH = {"sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
         "asinh", "acosh", "atanh", "exp", "expm1", "log", "log1p", "log2", "log10",
         "sqrt", "erf", "erfc", "gamma", "lgamma", "fabs", "hypot", "pow", "copysign"}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def returns_floats(source, types, math_name=None):
    """Whether the function defined by `source` returns a float or a tuple of floats when
    its parameters have the `types` (by position: float, int, or None for any other);
    `math_name`: the name under which the code reads the `math` module, if any."""
    function = ast.parse(source).body[0]
    params = [a.arg for a in function.args.args]
    types = list(types) + [None] * (len(params) - len(types))
    code = _Code(function, {name for name, kind in zip(params, types) if kind is int},
                 math_name)
    others = {name for name, kind in zip(params, types) if kind is not float}
    known = (set(code.values) | set(params)) - others - code.ints
    while True:
        code.tape_floats = all(code.is_float(value, known) for value in code.pushed)
        broken = {name for name in known if not all(
            code.is_float(value, known) for value in code.values.get(name, ()))}
        if not broken:
            break
        known -= broken
    returned = [node.value for node in ast.walk(function) if isinstance(node, ast.Return)]
    return bool(returned) and all(
        value is not None and all(code.is_float(item, known) for item in _items(value))
        for value in returned)


def _items(value):
    """The leaves of a returned value: `return v, (g0, g1)` returns three."""
    if isinstance(value, ast.Tuple):
        return [leaf for item in value.elts for leaf in _items(item)]
    return [value]


class _Code:
    """The assignments of a function: the values each name is given and what the tape
    method (`push = stack.append`) pushes; `tape_floats`: whether a pop gives a float,
    as far as the names taken for floats so far tell."""

    def __init__(self, function, ints, math_name):
        self.values, self.ints, self.pushed, self.tape_floats = {}, set(ints), [], True
        self.math_name = math_name
        methods = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr in ("append", "pop") \
                    and isinstance(node.targets[0], ast.Name):
                methods[node.targets[0].id] = node.value.attr
        self.pops = {name for name, attr in methods.items() if attr == "pop"}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._assign(target, node.value)
            elif isinstance(node, ast.AugAssign):
                self._assign(node.target, ast.BinOp(left=ast.Name(id=node.target.id)
                                                    if isinstance(node.target, ast.Name)
                                                    else node.target, op=node.op,
                                                    right=node.value))
            elif isinstance(node, ast.For):
                self._loop(node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    methods.get(node.func.id) == "append":
                self.pushed += node.args
            elif isinstance(node, (ast.With, ast.comprehension, ast.NamedExpr)):
                for name in ast.walk(node):
                    if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                        self.values.setdefault(name.id, []).append(None)

    def _assign(self, target, value):
        if isinstance(target, ast.Name):
            self.values.setdefault(target.id, []).append(value)
        else:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    self.values.setdefault(name.id, []).append(None)

    def _loop(self, node):
        """A loop over `range(...)` (or its reverse) binds ints; any other, unknowns."""
        over = node.iter
        if isinstance(over, ast.Call) and isinstance(over.func, ast.Name) and \
                over.func.id == "reversed" and over.args:
            over = over.args[0]
        ranged = isinstance(over, ast.Call) and isinstance(over.func, ast.Name) and \
            over.func.id == "range" and isinstance(node.target, ast.Name)
        if ranged:
            self.ints.add(node.target.id)
            self.values.setdefault(node.target.id, [])
        else:
            self._assign(node.target, None)

    def _is_pop(self, value):
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
            value.func.id in self.pops and not value.args

    def is_int(self, node):
        """An int literal, or a name bound only by `ints` (parameters, range loops)."""
        if isinstance(node, ast.Constant):
            return type(node.value) is int
        return isinstance(node, ast.Name) and node.id in self.ints and \
            not self.values.get(node.id)

    def is_float(self, node, floats):
        if node is None:
            return False
        if isinstance(node, ast.Constant):
            return type(node.value) is float
        if isinstance(node, ast.Name):
            return node.id in floats
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and \
                self.is_float(node.operand, floats)
        if isinstance(node, ast.BinOp):
            left, right = (self.is_float(side, floats) for side in (node.left, node.right))
            if isinstance(node.op, ast.Pow):
                return left and self.is_int(node.right)
            if not isinstance(node.op, _ARITHMETIC):
                return False
            either = left or right or isinstance(node.op, ast.Div)
            return either and all(self.is_float(side, floats) or self.is_int(side)
                                  for side in (node.left, node.right))
        if isinstance(node, ast.IfExp):
            return self.is_float(node.body, floats) and self.is_float(node.orelse, floats)
        if isinstance(node, ast.Call):
            if self._is_pop(node):
                return self.tape_floats
            return self._is_math(node.func) and not node.keywords and all(
                self.is_float(a, floats) or self.is_int(a) for a in node.args)
        return False

    def _is_math(self, func):
        return isinstance(func, ast.Attribute) and func.attr in _MATH and \
            isinstance(func.value, ast.Name) and func.value.id == self.math_name and \
            hasattr(math, func.attr)
