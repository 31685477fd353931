"""The Wengert list: s2sad's own small IR, kept apart from the AST.

A function body becomes a sequence of `Op`s: each applies one elementary operation to
atoms (variables or constants) and defines one variable, exactly the evaluation trace
v_i = phi_i(v_j) of the lecture notes. Straight-line code is in static single assignment
form. Control flow stays structured (`If`, `For`, `While` holding blocks of statements),
and a variable assigned inside it, or written element by element, keeps the user's name
and is overwritten like in the original (`Function.mutable`); the adjoint saves such
values on a stack where the backward sweep needs them. Analyses and emitters read this
structure; only the ends of the pipeline touch the AST.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Var:
    """A value of the function, named as in the generated code."""
    name: str


@dataclass(frozen=True)
class Const:
    """A constant known when the derivative is generated (a literal or a default value)."""
    value: object


@dataclass(frozen=True)
class Global:
    """A module-level or closure value, read by name at run time like in Python.

    Two reads of the same name are the same atom: `value` (what the name held when the
    derivative was made, for kinds and rules) takes no part in equality or hashing, so
    an operation that reads an array constant can be compared and kept in sets."""
    text: str
    value: object = field(compare=False)


@dataclass(frozen=True)
class Slice:
    """`lower:upper:step` inside a subscript; each part is an atom or None."""
    lower: object = None
    upper: object = None
    step: object = None


@dataclass(frozen=True)
class Attr:
    """The primitive of reading attribute `name` of a value (`x.T`, `x.shape`)."""
    name: str


@dataclass(frozen=True)
class Method:
    """The primitive of calling method `name` of a value (`x.copy()`)."""
    name: str


@dataclass(frozen=True)
class Part:
    """The primitive of taking output `index` of a call that returns a tuple
    (`np.linalg.slogdet(A)[1]`): each output is its own operation with its own rule."""
    prim: object
    index: int


@dataclass(frozen=True)
class Packed:
    """How a call's first argument, a list or tuple display, was flattened into the
    operation's leading arguments: `items` holds argument positions (ints) and nested
    `Packed` displays, `brackets` says whether it was written as a list (`[a, b]`) or a
    tuple, so the primal reads as the user wrote it."""
    items: tuple
    brackets: str = "list"

    def leaves(self):
        """The argument positions of the display, in order."""
        found = []
        for item in self.items:
            found.extend(item.leaves() if isinstance(item, Packed) else [item])
        return found

    @property
    def size(self):
        return len(self.leaves())

    @property
    def layout(self):
        """The nesting as an array shape (`[[a, b], [c, d]]` -> (2, 2)), or None when the
        nested displays are ragged."""
        inner = {item.layout if isinstance(item, Packed) else () for item in self.items}
        if len(inner) != 1 or None in inner:
            return None
        return (len(self.items),) + inner.pop()


class _Copy:
    """The primitive of `x = y`: a plain copy of a value into a variable that is
    overwritten (an SSA variable would just be renamed instead)."""

    def __repr__(self):
        return "COPY"


COPY = _Copy()


class _ListPrimitive:
    """A primitive of the Python lists a function builds: `LIST` makes one from its items
    (`xs = [a, b]`, `xs = []`), `APPEND` adds its second argument at the end of its
    first, in place (`xs.append(v)`, an `Op` whose target is the list it updates)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


LIST = _ListPrimitive("LIST")
APPEND = _ListPrimitive("APPEND")


@dataclass(frozen=True)
class OnList:
    """The primitive of `prim` applied to a list built at run time (its first argument):
    `sum(xs)`, `np.stack(xs)`, `xs[i]`, `xs + ys` each have a rule of their own
    (rules/lists.py), apart from the same call on arrays or displays."""
    prim: object


@dataclass(frozen=True)
class Tape:
    """The primitive of `stack = []` in code s2sad generated, which binds the stack's
    methods to the names `push` and `pop` (either None where the code uses none): the
    stack a derivative saves overwritten values on, read back when that derivative is
    differentiated in turn (frontend/tapes.py)."""
    push: str = None
    pop: str = None


class _Push:
    """The primitive of `push(v)` in generated code: `Op(stack, PUSH, (stack, v))` adds
    `v` to the stack in place, like `APPEND` a list."""

    def __repr__(self):
        return "PUSH"


PUSH = _Push()


@dataclass(frozen=True)
class Pop:
    """The primitive of `x = pop()` in generated code: `Op(x, Pop(like), (stack,))` takes
    the last value off the stack. The stack holds values of every kind, so the popped
    one has the kind of the variable `like` it restores, or with `index`, of the element
    `like[index]` it writes back (`y[i] = pop()`); `flag`: a saved branch direction
    (`if pop():`)."""
    like: str = None
    index: object = None
    flag: bool = False


def updates(statement):
    """Whether `statement` changes its target in place (`xs.append(v)`, `push(v)`) rather
    than assigning it a new value: the old value is not saved, it is still there."""
    return isinstance(statement, Op) and (statement.prim is APPEND or statement.prim is PUSH)


def on_tape(statement):
    """Whether `statement` pushes onto or pops off a generated derivative's stack."""
    return isinstance(statement, Op) and (statement.prim is PUSH or
                                          isinstance(statement.prim, Pop))


@dataclass(frozen=True)
class Op:
    """`target = prim(*args, **kwargs)`: one elementary operation.

    `prim` keys the derivative rule: an `operator` function for operators, the resolved
    object for calls (`math.sin`, `np.sum`, a user function), an `Attr`, a `Method` or a
    `Part`. `callee` is the call's function as the user wrote it (`np.sin`), so the
    primal reads like the original. `packed`: the first argument was a list or tuple
    display whose elements are the leading `args` (`np.stack([a, b], axis=1)`).
    """
    target: Var
    prim: object
    args: tuple
    kwargs: tuple = ()
    callee: str = None
    line: int = 0
    packed: Packed = None

    def vars(self):
        """Every variable the operation reads, in order."""
        found = []
        for arg in self.args + tuple(value for _, value in self.kwargs):
            found.extend(atom_vars(arg))
        return found


def atom_vars(arg):
    if isinstance(arg, Var):
        return [arg]
    if isinstance(arg, Slice):
        return [part for part in (arg.lower, arg.upper, arg.step) if isinstance(part, Var)]
    if isinstance(arg, tuple):
        return [v for item in arg for v in atom_vars(item)]
    return []


@dataclass(frozen=True)
class SetItem:
    """`target[index] = value`, in place; with `accumulate`, `np.add.at(target, index,
    value)`: the value is added, once for each time an index picks an element."""
    target: Var
    index: object
    value: object
    line: int = 0
    accumulate: bool = False

    def vars(self):
        return [self.target] + atom_vars(self.index) + atom_vars(self.value)


@dataclass(frozen=True)
class Test:
    """A branch or loop condition: passive, so it is kept as the expression the user wrote
    (`node`, with names renamed to the variables they denote) and never differentiated;
    `reads` are the variables it reads, `calls` whether it calls anything."""
    node: object = field(compare=False)
    reads: tuple
    calls: bool = False


@dataclass
class If:
    test: Test
    body: list
    orelse: list
    line: int = 0


@dataclass
class For:
    """`for target in range(start, stop, step)`; other loops are lowered to this form.
    `reverse_of`: the (start, stop, step) of the range whose numbers it runs last first,
    for a loop written `for i in reversed(range(n))`, which is how the code shows it."""
    target: Var
    start: object
    stop: object
    step: object
    body: list
    line: int = 0
    reverse_of: tuple = None
    # the snapshots (an atom) of a loop marked `s2sad.checkpoint(range(n), snapshots=k)`
    checkpoint: object = None

    def bounds(self):
        """The atoms the loop's header reads."""
        return self.reverse_of or (self.start, self.stop, self.step)


@dataclass
class While:
    test: Test
    body: list
    line: int = 0
    checkpoint: object = None


@dataclass(frozen=True)
class Break:
    line: int = 0


@dataclass(frozen=True)
class Assert:
    """`assert test, message`: a check the primal runs where the user wrote it (and so
    does the forward sweep of an adjoint, and a tangent); passive like a branch's test,
    never differentiated. `message` is a string or None."""
    test: Test
    message: str = None
    line: int = 0


@dataclass
class Function:
    """A lowered function: parameters, its body, the returned atom, and the variables that
    are overwritten rather than renamed."""
    name: str
    params: tuple
    body: list
    result: object
    filename: str
    first_line: int
    source: object = field(default=None, repr=False)
    mutable: frozenset = frozenset()
    # (variable, line, name) of each `name += ...` on a value another name also holds
    inplace: tuple = ()
    # its name no longer means it (`rec = s2sad.grad(rec)`): its own calls of itself
    # must reach a copy of it, not what the name means now
    rebound: bool = False
    # (name, object) the generated code reads by a name of its own: a module-level value
    # of an inlined helper from another module, which the caller's module may lack
    bindings: tuple = ()
    # how the returned leaves `result` make the returned container (ir/trees.py), or
    # None when the function returns one value
    layout: object = None

    def ops(self):
        return list(walk(self.body))


def statements(block):
    """Every statement of a block, nested ones included, in source order."""
    for statement in block:
        yield statement
        if isinstance(statement, If):
            yield from statements(statement.body)
            yield from statements(statement.orelse)
        elif isinstance(statement, (For, While)):
            yield from statements(statement.body)


def walk(block):
    """Every `Op` and `SetItem` of a block, nested ones included, in source order."""
    return (s for s in statements(block) if isinstance(s, (Op, SetItem)))


def reads(statement):
    """Names one statement reads itself (a compound statement: its test or bounds)."""
    if isinstance(statement, (Op, SetItem)):
        return {v.name for v in statement.vars()}
    if isinstance(statement, (If, While, Assert)):
        return {v.name for v in statement.test.reads}
    if isinstance(statement, For):
        return {v.name for v in atom_vars(statement.bounds())}
    return set()


def split(block, mutable):
    """A block as groups and compound statements.

    A group is a run of operations ending at a write to a `mutable` variable or to an
    element: the Wengert list of one assignment. Its temporaries are read only inside it,
    so a backward sweep inside a loop can recompute them instead of saving them."""
    out, group = [], []
    for statement in block:
        if isinstance(statement, (Op, SetItem)):
            group.append(statement)
            if isinstance(statement, SetItem) or statement.target.name in mutable:
                out.append(group)
                group = []
        else:
            if group:
                out.append(group)
                group = []
            out.append(statement)
    if group:
        out.append(group)
    return out


def writes(block):
    """Names a block assigns, nested statements included."""
    found = set()
    for statement in block:
        if isinstance(statement, (Op, SetItem)):
            found.add(statement.target.name)
        elif isinstance(statement, If):
            found |= writes(statement.body) | writes(statement.orelse)
        elif isinstance(statement, For):
            found |= writes(statement.body) | {statement.target.name}
        elif isinstance(statement, While):
            found |= writes(statement.body)
    return found
