"""Hypothesis strategies that write random numeric programs as source text.

`scalar_programs()` writes `f(x, y, n)`, `array_programs()` writes `f(x, v, n)` with `v`
a float array of length 3 (and returns a number or an array); both are differentiated
with respect to their first two arguments, and `n` is a small integer (a trip count). A
program is a module: float constants `C<j>` (and, for arrays, factors `K<j>`),
decorators `d<j>`, helper functions `h<j>(p, q, k)` (some recursive on `k`), then `f`,
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
  `w[1:] += ...`, and in-place `w *= ...`;
- tuples held in variables `t<j> = (a, b * 2.0)` (of numbers, of arrays, or both):
  constant indices `t[0]`, `t[-1]`, unpacking `a, b = t` (also of a slice `t[1:]`,
  `t[::-1]`), loops `for u in t:`, `np.stack(t)` and `np.array(t)`; the names a tuple
  was built from are overwritten after it, so reading it must give the old values;
- lists built by `append` in a `range` loop (maybe under an `if`), of numbers or of
  arrays, read whole (`sum`, `math.fsum`, `max`, `np.array`, `np.stack`), by their last
  item and at the loop's index;
- dict displays and `dict(a=...)` with literal keys (a number or an array per key),
  maybe a second name for one (`o = d`), written `d["a"] = ...` straight, in a loop and
  in a branch, read by key, `d.get("a", c)` (also of a missing key) and loops over
  `d.items()`, `d.values()` and `d` (fuzz_constructs.py writes these and the next five);
- namedtuples `P<j>` defined at module level, built in the function (by position or
  keyword), `_replace`d, carried by a loop (`s = P(s.a * 0.5 + ..., ...)`), read by
  attribute and by position and unpacked;
- pairs carried by a loop (`p = (p[1], p[0] * 0.5 + ...)`) and set in both branches
  of an `if`;
- generator expressions and list comprehensions: `sum`, `max` and `min` of them over
  tuples and arrays (with an `if` on the array's items), `np.array`/`np.stack` of
  comprehensions over tuples, arrays and ranges, `sum` over ranges, nested `for`s;
- loops over `enumerate`, `zip` and `reversed` of ranges, arrays and tuples;
- helpers `m<j>(p, q, scale=c, mode="tanh")` returning two numbers, whose constant
  `mode` chooses the code, called with defaults, keywords or positions and unpacked
  (`u, w = m(...)`) or indexed; a helper `s<j>(z, w, axis=-1)` whose `axis` chooses the
  reduction; a `lambda` or nested `def` closing over the function's names (at the top
  of a body: one in a branch or loop is refused), called or mapped over a tuple
  (`u, w = map(fn, (a, b))`, `np.array(list(map(fn, ...)))`);
- `assert` statements that hold at every point (a bounded value below 1.75, ...);
- module constants read as numbers, and factors read only as `array * K`;
- decorators written with `functools.wraps` whose wrapper changes the value, forwarding
  `*args, **kwargs` or taking `(p, q, k)`, on helpers and on `f`, maybe stacked.

About one program in ten has a construct put in on purpose, mostly refused
(`Program.refused` says what the error must mention, a `# refused` comment marks its
line): `np.r_[...]` or `np.c_[...]` of differentiated values (once refused, now joins
with rules) split by `np.array_split` into a number of parts known only at run time
(`n + 1`); a run-time index into a tuple of differentiated values (`t[n % 2]`, `t[i]` in
a loop), once refused, is now a valid program (the tuple becomes a run-time list). Its
value reaches the result.
About one valid program in five comes with a second cell (`Program.cell`), run in the
module's namespace after the derivatives were taken, as a notebook does: it redefines a
helper with another body, swaps a helper's `__code__` for another function's, or
rebinds a constant to another float (a factor also to an array of length 3).

Each of these containers and closures may appear in straight-line code and inside loops,
branches and helpers (the statement that writes it is drawn at every depth), and leaves
a new number that reads it and reaches the result.

The guide's unsupported constructs are left out: `break`/`continue` in a loop over a
tuple, a loop over a view of an array its body writes into, two names for one array
(a tuple holds a copy of a created array), writes into an argument, a `t<j>` tuple
(whose items are later read one by one) assigned in a branch, in a loop or after an
early return, a nested `def` or `lambda` in a branch or loop, recursion through a
decorator's wrapper (mutual recursion). An s2sad error on a valid program is a failure.

Everything a program computes stays bounded, so a mismatch is a wrong derivative and
not overflow: functions are smooth on all of R (`log(1 + t*t)`, `sqrt(1 + t*t)`,
`exp` of a bounded value, powers of a base in [0.5, 3] to a bounded exponent, `tanh`,
the logistic sigmoid written out, ...), each loop makes at most 3 trips, and an
assignment in a loop either squashes its value (`tanh`, `sin`, ...) or changes it by a
bounded amount.
Kinks are left to the checker: `comparison_margin` runs the program with every
comparison, `abs`, `max` and `min` watched and reports how close the point is to a tie.

`structured_programs()` writes the same programs taking their differentiated inputs as
one structure `f(params, n)` (a dict, a tuple or a namedtuple of `x` and `y` or `v`),
checked by test_fuzz_structures.py.
"""
import ast
import math
from dataclasses import dataclass

import numpy as np
from fuzz_constructs import Constructs
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
# a tuple of numbers made an array ({0} is np.stack(t) or np.array(t)), reduced
STACKED = ("np.sum({0} * {0})", "np.sum(np.sin({0}))", "np.mean({0})",
           "np.prod(np.cos({0}))", "({0} @ {0})")
# a decorator's wrapper: forwarding `*args, **kwargs` ({0} the call, or its value `out`;
# also around an `f` that returns an array), or taking a helper's `(p, q, k)`
FORWARDING = ("1.5 * {0} + 0.25", "{0} * 0.5 - 0.125", "np.tanh({0})",
              "out * np.tanh(out) + 0.25", "np.sin(out) + 0.5 * out")
EXPLICIT = ("fn(p, q, k) * math.cos(p)", "fn(math.sin(p), q, k) + 0.5 * q",
            "fn(q, p, k) - math.tanh(q)", "fn(p, q * 0.5, k) * 1.5 + math.sin(q)")
# what a second cell may change
CHANGES = ("factor", "helper", "code", "constant")
# a list built at run time read into a number ({0} is the list)
LIST_OF_NUMBERS = ("sum({0})", "math.fsum({0}) * 0.5", "max({0}) - min({0})",
                   "np.sum(np.array({0}) ** 2)", "{0}[-1] * len({0})",
                   "np.mean({0}) + {0}[len({0}) // 2]")
LIST_OF_ARRAYS = ("np.sum(np.stack({0}) ** 2)", "np.sum({0}[-1] * {0}[0])",
                  "np.sum(sum({0}))", "np.mean(np.array({0}))",
                  "np.sum(np.stack({0}, axis=1)[0])")
# the constructs put in on purpose, and what the error must mention ("": none, valid)
REFUSED = {"index": "", "r_": "np.array_split", "c_": "np.array_split"}


@dataclass(frozen=True)
class Program:
    """A generated module and the point to differentiate `f` at; its repr is the full
    source, so a failing example can be pasted into a file and rerun. `cell` is run in
    the module's namespace once the derivatives were taken; `refused` is what the
    located error every mode must raise mentions (its line ends with `# refused`)."""
    source: str
    args: tuple
    wrt: tuple = (0, 1)
    cell: str = ""
    refused: str = ""
    structure: str = ""  # structured_programs: `f(pack(*args[:2]), args[2])`

    def __repr__(self):
        extra = f", refused={self.refused!r}" if self.refused else ""
        extra += f", cell='''\n{self.cell}'''" if self.cell else ""
        extra += f", structure={self.structure!r}" if self.structure else ""
        return (f"Program(args={self.args!r}, wrt={self.wrt!r}{extra}, "
                f"source='''\n{self.source}''')")


class Writer(Constructs):
    """Writes one program statement by statement, knowing which names hold numbers,
    which hold arrays, which arrays the function created (only those may be written
    into), which hold tuples (and of what), the loop indices in scope, and whether
    `break`/`continue`, a tuple or an early return may appear."""

    def __init__(self, draw, with_arrays):
        self.draw = draw
        self.with_arrays = with_arrays
        self.scalars = ["x"] + ([] if with_arrays else ["y"])
        self.arrays = ["v"] if with_arrays else []
        self.created = []
        self.tuples = {}  # name: the kinds of its elements, "s" a number, "a" an array
        self.indices = []
        self.serial = 0
        self.helpers = []
        self.decorated = {}  # helper: how many decorators it has
        self.decorators = {}  # name: (kind, source lines)
        self.constants = {}  # module-level numbers: name: value
        self.factors = {}  # module-level numbers read only as `array * K`
        self.used = set()  # the helpers and constants some code reads
        self.pinned = set()  # parameters never assigned: a refused construct reads them
        self.refusal = None  # the refused construct still to write
        self.refused_name = None  # the name holding its value, which the result reads
        self.exits_allowed = False
        self.in_loop = 0
        self.early = False  # an early return was written in this function
        self.bounds = ["3", "2", "n", "1, n", "n, 0, -1", "0, 3, 2", "1"]
        self.may_create = True
        self.returned = self.bounded
        self.records = {}  # module-level namedtuple classes: name: fields
        self.pairs = []  # helpers returning two numbers
        self.axis_name = None  # the helper taking an `axis`
        self.prologue = []  # the first lines of `f`: its inputs taken out of a structure
        self.swaps_code = False  # the program's second cell may swap a helper's code

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p):
        return self.draw(st.integers(0, 99)) < 100 * p

    def rare(self, p):
        """Like `chance`, but false for the simplest draw, which is all a long program
        gets once hypothesis has no more data for it."""
        return self.draw(st.integers(0, 99)) >= 100 - 100 * p

    def fresh(self, stem):
        self.serial += 1
        return f"{stem}{self.serial}"

    # ------------------------------------------------------------ expressions
    def leaf(self):
        options = ["var"] * 6 + ["const", "global"] + \
            (["index"] if self.indices else []) + \
            (["element", "reduce"] if self.arrays else []) + \
            (["item"] * 2 if self.holding("s") else []) + \
            (["stacked"] if self.holding("s", alone=True) else [])
        what = self.pick(options)
        if what == "const":
            return self.pick(CONSTANTS)
        if what == "global":
            name = self.module_constant(self.constants, "C")
            return name
        if what == "index":
            return f"({self.pick(self.indices)} * {self.pick(CONSTANTS)})"
        if what == "element":
            return f"{self.pick(self.arrays)}[{self.index()}]"
        if what == "reduce":
            return self.reduction()
        if what == "item":
            return self.item("s")
        if what == "stacked":
            t = self.pick(self.holding("s", alone=True))
            return self.pick(STACKED).format(f"{self.pick(['np.stack', 'np.array'])}({t})")
        return self.pick(self.scalars)

    def module_constant(self, table, stem):
        """A module-level constant: a new one now and then, at most two of a kind."""
        if not table or len(table) < 2 and self.chance(0.3):
            table[self.fresh(stem)] = self.pick(CONSTANTS)
        name = self.pick(sorted(table))
        self.used.add(name)
        return name

    def holding(self, kind, alone=False, length=None):
        """The tuples with an element of `kind` (with `alone`: only such elements)."""
        return sorted(t for t, kinds in self.tuples.items()
                      if kind in kinds and (not alone or set(kinds) == {kind})
                      and length in (None, len(kinds)))

    def item(self, kind):
        """`t[j]` or `t[j - len(t)]` for an element of `kind`."""
        t = self.pick(self.holding(kind))
        kinds = self.tuples[t]
        j = self.pick([j for j, k in enumerate(kinds) if k == kind])
        return f"{t}[{j - len(kinds) if self.chance(0.4) else j}]"

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
            self.used.add(name)
            return f"{name}({self.scalar(depth - 1)}, {self.scalar(depth - 1)}, {level})"
        return self.pick(BINARY).format(self.scalar(depth - 1), self.scalar(depth - 1))

    def bounded(self, depth=2):
        return self.pick(BOUNDED).format(self.scalar(depth - 1))

    def squash(self, expr):
        return self.pick(BOUNDED).format(expr)

    def constant(self):
        return self.pick(CONSTANTS)

    def reduction(self):
        first, second = self.pick(self.arrays), self.pick(self.arrays)
        return self.pick(REDUCE).format(first, second)

    def array(self, depth=2):
        """An array-valued expression of length LENGTH."""
        if depth <= 0 or self.chance(0.3):
            return self.pick(self.arrays)
        stackable = self.holding("s", True, LENGTH) + self.holding("a", True)
        options = ["smooth", "smooth", "scale", "binary"] + \
            (["item"] if self.holding("a") else []) + (["stacked"] * 2 if stackable else [])
        what = self.pick(options)
        if what == "smooth":
            return self.pick(ARRAY_SMOOTH).format(self.array(depth - 1))
        if what == "scale":
            factor = self.module_constant(self.factors, "K") if self.chance(0.4) else \
                self.scalar(depth - 1)
            return f"({self.array(depth - 1)} * {factor})"
        if what == "item":
            return self.item("a")
        if what == "stacked":
            t = self.pick(stackable)
            if self.tuples[t][0] == "s":
                return f"{self.pick(['np.stack', 'np.array'])}({t})"
            return f"{self.pick(['np.sum(np.stack', 'np.mean(np.array'])}({t}), axis=0)"
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

    def may_return_early(self):
        """Outside loops, and not before a refused construct (which reads a tuple, and
        a tuple after an early return is refused where it is built)."""
        return not self.in_loop and not self.refusal

    # ------------------------------------------------------------ statements
    def block(self, indent, size=None):
        """Statements at `indent`; names first assigned here are not read after it."""
        saved = list(self.scalars), list(self.arrays), list(self.created), dict(self.tuples)
        size = size or self.draw(st.integers(1, 4 - indent.count("    ")))
        lines = []
        for _ in range(size):
            lines += self.statement(indent)
        self.scalars, self.arrays, self.created, self.tuples = saved
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
        # a tuple is known element by element only in straight-line code
        if depth == 1 and not self.in_loop and not self.early:
            options += ["tuple"] * 3
        if self.tuples:
            options += ["unpack"] * 2 + (["tuple_var_loop"] * 2 if depth < 3 else [])
        if depth < 3:
            options += ["list", "iterate"]
        options += ["dict", "record", "carried", "comprehension", "assert"]
        # a nested def or lambda only at the top of a body (not in a branch or loop)
        if depth == 1 and not self.in_loop and not self.early:
            options += ["closure"] * 2
        if self.pairs:
            options += ["pair_call"]
        if self.axis_name and self.arrays:
            options += ["axis_call"]
        return getattr(self, "s_" + self.pick(options))(indent)

    def target(self, stem, names):
        """An existing name to overwrite, or a new one."""
        existing = [n for n in names if n not in ("x", "y", "v")] + \
            [n for n in ("x", "y") if n in names and n not in self.pinned and
             self.chance(0.3)]
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
        names = [n for n in self.scalars if n not in self.pinned]
        if len(names) < 2:
            return self.s_assign(indent)
        a, b = self.draw(st.permutations(names))[:2]
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
            if self.may_return_early() and self.chance(0.2):
                lines.append(f"{inner}return {self.returned()}")
                self.early = True
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

    def s_list(self, indent):
        """A list started with one item and appended to in a `range` loop (under an `if`
        now and then), whose items read the loop's index and the list's last item; then
        read whole into a new number."""
        items, i, r = self.fresh("l"), self.fresh("i"), self.fresh("a")
        arrays = bool(self.arrays) and self.chance(0.4)
        value = self.array if arrays else self.bounded
        # a created array in a list would be written into while the list holds it
        lines = [f"{indent}{items} = [{self.element('a') if arrays else value(1)}]"]
        self.indices.append(i)
        last = f"{items}[-1]" if not arrays else f"np.sum({items}[-1])"
        item = f"{value(1)} * 0.5 + {self.pick(BOUNDED).format(last)} * 0.25"
        self.indices.remove(i)
        body = [f"{indent}    {items}.append({item})"]
        if self.chance(0.3):
            body = [f"{indent}    if {self.condition()}:", "    " + body[0]]
        lines += [f"{indent}for {i} in range({self.pick(self.bounds)}):"] + body
        reads = (LIST_OF_ARRAYS if arrays else LIST_OF_NUMBERS)
        lines.append(f"{indent}{r} = {self.pick(reads).format(items)}")
        self.scalars.append(r)
        return lines

    def s_exit(self, indent):
        return [f"{indent}if {self.condition()}:",
                f"{indent}    {self.pick(['break', 'continue'])}"]

    def s_new_array(self, indent):
        name = self.fresh("w")
        sources = ["np.zeros({n})", "np.ones({n}) * {s}", "np.zeros({n}) + {s}"]
        if self.arrays:
            sources += ["{c}", "{a} * {s}", "np.zeros({n}) + {b}"]
            line = self.pick(sources).format(n=LENGTH, s=self.scalar(1), a=self.array(1),
                                             b=self.pick(ARRAY_BOUNDED).format(self.array(1)),
                                             c=f"({self.array(1)}).copy()")
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

    # ------------------------------------------------------------ tuples in variables
    def element(self, kind):
        if kind == "s":
            return self.pick(self.scalars) if self.chance(0.4) else self.scalar(1)
        item = self.array(1)
        # a created array (or a view of one) in a tuple would be a second name for it
        if any(item in (w, f"({w})[::-1]") for w in self.created):
            return f"({item}).copy()"
        return item

    def s_tuple(self, indent):
        """`t = (...)` of numbers, of arrays, or mixed: a new name or one rebound."""
        shape = self.pick(["s", "s", "a", "mixed"]) if self.arrays else "s"
        kinds = "".join(self.pick("sa") if shape == "mixed" else shape
                        for _ in range(self.draw(st.integers(2, 3))))
        items = [self.element(k) for k in kinds]
        name = self.pick(sorted(self.tuples)) if self.tuples and self.chance(0.3) else \
            self.fresh("t")
        self.tuples[name] = kinds
        return [f"{indent}{name} = ({', '.join(items)})"]

    def s_unpack(self, indent):
        """`a, b = t`, or of a slice of `t`: numbers to new or old names, arrays to new
        names (never to a created array's)."""
        t = self.pick(sorted(self.tuples))
        kinds = self.tuples[t]
        sources = [(t, kinds), (f"{t}[::-1]", kinds[::-1])]
        if len(kinds) == 3:
            sources += [(f"{t}[1:]", kinds[1:]), (f"{t}[:2]", kinds[:2]),
                        (f"{t}[-2:]", kinds[-2:])]
        source, kinds = self.pick(sources)
        targets, scalars, arrays = [], [], []
        for kind in kinds:
            if kind == "s":
                name, old = self.target("a", [n for n in self.scalars if n not in targets])
                scalars += [] if old else [name]
            else:
                name = self.fresh("z")
                arrays.append(name)
            targets.append(name)
        self.scalars += scalars
        self.arrays += arrays
        return [f"{indent}{', '.join(targets)} = {source}"]

    def s_tuple_var_loop(self, indent):
        """`for u in t:` over a tuple of numbers or of arrays (or a slice of it)."""
        alike = self.holding("s", alone=True) + self.holding("a", alone=True)
        if not alike:
            return self.s_unpack(indent)
        t = self.pick(alike)
        names = "scalars" if self.tuples[t][0] == "s" else "arrays"
        u = self.fresh("u")
        getattr(self, names).append(u)
        source = self.pick([t, t, f"{t}[1:]", f"{t}[::-1]"])
        # break/continue in a loop over a tuple is documented as unsupported
        lines = self.loop(f"for {u} in {source}:", indent, exits=False)
        getattr(self, names).remove(u)
        return lines

    # ------------------------------------------------------------ refused constructs
    def active(self):
        """A number that depends on the differentiated input wherever it is read (`y`
        is pinned in a program with a refused construct)."""
        if self.with_arrays:
            return self.pick([f"v[{self.index()}]", "np.sum(v)", "np.mean(np.sin(v))"])
        return self.pick(["y", "y * 1.3", "math.sin(y)"])

    def refused_lines(self, indent):
        """The refused construct at the top level of `f`, its value in `r<j>`, which
        every later result reads."""
        r, kind = self.fresh("r"), self.refusal
        self.refusal, self.refused_name = None, r
        here, c = "  # refused" if REFUSED[kind] else "", self.pick(CONSTANTS)
        if kind == "index":
            t = self.fresh("t")
            if self.with_arrays and kind == "index" and self.chance(0.5):
                items, use = ["v", self.array(1)], "np.sum({0})"
            else:
                items, use = [self.active(), self.scalar(1)], "{0}"
            lines = [f"{indent}{t} = ({', '.join(self.draw(st.permutations(items)))})"]
            if self.chance(0.5):
                return lines + [f"{indent}{r} = {use.format(f'{t}[n % 2]')} * {c}{here}"]
            i = self.fresh("i")
            return lines + [f"{indent}{r} = 0.0", f"{indent}for {i} in range(2):",
                            f"{indent}    {r} = {r} + {use.format(f'{t}[{i}]')}{here}"]
        first = "v" if self.with_arrays else self.active()
        # np.c_ stacks columns: an array's with a number's is a ValueError
        second = self.array(1) if self.with_arrays and (kind == "c_" or self.chance(0.5)) \
            else self.pick(CONSTANTS) if self.chance(0.5) else self.scalar(1)
        parts = ", ".join(self.draw(st.permutations([first, second])))
        # the join split into a number of parts known only at run time
        return [f"{indent}{r} = np.sum(np.array_split(np.{kind}[{parts}], n + 1)[0] ** 2) "
                f"* {c}{here}"]

    # ------------------------------------------------------------ helpers and the whole
    def levels(self):
        """Integers a helper may get as its recursion depth `k`."""
        return ["0", "1", "2"] + self.indices + (["n"] if "n" in self.bounds else [])

    def decorator(self, explicit):
        """A decorator's name: one written before, or a new one."""
        kinds = ["forwarding", "explicit"] if explicit else ["forwarding"]
        old = sorted(d for d, (kind, _) in self.decorators.items() if kind in kinds)
        if old and self.chance(0.5):
            return self.pick(old)
        name, kind = self.fresh("d"), self.pick(kinds)
        if kind == "explicit":
            head, body = "(p, q, k)", [f"return {self.pick(EXPLICIT)}"]
        else:
            head, form = "(*args, **kwargs)", self.pick(FORWARDING)
            body = ["out = fn(*args, **kwargs)", f"return {form}"] if "out" in form else \
                [f"return {form.format('fn(*args, **kwargs)')}"]
        self.decorators[name] = (kind, [f"def {name}(fn):", "    @functools.wraps(fn)",
                                        f"    def wrapper{head}:"] +
                                 [f"        {line}" for line in body] + ["    return wrapper"])
        return name

    def decorations(self, explicit):
        return [f"@{self.decorator(explicit)}" for _ in range(2 if self.rare(0.3) else 1)]

    def helper(self, name=None, may_decorate=True, may_recurse=True):
        """A module-level helper `h<j>(p, q, k)`: straight-line code, branches, loops, an
        early return, and maybe recursion on `k` (with a base case at `k <= 0`) or
        decorators (not both: the recursive call would go through the wrapper, which is
        mutual recursion). Returns its name, how many decorators it has and its lines."""
        outer = (self.scalars, self.arrays, self.created, self.tuples, self.bounds,
                 self.early)
        self.scalars, self.arrays, self.created, self.tuples = ["p", "q"], [], [], {}
        self.may_create = False
        self.bounds = [b for b in self.bounds if "n" not in b]
        name = name or self.fresh("h")
        self.returned = self.bounded
        recursive = may_recurse and self.chance(0.4)
        self.early = recursive
        # a cell that swaps `__code__` wants a decorated helper now and then
        decorations = self.decorations(True) if not recursive and may_decorate and \
            (self.rare(0.3) or self.swaps_code and self.chance(0.5)) else []
        lines = decorations + [f"def {name}(p, q, k):"]
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
        self.scalars, self.arrays, self.created, self.tuples, self.bounds, self.early = outer
        self.may_create = True
        return name, len(decorations), lines

    def add_helper(self):
        name, decorated, lines = self.helper()
        self.helpers.append(name)
        self.decorated[name] = decorated
        return lines

    def result(self, array_result):
        """The returned value reads every number, created array and tuple in scope, and
        the value of the refused construct."""
        terms = [f"{self.pick(CONSTANTS)} * {s}" if self.chance(0.5) else s
                 for s in self.scalars]
        if len(self.scalars) > 1 and self.chance(0.5):
            terms.append(f"{self.scalars[0]} * {self.scalars[-1]}")
        terms += [self.pick(["np.sum({0} * {0})", "np.sum(np.sin({0}))", "({0} @ {0})"])
                  .format(w) for w in self.arrays]
        for t, kinds in sorted(self.tuples.items()):
            j = self.draw(st.integers(0, len(kinds) - 1))
            terms.append(f"{t}[{j}]" if kinds[j] == "s" else f"np.sum(np.sin({t}[{j}]))")
        if self.refused_name:
            terms.append(self.refused_name)
        if array_result:
            return f"{self.array(1)} * ({' + '.join(terms)})"
        return " + ".join(terms)

    def function(self, params, array_result):
        self.returned = lambda: self.result(array_result)
        self.early = False
        count = self.draw(st.integers(2, 6))
        slot = self.draw(st.integers(0, count)) if self.refusal else None
        lines = []
        for i in range(count):
            if i == slot:
                lines += self.refused_lines("    ")
            if self.may_return_early() and self.chance(0.08):
                lines += [f"    if {self.condition()}:",
                          f"        return {self.result(array_result)}"]
                self.early = True
            else:
                lines += self.statement("    ")
        if slot == count:
            lines += self.refused_lines("    ")
        lines.append(f"    return {self.result(array_result)}")
        # a wrapper taking (p, q, k) passes them on as f's (x, y, n)
        decorations = self.decorations(not self.with_arrays) \
            if self.rare(0.08) and not self.prologue else []
        return decorations + [f"def f({params}):"] + self.prologue + lines

    def cell(self, order, two, to_array):
        """A second cell: one or two changes to what `f` reads, the first of `order`
        (or two) that the program allows; a factor becomes an array with `to_array`."""
        allowed = {"helper": self.helpers, "code": self.helpers, "constant": self.constants,
                   "factor": self.factors}
        chosen = [change for change in order if allowed[change]][:1 + two]
        if not chosen:
            return ""
        lines = ["# cell 2: run after the derivatives were taken"]
        records = dict(self.records)
        if {"helper", "code"} & set(chosen):
            name = self.pick([h for h in self.helpers if h in self.used] or self.helpers)
            if "code" in chosen and any(self.decorated.values()):
                name = self.pick([h for h in self.helpers if self.decorated[h]])
            # the new body calls only the helpers written before it, and itself: not a
            # pair helper, written after every h<j>, which may call this one back (and
            # with the same count, so `f` itself would never return)
            outer, self.helpers = self.helpers, self.helpers[:self.helpers.index(name)]
            pairs, self.pairs = self.pairs, []
            if "helper" in chosen:
                lines += ["", ""] + self.helper(name)[2]
            else:
                # recursion would call the wrapper, which calls the new code
                wrapped = self.decorated[name]
                new = self.helper(name, may_decorate=False, may_recurse=not wrapped)[2]
                new[0] = new[0].replace(f"def {name}(", f"def {name}_new(")
                lines += ["", ""] + new + ["", "", f"{name}{'.__wrapped__' * wrapped}"
                                           f".__code__ = {name}_new.__code__"]
            self.helpers, self.pairs = outer, pairs
        if "constant" in chosen:
            name = self.pick(sorted(self.constants))
            lines += ["", f"{name} = {self.other(self.constants[name])}"]
        if "factor" in chosen:
            name = self.pick(sorted(self.factors))
            value = self.other(self.factors[name])
            if to_array:
                value = f"np.array([{value}, {self.pick(CONSTANTS)}, {self.pick(CONSTANTS)}])"
            lines += ["", f"{name} = {value}"]
        new = sorted(set(self.records) - set(records))
        if new:
            lines[1:1] = ["import collections", ""] + \
                [f"{n} = collections.namedtuple({n!r}, {list(self.records[n])!r})" for n in new]
        return "\n".join(lines) + "\n"

    def other(self, value):
        return self.pick([c for c in CONSTANTS if c != value])


def _point(draw):
    return draw(st.integers(-1500, 1500)) / 1000


def _module(draw, writer, params, helpers, array_result):
    """The program's source, its second cell and what its error must mention."""
    # decided first, while hypothesis has data for the program (see `rare`)
    if not writer.prologue and writer.rare(0.12):
        # (the list repeated: hypothesis favours the first entries of a short one)
        writer.refusal = writer.pick(sorted(REFUSED) * 3)
        writer.pinned.add("y")
    refused = REFUSED.get(writer.refusal, "")
    # what the cell changes is drawn now too: at the end a long program gets the same
    cell = not refused and not writer.prologue and writer.chance(0.2) and \
        (draw(st.permutations(CHANGES)), writer.chance(0.3), writer.chance(0.7))
    writer.swaps_code = bool(cell) and "code" in cell[0][:2]
    blocks = [writer.add_helper() for _ in range(helpers)]
    blocks += [writer.pair_helper() for _ in range(writer.rare(0.3))]
    if writer.with_arrays and writer.rare(0.3):
        blocks.append(writer.axis_helper())
    body = writer.function(params, array_result)
    if writer.prologue:
        blocks.append(structure_functions(writer))
    records = dict(writer.records)
    cell = writer.cell(*cell) if cell else ""
    imports = ["import collections"] * bool(records) + \
        ["import functools"] * bool(writer.decorators) + \
        ["import math", "", "import numpy as np"]
    constants = [f"{name} = {value}" for table in (writer.constants, writer.factors)
                 for name, value in sorted(table.items())] + \
        [f"{name} = collections.namedtuple({name!r}, {list(fields)!r})"
         for name, fields in sorted(records.items())]
    blocks = [lines for _, (_, lines) in sorted(writer.decorators.items())] + blocks + [body]
    source = "\n".join(imports + ([""] + constants if constants else [])) + "\n"
    return source + "".join("\n\n" + "\n".join(block) + "\n" for block in blocks), cell, refused


@st.composite
def scalar_programs(draw):
    """`f(x, y, n)`, numbers in, a number out."""
    writer = Writer(draw, with_arrays=False)
    source, cell, refused = _module(draw, writer, "x, y, n", draw(st.integers(0, 2)), False)
    return Program(source, (_point(draw), _point(draw), draw(st.integers(0, 3))),
                   cell=cell, refused=refused)


@st.composite
def array_programs(draw):
    """`f(x, v, n)`, a number and an array in, a number or an array out."""
    writer = Writer(draw, with_arrays=True)
    source, cell, refused = _module(draw, writer, "x, v, n", draw(st.integers(0, 1)),
                                    draw(st.booleans()))
    v = np.array([_point(draw) for _ in range(LENGTH)])
    return Program(source, (_point(draw), v, draw(st.integers(0, 3))), cell=cell,
                   refused=refused)


STRUCTURES = ("dict", "tuple", "namedtuple")


def structure_functions(writer):
    """`pack(x, y)`, which builds the structure `f` takes, and `f_flat(x, y, n)`, which
    calls `f` on it: the oracle differentiates `f_flat` by its plain inputs."""
    second = writer.structure_names[1]
    return [f"def pack(x, {second}):", f"    return {writer.packed}", "", "",
            f"def f_flat(x, {second}, n):", f"    return f(pack(x, {second}), n)"]


@st.composite
def structured_programs(draw):
    """`f(params, n)`: a scalar or array program whose differentiated inputs come in one
    structure, a dict, a tuple or a namedtuple (`Params`), taken apart in its first lines
    (by key, `get`, unpacking, attribute, position); its args are `(pack(x, y), n)` once
    the module is loaded (see `pack`), and `f_flat(x, y, n)` is `f` of plain inputs."""
    arrays = draw(st.booleans())
    writer = Writer(draw, with_arrays=arrays)
    second = "v" if arrays else "y"
    writer.structure_names = ("x", second)
    form = writer.pick(STRUCTURES)
    s = second
    if form == "dict":
        writer.packed = f'{{"x": x, "{s}": {s}}}'
        writer.prologue = writer.pick([['    x = params["x"]', f'    {s} = params["{s}"]'],
                                       [f'    x, {s} = params["x"], params.get("{s}", 0.0)']])
    elif form == "tuple":
        writer.packed = f"(x, {s})"
        writer.prologue = writer.pick([[f"    x, {s} = params"],
                                       ["    x = params[0]", f"    {s} = params[-1]"]])
    else:
        writer.records["Params"] = ("x", s)
        writer.packed = f"Params(x, {s})"
        writer.prologue = writer.pick([[f"    x, {s} = params.x, params.{s}"],
                                       [f"    x, {s} = params"],
                                       ["    x = params[0]", f"    {s} = params.{s}"]])
    source, _, _ = _module(draw, writer, "params, n", draw(st.integers(0, 1)),
                           arrays and draw(st.booleans()))
    y = np.array([_point(draw) for _ in range(LENGTH)]) if arrays else _point(draw)
    return Program(source, (_point(draw), y, draw(st.integers(0, 3))), structure=form)


# ---------------------------------------------------------------- distance to a kink

class _Watch(ast.NodeTransformer):
    """`a < b` becomes `_watch(a, b) < b` and `abs(t)` becomes `_watch(t, 0.0)`:
    `_watch` notes how far apart the two sides are and returns the first. `max(...)` and
    `min(...)` (of numbers) become `_extreme(max, ...)`, which notes how far apart the
    two largest (smallest) are."""

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
        if isinstance(node.func, ast.Name) and node.func.id in ("max", "min") and \
                not node.keywords:
            return ast.Call(ast.Name("_extreme", ast.Load()), [node.func] + node.args, [])
        return node


def comparison_margin(source, args, cell="", name="f"):
    """The smallest distance between the two sides of a comparison of floats (or the
    argument of `abs` and 0) met while running `f(*args)` (after running `cell` in the
    module's namespace): the branches taken do not change within that distance, so
    central differences are valid."""
    margins = [math.inf]

    def watch(a, b):
        if isinstance(a, (float, np.ndarray)) or isinstance(b, float):
            margins.append(float(np.min(np.abs(np.asarray(a, float) - b))))
        return a
    def extreme(fold, *args):
        values = list(args[0]) if len(args) == 1 else list(args)
        if len(values) > 1 and all(np.ndim(v) == 0 for v in values):
            ranked = sorted(values, reverse=fold is max)
            margins.append(abs(float(ranked[1]) - float(ranked[0])))
        return fold(values)
    namespace = {"_watch": watch, "_extreme": extreme, "__name__": "fuzz_probe"}
    for code in (source, cell):
        tree = ast.fix_missing_locations(_Watch().visit(ast.parse(code)))
        exec(compile(tree, "<fuzz probe>", "exec"), namespace)  # noqa: S102 - our own program
    namespace[name](*args)
    return min(margins)
