"""Hostile text in every field of the data is inert wherever it lands, and nothing is lost.

The corpus (``tests/hostile_payloads.py``) is built into a real site with
``mkdocs build --strict`` and the dangerous Markdown extensions enabled (attr_list,
md_in_html, pymdownx.snippets), once through the hook and once through ``srm render``
plus a plain MkDocs build. These tests read the output without a browser: the HTML of
every page, the search index, srm.json and srm.csv. ``test_hostile_browser.py`` opens the
same sites in Chromium.
"""

from __future__ import annotations

import csv
import html
import html.parser
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model
from srm_handbook.site.exports import formula_like

from ..hostile_payloads import (
    CANARY_TEXT,
    FORMULA_START,
    HOSTILE_IDS,
    HOSTILE_REFERENCE_URLS,
    HOSTILE_URLS,
    PAYLOADS,
    STATUS_LIMIT,
    HostileSite,
    collapse,
    hostile_document,
    hostile_site,
    html_files,
    live_bad_scheme,
    minimal_document,
    rendered_hostile_site,
    srm_command,
    static_audit,
    text_files,
    title_sites,
    title_variants,
    to_yaml,
)

JINJA_RESULT = str(1337 * 1337)  # what "{{ 1337*1337 }}" would print if it were evaluated


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileSite:
    return hostile_site(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> HostileSite:
    return rendered_hostile_site(tmp_path_factory.getbasetemp())


# --- The corpus -------------------------------------------------------------------------


def test_the_corpus_has_at_least_40_distinct_payloads() -> None:
    assert len(PAYLOADS) >= 40
    assert len({p.marker for p in PAYLOADS}) == len(PAYLOADS)
    assert len({p.text for p in PAYLOADS}) == len(PAYLOADS)
    for p in PAYLOADS:  # a marker is never part of another payload's marker
        assert [q.marker for q in PAYLOADS if p.marker in q.text] == [p.marker], p


def test_every_payload_lands_in_every_field_kind() -> None:
    data = hostile_document()
    placed: dict[str, set[str]] = defaultdict(set)
    for placement in data.placements:
        placed[placement.kind].add(placement.payload.marker)
    everything = {p.marker for p in PAYLOADS}
    kinds = {
        "party name",
        "party possessive",
        "party description",
        "capability name",
        "capability description",
        "category name",
        "category description",
        "responsibility name",
        "responsibility description",
        "duty text",
        "reference title",
        "intro",
    }
    for kind in kinds:
        assert placed[kind] == everything, kind
    redirects = {p.url for p in data.placements if p.url.startswith("responsibilities/old-")}
    assert len(redirects) == len(data.document["responsibilities"])
    # A status holds at most 40 characters: every payload that fits is in one.
    assert placed["capability status"] == {
        p.marker for p in PAYLOADS if len(p.text) <= STATUS_LIMIT
    }
    # The title is a single field: each group of payloads gets a site of its own.
    assert {p.marker for group in title_variants() for p in group} == everything


def test_the_hostile_data_is_valid_and_kept_exactly() -> None:
    data = hostile_document()
    srm = parse_model(data.yaml().encode(), "hostile.yaml")
    doc = data.document
    assert srm.title == doc["title"]
    assert srm.intro == doc["intro"]
    assert [p.name for p in srm.parties] == [p["name"] for p in doc["parties"].values()]


# --- The built site's HTML --------------------------------------------------------------


def _audit_site(site: Path) -> dict[str, list[str]]:
    found = {}
    for path in html_files(site):
        problems = static_audit(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(site))] = problems
    return found


def test_no_page_holds_markup_made_from_a_payload(hostile: HostileSite) -> None:
    pages = html_files(hostile.site)
    assert len(pages) > 60
    assert _audit_site(hostile.site) == {}


def test_the_audit_would_see_a_payload_that_got_through() -> None:
    for payload in PAYLOADS[:35]:
        if payload.marker in ("XSS30", "XSS31"):
            continue  # broken markup and pre-escaped text are no elements in any parser
        in_text = f"<p>{payload.text}</p>"
        in_attributes = (f'<a title="{payload.text}">x</a>', f"<a title='{payload.text}'>x</a>")
        assert any(static_audit(html) for html in (in_text, *in_attributes)), payload
    assert static_audit('<a href="&#x6A;ava&#9;script:alert(1)">x</a>')
    assert not static_audit(f"<p>{html.escape(PAYLOADS[1].text)}</p>")


def test_jinja_and_snippet_includes_stay_literal(hostile: HostileSite) -> None:
    for path in text_files(hostile.site):
        text = path.read_text(encoding="utf-8")
        assert JINJA_RESULT not in text, path
        assert "XSS59XSS59" not in text, path
        assert "SNIPPET-CANARY" not in text, path
        assert "root:x:0:0" not in text, path
    home = hostile.build.page("")
    assert "{{ 1337*1337 }} XSS58" in html.unescape(home)
    assert '--8&lt;-- "canary.md"' in home.replace("&#34;", '"').replace("&quot;", '"')


def test_page_titles_are_escaped_exactly_once(hostile: HostileSite) -> None:
    doc = hostile.data.document
    for rid, row in doc["responsibilities"].items():
        page = hostile.build.page(f"responsibilities/{rid}/")
        start = page.index("<title>") + len("<title>")
        title = page[start : page.index("</title>", start)]
        assert "<" not in title, rid
        assert collapse(html.unescape(title)) == collapse(row["name"]) + " - Security handbook"


def test_the_search_index_holds_only_escaped_text(hostile: HostileSite) -> None:
    index = json.loads((hostile.site / "search" / "search_index.json").read_text("utf-8"))
    docs = index["docs"]
    assert docs
    for doc in docs:
        for key in ("title", "text"):
            assert static_audit(doc[key]) == [], (doc["location"], key)
            assert "<script" not in doc[key].lower(), (doc["location"], key)
    # The payloads are indexed (as text): the search finds them.
    everything = " ".join(html.unescape(d["title"] + " " + d["text"]) for d in docs)
    assert "<img src=x onerror=alert('XSS02') data-xss02>" in everything


# --- srm.json and srm.csv ----------------------------------------------------------------


def test_srm_json_keeps_every_string_exactly(hostile: HostileSite) -> None:
    doc = hostile.data.document
    out = json.loads((hostile.site / "srm.json").read_text(encoding="utf-8"))
    assert out["title"] == doc["title"]
    assert out["intro"] == doc["intro"]
    for got, (pid, want) in zip(out["parties"], doc["parties"].items(), strict=True):
        assert got == {"id": pid, "plural": False, **want}
    for got, (cid, want) in zip(out["capabilities"], doc["capabilities"].items(), strict=True):
        assert got == {"id": cid, "status": None, **want}
    for got, (kid, want) in zip(out["categories"], doc["categories"].items(), strict=True):
        assert got == {"id": kid, **want}
    rows = doc["responsibilities"]
    for got, (rid, want) in zip(out["responsibilities"], rows.items(), strict=True):
        assert got["id"] == rid
        assert got["name"] == want["name"]
        assert got["description"] == want["description"]
        assert got["references"] == want["references"]
        texts = [t for party in want["duties"].values() for t in party]
        assert sorted(d["text"] for d in got["duties"]) == sorted(texts)
    every_string = json.dumps(out, ensure_ascii=False)
    for payload in PAYLOADS:
        assert json.dumps(payload.text, ensure_ascii=False)[1:-1] in every_string


def _csv_expected(doc: dict[str, Any]) -> list[list[str]]:
    parties = doc["parties"]
    caps = doc["capabilities"]
    rows = [["id", "responsibility", "category", *(c["name"] for c in caps.values())]]
    for rid, row in doc["responsibilities"].items():
        cells = []
        for cid in caps:
            owner = row["owners"][cid]
            owners = [] if owner == "n/a" else [owner] if isinstance(owner, str) else owner
            ordered = [p for p in parties if p in owners]
            cells.append(" & ".join(parties[p]["name"] for p in ordered) or "n/a")
        category = doc["categories"][row["category"]]["name"]
        rows.append([rid, row["name"], category, *cells])
    return rows


def test_srm_csv_neutralises_formulas_and_changes_nothing_else(hostile: HostileSite) -> None:
    raw = (hostile.site / "srm.csv").read_bytes().decode("utf-8")
    got = list(csv.reader(io.StringIO(raw, newline="")))
    want = _csv_expected(hostile.data.document)
    assert len(got) == len(want)
    neutralised: set[str] = set()
    for got_row, want_row in zip(got, want, strict=True):
        assert len(got_row) == len(want_row)
        for cell, value in zip(got_row, want_row, strict=True):
            if formula_like(value):  # its own cases: tests/cli/test_cli.py
                assert cell == "'" + value
                if value.startswith(FORMULA_START):
                    neutralised.add(value[0])
            else:
                assert cell == value
    # Every formula trigger was met, in names, owner cells and the header.
    assert neutralised == set(FORMULA_START)
    assert any(c.startswith("'") for c in got[0])


# --- srm render, then a plain MkDocs build with the dangerous extensions -----------------


def test_srm_render_output_is_inert_under_attr_list_md_in_html_and_snippets(
    rendered: HostileSite,
) -> None:
    pages = html_files(rendered.site)
    assert len(pages) > 60
    assert _audit_site(rendered.site) == {}
    for path in text_files(rendered.site):
        text = path.read_text(encoding="utf-8")
        assert "SNIPPET-CANARY" not in text, path
        assert JINJA_RESULT not in text, path
    assert (rendered.build.project / "canary.md").read_text("utf-8").startswith(CANARY_TEXT)
    index = json.loads((rendered.site / "search" / "search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        assert static_audit(doc["title"]) == [] and static_audit(doc["text"]) == []


# --- The title field: one small site per group of payloads ------------------------------


def test_every_payload_in_the_title_is_escaped_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    sites = title_sites(tmp_path_factory.getbasetemp())
    assert {p.marker for s in sites for p in s.payloads} == {p.marker for p in PAYLOADS}
    for s in sites:
        assert _audit_site(s.build.site) == {}, s.title
        home = s.build.page("")
        start = home.index("<title>") + len("<title>")
        title = home[start : home.index("</title>", start)]
        assert "<" not in title
        assert collapse(html.unescape(title)) == collapse(s.title) + " - Security handbook"
        out = json.loads((s.build.site / "srm.json").read_text(encoding="utf-8"))
        assert out["title"] == s.title


# --- Carriers that the schema refuses: ids and reference URLs ---------------------------

ID_POSITIONS = (
    "party",
    "capability",
    "category",
    "responsibility",
    "alias",
    "owner",
    "duty party",
    "duty scope",
    "category reference",
)


def _with_id(position: str, bad: str) -> dict[str, Any]:
    doc = minimal_document("Hostile ids")
    row = doc["responsibilities"]["secrets"]
    if position == "party":
        doc["parties"][bad] = {"name": "Evil"}
    elif position == "capability":
        doc["capabilities"][bad] = {"name": "Evil"}
        row["owners"][bad] = "you"
    elif position == "category":
        doc["categories"][bad] = {"name": "Evil"}
    elif position == "responsibility":
        doc["responsibilities"][bad] = {**row}
    elif position == "alias":
        row["aliases"] = [bad]
    elif position == "owner":
        row["owners"]["api"] = bad
    elif position == "duty party":
        row["duties"][bad] = ["Do evil."]
    elif position == "duty scope":
        row["duties"]["you"] = [{"text": "Rotate.", "capabilities": [bad]}]
    elif position == "category reference":
        row["category"] = bad
    return doc


@pytest.mark.parametrize("position", ID_POSITIONS)
def test_hostile_ids_are_rejected_with_located_errors(position: str) -> None:
    for bad in HOSTILE_IDS:
        text = to_yaml(_with_id(position, bad))
        with pytest.raises(SrmDataError) as info:
            parse_model(text.encode(), "ids.yaml")
        quoted = to_yaml({"id": bad}).split(": ", 1)[1].rstrip("\n")
        line_of_id = next(i for i, ln in enumerate(text.splitlines(), 1) if quoted in ln)
        at_id = [d.message for d in info.value.diagnostics if d.line == line_of_id]
        assert any("invalid id" in m or "is too long" in m for m in at_id), (
            position,
            bad,
            info.value.format(),
        )
        for line in info.value.format().splitlines():
            assert line.startswith("ids.yaml:") and ": error: " in line


def test_hostile_ids_through_the_command_give_clean_errors(tmp_path: Path) -> None:
    doc = minimal_document("Hostile ids")
    for i, bad in enumerate(HOSTILE_IDS):
        doc["parties"][bad] = {"name": f"Evil {i}"}
    path = tmp_path / "ids.yaml"
    path.write_text(to_yaml(doc), encoding="utf-8")
    result = srm_command("validate", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == f"{len(HOSTILE_IDS)} errors"
    for line in lines[:-1]:
        assert line.startswith(f"{path}:") and ": error: " in line, line
    assert len(lines) - 1 == len(HOSTILE_IDS)


def _with_reference(url: str) -> bytes:
    doc = minimal_document("Reference URLs")
    doc["responsibilities"]["secrets"]["references"] = [{"title": "A reference", "url": url}]
    return to_yaml(doc).encode()


@pytest.mark.parametrize("url", HOSTILE_REFERENCE_URLS, ids=lambda u: json.dumps(u)[1:31])
def test_reference_urls_other_than_http_https_mailto_are_refused(url: str) -> None:
    with pytest.raises(SrmDataError) as info:
        parse_model(_with_reference(url), "refs.yaml")
    [diagnostic] = info.value.diagnostics
    assert diagnostic.message.startswith("'url' must "), diagnostic
    assert diagnostic.line > 1


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_valid_urls_with_markup_in_them_are_accepted_and_escaped(url: str) -> None:
    srm = parse_model(_with_reference(url), "refs.yaml")
    assert srm.responsibilities[0].references[0].url == url
    assert live_bad_scheme(url) is None


class _Hrefs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if k == "href" and v is not None]


def test_hostile_reference_urls_stay_whole_in_their_href(hostile: HostileSite) -> None:
    for rid, row in hostile.data.document["responsibilities"].items():
        reader = _Hrefs()
        reader.feed(hostile.build.page(f"responsibilities/{rid}/"))
        for ref in row["references"]:
            assert ref["url"] in reader.hrefs, (rid, ref["url"])


class _RedirectLink(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or (tag == "a" and "data-srm-redirect" in dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "a"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def test_alias_redirect_pages_show_hostile_names_as_text(hostile: HostileSite) -> None:
    for rid, row in hostile.data.document["responsibilities"].items():
        page = hostile.build.page(f"responsibilities/old-{rid}/")
        assert static_audit(page) == []
        reader = _RedirectLink()
        reader.feed(page)
        assert collapse(reader.text) == collapse(row["name"]), rid
