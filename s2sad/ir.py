"""The Wengert list: s2sad's own small IR, kept apart from the AST.

A function body becomes a flat sequence of `Op`s in static single assignment form: each
`Op` applies one elementary operation to atoms (variables or constants) and defines one
fresh variable, exactly the evaluation trace v_i = phi_i(v_j) of the lecture notes.
Analyses and emitters read this structure; only the ends of the pipeline touch the AST.
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
    """A module-level or closure value, read by name at run time like in Python."""
    text: str
    value: object


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
class Op:
    """`target = prim(*args, **kwargs)`: one elementary operation.

    `prim` keys the derivative rule: an `operator` function for operators, the resolved
    object for calls (`math.sin`, `np.sum`, a user function) or an `Attr`. `callee` is the
    call's function as the user wrote it (`np.sin`), so the primal reads like the original.
    """
    target: Var
    prim: object
    args: tuple
    kwargs: tuple = ()
    callee: str = None
    line: int = 0

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


@dataclass
class Function:
    """A lowered function: parameters, its Wengert list and the returned atom."""
    name: str
    params: tuple
    body: list
    result: object
    filename: str
    first_line: int
    source: object = field(default=None, repr=False)
