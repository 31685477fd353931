"""The control-flow programs, one module per construct, and the table of arguments each is
checked at (`CASES`: function, arguments, wrt). Every function is defined at module level
(s2sad reads its source).

The modules are imported in the order of the table, not alphabetically: their rows draw
their arrays from one seeded stream (data.rng), so this order fixes the numbers.
"""
from . import branches, conditional_expressions, returns, for_loops
from . import while_loops, break_continue, nested_loops, loops_in_branches
from . import loop_carried, augmented_assignment, element_writes, integers_and_flags
from . import helper_calls, elman
from . import iteration, comprehensions
from . import containers
from . import helpers_inlined, closures
from . import lists
from . import scatter_adds, list_indices
from .branches import br_elif
from .break_continue import brk_first_above
from .data import A, MIXED, anyv
from .comprehensions import co_sum_filtered, co_max
from .element_writes import prefix_sum
from .lists import list_append_sum, list_read_back
from .elman import ELMAN_ARGS
from .iteration import it_enumerate_zip
from .loop_carried import accum_sq, logistic
from .returns import ret_early
from .while_loops import while_halve

CASES = (branches.CASES + conditional_expressions.CASES + returns.CASES + for_loops.CASES
         + while_loops.CASES + break_continue.CASES + nested_loops.CASES
         + loops_in_branches.CASES + loop_carried.CASES + augmented_assignment.CASES
         + element_writes.CASES + integers_and_flags.CASES + helper_calls.CASES
         + iteration.CASES + comprehensions.CASES + containers.CASES
         + helpers_inlined.CASES + closures.CASES + lists.CASES + scatter_adds.CASES
         + list_indices.CASES)

# The version generated without example arguments is checked on these.
GENERIC_CASES = [
    (br_elif, (1.5, 0.7), (0, 1)),
    (ret_early, (2.5,), 0),
    (logistic, (0.3, 6), 0),
    (accum_sq, (anyv(5),), 0),
    (prefix_sum, (anyv(5),), 0),
    (brk_first_above, (A([0.3, -0.5, 0.6, 0.95, 0.2]),), 0),
    (while_halve, (5.0,), 0),
    (elman.elman, ELMAN_ARGS, (1, 2, 3)),
    (it_enumerate_zip, (anyv(4), anyv(4)), (0, 1)),
    (co_sum_filtered, (MIXED,), 0),
    (co_max, (MIXED,), 0),
    (list_append_sum, (0.3, 0.9, 5), 0),
    (list_read_back, (0.4, 0.9, 6), (0, 1)),
]
