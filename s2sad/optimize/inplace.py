"""Adjoint statements computed in the array they assign, one operation at a time.

`t2_bar = hidden_bar * (1 - hidden * hidden)` makes NumPy allocate an array for
`hidden * hidden` and another for `1 - ...`: NumPy computes an operator into a temporary
operand only when that is the left operand (or either operand of + and *) and the array is
over 256 KiB, and never a function (`np.exp(temporary)`). A new array costs more than the
arithmetic where fresh memory means cache misses and page faults; a hand-written gradient
works in buffers. So where a statement has such an operation, it is split there: what
lies below stays one expression, computed into its own new array, and the operations
around it update that array. An outer product read only by such an update is applied as
two broadcasts and never built:

    hidden_bar = np.outer(score_bar, v)           t2_bar = hidden * hidden
    t2_bar = hidden_bar * (1 - hidden * hidden)   np.subtract(1, t2_bar, out=t2_bar)
                                             ->   t2_bar *= v
                                                  t2_bar *= score_bar[:, None]

This is exact only when every update gives the dtype of the array it writes into, which
holds when every floating-point value is float64 (anything real combined with float64 is
float64). Kinds do not record dtypes, so the derivative is generated with `float64=True`
only for calls whose array arguments are float64 (or integer or boolean) and whose other
arguments are Python numbers; `allowed` then checks that the generated code makes no other
dtype (a cast, a `dtype=` keyword, a complex literal, a constant of another dtype, a call
into other generated code). Shapes come from the kinds: the innermost operation must have
a known shape that every other operand broadcasts into, so that no update would have to
grow its array.
"""
import gast
import numpy as np

from ..ir import kinds as K
from ..syntax import queries
from ..syntax.lines import carry
from ..syntax.printer import assign, store
from ..syntax.template import name

_BINARY = {gast.Add: "add", gast.Sub: "subtract", gast.Mult: "multiply", gast.Div: "divide"}
_COMMUTATIVE = (gast.Add, gast.Mult)
# NumPy functions that apply elementwise and return a new array
_ELEMENTWISE = {"exp", "log", "sin", "cos", "tanh", "sqrt", "square", "log1p", "expm1",
                "negative", "abs", "absolute", "maximum", "minimum", "logaddexp", "add",
                "subtract", "multiply", "divide"}
# of those, the ones whose result is floating point for any real argument
_FLOATING = {"exp", "log", "sin", "cos", "tanh", "sqrt", "log1p", "expm1", "logaddexp",
             "divide"}
_OTHER_DTYPES = {"astype", "dtype", "view", "float32", "float16", "half", "single",
                 "longdouble", "complex64", "complex128", "csingle", "cdouble",
                 "clongdouble", "complex", "frombuffer"}


def run(statements, context):
    """The pass over the backward sweep, once the forward sweep is printed: only where
    every floating-point argument is float64 (`context.float64`) and `allowed` finds no
    other dtype in either sweep."""
    if not (context.float64 and allowed(list(context.forward) + statements,
                                        context.bindings, context.callees)):
        return statements
    return rewrite(statements, context.shapes, context.bounds, context.floats | context.arrays,
                   context.numbers, context.handles["np"], [context.returned],
                   {context.handles["sigmoid"]})


def allowed(statements, bindings, callees):
    """Whether the generated statements, given the float64 arguments, hold float64 in every
    floating-point value: no call into other generated code (`callees`), no bound constant
    (`bindings`) of another floating or complex dtype, no cast or `dtype=`, no complex
    literal."""
    if callees:
        return False
    for value in bindings.values():
        dtype = getattr(value, "dtype", None)
        if isinstance(dtype, np.dtype) and dtype.kind in "fc" and dtype != np.float64 or \
                isinstance(value, complex):
            return False
    for statement in statements:
        for node in gast.walk(statement):
            if isinstance(node, gast.Name) and node.id in _OTHER_DTYPES or \
                    isinstance(node, gast.Attribute) and node.attr in _OTHER_DTYPES or \
                    isinstance(node, gast.keyword) and node.arg == "dtype" or \
                    isinstance(node, gast.Constant) and isinstance(node.value, complex):
                return False
    return True


def rewrite(statements, shapes, bounds, floating, numbers, numpy, readers=(),
            helpers=()):
    """`statements` (and the blocks they hold) with each array assignment whose innermost
    operation has the result's shape computed in place. `shapes`: axis lengths of array
    names (symbols, 1 for a length that broadcasts); `bounds`: the same of names whose
    value may have fewer axes or length 1 where the lengths say more (adjoints);
    `floating`: names that hold floats; `numbers`: names that hold numbers; `numpy`: the
    name NumPy goes by; `readers`: other code that may read the names; `helpers`: names
    of other functions that apply elementwise (`sigmoid`)."""
    context = _Context(dict(shapes), bounds, floating, numbers, numpy, set(helpers),
                       queries.counts(list(statements) + list(readers)))
    _refine(statements, context)
    return _block(statements, context)


def _refine(statements, context):
    """Record the exact shape of each name assigned once (an adjoint among them) whose
    value's shape is known exactly."""
    for statement in statements:
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1 and \
                isinstance(statement.targets[0], gast.Name):
            target = statement.targets[0].id
            shape = context.shape(statement.value)
            if context.counts.get((target, "store")) == 1 and shape:
                context.shapes.setdefault(target, shape)
        for field in ("body", "orelse"):
            _refine(getattr(statement, field, None) or [], context)


class _Context:
    def __init__(self, shapes, bounds, floating, numbers, numpy, helpers, counts):
        self.shapes, self.bounds, self.floating, self.numbers, self.numpy = \
            shapes, bounds, floating, numbers, numpy
        self.helpers, self.counts = helpers, counts

    def ufunc(self, node):
        """The NumPy elementwise function `node` calls (positional arguments only)."""
        if isinstance(node, gast.Call) and not node.keywords and node.args and \
                isinstance(node.func, gast.Attribute) and \
                isinstance(node.func.value, gast.Name) and \
                node.func.value.id == self.numpy and node.func.attr in _ELEMENTWISE:
            return node.func.attr
        return None

    def shape(self, node, exact=True):
        """The axis lengths of `node`'s value ( () for a number), or None if unknown; not
        `exact`: lengths it broadcasts to (an adjoint may hold fewer axes)."""
        if isinstance(node, gast.Constant):
            return () if isinstance(node.value, (int, float)) else None
        if isinstance(node, gast.Name):
            if node.id in self.numbers:
                return ()
            return self.shapes.get(node.id) or (None if exact else self.bounds.get(node.id))
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            return self.shape(node.operand, exact)
        if isinstance(node, gast.BinOp) and type(node.op) in _BINARY:
            return self._elementwise([node.left, node.right], exact)
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult):
            return _matmul(self.shape(node.left, exact), self.shape(node.right, exact))
        if self.ufunc(node) or isinstance(node, gast.Call) and not node.keywords and \
                isinstance(node.func, gast.Name) and node.func.id in self.helpers:
            return self._elementwise(node.args, exact)
        if isinstance(node, gast.Attribute) and node.attr == "T":
            inner = self.shape(node.value, exact)
            return None if inner is None else tuple(reversed(inner))
        if isinstance(node, gast.Subscript):
            return self._subscript(node, exact)
        return None

    def _elementwise(self, operands, exact):
        """The broadcast shape of `operands`; exactly, also when some are known only by
        the shape they broadcast to, if that fits in the broadcast of the others."""
        shapes = [self.shape(a, exact) for a in operands]
        known = [shape for shape in shapes if shape is not None]
        found = known[0] if known else None
        for other in known[1:]:
            found = _broadcast(found, other)
        if found is None or len(known) == len(shapes):
            return found if len(known) == len(shapes) else None
        bounds = [self.shape(a, exact=False) for a, shape in zip(operands, shapes)
                  if shape is None]
        return found if all(_broadcast(found, b) == found for b in bounds) else None

    def _subscript(self, node, exact):
        """`x[:, None]`-style subscripts: whole axes and new axes only."""
        inner = self.shape(node.value, exact)
        items = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
        if inner is None:
            return None
        found, axis = [], 0
        for item in items:
            if isinstance(item, gast.Constant) and item.value is None:
                found.append(1)
            elif isinstance(item, gast.Slice) and item.lower is None and \
                    item.upper is None and item.step is None and axis < len(inner):
                found.append(inner[axis])
                axis += 1
            else:
                return None
        return tuple(found) + tuple(inner[axis:])

    def floats(self, node):
        """Whether `node` is surely floating point."""
        if isinstance(node, gast.Constant):
            return isinstance(node.value, float)
        if isinstance(node, gast.Name):
            return node.id in self.floating
        if isinstance(node, gast.UnaryOp):
            return self.floats(node.operand)
        if isinstance(node, gast.BinOp):
            return isinstance(node.op, gast.Div) or self.floats(node.left) or \
                self.floats(node.right)
        called = self.ufunc(node)
        if called:
            return called in _FLOATING or any(self.floats(a) for a in node.args)
        return False


def _broadcast(a, b):
    if a is None or b is None:
        return None
    if len(a) < len(b):
        a, b = b, a
    b = (1,) * (len(a) - len(b)) + b
    found = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            found.append(x)
        elif x == 1:
            found.append(y)
        else:
            return None
    return tuple(found)


def _matmul(a, b):
    if a is None or b is None or not a or not b or len(a) > 2 or len(b) > 2:
        return None
    if a[-1] != (b[0] if len(b) == 2 else b[-1]):
        return None
    return a[:-1] + b[1:]


def _block(statements, context):
    out = []
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                setattr(statement, field, _block(getattr(statement, field), context))
        out.extend(carry(_steps(statement, context) or [statement], statement))
    index = 0
    while index < len(out):
        index = _without_outer(out, index, context) + 1
    return out


def _without_outer(statements, index, context):
    """`m *= u` with `u = np.outer(a, b)` read only there (`a`, `b` vectors) as
    `m *= b; m *= a[:, None]`: the outer product is never built. Returns the index of the
    last statement it looked at."""
    step = statements[index]
    if not (isinstance(step, gast.AugAssign) and isinstance(step.op, gast.Mult)
            and isinstance(step.value, gast.Name)
            and context.counts.get((step.value.id, "load")) == 1):
        return index
    product = step.value.id
    for position in range(index - 1, -1, -1):
        earlier = statements[position]
        if (product, "store") in queries.uses(earlier):
            break
    else:
        return index
    call = getattr(earlier, "value", None)
    if not (isinstance(earlier, gast.Assign) and len(earlier.targets) == 1
            and isinstance(earlier.targets[0], gast.Name)
            and isinstance(call, gast.Call) and not call.keywords and len(call.args) == 2
            and isinstance(call.func, gast.Attribute) and call.func.attr == "outer"
            and isinstance(call.func.value, gast.Name) and call.func.value.id == context.numpy
            and all(isinstance(a, gast.Name) and len(context.shapes.get(a.id) or ()) == 1
                    for a in call.args)):
        return index
    left, right = call.args
    if queries.assigns(statements[position + 1:index], {left.id, right.id}):
        return index
    column = gast.Subscript(value=left, slice=gast.Tuple(elts=[
        gast.Slice(lower=None, upper=None, step=None), gast.Constant(value=None, kind=None)],
        ctx=gast.Load()), ctx=gast.Load())
    statements[index:index + 1] = carry([
        gast.AugAssign(target=step.target, op=gast.Mult(), value=right),
        gast.AugAssign(target=store(step.target.id), op=gast.Mult(), value=column)], step)
    del statements[position]
    return index


def _steps(statement, context):
    """The in-place statements that compute `statement`, or None."""
    if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], gast.Name)):
        return None
    target = statement.targets[0].id
    calls = [n for n in gast.walk(statement.value) if isinstance(n, gast.Call)]
    if not all(isinstance(c.func, gast.Attribute) and isinstance(c.func.value, gast.Name)
               and c.func.value.id == context.numpy for c in calls):
        return None
    if target not in context.floating or (target, "load") in queries.uses(statement.value):
        return None
    spine = _spine(statement.value, context)
    if spine is None or len(spine) < 2:
        return None
    pairs = list(zip(spine[:-1], spine[1:]))
    split = [i for i, (node, child) in enumerate(pairs) if not _reused(node, child)]
    if not split:
        return None
    first = split[-1]
    steps = [assign(target, pairs[first][1])]
    for node, child in reversed(pairs[:first + 1]):
        steps.append(_step(node, child, target, context.numpy))
    return steps


def _reused(node, child):
    """Whether NumPy itself computes `node` in the new array of its operand `child` (an
    operator's left operand, or either operand of + and *, for a large array): no need to
    split the line there."""
    return isinstance(node, gast.BinOp) and (
        node.left is child or isinstance(node.op, _COMMUTATIVE))


def _spine(node, context):
    """The operations from `node` down to an innermost one that is new, floating point and
    of known shape, into which every other operand on the way broadcasts; or None."""
    for child in _children(node, context):
        if not _fresh(child, context):
            continue
        below = _spine(child, context)
        if below is not None and _fits(node, child, context.shape(below[-1]), context):
            return [node] + below
    shape = context.shape(node)
    if _fresh(node, context) and shape and context.floats(node):
        return [node]
    return None


def _fits(node, child, shape, context):
    """Whether the operands of `node` other than `child` are names or constants (an
    operand that needs an array of its own gains nothing from the line it would cost) that
    broadcast into `shape`."""
    for other in _children(node, context):
        if other is not child and not (
                _simple(other) and
                _broadcast(shape, context.shape(other, exact=False)) == shape):
            return False
    return True


def _simple(node):
    """A name, a constant, or a view of a name (`x.T`, `x[:, None]`)."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.Attribute):
        return node.attr == "T" and _simple(node.value)
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)


def _children(node, context):
    """The operands of `node` that an in-place operation can take the place of."""
    if isinstance(node, gast.BinOp) and type(node.op) in _BINARY:
        return [node.left, node.right]
    if context.ufunc(node):
        return list(node.args)
    return []


def _fresh(node, context):
    """Whether evaluating `node` makes a new array."""
    return (isinstance(node, gast.BinOp) and type(node.op) in (*_BINARY, gast.MatMult)) or \
        isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) or \
        context.ufunc(node) is not None


def _step(node, child, target, numpy):
    """`node` computed in place in `target`, which holds the value of its operand `child`."""
    here = name(target)
    if isinstance(node, gast.BinOp):
        if node.left is child:
            return gast.AugAssign(target=store(target), op=node.op, value=node.right)
        if isinstance(node.op, _COMMUTATIVE):
            return gast.AugAssign(target=store(target), op=node.op, value=node.left)
        return _call(numpy, _BINARY[type(node.op)], [node.left, here], target)
    args = [here if a is child else a for a in node.args]
    return _call(numpy, node.func.attr, args, target)


def _call(numpy, function, args, target):
    func = gast.Attribute(value=name(numpy), attr=function, ctx=gast.Load())
    return gast.Expr(value=gast.Call(func=func, args=args, keywords=[
        gast.keyword(arg="out", value=name(target))]))


def shapes_of(kinds, bar):
    """Axis lengths of the array names among `kinds`, and of their adjoints (`bar`)."""
    shapes, bounds = {}, {}
    for variable, kind in kinds.items():
        lengths = K.lengths(kind)
        if lengths is not None:
            shapes[variable] = bounds[bar(variable)] = tuple(lengths)
    return shapes, bounds
