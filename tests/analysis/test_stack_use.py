"""What the adjoint saves, and where, read from the generated source: the stack only where a
value is overwritten inside a loop; a branch outside any loop keeps its values in plain
variables, and a `while` loop's backward sweep counts trips."""
import s2sad
from programs.control_flow.augmented_assignment import aug_names_branch
from programs.control_flow.branches import br_array, br_bool_ops, br_elif, br_if_else
from programs.control_flow.data import anyv
from programs.control_flow.element_writes import prefix_sum
from programs.control_flow.loop_carried import accum_sq, logistic
from programs.control_flow.returns import ret_early
from programs.control_flow.while_loops import while_halve


def _sweeps(text):
    forward, marker, backward = text.partition("# backward sweep")
    assert marker, f"no backward sweep marker in:\n{text}"
    return forward, backward


def test_logistic_source_pushes_forward_pops_backward():
    forward, backward = _sweeps(s2sad.source(logistic, 0.3, 5))
    assert "push(" in forward and "pop()" not in forward
    assert "pop()" in backward and "push(" not in backward
    assert "reversed(range(" in backward


def test_accumulator_source_saves_nothing():
    text = s2sad.source(accum_sq, anyv(4))
    assert "push(" not in text and "pop()" not in text


def test_top_level_if_uses_no_stack():
    for fn, args in ((br_if_else, (0.9,)), (br_elif, (0.3, 0.7)), (ret_early, (2.5,)),
                     (br_array, (anyv(3), anyv(3)))):
        text = s2sad.source(fn, *args, wrt=0)
        assert "push(" not in text and "pop()" not in text, text


def test_overwrite_in_top_level_if_uses_no_stack():
    """A branch outside any loop runs at most once: an overwritten value can be kept in a
    plain variable, so no push/pop stack is needed even when the branch overwrites."""
    for fn, args in ((aug_names_branch, (0.7, 1.3)), (br_bool_ops, (0.5, 0.7))):
        text = s2sad.source(fn, *args, wrt=0)
        assert "push(" not in text and "pop()" not in text, text


def test_source_of_branch_keeps_condition_and_mirrors_it_backward():
    forward, backward = _sweeps(s2sad.source(br_if_else, 0.9))
    assert "if " in forward and "if " in backward
    assert "else:" in forward and "else:" in backward


def test_while_loop_source_counts_trips():
    # the backward sweep must run as many times as the forward loop: a `for` over a
    # recorded count (or popping until empty), never the original condition
    forward, backward = _sweeps(s2sad.source(while_halve, 5.0))
    assert "while" in forward
    assert "y > 1.0" not in backward


def test_prefix_sum_source_is_valid_python_and_mentions_original_lines():
    text = s2sad.source(prefix_sum, anyv(4))
    compile(text, "<prefix_sum>", "exec")
    assert "def prefix_sum_adjoint" in text
