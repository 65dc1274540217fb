"""Machine-readable exports of the model: ``srm.json`` and ``srm.csv`` (site contract)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from typing import Any

from srm_handbook.core.model import Srm
from srm_handbook.core.schema import NOT_APPLICABLE

__all__ = [
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_LABEL",
    "SCHEMA_FILE",
    "csv_safe",
    "digest",
    "owners_label",
    "to_csv",
    "to_dict",
    "to_json",
]

SCHEMA_FILE = "srm.schema.json"
"""The JSON Schema's file name (:mod:`.export_schema`), published beside ``srm.json``;
``srm.json``'s ``$schema``."""

NOT_APPLICABLE_LABEL = "Not applicable"
"""How the pages name an n/a cell."""


def to_dict(srm: Srm) -> dict[str, Any]:
    """The normalised model as plain data, in the shape of ``srm.json`` (described by
    :mod:`srm_handbook.site.export_schema`, which its ``$schema`` names). A model with
    framework mappings or party roles also has ``frameworks``, each party's ``role`` and
    each responsibility's ``controls`` (site contract)."""
    out = _base_dict(srm)
    if srm.frameworks or srm.has_roles:
        for party, record in zip(srm.parties, out["parties"], strict=True):
            record["role"] = party.role
        out["frameworks"] = [
            {"id": f.id, "name": f.name, "catalog": f.catalog_name} for f in srm.frameworks
        ]
        for r, record in zip(srm.responsibilities, out["responsibilities"], strict=True):
            record["controls"] = {fid: list(ids) for fid, ids in r.controls.items()}
        # Keep the contract's key order: frameworks before the responsibilities.
        out["responsibilities"] = out.pop("responsibilities")
    return out


def _base_dict(srm: Srm) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_FILE,
        "schema": srm.schema,
        "title": srm.title,
        "intro": srm.intro,
        "last_updated": srm.last_updated.isoformat() if srm.last_updated else None,
        "review_interval_days": srm.review_interval_days,
        "parties": [
            {
                "id": p.id,
                "name": p.name,
                "possessive": p.possessive,
                "plural": p.plural,
                "description": p.description,
            }
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


# Where a spreadsheet may start a new cell inside a field: the separators of every locale
# (comma, semicolon, tab, pipe) and line breaks, for importers that ignore the quotes.
_CELL_BREAK = re.compile(r"[,;\t|\r\n]")
_FORMULA_CHARACTERS = frozenset("=+-@")


def _skipped(char: str) -> bool:
    """Characters a spreadsheet may drop before a formula: spaces of any width (NBSP
    included), controls and invisible format characters (zero-width space, BOM)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet could read ``value``, or any part of it that starts after a
    separator, as a formula (OWASP's CSV injection guidance): it starts with a tab or a
    carriage return, or a part starts, after spaces and invisible characters, with
    = + - @ or one of their full-width forms (compatibility-normalised)."""
    if value.startswith(("\t", "\r")):
        return True
    for part in (value, *_CELL_BREAK.split(value)[1:]):
        for char in part:
            if not _skipped(char):
                if unicodedata.normalize("NFKC", char)[:1] in _FORMULA_CHARACTERS:
                    return True
                break
    return False


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas: a field that :func:`formula_like` flags is
    prefixed with '. (Every field is also quoted, so no separator inside one splits it.)"""
    return "'" + value if formula_like(value) else value


def owners_label(srm: Srm, parties: tuple[str, ...]) -> str:
    """Owner names joined with " & ", or "n/a"."""
    if not parties:
        return NOT_APPLICABLE
    return " & ".join(srm.party[p].name for p in parties)


def to_csv(srm: Srm) -> str:
    """The matrix: one row per responsibility, one column per capability."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    header = ["id", "responsibility", "category", *(c.name for c in srm.capabilities)]
    writer.writerow([csv_safe(h) for h in header])
    for r in srm.responsibilities:
        cells = [owners_label(srm, r.owners[c.id]) for c in srm.capabilities]
        row = [r.id, r.name, srm.category[r.category].name, *cells]
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()
