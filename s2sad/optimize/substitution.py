"""An expression written into the one statement that reads it, where that is exact.

Both the negations of the backward sweep and the temporaries of the forward sweep are
single-use names, `t3_bar = -t4_bar` or `t1 = 3.9 * x`, that cost a line and a store each;
written into their reader they cost neither, provided that nothing the expression reads
changes between the two.
"""
import gast

from ..syntax import queries


def reader(statements, index, target, pushes=False, pure=None):
    """The position of the statement after `index` that reads `target`, provided
    nothing the moved expression reads is assigned before it (with `pushes`, calls that
    assign nothing, `push(x)`, may come between); None otherwise. With `pure` (moving
    an array, which other names may view), the statements between may only assign
    names, and they and the reader may only call `pure` functions (the tape's push
    among them): then nothing can change the array in place before the reader
    evaluates the expression."""
    reads = {n for n, ctx in queries.uses(statements[index].value)}
    for position in range(index + 1, len(statements)):
        statement = statements[position]
        names = queries.uses(statement)
        stored = {n for n, ctx in names if ctx == "store"}
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
    return None


def substituted(statement, target, value):
    """`statement` with `value` in place of each read of the name `target`."""
    class Swap(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == target and isinstance(node.ctx, gast.Load):
                return value
            return node
    return Swap().visit(statement)
