"""benchmarks/checkpointing.py on a short loop: its two gradients agree (measure() checks
before it reports), the checkpointed run's counts are the schedule's, it holds far less
memory than the plain adjoint, and the markdown table names both."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from benchmarks import checkpointing  # noqa: E402
from s2sad import runtime_checkpoint  # noqa: E402


def test_short_run_counts_and_memory():
    result = checkpointing.measure(trips=8000, snapshots=5)
    assert result["held"] == 5 and result["taped"] == 8000
    assert result["advances"] == result["optimum"] == runtime_checkpoint.advances(8000, 5) + 1
    # 8,000 floats on the tape against 5 snapshots
    assert result["checkpointed_peak"] * 10 < result["plain_peak"]
    table = checkpointing.markdown(result)
    assert "| plain adjoint (push/pop) |" in table and "| checkpointed, 5 snapshots |" in table
