"""The adjoint's one stack of mixed values, split into one tape per value it saves.

The Python adjoint pushes everything on one list (`push = stack.append`): numbers,
branch flags, trip counts, copies of arrays. numba types a list by its items, so the
dialect gives each saved value a tape of its own, keyed by what is pushed and where it
is popped back to: `push(x)` and `x = pop()` share the tape of `x`, the flags a branch
pushes and the `if pop():` that reads them share `flags`. Splitting a stack by key keeps
every pop paired with its push, for each key's pushes and pops are a subsequence of the
one stack's, last in first out.

A number, integer or flag goes on a NumPy array with a top index; an array on a numba
list. A tape pushed only in the body of one counting loop (not in a branch or inner loop)
is allocated for that loop's trips; any other grows by doubling (`push` helper):

    push(x)                        x_tape[x_top] = x
    x = 3.9 * x * (1 - x)    ->    x_top += 1
                                   x = 3.9 * x * (1 - x)
    ...
    x = pop()                      x_top -= 1
                                   x = x_tape[x_top]
"""
import gast

from ..syntax.lines import carry
from ..syntax.printer import assign, source
from ..syntax.template import const

FLAGS = "flags"


class Unpaired(Exception):
    """A push or pop the split cannot pair: the construct and its statement."""

    def __init__(self, what, statement):
        super().__init__(what)
        self.statement = statement


def handles(body):
    """(stack, push, pop) names of the `stack = []; push = stack.append; pop = stack.pop`
    lines at the top of a generated body, or None."""
    if not body or not _is_empty_list(body[0]):
        return None
    stack = body[0].targets[0].id
    found = {"append": None, "pop": None}
    for statement in body[1:3]:
        value = getattr(statement, "value", None)
        if isinstance(statement, gast.Assign) and isinstance(value, gast.Attribute) and \
                isinstance(value.value, gast.Name) and value.value.id == stack:
            found[value.attr] = statement.targets[0].id
    if not any(found.values()):
        return None     # a list of the user's, not the stack
    return stack, found["append"], found["pop"]


def _is_empty_list(statement):
    return isinstance(statement, gast.Assign) and isinstance(statement.value, gast.List) \
        and not statement.value.elts and isinstance(statement.targets[0], gast.Name)


def _key(value):
    """The tape of a pushed value or a pop's target: a name's own, an element's array's,
    the flags'."""
    if isinstance(value, gast.Constant) and isinstance(value.value, bool):
        return FLAGS
    if isinstance(value, gast.Call) and len(value.args) == 1:  # np.copy(x[i])
        return _key(value.args[0])
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return value.value.id + "[]"
    return None


class Split:
    """Rewrites the body of one adjoint: `kinds` are its variables' kinds, `fresh(word)`
    a name no one uses."""

    def __init__(self, body, kinds, fresh, numpy="np"):
        self.stack, self.push, self.pop = handles(body)
        self.body = body[1 + sum(1 for h in (self.push, self.pop) if h):]
        self.kinds = kinds
        self.fresh = fresh
        self.numpy = numpy
        self.tapes = {}  # key -> [tape, its top (None: a list), kind, allocated whole]

    def run(self):
        pushes = {}
        for top in self.body:
            for key in self._pushed_in(top):
                pushes.setdefault(key, []).append(top)
        for key in pushes:
            self._open(key)
        popped = self._popped_keys()
        if set(popped) != set(pushes):
            odd = sorted(set(popped) ^ set(pushes))[0]
            raise Unpaired(f"a value saved for the backward sweep ({odd})", self.body[0])
        out = []
        for top in self.body:
            out += self._allocations(top, pushes)
            out += self.statements([top])
        return out

    def _pushed_in(self, statement):
        for node in gast.walk(statement):
            if self._is_push(node):
                key = _key(node.value.args[0])
                if key is None:
                    raise Unpaired(f"a save of `{source(node.value.args[0])}`", statement)
                yield key

    def _popped_keys(self):
        found = []
        for top in self.body:
            for node in gast.walk(top):
                if isinstance(node, gast.Assign) and self._is_pop(node.value):
                    found.append(_key(node.targets[0]))
                elif isinstance(node, (gast.If, gast.While)) and \
                        any(self._is_pop(n) for n in gast.walk(node.test)):
                    found.append(FLAGS)
        return found

    def _is_push(self, node):
        return isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) and \
            isinstance(node.value.func, gast.Name) and node.value.func.id == self.push

    def _is_pop(self, node):
        return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
            node.func.id == self.pop and not node.args

    def _open(self, key):
        kind = None if key == FLAGS or key.endswith("[]") else self.kinds.get(key)
        base = "flag" if key == FLAGS else key.replace("[]", "_item")
        if key == FLAGS or (kind is not None and kind.is_scalar):
            self.tapes[key] = [self.fresh(base + "_tape"), self.fresh(base + "_top"), kind, False]
        else:
            self.tapes[key] = [self.fresh(base + "_stack"), None, kind, False]

    def _allocations(self, top, pushes):
        """The tapes first pushed in top-level statement `top`, made before it."""
        out = []
        for key, where in pushes.items():
            if where[0] is not top:
                continue
            tape, index, kind, _ = self.tapes[key]
            if index is None:
                out.append(assign(tape, gast.List(elts=[], ctx=gast.Load())))
                continue
            size = _trips(top, key, self) if all(w is top for w in where) else None
            dtype = "bool_" if key == FLAGS else "int64" if kind.tag == "int" else \
                "complex128" if kind.complex else "float64"
            length = source(size) if size is not None else "16"
            np = self.numpy
            out.append(carry(_parsed(f"{tape} = {np}.empty({length}, {np}.{dtype})"), top))
            out.append(carry(assign(index, const(0)), top))
            self.tapes[key][3] = size is not None
        return out

    def statements(self, block):
        out = []
        for statement in block:
            out += self._statement(statement)
        return out

    def _statement(self, statement):
        if self._is_push(statement):
            return carry(self._pushed(statement.value.args[0]), statement)
        if isinstance(statement, gast.Assign) and self._is_pop(statement.value):
            return carry(self._popped(_key(statement.targets[0]), statement.targets[0]),
                         statement)
        before = []
        if isinstance(statement, gast.If) and any(self._is_pop(n)
                                                  for n in gast.walk(statement.test)):
            before, value = self._read(FLAGS)
            statement.test = _replace_pop(statement.test, self.pop, value)
            carry(before, statement)
        for field in ("body", "orelse"):
            if isinstance(getattr(statement, field, None), list):
                setattr(statement, field, self.statements(getattr(statement, field)))
        return before + [statement]

    def _pushed(self, value):
        key = _key(value)
        tape, index, _, sized = self.tapes[key]
        if index is None:
            return [_with_value(_parsed(f"{tape}.append(v)"), value)]
        if sized:
            return [_with_value(_parsed(f"{tape}[{index}] = v"), value),
                    _parsed(f"{index} += 1")]
        return [_with_value(_parsed(f"{tape}, {index} = push({tape}, {index}, v)"), value)]

    def _popped(self, key, target):
        before, value = self._read(key)
        return before + [assign(target, value)]

    def _read(self, key):
        """The statements that take the last value off tape `key`, and the value."""
        tape, index, *_ = self.tapes[key]
        if index is None:
            return [], _parsed(f"{tape}.pop()").value
        return [_parsed(f"{index} -= 1")], _parsed(f"{tape}[{index}]").value


def _trips(top, key, split):
    """The size of a tape pushed only directly in the body of counting loop `top`: the
    pushes per trip times its trips, or None."""
    if not (isinstance(top, gast.For) and isinstance(top.iter, gast.Call) and
            isinstance(top.iter.func, gast.Name) and top.iter.func.id == "range"):
        return None
    direct = sum(1 for s in top.body if split._is_push(s) and _key(s.value.args[0]) == key)
    nested = sum(1 for s in top.body if not split._is_push(s)
                 for n in gast.walk(s) if split._is_push(n) and _key(n.value.args[0]) == key)
    if nested or not direct:
        return None
    args = top.iter.args
    if len(args) > 1:
        trips = f"len({source(top.iter)})"
    elif isinstance(args[0], gast.Constant) or _is_len(args[0]):
        trips = source(args[0])
    else:
        trips = f"max({source(args[0])}, 0)"   # range(n) of a negative n makes no trip
    return _parsed(trips if direct == 1 else f"{direct} * {trips}").value


def _is_len(node):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
        node.func.id == "len"


def _parsed(text):
    return gast.parse(text).body[0]


def _with_value(statement, value):
    """`statement` with its placeholder `v` replaced by `value`."""
    for node in gast.walk(statement):
        for field, child in gast.iter_fields(node):
            if isinstance(child, gast.Name) and child.id == "v":
                setattr(node, field, value)
            elif isinstance(child, list):
                child[:] = [value if isinstance(c, gast.Name) and c.id == "v" else c
                            for c in child]
    return statement


def _replace_pop(test, pop, value):
    if isinstance(test, gast.Call) and isinstance(test.func, gast.Name) and test.func.id == pop:
        return value
    for node in gast.walk(test):
        for field, child in gast.iter_fields(node):
            if isinstance(child, gast.Call) and isinstance(child.func, gast.Name) and \
                    child.func.id == pop:
                setattr(node, field, value)
    return test

