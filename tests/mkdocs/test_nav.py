"""Where a model's pages go in a site's navigation, on navigations built by hand from
MkDocs' own Navigation, Section and Page objects (no build)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from srm_handbook.mkdocs.nav import leave_section, listing_src, place_section, show_in_section

CONFIG = MkDocsConfig()
PREFIX = "security/srm/"
LISTINGS = [
    "index.md",
    "matrix.md",
    "responsibilities/index.md",
    "capabilities/index.md",
    "parties/index.md",
    "overview.md",
    "changes.md",
]
DETAILS = ["responsibilities/authentication.md", "capabilities/custom-ui.md", "parties/you.md"]


class Site:
    """The pages of a site: every source gets its File and Page, as MkDocs gives them."""

    def __init__(self, prefix: str = PREFIX, extra: tuple[str, ...] = ()) -> None:
        self.prefix = prefix
        self.in_nav = [prefix + src for src in LISTINGS]
        self.detail = [prefix + src for src in DETAILS]
        self.files = Files([])
        self.pages: dict[str, Page] = {}
        for src in [*self.in_nav, *self.detail, *extra]:
            self.add(src)

    def add(self, src: str, title: str | None = None) -> Page:
        file = File(src, src_dir=None, dest_dir="/site", use_directory_urls=True)
        self.files.append(file)
        page = self.pages[src] = Page(title, file, CONFIG)
        return page

    def entry(self, src: str, title: str | None = None) -> Page:
        """A nav entry for ``src`` (MkDocs makes a new Page for each entry of the nav)."""
        page = Page(title, self.files.get_file_from_path(src) or _missing(src), CONFIG)
        self.pages[src] = page
        return page

    def place(self, nav: Navigation, explicit: bool, title: str = "Test model") -> dict[str, Page]:
        return place_section(
            nav, self.files, self.in_nav, self.detail, self.prefix, title, explicit
        )


def _missing(src: str) -> File:
    raise AssertionError(f"no file {src}")


def navigation(items: list[Any]) -> Navigation:
    pages = [item for _, item in _walk(items) if isinstance(item, Page)]
    nav = Navigation(items, pages)
    return nav


def _walk(items: list[StructureItem]) -> list[tuple[list[StructureItem], StructureItem]]:
    out: list[tuple[list[StructureItem], StructureItem]] = []
    for item in items:
        out.append((items, item))
        if isinstance(item, Section):
            out += _walk(item.children)
    return out


def shape(items: list[StructureItem]) -> list[Any]:
    """The nav as titles and sources: a section is (title, [children])."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            out.append((item.title, shape(item.children)))
        elif isinstance(item, Page):
            out.append(item.file.src_uri)
    return out


def generated(prefix: str = PREFIX) -> list[str]:
    return [prefix + src for src in LISTINGS]


# --- listing_src -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "prefix", "listing"),
    [
        ("responsibilities/authentication.md", "", "responsibilities/index.md"),
        ("capabilities/custom-ui.md", "", "capabilities/index.md"),
        ("parties/you.md", "", "parties/index.md"),
        ("responsibilities/index.md", "", "responsibilities/index.md"),
        ("matrix.md", "", "matrix.md"),
        ("index.md", "", "index.md"),
        ("p/q/responsibilities/a.md", "p/q/", "p/q/responsibilities/index.md"),
        ("p/q/matrix.md", "p/q/", "p/q/matrix.md"),
        ("p/q/index.md", "p/q/", "p/q/index.md"),
        # The prefix's own folders are not listings.
        ("responsibilities/matrix.md", "responsibilities/", "responsibilities/matrix.md"),
        ("parties/index.md", "parties/", "parties/index.md"),
    ],
)
def test_listing_src(src: str, prefix: str, listing: str) -> None:
    assert listing_src(src, prefix) == listing


# --- An explicit nav with one entry for the model --------------------------------------


def test_the_entry_becomes_a_section_with_the_users_title() -> None:
    site = Site(extra=("intro.md", "about.md"))
    intro, entry, about = (
        site.entry("intro.md", "Intro"),
        site.entry(PREFIX + "index.md", "Security"),
        site.entry("about.md", "About"),
    )
    nav = navigation([intro, entry, about])
    site.place(nav, explicit=True)
    assert shape(nav.items) == ["intro.md", ("Security", generated()), "about.md"]
    section = nav.items[1]
    assert isinstance(section, Section)
    # MkDocs' links between pages follow the new order.
    assert [p.file.src_uri for p in nav.pages] == ["intro.md", *generated(), "about.md"]
    assert all(child.parent is section for child in section.children)
    assert intro.next_page is nav.pages[1]
    assert about.previous_page is nav.pages[-2]
    assert nav.pages[-2].next_page is about
    assert intro.previous_page is None and about.next_page is None


def test_an_entry_without_a_title_takes_the_models() -> None:
    site = Site()
    nav = navigation([site.entry(PREFIX + "index.md")])
    site.place(nav, explicit=True, title="Forge SRM")
    assert shape(nav.items) == [("Forge SRM", generated())]


def test_an_entry_inside_a_users_section_stays_there() -> None:
    site = Site(extra=("policies/index.md",))
    policies = Section(
        "Policies",
        [site.entry("policies/index.md", "Overview"), site.entry(PREFIX + "index.md", "SRM")],
    )
    nav = navigation([policies])
    site.place(nav, explicit=True)
    assert shape(nav.items) == [("Policies", ["policies/index.md", ("SRM", generated())])]
    inner = policies.children[1]
    assert isinstance(inner, Section) and inner.parent is policies


def test_a_nav_without_the_entry_gets_the_section_at_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    site = Site(extra=("intro.md",))
    nav = navigation([site.entry("intro.md", "Intro")])
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.srm"):
        site.place(nav, explicit=True, title="Forge SRM")
    assert shape(nav.items) == ["intro.md", ("Forge SRM", generated())]
    (message,) = [r.getMessage() for r in caplog.records]
    assert "Forge SRM" in message and f"- Forge SRM: {PREFIX}index.md" in message


def test_a_nav_that_lists_the_pages_by_hand_is_left_alone() -> None:
    site = Site()
    items: list[Any] = [
        site.entry(PREFIX + "index.md", "Home"),
        Section(
            "Who does what",
            [site.entry(PREFIX + "matrix.md", "Matrix"), site.entry(PREFIX + "parties/index.md")],
        ),
    ]
    nav = navigation(items)
    before = shape(nav.items)
    listing = site.place(nav, explicit=True)
    assert shape(nav.items) == before
    # Detail pages still belong to their listing page, wherever the user put it.
    assert listing[PREFIX + "parties/you.md"] is site.pages[PREFIX + "parties/index.md"]


# --- No nav: MkDocs laid the pages out by folder ---------------------------------------


def _auto_nav(site: Site, prefix: str, handwritten: tuple[str, ...] = ()) -> list[Any]:
    """What MkDocs builds from the folders (titles from names; detail pages not in nav)."""
    p = site.entry
    folder: list[Any] = [
        p(prefix + "index.md"),
        *[p(src) for src in handwritten],
        p(prefix + "changes.md"),
        Section("Capabilities", [p(prefix + "capabilities/index.md")]),
        p(prefix + "matrix.md"),
        p(prefix + "overview.md"),
        Section("Parties", [p(prefix + "parties/index.md")]),
        Section("Responsibilities", [p(prefix + "responsibilities/index.md")]),
    ]
    return folder


def test_without_a_nav_the_folder_pages_become_one_section() -> None:
    site = Site(prefix="", extra=("about.md",))
    nav = navigation([*_auto_nav(site, ""), site.entry("about.md")])
    site.place(nav, explicit=False)
    assert shape(nav.items) == [("Test model", generated("")), "about.md"]
    assert [p.file.src_uri for p in nav.pages] == [*generated(""), "about.md"]


def test_without_a_nav_a_prefix_folder_becomes_the_section() -> None:
    site = Site(extra=("index.md",))
    folder = Section("Srm", _auto_nav(site, PREFIX))
    nav = navigation([site.entry("index.md"), Section("Security", [folder])])
    site.place(nav, explicit=False, title="Forge SRM")
    # The folders left holding only the model's pages are replaced by its section.
    assert shape(nav.items) == ["index.md", ("Forge SRM", generated())]


def test_without_a_nav_handwritten_pages_beside_the_model_stay() -> None:
    site = Site(extra=(PREFIX + "notes.md",))
    folder = Section("Srm", _auto_nav(site, PREFIX, handwritten=(PREFIX + "notes.md",)))
    nav = navigation([folder])
    site.place(nav, explicit=False)
    assert shape(nav.items) == [("Srm", [("Test model", generated()), PREFIX + "notes.md"])]


# --- Which listing each page belongs to ------------------------------------------------


def test_every_page_belongs_to_its_listing() -> None:
    site = Site()
    nav = navigation([site.entry(PREFIX + "index.md", "Security")])
    listing = site.place(nav, explicit=True)
    expected = {src: src for src in generated()} | {
        PREFIX + "responsibilities/authentication.md": PREFIX + "responsibilities/index.md",
        PREFIX + "capabilities/custom-ui.md": PREFIX + "capabilities/index.md",
        PREFIX + "parties/you.md": PREFIX + "parties/index.md",
    }
    assert {src: page.file.src_uri for src, page in listing.items()} == expected
    section = nav.items[0]
    assert isinstance(section, Section)
    assert all(page in section.children for page in listing.values())


def test_nothing_happens_without_the_models_files() -> None:
    site = Site()
    site.in_nav = ["elsewhere/index.md"]
    nav = navigation([site.entry(PREFIX + "index.md", "Security")])
    assert site.place(nav, explicit=True) == {}
    assert shape(nav.items) == [PREFIX + "index.md"]


# --- The open section while a detail page is written -----------------------------------


def test_a_detail_page_opens_its_listings_section_while_it_is_written() -> None:
    site = Site()
    nav = navigation([site.entry(PREFIX + "index.md", "Security")])
    listing = site.place(nav, explicit=True)
    detail = site.pages[PREFIX + "responsibilities/authentication.md"]
    owner = listing[PREFIX + "responsibilities/authentication.md"]
    section = nav.items[0]
    assert detail.parent is None and not owner.active

    show_in_section(detail, owner)
    assert owner.active
    assert detail.parent is section
    assert section.active  # MkDocs' section state follows its children

    leave_section(detail, owner)
    assert not owner.active
    assert not section.active


def test_a_listing_page_is_not_marked_by_itself() -> None:
    site = Site()
    nav = navigation([site.entry(PREFIX + "index.md", "Security")])
    listing = site.place(nav, explicit=True)
    matrix = listing[PREFIX + "matrix.md"]
    show_in_section(matrix, matrix)
    assert not matrix.active
    matrix.active = True  # as MkDocs sets it while the page itself is written
    leave_section(matrix, matrix)
    assert matrix.active


def test_a_page_without_a_listing_is_left_as_it_is() -> None:
    site = Site(extra=("about.md",))
    about = site.pages["about.md"]
    show_in_section(about, None)
    assert about.parent is None and not about.active
    leave_section(about, None)
    assert not about.active


def test_a_page_already_in_the_nav_keeps_its_parent() -> None:
    site = Site()
    elsewhere = Section("Elsewhere", [site.entry(PREFIX + "parties/you.md")])
    nav = navigation([site.entry(PREFIX + "index.md", "Security"), elsewhere])
    listing = site.place(nav, explicit=True)
    you = site.pages[PREFIX + "parties/you.md"]
    show_in_section(you, listing[PREFIX + "parties/you.md"])
    assert you.parent is elsewhere
    assert listing[PREFIX + "parties/you.md"].active
