"""The repeated pieces of the handbook's pages, built in Python once and reused.

A large handbook shows the same cells, duties and row links thousands of times (each
duty on its responsibility page, its party page, the one-page view and every capability
page it applies to). Jinja executing a template per piece was most of a build's time, so
these pieces are plain string building over values escaped once, cached per page depth
(links are relative, so every page at the same depth links alike). The page templates
place the finished pieces; every piece carries the site contract's markers.

Pure: no MkDocs, no Jinja. Every value from the data is escaped here (names) or comes
sanitised from :class:`~srm_handbook.markdown_text.MarkdownRenderer` (texts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape

from srm_handbook.core.model import Duty, Party, Responsibility, Srm
from srm_handbook.site import exports as export
from srm_handbook.site import i18n
from srm_handbook.site.markdown_text import MarkdownRenderer
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.script_labels import script_labels


def _e(text: str) -> str:
    return str(escape(text))


class Fragments:
    """Cells, duties, checklists and table rows of one model, as HTML strings."""

    def __init__(
        self, srm: Srm, paths: SitePaths, overdue: set[str], labels: i18n.Labels = i18n.ENGLISH
    ) -> None:
        self.srm = srm
        self.paths = paths
        self.labels = labels
        overdue_title = _e(labels.gettext("Review overdue"))
        overdue_text = _e(labels.gettext("review overdue"))
        self._overdue_flag = (
            f' <span class="srm-overdue" title="{overdue_title}">{overdue_text}</span>'
        )
        self._applies_to = _e(labels.gettext("Applies to"))
        self.md = MarkdownRenderer()
        self.overdue = overdue
        self.party_index = {p.id: i for i, p in enumerate(srm.parties)}
        self._rname = {r.id: _e(r.name) for r in srm.responsibilities}
        self._cname = {c.id: _e(c.name) for c in srm.capabilities}
        self._badge = {
            c.id: f' <span class="srm-badge">{_e(c.status)}</span>' if c.status else ""
            for c in srm.capabilities
        }
        # Site-root-relative URLs of the pages linked most.
        self._cap_url = {c.id: paths.url(SitePaths.capability(c.id)) for c in srm.capabilities}
        self._resp_url = {
            r.id: paths.url(SitePaths.responsibility(r.id)) for r in srm.responsibilities
        }
        self._cells: dict[tuple[str, str], tuple[str, str]] = {}
        self._owner_parts: dict[tuple[str, ...], tuple[str, str, str]] = {}
        self._row_links: dict[tuple[str, str], str] = {}
        self._duties: dict[tuple[str, str, int, str, bool, bool], str] = {}
        self._duty_bodies: dict[tuple[str, str, int], str] = {}
        self._duties_by_cap: dict[str, list[Duty]] | None = None
        self._cap_heads: dict[str, list[str]] = {}
        self._script_labels: Markup | None = None

    # Links ---------------------------------------------------------------------------
    def href(self, from_page: str, page: str, fragment: str = "") -> str:
        url = self.paths.url(page) + (f"#{fragment}" if fragment else "")
        return self.paths.link(from_page, url)

    def badge(self, cap_id: str) -> Markup:
        """A capability's status badge (or nothing)."""
        return Markup(self._badge[cap_id])  # noqa: S704 (escaped)

    # Cells ---------------------------------------------------------------------------
    def _owners(self, owners: tuple[str, ...]) -> tuple[str, str, str]:
        """What every cell with these owners shares (a model has few combinations): the
        ``data-owners`` and ``class`` attributes, the cell's end and the escaped label."""
        parts = self._owner_parts.get(owners)
        if parts is None:
            kind = "na" if not owners else ("sole" if len(owners) == 1 else "shared")
            style = " ".join(f"srm-p{self.party_index[p] % 8}" for p in owners)
            attr = " ".join(owners) if owners else export.NOT_APPLICABLE
            label = _e(
                export.owners_label(self.srm, owners)
                if owners
                else self.labels.gettext(export.NOT_APPLICABLE_LABEL)
            )
            parts = self._owner_parts[owners] = (
                f'data-owners="{attr}" class="{f"srm-cell srm-{kind} {style}".strip()}"',
                f">{label}</td>",
                label,
            )
        return parts

    def _cell_parts(self, r: Responsibility, cap_id: str) -> tuple[str, str]:
        key = (r.id, cap_id)
        parts = self._cells.get(key)
        if parts is None:
            owners = r.owners[cap_id]
            attrs, tail, _ = self._owners(owners)
            head = (
                f'<td data-srm-cell data-responsibility="{r.id}" data-capability="{cap_id}" {attrs}'
            )
            parts = self._cells[key] = (head, tail)
        return parts

    def row_cells(self, r: Responsibility, with_ids: bool = True) -> Markup:
        """A matrix row's cells, each with its stable anchor ``cell-<rid>--<cid>``."""
        parts = [self._cell_parts(r, c.id) for c in self.srm.capabilities]
        if with_ids:
            cells = [
                f'{h} id="cell-{r.id}--{c.id}"{t}'
                for (h, t), c in zip(parts, self.srm.capabilities, strict=True)
            ]
        else:
            cells = [h + t for h, t in parts]
        return Markup("".join(cells))  # noqa: S704 (built from escaped parts)

    def row_name(self, page: str, r: Responsibility, local: bool = False) -> Markup:
        """A responsibility's name linking to its page (or to its section, ``local``),
        flagged when its review is overdue."""
        if local:
            return Markup(self._row_link(f"#row-{r.id}", r))  # noqa: S704 (escaped)
        return Markup(self._page_link(self.paths.root(page), r))  # noqa: S704 (escaped)

    def _page_link(self, root: str, r: Responsibility) -> str:
        """:meth:`_row_link` to the responsibility's page from a page at ``root``."""
        key = (r.id, root)
        link = self._row_links.get(key)
        if link is None:
            link = self._row_links[key] = self._row_link(root + self._resp_url[r.id], r)
        return link

    def _row_link(self, href: str, r: Responsibility) -> str:
        flag = self._overdue_flag if r.id in self.overdue else ""
        return f'<a href="{href}">{self._rname[r.id]}</a>{flag}'

    # Duties ----------------------------------------------------------------------------
    def _duty(self, root: str, d: Duty, tags: bool, checklist: bool = False) -> str:
        """A duty as a checklist item, built once per page depth (``root``) and variant,
        then reused. A one-paragraph text is the checkbox's <label>; a longer one names
        the checkbox by id. ``tags`` links the capabilities it applies to and anchors
        the item."""
        key = (d.responsibility, d.party, d.index, root, tags, checklist)
        html = self._duties.get(key)
        if html is None:
            if checklist:
                # The same item with what srm.js keeps ticks by (the key and version) and
                # its number on the responsibility page, added to the start tag.
                plain = self._duty(root, d, tags)
                attrs = (
                    f' data-srm-key="{_e(d.key)}" data-srm-version="{d.version}" '
                    f'data-srm-n="{d.index + 1}">'
                )
                html = plain.replace(">", attrs, 1)  # no ">" in the start tag's values
            else:
                html = self._build_duty(d, root, tags)
            self._duties[key] = html
        return html

    def _build_duty(self, d: Duty, root: str, tags: bool) -> str:
        did = f"{d.responsibility}--{d.anchor}"
        anchor = f' id="{did}"' if tags else ""
        head = (
            f'<li data-srm-duty data-responsibility="{d.responsibility}" '
            f'data-party="{d.party}" data-capabilities="{" ".join(d.capabilities)}"{anchor}>'
        )
        body = self._duty_body(d, did)
        if tags:
            links = "".join(
                f'<a href="{root}{self._cap_url[c]}">{self._cname[c]}</a>' for c in d.capabilities
            )
            body += f'<span class="srm-tags" aria-label="{self._applies_to}">{links}</span>'
        return f"{head}{body}</li>"

    def _duty_body(self, d: Duty, did: str) -> str:
        """The checkbox and text of a duty, the same in every variant."""
        key = (d.responsibility, d.party, d.index)
        body = self._duty_bodies.get(key)
        if body is None:
            block = str(self.md.block(d.text))
            inline = str(self.md.inline(d.text))
            box = '<input type="checkbox"'
            if inline != block:
                body = f'<label>{box}> <span class="srm-text">{inline}</span></label>'
            else:
                body = (
                    f'{box} aria-labelledby="{did}-text">'
                    f'<div class="srm-text" id="{did}-text">{block}</div>'
                )
            self._duty_bodies[key] = body
        return body

    def duty_list(self, page: str, duties: Iterable[Duty], tags: bool = True) -> Markup:
        root = self.paths.root(page)
        items = "\n".join([self._duty(root, d, tags) for d in duties])
        return Markup(f'<ul class="srm-checklist">\n{items}\n</ul>')  # noqa: S704 (escaped)

    def checklist_attrs(self, page: str, scope: str, digest: str) -> Markup:
        """The attributes of a checklist form: where the model's root is (its ticks are
        stored under that address), the model's content digest, and the page's scope."""
        root = self.paths.link(page, self.paths.url(SitePaths.HOME))
        return Markup(  # noqa: S704 (ids and hex digits)
            f'data-srm-checklist data-srm-model="{root}" data-srm-digest="{digest}" '
            f'data-srm-scope="{scope}"'
        )

    def duty_groups(
        self,
        page: str,
        rows: Sequence[tuple[Responsibility, Sequence[Duty]]],
        tags: bool,
        heading: str,
    ) -> Markup:
        """Duties grouped under the responsibility each belongs to, linked to its page:
        ``heading`` "h3" (with the anchor ``row-<rid>``) or "p" (a plain label)."""
        root = self.paths.root(page)
        out = []
        for r, duties in rows:
            link = self._page_link(root, r)
            if heading == "h3":
                out.append(f'<h3 id="row-{r.id}">{link}</h3>')
            else:
                out.append(f'<p class="srm-duty-group">{link}</p>')
            out.append('<ul class="srm-checklist">')
            out += [self._duty(root, d, tags, checklist=True) for d in duties]
            out.append("</ul>")
        return Markup("\n".join(out))  # noqa: S704 (escaped)

    def duties_for_capability(self, cid: str) -> list[Duty]:
        if self._duties_by_cap is None:
            by_cap: dict[str, list[Duty]] = {c.id: [] for c in self.srm.capabilities}
            for r in self.srm.responsibilities:
                for d in r.duties:
                    for c in d.capabilities:
                        by_cap[c].append(d)
            self._duties_by_cap = by_cap
        return self._duties_by_cap[cid]

    def duties_by_party(self, r: Responsibility) -> list[tuple[Party, tuple[Duty, ...]]]:
        """The parties with duties in ``r`` (party order), each with its duties."""
        out = []
        for p in self.srm.parties:
            duties = r.duties_of(p.id)
            if duties:
                out.append((p, duties))
        return out

    # Tables ----------------------------------------------------------------------------
    def capability_owner_rows(self, page: str, cap_id: str) -> Markup:
        """The body of a capability page's owners table: one <tbody> per category."""
        root = self.paths.root(page)
        out = []
        for cat, rows in self.srm.by_category:
            if not rows:
                continue
            out.append(
                f'<tbody>\n<tr class="srm-category"><th scope="colgroup" colspan="2">'
                f"{_e(cat.name)}</th></tr>"
            )
            for r in rows:
                head, tail = self._cell_parts(r, cap_id)
                link = self._page_link(root, r)
                out.append(f'<tr id="row-{r.id}"><th scope="row">{link}</th>{head}{tail}</tr>')
            out.append("</tbody>")
        return Markup("\n".join(out))  # noqa: S704 (escaped)

    def responsibility_owner_rows(self, page: str, r: Responsibility) -> Markup:
        """The rows of a responsibility page's owners table, one per capability."""
        root = self.paths.root(page)
        heads = self._cap_heads.get(root)
        if heads is None:
            heads = self._cap_heads[root] = [
                f'<tr id="cap-{c.id}"><th scope="row"><a href="{root}{self._cap_url[c.id]}">'
                f"{self._cname[c.id]}</a>"
                f"{self._badge[c.id]}</th>"
                for c in self.srm.capabilities
            ]
        out = []
        for head, c in zip(heads, self.srm.capabilities, strict=True):
            cell_head, cell_tail = self._cell_parts(r, c.id)
            out.append(f"{head}{cell_head}{cell_tail}</tr>")
        return Markup("\n".join(out))  # noqa: S704 (escaped)

    def owners_line(self, r: Responsibility) -> Markup:
        """Every capability's owners of ``r`` as one sentence (the one-page view)."""
        parts = [
            f"{self._cname[c.id]}: {self._owners(r.owners[c.id])[2]}" for c in self.srm.capabilities
        ]
        return Markup("; ".join(parts) + ".")  # noqa: S704 (escaped)

    def names_json(self) -> Markup:
        """The names of the capabilities and parties by id, for the checklist filter and
        exports (a JSON object safe inside <script>)."""
        return _script_json(
            {
                "capabilities": {c.id: c.name for c in self.srm.capabilities},
                "parties": {p.id: p.name for p in self.srm.parties},
            }
        )

    def script_labels_json(self) -> Markup:
        """The words srm.js writes into the page, in the site's language (see
        :mod:`~srm_handbook.site.script_labels`; a JSON object safe inside <script>)."""
        if self._script_labels is None:
            self._script_labels = _script_json(script_labels(self.labels))
        return self._script_labels

    def matrix_search_json(self) -> Markup:
        """Each row's duties as plain text, for the matrix filter box (a JSON object safe
        inside <script>)."""
        texts = {
            r.id: " ".join(self.md.block(d.text).striptags() for d in r.duties)
            for r in self.srm.responsibilities
        }
        return _script_json(texts)


def _script_json(data: dict[str, Any]) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Nothing in a JSON string may close the <script> element or open a comment.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 (no markup can survive the escapes above)
