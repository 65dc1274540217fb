"""``srm render`` output is inert under any combination of Markdown extensions.

``srm render`` writes each page body as raw HTML inside a Markdown file. Python-Markdown
runs its preprocessors (fenced code, superfences, snippets, critic, ...) on the raw text
before raw HTML is set aside, so a data text holding a line such as
``~~~{ autofocus onfocus='alert(1)' }`` once became a real code block whose attributes
``attr_list`` wrote unescaped. The fix is in the output, not in a list of extensions: the
page body is one line in which every character of text and attribute values that Markdown
could read as syntax is a character reference.

The proof: the same rendered pages built by MkDocs under a matrix of extension sets
(Python-Markdown's own, pymdown-extensions', Material's recommended set), then opened in
Chromium: no dialog, no script error, no event handler, and each page body's DOM is
exactly the DOM of the page HTML ``srm render`` was given (nothing added, nothing lost).
"""

from __future__ import annotations

import functools
import html
import html.parser
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from srm_handbook.site.content import build_content
from srm_handbook.site.inert_html import inert_text
from srm_handbook.site.paths import SitePaths

from ..conftest import run_build, serve_directory
from ..helpers import srm
from ..hostile_payloads import static_audit

FENCE = "Rotate keys\n~~~{ tabindex=0 autofocus=1 onfocus='alert(\"R01\")' }\nevery year\n~~~"
ATTACKS = (
    FENCE,
    "```{ .x tabindex=0 autofocus=1 onfocus=alert('R02') }\ncode R02\n```",
    # Inside an image's alt text (a link title, a code span): the newline survives there.
    "See ![a\n~~~{ tabindex=0 autofocus=1 onfocus=alert('R03') }\nb\n~~~](https://example.com/x.png)",
    "[R04](https://example.com/ \"t\n```{ autofocus=1 onfocus=alert('R04') }\nx\n```\")",
    "`R05\n~~~{ autofocus=1 onfocus=alert('R05') }\ny\n~~~`",
    # Other preprocessors and block syntax of the common extensions.
    "{++R06 added++} {--R06 gone--} {~~R06~>changed~~} {>>R06 note<<} {==R06==}",
    '--8<-- "canary.md"\nR07',
    "/// html | div\n    attrs: {onclick: \"alert('R08')\", tabindex: 0, autofocus: 1}\nR08\n///",
    "!!! note \"R09\"\n    <img src=x onerror=alert('R09')>\n\n??? R09\n    text",
    "=== \"R10\"\n    tab\n\n*[R10]: abbr {: onclick=alert('R10') }",
    "R11 text\n{: onclick=\"alert('R11')\" tabindex=0 autofocus }",
    "$$R12\n\\alert{1}\n$$ :smile: ++ctrl+alt++ ==R12== ^^R12^^ ~~R12~~ [[R12]]",
    # An indented code block puts a bare closing fence on a line of its own.
    "R14 steps:\n\n    ~~~{ autofocus=1 onfocus=alert('R14') }\n    x\n    ~~~\n    ```",
    "R13 \u2028~~~{ autofocus=1 onfocus=alert('R13') }\u2029x\u2028~~~",
)


def _document() -> dict[str, Any]:
    def duties(i: int) -> list[str]:
        return [ATTACKS[(i + k) % len(ATTACKS)] for k in range(len(ATTACKS))]

    return {
        "schema": 1,
        "title": "Render ~~~{ onfocus=x } {++R15++}",
        "intro": "\n\n".join(ATTACKS),
        "parties": {
            "us": {"name": "Us {: onclick=alert(1) }", "description": FENCE},
            "you": {"name": "You {++R16++}", "description": ATTACKS[2]},
        },
        "capabilities": {
            "ui": {"name": "UI", "description": ATTACKS[1], "status": "~~~ {++x++}"},
            "api": {"name": "API", "description": ATTACKS[3]},
        },
        "categories": {"app": {"name": "App", "description": ATTACKS[5]}},
        "responsibilities": {
            f"row-{i}": {
                "name": f"Row {i} ```{{ onclick=x }}",
                "category": "app",
                "description": ATTACKS[i % len(ATTACKS)],
                "owners": {"ui": "us", "api": "you"},
                "duties": {"us": duties(i), "you": duties(i + 1)},
            }
            for i in range(3)
        },
    }


# Each set once as mkdocs.yml text (Material's emoji index needs a Python name tag).
EXTENSION_SETS: dict[str, str] = {
    "none": "[]",
    "extra": "[extra]",
    "attr_list+fenced_code": "[attr_list, fenced_code]",
    "attr_list+superfences-no-pygments": """
  - attr_list
  - pymdownx.highlight: {use_pygments: false}
  - pymdownx.superfences""",
    "python-markdown-all": """
  - abbr
  - admonition
  - attr_list
  - codehilite
  - def_list
  - fenced_code
  - footnotes
  - legacy_attrs
  - legacy_em
  - md_in_html
  - nl2br
  - sane_lists
  - smarty
  - tables
  - toc
  - wikilinks""",
    "material-recommended": """
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - toc: {permalink: true}
  - tables
  - pymdownx.arithmatex: {generic: true}
  - pymdownx.betterem
  - pymdownx.caret
  - pymdownx.mark
  - pymdownx.tilde
  - pymdownx.critic
  - pymdownx.details
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.highlight: {anchor_linenums: true, use_pygments: false}
  - pymdownx.inlinehilite
  - pymdownx.keys
  - pymdownx.smartsymbols
  - pymdownx.snippets: {check_paths: false}
  - pymdownx.superfences
  - pymdownx.tabbed: {alternate_style: true}
  - pymdownx.tasklist: {custom_checkbox: true}""",
    "pymdownx-rest": """
  - attr_list
  - md_in_html
  - pymdownx.blocks.html
  - pymdownx.blocks.admonition
  - pymdownx.blocks.details
  - pymdownx.blocks.tab
  - pymdownx.critic: {mode: view}
  - pymdownx.escapeall: {hardbreak: true, nbsp: true}
  - pymdownx.magiclink
  - pymdownx.progressbar
  - pymdownx.saneheaders
  - pymdownx.smartsymbols
  - pymdownx.striphtml
  - pymdownx.superfences: {preserve_tabs: true}
  - pymdownx.snippets: {check_paths: false, base_path: [".", "docs"]}""",
    "critic-accept+fenced": """
  - pymdownx.critic: {mode: accept}
  - attr_list
  - fenced_code
  - pymdownx.snippets: {check_paths: false}""",
}

PAGES = (
    "",
    "overview/",
    "matrix/",
    "responsibilities/row-0/",
    "responsibilities/row-2/",
    "parties/us/",
    "parties/you/",
    "capabilities/ui/",
    "capabilities/api/",
)


@functools.cache
def _rendered(base: Path) -> tuple[Path, dict[str, str]]:
    """The data rendered once: its docs folder, nav, and each page URL's HTML as
    ``srm render`` received it from the page views."""
    project = base / "render-inert"
    docs = project / "docs"
    docs.mkdir(parents=True)
    data = project / "srm_data.yaml"
    data.write_text(yaml.safe_dump(_document(), allow_unicode=True), encoding="utf-8")
    (project / "canary.md").write_text("SNIPPET-CANARY\n", encoding="utf-8")
    result = srm("render", "--out", docs, data)
    assert result.returncode == 0, result.stderr
    content = build_content(data)
    bodies = {SitePaths().url(p.src): p.html for p in content.pages}
    return docs, bodies


@functools.cache
def _site(base: Path, name: str) -> Path:
    docs, _ = _rendered(base)
    project = base / f"render-inert-{name}"
    shutil.copytree(docs, project / "docs")
    shutil.copy(docs.parent / "canary.md", project / "canary.md")
    nav = yaml.safe_load((project / "docs" / "srm-nav.yml").read_text(encoding="utf-8"))
    (project / "docs" / "srm-nav.yml").unlink()
    config = {
        "site_name": "Render inert",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        **nav,
    }
    text = yaml.safe_dump(config, sort_keys=False) + "markdown_extensions: " + EXTENSION_SETS[name]
    (project / "mkdocs.yml").write_text(text + "\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return result.site


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    base = tmp_path_factory.getbasetemp()
    _rendered(base)
    with serve_directory(base) as url:
        yield base, url


class _Tags(html.parser.HTMLParser):
    """The start tags (name and sorted attribute names) inside ``.srm-page``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.scripts: list[list[str]] = []  # the data of each <script> (JSON)
        self._depth = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth == 0 and ("class", "srm-page") not in attrs:
            return
        if tag not in VOID:
            self._depth += 1
        if tag == "script":
            self._in_script = True
            self.scripts.append([])
        self.tags.append(" ".join([tag, *sorted(name for name, _ in attrs)]))

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag not in VOID:
            self._depth -= 1
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1].append(data)
        elif self._depth:
            self.text.append(data)

    def json(self) -> list[Any]:
        return [json.loads("".join(chunks)) for chunks in self.scripts]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def _tags(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.mark.parametrize("name", sorted(EXTENSION_SETS))
def test_rendered_pages_hold_no_markup_that_markdown_made(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Without a browser, every generated page: no event handler anywhere, and the page
    body holds exactly the elements and attributes of the HTML srm render was given, and
    the same text (no snippet read in, no critic or fence markup made)."""
    base = tmp_path_factory.getbasetemp()
    site = _site(base, name)
    _, bodies = _rendered(base)
    assert len(bodies) > 10
    found = {}
    for url, body in bodies.items():
        built = (site / url / "index.html").read_text(encoding="utf-8")
        want = _tags(f'<div class="srm-page">{body}</div>')
        got = _tags(built)
        problems = static_audit(built)
        if got.tags != want.tags:
            problems.append(f"elements differ: {sorted(set(got.tags) ^ set(want.tags))}")
        if " ".join("".join(got.text).split()) != " ".join("".join(want.text).split()):
            problems.append("text differs")
        if got.json() != want.json():
            problems.append("JSON data differs")
        if problems:
            found[url] = problems
    assert found == {}


# The page body's DOM, serialised by the browser, and what must never be in a page.
BODY = """
() => {
  const body = document.querySelector(".srm-page");
  const handlers = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on") || a.name === "autofocus") {
        handlers.push(`${el.localName} ${a.name}`);
      }
    }
  }
  return {handlers, text: body ? body.textContent : ""};
}
"""

# The DOM Chromium's parser builds for a page body (DOMParser runs no script, so what
# the theme's and srm.js's scripts add at load time is not compared); JSON data compared
# by value.
PARSED_BODY = """
(markup) => {
  const body = new DOMParser().parseFromString(markup, "text/html").querySelector(".srm-page");
  if (!body) return null;
  for (const data of body.querySelectorAll('script[type="application/json"]')) {
    data.textContent = JSON.stringify(JSON.parse(data.textContent));  // the same value
  }
  return body.innerHTML;
}
"""


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(EXTENSION_SETS))
def test_rendered_pages_run_nothing_and_keep_their_dom_in_chromium(
    name: str, browser: Any, served: tuple[Path, str]
) -> None:
    base, url = served
    site = _site(base, name)
    _, bodies = _rendered(base)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    prefix = url + site.relative_to(base).as_posix() + "/"
    changed = {}
    try:
        for path in PAGES:
            page.goto(prefix + path, wait_until="load")
            page.wait_for_timeout(50)  # autofocus and onfocus get their turn
            got = page.evaluate(BODY)
            assert got["handlers"] == [], (path, got["handlers"])
            assert "R01" in got["text"], path
            built = (site / path / "index.html").read_text(encoding="utf-8")
            have = page.evaluate(PARSED_BODY, built)
            want = page.evaluate(PARSED_BODY, f'<div class="srm-page">{bodies[path]}</div>')
            if have != want:
                changed[path] = (have, want)
    finally:
        context.close()
    assert dialogs == []
    assert errors == []
    assert list(changed) == []


# What the loader lets through: no control characters but tab and line breaks.
LOADABLE = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r")


@given(st.text(LOADABLE))
def test_inert_text_keeps_every_character_and_leaves_no_syntax(text: str) -> None:
    written = inert_text(text)
    assert html.unescape(written) == text
    assert re.fullmatch(r"(?:[^\W_]| |&#\d+;)*", written), written


@given(st.text())
def test_inert_text_leaves_no_syntax_whatever_the_text(text: str) -> None:
    assert re.fullmatch(r"(?:[^\W_]| |&#\d+;)*", inert_text(text))
