"""Flow facts the backward sweep needs about the structured Wengert list.

The backward sweep accumulates adjoints across branches and loops, so where an adjoint
must exist as a variable depends on the paths through the function: which variables a
path may leave unassigned, which an `if` is reached with, which live and die within one
block, and what a pass through a block does to a variable first. These are facts about
the primal code alone; the emitter asks them, it does not compute them.
"""
from .. import ir


def maybe_undefined(function):
    """Variables first assigned inside a branch or loop: on some paths they may not exist
    when the backward sweep needs a zero adjoint for them."""
    defined = set(function.params) | {s.target.name for s in function.body
                                      if isinstance(s, ir.Op)}
    return {s.target.name for s in ir.walk(function.body)} - defined


def defined_before(function):
    """For each `if`, `for` and `while`, the variables assigned on every path from the
    function's entry to it (parameters, and assignments earlier in its block or in the
    blocks around it, or in both branches of an earlier `if`). Where the backward sweep
    needs a zero adjoint at a branch or loop, these exist there and get a zero of their
    shape; only the others (`maybe_undefined` at that point) may need a number instead."""
    found = {}

    def visit(block, defined):
        for statement in block:
            if isinstance(statement, ir.Op):
                defined.add(statement.target.name)
            elif isinstance(statement, ir.If):
                found[id(statement)] = frozenset(defined)
                both = visit(statement.body, set(defined)) & visit(statement.orelse,
                                                                  set(defined))
                defined |= both
            elif isinstance(statement, (ir.For, ir.While)):
                found[id(statement)] = frozenset(defined)
                inner = set(defined)
                if isinstance(statement, ir.For):
                    inner.add(statement.target.name)
                visit(statement.body, inner)
        return defined
    visit(function.body, set(function.params))
    return found


def reaching(function):
    """For each `if`, the variables some path from the function's entry to it reads or
    assigns: their adjoints must exist after the branch. A use in an earlier sibling
    branch does not count (after early returns are moved, the code that follows an `if`
    is copied into its branches, so the first use in the text may be on another path)."""
    found = {}

    def visit(block, seen):
        for statement in block:
            if isinstance(statement, (ir.Op, ir.SetItem)):
                seen |= {v.name for v in statement.vars()}
                if isinstance(statement, ir.Op):
                    seen.add(statement.target.name)
            elif isinstance(statement, ir.If):
                found[id(statement)] = set(seen)
                seen = visit(statement.body, set(seen)) | visit(statement.orelse, set(seen))
            elif isinstance(statement, (ir.For, ir.While)):
                if isinstance(statement, ir.For):
                    seen.add(statement.target.name)
                seen = visit(statement.body, visit(statement.body, set(seen)))
        return seen
    visit(function.body, set(function.params))
    return found


def block_local(function):
    """Mutable variables used in one block only, assigned there before any read: their
    adjoint lives and dies within one pass over that block, like a temporary's."""
    blocks, first = {}, {}

    def note(names, block, defines=None):
        for var in names:
            blocks.setdefault(var, set()).add(id(block))
            first.setdefault(var, var == defines)

    def visit(block):
        for statement in block:
            reads = ir.reads(statement)
            if isinstance(statement, ir.Op):
                target = statement.target.name
                note(reads, block)
                note([target], block, None if target in reads else target)
            elif isinstance(statement, ir.SetItem):
                note(reads, block)
            elif isinstance(statement, ir.Assert):
                note(reads, block)
            elif not isinstance(statement, ir.Break):
                note(reads, block)
                if isinstance(statement, ir.For):
                    note([statement.target.name], block, statement.target.name)
                for inner in (statement.body, getattr(statement, "orelse", [])):
                    visit(inner)
    visit(function.body)
    results = {v.name for v in ir.atom_vars(function.result)}
    return {var for var, found in blocks.items()
            if len(found) == 1 and first[var] and var not in function.params
            and var not in results}


def first(block, var):
    """What a pass through `block` does to `var` first on every path: "set" (assigns it,
    or breaks out of the loop, before any read), "read" (on some path), or None (no path
    touches it, the code after the block decides). A loop body that gives "set" passes
    no value of `var` from one trip to the next."""
    for statement in block:
        if isinstance(statement, ir.Break):
            return "set"
        if isinstance(statement, ir.Op):
            if var in {v.name for v in statement.vars()}:
                return "read"
            if statement.target.name == var:
                return "set"
        elif isinstance(statement, ir.SetItem):
            if var in {v.name for v in statement.vars()}:
                return "read"
        elif isinstance(statement, ir.For):
            if statement.target.name == var:
                return "set"
            if var in {v.name for v in ir.atom_vars(statement.bounds())}:
                return "read"
            if any(var in {v.name for v in s.vars()} for s in ir.walk(statement.body)):
                return "read"
        elif isinstance(statement, ir.Assert):
            if var in {v.name for v in statement.test.reads}:
                return "read"
        elif isinstance(statement, ir.While):
            if var in {v.name for v in statement.test.reads} or any(
                    var in {v.name for v in s.vars()} | {s.target.name}
                    for s in ir.walk(statement.body)):
                return "read"
        elif isinstance(statement, ir.If):
            if var in {v.name for v in statement.test.reads}:
                return "read"
            branches = {first(statement.body, var), first(statement.orelse, var)}
            if "read" in branches:
                return "read"
            if None not in branches:
                return "set"
    return None
