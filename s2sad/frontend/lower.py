"""Lower a parsed function to the Wengert list: one elementary operation per statement.

Every intermediate of an expression gets a name (`t1`, `t2`, ...) and every assignment in
straight-line code defines a fresh SSA name (`x = x * y; x = sin(x)` gives `x_1` and
`x_2`), so later passes never reason about overwrites there. A variable assigned inside a
branch or loop, or written element by element, is *mutable* instead: it keeps its name
and is overwritten as in the original, which is what lets a loop carry it.

The `_Lowerer` here holds the state of one lowering: the block being built, what each
name holds, which variables are mutable, the intermediates it may reuse. What each kind
of node lowers to is a job of its own, a mixin each: statements and assignments
(lower_statements.py), control flow (lower_control.py), `for` loops (iteration.py) and
what they run over (sequences.py), comprehensions (comprehensions.py) and their folds
(folds.py), expressions (lower_expressions.py), calls (lower_calls.py), calls inlined
(inline.py) and functions as values (lower_functions.py). Containers known while
lowering (tuples, dicts, records) are held as their leaves (records.py).
"""
import gast

from .. import ir, rules
from ..errors import UnsupportedError
from ..ir import trees
from . import exits, records
from .checkpoints import CheckpointLowering
from .comprehensions import ComprehensionLowering
from .folds import FoldLowering
from .inline import Callee, InlineLowering, State, nested_return
from .iteration import IterationLowering
from .lower_calls import CallLowering
from .lower_control import ControlLowering
from .lower_expressions import ExpressionLowering
from .lower_functions import FunctionLowering
from .lower_statements import StatementLowering
from .lists import ListLowering
from .names import (compound_assigned, dynamic_lists, element_assigned, local_names,
                    shared_lists)
from .numpy_forms import NumpyFormLowering
from .sequences import SequenceLowering
from .generated import GeneratedLowering


def lower(parsed, namer, scope, layouts=None):
    """The `ir.Function` of a parsed (and fenced) function, and what inlining its calls
    used (`inline.State`: the scopes of the helpers, the names of their values); `scope`
    resolves its own names (and logs what they meant). `layouts`: how each parameter is
    laid out (ir/trees.py) when some are containers, whose leaves then become the
    function's parameters."""
    lowerer = _Lowerer(parsed, namer, scope, layouts)
    function = lowerer.run()
    return function, lowerer.inlining


class _Lowerer(ListLowering, StatementLowering, ControlLowering, IterationLowering,
               SequenceLowering, ComprehensionLowering, FoldLowering, ExpressionLowering,
               CallLowering, NumpyFormLowering, InlineLowering, FunctionLowering,
               GeneratedLowering, CheckpointLowering):
    """One lowering of one function: the state its mixins share, the block being built,
    and the reuse of intermediates already computed. The state of the function whose body
    is being lowered (its names, scope and result: inline.FRAME) is set aside while a
    call is inlined."""

    def __init__(self, parsed, namer, scope, layouts=None):
        self.parsed = parsed
        self.where = parsed.where
        self.namer = namer
        self.scope = scope
        args = parsed.node.args
        self.params = tuple(arg.id for arg in args.args + args.kwonlyargs)
        self.inlining = State(parsed, scope)
        self.env, self.leaf_params = _bound(self.params, layouts, namer,
                                            self.inlining.bindings)
        self.locals = set(local_names(parsed.node))
        self.statements = exits.normalized_body(parsed)
        self.loop_names = {}   # a comprehension's variables: the names they have in the IR
        self.known_elements = {}   # comprehensions a fold lowered to a tuple of atoms
        self.range_loops = [n for n in gast.walk(parsed.node) if isinstance(n, gast.For)
                            and isinstance(n.target, gast.Name)]
        self.mutable = compound_assigned(self.statements) | element_assigned(self.statements)
        # variables holding lists built at run time, and names whose list another holds
        self.lists = dynamic_lists(self.statements)
        self.mutable |= self.lists
        self.generated_frame()
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
        # the returned value is named after the function, unless the function mentions its
        # own name (it calls itself): then `result`, not `power_1` beside `power(x, n)`
        self.result_base = "result" if namer.taken(parsed.name) else parsed.name
        self.node = parsed.node
        # the leaf variables of each name that holds a container and is overwritten
        self.components = {}
        self.depth = 0   # branches and loops the statement being lowered is inside
        self.read_in_loop = set()
        self.result_target = None
        self.definer = None

    def run(self):
        if nested_return(self.statements):
            self.result_var = ir.Var(self.namer.fresh(self.result_base))
            self.mutable.add(self.result_var.name)
            self.result = self.result_var
        self.copy_written_arguments()
        self.lower_block(self.statements)
        for loop in _loops(self.block):
            _mark_crossing(loop.body, self.mutable)
        result, layout = self.result, None
        if self.result_var is not None and self.result_var.name in self.components:
            result = self.components[self.result_var.name]
        if records.is_structure(result):
            result, layout = self.returned_leaves(result)
        return ir.Function(self.parsed.name, self.leaf_params, self.block, result,
                           self.where.filename, self.where.first_line, self.parsed,
                           frozenset(self.mutable), tuple(self.inplace), self.rebound,
                           tuple(self.inlining.bindings.items()), layout)

    def returned_leaves(self, structure):
        """The leaves of a returned structure, each a variable of its own that no other
        leaf and no parameter is (each gets a cotangent of its own), and its layout."""
        leaves, layout = records.flatten(structure)
        seen, distinct = set(), []
        for leaf in leaves:
            self.check_plain(leaf, self.node, "returned")
            if not isinstance(leaf, ir.Var) or leaf.name in seen or \
                    leaf.name in self.leaf_params or leaf.name in self.mutable and \
                    leaf.name not in self.reassigned_names:
                leaf = self.emit(ir.Var(self.namer.fresh(self.result_base)), ir.COPY, (leaf,))
            seen.add(leaf.name)
            distinct.append(leaf)
        return tuple(distinct), layout

    def copy_written_arguments(self):
        """An argument array the function writes elements of is copied first, `x =
        x.copy()`: the adjoint needs the values the writes overwrite, and a derivative
        must not change the caller's array (the function itself does)."""
        for name in self.params:
            held = self.env.get(name)
            if name in element_assigned(self.statements) and isinstance(held, ir.Var) \
                    and name not in self.lists:
                self.line = self.where.first_line
                self.emit(ir.Var(name), ir.Method("copy"), (held,))
                self.env[name] = ir.Var(name)
                self.fresh_arrays.add(name)
                self.aliased.discard(name)

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
            self.node = statement
            if self.in_loop:
                self.computed = {key: entry for key, entry in start.items()
                                 if self.computed.get(key) == entry}
            self.line = self.where.line(statement)
            self.statement(statement)

    def nested(self, lower):
        """The block `lower()` appends, lowered apart from the current one."""
        outer, memo, fresh = self.block, dict(self.computed), set(self.fresh_arrays)
        self.block = []
        self.depth += 1
        try:
            lower()
        finally:
            self.depth -= 1
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
            return ir.Var(self.namer.version(self.inlining.originals.get(name, name)))
        return ir.Var(name)

    def emit(self, target, prim, args, kwargs=(), callee=None, packed=None):
        """Append `target = prim(args)`; an intermediate computed before is reused. A
        random draw is never reused, and its result is a variable: the backward sweep
        saves it, never draws again."""
        draws = getattr(rules.lookup(prim), "draws", False)
        key = None if draws else _key(prim, args, kwargs, packed)
        if target is None and key in self.computed:
            return self.computed[key][0]
        if any(isinstance(a, records.Record) for a in tuple(args) + tuple(v for _, v in kwargs)):
            raise self.error(self.node, "passing a dict or an object to a function",
                             "pass the values it holds (`d[\"k\"]`, `p.x`) instead.")
        for atom in tuple(args) + tuple(value for _, value in kwargs):
            if isinstance(atom, Callee):
                what = "a lambda" if atom.name == "lambda" else f"the function `{atom.name}`"
                raise UnsupportedError(
                    f"{what} used as a value (chosen by a condition, assigned in a branch or "
                    "loop, or passed to a function s2sad does not inline) is not supported. "
                    "Call each function where it is chosen, or pass it straight to a "
                    "function of yours that calls it.", self.where.filename, self.line)
        target = target or ir.Var(self.namer.temp())
        if draws:
            self.mutable.add(target.name)
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


def _bound(arguments, layouts, namer, bindings):
    """The `env` binding each parameter to its value, and the function's parameters: a
    container's leaves (records.bind) in place of the container; a constant it holds goes
    into `bindings` by the name the generated code reads it by."""
    env, params = {}, []
    for position, argument in enumerate(arguments):
        layout = layouts[position] if layouts else trees.LEAF
        if layout.kind == "leaf":
            env[argument] = ir.Var(argument)
            params.append(argument)
        else:
            env[argument], names = records.bind(argument, layout, namer, bindings)
            params += names
    return env, tuple(params)


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
            check(ir.atom_vars(item.bounds()), key)
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
