"""``srm.xlsx``: the model as a workbook a reviewer can open without help.

Sheets, in order: *Matrix* (one row per responsibility, one column per capability, the
owners' names in each cell, a legend to the right), *Duties* (one row per duty),
*Parties & Capabilities* (every party, capability and category with its details) and
*About* (the model's title, intro and dates); then any extra sheets the caller passes as
``(name, header, rows)`` (e.g. a framework's CRM). Together they hold the whole model:
``srm import`` reads the workbook back into an equal model (see docs/spreadsheets.md).

Every cell is written as text (``write_string``): a field starting with ``=`` stays the
text it is, never a formula. The document's dates are fixed (the model's
``last_updated``, else 2000-01-01), so the same model gives the same bytes on every run.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

from srm_handbook.core.model import Srm
from srm_handbook.core.schema import NOT_APPLICABLE
from srm_handbook.core.workbook_layout import (
    ABOUT,
    ABOUT_FIELDS,
    ABOUT_HEADER,
    DEFINITION_HEADER,
    DEFINITIONS,
    DUTIES,
    DUTY_HEADER,
    MATRIX,
    MATRIX_FIELDS,
    MATRIX_LEAD,
    OWNER_SEPARATOR,
)

Sheet = tuple[str, Sequence[str], Iterable[Sequence[str]]]
"""An extra sheet: its name, its header row, its rows (every cell text)."""

_DEFAULT_DATE = dt.datetime(2000, 1, 1)
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def party_labels(srm: Srm) -> dict[str, str]:
    """How the Matrix names each party: its name, or its id when two parties' names differ
    only in case or spacing (a reader, and srm import, could not tell them apart)."""
    keys = [" ".join(p.name.split()).casefold() for p in srm.parties]
    if len(set(keys)) == len(keys):
        return {p.id: p.name for p in srm.parties}
    return {p.id: p.id for p in srm.parties}


def owner_names(labels: dict[str, str], parties: tuple[str, ...]) -> str:
    """A Matrix cell: the owners' names one per line, or ``n/a``."""
    if not parties:
        return NOT_APPLICABLE
    return OWNER_SEPARATOR.join(labels[p] for p in parties)


def reference_line(title: str, url: str) -> str:
    """One reference in the References column: ``title <url>`` (a URL has no spaces)."""
    return f"{title} <{url}>"


def matrix_header(srm: Srm) -> list[str]:
    return [*MATRIX_LEAD, *(c.name for c in srm.capabilities), *MATRIX_FIELDS]


def matrix_rows(srm: Srm) -> list[list[str]]:
    labels = party_labels(srm)
    rows = []
    for r in srm.responsibilities:
        rows.append(
            [
                srm.category[r.category].name,
                r.name,
                *(owner_names(labels, r.owners[c.id]) for c in srm.capabilities),
                r.id,
                r.description or "",
                ", ".join(r.aliases),
                "\n".join(reference_line(ref.title, ref.url) for ref in r.references),
                r.reviewed.isoformat() if r.reviewed else "",
                "\n".join(f"{fw}: {c}" for fw, ids in r.controls.items() for c in ids),
            ]
        )
    return rows


def duty_rows(srm: Srm) -> list[list[str]]:
    """One row per duty: the capabilities it applies to after defaulting, one per line
    (their names; their ids when two capabilities share a name)."""
    names = [c.name for c in srm.capabilities]
    label = (
        {c.id: c.name for c in srm.capabilities}
        if len(set(names)) == len(names)
        else {c.id: c.id for c in srm.capabilities}
    )
    return [
        [
            r.id,
            r.name,
            d.party,
            srm.party[d.party].name,
            "\n".join(label[c] for c in d.capabilities),
            d.text,
            d.id or "",
        ]
        for r in srm.responsibilities
        for d in r.duties
    ]


def definition_rows(srm: Srm) -> list[list[str]]:
    rows = []
    for p in srm.parties:
        possessive = "" if p.possessive == f"{p.name}'s" else p.possessive
        plural = "true" if p.plural else ""
        rows.append(
            ["party", p.id, p.name, possessive, "", p.description or "", p.role or "", plural]
        )
    for c in srm.capabilities:
        rows.append(["capability", c.id, c.name, "", c.status or "", c.description or ""])
    for g in srm.categories:
        rows.append(["category", g.id, g.name, "", "", g.description or ""])
    for f in srm.frameworks:
        rows.append(["framework", f.id, f.name, "", "", "", "", "", f.catalog_name or ""])
    return rows


def about_rows(srm: Srm) -> list[list[str]]:
    values = {
        "title": srm.title,
        "intro": srm.intro or "",
        "last_updated": srm.last_updated.isoformat() if srm.last_updated else "",
        "review_interval_days": str(srm.review_interval_days or ""),
    }
    return [[label, values[key]] for key, label in ABOUT_FIELDS.items()]


def legend(srm: Srm) -> list[str]:
    return [
        "Legend",
        "A name: that party owns the responsibility for that capability.",
        "Several names, one per line: the parties share it.",
        f"{NOT_APPLICABLE}: it does not apply to that capability.",
        "Parties: " + ", ".join(p.name for p in srm.parties),
        "What each party must do: the Duties sheet.",
    ]


def _width(values: Iterable[str]) -> float:
    longest = max((len(line) for v in values for line in v.split("\n")), default=0)
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


class _Writer:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
        self.header.set_align("top")
        self.cell = book.add_format({"text_wrap": True, "valign": "top"})

    def table(
        self,
        name: str,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        freeze_columns: int = 0,
    ) -> Any:
        """A sheet of text cells: a bold header row (frozen, with an autofilter), column
        widths that fit the content (up to a limit, then wrapped)."""
        sheet = self.book.add_worksheet(name)
        columns: list[list[str]] = [[h] for h in header]
        n = 0
        for n, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value:  # an empty cell stays empty (and costs nothing)
                    sheet.write_string(n, col, value)
                    columns[col].append(value)
        for col, value in enumerate(header):
            sheet.write_string(0, col, value, self.header)
            sheet.set_column(col, col, _width(columns[col]), self.cell)
        sheet.freeze_panes(1, freeze_columns)
        if header:
            sheet.autofilter(0, 0, max(n, 1), len(header) - 1)
        return sheet


def to_xlsx(srm: Srm, extra_sheets: Sequence[Sheet] = ()) -> bytes:
    """The workbook's bytes; the same model (and extra sheets) always gives the same bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    created = (
        dt.datetime.combine(srm.last_updated, dt.time()) if srm.last_updated else _DEFAULT_DATE
    )
    book.set_properties({"title": srm.title, "created": created})
    w = _Writer(book)
    header = matrix_header(srm)
    matrix = w.table(MATRIX, header, matrix_rows(srm), freeze_columns=2)
    legend_col = len(header) + 1
    lines = legend(srm)
    matrix.write_string(0, legend_col, lines[0], w.header)
    for i, line in enumerate(lines[1:], start=1):
        matrix.write_string(i, legend_col, line)
    matrix.set_column(legend_col, legend_col, _width(lines))
    w.table(DUTIES, DUTY_HEADER, duty_rows(srm), freeze_columns=2)
    w.table(DEFINITIONS, DEFINITION_HEADER, definition_rows(srm), freeze_columns=2)
    w.table(ABOUT, ABOUT_HEADER, about_rows(srm), freeze_columns=1)
    for name, extra_header, rows in extra_sheets:
        w.table(name, extra_header, rows, freeze_columns=1)
    book.close()
    return out.getvalue()
