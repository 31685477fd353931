"""Every identifier the generated code introduces comes from here.

Generated names are derived from the user's names (`x` -> `x_bar`, a second value of `x`
-> `x_1`) and never collide with any identifier the user's function mentions, so the
derivative code can be read side by side with the original.
"""
import keyword


class Namer:
    """Hands out fresh identifiers for one generated function."""

    def __init__(self, taken=()):
        self._taken = set(taken)
        self._bars = {}
        self._dots = {}
        self._counters = {}
        self.temps = set()   # the names `temp` gave: values no user variable holds

    def copy(self):
        """An independent namer that has handed out the same names so far."""
        other = Namer(self._taken)
        other._bars = dict(self._bars)
        other._dots = dict(self._dots)
        other._counters = dict(self._counters)
        other.temps = set(self.temps)
        return other

    def reserve(self, name):
        self._taken.add(name)

    def taken(self, name):
        """Whether `name` is an identifier of the function or a name given out already."""
        return name in self._taken

    def fresh(self, base):
        """`base` itself if it is free, else `base_1`, `base_2`, ..."""
        if base not in self._taken:
            self._taken.add(base)
            return base
        return self.numbered(base + "_")

    def numbered(self, prefix):
        """`prefix` followed by the next free number: t1, t2, ..."""
        while True:
            number = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = number
            name = f"{prefix}{number}"
            if name not in self._taken:
                self._taken.add(name)
                return name

    def version(self, name):
        """A new SSA name for another value of the user's variable `name`."""
        return self.numbered(name + "_")

    def temp(self):
        """A name for an intermediate value of an expression."""
        name = self.numbered("t")
        self.temps.add(name)
        return name

    def bar(self, name):
        """The adjoint of variable `name`: always the same identifier for the same name."""
        if name not in self._bars:
            self._bars[name] = self.fresh(name + "_bar")
        return self._bars[name]

    def dot(self, name):
        """The tangent of variable `name`: always the same identifier for the same name."""
        if name not in self._dots:
            self._dots[name] = self.fresh(name + "_dot")
        return self._dots[name]


def identifier(text):
    """A Python identifier made from `text` (a function's `__name__`, which may be any
    string: `my-loss`, or code), to build generated names from: other characters become
    `_`, and a keyword or a leading digit gets a `_` in front."""
    word = "".join(c if ("_" + c).isidentifier() else "_" for c in str(text)) or "f"
    if not word.isidentifier() or keyword.iskeyword(word):
        word = "_" + word
    return word
