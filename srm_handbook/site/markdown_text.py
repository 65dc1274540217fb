"""Safe rendering of the Markdown held in the data (descriptions, duties, intro).

Data texts are rendered by their own minimal Python-Markdown instance, never by the
site's extension list: raw HTML is shown as text, and the result is sanitised with nh3
so that only http, https, mailto and relative links survive as links.
"""

from __future__ import annotations

import re

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Texts that Markdown would render as one plain paragraph: one line (Markdown also breaks
# lines at a carriage return), no markup characters and no tab (a leading one indents code).
_PLAIN = re.compile(r"[^\n\r\t\\`*_\[\]<>&!#]*")
_BLOCK_START = re.compile(r"\s*([-+*>=]|\d+[.)]|    )")


class _Ampersand(InlineProcessor):  # type: ignore[misc]  # untyped library
    """An ``&`` is a character like any other, also where it starts what looks like a
    character reference: ``&copy;`` shows as typed, not as the sign. (Markdown's writer
    escapes every ``&`` except those, so each is written out here as ``&amp;``.)"""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        return self.md.htmlStash.store("&amp;"), m.start(0), m.end(0)


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    # Raw HTML in data is text: drop the block and inline HTML handlers, so <, > and &
    # are escaped like any other character.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("entity")
    md.inlinePatterns.register(_Ampersand("&", md), "ampersand", 80)
    return md


class MarkdownRenderer:
    """Renders data Markdown to sanitised HTML, caching repeated texts."""

    def __init__(self) -> None:
        self._md = _new_markdown()
        self._cache: dict[str, Markup] = {}

    def block(self, text: str | None) -> Markup:
        """Render a text as block HTML (paragraphs, lists)."""
        if not text:
            return Markup("")
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if _PLAIN.fullmatch(text) and not _BLOCK_START.match(text):
            html = Markup(f"<p>{escape(text.strip())}</p>")  # noqa: S704 (escaped)
        else:
            self._md.reset()
            raw = self._md.convert(text)
            html = Markup(  # noqa: S704 (sanitised by nh3)
                nh3.clean(
                    raw,
                    tags=ALLOWED_TAGS,
                    attributes=ALLOWED_ATTRIBUTES,
                    url_schemes=URL_SCHEMES,
                    link_rel="noopener noreferrer nofollow",
                )
            )
        self._cache[text] = html
        return html

    def inline(self, text: str | None) -> Markup:
        """Render a text that sits inside a sentence: a single paragraph loses its <p>."""
        html = str(self.block(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)  # noqa: S704 (already safe: from block())


def plain_text(text: str) -> str:
    """Collapse a text to one line of plain characters (for titles and attributes)."""
    return " ".join(text.split())
