"""Reject, once and up front, every construct the transformation does not handle.

Each entry of the table below says what the construct is and what to write instead; the
first offending node (in source order) is reported with its file and line.
"""
import gast

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
    gast.Nonlocal: ("a `nonlocal` statement", "pass the value as an argument and return results."),
    gast.ClassDef: ("a class definition", "define the class outside the differentiated function."),
    gast.FunctionDef: ("a nested function definition",
                       "define the helper at module level; s2sad differentiates calls to it."),
    gast.Lambda: ("a lambda", "define the helper with `def` at module level."),
    gast.Delete: ("a `del` statement", "leave the variable unused instead."),
    gast.Import: ("an import inside the function", "import at module level."),
    gast.ImportFrom: ("an import inside the function", "import at module level."),
    gast.Raise: ("a `raise` statement", "check inputs before calling the derivative."),
    gast.Assert: ("an `assert` statement", "check inputs before calling the derivative."),
    gast.ListComp: ("a list comprehension", "use a NumPy operation instead."),
    gast.SetComp: ("a set comprehension", "use a NumPy operation instead."),
    gast.DictComp: ("a dict comprehension", "use a NumPy operation instead."),
    gast.GeneratorExp: ("a generator expression", "use a NumPy operation instead."),
    gast.Set: ("a set display", "use a NumPy array instead."),
    gast.Dict: ("a dict display", "pass the values as separate arguments."),
    gast.JoinedStr: ("an f-string", "format strings outside the differentiated function."),
    gast.Starred: ("star-unpacking (`*args`)", "pass the arguments one by one."),
    gast.NamedExpr: ("an assignment expression (`:=`)", "use a plain assignment statement."),
    gast.Match: ("a `match` statement", "compute the value outside the function."),
    gast.AnnAssign: ("an annotated assignment", "drop the annotation: `x = ...`."),
}


def check(parsed):
    """Raise `UnsupportedError` at the first construct s2sad cannot handle in `parsed`."""
    where = parsed.where
    node = parsed.node
    args = node.args
    if args.vararg or args.kwarg:
        raise where.unsupported(node, "star-arguments (`*args`/`**kwargs`) in the signature",
                                "list the parameters one by one.")
    if getattr(args, "posonlyargs", None):
        raise where.unsupported(node, "positional-only parameters",
                                "remove the `/` from the signature.")
    for statement in node.body:
        for child in gast.walk(statement):
            entry = UNSUPPORTED.get(type(child))
            if entry is not None:
                raise where.unsupported(child, *entry)
            _check_node(where, child)


def _check_node(where, node):
    if isinstance(node, (gast.Assign, gast.AugAssign)):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target]
        for target in targets:
            for part in (target.elts if isinstance(target, gast.Tuple) else [target]):
                if isinstance(part, gast.Subscript) and isinstance(target, gast.Tuple):
                    raise where.unsupported(node, "assigning elements in a tuple assignment",
                                            "assign each element in its own statement.")
                if isinstance(part, gast.Subscript):
                    continue
                if isinstance(part, gast.Attribute):
                    raise where.unsupported(
                        node, "assignment to an attribute",
                        "return the value instead of storing it on an object.")
                if not isinstance(part, gast.Name):
                    raise where.unsupported(node, "this assignment target",
                                            "assign to plain names.")
        if isinstance(node, gast.Assign) and len(node.targets) > 1:
            raise where.unsupported(node, "chained assignment (`a = b = ...`)",
                                    "assign each name separately.")
    elif isinstance(node, (gast.For, gast.While)) and node.orelse:
        raise where.unsupported(node, "an `else` clause on a loop",
                                "use a flag set before `break`, and test it after the loop.")
    elif isinstance(node, gast.Call):
        for keyword in node.keywords:
            if keyword.arg is None:
                raise where.unsupported(node, "`**` unpacking in a call",
                                        "pass keyword arguments by name.")
