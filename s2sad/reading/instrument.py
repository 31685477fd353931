"""The Wengert list of a function as a program with a probe after each assignment.

    def f(x1, x2):                      def f(x1, x2, on):
        v1 = x1 / x2            ->          x1 = probe(x1, 1, on)
        return v1                           x2 = probe(x2, 2, on)
                                            v1 = x1 / x2
                                            v1 = probe(v1, 3, on)
                                            return v1

The text is `s2sad.source(f, mode="wengert")`, the list the lecture notes tabulate, so the
rows are its statements and the operations are its right-hand sides. Two programs are
made from it: one run as plain Python, which also marks where each loop starts and each
trip begins (`loop(k)`, `trip(k)`) so that rows know their trip; and one differentiated
by s2sad, with probes only where the values are floating-point numbers (an integer, a list
or a shape has no derivative to show).
"""
import ast
import copy
import re
from dataclasses import dataclass, field

from .. import ir
from ..frontend.front import front
from ..pipeline import wengert_source


@dataclass(frozen=True)
class Statement:
    """One row's statement: the variable it assigns, its right-hand side (the whole
    statement for an element write), the user's line, the loops around it (their keys,
    outermost first) and whether it changes its array in place."""
    key: int
    name: str
    operation: str
    line: object
    loops: tuple
    in_place: bool = False


@dataclass
class Program:
    """The probed Wengert list of one function."""
    text: str
    params: tuple
    statements: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    _tree: object = None

    def plain(self):
        """The program run as Python: probes everywhere, loops marked."""
        return self._unparsed(lambda statement: True, marks=True)

    @property
    def writes_elements(self):
        """Whether the list writes into an array (`y[i] = v`, `np.add.at`, `append`)."""
        return any(s.in_place for s in self.statements.values())

    def differentiated(self, probed):
        """The program s2sad differentiates: probes after the statements whose keys are
        in `probed`."""
        return self._unparsed(lambda statement: statement.key in probed, marks=False)

    def _unparsed(self, probed, marks):
        tree = copy.deepcopy(self._tree)
        function = tree.body[0]
        function.body = self._block(function.body, probed, marks)
        function.args.args.append(ast.arg(arg=self.names["on"]))
        function.name = self.names["function"]
        return ast.unparse(ast.fix_missing_locations(tree)) + "\n"

    def _block(self, block, probed, marks):
        out = []
        for node in block:
            if isinstance(node, (ast.For, ast.While)) and marks:
                out.append(self._mark("loop", node._s2sad_key))
            if not getattr(node, "_s2sad_input", False):
                out.append(node)
            for field_name in ("body", "orelse"):
                inner = getattr(node, field_name, None)
                if isinstance(inner, list) and not isinstance(node, ast.FunctionDef):
                    inner = self._block(inner, probed, marks)
                    if field_name == "body" and marks and isinstance(node, (ast.For, ast.While)):
                        inner.insert(0, self._mark("trip", node._s2sad_key))
                    setattr(node, field_name, inner)
            key = getattr(node, "_s2sad_key", None)
            if key is not None and key in self.statements and probed(self.statements[key]):
                out.append(self._probe(self.statements[key]))
        return out

    def _probe(self, statement):
        names = self.names
        return ast.parse(f"{statement.name} = {names['probe']}({statement.name}, "
                         f"{statement.key}, {names['on']})").body[0]

    def _mark(self, what, key):
        return ast.parse(f"{self.names[what]}({key})").body[0]


def program(fn):
    """The probed Wengert list of `fn` (already accepted by s2sad's front end)."""
    text = wengert_source(fn)
    tree = ast.parse(text)
    function = tree.body[0]
    taken = set(re.findall(r"[A-Za-z_]\w*", text))
    names = {role: _fresh(f"trace_{role}", taken) for role in ("probe", "on", "loop", "trip")}
    # a name of its own: the list calls the function itself by its name (recursion)
    names["function"] = _fresh(f"{function.name}_traced", taken)
    params = tuple(arg.arg for arg in function.args.args)
    made = Program(text, params, names=names, _tree=tree)
    lines = _lines(front(fn).function)
    counter = iter(range(1, 1 << 30))
    for param in params:
        key = next(counter)
        made.statements[key] = Statement(key, param, "input", None, ())
    function.body = [_input(param, key) for key, param in enumerate(params, 1)] + function.body
    _number(function.body[len(params):], (), made, counter, lines)
    return made


def _input(param, key):
    """A placeholder statement at the top that probes parameter `param`."""
    node = ast.parse("pass").body[0]
    node._s2sad_key = key
    node._s2sad_input = True
    return node


def _number(block, loops, made, counter, lines):
    """Give each assignment in `block` (nested ones too) a key and a `Statement`."""
    for node in block:
        if isinstance(node, (ast.For, ast.While)):
            node._s2sad_key = next(counter)
            _number(node.body, loops + (node._s2sad_key,), made, counter, lines)
            _number(node.orelse, loops, made, counter, lines)
            continue
        if isinstance(node, ast.If):
            _number(node.body, loops, made, counter, lines)
            _number(node.orelse, loops, made, counter, lines)
            continue
        found = _assigned(node)
        if found is None:
            continue
        target, operation, in_place = found
        key = next(counter)
        node._s2sad_key = key
        made.statements[key] = Statement(key, target, operation, _line_of(lines, target),
                                         loops, in_place)


def _assigned(node):
    """(variable, operation, in place) of a statement that gives a variable a value:
    `v = rhs`, `x[i] = rhs`, `np.add.at(x, i, v)`, `xs.append(v)`; None for others."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return target.id, ast.unparse(node.value), False
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            return target.value.id, ast.unparse(node), True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        func = call.func
        if isinstance(func, ast.Attribute) and call.args and \
                isinstance(call.args[0], ast.Name) and func.attr == "at":
            return call.args[0].id, ast.unparse(node), True
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.attr == "append":
            return func.value.id, ast.unparse(node), True
    return None


def _lines(function):
    """(variable, user's line) of each operation of the lowered function, in order: the
    printed list writes them in the same order, one statement each."""
    return [[op.target.name, op.line or None] for op in ir.walk(function.body)]


def _line_of(lines, target):
    """The line of the next operation that assigns `target` (consumed), or None."""
    for position, (name, line) in enumerate(lines):
        if name == target:
            del lines[:position + 1]
            return line
    return None


def _fresh(base, taken):
    word, number = base, 1
    while word in taken:
        number += 1
        word = f"{base}{number}"
    taken.add(word)
    return word
