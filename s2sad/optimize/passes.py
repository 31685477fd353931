"""The optimization passes over the backward sweep, in the order they run, each called
the same way.

Each pass is a module whose `run(statements, context)` returns the statements rewritten,
and decides from `context` whether it applies (constants only when `grad` fixes the
seed, in place only when every floating-point argument is float64). The order is part of
what the generated code is, each pass seeing what the ones before left: constants first,
so that the passes after see `t15_bar = t15` rather than a product with the seed;
trip_rows, shifted_rows and row_pops once the forward sweep is printed, since they read the
rows that sweep stacks (shifted_rows also takes pushes out of it, and runs after
trip_rows, which drops the copies of popped values that would keep them read); in
place last, since it breaks statements into updates the others do not match, and after the
forward sweep is printed (for what the backward sweep then reads), since it must see the
dtypes of both sweeps.
"""
from dataclasses import dataclass, replace

from . import (batching, constants, copies, inplace, linear, negations, quotients,
               row_pops, scalar_factors, shared_factors, shifted_rows, trip_rows,
               write_into)

BACKWARD = (constants, negations, shared_factors, write_into, quotients, scalar_factors,
            linear, batching, copies)
BOTH_SWEEPS = (trip_rows, shifted_rows, row_pops, inplace)


@dataclass(frozen=True)
class Context:
    """What the passes know of the derivative being built."""
    arrays: frozenset          # adjoints that hold arrays
    numbers: frozenset         # names that hold numbers: variables, adjoints, the seed
    number_bars: frozenset     # adjoints that hold numbers
    vectors: frozenset         # 1-D arrays and their adjoints
    floats: frozenset          # names that hold floating-point values whatever the dtypes
    shapes: dict               # axis lengths of arrays and of their adjoints (inplace.shapes_of)
    bounds: dict
    pure: frozenset            # the calls an expression may make and still be moved
    kept: tuple                # statements after the backward sweep (the result kept)
    returned: object           # the expression returned
    handles: dict              # the names of NumPy, the helpers and the tape
    fresh: object              # fresh(hint): a new name
    copy: object               # copy(x): the expression that copies the array `x`
    fixed_seed: str            # the seed's name when `grad` fixes it at 1.0, else None
    float64: bool              # whether every floating-point argument is float64
    bindings: dict             # the objects the generated code reaches by name
    callees: dict              # the generated derivatives it calls
    forward: list = ()         # the forward sweep, once printed

    @property
    def readers(self):
        """The code after the backward sweep, which may read the names it assigns."""
        return list(self.kept) + [self.returned]


def optimize(backward, context, print_forward):
    """The backward sweep through the passes, and the forward sweep that
    `print_forward(backward)` prints between `BACKWARD` and `BOTH_SWEEPS`, for what the
    backward sweep then reads: (forward, backward)."""
    for each in BACKWARD:
        backward = each.run(backward, context)
    context = replace(context, forward=print_forward(backward))
    for each in BOTH_SWEEPS:
        backward = each.run(backward, context)
    return context.forward, backward
