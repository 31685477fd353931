"""The adjoints of lists built at run time, and the lists the backward sweep shortens.

A list's adjoint is a list of its items' adjoints, made when the first contribution
reaches it: zeros of the list's length (`[0.0] * len(xs)`), or the contribution's own
values. Items are added to one at a time (`xs_bar[i] += y_bar`) or all together
(`add_each(xs_bar, g)`); an item that is an array is never updated in place, since it may
share memory with another adjoint (`list(g)` holds views of `g`'s rows).

The backward sweep undoes `xs.append(v)` by popping the item's adjoint into `v_bar`, so
the adjoint list always has the length the list had at that point of the forward sweep,
and `xs_bar[-1]` is the adjoint of what `xs[-1]` was. Where the backward sweep also
reads the list itself before all its appends are undone (it recomputes `t = xs[-1]`, or
makes a zero adjoint of its length), it pops the list too (`xs.pop()`, `replayed`): a
list is its own tape, and nothing is saved for it.
"""
import gast

from .. import ir, rules, runtime
from ..rules.lists import Each, Item
from ..syntax.printer import assign, augment, name


def replayed(function):
    """The lists whose appends the backward sweep undoes on the list itself: those read
    (other than by appending) in or before a top-level statement that appends to them."""
    first_read, last_append = {}, {}
    for position, top in enumerate(function.body):
        for statement in ir.statements([top]):
            if isinstance(statement, ir.Op) and statement.prim is ir.APPEND:
                last_append[statement.target.name] = position
                read = ir.atom_vars(statement.args[1:])
            elif ir.on_tape(statement):
                continue
            else:
                read = [ir.Var(n) for n in ir.reads(statement)]
            for var in read:
                first_read.setdefault(var.name, position)
    return {var for var, position in last_append.items()
            if first_read.get(var, position + 1) <= position}


class ListAdjoints:
    """Writes what adds to a list's adjoint, for the `Accumulator` whose state it shares."""

    def __init__(self, accumulator):
        self.adjoints = accumulator

    def scalar_items(self, var):
        item = self.adjoints.kinds[var].item
        return item is None or item.is_scalar

    def zero(self, var):
        """`[0.0] * len(xs)`, or zeros of each item's shape."""
        if self.scalar_items(var):
            return self.adjoints.fill("[0.0] * len(x)", x=var)
        return self.helper(runtime.list_zeros, name(var))

    def helper(self, fn, *args):
        return gast.Call(func=name(self.adjoints.handles[fn.__name__]), args=list(args),
                         keywords=[])

    def owned(self, var):
        """Make the adjoint of `var` a list of its own, that items may be added to."""
        adjoints = self.adjoints
        state = adjoints.state.get(var)
        bar = adjoints.namer.bar(var)
        if state is None:
            adjoints.statements.append(assign(bar, self.zero(var)))
        elif state == "alias" or var in adjoints.current:
            adjoints.statements.append(assign(bar, adjoints.fill("list(x)",
                                                                 x=adjoints.bar(var))))
        adjoints.state[var] = "owned"
        adjoints.current.pop(var, None)

    def contribute(self, var, contribution):
        adjoints = self.adjoints
        bar = adjoints.namer.bar(var)
        fresh = adjoints.state.get(var) is None
        if isinstance(contribution, Item):
            self.owned(var)
            self.add_item(var, contribution)
            return
        if isinstance(contribution, rules.Add):
            contribution = Each(contribution.value)
        if fresh and contribution.same:
            value = adjoints.fill("[g] * len(x)", g=contribution.value, x=var)
        elif fresh:
            value = adjoints.fill("list(v)", v=contribution.value)
        else:
            self.owned(var)
            fn = runtime.add_to_each if contribution.same else runtime.add_each
            value = self.helper(fn, name(bar), contribution.value)
        adjoints.statements.append(assign(bar, value))
        adjoints.state[var] = "owned"

    def add_item(self, var, contribution):
        bar = self.adjoints.namer.bar(var)
        target = gast.Subscript(value=name(bar), slice=contribution.index, ctx=gast.Store())
        current = gast.Subscript(value=name(bar), slice=contribution.index, ctx=gast.Load())
        if contribution.many:
            value = self.helper(runtime.add_each, current, contribution.value)
            self.adjoints.statements.append(assign(target, value))
        elif self.scalar_items(var):
            self.adjoints.statements.append(augment(target, contribution.value))
        else:
            total = gast.BinOp(left=current, op=gast.Add(), right=contribution.value)
            self.adjoints.statements.append(assign(target, total))

    def append(self, op):
        """`xs.append(v)` backward: the last item's adjoint goes to `v_bar`."""
        adjoints = self.adjoints
        var = op.target.name
        if var not in adjoints.state:
            return
        self.owned(var)
        popped = adjoints.fill("x.pop()", x=adjoints.namer.bar(var))
        value = op.args[1]
        if isinstance(value, ir.Var) and value.name in adjoints.active:
            adjoints.contribute(value, rules.Add(popped), None)
        else:
            adjoints.statements.append(gast.Expr(value=popped))
