"""The pieces of the framework pages (site contract, ``frameworks/<id>/``), the
responsibility pages' "Controls" section and the matrix's control filter, built as HTML
strings from :mod:`srm_handbook.crosswalk` (like :mod:`srm_handbook.fragments`: values
escaped once, links relative to the page).

Pure: no MkDocs, no Jinja.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup, escape

from srm_handbook.core.crosswalk import (
    INHERITANCE_LABEL,
    ControlRow,
    catalog_size,
    control_anchor,
    control_rows,
    controls_of,
    customer_duties_of_control,
    unmapped_controls,
)
from srm_handbook.core.model import Duty, Framework, Responsibility, Srm
from srm_handbook.site import exports as export
from srm_handbook.site import i18n
from srm_handbook.site.fragments import Fragments
from srm_handbook.site.markdown_text import plain_text
from srm_handbook.site.paths import SitePaths


def _e(text: str) -> str:
    return str(escape(text))


@dataclass(frozen=True)
class Coverage:
    mapped: int
    total: int | None
    """Controls in the catalog (withdrawn ones left out); None without a catalog."""
    noun: str

    @property
    def text(self) -> str:
        if self.total is None:
            return f"{self.mapped} {self.noun} mapped (no catalog to compare with)"
        return f"{self.mapped} of {self.total} {self.noun} mapped"


def coverage(framework: Framework, rows: tuple[ControlRow, ...]) -> Coverage:
    noun = "criteria" if framework.catalog_name == "soc2-2017" else "controls"
    return Coverage(len(rows), catalog_size(framework), noun)


def catalog_label(framework: Framework) -> str:
    """How a framework's catalog is named on the pages."""
    if framework.catalog is None:
        return "no catalog: control ids as the data writes them"
    if framework.catalog.builtin:
        return f"built-in catalog {framework.catalog.name} ({framework.catalog.title})"
    return f"catalog file {framework.catalog.name} ({framework.catalog.title})"


class FrameworkPieces(Fragments):
    """:class:`~srm_handbook.fragments.Fragments` with the pieces of the framework pages
    and the links to control rows."""

    def __init__(
        self, srm: Srm, paths: SitePaths, overdue: set[str], labels: i18n.Labels = i18n.ENGLISH
    ) -> None:
        super().__init__(srm, paths, overdue, labels)
        self._rows: dict[str, tuple[ControlRow, ...]] = {}
        self._crm_duties: dict[tuple[str, str, int, str], str] = {}
        self._fw_url = {f.id: paths.url(SitePaths.framework(f.id)) for f in srm.frameworks}

    def rows(self, framework_id: str) -> tuple[ControlRow, ...]:
        rows = self._rows.get(framework_id)
        if rows is None:
            rows = self._rows[framework_id] = control_rows(self.srm, framework_id)
        return rows

    def coverage(self, framework: Framework) -> Coverage:
        return coverage(framework, self.rows(framework.id))

    def control_table_rows(self, page: str, framework_id: str) -> Markup:
        """The rows of the framework page's control table, with the contract's markers."""
        root = self.paths.root(page)
        srm = self.srm
        matrix = root + self.paths.url(SitePaths.MATRIX) + "?control="
        fid_prefix = framework_id + ":"
        with_roles = srm.has_roles
        out = []
        cell_heads: dict[tuple[str, tuple[str, ...], str | None], str] = {}
        for row in self.rows(framework_id):
            title = f' <span class="srm-control-title">{_e(row.title)}</span>' if row.title else ""
            links = ", ".join(
                self._page_link(root, srm.responsibility[rid]) for rid in row.responsibilities
            )
            crm_cell = ""
            if with_roles:
                duties = "".join(
                    self._crm_duty(root, d) for d in customer_duties_of_control(srm, row)
                )
                crm_cell = f'<td class="srm-crm-cell"><ul class="srm-crm-duties">{duties}</ul></td>'
            cells = []
            for cell in row.cells:
                key = (cell.capability, cell.owners, cell.inheritance)
                html = cell_heads.get(key)
                if html is None:
                    html = cell_heads[key] = self._cell(
                        cell.capability, cell.owners, cell.inheritance
                    )
                cells.append(html)
            out.append(
                f'<tr data-srm-control data-framework="{framework_id}" '
                f'data-control="{_e(row.control)}" '
                f'data-responsibilities="{" ".join(row.responsibilities)}" '
                f'id="{_e(row.anchor)}"><th scope="row"><span class="srm-control-id">'
                f"{_e(row.control)}</span>{title}</th><td>{links} "
                f'<a class="srm-matrix-link" href="{matrix}{_e(quote(fid_prefix + row.control))}">'
                f"(in the matrix)</a></td>{''.join(cells)}{crm_cell}</tr>"
            )
        return Markup("\n".join(out))  # noqa: S704 (escaped)

    def _crm_duty(self, root: str, d: Duty) -> str:
        """A customer duty in a control's row, linking to it on its responsibility page,
        with the capabilities it applies to when that is not all of them (built once per
        page depth)."""
        key = (d.responsibility, d.party, d.index, root)
        html = self._crm_duties.get(key)
        if html is None:
            caps = d.capabilities
            scope = ""
            if len(caps) < len(self.srm.capabilities):
                names = (
                    ", ".join(self._cname[c] for c in caps)
                    if len(caps) <= 4
                    else f"{len(caps)} capabilities"
                )
                scope = f' <span class="srm-scope">({names})</span>'
            html = self._crm_duties[key] = (
                f'<li data-srm-crm-duty data-responsibility="{d.responsibility}" '
                f'data-party="{d.party}" data-capabilities="{" ".join(caps)}">'
                f'<a href="{root}{self._resp_url[d.responsibility]}#{d.responsibility}--'
                f'{d.anchor}">{_e(self.srm.party[d.party].name)}</a>: '
                f"{_e(plain_text(d.text))}{scope}</li>"
            )
        return html

    def _cell(self, cap: str, owners: tuple[str, ...], inheritance: str | None) -> str:
        attrs, _, label = self._owners(owners)
        if inheritance is None:
            return f'<td data-srm-control-cell data-capability="{cap}" {attrs}>{label}</td>'
        attrs = attrs.replace('class="', f'class="srm-inh-{_inh_class(inheritance)} ', 1)
        tag = ""
        if owners:
            tag = f' <span class="srm-inh">{INHERITANCE_LABEL[inheritance]}</span>'
        return (
            f'<td data-srm-control-cell data-capability="{cap}" {attrs} '
            f'data-inheritance="{inheritance}">{label}{tag}</td>'
        )

    def unmapped(self, framework_id: str) -> Markup:
        items = []
        for c in unmapped_controls(self.srm, framework_id):
            title = f" {_e(c.title)}" if c.title else ""
            items.append(
                f'<li data-srm-unmapped-control="{_e(c.id)}"><span class="srm-control-id">'
                f"{_e(c.id)}</span>{title}</li>"
            )
        return Markup("\n".join(items))  # noqa: S704 (escaped)

    def unmapped_count(self, framework_id: str) -> int:
        return len(unmapped_controls(self.srm, framework_id))

    # The responsibility page and the matrix -------------------------------------------
    def responsibility_controls(
        self, page: str, r: Responsibility
    ) -> list[tuple[Framework, Markup]]:
        """Per framework the row maps controls of, links to each control's row."""
        root = self.paths.root(page)
        out = []
        for framework, ids in controls_of(self.srm, r.id):
            url = root + self._fw_url[framework.id]
            links = ", ".join(
                f'<a href="{url}#{_e(control_anchor(c))}" data-srm-control-link '
                f'data-framework="{framework.id}" data-control="{_e(c)}">{_e(c)}</a>'
                for c in ids
            )
            out.append((framework, Markup(links)))  # noqa: S704 (escaped)
        return out

    def control_options(self) -> Markup:
        """The matrix's control filter: an option per mapped control, by framework."""
        out = []
        for framework in self.srm.frameworks:
            out.append(f'<optgroup label="{_e(framework.name)}">')
            for row in self.rows(framework.id):
                value = f"{framework.id}:{row.control}"
                title = f" {row.title}" if row.title else ""
                out.append(f'<option value="{_e(value)}">{_e(row.control + title)}</option>')
            out.append("</optgroup>")
        return Markup("\n".join(out))  # noqa: S704 (escaped)

    def control_index_json(self) -> Markup:
        """``framework:control`` -> the rows mapped to it, for the matrix's control filter
        (a JSON object safe inside <script>)."""
        index = {
            f"{f.id}:{row.control}": list(row.responsibilities)
            for f in self.srm.frameworks
            for row in self.rows(f.id)
        }
        text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text)  # noqa: S704 (no markup can survive the escapes above)


def _inh_class(inheritance: str) -> str:
    return "na" if inheritance == export.NOT_APPLICABLE else inheritance
