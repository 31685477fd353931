"""The generated code shown in docs/ is what the current version prints."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- s2sad (?P<args>[^>]*) -->\n```python\n(?P<code>.*?)```", re.S)


def blocks():
    for page in sorted((ROOT / "docs").glob("*.md")):
        for match in BLOCK.finditer(page.read_text()):
            yield pytest.param(match["args"].split(), match["code"],
                               id=f"{page.name}:{match['args']}")


@pytest.mark.parametrize("args, code", list(blocks()))
def test_doc_block_is_current(args, code):
    out = subprocess.run([sys.executable, "-m", "s2sad", *args], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == code


def test_docs_have_generated_blocks():
    assert len(list(blocks())) >= 4


def test_functions_page_is_current():
    """docs/functions.md is generated from the rule table."""
    from s2sad.rules import catalog
    page = (ROOT / "docs" / "functions.md").read_text()
    assert _common(page) == _common(catalog.markdown()), \
        "docs/functions.md is stale: python -m s2sad.rules.catalog > docs/functions.md"


# functions that exist on some supported Python versions only (the page is generated on
# the default one): left out of the comparison
_VERSION_SPECIFIC = ("`math.cbrt(", "`math.exp2(", "`math.fma(")


def _common(page):
    return [line for line in page.splitlines()
            if not any(name in line for name in _VERSION_SPECIFIC)]


def test_every_documented_rule_says_what_it_does():
    """Rules whose derivative is not a plain formula (reductions, products, shapes) carry
    a one-line description for the functions page."""
    from s2sad.rules import TABLE, Elementwise, NonDifferentiable, catalog
    missing = sorted(catalog.spelling(prim, rule) for prim, rule in TABLE.items()
                     if catalog.spelling(prim, rule) is not None and not rule.doc
                     and not isinstance(rule, (Elementwise, NonDifferentiable)))
    assert not missing, f"rules without a doc: {missing}"


PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md", ROOT / "tests" / "README.md"]
PATH = re.compile(r"(?<![\w/.])((?:s2sad|tests|samples|benchmarks|docs)/[\w/.*<>-]*\w)")
MODULE = re.compile(r"`([\w*]+\.py)`")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_paths_the_docs_name_exist(page):
    """A file or folder the docs name (`s2sad/emit/adjoint.py`, `tests/optimize/`) is
    there: the tree moves, and a guide to it must move with it."""
    missing = [path for path in PATH.findall(page.read_text())
               if not _placeholder(path) and not list(ROOT.glob(path))]
    assert not missing, f"{page.name} names paths that do not exist: {missing}"


def _placeholder(path):
    """`tests/rules/cases_<family>.py`, `samples/NAME.py`: a pattern, not a path."""
    return "<" in path or any(part.split(".")[0].isupper() for part in path.split("/"))


@pytest.mark.parametrize("name", ["how-it-works.md", "contributing.md"])
def test_modules_the_pipeline_pages_name_exist(name):
    """The pages that say where each stage lives name modules by file name alone
    (`accumulator.py`): each is a file of the package, a test, a sample or a benchmark."""
    text = (ROOT / "docs" / name).read_text()
    missing = [module for module in MODULE.findall(text)
               if not any(ROOT.glob(f"{folder}/**/{module}")
                          for folder in ("s2sad", "tests", "samples", "benchmarks"))]
    assert not missing, f"{name} names modules that do not exist: {missing}"
