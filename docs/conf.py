"""Sphinx configuration of the docs site: `pip install '.[docs]'`, then
`sphinx-build -W --keep-going -b html docs build/docs` (docs/contributing.md).

The guides are the Markdown files of docs/, read by MyST-Parser as they are, so that
they read the same on GitHub and in the site. Two rules keep their links working in both:

- a link to a file outside docs/ (`../samples/user_rule.py`) is published with the site,
  as the file itself; a link to `../README.md` goes to the home page, which includes it;
- the home page includes README.md, whose links are relative to the top of the tree:
  they are rewritten relative to docs/ as it is read.

A link to a page, a heading or a file that does not exist is a warning, and `-W` makes
every warning an error.
"""
import os
import re
from pathlib import Path

import s2sad

DOCS = Path(__file__).resolve().parent
README = DOCS.parent / "README.md"

project = "s2sad"
author = "The s2sad authors"
copyright = "2026, The s2sad authors (MIT license)"
release = s2sad.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
myst_heading_anchors = 3

# docstrings write code between single backticks, as Markdown does
default_role = "code"
nitpicky = True
autodoc_member_order = "bysource"
# the docstrings say what each argument may be: signatures as they are called
autodoc_typehints = "none"

html_theme = "furo"
html_title = f"s2sad {release}"
html_show_sourcelink = False


# the API page lists `s2sad.__all__`, grouped: a new public name appears there by itself
API_PLACEHOLDER = "<!-- the public API, from s2sad.__all__ -->"
API_GROUPS = {"Functions": "autofunction", "Classes": "autoclass", "Errors": "autoexception"}


def api_group(obj):
    """The API page's section of a public object."""
    if isinstance(obj, type):
        return "Errors" if issubclass(obj, BaseException) else "Classes"
    return "Functions"


def api_reference():
    """The Markdown of the API page's sections, one directive per name of `s2sad.__all__`."""
    lines = []
    for title, directive in API_GROUPS.items():
        names = [name for name in s2sad.__all__ if api_group(getattr(s2sad, name)) == title]
        lines += [f"## {title}", "", "```{eval-rst}"]
        lines += [f".. {directive}:: s2sad.{name}\n" for name in names]
        lines += ["```", ""]
    return "\n".join(lines)


LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s#]+)(#[^)\s]*)?\)")


def relink(text, written_in, read_in):
    """The links of `text`, written relative to folder `written_in`, made relative to
    `read_in`. A link to README.md goes to the home page, which includes it; a link to
    another file outside docs/ is to the file itself, which the site publishes (MyST's
    `path:`: a `.md` file outside docs/ is no page of the site)."""
    def rewrite(match):
        target = (written_in / match[1]).resolve()
        if target == README:
            target = DOCS / "index.md"
        scheme = "" if target.is_relative_to(DOCS) else "path:"
        return f"]({scheme}{os.path.relpath(target, read_in)}{match[2] or ''})"
    return LINK.sub(rewrite, text)


def on_source_read(app, docname, source):
    """A page's links, as `relink` says, and the API page's sections."""
    page = Path(app.env.doc2path(docname))
    source[0] = relink(source[0], page.parent, page.parent)
    if docname == "api":
        source[0] = source[0].replace(API_PLACEHOLDER, api_reference())


def on_include_read(app, relative_path, parent_docname, content):
    """An included file's links (README.md's, on the home page), relative to its page."""
    included = (Path(app.srcdir) / relative_path).resolve()
    page = Path(app.env.doc2path(parent_docname))
    content[0] = relink(content[0], included.parent, page.parent)


def on_doctree_resolved(app, doctree, docname):
    """A docstring's inline code that reStructuredText reads otherwise than Markdown
    (`` `Check`s ``, read as one span up to the next backtick) shows a backtick: a
    warning, on the API page."""
    from docutils import nodes  # here, so that tests import this module without Sphinx
    from sphinx.util import logging
    if docname != "api":
        return
    for text in doctree.findall(nodes.Text):
        if "`" in text and not isinstance(text.parent, nodes.FixedTextElement):
            logging.getLogger(__name__).warning(
                "a docstring's backticks are not read as code: %r", text.astext(),
                location=text.parent)


def setup(app):
    app.connect("source-read", on_source_read)
    app.connect("include-read", on_include_read)
    app.connect("doctree-resolved", on_doctree_resolved)
