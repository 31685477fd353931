"""A list of an array's rows, popped once a trip by the backward loop, read by row instead.

The adjoint of `hs = np.array(h_trips)`, which loop distribution (transform/distribute.py)
writes after a loop, hands the rows of `hs_bar` back to the trips as a list, and the
adjoint of the trip's `h_trips.append(h)` pops one. When the forward loop appends once a
trip, the list has as many rows as the backward loop has trips, and trip `t` pops row
`t`:

    h_trips_bar = list(hs_bar)
    for t in reversed(range(n)):      ->    for t in reversed(range(n)):
        h_bar += h_trips_bar.pop()              h_bar += hs_bar[t]

Row `t` is the same view of `hs_bar` the list held. This applies only when the list is
read by nothing else, the pop is a statement of the loop's own body (run once a trip),
and nothing rebinds the array, the count or the index from the list on.
"""
import gast

from ..syntax import queries
from ..syntax.printer import name, source
from .stacked import filled, rebinds, reversed_count, single


def run(statements, context):
    """The backward sweep with such lists read by row (needs the forward sweep printed)."""
    np_name = context.handles["np"]
    out = list(statements)
    for loop in [s for s in statements if reversed_count(s) is not None]:
        rows = set(filled(context.forward, loop, np_name)[1].values())
        for made in [s for s in out[:out.index(loop)] if _listed(s) is not None]:
            list_name, array = single(made), _listed(made)
            if _shape_of(out, made, array) not in rows:
                continue
            at, start = out.index(loop), out.index(made)
            between = out[start + 1:at + 1]
            pops = [s for s in loop.body if _pops(s, list_name)]
            count, index = source(reversed_count(loop)).strip(), loop.target.id
            if len(pops) != 1 or queries.mentions(out[start + 1:] + list(context.readers),
                                                  list_name) != 1 or \
                    any(rebinds(s, array) or rebinds(s, count) for s in between) or \
                    {count, index} & queries.written(loop.body):
                continue
            pops[0].value = gast.Subscript(value=name(array), slice=name(index),
                                           ctx=gast.Load())
            out.remove(made)
    return out


def _listed(statement):
    """`A` of `L = list(A)`, else None."""
    value = getattr(statement, "value", None)
    if single(statement) is not None and isinstance(value, gast.Call) and \
            isinstance(value.func, gast.Name) and value.func.id == "list" and \
            len(value.args) == 1 and isinstance(value.args[0], gast.Name) and \
            not value.keywords:
        return value.args[0].id
    return None


def _shape_of(statements, made, array):
    """`R` when `array` is made `np.zeros_like(R)` before `made`, after which neither is
    bound again (an in-place `+=` keeps the array's shape), else None."""
    before = statements[:statements.index(made)]
    binds = [s for s in before if rebinds(s, array)]
    if len(binds) != 1:
        return None
    value = getattr(binds[0], "value", None)
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and
            value.func.attr == "zeros_like" and len(value.args) == 1 and
            isinstance(value.args[0], gast.Name)):
        return None
    rows = value.args[0].id
    return None if any(rebinds(s, rows) for s in before) else rows


def _pops(statement, list_name):
    """Whether `statement` is `x = L.pop()` or `x += L.pop()`."""
    value = statement.value if isinstance(statement, (gast.Assign, gast.AugAssign)) else None
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
        value.func.attr == "pop" and isinstance(value.func.value, gast.Name) and \
        value.func.value.id == list_name and not value.args and not value.keywords
