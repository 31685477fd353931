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
    's2sad has no derivative rule for `unbroadcast`': (
        'control/br_array_shape-1', 'control/br_array_shape-2',
        'control/for_rows_array_carry-1', 'control/accum_array-1',
        'control/aug_elements_straight-1', 'control/aug_slice-1', 'control/set_loop-1',
        'control/set_no_loop-1', 'control/set_2d-1', 'control/set_2d_rows-1',
        'control/set_slice-1', 'control/overwrite_element-1', 'control/set_in_branch-1',
        'control/set_from_scalar-1', 'control/set_computed_index-1', 'control/set_ifexp-1',
        'control/it_array_carry-1', 'control/co_static_array-1', 'control/inl_constant_axis-1',
        'control/clo_map_into_array-1', 'control/list_static_arrays-1', 'straight/b_31_13-1',
        'straight/b_31_3-1', 'straight/b_13_23-1', 'straight/r_sum_axis1_keepdims-1',
        'straight/r_mean_keepdims-1', 'straight/r_sum_keepdims_all-1', 'straight/i_newaxis-1',
        'straight/c_const_array-1', 'regression/views_read_before_the_write-1',
        'regression/views_read_before_the_write-2',
        'regression/array_after_an_early_return_in_an_elif-1',
        'regression/array_after_an_early_return_in_an_elif-2',
        'regression/view_read_after_its_array_is_rebound-1',
        'regression/view_read_after_its_array_is_rebound-2',
        'regression/swap_then_write_into_a_copy-1', 'regression/swap_then_write_into_a_copy-2',
        'regression/slice_read_then_written-1', 'regression/slice_read_then_written-2',
        'regression/saved_array_later_written-1', 'regression/saved_array_later_written-2',
        'regression/array_that_may_not_exist-1', 'regression/array_that_may_not_exist-2',
        'regression/shrinking_array-1', 'regression/shrinking_array-2',
        'regression/reuse_after_overwrite_in_unrolled_loop-1',
        'regression/reuse_after_overwrite_in_unrolled_loop-2',
        'regression/array_made_in_a_branch_of_a_loop-1',
        'regression/array_made_in_a_branch_of_a_loop-2', 'copies/copy_then_write_original-1',
        'copies/copy_then_write_original-2', 'copies/np_copy_then_write_original-1',
        'copies/np_copy_then_write_original-2',
        'copies/array_of_array_then_write_original_in_loop-1',
        'copies/array_of_array_then_write_original_in_loop-2',
        'copies/unary_plus_then_write_original-1', 'copies/unary_plus_then_write_original-2',
        'copies/times_one_then_write_original-1', 'copies/times_one_then_write_original-2',
        'copies/copy_of_a_transposed_view-1', 'copies/copy_of_a_transposed_view-2',
        'copies/copy_of_a_copy_both_written-1', 'copies/copy_of_a_copy_both_written-2',
        'copies/copy_taken_in_the_writing_loop-1', 'copies/copy_taken_in_the_writing_loop-2',
        'copies/copy_in_a_branch_then_write_original-1',
        'copies/copy_in_a_branch_then_write_original-2', 'copies/copy_then_write_the_copy-1',
        'copies/copy_then_write_the_copy-2', 'realistic/pendulum_rk4-1',
        'realistic/tracking_loglik-1', 'realistic/iir_energy-1', 'realistic/attention_loss-1',
        'realistic/layer_norm_loss-1', 'realistic/batch_norm_loss-1', 'realistic/conv1d_loss-1',
        'realistic/gp_nll-1', 'realistic/spring_chain_energy-1', 'realistic/heat_step_loss-1',
        'realistic/unrolled_descent-1',),
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
    'an expression statement whose value is discarded': (
        'control/for_range_ab-1', 'control/while_power_sum-1', 'control/cont_while-1',
        'control/inl_int_and_flag-1', 'control/inl_keyword_only-1', 'straight/s_pow-1',
        'straight/s_augassign-1', 'straight/c_const-1', 'straight/n_int_pow-1',
        'realistic/discounted_return-1',),
    'makes a range': (
        'control/brk_first_above-1', 'control/brk_first_above-2', 'control/brk_keeps_last-1',
        'control/brk_and_cont-1', 'control/nested_break_inner-1', 'control/nested_break_both-1',
        'control/break_in_loop_in_branch-1', 'control/it_break_in_enumerate-1',
        'regression/array_of_a_trip_left_by_break-1',
        'regression/array_of_a_trip_left_by_break-2',),
    'is differentiated again with containers among its arguments or in its result': (
        'realistic/holt_sse-1', 'realistic/mlp_loss-1', 'realistic/logistic_loss-1',
        'realistic/model_loss-1', 'realistic/deep_mlp_loss-1', 'realistic/ridge_posterior-1',
        'realistic/regularised_loss-1',),
    'of a range whose step is known only at run time': (
        'control/for_range_runtime_step-1', 'control/for_range_runtime_step-2',),
    'gives a value that is not a number': (
        'control/co_max_nested-1', 'control/inl_flags_decided_while_lowering-1',),
    's2sad has no derivative rule for `xpow`': (
        'straight/b_array_pow-1', 'straight/n_int_array_pow-1',),
    'writing into `a`': (
        'regression/swapped_arrays_stay_writable-1', 'regression/swapped_arrays_stay_writable-2',),
    'a recursive call of `swing_vjp`': (
        'regression/recursion_with_changing_positions-1',
        'regression/recursion_with_changing_positions-2',),
    'before it is assigned': (
        'regression/array_of_a_while_trip_left_by_break-1',
        'regression/array_of_a_while_trip_left_by_break-2',),
    'a part of `w6` taken on line 10': (
        'copies/element_read_then_written-1', 'copies/element_read_then_written-2',),
    'writing into `y`': (
        'control/set_fresh_copy_each_trip-1',),
    'the attribute `stack.append` of a tuple': (
        'control/it_helper_in_loop-1',),
    '(or another augmented assignment) updates an array in place that another variable': (
        'control/list_static_join-1',),
    "missing a required argument: 'y'": (
        'realistic/LinearModel.loss-1',),
    'is a method of an object of type `ufunc`': (
        'realistic/cross_entropy-1',),
    's2sad has no derivative rule for `cofactor`': (
        'realistic/gp_nll_inverse-1',),
    's2sad has no derivative rule for `digamma`': (
        'realistic/student_t_loglik-1',),
    's2sad has no derivative rule for `sigmoid`': (
        'realistic/cumulative_max_drawdown-1',),
}

_REFUSED_HESSIAN = {
    'the rank of a value of unknown kind is not known when the derivative is generated': (
        'control/br_bool_ops-1', 'control/br_bool_ops-2', 'control/br_bool_ops-3',
        'control/br_bool_ops-4', 'control/br_bool_ops-5', 'control/for_rows-1',
        'control/it_zip_arrays-1', 'control/it_zip_three-1', 'control/it_enumerate_zip-1',
        'control/it_continue_in_zip-1', 'control/it_in_branch-1', 'control/it_in_branch-2',
        'control/it_nested_loops-1', 'control/co_sum_nested-1', 'control/co_sum_zip-1',
        'control/co_helper-1', 'control/inl_held_in_loop-1',
        'regression/read_before_assigned_in_the_text-1',
        'regression/read_before_assigned_in_the_text-2',
        'regression/swap_of_unknown_kind_in_a_branch_never_taken-1',
        'regression/swap_of_unknown_kind_in_a_branch_never_taken-2',
        'regression/array_made_in_a_branch_read_under_another-1',
        'regression/array_made_in_a_branch_read_under_another-2',
        'realistic/lotka_volterra_rk4-1', 'realistic/local_level_loglik-1',
        'realistic/projectile_distance-1', 'realistic/rod_temperature-1',
        'realistic/pairwise_energy-1',),
}


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
    "realistic/LinearModel.loss-1": "a bug, not a refusal: a bound method's gradient loses "
                                    "its object when it is differentiated again",
}


# ---------------------------------------------------------------- the tables from s2sad as it is

def reason(message):
    """The message's reason, without its location and the names that open it (a
    fragment of the message, shared by the rows refused alike)."""
    text = re.sub(r"^(<s2sad-generated [^>]+>|\S+):\d+: ", "", message.splitlines()[0])
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
