"""A corpus of hostile texts, and data files that put every one of them in every text field.

Each payload carries a unique marker ``XSSnn``: an ``alert()`` that fires reports it, and
markup that the browser turns into an element carries it in an attribute (often in the
attribute *name*, ``data-xssnn``, which only real markup can produce). The tests build a
site from :func:`hostile_document`, open every page in Chromium and look for markers where
only markup could put them; see ``tests/test_hostile_site.py`` and
``tests/test_hostile_browser.py``.

``md_literal`` says whether the payload, rendered as data Markdown (descriptions, duties,
intro), must still show character for character: true for raw HTML, entities, Jinja,
attribute lists and snippet includes (all of which the renderer must leave as text); false
for payloads that are Markdown on purpose (links, images, lists), which must render but
never as a live ``javascript:``/``data:``/``vbscript:`` link. In plain fields (titles,
names, statuses, reference titles) every payload shows literally.
"""

from __future__ import annotations

import functools
import html.parser
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .conftest import BuildResult, make_project, run_build
from .helpers import srm

MARKER = re.compile(r"XSS\d\d", re.IGNORECASE)
NAME_LIMIT = 200  # srm_handbook.schema.MAX_NAME_LENGTH
STATUS_LIMIT = 40  # the schema's limit for capability statuses
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Payload:
    marker: str
    text: str
    md_literal: bool = True
    what: str = ""


def _p(n: int, text: str, what: str, md_literal: bool = True) -> Payload:
    marker = f"XSS{n:02d}"
    assert marker in text, (marker, text)
    return Payload(marker, text, md_literal, what)


PAYLOADS: tuple[Payload, ...] = (
    # Raw HTML with event handlers and script.
    _p(1, "<script>alert('XSS01')</script>", "script element"),
    _p(2, "<img src=x onerror=alert('XSS02') data-xss02>", "img onerror"),
    _p(3, "<svg onload=alert('XSS03') data-xss03>", "svg onload"),
    _p(4, "<svg><script data-xss04>alert('XSS04')</script></svg>", "script inside svg"),
    _p(5, "<iframe src=\"javascript:alert('XSS05')\" data-xss05></iframe>", "iframe js src"),
    _p(6, "<body onload=alert('XSS06') data-xss06>", "body onload"),
    _p(7, "<details open ontoggle=alert('XSS07') data-xss07>", "details ontoggle"),
    _p(8, "<input autofocus onfocus=alert('XSS08') data-xss08>", "autofocus onfocus"),
    _p(9, "<a href=\"javascript:alert('XSS09')\" data-xss09>click XSS09</a>", "a javascript:"),
    _p(
        10,
        "<form action=\"javascript:alert('XSS10')\" data-xss10><button>go</button></form>",
        "form",
    ),
    _p(11, "<button formaction=\"javascript:alert('XSS11')\" data-xss11>XSS11</button>", "button"),
    _p(12, "<object data=\"javascript:alert('XSS12')\" data-xss12></object>", "object data"),
    _p(13, "<embed src=\"data:text/html,<script>alert('XSS13')</script>\">", "embed data:"),
    _p(14, "<meta http-equiv=refresh content=\"0;url=javascript:alert('XSS14')\">", "meta refresh"),
    _p(15, "<base href=\"javascript:alert('XSS15')//\" data-xss15>", "base href"),
    _p(16, "<link rel=stylesheet href=\"javascript:alert('XSS16')\" data-xss16>", "link href"),
    _p(17, "<div style=\"background:url(javascript:alert('XSS17'))\" data-xss17>", "style url()"),
    _p(18, "<style>@import 'javascript:alert(\"XSS18\")';</style>", "style element"),
    _p(19, "<marquee onstart=alert('XSS19') data-xss19>", "marquee onstart"),
    _p(
        20, "<svg><a xlink:href=\"javascript:alert('XSS20')\"><text>XSS20</text></a></svg>", "xlink"
    ),
    # Breakouts: out of attributes, out of <script>, <title>, <textarea>, comments.
    _p(21, "\"><img src=x onerror=alert('XSS21') data-xss21>", 'attribute breakout (")'),
    _p(22, "'><svg onload=alert('XSS22') data-xss22>", "attribute breakout (')"),
    _p(23, '" onmouseover="alert(\'XSS23\')" data-xss23="', "attribute injection"),
    _p(24, "' autofocus onfocus='alert(/XSS24/)' data-xss24='", "attribute injection (')"),
    _p(25, "</script><script>alert('XSS25')</script>", "</script> breakout"),
    _p(26, "</title><script>alert('XSS26')</script>", "</title> breakout"),
    _p(27, "</textarea><img src=x onerror=alert('XSS27') data-xss27>", "</textarea> breakout"),
    _p(28, "<!--<img src=x onerror=alert('XSS28') data-xss28>-->", "comment"),
    _p(29, "<![CDATA[<img src=x onerror=alert('XSS29') data-xss29>]]>", "CDATA"),
    _p(30, "<<script>alert('XSS30');//<</script>", "broken tag"),
    _p(31, "&lt;img src=x onerror=alert('XSS31') data-xss31&gt;", "pre-escaped entities"),
    # Mutation XSS (sanitiser/parser differentials).
    _p(
        32,
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS32') data-xss32>",
        "mXSS math/mglyph/style",
    ),
    _p(
        33,
        "<noscript><p title=\"</noscript><img src=x onerror=alert('XSS33') data-xss33>\">",
        "mXSS noscript",
    ),
    _p(
        34,
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert('XSS34') data-xss34>\">",
        "mXSS svg/style",
    ),
    _p(35, "<template><img src=x onerror=alert('XSS35') data-xss35></template>", "template"),
    # Links: javascript:, data:, vbscript: as Markdown, with case, entity, tab, control and
    # reference-style variants, autolinks and images.
    _p(36, "[XSS36](javascript:alert('XSS36'))", "md link javascript:", md_literal=False),
    _p(37, "[XSS37](JaVaScRiPt:alert('XSS37'))", "md link mixed case", md_literal=False),
    _p(38, "[XSS38](&#106;avascript:alert('XSS38'))", "md link entity", md_literal=False),
    _p(39, "[XSS39](java&#x09;script:alert('XSS39'))", "md link entity tab", md_literal=False),
    _p(40, "[XSS40](java\tscript:alert('XSS40'))", "md link tab", md_literal=False),
    _p(
        41, "[XSS41](\u200bjavascript:alert('XSS41'))", "md link zero-width space", md_literal=False
    ),
    _p(42, "[XSS42][r42]\n\n[r42]: javascript:alert('XSS42')", "reference-style", md_literal=False),
    _p(43, "<javascript:alert('XSS43')>", "autolink javascript:"),
    _p(44, "[XSS44](vbscript:msgbox('XSS44'))", "md link vbscript:", md_literal=False),
    _p(
        45,
        "[XSS45](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTNDUnKTwvc2NyaXB0Pg==)",
        "md link data:",
        md_literal=False,
    ),
    _p(46, "![XSS46](javascript:alert('XSS46'))", "md image javascript:", md_literal=False),
    _p(
        47,
        "![XSS47](data:image/svg+xml,%3Csvg%20onload%3Dalert('XSS47')%3E)",
        "md image data:",
        md_literal=False,
    ),
    _p(
        48,
        '[XSS48](https://example.com/ "t" onclick="alert(\'XSS48\')")',
        "md link title breakout",
        md_literal=False,
    ),
    _p(49, "<https://example.com/\" onclick=\"alert('XSS49')>", "autolink breakout", False),
    _p(50, "<XSS50@example.com\" onmouseover=\"alert('XSS50')>", "mail autolink breakout"),
    _p(
        51,
        "<a href=\"&#x6A;avascript:alert('XSS51')\" data-xss51>XSS51</a>",
        "entity-encoded javascript: in HTML",
    ),
    # Site Markdown extensions: attr_list, md_in_html, snippets. Must stay literal.
    _p(52, "XSS52 text\n{: onclick=\"alert('XSS52')\" data-xss52 }", "attr_list block"),
    _p(53, "XSS53 {: #XSS53 onclick=\"alert('XSS53')\" }", "attr_list inline"),
    _p(54, '<div markdown="1" data-xss54>*XSS54*</div>', "md_in_html", md_literal=False),
    _p(55, '--8<-- "canary.md"\nXSS55', "snippet include (file)"),
    _p(56, "--8<--\ncanary.md\n/etc/passwd\n--8<--\nXSS56", "snippet include (block)"),
    _p(57, 'XSS57\n;--8<-- "canary.md"', "snippet include (escaped)"),
    # Jinja: must print literally (1787569 = 1337*1337 must appear nowhere).
    _p(58, "{{ 1337*1337 }} XSS58", "jinja expression"),
    _p(59, "{% for x in range(3) %}XSS59{% endfor %}", "jinja statement"),
    _p(60, "{{ config.__class__.__init__.__globals__ }} XSS60", "jinja globals", md_literal=False),
    # Spreadsheet formulas (srm.csv neutralises cells starting with = + - @ tab CR).
    _p(61, '=HYPERLINK("https://evil.example/?XSS61","XSS61")', "CSV formula ="),
    _p(62, "+XSS62+cmd|' /C calc'!A0", "CSV formula +"),
    _p(63, "-XSS63+cmd|' /C calc'!A0", "CSV formula -"),
    _p(64, "@SUM(1+1)*cmd|' /C calc'!A0 XSS64", "CSV formula @"),
    _p(65, "\t=XSS65+1", "CSV leading tab", md_literal=False),
    _p(67, "\r=XSS67+1", "CSV leading carriage return", md_literal=False),
    # Unicode that must survive unchanged.
    _p(66, "XSS66 \u202eevil\u202c \u200bzero-width \U0001f480 e\u0301", "bidi/zero-width/emoji"),
)

# A file next to mkdocs.yml whose text must never reach the site (snippet includes).
CANARY_FILE = "canary.md"
CANARY_TEXT = "SNIPPET-CANARY-5b1e0c: this file must never be included in a page."

# Valid reference URLs (http, https, mailto) that still carry markup: escaped in href.
HOSTILE_URLS: tuple[str, ...] = (
    'https://example.com/"onmouseover="alert(\'XSSU1\')"',
    "https://example.com/<script>alert('XSSU2')</script>",
    "mailto:a@example.com?subject=<img/src/onerror=alert('XSSU3')>",
    "https://example.com/{{1337*1337}}'><svg/onload=alert('XSSU4')>",
    "HTTPS://example.com/?q=%22%3E%3Cscript%3Ealert('XSSU5')%3C/script%3E",
)


@dataclass(frozen=True)
class Placement:
    """Where one payload sits: the field kind, the page that must show it, and whether
    that field is rendered as Markdown."""

    kind: str
    url: str
    payload: Payload
    markdown: bool


@dataclass
class HostileData:
    document: dict[str, Any]
    placements: list[Placement] = field(default_factory=list)

    def yaml(self) -> str:
        return to_yaml(self.document)


def to_yaml(document: dict[str, Any]) -> str:
    """Every scalar double-quoted, so every character (tabs, control characters) is kept."""
    return yaml.safe_dump(
        document, default_style='"', sort_keys=False, allow_unicode=True, width=10_000
    )


def pack(
    payloads: tuple[Payload, ...] | list[Payload], limit: int, sep: str
) -> list[list[Payload]]:
    """Group payloads into fields of at most ``limit`` characters; formula payloads start
    a field (so that they start a CSV cell) and every payload lands in some field."""
    fitting = [p for p in payloads if len(p.text) <= limit]
    chunks: list[list[Payload]] = [[p] for p in fitting if p.text.startswith(FORMULA_START)]
    rest = [p for p in fitting if not p.text.startswith(FORMULA_START)]

    def size(chunk: list[Payload]) -> int:
        return sum(len(p.text) for p in chunk) + len(sep) * (len(chunk) - 1)

    for p in rest:
        for chunk in chunks:
            if size(chunk) + len(sep) + len(p.text) <= limit:
                chunk.append(p)
                break
        else:
            chunks.append([p])
    return chunks


def joined(chunk: list[Payload], sep: str) -> str:
    return sep.join(p.text for p in chunk)


NAME_SEP = " ~ "
MD_SEP = "\n\n"


def hostile_document(payloads: tuple[Payload, ...] = PAYLOADS) -> HostileData:
    """A valid data file holding every payload in every text field kind at least once.

    Names of responsibilities, capabilities, parties and categories, possessives and the
    title hold packed groups of payloads (at most 200 characters); statuses hold every
    payload of at most 40 characters; descriptions and the intro hold the same groups as
    Markdown paragraphs; every payload is the whole text of at least one duty and the
    title of at least one reference.
    """
    names = pack(payloads, NAME_LIMIT, NAME_SEP)
    statuses = pack(payloads, STATUS_LIMIT, " ")
    n = len(names)
    n_caps = max(n, len(statuses))
    placements: list[Placement] = []

    def place(kind: str, url: str, chunk: list[Payload], markdown: bool) -> None:
        placements.extend(Placement(kind, url, p, markdown) for p in chunk)

    party_ids = [f"party-{i}" for i in range(n)]
    cap_ids = [f"cap-{i}" for i in range(n_caps)]
    cat_ids = [f"cat-{i}" for i in range(n)]
    row_ids = [f"row-{i}" for i in range(n)]

    parties: dict[str, Any] = {}
    for i, pid in enumerate(party_ids):
        chunk = names[i]
        possessive = names[(i + 1) % n]
        parties[pid] = {
            "name": joined(chunk, NAME_SEP),
            "possessive": joined(possessive, NAME_SEP),
            "description": joined(chunk, MD_SEP),
        }
        place("party name", f"parties/{pid}/", chunk, False)
        place("party description", f"parties/{pid}/", chunk, True)
        place("party possessive", f"responsibilities/{row_ids[i]}/", possessive, False)

    capabilities: dict[str, Any] = {}
    for j, cid in enumerate(cap_ids):
        chunk = names[j % n]
        cap: dict[str, Any] = {
            "name": joined(chunk, NAME_SEP),
            "description": joined(chunk, MD_SEP),
        }
        if j < len(statuses):
            cap["status"] = joined(statuses[j], " ")
            place("capability status", f"capabilities/{cid}/", statuses[j], False)
        capabilities[cid] = cap
        place("capability name", f"capabilities/{cid}/", chunk, False)
        place("capability description", f"capabilities/{cid}/", chunk, True)

    categories: dict[str, Any] = {}
    for k, kid in enumerate(cat_ids):
        chunk = names[k]
        categories[kid] = {"name": joined(chunk, NAME_SEP), "description": joined(chunk, MD_SEP)}
        place("category name", "responsibilities/", chunk, False)
        place("category description", "responsibilities/", chunk, True)

    duty_texts = _cycle(payloads)
    url_cycle = _cycle_str(HOSTILE_URLS)
    responsibilities: dict[str, Any] = {}
    for i, rid in enumerate(row_ids):
        chunk = names[i]
        owners: dict[str, Any] = {}
        for j, cid in enumerate(cap_ids):
            owners[cid] = party_ids[(i + j) % n]
        if i == 0 and n > 1:
            owners[cap_ids[0]] = [party_ids[0], party_ids[1]]
        if i == 1 and n_caps > 1:
            owners[cap_ids[1]] = "n/a"
        owning = [p for p in party_ids if any(p == o or p in o for o in owners.values())]
        duties: dict[str, Any] = {}
        for pid in owning:
            payload = next(duty_texts)
            duties[pid] = [payload.text]
            place("duty text", f"responsibilities/{rid}/", [payload], True)
        responsibilities[rid] = {
            "name": joined(chunk, NAME_SEP),
            "category": cat_ids[i],
            "description": joined(chunk, MD_SEP),
            "aliases": [f"old-{rid}"],
            "owners": owners,
            "duties": duties,
            "references": [{"title": p.text, "url": next(url_cycle)} for p in chunk],
        }
        place("responsibility name", f"responsibilities/{rid}/", chunk, False)
        place("responsibility name", f"responsibilities/old-{rid}/", chunk, False)
        place("responsibility description", f"responsibilities/{rid}/", chunk, True)
        place("reference title", f"responsibilities/{rid}/", chunk, False)
    # Duties beyond one per owning party, so that every payload is a duty text.
    placed = {p.payload.marker for p in placements if p.kind == "duty text"}
    extra = [p for p in payloads if p.marker not in placed]
    for i, payload in enumerate(extra):
        rid = row_ids[i % n]
        row = responsibilities[rid]
        party = next(iter(row["duties"]))
        row["duties"][party].append(payload.text)
        place("duty text", f"responsibilities/{rid}/", [payload], True)

    document = {
        "schema": "1",
        "title": joined(names[0], NAME_SEP),
        "intro": joined(list(payloads), MD_SEP),
        "last_updated": "2024-01-31",
        "parties": parties,
        "capabilities": capabilities,
        "categories": categories,
        "responsibilities": responsibilities,
    }
    place("title", "", names[0], False)
    place("intro", "", list(payloads), True)
    return HostileData(document, placements)


def title_variants(payloads: tuple[Payload, ...] = PAYLOADS) -> list[list[Payload]]:
    """Groups of payloads for the ``title`` field (one site per group)."""
    return pack(payloads, NAME_LIMIT, NAME_SEP)


def minimal_document(title: str) -> dict[str, Any]:
    """The smallest valid file, with the given title."""
    return {
        "schema": "1",
        "title": title,
        "parties": {"you": {"name": "You"}},
        "capabilities": {"api": {"name": "API"}},
        "categories": {"general": {"name": "General"}},
        "responsibilities": {
            "secrets": {
                "name": "Secrets",
                "category": "general",
                "owners": {"api": "you"},
                "duties": {"you": ["Rotate secrets."]},
            }
        },
    }


def _cycle(payloads: tuple[Payload, ...]) -> Iterator[Payload]:
    while True:
        yield from payloads


def _cycle_str(items: tuple[str, ...]) -> Iterator[str]:
    while True:
        yield from items


# Hostile ids: never valid ids (the id pattern keeps markup out of URLs and attributes).
HOSTILE_IDS: tuple[str, ...] = (
    "<script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "../../etc/passwd",
    "a/b",
    "a b",
    "UPPER",
    "a--b",
    "-a",
    "a-",
    "a_b",
    "a.b",
    "\uff53\uff43\uff52\uff49\uff50\uff54",  # fullwidth "script"
    "a\u200bb",
    "x" * 65,
    "{{7*7}}",
    "abc\n",
    "\nabc",
)

# Reference URLs the schema must refuse (only http, https and mailto are links).
HOSTILE_REFERENCE_URLS: tuple[str, ...] = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\u0001javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\u0000script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "%6Aavascript:alert(1)",
    "javascript://example.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/",
    "//evil.example/",
    "/relative/path",
    "https:javascript:alert(1)",
    "https:/evil",
    "https://",
    "https://exa mple.com/",
    "https://example.com/\u0000",
    "https://example.com/\u007f",
    "https://example.com/\u0085",
    "https://example.com/\u00a0x",
    "http://example.com/\nSet-Cookie:x",
    "mailto: x@example.com",
)


# --- Reading HTML without a browser ----------------------------------------------------

_URL_ATTRIBUTES = """href src action formaction data poster srcset background cite codebase
ping manifest longdesc lowsrc dynsrc xlink:href"""
URL_ATTRIBUTES = frozenset(_URL_ATTRIBUTES.split())
_DANGEROUS_TAGS = """script iframe frame frameset object embed applet svg math style link
meta base form input button textarea select details template noscript marquee video audio
source body html portal image use animate set foreignobject mglyph mtext table"""
DANGEROUS_TAGS = frozenset(_DANGEROUS_TAGS.split())
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def live_bad_scheme(value: str) -> str | None:
    """The dangerous scheme a URL attribute value would run as, if any, read the way the
    URL standard does: C0 controls and spaces trimmed at both ends, tabs and newlines
    removed everywhere, the scheme case-insensitive."""
    url = _URL_TAB_OR_NEWLINE.sub("", value.strip("".join(map(chr, range(0x21))))).lower()
    return next((s for s in BAD_SCHEMES if url.startswith(s)), None)


class _Audit(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._raw_text_of: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self.get_starttag_text() or f"<{tag}>"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} in {start[:160]}")
            if "xss" in name or name == "markdown":
                self.problems.append(f"attribute {name} from a payload in {start[:160]}")
            if value is not None and (name in URL_ATTRIBUTES or name.endswith(":href")):
                scheme = live_bad_scheme(value)
                if scheme:
                    self.problems.append(f"live {scheme} URL in {start[:160]}")
        if tag in DANGEROUS_TAGS and MARKER.search(start):
            self.problems.append(f"<{tag}> made from a payload: {start[:160]}")
        kind = dict(attrs).get("type") or ""
        if tag == "style" or (tag == "script" and "json" not in kind):
            self._raw_text_of = tag

    def handle_endtag(self, tag: str) -> None:
        self._raw_text_of = None

    def handle_data(self, data: str) -> None:
        if self._raw_text_of and MARKER.search(data):
            self.problems.append(f"<{self._raw_text_of}> with payload text: {data[:160]!r}")

    def handle_comment(self, data: str) -> None:
        if MARKER.search(data):
            self.problems.append(f"payload in an HTML comment: {data[:160]!r}")


def static_audit(markup: str) -> list[str]:
    """Markup that only a payload could have produced: event handlers, ``data-xss*``
    attributes, live javascript:/data:/vbscript: URLs, dangerous elements carrying a
    marker, markers inside executable script or style. Empty when the markup is inert."""
    audit = _Audit()
    audit.feed(markup)
    audit.close()
    return audit.problems


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def text_files(site: Path) -> list[Path]:
    return sorted(
        p for p in site.rglob("*") if p.suffix in (".html", ".json", ".csv", ".xml", ".js")
    )


def collapse(text: str) -> str:
    return " ".join(text.split())


# --- Building the hostile sites (each once per test session, shared by modules) ------------

HOSTILE_EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}},
    "admonition",
    "tables",
    "attr_list",
    "md_in_html",
    {"pymdownx.snippets": {"check_paths": False}},
]
"""The site's Markdown extensions with the dangerous ones enabled: attribute lists,
Markdown in HTML and snippet includes of local files."""


def _write_canary(project: Path) -> None:
    for folder in (project, project / "docs"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CANARY_FILE).write_text(CANARY_TEXT + "\n", encoding="utf-8")


@dataclass
class HostileSite:
    data: HostileData
    build: BuildResult

    @property
    def site(self) -> Path:
        return self.build.site


@functools.cache
def hostile_site(base: Path) -> HostileSite:
    """The hostile data built with the hook (``mkdocs build --strict``)."""
    data = hostile_document()
    project = make_project(
        base / "hostile", data.yaml(), config_overrides={"markdown_extensions": HOSTILE_EXTENSIONS}
    )
    _write_canary(project)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return HostileSite(data, result)


@functools.cache
def rendered_hostile_site(base: Path) -> HostileSite:
    """The hostile data through ``srm render``, then a plain ``mkdocs build --strict`` of
    the Markdown it wrote (no hook) with the dangerous extensions enabled."""
    data = hostile_document()
    project = base / "rendered" / "project"
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "srm_data.yaml").write_text(data.yaml(), encoding="utf-8")
    _write_canary(project)
    render = subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", "render", "--out", str(docs), "srm_data.yaml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert render.returncode == 0, render.stderr
    nav = yaml.safe_load((docs / "srm-nav.yml").read_text(encoding="utf-8"))
    (docs / "srm-nav.yml").unlink()
    config = {
        "site_name": "Security handbook",
        "docs_dir": "docs",
        "strict": True,
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "markdown_extensions": HOSTILE_EXTENSIONS,
        **nav,
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return HostileSite(data, result)


@dataclass
class TitleSite:
    title: str
    payloads: list[Payload]
    build: BuildResult


@functools.cache
def title_sites(base: Path) -> tuple[TitleSite, ...]:
    """One small site per group of payloads in the (single) ``title`` field."""

    def one(i: int, group: list[Payload]) -> TitleSite:
        title = joined(group, NAME_SEP)
        project = make_project(base / f"title-{i}", to_yaml(minimal_document(title)))
        result = run_build(project)
        assert result.returncode == 0, result.stderr
        return TitleSite(title, group, result)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return tuple(pool.map(one, *zip(*enumerate(title_variants()), strict=True)))


srm_command = srm
