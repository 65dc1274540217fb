"""The pages of a handbook as :func:`srm_handbook.site.views.pages` yields them: which pages,
in which order, under which source paths, with their titles, tables of contents, search
entries and nav flags, in English or in another language. No MkDocs: the HTML each page
renders is read directly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from urllib.parse import urljoin

import pytest

from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.site import i18n, views
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.views import GeneratedPage, SearchEntry, TocEntry, ViewOptions

from ..helpers import BASE, TWO_ROWS, edit
from ..site_html import read_html

LISTINGS = [
    "index.md",
    "matrix.md",
    "responsibilities/index.md",
    "capabilities/index.md",
    "parties/index.md",
    "overview.md",
    "changes.md",
    "frameworks/index.md",
]
DETAILS = [
    "responsibilities/authentication.md",
    "responsibilities/authorization.md",
    "capabilities/custom-ui.md",
    "capabilities/web-triggers.md",
    "parties/atlassian.md",
    "parties/you.md",
]


def model(text: str = TWO_ROWS) -> Srm:
    return parse_model(text.encode(), "test.yaml")


def by_src(srm: Srm, options: ViewOptions | None = None) -> dict[str, GeneratedPage]:
    return {p.src: p for p in views.pages(srm, options)}


# --- Which pages -----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "security/srm/"])
def test_every_page_in_nav_order_under_the_prefix(prefix: str) -> None:
    pages = list(views.pages(model(), ViewOptions(paths=SitePaths(prefix))))
    assert [p.src for p in pages] == [prefix + src for src in LISTINGS + DETAILS]
    assert [p.in_nav for p in pages] == [True] * len(LISTINGS) + [False] * len(DETAILS)


def test_detail_pages_follow_the_file_order() -> None:
    text = edit(
        TWO_ROWS,
        "parties:\n  atlassian:\n    name: Atlassian\n  you:\n    name: You\n",
        "parties:\n  you:\n    name: You\n  atlassian:\n    name: Atlassian\n",
    )
    srcs = [p.src for p in views.pages(model(text))]
    assert srcs[-2:] == ["parties/you.md", "parties/atlassian.md"]


def test_pages_search_engines_skip_are_the_whole_model_views() -> None:
    """The matrix, the one-page view and the change history repeat the detail pages."""
    pages = by_src(model())
    skipped = {src for src, p in pages.items() if not p.search}
    assert skipped == {"matrix.md", "overview.md", "changes.md"}


# --- Titles ----------------------------------------------------------------------------


def test_titles_of_the_pages() -> None:
    pages = by_src(model())
    assert {src: p.title for src, p in pages.items()} == {
        "index.md": "Test model",
        "matrix.md": "Responsibility matrix",
        "responsibilities/index.md": "Responsibilities",
        "capabilities/index.md": "Capabilities",
        "parties/index.md": "Parties",
        "overview.md": "One-page view",
        "changes.md": "What changed",
        "frameworks/index.md": "Frameworks",
        "responsibilities/authentication.md": "Authentication",
        "responsibilities/authorization.md": "Authorization",
        "capabilities/custom-ui.md": "Custom UI",
        "capabilities/web-triggers.md": "Web triggers",
        "parties/atlassian.md": "Atlassian",
        "parties/you.md": "You",
    }


def test_titles_are_plain_text_on_one_line() -> None:
    text = edit(BASE, "    name: Authentication\n", '    name: "Auth <b>&</b>\\n  sign-in"\n')
    text = edit(text, "    name: You\n", '    name: "The\\n\\tdevelopers"\n')
    text = edit(text, "    name: Web triggers\n", '    name: "Web   triggers "\n')
    pages = by_src(model(text))
    page = pages["responsibilities/authentication.md"]
    assert page.title == "Auth <b>&</b> sign-in"  # escaped where it is used as HTML
    assert "<b>" not in page.html
    assert pages["parties/you.md"].title == "The developers"
    assert pages["capabilities/web-triggers.md"].title == "Web triggers"


# --- Tables of contents ----------------------------------------------------------------


def test_responsibility_toc_has_owners_each_party_with_duties_and_references() -> None:
    text = edit(
        TWO_ROWS,
        "        - Check permissions.\n",
        "        - Check permissions.\n"
        "    references:\n      - title: OWASP\n        url: https://owasp.org/\n",
    )
    pages = by_src(model(text))
    assert pages["responsibilities/authentication.md"].toc == (
        TocEntry(2, "owners", "Owners"),
        TocEntry(2, "party-atlassian", "Atlassian's responsibilities"),
        TocEntry(2, "party-you", "You's responsibilities"),
    )
    assert pages["responsibilities/authorization.md"].toc == (
        TocEntry(2, "owners", "Owners"),
        TocEntry(2, "party-atlassian", "Atlassian's responsibilities"),
        TocEntry(2, "references", "References"),
    )


def test_capability_toc_lists_the_parties_with_a_checklist_for_it() -> None:
    pages = by_src(model())
    assert pages["capabilities/custom-ui.md"].toc == (
        TocEntry(2, "owners", "Who owns what"),
        TocEntry(2, "party-atlassian", "Atlassian's checklist"),
    )
    assert pages["capabilities/web-triggers.md"].toc == (
        TocEntry(2, "owners", "Who owns what"),
        TocEntry(2, "party-you", "You's checklist"),
    )


def test_category_tocs_skip_empty_categories() -> None:
    text = edit(
        TWO_ROWS,
        "categories:\n  app:\n    name: App elements\n",
        "categories:\n  app:\n    name: App elements\n  ops:\n    name: Operations\n"
        "  empty:\n    name: Nothing here\n",
    )
    text = edit(
        text,
        "  authorization:\n    name: Authorization\n    category: app\n",
        "  authorization:\n    name: Authorization\n    category: ops\n",
    )
    pages = by_src(model(text))
    both = (TocEntry(2, "category-app", "App elements"), TocEntry(2, "category-ops", "Operations"))
    assert pages["matrix.md"].toc == both
    assert pages["responsibilities/index.md"].toc == both
    assert pages["overview.md"].toc == (TocEntry(2, "matrix", "Matrix"), *both)
    # A party's page lists only the categories it has duties in.
    assert pages["parties/atlassian.md"].toc == both
    assert pages["parties/you.md"].toc == both[:1]
    assert [e.fragment for e in pages["responsibilities/index.md"].search_entries] == [
        "category-app",
        "category-ops",
    ]


def test_every_toc_entry_and_search_fragment_is_an_anchor_of_its_page() -> None:
    text = edit(
        TWO_ROWS,
        "        - Check permissions.\n",
        "        - Check permissions.\n"
        "    references:\n      - title: OWASP\n        url: https://owasp.org/\n",
    )
    for page in views.pages(model(text), ViewOptions(paths=SitePaths("srm/"))):
        ids = read_html(page.html).ids
        wanted = {t.id for t in page.toc} | {e.fragment for e in page.search_entries}
        assert wanted - {""} <= ids, page.src


# --- Search entries --------------------------------------------------------------------


def test_search_entries_are_built_from_the_model() -> None:
    text = edit(BASE, "    category: app\n", "    category: app\n    description: Check *who*.\n")
    text = edit(
        text, "title: Test model\n", "title: Test model\nintro: |\n  Read  this\n  first.\n"
    )
    pages = by_src(model(text))
    assert pages["index.md"].search_entries == (SearchEntry("", "Test model", "Read this first."),)
    assert pages["responsibilities/authentication.md"].search_entries == (
        SearchEntry("", "Authentication", "App elements Check *who*."),
        SearchEntry("party-atlassian", "Atlassian's responsibilities", "Authenticate the user."),
        SearchEntry("party-you", "You's responsibilities", "Authenticate every web trigger call."),
    )
    assert pages["capabilities/index.md"].search_entries == (
        SearchEntry("", "Capabilities", "Custom UI Web triggers"),
    )
    assert pages["parties/index.md"].search_entries == (
        SearchEntry("", "Parties", "Atlassian You"),
    )
    assert pages["changes.md"].search_entries == (
        SearchEntry("", "What changed", "Change history of the model, newest first"),
    )


def test_capability_search_entry_has_its_status_and_description() -> None:
    text = edit(
        BASE,
        "    name: Web triggers\n",
        "    name: Web triggers\n    status: beta\n    description: Called  over\n      HTTP.\n",
    )
    page = by_src(model(text))["capabilities/web-triggers.md"]
    assert page.search_entries == (SearchEntry("", "Web triggers", "beta Called over HTTP."),)


# --- Contents of the pages -------------------------------------------------------------


def test_each_page_shows_its_own_duties_with_the_contract_markers() -> None:
    pages = by_src(model())
    duties = {src: read_html(p.html).duties for src, p in pages.items()}
    assert [(d.responsibility, d.party) for d in duties["parties/you.md"]] == [
        ("authentication", "you")
    ]
    assert [(d.responsibility, d.party) for d in duties["capabilities/custom-ui.md"]] == [
        ("authentication", "atlassian"),
        ("authorization", "atlassian"),
    ]
    cells = read_html(pages["matrix.md"].html).cells
    assert [(c.responsibility, c.capability, c.owners) for c in cells] == [
        ("authentication", "custom-ui", "atlassian"),
        ("authentication", "web-triggers", "you"),
        ("authorization", "custom-ui", "atlassian"),
        ("authorization", "web-triggers", "n/a"),
    ]


def test_asset_links_resolve_under_the_prefix() -> None:
    paths = SitePaths("security/srm/")
    pages = by_src(model(), ViewOptions(paths=paths))
    site = "https://docs.example.com/"
    home = pages["security/srm/index.md"]
    links = read_html(home.html).links
    targets = {urljoin(urljoin(site, paths.url(SitePaths.HOME)), href) for href in links}
    assert site + "security/srm/srm.json" in targets
    assert site + "security/srm/srm.csv" in targets


def test_the_review_date_is_judged_on_the_day_given() -> None:
    text = edit(TWO_ROWS, "title: Test model\n", "title: Test model\nreview_interval_days: 30\n")
    text = edit(
        text, "      web-triggers: you\n", "      web-triggers: you\n    reviewed: 2024-01-10\n"
    )
    srm = model(text)

    def overdue_on(day: dt.date) -> int:
        return by_src(srm, ViewOptions(today=day))["matrix.md"].html.count('class="srm-overdue"')

    assert overdue_on(dt.date(2024, 1, 20)) == 1  # authorization was never reviewed
    assert overdue_on(dt.date(2024, 3, 1)) == 2


# --- Large pages -----------------------------------------------------------------------


def _with_duties(you: int, atlassian: int = 1) -> str:
    """A model where "you" holds ``you`` duties (at most 150 per row) and Atlassian
    ``atlassian`` (in the first row, which they share)."""
    rows = []
    left, i = you, 0
    while left > 0 or i == 0:
        n = min(left, 150)
        lines = [
            f"  row-{i}:",
            f"    name: Row {i}",
            "    category: app",
            "    owners:",
            "      custom-ui: [atlassian, you]" if i == 0 else "      custom-ui: you",
            "    duties:",
        ]
        if i == 0:
            lines += ["      atlassian:", *[f"        - A duty {k}." for k in range(atlassian)]]
        if n:
            lines += ["      you:", *[f"        - Y duty {i}.{k}." for k in range(n)]]
        rows.append("\n".join(lines))
        left -= n
        i += 1
    return (
        "schema: 1\ntitle: Large\nparties:\n  atlassian:\n    name: Atlassian\n"
        "  you:\n    name: You\ncapabilities:\n  custom-ui:\n    name: Custom UI\n"
        "categories:\n  app:\n    name: App\nresponsibilities:\n" + "\n".join(rows) + "\n"
    )


def test_a_party_page_with_many_duties_is_laid_out_lazily() -> None:
    limit = views.LAZY_DUTIES
    at_limit = by_src(model(_with_duties(limit)))["parties/you.md"].html
    over = by_src(model(_with_duties(limit + 1)))["parties/you.md"].html
    assert len(read_html(at_limit).duties) == limit
    assert "srm-lazy" not in at_limit
    assert len(read_html(over).duties) == limit + 1
    assert "srm-lazy" in over
    # The other party's page is small, however large the model.
    assert "srm-lazy" not in by_src(model(_with_duties(limit + 1)))["parties/atlassian.md"].html


def test_the_one_page_view_counts_every_duty() -> None:
    limit = views.LAZY_DUTIES
    # "you" alone stays at the limit; with Atlassian's duties the model is over it.
    assert "srm-lazy" not in by_src(model(_with_duties(limit - 1)))["overview.md"].html
    assert "srm-lazy" in by_src(model(_with_duties(limit, atlassian=1)))["overview.md"].html
    assert "srm-lazy" not in by_src(model(_with_duties(limit, atlassian=1)))["parties/you.md"].html


# --- Another language ------------------------------------------------------------------


def test_pages_in_another_language() -> None:
    german = i18n.labels("de")
    srm = model()
    english = by_src(srm)
    pages = by_src(srm, ViewOptions(labels=german))
    for src in LISTINGS[1:]:
        assert pages[src].title == german.gettext(english[src].title), src
    translated = [src for src in LISTINGS if pages[src].title != english[src].title]
    assert len(translated) >= len(LISTINGS) - 2  # "Frameworks" is German too
    # Names from the data stay as they are.
    assert pages["index.md"].title == "Test model"
    assert pages["capabilities/custom-ui.md"].title == "Custom UI"
    owners = german.gettext("Owners")
    assert pages["responsibilities/authentication.md"].toc[0] == TocEntry(2, "owners", owners)
    possessive = german.gettext("%(possessive)s responsibilities") % {"possessive": "You's"}
    assert pages["responsibilities/authentication.md"].toc[2].title == possessive
    assert pages["responsibilities/authentication.md"].search_entries[2].title == possessive
    matrix = pages["matrix.md"]
    assert matrix.search_entries[0].title == german.gettext("Responsibility matrix")
    label = german.gettext("Not applicable")
    assert [c.label for c in read_html(matrix.html).cells if c.owners == "n/a"] == [label]
    assert "Not applicable" not in matrix.html


def test_label_overrides_reach_the_pages() -> None:
    labels = i18n.labels("en", {"Owners": "Accountable", "Responsibility matrix": "RACI"})
    pages = by_src(model(), ViewOptions(labels=labels))
    assert pages["matrix.md"].title == "RACI"
    assert pages["responsibilities/authentication.md"].toc[0].title == "Accountable"
    assert by_src(model())["matrix.md"].title == "Responsibility matrix"  # no leak


def test_exports_include_the_json_and_csv_files() -> None:
    files = views.exports(model())
    assert {"srm.json", "srm.csv"} <= set(files)
    assert "srm.oscal.json" not in files  # only with framework mappings
    text = files["srm.csv"]
    assert isinstance(text, str)
    header = next(csv.reader(io.StringIO(text)))
    assert header == ["id", "responsibility", "category", "Custom UI", "Web triggers"]
    data = files["srm.json"]
    assert isinstance(data, str)
    assert [r["id"] for r in json.loads(data)["responsibilities"]] == [
        "authentication",
        "authorization",
    ]
