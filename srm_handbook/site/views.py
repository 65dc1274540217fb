"""Pages of the handbook: a Jinja template per kind of page lays out the pieces that
:mod:`srm_handbook.fragments` builds once (cells, duties, checklists, table rows).

Pure: no MkDocs here. :func:`pages` yields a :class:`GeneratedPage` for every page of
the site contract; the MkDocs hook adds them to the build and ``srm render`` writes
them as Markdown files.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from srm_handbook.core.model import Capability, Duty, Framework, Party, Responsibility, Srm
from srm_handbook.site import exports as export
from srm_handbook.site import i18n
from srm_handbook.site.framework_pages import FrameworkPieces
from srm_handbook.site.history_text import entry_summary, entry_title
from srm_handbook.site.markdown_text import plain_text
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.template_cache import template_cache


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str
    """Plain text (escape before use as HTML)."""


@dataclass(frozen=True)
class SearchEntry:
    """One search result: a section of a page. Plain text (escape before use as HTML)."""

    fragment: str
    title: str
    text: str


def _entry(fragment: str, title: str, *texts: str | None) -> SearchEntry:
    return SearchEntry(fragment, plain_text(title), plain_text(" ".join(t for t in texts if t)))


@dataclass(frozen=True)
class GeneratedPage:
    src: str
    """Path as if in docs/, prefix included, e.g. ``responsibilities/authentication.md``."""
    title: str
    """Plain text."""
    body: Callable[[], str] = field(repr=False, compare=False)
    """Renders the page's HTML (each call renders it again; see :attr:`html`)."""
    toc: tuple[TocEntry, ...] = ()
    in_nav: bool = False
    search: bool = True
    """Whether a search engine parsing the HTML should index it (``srm render``)."""
    search_entries: tuple[SearchEntry, ...] = ()
    """What the handbook's search finds on this page, built from the model (the hook
    adds these to the index instead of having the search plugin parse large pages)."""

    @property
    def html(self) -> str:
        return self.body()


@dataclass
class ViewOptions:
    paths: SitePaths = field(default_factory=SitePaths)
    today: dt.date = field(default_factory=dt.date.today)
    history: Any = None
    labels: i18n.Labels = i18n.ENGLISH
    """The language of the generated text (and the site's own labels)."""
    """A :class:`srm_handbook.history.History` when the site shows change history."""
    digest: str | None = None
    """The model's content digest (:func:`export.digest`); computed when not given."""


_ENVIRONMENT: dict[str, Any] = {
    "undefined": StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "extensions": ["jinja2.ext.i18n"],
}


@functools.cache
def _environment(language: str, overrides: tuple[tuple[str, str], ...]) -> Environment:
    env = Environment(
        loader=PackageLoader("srm_handbook.site", "templates"),
        autoescape=True,
        bytecode_cache=template_cache({"autoescape": True, **_ENVIRONMENT}),
        **_ENVIRONMENT,
    )
    words = i18n.labels(language, dict(overrides))
    env.install_gettext_callables(  # type: ignore[attr-defined]
        words.gettext, words.ngettext, newstyle=True
    )
    return env


def environment(labels: i18n.Labels = i18n.ENGLISH) -> Environment:
    """The templates, their labels in the language of ``labels``."""
    return _environment(labels.language, labels.key)


class PageContext(FrameworkPieces):
    """What every template sees: the model, links relative to the current page, and the
    reusable pieces of :class:`~srm_handbook.fragments.Fragments` (and of the framework
    pages, :class:`~srm_handbook.framework_pages.FrameworkPieces`)."""

    def __init__(self, srm: Srm, options: ViewOptions) -> None:
        overdue = {r.id for r in srm.overdue(options.today)}
        super().__init__(srm, options.paths, overdue, options.labels)
        self.options = options
        self.digest = options.digest or export.digest(export.to_json(srm))

    def entry_summary(self, e: Any) -> str:
        """What a history entry (:class:`srm_handbook.history.git_history.Entry`) did, in
        the site's language (the "What changed" page)."""
        return entry_summary(e, self.labels)

    def asset_href(self, from_page: str, name: str) -> str:
        return self.paths.link(from_page, self.paths.asset(name))


LAZY_DUTIES = 300
"""A page listing more duties than this lets the browser lay out only the categories in
view (``srm-lazy``: CSS ``content-visibility``); smaller pages are laid out whole, with
no estimated heights."""


def _render(template: str, c: PageContext, **context: Any) -> Callable[[], str]:
    """The page's HTML, rendered when asked for: a build renders one page at a time and
    lets it go, so the HTML of a large handbook is never all in memory at once."""
    return functools.partial(environment(c.labels).get_template(template).render, c=c, **context)


def _party_sections(ctx: PageContext, duties: list[Duty]) -> list[tuple[Party, list[Any]]]:
    """Duties (given in file order) grouped by party, then by category and
    responsibility, in file order."""
    by_party: dict[str, dict[str, list[Duty]]] = {p.id: {} for p in ctx.srm.parties}
    for d in duties:  # the hot loop of preparing the pages: no setdefault(..., [])
        rows = by_party[d.party]
        of_row = rows.get(d.responsibility)
        if of_row is None:
            rows[d.responsibility] = [d]
        else:
            of_row.append(d)
    row = ctx.srm.responsibility
    out = []
    for party in ctx.srm.parties:
        rows_of_party = by_party.get(party.id)
        if not rows_of_party:
            continue
        by_category: dict[str, list[tuple[Responsibility, list[Duty]]]] = {}
        for rid, of_row in rows_of_party.items():
            r = row[rid]
            by_category.setdefault(r.category, []).append((r, of_row))
        groups = [(c, by_category[c.id]) for c in ctx.srm.categories if c.id in by_category]
        out.append((party, groups))
    return out


def home(ctx: PageContext) -> GeneratedPage:
    src = ctx.paths.src(SitePaths.HOME)
    page = SitePaths.HOME
    html = _render("home.html.j2", c=ctx, page=page)
    entries = (_entry("", ctx.srm.title, ctx.srm.intro),)
    return GeneratedPage(src, ctx.srm.title, html, in_nav=True, search_entries=entries)


def _category_toc(srm: Srm) -> tuple[TocEntry, ...]:
    """A table of contents entry for each category that has rows (``category-<id>``)."""
    return tuple(TocEntry(2, f"category-{c.id}", c.name) for c, rows in srm.by_category if rows)


def matrix(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.MATRIX
    html = _render("matrix.html.j2", c=ctx, page=page)
    toc = _category_toc(ctx.srm)
    entries = (
        _entry(
            "",
            ctx.labels.gettext("Responsibility matrix"),
            ctx.labels.gettext("Who owns each responsibility"),
        ),
    )
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("Responsibility matrix"),
        html,
        toc,
        True,
        False,
        entries,
    )


def responsibility(
    ctx: PageContext, r: Responsibility, prev: Responsibility | None, nxt: Responsibility | None
) -> GeneratedPage:
    page = SitePaths.responsibility(r.id)
    sections = ctx.duties_by_party(r)
    controls = ctx.responsibility_controls(page, r) if r.controls else []
    html = _render(
        "responsibility.html.j2",
        c=ctx,
        page=page,
        r=r,
        sections=sections,
        prev=prev,
        next=nxt,
        controls=controls,
    )
    toc = [TocEntry(2, "owners", ctx.labels.gettext("Owners"))]
    toc += [
        TocEntry(
            2,
            f"party-{p.id}",
            ctx.labels.gettext("%(possessive)s responsibilities") % {"possessive": p.possessive},
        )
        for p, _ in sections
    ]
    if controls:
        toc.append(TocEntry(2, "controls", ctx.labels.gettext("Controls")))
    if r.references:
        toc.append(TocEntry(2, "references", ctx.labels.gettext("References")))
    entries = [_entry("", r.name, ctx.srm.category[r.category].name, r.description)]
    entries += [
        _entry(
            f"party-{p.id}",
            ctx.labels.gettext("%(possessive)s responsibilities") % {"possessive": p.possessive},
            *(d.text for d in duties),
        )
        for p, duties in sections
    ]
    if controls:
        entries.append(
            _entry(
                "controls",
                ctx.labels.gettext("Controls"),
                *(
                    f"{ctx.srm.framework[fid].name}: {' '.join(ids)}"
                    for fid, ids in r.controls.items()
                ),
            )
        )
    return GeneratedPage(
        ctx.paths.src(page), plain_text(r.name), html, tuple(toc), search_entries=tuple(entries)
    )


def responsibilities_index(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.RESPONSIBILITIES
    html = _render("responsibilities.html.j2", c=ctx, page=page)
    toc = _category_toc(ctx.srm)
    entries = tuple(
        _entry(f"category-{cat.id}", cat.name, cat.description)
        for cat, rows in ctx.srm.by_category
        if rows
    )
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("Responsibilities"),
        html,
        toc,
        True,
        search_entries=entries,
    )


def capability(ctx: PageContext, cap: Capability) -> GeneratedPage:
    page = SitePaths.capability(cap.id)
    sections = _party_sections(ctx, ctx.duties_for_capability(cap.id))
    html = _render(
        "capability.html.j2",
        c=ctx,
        page=page,
        cap=cap,
        sections=sections,
        choices=[(p.id, p.name) for p, _ in sections],
    )
    toc = [TocEntry(2, "owners", ctx.labels.gettext("Who owns what"))]
    toc += [
        TocEntry(
            2,
            f"party-{p.id}",
            ctx.labels.gettext("%(possessive)s checklist") % {"possessive": p.possessive},
        )
        for p, _ in sections
    ]
    entries = (_entry("", cap.name, cap.status, cap.description),)
    return GeneratedPage(
        ctx.paths.src(page), plain_text(cap.name), html, tuple(toc), search_entries=entries
    )


def capabilities_index(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.CAPABILITIES
    html = _render("capabilities.html.j2", c=ctx, page=page)
    entries = (
        _entry("", ctx.labels.gettext("Capabilities"), *(c.name for c in ctx.srm.capabilities)),
    )
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("Capabilities"),
        html,
        in_nav=True,
        search_entries=entries,
    )


def party(ctx: PageContext, p: Party) -> GeneratedPage:
    page = SitePaths.party(p.id)
    duties = [d for r in ctx.srm.responsibilities for d in r.duties_of(p.id)]
    sections = _party_sections(ctx, duties)
    groups = sections[0][1] if sections else []
    applies = {c for d in duties for c in d.capabilities}
    html = _render(
        "party.html.j2",
        c=ctx,
        page=page,
        p=p,
        groups=groups,
        count=len(duties),
        lazy=len(duties) > LAZY_DUTIES,
        choices=[(cap.id, cap.name) for cap in ctx.srm.capabilities if cap.id in applies],
    )
    toc = tuple(TocEntry(2, f"category-{cat.id}", cat.name) for cat, _ in groups)
    entries = (_entry("", p.name, p.description),)
    return GeneratedPage(ctx.paths.src(page), plain_text(p.name), html, toc, search_entries=entries)


def parties_index(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.PARTIES
    html = _render("parties.html.j2", c=ctx, page=page)
    entries = (_entry("", ctx.labels.gettext("Parties"), *(p.name for p in ctx.srm.parties)),)
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("Parties"),
        html,
        in_nav=True,
        search_entries=entries,
    )


def overview(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.OVERVIEW
    duties = sum(len(r.duties) for r in ctx.srm.responsibilities)
    html = _render("overview.html.j2", c=ctx, page=page, lazy=duties > LAZY_DUTIES)
    toc = (
        TocEntry(2, "matrix", ctx.labels.gettext("Matrix")),
        *_category_toc(ctx.srm),
    )
    entries = (_entry("", ctx.labels.gettext("One-page view"), ctx.srm.title),)
    return GeneratedPage(
        ctx.paths.src(page), ctx.labels.gettext("One-page view"), html, toc, True, False, entries
    )


def frameworks_index(ctx: PageContext) -> GeneratedPage:
    page = SitePaths.FRAMEWORKS
    html = _render("frameworks.html.j2", c=ctx, page=page)
    entries = (_entry("", ctx.labels.gettext("Frameworks"), *(f.name for f in ctx.srm.frameworks)),)
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("Frameworks"),
        html,
        in_nav=True,
        search_entries=entries,
    )


def framework(ctx: PageContext, f: Framework) -> GeneratedPage:
    """One framework (site contract ``frameworks/<id>/``): its mapped controls with
    owners and inheritance per capability, the CRM, and the controls no row maps."""
    page = SitePaths.framework(f.id)
    rows = ctx.rows(f.id)
    unmapped = ctx.unmapped_count(f.id)
    html = _render(
        "framework.html.j2",
        c=ctx,
        page=page,
        f=f,
        rows=rows,
        unmapped=unmapped,
    )
    toc = [TocEntry(2, "controls", ctx.labels.gettext("Mapped controls"))]
    if f.catalog is not None:
        toc.append(TocEntry(2, "unmapped", ctx.labels.gettext("Controls no responsibility maps")))
    # Search finds each mapped control by its id (and title), with the rows mapped to it.
    entries = [_entry("", f.name, ctx.coverage_text(f))]
    entries += [
        _entry(
            row.anchor,
            f"{row.control} {row.title or ''}".strip(),
            f.name,
            *(ctx.srm.responsibility[rid].name for rid in row.responsibilities),
        )
        for row in rows
    ]
    return GeneratedPage(
        ctx.paths.src(page), plain_text(f.name), html, tuple(toc), search_entries=tuple(entries)
    )


def changes(ctx: PageContext) -> GeneratedPage:
    """The "What changed" page: the data file's git history (srm_handbook.history)."""
    page = SitePaths.CHANGES
    history = ctx.options.history
    html = _render("changes.html.j2", c=ctx, page=page, h=history)
    toc: tuple[TocEntry, ...] = ()
    entries = [
        _entry(
            "",
            ctx.labels.gettext("What changed"),
            ctx.labels.gettext("Change history of the model, newest first"),
        )
    ]
    if history is not None:
        titles = [entry_title(e, ctx.labels) for e in history.entries]
        toc = tuple(TocEntry(2, e.anchor, t) for e, t in zip(history.entries, titles, strict=True))
        entries += [
            _entry(e.anchor, t, entry_summary(e, ctx.labels))
            for e, t in zip(history.entries, titles, strict=True)
        ]
    return GeneratedPage(
        ctx.paths.src(page),
        ctx.labels.gettext("What changed"),
        html,
        toc,
        True,
        False,
        tuple(entries),
    )


def pages(srm: Srm, options: ViewOptions | None = None) -> Iterator[GeneratedPage]:
    """Every generated page of the handbook, in nav order first."""
    ctx = PageContext(srm, options or ViewOptions())
    yield home(ctx)
    yield matrix(ctx)
    yield responsibilities_index(ctx)
    yield capabilities_index(ctx)
    yield parties_index(ctx)
    yield overview(ctx)
    yield changes(ctx)
    yield frameworks_index(ctx)
    rows = srm.responsibilities
    for i, r in enumerate(rows):
        yield responsibility(
            ctx, r, rows[i - 1] if i else None, rows[i + 1] if i + 1 < len(rows) else None
        )
    for cap in srm.capabilities:
        yield capability(ctx, cap)
    for p in srm.parties:
        yield party(ctx, p)
    for f in srm.frameworks:
        yield framework(ctx, f)


def export_makers(srm: Srm) -> dict[str, Callable[[], str | bytes]]:
    """Files published beside the pages (site contract): name -> what makes its content.
    A model with framework mappings adds ``srm.oscal.json`` and, with roles, each
    framework's customer responsibility matrix (``srm-crm-<id>.csv``, and a sheet of
    ``srm.xlsx``)."""
    makers: dict[str, Callable[[], str | bytes]] = {
        "srm.json": functools.partial(export.to_json, srm),
        export.SCHEMA_FILE: _schema,
        "srm.csv": functools.partial(export.to_csv, srm),
        "srm.xlsx": functools.partial(_xlsx, srm),
    }
    if srm.frameworks:
        makers["srm.oscal.json"] = functools.partial(_oscal, srm)
    if srm.frameworks and srm.has_roles:
        for f in srm.frameworks:
            makers[SitePaths.crm_csv(f.id)] = functools.partial(_crm_csv, srm, f.id)
    return makers


# The modules of these exports (and xlsxwriter) are imported by whoever makes them: in a
# build, the child process of srm_handbook.background, so the build itself never loads them.


def _schema() -> str:
    from srm_handbook.site import export_schema

    return export_schema.schema_text()


def _xlsx(srm: Srm) -> bytes:
    from srm_handbook.site import crm, workbook

    return workbook.to_xlsx(srm, crm.sheets(srm))


def _oscal(srm: Srm) -> str:
    from srm_handbook.site import oscal

    return oscal.to_oscal_json(srm)


def _crm_csv(srm: Srm, framework: str) -> str:
    from srm_handbook.site import crm

    return crm.to_csv(srm, framework)


def exports(srm: Srm) -> dict[str, str | bytes]:
    """The files of :func:`export_makers`, made: name -> content."""
    return {name: make() for name, make in export_makers(srm).items()}


__all__ = ["GeneratedPage", "Markup", "ViewOptions", "export_makers", "exports", "pages"]
