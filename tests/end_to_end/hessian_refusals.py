"""The rows of test_hessians.py whose second derivatives s2sad refuses today, by the
reason it gives (a fragment of the message).

`REFUSED`: every second-order call (`hessian`, `hvp`, `jvp(grad(f))`) is refused, naming a
line of the user's function or of the generated gradient that the second pass reads back
(a runtime helper with no derivative rule, a construct the lowering refuses anywhere).
`REFUSED_HESSIAN`: `hvp` and `jvp(grad(f))` work but `hessian`, which runs all directions
in one vector sweep, is refused. `UNLOCATED` lists the refusals that name no line, and why.

A listed row that starts working fails its test until it is taken off: the tables say what
second derivatives cannot do yet, they are not skips. When they change, print them anew
from what s2sad does now, and read the difference:

    python tests/end_to_end/hessian_refusals.py
"""
import os
import re
import sys
import textwrap

_REFUSED = {
    'builds a list at run time': (
        'control/co_list_runtime-1', 'control/co_list_filtered_stack-1',
        'control/co_list_into_numpy-1', 'control/co_fsum_runtime-1',
        'control/co_list_in_loop-1', 'control/list_static_append-1',
        'control/list_static_append-2', 'control/list_static_runtime_index-1',
        'control/list_append_sum-1', 'control/list_append_sum-2',
        'control/list_append_fsum_while-1', 'control/list_append_branch-1',
        'control/list_read_back-1', 'control/list_runtime_index-1', 'control/list_iterate-1',
        'control/list_join_runtime-1', 'control/list_of_arrays-1',
        'control/list_of_arrays_sum-1', 'control/list_of_matrices-1', 'control/list_extend-1',
        'control/list_nested_loops-1', 'control/list_in_branch-1', 'control/list_in_branch-2',
        'control/list_while_length-1', 'control/list_copied_then_appended-1',
        'control/list_copied_then_appended-2', 'control/list_conditional_expression-1',
        'control/list_conditional_expression-2', 'control/list_append_top_level_branch-1',
        'control/list_append_top_level_branch-2', 'control/list_append_before_break-1',
        'control/list_rows_read_by_index-1', 'control/list_integers_then_numbers-1',
        'control/list_while_on_last-1', 'control/list_extend_in_loop-1',
        'control/list_iterate_nested-1', 'control/list_of_rows_written-1',
        'control/list_break_after-1', 'control/list_branch_on_last-1',
        'control/list_branch_on_last-2', 'control/list_of_indices-1',
        'control/list_of_ragged_arrays-1', 'control/list_helper_in_loop-1',
        'control/list_helper-1', 'control/trajectory_loss-1', 'control/kalman_means-1',
        'control/running_errors-1', 'control/kalman_arrays-1', 'realistic/nbody_verlet-1',
        'realistic/sir_fit-1', 'realistic/kalman_predictions-1', 'realistic/rnn_loss-1',
        'realistic/mixture_loglik-1',),
    'is differentiated again with containers among its arguments or in its result': (
        'realistic/holt_sse-1', 'realistic/mlp_loss-1', 'realistic/logistic_loss-1',
        'realistic/model_loss-1', 'realistic/deep_mlp_loss-1', 'realistic/ridge_posterior-1',
        'realistic/regularised_loss-1',),
    '(or another augmented assignment) updates an array in place that another variable': (
        'control/list_static_join-1', 'control/list_static_arrays-1',
        'regression/shrinking_array-1', 'regression/shrinking_array-2',),
    'writing into `a`': (
        'regression/view_read_after_its_array_is_rebound-1',
        'regression/view_read_after_its_array_is_rebound-2',
        'regression/swapped_arrays_stay_writable-1', 'regression/swapped_arrays_stay_writable-2',),
    'of a range whose step is known only at run time': (
        'control/for_range_runtime_step-1', 'control/for_range_runtime_step-2',),
    'gives a value that is not a number': (
        'control/co_max_nested-1', 'control/inl_flags_decided_while_lowering-1',),
    'a view of `w` taken on line 4': (
        'regression/views_read_before_the_write-1', 'regression/views_read_before_the_write-2',),
    'a view of `a` taken on line 9': (
        'regression/swap_then_write_into_a_copy-1', 'regression/swap_then_write_into_a_copy-2',),
    'a part of `a` taken on line 5': (
        'regression/slice_read_then_written-1', 'regression/slice_read_then_written-2',),
    'writing into `b`': (
        'regression/saved_array_later_written-1', 'regression/saved_array_later_written-2',),
    'a recursive call of `swing_vjp`': (
        'regression/recursion_with_changing_positions-1',
        'regression/recursion_with_changing_positions-2',),
    'a part of `w6_bar` taken on line 23': (
        'copies/copy_taken_in_the_writing_loop-1', 'copies/copy_taken_in_the_writing_loop-2',),
    'a part of `w6` taken on line 10': (
        'copies/element_read_then_written-1', 'copies/element_read_then_written-2',),
    'writing into `y`': (
        'control/set_fresh_copy_each_trip-1',),
    'a derivative of a bound method': (
        'realistic/LinearModel.loss-1',),
    'a part of `u_bar` taken on line 25': (
        'realistic/heat_step_loss-1',),
}

_REFUSED_HESSIAN = {}


def _by_row(table):
    return {name: reason for reason, names in table.items() for name in names}


REFUSED = _by_row(_REFUSED)
REFUSED_HESSIAN = _by_row(_REFUSED_HESSIAN)

UNLOCATED = {
    "realistic/holt_sse-1": "a dict of parameters: the refusal is about the call",
    "realistic/mlp_loss-1": "a dict of parameters: the refusal is about the call",
    "realistic/logistic_loss-1": "a dataclass argument: the refusal is about the call",
    "realistic/model_loss-1": "an object argument: the refusal is about the call",
    "realistic/deep_mlp_loss-1": "lists of parameters: the refusal is about the call",
    "realistic/ridge_posterior-1": "a namedtuple argument: the refusal is about the call",
    "realistic/regularised_loss-1": "a dict of parameters: the refusal is about the call",
    "realistic/LinearModel.loss-1": "a bound method's derivative, refused when it is "
                                    "differentiated again: the refusal is about the call",
}


# ---------------------------------------------------------------- the tables from s2sad as it is

def reason(message):
    """The message's reason, without its location and the names that open it (a
    fragment of the message, shared by the rows refused alike)."""
    text = re.sub(r"^(<s2sad-generated [^>]+>|\S+):\d+: ", "", message.splitlines()[0])
    text = re.sub(r"^the derivative of `[^`]+` \(of the code it generates\) is not "
                  r"supported: in that code, ", "", text)
    text = re.sub(r"^([A-Za-z_]\w*: |`[^`]+` |reading '[^']+' )", "", text)
    cuts = [i for i in (text.find(","), text.find(" in function"), text.find(";"),
                        text.find(" (")) if i > 0]
    return text[:min(cuts)] if cuts else text


def _table(name, rows):
    groups = {}
    for row, why in rows:
        groups.setdefault(why, []).append(row)
    lines = [f"{name} = {{"]
    for why, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        body = ", ".join(repr(n) for n in names)
        lines.append(f"    {why!r}: (")
        lines += ["        " + line for line in textwrap.wrap(body, 88, break_long_words=False,
                                                              break_on_hyphens=False)]
        lines[-1] += ",),"
    return "\n".join(lines + ["}"])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    sys.path[:0] = [root, os.path.join(root, "tests"), here]
    import s2sad
    import test_hessians as t
    everything, hessian_only = [], []
    for row in t.ROWS:
        direction, _ = t._direction(row, 1)
        calls = [lambda: t._hessian(row),
                 lambda: s2sad.hvp(row.fn, wrt=row.wrt)(*row.args, direction)]
        found = []
        for call in calls:
            try:
                call()
                found.append(None)
            except s2sad.Error as error:
                found.append(str(error))
        if found[1] is not None:
            everything.append((row.name, reason(found[1])))
            if found[0] is None or reason(found[1]) not in found[0]:
                print(f"# {row.name}: hessian says {found[0]!r}", file=sys.stderr)
        elif found[0] is not None:
            hessian_only.append((row.name, reason(found[0])))
    print(_table("_REFUSED", everything))
    print()
    print(_table("_REFUSED_HESSIAN", hessian_only))


if __name__ == "__main__":
    main()
