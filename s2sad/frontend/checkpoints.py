"""Lowering the checkpoint marker: `for i in s2sad.checkpoint(range(n), snapshots=k):`
and `while s2sad.checkpoint(test, snapshots=k):`.

A mixin of the lowerer (lower.py). The marker is read off the loop header and the loop is
lowered as if it were not there, with the snapshots noted on the IR loop (`checkpoint`):
the primal and the tangent run it as written, and the adjoint (emit/checkpoints.py) runs
its trips by the binomial schedule of runtime_checkpoint.py. What that schedule cannot
reverse exactly is refused here, where the loop's line is known.
"""
import builtins
import copy

import gast

from .. import ir
from ..runtime_checkpoint import checkpoint, revolve, revolve_while


class CheckpointLowering:
    """The marker taken off a loop header, checked, and put on the IR loop."""

    def is_checkpoint(self, node):
        return isinstance(node, gast.Call) and self.resolve(node.func) is checkpoint

    def checkpointed(self, node, header, lower):
        """Lower the loop `node` whose header (`iter` or `test`) may be the marker; `lower`
        lowers a loop node. Returns False when the header is not the marker."""
        if not self.is_checkpoint(header):
            return False
        inner, snapshots = self.marker_arguments(header)
        if isinstance(node, gast.For) and not (isinstance(inner, gast.Call) and
                                               self.resolve(inner.func) is builtins.range):
            raise self.error(header, "`s2sad.checkpoint` around something other than a "
                             "`range(...)`", "write `for i in s2sad.checkpoint(range(n), "
                             "snapshots=k):`.")
        if self.in_loop:
            raise self.error(node, "a checkpointed loop inside another loop",
                             "mark only the outermost loop with `s2sad.checkpoint`.")
        self.refuse_exits(node)
        for child in gast.walk(node):
            if child is not header and self.is_checkpoint(child):
                raise self.error(child, "`s2sad.checkpoint` inside a checkpointed loop",
                                 "mark only the outermost loop with `s2sad.checkpoint`.")
        plain = copy.copy(node)
        if isinstance(node, gast.For):
            plain.iter = inner
        else:
            plain.test = inner
        start = len(self.block)
        lower(plain)
        loops = [s for s in self.block[start:] if isinstance(s, (ir.For, ir.While))]
        loops[-1].checkpoint = snapshots
        return True

    def marker_arguments(self, call):
        """The marked iterable (or test) and the snapshots, a positive integer."""
        args = list(call.args)
        keywords = {k.arg: k.value for k in call.keywords}
        if len(args) == 1 and set(keywords) == {"snapshots"}:
            args.append(keywords["snapshots"])
        elif keywords or len(args) != 2:
            raise self.error(call, "`s2sad.checkpoint` without its two arguments",
                             "write `s2sad.checkpoint(range(n), snapshots=k)`.")
        snapshots = self.expr(args[1])
        if isinstance(snapshots, ir.Const) and not (
                type(snapshots.value) is int and snapshots.value >= 1):
            raise self.error(call, f"`snapshots={snapshots.value!r}`",
                             "keep at least one snapshot: `snapshots=k` with k >= 1.")
        if not isinstance(snapshots, (ir.Const, ir.Var)):
            raise self.error(call, "`snapshots` computed in the loop header",
                             "compute it into a variable before the loop.")
        return args[0], snapshots

    def refuse_exits(self, node):
        """`break` and `return` leave a checkpointed loop early: the schedule is planned
        from the trip count, which they would change."""
        def visit(statements, inner):
            for statement in statements:
                if isinstance(statement, gast.Return) or (
                        isinstance(statement, gast.Break) and not inner):
                    word = "return" if isinstance(statement, gast.Return) else "break"
                    raise self.error(statement, f"`{word}` inside a checkpointed loop",
                                     "let the loop run to its end (fold the exit into "
                                     "its test: a `while` loop), or remove the "
                                     "`s2sad.checkpoint` marker.")
                loop = isinstance(statement, (gast.For, gast.While))
                for field in ("body", "orelse"):
                    visit(getattr(statement, field, []) or [], inner or loop)
        visit(node.body, False)

    def refuse_driver(self, node):
        """A derivative's own code calling the driver: a second derivative through a
        checkpointed loop, which would need the schedule's own derivative."""
        if isinstance(node, gast.Call) and self.resolve(node.func) in (revolve, revolve_while):
            raise self.error(node, "a second derivative through a loop marked "
                             "`s2sad.checkpoint`", "remove the marker to take second "
                             "derivatives (`hessian`, `hvp`, `grad` of `grad`), or take "
                             "the first derivative only.")

    def refuse_marker(self, node):
        """The marker anywhere but a loop header."""
        raise self.error(node, "`s2sad.checkpoint` outside a loop header",
                         "write it as the loop's header: `for i in s2sad.checkpoint("
                         "range(n), snapshots=k):` or `while s2sad.checkpoint(test, "
                         "snapshots=k):`.")
