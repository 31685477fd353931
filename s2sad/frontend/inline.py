"""Inlining: a call lowered as its callee's body, in the caller, at the call.

Most calls of the user's own functions stay one operation each, and the callee gets a
derivative of its own (calls.py): `h_vjp` reads like `h`, and a recursive helper works.
That needs a callee that takes and returns plain values (numbers and arrays). A call is
inlined instead (its callee's body lowered into the caller's Wengert list, its
parameters bound to the argument atoms) when the values that cross it are known only
while lowering:

- the callee returns several values (`return dx, dy`): the caller gets a tuple of atoms
  (`a, b = h(x)`, `p = h(x); p[0]`);
- an argument is a tuple or a list (`h((a, b))`), a function (`apply(sq, x)`, a nested
  `def`, a `lambda`), or a constant that may choose code (an `int`, `bool`, `str`, `None`
  or tuple: an axis, a flag, a count): `softmax(z, axis=-1)` then reads `np.max(z,
  axis=-1)`, where a parameter would be a computed axis;
- the callee is a nested `def` or a `lambda` (it reads the enclosing function's
  variables, which only the enclosing lowering knows).

The callee's names are renamed through the caller's `Namer` (its own names, versioned:
`y`, `y_1`), its statements keep its own lines (an `errors.Line` that names its file), and
its module-level names resolve in its own scope (`read.Scope`), logged for the stamp of
the caller (stamps.py): redefining the helper makes the caller's derivative again. A
module-level name the caller's module would read differently is bound under a name of
its own (`ir.Function.bindings`). A call back into a function being inlined is refused:
it would never end.

Python reads a closure's free variables when it is called, not when it is defined: a
nested function reads them through the frame of the function that defined it, at the
call, so a variable reassigned between the `def` and the call gives its new value.

The entry points, for calls of other kinds (methods, callable objects): on the lowerer,
`inline_function(fn, args, kwargs, node, target=None)` for a Python function, and
`inline(callee, args, kwargs, node, target=None)` for a `Callee` (callees.py); `args` are
atoms or tuples of atoms (or `Callee`s), `kwargs` (name, atom) pairs, `node` the call
(for errors), `target` the variable a single result may be written into. Each returns
the result: an atom or a tuple of atoms. Nested functions, lambdas and `map` are
lowered in lower_functions.py.
"""
import contextlib
import copy

import gast

from .. import ir
from ..syntax import queries
from . import exits, names, read
from .callees import Callee, callee_of

# what the lowering knows of the one function whose body it is lowering
FRAME = ("parsed", "where", "scope", "params", "env", "locals", "statements", "range_loops",
         "result", "result_var", "result_target", "definer", "tapes", "reassigned_names")


class Frame:
    """The state of one function's lowering that a call inlined sets aside: its names,
    its scope, where its result goes. The rest (the block being built, the namer, the
    mutable variables) the inlined body shares with its caller."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    @classmethod
    def current(cls, lowerer):
        return cls(**{name: getattr(lowerer, name) for name in FRAME})

    def load(self, lowerer):
        for name in FRAME:
            setattr(lowerer, name, getattr(self, name))


@contextlib.contextmanager
def entered(lowerer, frame):
    """Lower in `frame`, then go back to the frame that was being lowered."""
    outer, line = Frame.current(lowerer), lowerer.line
    frame.load(lowerer)
    try:
        yield
    finally:
        outer.load(lowerer)
        lowerer.line = line


class State:
    """What the inlining of one lowering keeps: the scopes read (for the stamp), the
    names given to other modules' values, the functions being inlined (recursion)."""

    def __init__(self, parsed, scope):
        self.root = parsed
        self.root_scope = scope
        self.root_identifiers = names.scoped_identifiers(parsed.node)
        self.root_locals = set(names.local_names(parsed.node))
        self.scopes = {id(scope): (scope, set())}
        self.bindings = {}
        self.spelled = {}
        self.plain = set()
        self.stack = [parsed.fn]
        self.originals = {}
        self.callees = {}
        self.values = {}
        self.several = {}

    def named(self, word):
        """The module-level value the generated code reads by `word`."""
        return self.values.get(word)


def renamed(node, mapping):
    """A copy of a function's node with the names of `mapping` renamed, everywhere: a
    nested function's own variable of the same name is renamed alike, and stays its own."""
    node = copy.deepcopy(node)
    for child in gast.walk(node):
        if isinstance(child, gast.Name) and child.id in mapping:
            child.id = mapping[child.id]
        elif isinstance(child, gast.FunctionDef) and child is not node and \
                child.name in mapping:
            child.name = mapping[child.name]
    return node


def several_returns(statements):
    """The number of values every `return` of a function with returns inside branches
    gives, when each returns a tuple display of that many; else None."""
    returns = [n for s in statements for n in names.own_walk(s) if isinstance(n, gast.Return)]
    counts = {len(n.value.elts) if isinstance(n.value, gast.Tuple) else None for n in returns}
    return counts.pop() if len(counts) == 1 else None


def nested_return(statements):
    """Whether some `return` sits inside a branch: the result then goes into a variable."""
    return any(isinstance(n, gast.Return) for s in statements if not isinstance(s, gast.Return)
               for n in names.own_walk(s))


class InlineLowering:
    """The lowering of calls inlined, of nested functions and lambdas, and of `map`."""

    def inline_function(self, fn, args, kwargs, node, target=None):
        """`inline` for a Python function defined with `def` (or a module-level lambda):
        its code, its module's names, its defaults."""
        return self.inline(callee_of(self, fn), args, kwargs, node, target)

    def inline(self, callee, args, kwargs, node, target=None):
        """Lower a call of `callee` (a `Callee`) with these argument atoms (tuples of
        atoms for tuples) and keyword atoms (name, atom) into the current block; the
        result is the callee's returned atom or tuple of atoms. `target`: the variable
        the caller assigns a single result to (the returned expression writes it)."""
        state = self.inlining
        if callee.key in state.stack:
            raise self.error(node, f"a recursive call of `{callee.name}`, which s2sad "
                             "inlines (it returns several values, or takes a tuple, a "
                             "function or a constant)", "pass and return numbers and "
                             "arrays only, so that it gets a derivative of its own, or "
                             "write the recursion as a loop.")
        try:
            bound = callee.bind(args, kwargs)
        except TypeError as exc:
            raise self.error(node, f"this call of `{callee.name}`, which does not match its "
                             f"signature ({exc})", "pass the parameters it takes.") from None
        mapping = self.fresh_names(callee.node)
        tree = renamed(callee.node, mapping)
        parsed = read_parsed(callee, tree)
        statements = exits.normalized_body(parsed)
        params = tuple(mapping[name] for name, _ in bound)
        frame = Frame(parsed=parsed, where=callee.where, scope=callee.scope, params=params,
                      env=dict(zip(params, (atom for _, atom in bound))),
                      locals=set(mapping.values()), statements=statements,
                      range_loops=[n for n in gast.walk(tree) if isinstance(n, gast.For)
                                   and isinstance(n.target, gast.Name)],
                      result=None, result_var=self.result_vars(callee, statements),
                      result_target=target, definer=callee.definer, tapes={},
                      reassigned_names=set())
        self.mutable |= names.compound_assigned(statements) | names.element_assigned(statements)
        found = names.dynamic_lists(statements)
        self.lists |= found
        self.mutable |= found
        self.shared |= names.shared_lists(statements)
        self.aliased |= set(params) | {atom.name for _, atom in bound if isinstance(atom, ir.Var)}
        state.stack.append(callee.key)
        try:
            with entered(self, frame):
                self.generated_frame()
                for name in params:
                    if name in self.mutable:
                        self.env[name] = self.emit(ir.Var(name), ir.COPY, (self.env[name],))
                self.lower_block(statements)
                result = self.result
                own = self.locals | {v.name for v in _atoms((self.result_var, target))}
        finally:
            state.stack.pop()
        return _kept(self, result, own)

    def fresh_names(self, node):
        """New names in the caller's namer for the names local to a function's node, the
        names it reads from outside reserved first (nothing else may take them)."""
        state = self.inlining
        local = names.local_names(node)
        outside = (queries.names(node) | {n.name for n in gast.walk(node)
                                          if isinstance(n, gast.FunctionDef)}) - set(local)
        for name in sorted(outside):
            if name in state.root_identifiers or not self.namer.taken(name):
                state.plain.add(name)
            self.namer.reserve(name)
        mapping = {}
        for name in local:
            original = state.originals.get(name, name)
            mapping[name] = self.namer.fresh(original)
            state.originals[mapping[name]] = original
        return mapping

    def result_vars(self, callee, statements):
        """The variable (or tuple of variables) a callee with returns inside branches
        returns through, else None."""
        if not nested_return(statements):
            return None
        count = several_returns(statements)
        made = tuple(ir.Var(self.namer.fresh(callee.name)) for _ in range(count or 1))
        self.mutable.update(var.name for var in made)
        return made if count else made[0]

    def inlined_return(self, node):
        """`return` in an inlined body: its value is the call's."""
        if isinstance(self.result_var, tuple):
            values = self.expr(node.value)
            for var, value in zip(self.result_var, values):
                if isinstance(value, (tuple, Callee)):
                    raise self.error(node, "returning a nested tuple or a function from a "
                                     "helper that returns inside a branch",
                                     "return numbers and arrays: `return a, b`.")
                if value != var:
                    self.emit(var, ir.COPY, (value,))
            self.result = self.result_var
        elif self.result_var is not None:
            value = self.expr(node.value, self.result_var)
            if isinstance(value, tuple):
                raise self.error(node, "returning a tuple held in a variable from a helper "
                                 "that returns inside a branch", "return a tuple display "
                                 "with as many values on every path: `return a, b`.")
            self.check_plain(value, node)
            if value != self.result_var:
                self.emit(self.result_var, ir.COPY, (value,))
            self.result = self.result_var
        else:
            self.result = self.expr(node.value, self.result_target)
        if isinstance(self.result, Callee) or (isinstance(self.result, tuple) and any(
                isinstance(item, Callee) for item in _atoms(self.result))):
            raise self.error(node, "returning a function", "call it where it is defined "
                             "and return its value.")

    def check_plain(self, value, node, how="used as a value", advice=None):
        """Refuse a function where a number, array or tuple of them belongs."""
        if isinstance(value, Callee):
            what = "a lambda" if value.name == "lambda" else f"the function `{value.name}`"
            raise self.error(node, f"{what} {how}", advice or (
                "call it where it is defined, or pass it straight to the function that "
                "calls it (`map(f, xs)`, `apply(f, x)`)."))

    def read_enclosing(self, node):
        """A nested function's free name: what it holds now in the function that
        defined it (Python reads closures at call time)."""
        with entered(self, self.definer):
            return self.read(node)

    def encloses(self, name):
        """Whether `name` is a variable of a function enclosing the one being lowered."""
        frame = self.definer
        while frame is not None:
            if name in frame.locals:
                return True
            frame = frame.definer
        return False

    def spelled(self, name, value):
        """The name the generated code reads a module-level value by: the callee's own,
        read from the caller's module where that means the same, or bound to the value
        where the caller's function does not use the word; else a new name bound to it."""
        state = self.inlining
        if self.scope is state.root_scope:
            return name
        key = (name, id(value))
        if key not in state.spelled:
            found, there = state.root_scope.lookup(name)
            free = name in state.plain and state.values.get(name, value) is value
            if free and found and there is value and name not in state.root_locals \
                    and name not in state.bindings:
                word = name
            else:
                word = name if free and name not in state.root_identifiers \
                    else self.namer.fresh(name)
                state.bindings[word] = value
                state.scopes[id(self.scope)][1].add(name)
            state.spelled[key] = word
            state.values[word] = value
        return state.spelled[key]


def read_parsed(callee, tree):
    return read.Parsed(callee.fn, tree, callee.where, callee.signature)


def _atoms(item):
    if isinstance(item, tuple):
        return [a for part in item for a in _atoms(part)]
    return [] if item is None else [item]


def _kept(lowerer, result, own):
    """The result of an inlined call, with a copy of each variable of the caller's that
    a later assignment may overwrite (the callee may return its argument)."""
    if isinstance(result, tuple):
        return tuple(_kept(lowerer, item, own) for item in result)
    if isinstance(result, ir.Var) and result.name in lowerer.mutable and result.name not in own:
        return lowerer.emit(None, ir.COPY, (result,))
    return result
