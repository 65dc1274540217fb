"""Machine-readable exports of the model: ``srm.json`` and ``srm.csv`` (site contract)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from srm_handbook.core.model import Srm
from srm_handbook.core.schema import NOT_APPLICABLE

__all__ = [
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_LABEL",
    "csv_safe",
    "digest",
    "owners_label",
    "to_csv",
    "to_dict",
    "to_json",
]

NOT_APPLICABLE_LABEL = "Not applicable"
"""How the pages name an n/a cell."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_dict(srm: Srm) -> dict[str, Any]:
    """The normalised model as plain data, in the shape of ``srm.json``."""
    return {
        "schema": srm.schema,
        "title": srm.title,
        "intro": srm.intro,
        "last_updated": srm.last_updated.isoformat() if srm.last_updated else None,
        "review_interval_days": srm.review_interval_days,
        "parties": [
            {"id": p.id, "name": p.name, "possessive": p.possessive, "description": p.description}
            for p in srm.parties
        ],
        "capabilities": [
            {"id": c.id, "name": c.name, "status": c.status, "description": c.description}
            for c in srm.capabilities
        ],
        "categories": [
            {"id": c.id, "name": c.name, "description": c.description} for c in srm.categories
        ],
        "responsibilities": [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category,
                "description": r.description,
                "aliases": list(r.aliases),
                "owners": {cap: list(parties) for cap, parties in r.owners.items()},
                "duties": [
                    {
                        "party": d.party,
                        "text": d.text,
                        "capabilities": list(d.capabilities),
                        "id": d.id,
                        "key": d.key,
                    }
                    for d in r.duties
                ],
                "references": [{"title": ref.title, "url": ref.url} for ref in r.references],
                "reviewed": r.reviewed.isoformat() if r.reviewed else None,
            }
            for r in srm.responsibilities
        ],
    }


def to_json(srm: Srm) -> str:
    """``srm.json``: one top-level key per line and one record (party, capability,
    category, responsibility) per line, so a diff of two versions names the records that
    changed, and a large model writes fast (the C encoder; ``indent`` would use Python's)."""
    lines = ["{"]
    items = list(to_dict(srm).items())
    for i, (key, value) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(value, list) and value:
            lines.append(f"  {_json(key)}: [")
            last = len(value) - 1
            lines += [f"    {_json(v)}{',' if j < last else ''}" for j, v in enumerate(value)]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {_json(key)}: {_json(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def digest(srm_json: str) -> str:
    """The model's content digest: of its ``srm.json`` (:func:`to_json`). Readers'
    browsers compare it with the one of their last visit to tell what is new."""
    return hashlib.sha256(srm_json.encode("utf-8")).hexdigest()[:16]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is prefixed with '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def owners_label(srm: Srm, parties: tuple[str, ...]) -> str:
    """Owner names joined with " & ", or "n/a"."""
    if not parties:
        return NOT_APPLICABLE
    return " & ".join(srm.party[p].name for p in parties)


def to_csv(srm: Srm) -> str:
    """The matrix: one row per responsibility, one column per capability."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["id", "responsibility", "category", *(c.name for c in srm.capabilities)]
    writer.writerow([csv_safe(h) for h in header])
    for r in srm.responsibilities:
        cells = [owners_label(srm, r.owners[c.id]) for c in srm.capabilities]
        row = [r.id, r.name, srm.category[r.category].name, *cells]
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()
