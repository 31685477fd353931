"""Lower a parsed function to the Wengert list: one elementary operation per statement.

Every intermediate of an expression gets a name (`t1`, `t2`, ...) and every assignment in
straight-line code defines a fresh SSA name (`x = x * y; x = sin(x)` gives `x_1` and
`x_2`), so later passes never reason about overwrites there. A variable assigned inside a
branch or loop, or written element by element, is *mutable* instead: it keeps its name
and is overwritten as in the original, which is what lets a loop carry it.

The `_Lowerer` here holds the state of one lowering: the block being built, what each
name holds, which variables are mutable, the intermediates it may reuse. What each kind
of node lowers to is a job of its own, a mixin each: statements and assignments
(lower_statements.py), control flow (lower_control.py), expressions (lower_expressions.py)
and calls (lower_calls.py).
"""
import gast

from .. import ir, rules
from ..syntax import queries
from . import exits
from .lower_calls import CallLowering
from .lower_control import ControlLowering
from .lower_expressions import ExpressionLowering
from .lower_statements import StatementLowering
from .lists import ListLowering
from .names import compound_assigned, dynamic_lists, element_assigned, shared_lists


def lower(parsed, namer, scope):
    """The `ir.Function` of a parsed (and fenced) function; `scope` resolves its names
    (and logs what they meant)."""
    return _Lowerer(parsed, namer, scope).run()


class _Lowerer(ListLowering, StatementLowering, ControlLowering, ExpressionLowering,
               CallLowering):
    """One lowering of one function: the state its mixins share, the block being built,
    and the reuse of intermediates already computed."""

    def __init__(self, parsed, namer, scope):
        self.parsed = parsed
        self.where = parsed.where
        self.namer = namer
        self.scope = scope
        args = parsed.node.args
        self.params = tuple(arg.id for arg in args.args + args.kwonlyargs)
        self.env = {name: ir.Var(name) for name in self.params}
        self.locals = queries.stored(parsed.node) | set(self.params)
        self.statements = exits.normalized_body(parsed)
        self.range_loops = [n for n in gast.walk(parsed.node) if isinstance(n, gast.For)
                            and isinstance(n.target, gast.Name)]
        self.mutable = compound_assigned(self.statements) | element_assigned(self.statements)
        # variables holding lists built at run time, and names whose list another holds
        self.lists = dynamic_lists(self.statements)
        self.mutable |= self.lists
        self.shared = shared_lists(self.statements)
        self.fresh_arrays = set()
        self.block = []
        self.computed = {}
        self.loop_kinds = []
        # names whose array another name, or the caller, may also hold: `+=` on them would
        # change that one too
        self.aliased = set(self.params)
        self.inplace = []
        self.result = None
        self.result_var = None
        self.rebound = False
        self.line = parsed.where.first_line

    def run(self):
        if any(isinstance(n, gast.Return) for s in self.statements
               if not isinstance(s, gast.Return) for n in gast.walk(s)):
            self.result_var = ir.Var(self.namer.fresh(self.parsed.name))
            self.mutable.add(self.result_var.name)
            self.result = self.result_var
        self.lower_block(self.statements)
        for loop in _loops(self.block):
            _mark_crossing(loop.body, self.mutable)
        return ir.Function(self.parsed.name, self.params, self.block, self.result,
                           self.where.filename, self.where.first_line, self.parsed,
                           frozenset(self.mutable), tuple(self.inplace), self.rebound)

    @property
    def in_loop(self):
        """Inside a loop that repeats (a loop over a tuple display is unrolled)."""
        return "loop" in self.loop_kinds

    def error(self, node, construct, advice):
        return self.where.unsupported(node, construct, advice)

    def lower_block(self, statements):
        """Inside a loop each statement may reuse only intermediates computed before the
        block (and not overwritten since): its own temporaries then stay its own."""
        start = dict(self.computed)
        for statement in statements:
            if self.in_loop:
                self.computed = {key: entry for key, entry in start.items()
                                 if self.computed.get(key) == entry}
            self.line = self.where.line(statement)
            self.statement(statement)

    def nested(self, lower):
        """The block `lower()` appends, lowered apart from the current one."""
        outer, memo, fresh = self.block, dict(self.computed), set(self.fresh_arrays)
        self.block = []
        lower()
        inner = self.block
        self.block, self.computed = outer, memo
        after = self.fresh_arrays
        self.fresh_arrays = fresh
        return inner, after

    def compound(self, statement, blocks_fresh):
        self.block.append(statement)
        for block, fresh in blocks_fresh:
            self.forget(ir.writes(block))
            self.fresh_arrays &= fresh

    def new_var(self, name):
        """The SSA variable for the next value of the user's variable `name`."""
        if name in self.env or name in self.params:
            return ir.Var(self.namer.version(name))
        return ir.Var(name)

    def emit(self, target, prim, args, kwargs=(), callee=None, packed=None):
        """Append `target = prim(args)`; an intermediate computed before is reused."""
        key = _key(prim, args, kwargs, packed)
        if target is None and key in self.computed:
            return self.computed[key][0]
        target = target or ir.Var(self.namer.temp())
        if target.name in self.mutable:
            self.forget({target.name})
        if prim is ir.COPY and self.is_list(args[0]):
            self.lists.add(target.name)
        op = ir.Op(target, prim, tuple(args), tuple(kwargs), callee, self.line, packed)
        self.block.append(op)
        reads = {v.name for v in op.vars()}
        if key is not None and target.name not in reads:
            self.computed[key] = (target, reads)
        return target

    def forget(self, names):
        """Drop reusable intermediates that read or live in variables being overwritten."""
        self.computed = {key: (target, reads) for key, (target, reads) in self.computed.items()
                         if target.name not in names and not reads & names}


def _loops(block):
    for statement in block:
        if isinstance(statement, (ir.For, ir.While)):
            yield statement
        elif isinstance(statement, ir.If):
            yield from _loops(statement.body)
            yield from _loops(statement.orelse)


def _mark_crossing(block, mutable):
    """Make mutable every temporary of a loop body read outside the group defining it, so
    each group's other temporaries can be recomputed by the backward sweep."""
    while True:
        crossing = _crossing(block, mutable, {}, set())
        if not crossing - mutable:
            return
        mutable |= crossing


def _crossing(block, mutable, owner, found):
    """Temporaries read outside their group; `owner` maps each to the group defining it."""
    def check(atoms, key):
        found.update(v.name for v in atoms if owner.get(v.name, key) != key)

    for position, item in enumerate(ir.split(block, mutable)):
        key = (id(block), position)
        if isinstance(item, list):
            for statement in item:
                check(statement.vars(), key)
                if isinstance(statement, ir.Op):
                    owner.setdefault(statement.target.name, key)
        elif isinstance(item, ir.For):
            check(ir.atom_vars((item.start, item.stop, item.step)), key)
            _crossing(item.body, mutable, owner, found)
        elif isinstance(item, ir.While):
            _crossing(item.body, mutable, owner, found)
        elif isinstance(item, ir.If):
            _crossing(item.body, mutable, owner, found)
            _crossing(item.orelse, mutable, owner, found)
    return found


def _key(prim, args, kwargs, packed=None):
    """A key under which equal pure operations compare equal, or None (not reusable)."""
    if rules.lookup(prim) is None:
        return None
    try:
        key = (prim, _atoms_key(args), _atoms_key(kwargs), packed)
        hash(key)
    except TypeError:
        return None
    return key


def _atoms_key(item):
    if isinstance(item, ir.Const):
        return ("const", type(item.value), item.value)
    if isinstance(item, ir.Global):
        return ("global", item.text)
    if isinstance(item, (tuple, list)):
        return tuple(_atoms_key(i) for i in item)
    if isinstance(item, ir.Slice):
        return ("slice", _atoms_key((item.lower, item.upper, item.step)))
    return item
