"""The docs site, built by Sphinx: what it shows, and that a broken link or a stale
reference fails the build. Needs `pip install '.[docs]'`; `.ci/run` runs it after the
build, under the default Python (tests/end_to_end/test_docs_nav.py checks the
configuration without Sphinx)."""
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import s2sad

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".git", "build", "__pycache__", "*.egg-info", ".venv*",
                                  ".pytest_cache", ".hypothesis")


def build(docs, out):
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(docs), str(out)], capture_output=True, text=True)


def text_of(page):
    """The words of an HTML page, with Sphinx's typographic apostrophes made plain."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def test_the_site_shows_the_docstrings_the_guides_and_the_readme(tmp_path):
    run = build(ROOT / "docs", tmp_path)
    assert run.returncode == 0, run.stderr
    api = (tmp_path / "api.html").read_text()
    for name in s2sad.__all__:
        assert f'id="s2sad.{name}"' in api, name
        first_line = getattr(s2sad, name).__doc__.split("\n\n")[0].split()
        assert " ".join(first_line[:4]).replace("`", "") in text_of(api), name
    assert 'class="doctest' in api
    guide = (tmp_path / "guide.html").read_text()
    assert guide.count("<table") >= 3 and 'class="highlight-python' in guide
    assert 'href="rules.html#complex-numbers"' in guide
    assert re.search(r'href="_downloads/\w+/user_rule.py"', guide)
    home = (tmp_path / "index.html").read_text()
    assert "Source-to-source automatic differentiation" in home
    assert 'href="guide.html#samples"' in home and 'href="api.html"' in home


BROKEN = {
    "[a page](nothere.md)": "'nothere.md'",
    "[a heading](rules.md#no-such-heading)": "'no-such-heading'",
    "[a file](../s2sad/nothere.py)": "nothere.py",
    "[README's heading](../README.md#no-such-heading-either)": "'no-such-heading-either'",
}


def test_a_broken_link_or_a_stale_reference_fails_the_build(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=LEFT_OUT)
    docs = tree / "docs"
    with open(docs / "guide.md", "a") as guide:
        guide.write("\n" + " ".join(BROKEN) + "\n")
    with open(docs / "api.md", "a") as api:
        api.write("\n```{eval-rst}\n.. autofunction:: s2sad.no_such_function\n\n"
                  "A docstring's `Check`s and `grad`.\n```\n")
    (docs / "unlisted.md").write_text("# A page in no toctree\n")
    run = build(docs, tmp_path / "out")
    assert run.returncode != 0
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line]
    for expected in [*BROKEN.values(), "'no_such_function'", "backticks",
                     "isn't included in any toctree"]:
        assert any(expected in line for line in warnings), (expected, run.stderr)
