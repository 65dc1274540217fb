"""Page HTML that no Markdown extension can reinterpret (for ``srm render``).

``srm render`` hands MkDocs each page as a raw HTML block in a Markdown file. Raw HTML is
only set aside after Python-Markdown's preprocessors have run over the whole text, and
extensions add more of them: fenced code (``~~~{ attr=value }`` on a line of its own,
with ``attr_list`` writing those attributes unescaped), superfences, snippets
(``--8<--``), critic markup (``{++ ++}`` anywhere), and whatever a later extension adds.
Escaping ``<``, ``>`` and ``&`` does not stop any of them.

So the page is written again, the same DOM, in a form none of them can match:

- one line (no preprocessor that works on lines sees a line start inside the page), and
- in every text and attribute value, every character other than a letter, a digit or a
  space is a numeric character reference (``~`` is ``&#126;``, a line break ``&#10;``),
  so no syntax of any extension, at a line start or inside one, appears in it; only the
  element and attribute names of the page's own markup remain, and
- the JSON data in a ``<script type="application/json">`` holds the same characters as
  ``\\uXXXX`` escapes.

A browser builds exactly the DOM of the original HTML from it.
"""

from __future__ import annotations

import html.parser
import json
import re
from typing import Any

# Everything but letters, digits (of any script) and the space.
_MARKUP_CHARACTER = re.compile(r"[^\w ]|_")


def _reference(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0 or 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
        # No reference stands for these (browsers read &#133; as "..."); the loader
        # refuses control characters, so this is a last resort, not a path data takes.
        code = 0xFFFD
    return f"&#{code};"


def inert_text(text: str) -> str:
    """Text or an attribute value with every non-alphanumeric character a reference."""
    return _MARKUP_CHARACTER.sub(_reference, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON writes characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _inert_json(value: Any) -> str:
    if isinstance(value, str):
        return '"' + _MARKUP_CHARACTER.sub(_json_escape, value) + '"'
    if isinstance(value, dict):
        return "{" + ",".join(f"{_inert_json(k)}:{_inert_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_inert_json(v) for v in value) + "]"
    return json.dumps(value)


class _Rewriter(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._script: list[str] | None = None  # the JSON of the open <script>, if any

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        parts = [tag]
        for name, value in attrs:
            parts.append(name if value is None else f'{name}="{inert_text(value)}"')
        return "<" + " ".join(parts) + ">"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            kind = dict(attrs).get("type") or ""
            if tag != "script" or kind != "application/json":
                raise ValueError(f"<{tag}> in a page body: only JSON data can be made inert")
            self._script = []
        self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self._script is not None:
            data = "".join(self._script)
            self.out.append(_inert_json(json.loads(data)) if data.strip() else "")
            self._script = None
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        else:
            self.out.append(inert_text(data))

    def handle_comment(self, data: str) -> None:
        pass  # comments are not part of what a reader sees

    def unknown_decl(self, data: str) -> None:
        raise ValueError(f"unexpected declaration in a page body: {data[:40]!r}")

    def handle_decl(self, decl: str) -> None:
        raise ValueError(f"unexpected declaration in a page body: {decl[:40]!r}")

    def handle_pi(self, data: str) -> None:
        raise ValueError(f"unexpected processing instruction in a page body: {data[:40]!r}")


def inert_html(markup: str) -> str:
    """``markup`` (a page body: well-formed HTML from the templates and nh3) written as
    one line that Markdown's preprocessors and inline patterns cannot match in, whatever
    extensions are enabled, and that a browser parses into the same DOM."""
    rewriter = _Rewriter()
    rewriter.feed(markup)
    rewriter.close()
    return "".join(rewriter.out)
