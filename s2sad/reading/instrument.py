"""The Wengert list of a function as a program with a probe after each assignment.

    def f(x1, x2):                      def f(x1, x2, on):
        v1 = x1 / x2            ->          x1 = probe(x1, 1, on)
        return v1                           x2 = probe(x2, 2, on)
                                            v1 = x1 / x2
                                            v1 = probe(v1, 3, on)
                                            return v1

The text is `s2sad.source(f, mode="wengert")`, the list the lecture notes tabulate, so the
rows are its statements and the operations are its right-hand sides. Three programs are
made from it: one run as plain Python, which also marks where each loop starts and each
trip begins (`loop(k)`, `trip(k)`) so that rows know their trip; and two differentiated by
s2sad, with probes only where the values are floating-point numbers (an integer, a list
or a shape has no derivative to show): the adjoint's, and the tangent's, in which each
probed value is also linked to the result (`carry = link(carry, v)`, probes.Link).
"""
import ast
import itertools
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
    """The probed Wengert list of one function: its text, parameters, the statement of
    each key, and the names the probes and marks are called by."""
    text: str
    params: tuple
    statements: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    lines: list = field(default_factory=list, repr=False)

    def plain(self):
        """The program run as Python: probes everywhere, loops marked."""
        return self._rewritten(lambda key: True, marks=True)

    @property
    def writes_elements(self):
        """Whether the list writes into an array (`y[i] = v`, `np.add.at`, `append`)."""
        return any(s.in_place for s in self.statements.values())

    def differentiated(self, probed, linked=False):
        """The program s2sad differentiates: probes after the statements whose keys are
        in `probed`; `linked`, each probed value linked to the result (probes.Link), for
        the tangent program."""
        return self._rewritten(lambda key: key in probed, marks=False, linked=linked)

    def _rewritten(self, probed, marks, linked=False):
        """The list with probes after the statements `probed(key)` selects (and with
        `marks`, loops marked), keyed in the order `program` keyed them."""
        tree = ast.parse(self.text)
        function = tree.body[0]
        keys = itertools.count(1)
        inputs = [self._probe(next(keys), param, linked) for param in self.params]
        body = self._walk(function.body, (), keys, probed, marks, linked)
        top = [probe for key, probe in enumerate(inputs, 1) if probed(key)]
        function.body = [line for lines in top for line in lines] + body
        if linked:
            carry, link = self.names["carry"], self.names["link"]
            function.body.insert(0, ast.parse(f"{carry} = 0.0").body[0])
            returned = function.body[-1]
            if not isinstance(returned, ast.Return):
                raise AssertionError("the Wengert list ends with its one return")
            call = ast.parse(f"{link}(None, {carry})").body[0].value
            call.args[0] = returned.value
            returned.value = call
        function.args.args.append(ast.arg(arg=self.names["on"]))
        function.name = self.names["function"]
        return ast.unparse(ast.fix_missing_locations(tree)) + "\n"

    def _walk(self, block, loops, keys, probed=None, marks=False, linked=False):
        """`block` with its probes (None for `probed`: only key the statements, the first
        time, into `statements`). Every walk meets the statements in the same order, so
        a statement has the same key in each."""
        out = []
        for node in block:
            if isinstance(node, (ast.For, ast.While)):
                key = next(keys)
                body = self._walk(node.body, loops + (key,), keys, probed, marks, linked)
                node.orelse = self._walk(node.orelse, loops, keys, probed, marks, linked)
                node.body = ([self._mark("trip", key)] if marks else []) + body
                out += ([self._mark("loop", key)] if marks else []) + [node]
                continue
            out.append(node)
            if isinstance(node, ast.If):
                node.body = self._walk(node.body, loops, keys, probed, marks, linked)
                node.orelse = self._walk(node.orelse, loops, keys, probed, marks, linked)
                continue
            found = _assigned(node)
            if found is None:
                continue
            key = next(keys)
            if probed is None:
                target, operation, in_place = found
                self.statements[key] = Statement(key, target, operation,
                                                 _line_of(self.lines, target), loops, in_place)
            elif probed(key):
                out += self._probe(key, self.statements[key].name, linked)
        return out

    def _probe(self, key, variable, linked):
        """`v = probe(v, key, on)`, and in the tangent program `carry = link(carry, v)`."""
        names = self.names
        text = f"{variable} = {names['probe']}({variable}, {key}, {names['on']})"
        if linked:
            text += f"\n{names['carry']} = {names['link']}({names['carry']}, {variable})"
        return ast.parse(text).body

    def _mark(self, what, key):
        return ast.parse(f"{self.names[what]}({key})").body[0]


def program(fn):
    """The probed Wengert list of `fn` (already accepted by s2sad's front end)."""
    text = wengert_source(fn)
    function = ast.parse(text).body[0]
    taken = set(re.findall(r"[A-Za-z_]\w*", text))
    names = {role: _fresh(f"trace_{role}", taken)
             for role in ("probe", "on", "loop", "trip", "carry", "link")}
    # a name of its own: the list calls the function itself by its name (recursion)
    names["function"] = _fresh(f"{function.name}_traced", taken)
    params = tuple(arg.arg for arg in function.args.args)
    made = Program(text, params, names=names, lines=_lines(front(fn).function))
    keys = itertools.count(1)
    for param in params:
        key = next(keys)
        made.statements[key] = Statement(key, param, "input", None, ())
    made._walk(function.body, (), keys)
    return made


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
