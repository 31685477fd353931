"""The docs site's configuration (docs/conf.py, docs/index.md), checked without Sphinx:
CI builds the site itself (.ci/run)."""
import importlib.util
import re
from pathlib import Path

import s2sad

DOCS = Path(__file__).resolve().parents[2] / "docs"
TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```", re.S)


def _conf():
    spec = importlib.util.spec_from_file_location("docs_conf", DOCS / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


conf = _conf()


def test_every_page_is_in_the_navigation():
    """A page of docs/ is in a toctree of docs/index.md, and the toctrees name pages that
    exist: a page left out would be in the site with no way to reach it."""
    listed = [line.strip() for block in TOCTREE.findall((DOCS / "index.md").read_text())
              for line in block.splitlines() if line.strip() and not line.startswith(":")]
    pages = {page.stem for page in DOCS.glob("*.md")} - {"index"}
    assert len(listed) == len(set(listed)), f"listed twice: {listed}"
    assert set(listed) == pages, \
        f"add {sorted(pages - set(listed))} to a toctree of docs/index.md; " \
        f"remove {sorted(set(listed) - pages)}"


def test_the_api_page_lists_every_public_name_once():
    reference = conf.api_reference()
    directives = re.findall(r"^\.\. (\w+):: s2sad\.(\w+)$", reference, re.M)
    assert sorted(name for _, name in directives) == sorted(s2sad.__all__)
    kinds = dict((name, directive) for directive, name in directives)
    assert kinds["grad"] == "autofunction"
    assert kinds["Check"] == "autoclass"
    assert kinds["UnsupportedError"] == "autoexception"
    assert conf.API_PLACEHOLDER in (DOCS / "api.md").read_text()


def test_links_between_pages_stay_as_written():
    text = "[a](rules.md#complex-numbers) [b](https://numpy.org) [c](#samples) `f[i](x)`"
    assert conf.relink(text, DOCS, DOCS) == text


def test_links_out_of_docs_are_to_the_published_file_and_readme_to_the_home_page():
    text = "[a](../samples/user_rule.py) [b](../tests/README.md) [c](../README.md#use)"
    assert conf.relink(text, DOCS, DOCS) == \
        "[a](path:../samples/user_rule.py) [b](path:../tests/README.md) [c](index.md#use)"


def test_readme_links_are_made_relative_to_the_home_page():
    """README.md, included by docs/index.md, links from the top of the tree."""
    text = "[a](docs/guide.md#samples) [b](LICENSE) [c](tests/README.md)"
    assert conf.relink(text, DOCS.parent, DOCS) == \
        "[a](guide.md#samples) [b](path:../LICENSE) [c](path:../tests/README.md)"
