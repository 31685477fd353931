"""Hypothesis strategies that write random numeric programs as source text.

`scalar_programs()` writes `f(x, y, n)`, `array_programs()` writes `f(x, v, n)` with `v`
a float array of length 3 (and returns a number or an array); both are differentiated
with respect to their first two arguments, and `n` is a small integer (a trip count). A
program is a module: helper functions `h<j>(p, q, k)` (some recursive on `k`), then `f`,
written from

- straight-line arithmetic, `math` and NumPy calls, reductions and `@` on arrays;
- overwrites: `a = a * b`, `a += ...`, swaps `a, b = b, ...`, parameters reassigned;
- `if`/`elif`/`else` on comparisons (with `and`, `or`, `not`), conditional expressions,
  a name assigned in every branch and read after, early returns outside loops;
- `for` over `range` (constant, argument and computed bounds, negative steps), over a
  tuple display and over an array; `while` with a counter (and maybe a value test);
  `break` and `continue`; loops nested three deep;
- arrays the function creates (`np.zeros(3)`, `v.copy()`, arithmetic), with element
  writes `w[i] = ...`, `w[i % 3] += ...`, slice writes `w[:2] = w[:2] * ...`,
  `w[1:] += ...`, and in-place `w *= ...`.

The guide's unsupported constructs are left out: `break`/`continue` in a loop over a
tuple display, a loop over a view of an array its body writes into, two names for one
array, writes into an argument. An s2sad error on a generated program is a failure.

Everything a program computes stays bounded, so a mismatch is a wrong derivative and
not overflow: functions are smooth on all of R (`log(1 + t*t)`, `sqrt(1 + t*t)`,
`exp` of a bounded value, powers of a base in [0.5, 3] to a bounded exponent, `tanh`,
the logistic sigmoid written out, ...), each loop makes at most 3 trips, and an
assignment in a loop either squashes its value (`tanh`, `sin`, ...) or changes it by a
bounded amount.
Kinks are left to the checker: `comparison_margin` runs the program with every
comparison and `abs` watched and reports how close the point is to a tie.
"""
import ast
import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

HEADER = "import math\n\nimport numpy as np\n"
LENGTH = 3
CONSTANTS = ("0.5", "1.3", "0.7", "2.0", "0.25", "1.1", "0.9", "1.5")

# smooth on all of R and bounded by about 1.6: an assignment in a loop applies one
BOUNDED = ("math.sin({0})", "math.cos({0})", "math.tanh({0})", "math.atan({0})",
           "np.sin({0})", "np.tanh({0})", "np.arctan({0})", "math.erf({0})",
           "({0} / (1.0 + {0} * {0}))", "np.cos({0})", "(1.0 / (1.0 + math.exp(-{0})))")
# smooth on all of R, unbounded but tame on bounded arguments
SMOOTH = BOUNDED + ("math.exp(math.sin({0}))", "np.exp(np.tanh({0}))",
                    "math.log(1.0 + {0} * {0})", "np.log1p({0} * {0})",
                    "math.sqrt(1.0 + {0} * {0})", "np.sqrt(2.0 + np.sin({0}))",
                    "math.hypot({0}, 0.5)", "math.expm1(math.cos({0}))", "(({0}) ** 2)",
                    "(-{0})", "abs({0})", "math.atan2({0}, 1.5)", "math.asinh({0})",
                    "math.cosh(math.sin({0}))", "np.cbrt(2.5 + np.cos({0}))",
                    "np.square({0})", "((1.5 + math.cos({0})) ** 0.5)")
BINARY = ("({0} + {1})", "({0} - {1})", "({0} * {1})", "({0} / (2.0 + math.cos({1})))",
          "({0} * {1} + {0})", "math.atan2({0}, 2.0 + {1} * {1})",
          "((1.5 + math.cos({0})) ** math.sin({1}))",
          "math.pow(2.0 + math.sin({0}), math.tanh({1}))")
ARRAY_BOUNDED = ("np.sin({0})", "np.tanh({0})", "np.cos({0})", "np.arctan({0})",
                 "({0} / (1.0 + {0} * {0}))", "(1 / (1 + np.exp(-{0})))")
ARRAY_SMOOTH = ARRAY_BOUNDED + ("np.exp(np.sin({0}))", "np.log1p({0} * {0})",
                                "np.sqrt(1.0 + {0} * {0})", "(-{0})", "({0} * {0})",
                                "({0})[::-1]", "np.cumsum({0})", "np.abs({0})")
REDUCE = ("np.sum({0})", "np.mean({0})", "np.dot({0}, {1})", "({0} @ {1})",
          "np.sum({0} * {1})", "{0}.sum()", "np.prod(np.cos({0}))",
          "({0}[1:] @ {1}[:2])")


@dataclass(frozen=True)
class Program:
    """A generated module and the point to differentiate `f` at; its repr is the full
    source, so a failing example can be pasted into a file and rerun."""
    source: str
    args: tuple
    wrt: tuple = (0, 1)

    def __repr__(self):
        return f"Program(args={self.args!r}, wrt={self.wrt!r}, source='''\n{self.source}''')"


class Writer:
    """Writes one program statement by statement, knowing which names hold numbers,
    which hold arrays, which arrays the function created (only those may be written
    into), the loop indices in scope, and whether `break`/`continue` may appear."""

    def __init__(self, draw, with_arrays):
        self.draw = draw
        self.scalars = ["x"] + ([] if with_arrays else ["y"])
        self.arrays = ["v"] if with_arrays else []
        self.created = []
        self.indices = []
        self.serial = 0
        self.helpers = []
        self.exits_allowed = False
        self.in_loop = 0
        self.bounds = ["3", "2", "n", "1, n", "n, 0, -1", "0, 3, 2", "1"]
        self.may_create = True
        self.returned = self.bounded

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p):
        return self.draw(st.integers(0, 99)) < 100 * p

    def fresh(self, stem):
        self.serial += 1
        return f"{stem}{self.serial}"

    # ------------------------------------------------------------ expressions
    def leaf(self):
        options = ["var"] * 6 + ["const"] + (["index"] if self.indices else []) + \
            (["element", "reduce"] if self.arrays else [])
        what = self.pick(options)
        if what == "const":
            return self.pick(CONSTANTS)
        if what == "index":
            return f"({self.pick(self.indices)} * {self.pick(CONSTANTS)})"
        if what == "element":
            return f"{self.pick(self.arrays)}[{self.index()}]"
        if what == "reduce":
            return self.reduction()
        return self.pick(self.scalars)

    def scalar(self, depth=2):
        """A number-valued expression of the names in scope."""
        if depth <= 0 or self.chance(0.25):
            return self.leaf()
        what = self.pick(["smooth", "smooth", "binary", "binary", "ifexp", "helper"])
        if what == "smooth":
            return self.pick(SMOOTH).format(self.scalar(depth - 1))
        if what == "ifexp":
            return (f"({self.scalar(depth - 1)} if {self.condition()} "
                    f"else {self.scalar(depth - 1)})")
        if what == "helper" and self.helpers:
            name, level = self.pick(self.helpers), self.pick(self.levels())
            return f"{name}({self.scalar(depth - 1)}, {self.scalar(depth - 1)}, {level})"
        return self.pick(BINARY).format(self.scalar(depth - 1), self.scalar(depth - 1))

    def bounded(self, depth=2):
        return self.pick(BOUNDED).format(self.scalar(depth - 1))

    def reduction(self):
        first, second = self.pick(self.arrays), self.pick(self.arrays)
        return self.pick(REDUCE).format(first, second)

    def array(self, depth=2):
        """An array-valued expression of length LENGTH."""
        if depth <= 0 or self.chance(0.3):
            return self.pick(self.arrays)
        what = self.pick(["smooth", "smooth", "scale", "binary"])
        if what == "smooth":
            return self.pick(ARRAY_SMOOTH).format(self.array(depth - 1))
        if what == "scale":
            return f"({self.array(depth - 1)} * {self.scalar(depth - 1)})"
        return f"({self.array(depth - 1)} {self.pick(['+', '-', '*'])} {self.array(depth - 1)})"

    def index(self):
        if self.indices and self.chance(0.5):
            return f"{self.pick(self.indices)} % {LENGTH}"
        return str(self.draw(st.integers(0, LENGTH - 1)))

    def condition(self):
        left = self.scalar(1)
        right = self.pick(self.scalars + list(CONSTANTS) + ["-" + c for c in CONSTANTS])
        test = f"{left} {self.pick(['<', '>', '<=', '>='])} {right}"
        if self.chance(0.15):
            test = f"{test} {self.pick(['and', 'or'])} {self.pick(self.scalars)} > 0.0"
        if self.chance(0.1):
            test = f"not ({test})"
        return test

    # ------------------------------------------------------------ statements
    def block(self, indent, size=None):
        """Statements at `indent`; names first assigned here are not read after it."""
        scalars, arrays, created = list(self.scalars), list(self.arrays), list(self.created)
        size = size or self.draw(st.integers(1, 4 - indent.count("    ")))
        lines = []
        for _ in range(size):
            lines += self.statement(indent)
        self.scalars, self.arrays, self.created = scalars, arrays, created
        return lines

    def statement(self, indent):
        depth = indent.count("    ")
        options = ["assign"] * 4 + ["augment", "swap"]
        if depth < 3:
            options += ["if", "for", "while", "tuple_loop"] + \
                (["array_loop"] if self.arrays else [])
        if self.in_loop and self.exits_allowed:
            options += ["exit"]
        if self.may_create:
            options += ["new_array"] * (2 if depth == 1 else 1)
        if self.created:
            options += ["write"] * 3 + ["slice_write"] * 2 + ["rebind_array"]
        return getattr(self, "s_" + self.pick(options))(indent)

    def target(self, stem, names):
        """An existing name to overwrite, or a new one."""
        existing = [n for n in names if n not in ("x", "y", "v")] + \
            [n for n in ("x", "y") if n in names and self.chance(0.3)]
        if existing and self.chance(0.6):
            return self.pick(existing), True
        return self.fresh(stem), False

    def s_assign(self, indent):
        name, old = self.target("a", self.scalars)
        if old and self.in_loop:
            form = self.pick(["{n} = {b}", "{n} = {n} * {b}", "{n} = {n} + {c} * {b}"])
        elif old:
            form = self.pick(["{n} = {e}", "{n} = {n} * {e}", "{n} = {b}"])
        else:
            form = self.pick(["{n} = {e}", "{n} = {b}"]) if not self.in_loop else "{n} = {b}"
        line = form.format(n=name, e=self.scalar(), b=self.bounded(), c=self.pick(CONSTANTS))
        if not old:
            self.scalars.append(name)
        return [indent + line]

    def s_augment(self, indent):
        name, old = self.target("a", self.scalars)
        if not old:
            return self.s_assign(indent)
        return [f"{indent}{name} {self.pick(['+=', '-=', '*='])} {self.bounded()}"]

    def s_swap(self, indent):
        if len(self.scalars) < 2:
            return self.s_assign(indent)
        a, b = self.draw(st.permutations(self.scalars))[:2]
        return [f"{indent}{a}, {b} = {b}, {self.bounded(1)}"]

    def s_if(self, indent):
        """`if`/`elif`/`else`; with an `else`, maybe a new name every branch assigns,
        which is then read after the statement."""
        tests = [f"if {self.condition()}:"] + \
            [f"elif {self.condition()}:" for _ in range(self.draw(st.integers(0, 2)))]
        if self.chance(0.5):
            tests.append("else:")
        common = self.fresh("b") if tests[-1] == "else:" and self.chance(0.5) else None
        inner = indent + "    "
        lines = []
        for test in tests:
            lines += [indent + test] + self.block(inner)
            if common:
                lines.append(f"{inner}{common} = {self.scalar()}")
            if not self.in_loop and self.chance(0.2):
                lines.append(f"{inner}return {self.returned()}")
        if common:
            self.scalars.append(common)
        return lines

    def loop(self, header, indent, index=None, exits=True, prologue=()):
        saved = self.exits_allowed, list(self.indices)
        self.exits_allowed = exits
        self.in_loop += 1
        if index:
            self.indices.append(index)
        body = list(prologue) + self.block(indent + "    ")
        self.in_loop -= 1
        self.exits_allowed, self.indices = saved
        return [indent + header] + body

    def s_for(self, indent):
        i = self.fresh("i")
        bounds = self.pick(self.bounds)
        return self.loop(f"for {i} in range({bounds}):", indent, i)

    def s_while(self, indent):
        k = self.fresh("k")
        limit = self.pick([b for b in self.bounds if "," not in b])
        test = f"{k} < {limit}"
        if self.chance(0.3):
            test += f" and {self.pick(self.scalars)} < {self.pick(CONSTANTS)}"
        # the counter moves first, so `continue` cannot loop forever
        return [f"{indent}{k} = 0"] + self.loop(f"while {test}:", indent, k,
                                                prologue=[f"{indent}    {k} += 1"])

    def s_tuple_loop(self, indent):
        u = self.fresh("u")
        items = ", ".join(self.scalar(1) for _ in range(self.draw(st.integers(1, 3))))
        self.scalars.append(u)
        # break/continue in a loop over a tuple display is documented as unsupported
        lines = self.loop(f"for {u} in ({items},):", indent, exits=False)
        self.scalars.remove(u)
        return lines

    def s_array_loop(self, indent):
        # a view of an array the body writes into is documented as unsupported: the
        # loop runs over a new array
        e, items = self.fresh("e"), self.pick(ARRAY_BOUNDED).format(self.array(1))
        self.scalars.append(e)
        lines = self.loop(f"for {e} in {items}:", indent)
        self.scalars.remove(e)
        return lines

    def s_exit(self, indent):
        return [f"{indent}if {self.condition()}:",
                f"{indent}    {self.pick(['break', 'continue'])}"]

    def s_new_array(self, indent):
        name = self.fresh("w")
        sources = ["np.zeros({n})", "np.ones({n}) * {s}", "np.zeros({n}) + {s}"]
        if self.arrays:
            sources += ["({a}).copy()", "{a} * {s}", "np.zeros({n}) + {b}"]
            line = self.pick(sources).format(n=LENGTH, s=self.scalar(1), a=self.array(1),
                                             b=self.pick(ARRAY_BOUNDED).format(self.array(1)))
        else:
            line = self.pick(sources).format(n=LENGTH, s=self.scalar(1))
        self.arrays.append(name)
        self.created.append(name)
        return [f"{indent}{name} = {line}"]

    def s_rebind_array(self, indent):
        if not self.created:
            return self.s_new_array(indent)
        name = self.pick(self.created)
        value = self.pick(ARRAY_BOUNDED).format(self.array(1))
        form = self.pick(["{w} = {b}", "{w} = {w} * {b}", "{w} += {b}", "{w} *= {b}",
                          "{w} -= {c} * {b}"])
        return [indent + form.format(w=name, b=value, c=self.pick(CONSTANTS))]

    def s_write(self, indent):
        if not self.created:
            return self.s_new_array(indent)
        name, i = self.pick(self.created), self.index()
        form = self.pick(["{w}[{i}] = {b}", "{w}[{i}] += {b}", "{w}[{i}] = {w}[{i}] * {b}",
                          "{w}[{i}] -= {c} * {b}"])
        return [indent + form.format(w=name, i=i, b=self.bounded(), c=self.pick(CONSTANTS))]

    def s_slice_write(self, indent):
        if not self.created:
            return self.s_new_array(indent)
        name = self.pick(self.created)
        form = self.pick(["{w}[:2] = {w}[:2] * {b}", "{w}[1:] = {f}[:2]",
                          "{w}[1:] += {b} * {f}[1:]", "{w}[::2] = {f}[::2] * {b}"])
        other = self.pick(ARRAY_BOUNDED).format(self.array(1))
        return [indent + form.format(w=name, b=self.bounded(1), f=f"({other})")]

    # ------------------------------------------------------------ helpers and the whole
    def levels(self):
        """Integers a helper may get as its recursion depth `k`."""
        return ["0", "1", "2"] + self.indices + (["n"] if "n" in self.bounds else [])

    def helper(self):
        """A module-level helper `h<j>(p, q, k)`: straight-line code, branches, loops, an
        early return, and maybe recursion on `k` (with a base case at `k <= 0`)."""
        outer = self.scalars, self.arrays, self.created, self.helpers, self.bounds
        self.scalars, self.arrays, self.created = ["p", "q"], [], []
        self.may_create = False
        self.bounds = [b for b in self.bounds if "n" not in b]
        name = self.fresh("h")
        lines = [f"def {name}(p, q, k):"]
        self.returned = self.bounded
        recursive = self.chance(0.4)
        if recursive:
            lines += ["    if k <= 0:", f"        return {self.bounded()}"]
        lines += self.block("    ", self.draw(st.integers(1, 3)))
        call = f"{name}({self.bounded(1)}, {self.bounded(1)}, k - 1)"
        if recursive and self.chance(0.5):
            lines += [f"    if {self.condition()}:",
                      f"        return {call} * {self.pick(CONSTANTS)} + {self.bounded(1)}"]
        elif self.chance(0.3):
            lines += [f"    if {self.condition()}:", f"        return {self.bounded()}"]
        result = self.bounded()
        if recursive:
            result = f"{call} * 0.5 + {result}"
        lines.append(f"    return {result}")
        self.scalars, self.arrays, self.created, self.helpers, self.bounds = outer
        self.may_create = True
        self.helpers.append(name)
        return lines

    def result(self, array_result):
        """The returned value reads every number and created array in scope."""
        terms = [f"{self.pick(CONSTANTS)} * {s}" if self.chance(0.5) else s
                 for s in self.scalars]
        if len(self.scalars) > 1 and self.chance(0.5):
            terms.append(f"{self.scalars[0]} * {self.scalars[-1]}")
        terms += [self.pick(["np.sum({0} * {0})", "np.sum(np.sin({0}))", "({0} @ {0})"])
                  .format(w) for w in self.arrays]
        if array_result:
            return f"{self.array(1)} * ({' + '.join(terms)})"
        return " + ".join(terms)

    def function(self, params, array_result):
        self.returned = lambda: self.result(array_result)
        lines = []
        for _ in range(self.draw(st.integers(2, 6))):
            if self.chance(0.08):
                lines += [f"    if {self.condition()}:",
                          f"        return {self.result(array_result)}"]
            else:
                lines += self.statement("    ")
        lines.append(f"    return {self.result(array_result)}")
        return [f"def f({params}):"] + lines


def _point(draw):
    return draw(st.integers(-1500, 1500)) / 1000


@st.composite
def scalar_programs(draw):
    """`f(x, y, n)`, numbers in, a number out."""
    writer = Writer(draw, with_arrays=False)
    helpers = []
    for _ in range(draw(st.integers(0, 2))):
        helpers += writer.helper() + ["", ""]
    body = writer.function("x, y, n", array_result=False)
    source = HEADER + "\n\n" + "\n".join(helpers + body) + "\n"
    return Program(source, (_point(draw), _point(draw), draw(st.integers(0, 3))))


@st.composite
def array_programs(draw):
    """`f(x, v, n)`, a number and an array in, a number or an array out."""
    writer = Writer(draw, with_arrays=True)
    helpers = []
    for _ in range(draw(st.integers(0, 1))):
        helpers += writer.helper() + ["", ""]
    body = writer.function("x, v, n", array_result=draw(st.booleans()))
    source = HEADER + "\n\n" + "\n".join(helpers + body) + "\n"
    v = np.array([_point(draw) for _ in range(LENGTH)])
    return Program(source, (_point(draw), v, draw(st.integers(0, 3))))


# ---------------------------------------------------------------- distance to a kink

class _Watch(ast.NodeTransformer):
    """`a < b` becomes `_watch(a, b) < b` and `abs(t)` becomes `_watch(t, 0.0)`:
    `_watch` notes how far apart the two sides are and returns the first."""

    def visit_Compare(self, node):
        self.generic_visit(node)
        watched = ast.Call(ast.Name("_watch", ast.Load()), [node.left, node.comparators[0]], [])
        return ast.Compare(watched, node.ops, node.comparators)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "abs" or \
                isinstance(node.func, ast.Attribute) and node.func.attr == "abs":
            arg = ast.Call(ast.Name("_watch", ast.Load()), [node.args[0], ast.Constant(0.0)], [])
            return ast.Call(node.func, [arg], [])
        return node


def comparison_margin(source, args):
    """The smallest distance between the two sides of a comparison of floats (or the
    argument of `abs` and 0) met while running `f(*args)`: the branches taken do not
    change within that distance, so central differences are valid."""
    margins = [math.inf]

    def watch(a, b):
        if isinstance(a, (float, np.ndarray)) or isinstance(b, float):
            margins.append(float(np.min(np.abs(np.asarray(a, float) - b))))
        return a
    tree = ast.fix_missing_locations(_Watch().visit(ast.parse(source)))
    namespace = {"_watch": watch, "__name__": "fuzz_probe"}
    exec(compile(tree, "<fuzz probe>", "exec"), namespace)  # noqa: S102 - our own program
    namespace["f"](*args)
    return min(margins)
