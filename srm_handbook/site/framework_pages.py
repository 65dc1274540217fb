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
    criteria: bool
    """The catalog's controls are criteria (SOC 2)."""

    def text(self, labels: i18n.Labels = i18n.ENGLISH) -> str:
        """``42 of 61 criteria mapped``, in the language of ``labels``."""
        numbers = {"mapped": self.mapped, "total": self.total}
        if self.total is None:
            if self.criteria:
                message = labels.gettext("%(mapped)d criteria mapped (no catalog to compare with)")
            else:
                message = labels.gettext("%(mapped)d controls mapped (no catalog to compare with)")
        elif self.criteria:
            message = labels.gettext("%(mapped)d of %(total)d criteria mapped")
        else:
            message = labels.gettext("%(mapped)d of %(total)d controls mapped")
        return message % numbers


def coverage(framework: Framework, rows: tuple[ControlRow, ...]) -> Coverage:
    return Coverage(len(rows), catalog_size(framework), framework.catalog_name == "soc2-2017")


def catalog_label(framework: Framework, labels: i18n.Labels = i18n.ENGLISH) -> str:
    """How a framework's catalog is named on the pages."""
    if framework.catalog is None:
        return labels.gettext("no catalog: control ids as the data writes them")
    names = {"name": framework.catalog.name, "title": framework.catalog.title}
    if framework.catalog.builtin:
        return labels.gettext("built-in catalog %(name)s (%(title)s)") % names
    return labels.gettext("catalog file %(name)s (%(title)s)") % names


INHERITANCE_TAG = {
    "yes": i18n.N_("Inherited"),
    "partial": i18n.N_("Shared"),
    "no": i18n.N_("Customer"),
    "n/a": i18n.N_("n/a"),
}
"""The tag of a control's cell: how the customer comes by the control (the words of
:data:`~srm_handbook.core.crosswalk.INHERITANCE_LABEL`, marked for translation)."""


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
        self._in_matrix = _e(labels.gettext("(in the matrix)"))
        self._inheritance = {k: _e(labels.gettext(v)) for k, v in INHERITANCE_TAG.items()}

    def rows(self, framework_id: str) -> tuple[ControlRow, ...]:
        rows = self._rows.get(framework_id)
        if rows is None:
            rows = self._rows[framework_id] = control_rows(self.srm, framework_id)
        return rows

    def coverage(self, framework: Framework) -> Coverage:
        return coverage(framework, self.rows(framework.id))

    def coverage_text(self, framework: Framework) -> str:
        """``42 of 61 criteria mapped`` in the site's language."""
        return self.coverage(framework).text(self.labels)

    def catalog_label(self, framework: Framework) -> str:
        return catalog_label(framework, self.labels)

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
                f"{self._in_matrix}</a></td>{''.join(cells)}{crm_cell}</tr>"
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
                    else _e(
                        self.labels.ngettext(
                            "%(num)d capability", "%(num)d capabilities", len(caps)
                        )
                        % {"num": len(caps)}
                    )
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
            tag = f' <span class="srm-inh">{self._inheritance[inheritance]}</span>'
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
