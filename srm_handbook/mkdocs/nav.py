"""Where a model's generated pages go in the site's navigation.

One section per model, titled by the model (or ``nav_title``). Without a ``nav`` in
mkdocs.yml it takes the place of the pages MkDocs laid out by folder; with one, the user
writes a single entry for the model's home page (``- Security: security/srm/index.md``)
and the section replaces it; a nav that already lists the generated pages by hand is left
as it is. Detail pages (one per responsibility, capability, party...) are not in the nav,
but belong to the section of their listing page, so the sidebar shows where they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.srm")


def _walk(items: list[StructureItem]) -> Iterator[tuple[list[StructureItem], StructureItem]]:
    """Every item of the nav with the list that holds it, depth first."""
    for item in items:
        yield items, item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _page_src(item: StructureItem) -> str | None:
    return item.file.src_uri if isinstance(item, Page) else None


def _prune(items: list[StructureItem], srcs: set[str], keep: Section) -> None:
    """Remove the pages ``srcs``, and the sections they leave empty, except in ``keep``.
    A section left holding only ``keep`` (the folder the pages were in) becomes ``keep``."""
    for i, item in reversed(list(enumerate(items))):
        if item is keep:
            continue
        if _page_src(item) in srcs:
            del items[i]
        elif isinstance(item, Section):
            _prune(item.children, srcs, keep)
            if not item.children:
                del items[i]
            elif item.children == [keep]:
                items[i] = keep


def _relink(nav: Navigation) -> None:
    """Parents, the flat page list and previous/next links, as MkDocs derives them."""

    def parents(items: list[StructureItem], parent: Section | None) -> None:
        for item in items:
            item.parent = parent
            if isinstance(item, Section):
                parents(item.children, item)

    parents(nav.items, None)
    nav.pages = [item for _, item in _walk(nav.items) if isinstance(item, Page)]
    bookended = [None, *nav.pages, None]
    for before, page, after in zip(bookended[:-2], nav.pages, bookended[2:], strict=True):
        page.previous_page, page.next_page = before, after


def listing_src(src: str, prefix: str) -> str:
    """The listing page a generated page belongs under: ``P/responsibilities/x.md`` ->
    ``P/responsibilities/index.md``; a top-level page is its own listing."""
    rest = src.removeprefix(prefix)
    folder, _, name = rest.rpartition("/")
    return f"{prefix}{folder}/index.md" if folder and name != "index.md" else src


def place_section(
    nav: Navigation,
    files: Files,
    in_nav: list[str],
    detail: list[str],
    prefix: str,
    title: str,
    explicit: bool,
) -> dict[str, Page]:
    """Put the section of one model into ``nav``: ``in_nav`` are the sources of its listing
    pages (the model's home first), ``detail`` those of its other pages. Returns, for each
    page of the model, the listing page whose section it belongs to."""
    pages = {
        src: f.page for src in in_nav if (f := files.get_file_from_path(src)) and f.page is not None
    }
    listed = {_page_src(item) for _, item in _walk(nav.items)}
    home = in_nav[0] if in_nav else None
    if explicit and any(src in listed for src in in_nav if src != home):
        pass  # the user placed the pages by hand
    elif pages:
        section = Section(title, [pages[src] for src in in_nav if src in pages])
        holder = next(
            ((items, item) for items, item in _walk(nav.items) if _page_src(item) == home),
            None,
        )
        if holder is None:
            if explicit:
                log.info(
                    "the nav has no entry for '%s'; its section is added at the end (write "
                    "'- %s: %s' where it belongs)",
                    title,
                    title,
                    home,
                )
            nav.items.append(section)
        else:
            items, item = holder
            if explicit and isinstance(item, Page) and item.title:
                section.title = item.title  # the title the user gave the entry
            items.insert(items.index(item), section)
            _prune(nav.items, set(pages), section)
        _relink(nav)
    by_listing: dict[str, Page] = {}
    for src in [*in_nav, *detail]:
        listing = pages.get(listing_src(src, prefix))
        if listing is not None:
            by_listing[src] = listing
    return by_listing


def show_in_section(page: Page, listing: Page | None) -> None:
    """While ``page`` is written: its listing's section is open and the listing marked."""
    if listing is None or listing is page:
        return
    if page.parent is None:
        page.parent = listing.parent
    listing.active = True


def leave_section(page: Page, listing: Page | None) -> None:
    if listing is not None and listing is not page:
        listing.active = False
