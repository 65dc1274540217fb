"""The repeated pieces of the pages (cells, duties, row links, owner tables, the matrix
search data), checked on their own against the site contract's markers."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
from urllib.parse import urljoin

import pytest

from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.site import i18n
from srm_handbook.site.fragments import Fragments
from srm_handbook.site.paths import SitePaths

from ..helpers import BASE, TWO_ROWS, edit
from ..site_html import read_html

SITE = "https://docs.example.com/"

# BASE with web triggers shared by both parties (listed out of party order on purpose).
SHARED = edit(BASE, "      web-triggers: you\n", "      web-triggers: [you, atlassian]\n")
# Names and a status that are markup if not escaped.
HOSTILE_NAME = 'At<b>las</b> & "sian"'
HOSTILE = edit(
    edit(TWO_ROWS, "    name: Atlassian\n", "    name: 'At<b>las</b> & \"sian\"'\n"),
    "    name: Custom UI\n",
    "    name: Custom <i>UI</i>\n    status: <beta>\n",
)
# The second duty of "you" has two paragraphs (it cannot be a checkbox's <label>).
LONG_DUTY = edit(
    BASE,
    "        - Authenticate every web trigger call.\n",
    "        - Authenticate every web trigger call.\n"
    "        - |\n          Check the signature.\n\n          Then the *timestamp*.\n",
)


def model(text: str) -> Srm:
    return parse_model(text.encode(), "test.yaml")


def fragments(
    text: str = TWO_ROWS,
    paths: SitePaths | None = None,
    overdue: set[str] | None = None,
    labels: i18n.Labels = i18n.ENGLISH,
) -> Fragments:
    return Fragments(model(text), paths or SitePaths(), overdue or set(), labels)


class _Elements(html.parser.HTMLParser):
    """Every start tag of some HTML with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(markup: str, tag: str) -> list[dict[str, str | None]]:
    reader = _Elements()
    reader.feed(markup)
    reader.close()
    return [attrs for t, attrs in reader.found if t == tag]


def classes(attrs: dict[str, str | None]) -> set[str]:
    return set(str(attrs.get("class") or "").split())


def lands_on(paths: SitePaths, page: str, href: str | None) -> str:
    """The site-root-relative URL that ``href`` on ``page`` leads to."""
    assert href is not None
    return urljoin(urljoin(SITE, paths.url(page)), href).removeprefix(SITE)


# --- Cells -----------------------------------------------------------------------------


def test_cells_carry_the_contract_markers() -> None:
    f = fragments()
    srm = f.srm
    html = str(f.row_cells(srm.responsibility["authorization"]))
    cells = read_html(html).cells
    assert [(c.responsibility, c.capability, c.owners, c.label) for c in cells] == [
        ("authorization", "custom-ui", "atlassian", "Atlassian"),
        ("authorization", "web-triggers", "n/a", "Not applicable"),
    ]
    tds = elements(html, "td")
    assert all("data-srm-cell" in td for td in tds)
    assert [td["id"] for td in tds] == [
        "cell-authorization--custom-ui",
        "cell-authorization--web-triggers",
    ]


def test_cells_without_ids_are_otherwise_the_same() -> None:
    f = fragments()
    r = f.srm.responsibility["authentication"]
    with_ids, without = str(f.row_cells(r)), str(f.row_cells(r, with_ids=False))
    assert read_html(without).cells == read_html(with_ids).cells
    assert [td.get("id") for td in elements(without, "td")] == [None, None]
    assert [classes(td) for td in elements(without, "td")] == [
        classes(td) for td in elements(with_ids, "td")
    ]


def test_sole_shared_and_not_applicable_cells_are_told_apart() -> None:
    f = fragments(SHARED)
    tds = elements(str(f.row_cells(f.srm.responsibility["authentication"])), "td")
    sole, shared = tds
    assert classes(sole) == {"srm-cell", "srm-sole", "srm-p0"}
    assert shared["data-owners"] == "atlassian you"  # party order, not the file's
    assert classes(shared) == {"srm-cell", "srm-shared", "srm-p0", "srm-p1"}
    assert read_html(str(f.row_cells(f.srm.responsibility["authentication"]))).cells[1].label == (
        "Atlassian & You"
    )

    na = elements(str(fragments().row_cells(model(TWO_ROWS).responsibilities[1])), "td")[1]
    assert na["data-owners"] == "n/a"
    assert classes(na) == {"srm-cell", "srm-na"}


def test_party_colours_follow_the_party_order() -> None:
    f = fragments()
    you = elements(str(f.row_cells(f.srm.responsibility["authentication"])), "td")[1]
    assert you["data-owners"] == "you"
    assert classes(you) == {"srm-cell", "srm-sole", "srm-p1"}


def test_not_applicable_is_labelled_in_the_site_language() -> None:
    german = i18n.labels("de")
    label = german.gettext("Not applicable")
    assert label != "Not applicable"
    f = fragments(labels=german)
    cells = read_html(str(f.row_cells(f.srm.responsibility["authorization"]))).cells
    assert cells[1].owners == "n/a"  # the marker is not translated
    assert cells[1].label == label
    assert f.owners_line(f.srm.responsibility["authorization"]).endswith(f"{label}.")


def test_cell_labels_are_escaped() -> None:
    f = fragments(HOSTILE)
    html = str(f.row_cells(f.srm.responsibility["authentication"]))
    assert "<b>" not in html
    assert read_html(html).cells[0].label == HOSTILE_NAME


# --- Duties ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "security/srm/"])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_duties_carry_the_markers_and_link_their_capabilities(
    prefix: str, directory_urls: bool
) -> None:
    paths = SitePaths(prefix, directory_urls)
    f = fragments(SHARED, paths)
    r = f.srm.responsibility["authentication"]
    for page in (SitePaths.party("you"), SitePaths.OVERVIEW, SitePaths.HOME):
        html = str(f.duty_list(page, r.duties))
        marks = read_html(html).duties
        assert [(d.responsibility, d.party, d.capabilities, d.text) for d in marks] == [
            ("authentication", "atlassian", "custom-ui web-triggers", "Authenticate the user."),
            ("authentication", "you", "web-triggers", "Authenticate every web trigger call."),
        ]
        items = elements(html, "li")
        assert all("data-srm-duty" in li for li in items)
        assert [li["id"] for li in items] == [
            "authentication--duty-atlassian-1",
            "authentication--duty-you-1",
        ]
        tags = elements(html, "span")
        assert [t.get("aria-label") for t in tags if "srm-tags" in classes(t)] == [
            "Applies to",
            "Applies to",
        ]
        targets = [lands_on(paths, page, a["href"]) for a in elements(html, "a")]
        assert targets == [
            paths.url(SitePaths.capability("custom-ui")),
            paths.url(SitePaths.capability("web-triggers")),
            paths.url(SitePaths.capability("web-triggers")),
        ]


def test_duties_without_tags_have_no_links_and_no_anchors() -> None:
    f = fragments()
    r = f.srm.responsibility["authentication"]
    html = str(f.duty_list(SitePaths.capability("custom-ui"), r.duties, tags=False))
    assert [d.party for d in read_html(html).duties] == ["atlassian", "you"]
    assert elements(html, "a") == []
    assert [li.get("id") for li in elements(html, "li")] == [None, None]
    assert "Applies to" not in html


def test_a_one_paragraph_duty_is_the_checkbox_label() -> None:
    f = fragments()
    html = str(f.duty_list(SitePaths.HOME, f.srm.responsibilities[0].duties[:1]))
    assert html.count("<label>") == 1
    (box,) = elements(html, "input")
    assert box == {"type": "checkbox"}
    assert "<p>" not in html


def test_a_longer_duty_names_its_checkbox_by_id() -> None:
    f = fragments(LONG_DUTY)
    duty = f.srm.responsibility["authentication"].duties_of("you")[1]
    html = str(f.duty_list(SitePaths.HOME, [duty]))
    assert "<label>" not in html
    (box,) = elements(html, "input")
    text_id = box["aria-labelledby"]
    assert text_id in read_html(html).ids
    assert html.count("<p>") == 2
    assert "<em>timestamp</em>" in html


def test_duty_groups_link_each_row_under_a_heading_or_a_label() -> None:
    paths = SitePaths("srm/")
    f = fragments(paths=paths)
    rows = [(r, r.duties) for r in f.srm.responsibilities]
    page = SitePaths.party("atlassian")
    h3 = str(f.duty_groups(page, rows, tags=True, heading="h3"))
    assert [h["id"] for h in elements(h3, "h3")] == ["row-authentication", "row-authorization"]
    links = [lands_on(paths, page, a["href"]) for a in elements(h3, "a")]
    assert paths.url(SitePaths.responsibility("authorization")) in links
    assert [d.responsibility for d in read_html(h3).duties] == [
        "authentication",
        "authentication",
        "authorization",
    ]
    plain = str(f.duty_groups(page, rows, tags=False, heading="p"))
    assert elements(plain, "h3") == []
    assert [classes(p) for p in elements(plain, "p")] == [{"srm-duty-group"}] * 2


def test_duties_per_capability_and_per_party() -> None:
    f = fragments(SHARED)
    atlassian_duty, you_duty = f.srm.responsibility["authentication"].duties
    assert f.duties_for_capability("custom-ui") == [atlassian_duty]
    assert f.duties_for_capability("web-triggers") == [atlassian_duty, you_duty]
    by_party = f.duties_by_party(f.srm.responsibility["authentication"])
    assert [(p.id, duties) for p, duties in by_party] == [
        ("atlassian", (atlassian_duty,)),
        ("you", (you_duty,)),
    ]


# --- Row links and tables --------------------------------------------------------------


@pytest.mark.parametrize(
    "paths", [SitePaths(), SitePaths("a/b/"), SitePaths(directory_urls=False)], ids=repr
)
def test_row_links_are_relative_to_the_page(paths: SitePaths) -> None:
    f = fragments(paths=paths)
    r = f.srm.responsibility["authorization"]
    target = paths.url(SitePaths.responsibility("authorization"))
    for page in (
        SitePaths.HOME,
        SitePaths.MATRIX,
        SitePaths.RESPONSIBILITIES,
        SitePaths.capability("custom-ui"),
        SitePaths.responsibility("authentication"),
    ):
        (a,) = elements(str(f.row_name(page, r)), "a")
        assert not str(a["href"]).startswith("/")
        assert lands_on(paths, page, a["href"]) == target, page


def test_a_local_row_link_points_at_the_row_on_the_same_page() -> None:
    f = fragments()
    (a,) = elements(str(f.row_name(SitePaths.OVERVIEW, f.srm.responsibilities[1], local=True)), "a")
    assert a["href"] == "#row-authorization"


def test_overdue_rows_are_flagged_wherever_they_are_linked() -> None:
    text = edit(TWO_ROWS, "title: Test model\n", "title: Test model\nreview_interval_days: 30\n")
    text = edit(
        text, "      web-triggers: you\n", "      web-triggers: you\n    reviewed: 2024-01-10\n"
    )
    srm = model(text)
    overdue = {r.id for r in srm.overdue(dt.date(2024, 2, 1))}
    assert overdue == {"authorization"}  # never reviewed; authentication is recent
    f = Fragments(srm, SitePaths(), overdue)

    def flagged(markup: str) -> list[str]:
        return [str(s["title"]) for s in elements(markup, "span") if "srm-overdue" in classes(s)]

    auth, authz = srm.responsibilities
    assert flagged(str(f.row_name(SitePaths.MATRIX, auth))) == []
    assert flagged(str(f.row_name(SitePaths.MATRIX, authz))) == ["Review overdue"]
    assert flagged(str(f.row_name(SitePaths.OVERVIEW, authz, local=True))) == ["Review overdue"]
    assert flagged(
        str(f.capability_owner_rows(SitePaths.capability("custom-ui"), "custom-ui"))
    ) == ["Review overdue"]
    german = Fragments(srm, SitePaths(), overdue, i18n.labels("de"))
    assert flagged(str(german.row_name(SitePaths.MATRIX, authz))) == [
        i18n.labels("de").gettext("Review overdue")
    ]


def test_capability_owner_rows_group_rows_by_category() -> None:
    text = edit(
        TWO_ROWS,
        "categories:\n  app:\n    name: App elements\n",
        "categories:\n  empty:\n    name: Nothing here\n  app:\n    name: App elements\n",
    )
    f = fragments(text)
    page = SitePaths.capability("web-triggers")
    html = str(f.capability_owner_rows(page, "web-triggers"))
    assert html.count("<tbody>") == 1  # the empty category has no group
    assert "Nothing here" not in html
    assert [tr.get("id") for tr in elements(html, "tr")] == [
        None,
        "row-authentication",
        "row-authorization",
    ]
    cells = read_html(html).cells
    assert [(c.responsibility, c.capability, c.owners) for c in cells] == [
        ("authentication", "web-triggers", "you"),
        ("authorization", "web-triggers", "n/a"),
    ]


def test_responsibility_owner_rows_link_every_capability_with_its_badge() -> None:
    paths = SitePaths("srm/")
    f = fragments(HOSTILE, paths)
    page = SitePaths.responsibility("authentication")
    html = str(f.responsibility_owner_rows(page, f.srm.responsibility["authentication"]))
    assert [tr["id"] for tr in elements(html, "tr")] == ["cap-custom-ui", "cap-web-triggers"]
    assert [lands_on(paths, page, a["href"]) for a in elements(html, "a")] == [
        paths.url(SitePaths.capability("custom-ui")),
        paths.url(SitePaths.capability("web-triggers")),
    ]
    assert "<i>" not in html and "<beta>" not in html
    assert "Custom &lt;i&gt;UI&lt;/i&gt;" in html
    assert '<span class="srm-badge">&lt;beta&gt;</span>' in html
    assert [c.owners for c in read_html(html).cells] == ["atlassian", "you"]


def test_badge_is_escaped_and_absent_without_a_status() -> None:
    f = fragments(HOSTILE)
    assert f.badge("custom-ui") == ' <span class="srm-badge">&lt;beta&gt;</span>'
    assert f.badge("web-triggers") == ""


# --- One-page view and matrix search ---------------------------------------------------


def test_owners_line_names_every_capability_once() -> None:
    f = fragments(SHARED)
    assert f.owners_line(f.srm.responsibility["authentication"]) == (
        "Custom UI: Atlassian; Web triggers: Atlassian &amp; You."
    )
    g = fragments()
    assert g.owners_line(g.srm.responsibility["authorization"]) == (
        "Custom UI: Atlassian; Web triggers: Not applicable."
    )


def test_owners_line_is_escaped() -> None:
    f = fragments(HOSTILE)
    line = str(f.owners_line(f.srm.responsibility["authentication"]))
    assert "<" not in line.replace("&lt;", "")
    assert line.startswith("Custom &lt;i&gt;UI&lt;/i&gt;: At&lt;b&gt;las&lt;/b&gt; &amp; ")


BREAKOUT = '</script><script>alert(1)</script> <!-- x --> <![CDATA[ & ]]> \u2028 it\'s "q"'


def test_matrix_search_json_cannot_leave_its_script_element() -> None:
    text = edit(
        TWO_ROWS,
        "        - Check permissions.\n",
        f"        - {json.dumps(BREAKOUT)}\n        - Then **log** the decision.\n",
    )
    f = fragments(text)
    out = str(f.matrix_search_json())
    for dangerous in ("<", ">", "&"):
        assert dangerous not in out
    data = json.loads(out)
    assert list(data) == ["authentication", "authorization"]
    assert data["authentication"] == "Authenticate the user. Authenticate every web trigger call."
    # What the reader sees of each duty (Markdown rendered, then as text), joined.
    assert data["authorization"] == " ".join(f"{BREAKOUT} Then log the decision.".split())
    # Inside a real <script> element the browser's HTML parser sees no end tag.
    page = f"<script>var texts = {out};</script><p>after</p>"
    scripts = page.split("</script>")
    assert len(scripts) == 2 and scripts[1] == "<p>after</p>"
