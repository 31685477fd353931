"""Reject, once and up front, every construct the transformation does not handle.

Each entry of the table below says what the construct is and what to write instead; the
first offending node (in source order) is reported with its file and line. What a node's
type alone does not say (an operator, an assignment's target, a `return` inside a loop,
`and`/`or` used as a value) is checked below, by the syntax alone: a refusal that needs
what a name means lives next to the lowering that needs it (lower_*.py). A branch's or
loop's condition is kept as written rather than lowered, so only the table applies there.
"""
import gast

from ..syntax.operators import BINARY, COMPARE, UNARY
from .exits import EXITS
from .names import SCOPES, adds_at, own_walk

UNSUPPORTED = {
    gast.Try: ("try/except", "move error handling outside the differentiated function."),
    gast.With: ("a `with` block", "move it outside the differentiated function."),
    gast.AsyncWith: ("an `async with` block", "differentiate a plain synchronous function."),
    gast.AsyncFor: ("an `async for` loop", "differentiate a plain synchronous function."),
    gast.AsyncFunctionDef: ("an async function", "differentiate a plain `def` function."),
    gast.Await: ("`await`", "differentiate a plain synchronous function."),
    gast.Yield: ("a generator (`yield`)", "return the value instead of yielding it."),
    gast.YieldFrom: ("a generator (`yield from`)", "return the value instead of yielding it."),
    gast.Global: ("a `global` statement", "pass the value as an argument and return results."),
    gast.Nonlocal: ("a `nonlocal` statement", "return the new value from the nested function "
                    "and assign it in the enclosing one: `scale = update(x)`."),
    gast.ClassDef: ("a class definition", "define the class outside the differentiated function."),
    gast.Delete: ("a `del` statement", "leave the variable unused instead."),
    gast.Import: ("an import inside the function", "import at module level."),
    gast.ImportFrom: ("an import inside the function", "import at module level."),
    gast.Raise: ("a `raise` statement", "check inputs before calling the derivative."),
    gast.SetComp: ("a set comprehension", "use a list comprehension, or a NumPy array."),
    gast.DictComp: ("a dict comprehension", "build the values as a list comprehension or "
                    "pass them as separate arguments."),
    gast.Set: ("a set display", "use a NumPy array instead."),
    gast.JoinedStr: ("an f-string", "format strings outside the differentiated function."),
    gast.Starred: ("star-unpacking (`*args`)", "pass the arguments one by one."),
    gast.NamedExpr: ("an assignment expression (`:=`)", "use a plain assignment statement."),
    gast.Match: ("a `match` statement", "compute the value outside the function."),
    gast.AnnAssign: ("an annotated assignment", "drop the annotation: `x = ...`."),
}

# what the lowering lowers (lower_*.py): any other statement or expression is refused
_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Expr, gast.Return, gast.If, gast.For,
               gast.While, gast.Pass, gast.Break, gast.Continue, gast.Assert, gast.FunctionDef)
_EXPRESSIONS = (gast.Constant, gast.Name, gast.Attribute, gast.Subscript, gast.Slice,
                gast.Call, gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp, gast.IfExp,
                gast.Tuple, gast.List, gast.Dict, gast.ListComp, gast.GeneratorExp, gast.Lambda)
LIST_METHODS = ("append", "extend", "pop", "insert", "remove", "sort", "reverse", "clear")


def check(parsed):
    """Raise `UnsupportedError` at the first construct s2sad cannot handle in `parsed`."""
    where = parsed.where
    node = parsed.node
    problem = _signature_problem(node)
    if problem is not None:
        raise where.unsupported(node, *problem)
    conditions = {id(child) for test in gast.walk(node)
                  if isinstance(test, (gast.If, gast.While, gast.IfExp, gast.Assert))
                  for child in gast.walk(test.test)} | {
        id(child) for generator in gast.walk(node) if isinstance(generator, gast.comprehension)
        for test in generator.ifs for child in gast.walk(test)}
    looped = {id(child) for loop in gast.walk(node) if isinstance(loop, (gast.For, gast.While))
              for child in own_walk(loop) if isinstance(child, gast.Return)}
    placed = {id(statement) for scope in [node] + nested_scopes_all(node)
              if isinstance(scope, gast.FunctionDef) for statement in scope.body}
    live = {id(child) for statement in _live(node.body) for child in _own(statement)}
    for statement in node.body:
        for child in gast.walk(statement):
            problem = UNSUPPORTED.get(type(child)) or (
                _problem(child, conditions, (looped, placed)) if id(child) in live
                else None)
            if problem is not None and not (parsed.generated and _kept_call(child)):
                raise where.unsupported(child, *problem)


def _kept_call(node):
    """An expression statement of generated code: `push(v)`, or an operation a derivative
    keeps because it may raise (`math.log(x)`, `x ** 3`)."""
    return isinstance(node, gast.Expr)


def nested_scopes_all(node):
    """Every `def` and `lambda` inside `node`, however deep."""
    return [child for child in gast.walk(node) if isinstance(child, SCOPES) and child is not node]


def _signature_problem(node):
    """The construct and the advice for a signature s2sad does not bind, or None."""
    args = node.args
    if args.vararg or args.kwarg:
        return ("star-arguments (`*args`/`**kwargs`) in the signature",
                "list the parameters one by one.")
    if getattr(args, "posonlyargs", None):
        return "positional-only parameters", "remove the `/` from the signature."
    return None


def _nested_problem(node, placed):
    """The construct and the advice for a nested `def` or `lambda` s2sad does not
    inline, or None."""
    problem = _signature_problem(node)
    if problem is not None:
        return problem
    if isinstance(node, gast.FunctionDef) and node.decorator_list:
        return ("a decorated nested function", "define it without the decorator, or at "
                "module level (s2sad differentiates the wrapper as written there).")
    if isinstance(node, gast.FunctionDef) and id(node) not in placed:
        return ("a nested `def` inside a branch or loop",
                "define the nested function at the top level of the function's body; "
                "a branch may choose which one to call.")
    return None


def _live(block):
    """The statements of `block` that can run, nested ones included: none after an exit
    on every path, since exits.py drops those before anything is lowered."""
    for statement in block:
        yield statement
        for field in ("body", "orelse"):
            nested = getattr(statement, field, None)
            if isinstance(nested, list):
                yield from _live(nested)
        if _exits(statement):
            return


def _exits(statement):
    """Whether every path through `statement` ends in a `return`, `break` or `continue`."""
    if isinstance(statement, gast.If):
        return any(map(_exits, statement.body)) and any(map(_exits, statement.orelse))
    return isinstance(statement, EXITS)


def _own(statement):
    """`statement` and the nodes of its expressions, not those of the blocks it holds."""
    yield statement
    for field, value in gast.iter_fields(statement):
        if field in ("body", "orelse") and isinstance(value, list):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, gast.AST):
                yield from gast.walk(item)


def _problem(node, conditions, found):
    """The construct and the advice for `node`, or None; `conditions` holds the nodes
    kept as written; `found`: the `return`s inside a loop, those returning a tuple from
    the differentiated function, and the statements at the top level of a function's
    body (where a nested `def` may be)."""
    looped, placed = found
    if isinstance(node, (gast.FunctionDef, gast.Lambda)):
        return _nested_problem(node, placed)
    if isinstance(node, gast.stmt):
        return _statement_problem(node, id(node) in looped)
    if isinstance(node, gast.Call) and any(keyword.arg is None for keyword in node.keywords):
        return ("`**` unpacking in a call", "pass keyword arguments by name.")
    if isinstance(node, gast.expr) and id(node) not in conditions:
        return _value_problem(node)
    return None


def _statement_problem(node, in_loop):
    """The construct and the advice for a statement s2sad does not lower, or None."""
    if not isinstance(node, _STATEMENTS):
        return (f"a `{type(node).__name__}` statement",
                "use assignments, `if`, `for`, `while` and `return`.")
    if isinstance(node, (gast.Assign, gast.AugAssign)):
        return _assignment_problem(node)
    if isinstance(node, (gast.For, gast.While)) and node.orelse:
        return ("an `else` clause on a loop",
                "use a flag set before `break`, and test it after the loop.")
    if isinstance(node, gast.For) and not _plain_target(node.target):
        return ("this `for` loop target", "loop over names (`for a, (b, c) in ...`).")
    if isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) \
            and isinstance(node.value.func, gast.Attribute) \
            and node.value.func.attr == "partition":
        return ("partitioning an array in place (`x.partition(k)`)",
                "write `x = np.partition(x, k)`: a new array, which s2sad differentiates.")
    if isinstance(node, gast.Expr) and not (isinstance(node.value, gast.Constant)
                                            and isinstance(node.value.value, str)) \
            and not _list_method(node.value) and not adds_at(node.value):
        return ("an expression statement whose value is discarded",
                "remove it (calls for side effects such as `print` are not differentiated).")
    if isinstance(node, gast.Return):
        if node.value is None:
            return ("a bare `return`", "return the value to differentiate.")
        if in_loop:
            return ("a `return` inside a loop",
                    "store the value in a variable, `break`, and return it after the loop.")
    return None


def _plain_target(target):
    """A name, or a tuple of plain targets."""
    return isinstance(target, gast.Name) or isinstance(target, gast.Tuple) and \
        all(_plain_target(elt) for elt in target.elts)


def _list_method(node):
    """`xs.append(v)` and the other methods that change a list in place, whose value a
    statement may discard (the lowering refuses all but `append` and `extend`)."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and isinstance(node.func.value, gast.Name) and node.func.attr in LIST_METHODS


def _assignment_problem(node):
    targets = node.targets if isinstance(node, gast.Assign) else [node.target]
    for target in targets:
        for part in (target.elts if isinstance(target, gast.Tuple) else [target]):
            if isinstance(part, gast.Subscript) and isinstance(target, gast.Tuple):
                return ("assigning elements in a tuple assignment",
                        "assign each element in its own statement.")
            if isinstance(part, gast.Attribute):
                return ("assignment to an attribute",
                        "return the value instead of storing it on an object.")
            if not isinstance(part, (gast.Name, gast.Subscript)):
                return ("this assignment target", "assign to plain names.")
    if isinstance(node, gast.Assign) and len(node.targets) > 1:
        return ("chained assignment (`a = b = ...`)", "assign each name separately.")
    if isinstance(node, gast.AugAssign) and type(node.op) not in BINARY:
        return _operator_problem(node.op)
    if isinstance(targets[0], gast.Subscript) and not isinstance(targets[0].value, gast.Name):
        return ("assignment to an element of an expression",
                "assign to an element of a named array: `y[i] = ...`.")
    return None


def _value_problem(node):
    """The construct and the advice for an expression lowered to a value that s2sad does
    not lower, or None."""
    if not isinstance(node, _EXPRESSIONS):
        return (f"the expression `{gast.unparse(node)}`" if hasattr(gast, "unparse")
                else "this expression", "rewrite it with arithmetic, math and NumPy calls.")
    if isinstance(node, gast.BoolOp):
        return ("`and`/`or` on values",
                "use them in conditions only; write `a if cond else b` for a value.")
    if isinstance(node, gast.BinOp) and type(node.op) not in BINARY:
        return _operator_problem(node.op)
    if isinstance(node, gast.UnaryOp) and type(node.op) not in UNARY:
        return ("the operator `~`", "use arithmetic on numbers.")
    if isinstance(node, gast.Compare) and len(node.ops) != 1:
        return ("a chained comparison", "compare two values at a time.")
    if isinstance(node, gast.Compare) and type(node.ops[0]) not in COMPARE:
        return (f"the comparison `{type(node.ops[0]).__name__}`", "use <, <=, >, >=, == or !=.")
    return None


def _operator_problem(op):
    return (f"the operator `{type(op).__name__}`",
            "use arithmetic, `**` or `@` on numbers and arrays.")
