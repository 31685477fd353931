"""Put every `return`, `break` and `continue` at the end of a path.

The backward sweep replays the path the forward sweep took, branch by branch, and that is
simplest when no statement follows an exit on the same path. So `if c: return a` followed
by `rest` becomes `if c: return a` / `else: rest`: the statements after an `if` that may
exit move into the branches that fall through, and a `continue` that ends a loop body is
then a no-op. A function whose exits would take too many copies to move, or with a path
that ends without a `return`, is refused here.
"""
import gast

EXITS = (gast.Return, gast.Break, gast.Continue)


def normalized_body(parsed):
    """The body of a parsed function with its exits moved to the ends of paths; refused
    when that would copy too much code, or when some path ends without a `return`."""
    node = parsed.node
    try:
        body = normalize(node.body)
    except TooLarge:
        raise parsed.where.unsupported(
            node, "this many early exits (`return`, `break`, `continue`) inside nested "
            "branches", "set a flag variable instead of exiting early, and test it after "
            "the branch.") from None
    if falls_through(body):
        if not any(isinstance(n, gast.Return) for n in gast.walk(node)):
            raise parsed.where.unsupported(node, "a function without a `return` of a value",
                                           "return the value to differentiate.")
        raise parsed.where.unsupported(
            node, "a path through the function that ends without `return`",
            "return a value on every path.")
    return body


class TooLarge(Exception):
    """Moving the exits would copy the code after them too many times."""


def normalize(block, budget=None):
    """`block` with its exits moved to the ends of paths; the AST nodes are shared.

    Statements after an `if` that exits on some paths of both branches are copied into
    both; `budget` bounds how many statements that may produce (TooLarge beyond it)."""
    if budget is None:
        budget = [20 * _count(block) + 200]
    budget[0] -= len(block)
    if budget[0] < 0:
        raise TooLarge()
    out = []
    for position, statement in enumerate(block):
        if isinstance(statement, EXITS):
            out.append(statement)
            return out
        if isinstance(statement, (gast.For, gast.While)):
            statement = _copy(statement, body=normalize(statement.body, budget))
        elif isinstance(statement, gast.If) and _may_exit(statement):
            rest = block[position + 1:]
            out.append(_copy(statement, body=normalize(statement.body + rest, budget),
                             orelse=normalize(statement.orelse + rest, budget)))
            return out
        elif isinstance(statement, gast.If):
            statement = _copy(statement, body=normalize(statement.body, budget),
                              orelse=normalize(statement.orelse, budget))
        out.append(statement)
    return out


def _count(block):
    return sum(1 + _count(getattr(s, "body", [])) + _count(getattr(s, "orelse", []))
               for s in block)


def falls_through(block):
    """Whether some path through a normalized block ends without an exit."""
    if not block:
        return True
    last = block[-1]
    if isinstance(last, EXITS):
        return False
    if isinstance(last, gast.If):
        return falls_through(last.body) or falls_through(last.orelse)
    return True


def _may_exit(node):
    """Whether an exit inside `node` leaves it (a `break` inside an inner loop does not)."""
    for child in gast.iter_child_nodes(node):
        if isinstance(child, gast.Return):
            return True
        if isinstance(child, (gast.Break, gast.Continue)):
            return True
        if isinstance(child, (gast.For, gast.While)):
            if any(isinstance(n, gast.Return) for n in gast.walk(child)):
                return True
            continue
        if isinstance(child, gast.stmt) and _may_exit(child):
            return True
    return False


def _copy(node, **fields):
    new = type(node)(**{name: getattr(node, name) for name in node._fields})
    for name, value in fields.items():
        setattr(new, name, value)
    return gast.copy_location(new, node)
