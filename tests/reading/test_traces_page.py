"""docs/traces.md is what docs/traces.py prints: the seeds' tables as s2sad.trace makes
them today (tests/reading/test_trace.py checks their numbers against the notes)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_traces_page_is_current():
    spec = importlib.util.spec_from_file_location("traces_page", ROOT / "docs" / "traces.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (ROOT / "docs" / "traces.md").read_text()
    assert page == module.page(), "docs/traces.md is stale: python docs/traces.py > docs/traces.md"
    assert "| v6 | `v5 * v4` | 2.0166 | 3.0118 |" in page
    assert "| x2 | `input` | 5.0000 | 0.0000 | 1.7163 |" in page


def test_the_guide_shows_what_the_command_prints():
    """The table under `<!-- s2sad trace ARGS -->` in docs/guide.md is `s2sad trace ARGS`."""
    import re
    import subprocess
    import sys
    guide = (ROOT / "docs" / "guide.md").read_text()
    blocks = re.findall(r"<!-- s2sad (trace [^>]*) -->\n```text\n(.*?)```", guide, re.S)
    assert blocks
    for args, table in blocks:
        out = subprocess.run([sys.executable, "-m", "s2sad", *args.split()], cwd=ROOT,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout == table, f"docs/guide.md's `s2sad {args}` block is stale"
