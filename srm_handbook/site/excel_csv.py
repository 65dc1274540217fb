"""CSV that opens right in a spreadsheet: ``srm export --format csv --excel`` and the
duties as CSV (``srm export --format duties-csv``).

``--excel`` writes UTF-8 with a byte order mark (so Excel does not garble umlauts), with
the delimiter the reader's Excel expects (``,``, or ``;`` where the decimal separator is a
comma), and owners that cannot be misread: party ids separated by spaces (an id never
holds a space), or with ``names`` the parties' names one per line inside the cell. Every
cell passes through :func:`srm_handbook.export.csv_safe`, like ``srm.csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Literal

from srm_handbook.core.model import Srm
from srm_handbook.core.schema import NOT_APPLICABLE
from srm_handbook.site.exports import csv_safe

BOM = "\ufeff"
DELIMITERS = (",", ";")
OwnerStyle = Literal["ids", "names"]
DUTIES_HEADER = ("responsibility id", "responsibility", "party id", "party", "capabilities", "duty")


def owners_cell(srm: Srm, parties: tuple[str, ...], style: OwnerStyle) -> str:
    """``ids``: party ids separated by single spaces; ``names``: one name per line;
    ``n/a`` when no party owns it."""
    if not parties:
        return NOT_APPLICABLE
    if style == "ids":
        return " ".join(parties)
    return "\n".join(srm.party[p].name for p in parties)


def _write(rows: Iterable[Sequence[str]], delimiter: str, bom: bool) -> str:
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return out.getvalue()


def matrix_csv(srm: Srm, delimiter: str = ",", owners: OwnerStyle = "ids") -> str:
    """The matrix for Excel: a BOM, ``delimiter``, unambiguous owners."""
    rows: list[Sequence[str]] = [
        ["id", "responsibility", "category", *(c.name for c in srm.capabilities)]
    ]
    rows += [
        [
            r.id,
            r.name,
            srm.category[r.category].name,
            *(owners_cell(srm, r.owners[c.id], owners) for c in srm.capabilities),
        ]
        for r in srm.responsibilities
    ]
    return _write(rows, delimiter, bom=True)


def duties_csv(srm: Srm, delimiter: str = ",", excel: bool = False) -> str:
    """One row per duty: its responsibility, its party, the ids of the capabilities it
    applies to (after defaulting, separated by spaces) and its text."""
    rows: list[Sequence[str]] = [DUTIES_HEADER]
    rows += [
        [r.id, r.name, d.party, srm.party[d.party].name, " ".join(d.capabilities), d.text]
        for r in srm.responsibilities
        for d in r.duties
    ]
    return _write(rows, delimiter, bom=excel)
