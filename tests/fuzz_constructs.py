"""Statements of the fuzzer's `Writer` (fuzz_programs.py) written as users write Python:
dicts, namedtuples, tuples carried by loops and set in branches, comprehensions,
`enumerate`/`zip`/`reversed`, helpers returning pairs or taking keywords, closures and
lambdas, `map`, and `assert`.

Each statement builds its container or closure, uses it, and leaves one new number
`r<j>` in scope that reads it (so the result depends on it); the container itself is
not read after the statement. Any statement may appear in straight-line code or inside
a loop, a branch or a helper, since `Writer.statement` picks them at every depth. A
value a loop carries through a container changes by a bounded amount per trip, as the
fuzzer's other loops do.
"""
from hypothesis import strategies as st

KEYS = ("a", "b", "c")


class Constructs:
    """The mixin: needs the Writer's `pick`, `chance`, `fresh`, `scalar`, `bounded`,
    `squash`, `array`, `element`, `condition`, `loop`, `constant` and scope lists."""

    def kinds(self, count):
        """Element kinds for a container: numbers, one of them maybe an array."""
        kinds = ["s"] * count
        if self.arrays and self.chance(0.4):
            kinds[self.draw(st.integers(0, count - 1))] = "a"
        return kinds

    @staticmethod
    def use(expr, kind):
        return expr if kind == "s" else f"np.sum(np.sin({expr}))"

    def new_result(self, indent, terms):
        r = self.fresh("r")
        self.scalars.append(r)
        return [f"{indent}{r} = {' + '.join(terms)}"]

    def sum_loop(self, indent, header, body):
        """`r = 0.0` and a loop adding a bounded amount per trip."""
        r = self.fresh("r")
        lines = [f"{indent}{r} = 0.0", f"{indent}{header}", f"{indent}    {r} = {r} + {body}"]
        self.scalars.append(r)
        return lines

    # ------------------------------------------------------------ dicts
    def s_dict(self, indent):
        """A dict display (or `dict(a=...)`) with literal keys, maybe a second name for
        it, writes straight, in a loop or in a branch, then read by key, `get`, or a
        loop over its items, values or keys."""
        d = self.fresh("d")
        keys = KEYS[:self.draw(st.integers(2, 3))]
        kinds = dict(zip(keys, self.kinds(len(keys))))
        values = [self.element(kinds[k]) for k in keys]
        if self.chance(0.3):
            display = "dict(" + ", ".join(f"{k}={v}" for k, v in zip(keys, values)) + ")"
        else:
            display = "{" + ", ".join(f'"{k}": {v}' for k, v in zip(keys, values)) + "}"
        lines = [f"{indent}{d} = {display}"]
        name = d
        if self.chance(0.3):
            name = self.fresh("o")
            lines.append(f"{indent}{name} = {d}")
        numbers = [k for k in keys if kinds[k] == "s"]
        for _ in range(self.draw(st.integers(0, 2))):
            k, other = self.pick(numbers), self.pick(keys)
            read = self.use(f'{name}["{other}"]', kinds[other])
            step = f'{name}["{k}"] * 0.5 + {self.squash(read)}'
            where = self.pick(["straight", "loop", "branch"])
            if where == "straight":
                lines.append(f'{indent}{name}["{k}"] = {self.pick([step, self.bounded()])}')
            elif where == "loop":
                i = self.fresh("i")
                lines += [f"{indent}for {i} in range({self.pick(self.bounds)}):",
                          f'{indent}    {name}["{k}"] = {step}']
            else:
                lines += [f"{indent}if {self.condition()}:",
                          f'{indent}    {name}["{k}"] = {self.bounded()}']
        read = self.pick(["key", "get", "items", "values", "keys"])
        alike = len(set(kinds.values())) == 1
        if read in ("items", "values") and alike:
            v, k = self.fresh("u"), self.fresh("k")
            header = f"for {k}, {v} in {d}.items():" if read == "items" else \
                f"for {v} in {d}.values():"
            return lines + self.sum_loop(indent, header, self.squash(self.use(v, kinds[keys[0]])))
        if read == "keys" and alike:
            k = self.fresh("k")
            body = self.squash(self.use(f"{d}[{k}]", kinds[keys[0]]))
            return lines + self.sum_loop(indent, f"for {k} in {d}:", body)
        terms = [self.use(f'{d}["{k}"]', kinds[k]) for k in keys if self.chance(0.7)]
        if read == "get" or not terms:
            k = self.pick(numbers + ["z"])
            terms.append(f'{d}.get("{k}", {self.constant()})')
        return lines + self.new_result(indent, terms)

    # ------------------------------------------------------------ namedtuples
    def record_class(self):
        """A module-level namedtuple class: one written before, or a new one."""
        if self.records and self.chance(0.6):
            return self.pick(sorted(self.records))
        name = self.fresh("P")
        self.records[name] = KEYS[:self.draw(st.integers(2, 3))]
        return name

    def s_record(self, indent):
        """`s = P(a, b)` (or by keywords), maybe `_replace`d, carried by a loop, then
        read by attribute, by position and unpacked."""
        cls = self.record_class()
        fields = self.records[cls]
        kinds = dict(zip(fields, self.kinds(len(fields))))
        s = self.fresh("s")
        values = [self.element(kinds[k]) for k in fields]
        if self.chance(0.3):
            made = ", ".join(f"{k}={v}" for k, v in zip(fields, values))
        else:
            made = ", ".join(values)
        lines = [f"{indent}{s} = {cls}({made})"]
        numbers = [k for k in fields if kinds[k] == "s"]
        if self.chance(0.4):
            k = self.pick(numbers)
            lines.append(f"{indent}{s} = {s}._replace({k}={self.bounded()})")
        carried = self.chance(0.4)
        if carried:
            i, new = self.fresh("i"), []
            for j, k in enumerate(fields):
                other = fields[(j + 1) % len(fields)]
                if kinds[k] == "s":
                    new.append(f"{s}.{k} * 0.5 + "
                               f"{self.squash(self.use(f'{s}.{other}', kinds[other]))}")
                else:
                    new.append(f"np.tanh({s}.{k}) + 0.25")
            lines += [f"{indent}for {i} in range({self.pick(self.bounds)}):",
                      f"{indent}    {s} = {cls}({', '.join(new)})"]
        terms = []
        for j, k in enumerate(fields):
            if self.chance(0.6):
                terms.append(self.use(self.pick([f"{s}.{k}", f"{s}[{j}]",
                                                 f"{s}[{j - len(fields)}]"]), kinds[k]))
        if self.chance(0.4):
            names = [self.fresh("u") for _ in fields]
            lines.append(f"{indent}{', '.join(names)} = {s}")
            terms += [self.use(u, kinds[k]) for u, k in zip(names, fields)]
        if not terms:
            terms.append(f"len({s}) * {self.constant()}")
        return lines + self.new_result(indent, terms)

    # ------------------------------------------------------------ tuples carried
    def s_carried(self, indent):
        """A pair of numbers carried by a loop (`p = (p[1], p[0] * ...)`) and set in
        both branches of an `if`."""
        p = self.fresh("p")
        lines = [f"{indent}{p} = ({self.scalar(1)}, {self.scalar(1)})"]
        if self.chance(0.7):
            i = self.fresh("i")
            lines += [f"{indent}for {i} in range({self.pick(self.bounds)}):",
                      f"{indent}    {p} = ({p}[1], {p}[0] * 0.5 + {self.squash(f'{p}[1]')})"]
        if self.chance(0.6):
            a, b = self.bounded(1), self.bounded(1)
            lines += [f"{indent}if {self.condition()}:", f"{indent}    {p} = ({a}, {b})",
                      f"{indent}else:", f"{indent}    {p} = ({p}[1], {p}[0])"]
        if self.chance(0.4):
            u, w = self.fresh("u"), self.fresh("u")
            lines.append(f"{indent}{u}, {w} = {p}")
            return lines + self.new_result(indent, [f"{u} * {self.constant()}", w])
        return lines + self.new_result(indent, [f"{p}[0] * {self.constant()}", f"{p}[1]"])

    # ------------------------------------------------------------ comprehensions
    def numbers_tuple(self):
        return "(" + ", ".join(self.scalar(1) for _ in range(self.draw(st.integers(2, 3)))) \
            + ")"

    def s_comprehension(self, indent):
        """A generator expression or list comprehension read into a number: `sum`,
        `max`, `min`, `np.array`, `np.stack`, over tuples, arrays and ranges, nested."""
        u, w = self.fresh("u"), self.fresh("u")
        s = self.pick(self.scalars)
        forms = ["sum_tuple", "extreme_tuple", "array_tuple", "range", "nested"]
        if self.arrays:
            forms += ["sum_array", "extreme_array", "array_array", "stack_tuple",
                      "nested_array"]
        form = self.pick(forms)
        body = self.squash(f"{u} * {self.constant()} + {s}")
        if form == "sum_tuple":
            value = f"sum({body} for {u} in {self.numbers_tuple()})"
        elif form == "extreme_tuple":
            value = f"{self.pick(['max', 'min'])}({body} for {u} in {self.numbers_tuple()})"
        elif form == "array_tuple":
            made = f"{self.pick(['np.array', 'np.stack'])}([{body} for {u} in " \
                   f"{self.numbers_tuple()}])"
            value = f"np.sum({made} ** 2)"
        elif form == "range":
            # `n` is f's: a helper has none
            bound = self.pick(["3", "n", "1, n + 2"] if "n" in self.bounds else ["3", "2"])
            listed = f"[{self.squash(f'{u} * {self.constant()} + {s}')} for {u} in " \
                     f"range({bound})]"
            value = self.pick([f"sum({listed})", f"sum({listed[1:-1]})"] +
                              ([] if bound == "n" else [f"np.sum(np.array({listed}))"]))
        elif form == "nested":
            value = f"sum({self.squash(f'{u} * {w}')} for {u} in {self.numbers_tuple()} " \
                    f"for {w} in {self.numbers_tuple()})"
        elif form in ("sum_array", "extreme_array"):
            source = self.pick(self.arrays)
            test = f" if {u} {self.pick(['<', '>'])} {self.pick(['0.0', '0.5', '-0.5'])}" \
                if self.chance(0.5) else ""
            fold = "sum" if form == "sum_array" else self.pick(["max", "min"])
            value = f"{fold}({body} for {u} in {source}{'' if fold != 'sum' else test})"
        elif form == "array_array":
            value = f"np.sum(np.array([{body} for {u} in {self.pick(self.arrays)}]) * " \
                    f"{self.pick(self.arrays)})"
        elif form == "stack_tuple":
            items = ", ".join(self.element("a") for _ in range(2))
            value = f"np.sum(np.stack([np.tanh({u}) * {s} for {u} in ({items},)]) ** 2)"
        else:
            value = f"sum({self.squash(f'{u} * {w}')} for {u} in {self.pick(self.arrays)} " \
                    f"for {w} in range(2))"
        return self.new_result(indent, [value])

    # ------------------------------------------------------------ enumerate, zip, reversed
    def s_iterate(self, indent):
        """A loop over `enumerate`, `zip` or `reversed` of ranges, arrays and tuples,
        with a body of random statements; loops over tuples are unrolled (no exits)."""
        forms = ["enumerate_tuple", "enumerate_range", "zip_tuples", "reversed_range",
                 "reversed_tuple"]
        if self.arrays:
            forms += ["enumerate_array", "zip_arrays", "zip_range_array", "reversed_array"]
        form = self.pick(forms)
        a, b = self.fresh("i" if "range" in form or "enumerate" in form else "u"), \
            self.fresh("u")
        numbers, indices, exits = [], [], "tuple" not in form
        array = self.pick(["np.sin({0})", "np.tanh({0})"]).format(self.array(1)) \
            if self.arrays else ""
        bounds = self.pick(self.bounds)
        if form == "enumerate_tuple":
            header, indices, numbers = f"{a}, {b} in enumerate({self.numbers_tuple()})", [a], [b]
        elif form == "enumerate_range":
            header, indices = f"{a}, {b} in enumerate(range({bounds}))", [a, b]
        elif form == "zip_tuples":
            header, numbers = f"{a}, {b} in zip({self.numbers_tuple()}, " \
                              f"{self.numbers_tuple()})", [a, b]
        elif form == "reversed_range":
            header, indices = f"{a} in reversed(range({bounds}))", [a]
        elif form == "reversed_tuple":
            header, numbers = f"{a} in reversed({self.numbers_tuple()})", [a]
        elif form == "enumerate_array":
            header, indices, numbers = f"{a}, {b} in enumerate({array})", [a], [b]
        elif form == "zip_arrays":
            header, numbers = f"{a}, {b} in zip({array}, {self.pick(self.arrays)})", [a, b]
        elif form == "zip_range_array":
            header, indices, numbers = f"{a}, {b} in zip(range({bounds}), {array})", [a], [b]
        else:
            header, numbers = f"{a} in reversed({array})", [a]
        self.scalars += numbers
        saved = list(self.indices)
        self.indices += indices
        lines = self.loop(f"for {header}:", indent, exits=exits)
        self.indices = saved
        for name in numbers:
            self.scalars.remove(name)
        return lines

    # ------------------------------------------------------------ functions
    def pair_helper(self):
        """`m<j>(p, q, scale=c, mode="tanh")` returning two numbers; `mode` chooses the
        code, and the body is random statements."""
        outer = (self.scalars, self.arrays, self.created, self.tuples, self.bounds,
                 self.early, self.returned)
        self.scalars, self.arrays, self.created, self.tuples = ["p", "q"], [], [], {}
        self.may_create, self.early = False, True
        self.returned = lambda: f"{self.bounded()}, {self.bounded()}"
        self.bounds = [b for b in self.bounds if "n" not in b]
        name = self.fresh("m")
        lines = [f"def {name}(p, q, scale={self.constant()}, mode=\"tanh\"):",
                 "    if mode == \"tanh\":", "        p = np.tanh(p) * scale",
                 "    else:", "        p = np.sin(p) * scale"]
        lines += self.block("    ", self.draw(st.integers(1, 2)))
        lines.append(f"    return {self.bounded()}, {self.bounded()}")
        (self.scalars, self.arrays, self.created, self.tuples, self.bounds, self.early,
         self.returned) = outer
        self.may_create = True
        self.pairs.append(name)
        return lines

    def s_pair_call(self, indent):
        """`u, w = m(...)` with defaults, keywords or the other mode, or `m(...)[1]`."""
        name = self.pick(self.pairs)
        self.used.add(name)
        first, second = self.scalar(1), self.scalar(1)
        args = self.pick([f"{first}, {second}", f"{first}, {second}, mode=\"sin\"",
                          f"{first}, q={second}, scale={self.constant()}",
                          f"{first}, {second}, {self.constant()}, \"sin\""])
        if self.chance(0.3):
            return self.new_result(indent, [f"{name}({args})[{self.pick(['0', '1', '-1'])}]"])
        u, w = self.fresh("u"), self.fresh("u")
        return [f"{indent}{u}, {w} = {name}({args})"] + \
            self.new_result(indent, [f"{u} * {w}", w])

    def axis_helper(self):
        self.axis_name = self.fresh("s")
        return [f"def {self.axis_name}(z, w, axis=-1):",
                "    return np.sum(np.tanh(z) * w, axis=axis)"]

    def s_axis_call(self, indent):
        """A helper whose constant `axis` argument chooses the reduction."""
        stacked = f"np.stack(({self.array(1)}, {self.array(1)}))"
        axis = self.pick(["", ", axis=0", ", axis=-1", ", 1"])
        return self.new_result(indent, [f"np.sum({self.axis_name}({stacked}, "
                                        f"{self.pick(self.arrays)}{axis}) ** 2)"])

    def s_closure(self, indent):
        """A lambda or nested `def` closing over the function's names, with a default,
        called directly or through `map` over a tuple."""
        fn, t = self.fresh("fn"), "t"
        captured = self.pick(self.scalars)
        body = self.squash(f"{t} * c + {captured}")
        if self.arrays and self.chance(0.3):
            body = f"{body} * np.sum(np.sin({self.pick(self.arrays)}))"
        c = self.constant()
        if self.chance(0.5):
            lines = [f"{indent}{fn} = lambda {t}, c={c}: {body}"]
        else:
            lines = [f"{indent}def {fn}({t}, c={c}):", f"{indent}    return {body}"]
        use = self.pick(["call", "map", "map_array"])
        if use == "call":
            return lines + self.new_result(indent, [f"{fn}({self.scalar(1)})",
                                                    f"{fn}({self.scalar(1)}, {self.constant()})"])
        if use == "map":
            u, w = self.fresh("u"), self.fresh("u")
            return lines + [f"{indent}{u}, {w} = map({fn}, ({self.scalar(1)}, {self.scalar(1)}))"] \
                + self.new_result(indent, [f"{u} * {w}"])
        return lines + self.new_result(
            indent, [f"np.sum(np.array(list(map({fn}, {self.numbers_tuple()}))) ** 2)"])

    def s_assert(self, indent):
        """An `assert` that holds: of a bounded value, a positive one, an array's shape."""
        forms = [f"assert {self.bounded()} < 1.75", f"assert -1.75 < {self.bounded()}",
                 f"assert 1.0 + {self.scalar(1)} ** 2 > 0.5, \"positive\""]
        if self.arrays:
            forms += [f"assert np.all(np.tanh({self.array(1)}) < 1.5)",
                      f"assert {self.pick(self.arrays)}.shape == (3,), \"length 3\""]
        return [indent + self.pick(forms)]
