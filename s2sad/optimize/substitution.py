"""An expression written into the one statement that reads it, where that is exact.

Both the negations of the backward sweep and the temporaries of the forward sweep are
single-use names, `t3_bar = -t4_bar` or `t1 = 3.9 * x`, that cost a line and a store each;
written into their reader they cost neither, provided that nothing the expression reads
changes between the two.
"""
import gast

from ..syntax import queries


def reader(statements, index, target, pushes=False, pure=None, heads=False,
           calls=None):
    """The position of the statement after `index` that reads `target`, provided
    nothing the moved expression reads is assigned before it (with `pushes`, calls that
    assign nothing, `push(x)`, may come between: those to `pure` functions where it is
    given); None otherwise. With `pure` (moving an array, which other names may view),
    the statements between may only assign names, and they and the reader may only call
    `pure` functions (the tape's push among them): then nothing can change the array in
    place before the reader evaluates the expression. A number read out of an array
    (`x[t]`) does not move past an element write either: it may write into a view of
    that array. With `heads`, the reader may also be a loop's `for` or a branch's `if`
    whose head (evaluated once, first) reads `target`."""
    value = statements[index].value
    reads = {n for n, ctx in queries.uses(value)}
    element = any(isinstance(n, gast.Subscript) for n in gast.walk(value))
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = queries.uses(statement)
        stored = {n for n, ctx in names if ctx == "store"}
        head = _head(statement) if heads else None
        if head is not None and (target, "load") in queries.uses(head):
            return position if pure is None or queries.calls_only(head, pure | _BUILTINS) \
                else None
        if pure is not None and not queries.calls_only(statement, pure):
            return None
        if (target, "load") in names:
            # the reader's own assignment comes after it evaluates what it reads
            is_simple = isinstance(statement, (gast.Assign, gast.AugAssign, gast.Expr))
            return position if is_simple else None
        simple = (gast.Assign, gast.AugAssign) + ((gast.Expr,) if pushes else ())
        if pure is not None:
            simple = (gast.Expr,) if pushes else ()
            if isinstance(statement, gast.Assign) and all(
                    isinstance(t, gast.Name) for t in statement.targets):
                simple = (gast.Assign,)
        if reads & stored or not isinstance(statement, simple):
            return None
        if isinstance(statement, gast.Expr) and pushes and calls is not None and \
                not queries.calls_only(statement, calls):
            return None
        if element and _writes_element(statement):
            return None
    return None


# builtins a loop's head calls, which cannot change an array
_BUILTINS = frozenset({"range", "len", "reversed", "enumerate", "zip"})


def _head(statement):
    """The part of a loop or branch evaluated once, before its body: a `for`'s iterable,
    an `if`'s test (a `while` test is evaluated again each trip)."""
    if isinstance(statement, gast.For):
        return statement.iter
    if isinstance(statement, gast.If):
        return statement.test
    return None


def _writes_element(statement):
    """Whether `statement` may change an array in place: an element write, or an update
    (`v += w` changes the array `v` holds)."""
    return isinstance(statement, gast.AugAssign) or \
        any(isinstance(t, gast.Subscript) for t in queries.targets(statement))


def substituted_head(statement, target, value):
    """A loop or branch with `value` in place of the read of `target` in its head."""
    if isinstance(statement, gast.For):
        statement.iter = substituted(statement.iter, target, value)
    else:
        statement.test = substituted(statement.test, target, value)
    return statement


def substituted(statement, target, value):
    """`statement` with `value` in place of each read of the name `target`."""
    class Swap(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == target and isinstance(node.ctx, gast.Load):
                return value
            return node
    return Swap().visit(statement)
