"""The Markdown of the data (descriptions, duties, intro): raw HTML shows as text, only
http, https, mailto and relative links are links, and a one-paragraph text can sit inside
a sentence."""

from __future__ import annotations

import html.parser
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm_handbook.site.markdown_text import MarkdownRenderer, plain_text


class _Reader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(markup: str) -> _Reader:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return reader


def shown(markup: str) -> str:
    """The text a reader sees (whitespace collapsed)."""
    return " ".join("".join(read(markup).text).split())


def tags(markup: str) -> list[str]:
    return [tag for tag, _ in read(markup).tags]


def hrefs(markup: str) -> list[str | None]:
    return [attrs.get("href") for tag, attrs in read(markup).tags if tag == "a"]


@pytest.fixture
def md() -> MarkdownRenderer:
    return MarkdownRenderer()


# --- Raw HTML is text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Use <b>bold</b> and <img src=x onerror=alert(1)> here.",
        "<div>\nblock\n</div>",
        "<!-- a comment -->",
        "Keep <br> literal",
        "**Strong** then <em>raw</em>",
        "- item with <span>x</span>\n- second",
    ],
)
def test_raw_html_is_shown_as_typed(md: MarkdownRenderer, text: str) -> None:
    out = str(md.block(text))
    assert "script" not in tags(out)
    assert not {"b", "img", "div", "span", "br"} & set(tags(out))
    for piece in ("<script>", "<b>", "<img src=x onerror=alert(1)>", "<div>", "<!--", "<br>"):
        if piece in text:
            assert piece in shown(out)


@pytest.mark.parametrize(
    "text",
    [
        "&copy; 2021",
        "Write &lt;b&gt; to get bold",
        "x &#169; y &#xA9; z",
        "AT&amp;T and AT&T",
        "**Note:** &nbsp; is a space",
    ],
)
def test_character_references_are_shown_as_typed(md: MarkdownRenderer, text: str) -> None:
    """Entities are HTML too: the reader sees what the author wrote, not what it means."""
    expected = " ".join(text.replace("**", "").split())
    assert shown(str(md.block(text))) == expected
    assert shown(str(md.inline(text))) == expected


def test_markdown_still_renders_around_raw_html(md: MarkdownRenderer) -> None:
    out = str(md.block("**bold** <i>x</i> *em* `<code>`"))
    assert tags(out) == ["p", "strong", "em", "code"]
    assert shown(out) == "bold <i>x</i> em <code>"


def test_only_the_allowed_elements_survive(md: MarkdownRenderer) -> None:
    out = str(md.block("# Top\n\n### Sub\n\n> quote\n\n1. one\n2. two\n\n---\n\n    code"))
    assert "h1" not in tags(out)
    assert "Top" in shown(out)
    assert {"h3", "blockquote", "ol", "li", "hr", "pre", "code"} <= set(tags(out))


# --- Links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=c",
        "http://example.com/",
        "mailto:security@example.com",
        "../responsibilities/authentication/",
        "other.md#section",
        "#anchor",
    ],
)
def test_safe_links_stay_links(md: MarkdownRenderer, url: str) -> None:
    out = str(md.inline(f"[see]({url})"))
    assert hrefs(out) == [url]
    (attrs,) = [a for t, a in read(out).tags if t == "a"]
    assert set(str(attrs["rel"]).split()) >= {"noopener", "noreferrer"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "file:///etc/passwd",
    ],
)
def test_other_schemes_are_not_links(md: MarkdownRenderer, url: str) -> None:
    out = str(md.block(f"[see]({url}) and ![pic]({url})"))
    assert hrefs(out) == [None]
    assert all("src" not in attrs for tag, attrs in read(out).tags if tag == "img")
    assert "see" in shown(out)


def test_autolinks_follow_the_same_rule(md: MarkdownRenderer) -> None:
    assert hrefs(str(md.block("<https://example.com/>"))) == ["https://example.com/"]
    out = str(md.block("<javascript:alert(1)>"))
    assert hrefs(out) == []
    assert shown(out) == "<javascript:alert(1)>"


def test_a_bare_address_is_text(md: MarkdownRenderer) -> None:
    assert hrefs(str(md.block("See https://example.com/ for more"))) == []


# --- Block and inline ------------------------------------------------------------------


def test_nothing_renders_as_nothing(md: MarkdownRenderer) -> None:
    assert md.block(None) == ""
    assert md.block("") == ""
    assert md.inline(None) == ""


def test_a_single_paragraph_is_a_paragraph_in_block_and_bare_inline(
    md: MarkdownRenderer,
) -> None:
    for text in ("Rotate the keys.", "Rotate the *signing* keys."):
        block, inline = str(md.block(text)), str(md.inline(text))
        assert tags(block)[0] == "p"
        assert "p" not in tags(inline)
        assert shown(block) == shown(inline) == text.replace("*", "")


@pytest.mark.parametrize(
    "text",
    ["First.\n\nSecond.", "- one\n- two", "Intro:\n\n1. a\n2. b", "> quoted", "    code"],
)
def test_more_than_a_paragraph_stays_a_block_inline(md: MarkdownRenderer, text: str) -> None:
    assert md.inline(text) == md.block(text)


def test_plain_text_is_escaped(md: MarkdownRenderer) -> None:
    out = str(md.block('Tom\'s "quoted" 5 % 3 = 2; a|b {x}'))
    assert tags(out) == ["p"]
    assert shown(out) == 'Tom\'s "quoted" 5 % 3 = 2; a|b {x}'


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("Title\r=====", "Title\n====="),
        ("Title\r\n=====", "Title\n====="),
        ("One line\rTwo 5%", "One line\nTwo 5%"),
        ("First\r\rSecond", "First\n\nSecond"),
        ("\tindented code", "    indented code"),
        ("  \tindented code", "    indented code"),
    ],
)
def test_line_breaks_and_tabs_mean_what_they_mean_in_markdown(
    md: MarkdownRenderer, text: str, same_as: str
) -> None:
    """A carriage return breaks a line and a leading tab indents, in any text (the schema
    lets both into texts)."""
    assert tags(str(md.block(text))) == tags(str(md.block(same_as)))
    assert shown(str(md.block(text))) == shown(str(md.block(same_as)))


def _visible(markup: str) -> tuple[list[str], str]:
    """The elements and the text of some HTML, whitespace next to tags ignored."""
    return tags(markup), re.sub(r"\s+", " ", "".join(read(markup).text)).strip()


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=" \t\r\xa0\u3000-+*>=.)(09aZ:/%|~'\"{}^$@,;é", min_size=1, max_size=12))
def test_one_line_texts_render_as_markdown_does(text: str) -> None:
    """A line break at the end changes nothing in Markdown, so a text renders the same with
    one (whatever shortcut the renderer takes for short plain texts)."""
    if not text.strip():
        return  # the schema refuses blank texts
    assert _visible(str(MarkdownRenderer().block(text))) == _visible(
        str(MarkdownRenderer().block(text + "\n"))
    )


def test_repeated_texts_render_alike(md: MarkdownRenderer) -> None:
    text = "Check *every* [link](https://example.com)."
    assert md.block(text) == md.block(text) == MarkdownRenderer().block(text)


# --- Plain text ------------------------------------------------------------------------


def test_plain_text_collapses_to_one_line() -> None:
    assert plain_text("  Two\nlines\tand  spaces \r\n") == "Two lines and spaces"


def test_plain_text_keeps_every_character_as_typed() -> None:
    assert plain_text("**not bold** <b>raw</b> &amp; [x](y)") == (
        "**not bold** <b>raw</b> &amp; [x](y)"
    )
