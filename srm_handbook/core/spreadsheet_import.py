"""``srm import``: a spreadsheet with one row per responsibility -> ``srm_data.yaml`` text.

The columns are named by a mapping (:class:`Mapping`, a small YAML file, or options);
owner cells are read through a value map (:data:`BUILTIN_VALUES` plus the user's). The
YAML is written in the format's order with the source of every row in a comment, then
validated like any data file: each problem is reported at the spreadsheet cell it came
from (``matrix.xlsx:SSRM!F14: error: ...``). An owner with no duty is a rule 4 error at
its owner cell; with ``allow_gaps`` the file is written with a ``TODO`` comment there
instead (and no invented duty). A workbook written by ``srm export --format xlsx`` is
read with :data:`SRM_WORKBOOK` (chosen by itself when the workbook has its sheets) and
gives back an equal model. docs/spreadsheets.md documents all of it.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from srm_handbook.core import strict_yaml
from srm_handbook.core.diagnostics import Diagnostic, SrmDataError, SrmInputError
from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.core.rules import did_you_mean
from srm_handbook.core.schema import ID_PATTERN, MAX_ID_LENGTH, NOT_APPLICABLE
from srm_handbook.core.sheets import CellDiagnostic, Table, Workbook
from srm_handbook.core.workbook_layout import (
    ABOUT,
    ABOUT_FIELDS,
    DEFINITION_HEADER,
    DEFINITIONS,
    DUTIES,
    DUTY_HEADER,
    MATRIX,
    MATRIX_FIELDS,
    MATRIX_LEAD,
)

SCHEMA_LINE = "# yaml-language-server: $schema=schema/srm_data.schema.json"
HEADER_SEARCH_ROWS = 30

# -- the value map ------------------------------------------------------------------------

BUILTIN_PARTIES = {"provider": "Provider", "customer": "Customer", "third-party": "Third party"}
BUILTIN_VALUES: dict[str, tuple[str, ...]] = {
    # ours
    "n/a": (),
    "not applicable": (),
    "provider": ("provider",),
    "customer": ("customer",),
    "shared": ("provider", "customer"),
    # CSA CCM / CAIQ (SSRM ownership)
    "csp-owned": ("provider",),
    "csc-owned": ("customer",),
    "shared csp and csc": ("provider", "customer"),
    "3rd-party outsourced": ("third-party",),
    "shared csp and 3rd-party": ("provider", "third-party"),
    "shared csc and 3rd-party": ("customer", "third-party"),
    "na": (),
    # FedRAMP CRM: "can the customer inherit the control?"
    "yes": ("provider",),
    "partial": ("provider", "customer"),
    "no": ("customer",),
}
"""Owner cell text (compared ignoring case and runs of spaces) -> party ids (none: n/a)."""
_SEPARATORS = ("\n", "&", ";", ",", " ")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
    }
)
"""Letters that Unicode does not decompose into ASCII ones."""


def slug(text: str) -> str:
    """An id made from a name: ``Web triggers`` -> ``web-triggers``."""
    plain = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    plain = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")


# -- the mapping --------------------------------------------------------------------------


def _party_list(value: Any) -> Any:
    if isinstance(value, str):
        return [] if value == NOT_APPLICABLE else [value]
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _none(value: Any) -> Any:
    """``null`` in a mapping file (read as text, like every scalar): no such column."""
    return None if isinstance(value, str) and value.strip() in ("", "null", "~") else value


Header = Annotated[str | None, BeforeValidator(_none)]


class Columns(_Strict):
    id: Header = Field(default=None, description="Ids; default: made from the names.")
    name: str = "Responsibility"
    category: Header = "Category"
    description: Header = "Description"
    aliases: Header = None
    references: Header = None
    reviewed: Header = None
    controls: Header = None
    """One ``framework: control id`` a line (or several ids after one framework, separated
    by commas)."""


class DutyColumn(_Strict):
    party: str
    capabilities: list[str] | None = None


class DutySheet(_Strict):
    sheet: str
    responsibility: str = DUTY_HEADER[0]
    party: str = DUTY_HEADER[2]
    capabilities: str = DUTY_HEADER[4]
    text: str = DUTY_HEADER[5]
    id: Header = DUTY_HEADER[6]
    """Optional: the duties' own ids, where the sheet has the column."""


_DECLARATION_KEYS = {
    "party": ("role", "possessive", "description", "plural"),
    "capability": ("description", "status"),
    "category": ("description",),
    "framework": ("catalog",),
}
"""The optional keys of each kind of declaration, in the format's order; each is read
from the definitions sheet's column of that name (capitalised)."""


class PartyDeclaration(_Strict):
    name: str
    possessive: str | None = None
    description: str | None = None


def _duty_column(value: Any) -> Any:
    return {"party": value} if isinstance(value, str) else value


class Mapping(_Strict):
    """How a spreadsheet's columns become the model (docs/spreadsheets.md)."""

    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1)
    title: str | None = None
    columns: Columns = Columns()
    owners: dict[str, str] | None = None
    """Capability column header -> capability id; default: every other column."""
    duties: dict[str, Annotated[DutyColumn, BeforeValidator(_duty_column)]] = {}
    parties: dict[str, PartyDeclaration] = {}
    values: dict[str, Annotated[list[str], BeforeValidator(_party_list)]] = {}
    duties_sheet: DutySheet | None = None
    definitions_sheet: str | None = None
    about_sheet: str | None = None


SRM_WORKBOOK = Mapping(
    sheet=MATRIX,
    columns=Columns(
        id=MATRIX_FIELDS[0],
        name=MATRIX_LEAD[1],
        category=MATRIX_LEAD[0],
        description=MATRIX_FIELDS[1],
        aliases=MATRIX_FIELDS[2],
        references=MATRIX_FIELDS[3],
        reviewed=MATRIX_FIELDS[4],
        controls=MATRIX_FIELDS[5],
    ),
    duties_sheet=DutySheet(sheet=DUTIES),
    definitions_sheet=DEFINITIONS,
    about_sheet=ABOUT,
)
"""The documented mapping for a workbook written by ``srm export --format xlsx``."""


def load_mapping(path: str | Path) -> Mapping:
    """A mapping file (YAML, read strictly like a data file). Raises SrmDataError."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SrmInputError(
            [Diagnostic(shown, 1, 1, f"cannot read the mapping: {exc.strerror or exc}")]
        ) from None
    text, problems = strict_yaml.decode(raw)
    parsed = strict_yaml.parse(text) if not problems else None
    if parsed is not None:
        problems = parsed.problems
    if problems or parsed is None:
        raise SrmDataError(Diagnostic(shown, p.line, p.column, p.message) for p in problems)
    data = parsed.data
    if isinstance(data, dict) and isinstance(data.get("header_row"), str):
        data = {**data, "header_row": data["header_row"]}
    try:
        return Mapping.model_validate(data if data is not None else {})
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            at_key = err["type"] == "extra_forbidden"
            locate = parsed.positions.of_key if at_key else parsed.positions.of_value
            line, col = locate(loc) if loc else (1, 1)
            where = ".".join(str(p) for p in loc)
            message = str(err["msg"])
            if err["type"] == "extra_forbidden":
                models: dict[str, type[BaseModel]] = {"columns": Columns, "duties_sheet": DutySheet}
                parent = models.get(str(loc[0]) if len(loc) == 2 else "", Mapping)
                known = list(parent.model_fields)
                hint = did_you_mean(str(loc[-1]), known) or f"; known: {', '.join(known)}"
                message = f"unknown key{hint}"
            diags.append(Diagnostic(shown, line, col, f"{where}: {message}"))
        raise SrmDataError(diags) from None


# -- reading the rows ---------------------------------------------------------------------


@dataclass
class Source:
    """Where a line of the YAML came from (for messages and comments)."""

    table: Table
    row: int
    col: int = 0

    def diagnostic(self, message: str) -> CellDiagnostic:
        return self.table.error(self.row, self.col, message)


@dataclass
class DutyIn:
    party: str
    text: str
    capabilities: list[str] | None
    src: Source
    id: str | None = None


@dataclass
class RowIn:
    id: str
    name: str
    category: str
    src: Source
    id_src: Source
    category_src: Source
    description: tuple[str, Source] | None = None
    aliases: tuple[list[str], Source] | None = None
    references: tuple[list[tuple[str, str]], Source] | None = None
    reviewed: tuple[str, Source] | None = None
    controls: tuple[dict[str, list[str]], Source] | None = None
    owners: dict[str, tuple[list[str], Source]] = field(default_factory=dict)
    duties: list[DutyIn] = field(default_factory=list)
    bad: bool = False
    """A cell of the row is wrong (reported): left out of the validation run."""


@dataclass
class Declared:
    id: str
    name: str
    extra: dict[str, str] = field(default_factory=dict)
    """Optional keys in the format's order (possessive, status, description)."""


@dataclass
class Draft:
    """Everything read from the spreadsheet, before it is written as YAML."""

    title: str
    about: dict[str, str] = field(default_factory=dict)
    parties: dict[str, Declared] = field(default_factory=dict)
    capabilities: dict[str, Declared] = field(default_factory=dict)
    categories: dict[str, Declared] = field(default_factory=dict)
    frameworks: dict[str, Declared] = field(default_factory=dict)
    rows: list[RowIn] = field(default_factory=list)


class _Reader:
    def __init__(self, book: Workbook, mapping: Mapping, title: str | None) -> None:
        self.book = book
        self.mapping = mapping
        self.errors: list[Diagnostic] = []
        stem = Path(book.source).stem
        self.draft = Draft(title=title or mapping.title or stem)
        self.values: dict[str, tuple[str, ...]] = {}
        self.cap_by_header: dict[int, str] = {}
        self._cap_keys: dict[str, str] = {}
        self._cat_keys: dict[str, str] = {}

    # cells
    def _cell(self, table: Table, row: int, col: int | None) -> str:
        if col is None:
            return ""
        cell = table.rows.get(row, {}).get(col)
        if cell is None:
            return ""
        if cell.problem:
            self.errors.append(table.error(row, col, cell.problem))
            return ""
        return cell.text

    def _table(self, name: str | None, what: str) -> Table | None:
        tables = self.book.tables
        if self.book.is_csv:
            return next(iter(tables.values()))
        if name is None:
            return next(iter(tables.values()), None)
        for title, table in tables.items():
            if _key(title) == _key(name):
                return table
        self.errors.append(
            CellDiagnostic(
                f"{self.book.source}:",
                0,
                0,
                f"no sheet {name!r} ({what}); sheets: {', '.join(tables) or 'none'}",
            )
        )
        return None

    def _header(
        self, table: Table, wanted: str, row: int | None
    ) -> tuple[int, dict[str, int], dict[int, str]] | None:
        """The header row (given, or the first row with a cell reading ``wanted``):
        normalised header -> column, and column -> header as written."""
        candidates = [row] if row else sorted(table.rows)[:HEADER_SEARCH_ROWS]
        for r in candidates:
            cells = table.rows.get(r, {})
            by_key: dict[str, int] = {}
            for col in sorted(cells):
                text = cells[col].text
                if text.strip() and not cells[col].problem:
                    by_key.setdefault(_key(text), col)
            if _key(wanted) in by_key:
                written = {c: cells[c].text.strip() for c in sorted(cells) if cells[c].text.strip()}
                return r, by_key, written
        where = f"row {row}" if row else f"the first {HEADER_SEARCH_ROWS} rows"
        self.errors.append(
            table.error(
                row or 0,
                0,
                f"no column named {wanted!r} in {where}: name the responsibilities' column "
                "with --column name=HEADER (or columns.name in the mapping file)",
            )
        )
        return None

    def _column(
        self, table: Table, by_key: dict[str, int], header_row: int, header: str | None, what: str
    ) -> int | None:
        if header is None:
            return None
        col = by_key.get(_key(header))
        # a column the mapping names must exist; a default one (Category) may be absent
        if col is None and (what == "name" or what in self.mapping.columns.model_fields_set):
            self.errors.append(
                table.error(header_row, 0, f"no column named {header!r} (columns.{what})")
            )
        return col

    # declarations
    def read_definitions(self) -> None:
        name = self.mapping.definitions_sheet
        if name is None:
            return
        table = self._table(name, "parties, capabilities and categories")
        if table is None:
            return
        found = self._header(table, DEFINITION_HEADER[0], None)
        if found is None:
            return
        header_row, by_key, _ = found
        cols = {h: by_key.get(_key(h)) for h in DEFINITION_HEADER}
        sections = {
            "party": self.draft.parties,
            "capability": self.draft.capabilities,
            "category": self.draft.categories,
            "framework": self.draft.frameworks,
        }
        for r in sorted(table.rows):
            if r <= header_row:
                continue
            kind = _key(self._cell(table, r, cols["Kind"]))
            if kind not in sections:
                self.errors.append(
                    table.error(
                        r,
                        cols["Kind"] or 0,
                        f"unknown kind {kind!r}; known: {', '.join(sections)}",
                    )
                )
                continue
            ident = self._cell(table, r, cols["ID"]).strip()
            name_text = self._cell(table, r, cols["Name"])
            extra = {}
            for key in _DECLARATION_KEYS[kind]:  # in the format's order
                value = self._cell(table, r, cols.get(key.capitalize()))
                if value:
                    extra[key] = value
            section = sections[kind]
            if ident in section:
                self.errors.append(
                    table.error(r, cols["ID"] or 0, f"duplicate {kind} id {ident!r}")
                )
            section[ident] = Declared(ident, name_text, extra)

    def read_about(self) -> None:
        if self.mapping.about_sheet is None:
            return
        table = self._table(self.mapping.about_sheet, "the model's title and dates")
        if table is None:
            return
        labels = {_key(label): key for key, label in ABOUT_FIELDS.items()}
        for r in sorted(table.rows):
            key = labels.get(_key(self._cell(table, r, 1)))
            value = self._cell(table, r, 2)
            if key and value:
                self.draft.about[key] = value
        if "title" in self.draft.about:
            self.draft.title = self.draft.about.pop("title")

    def _value_map(self) -> None:
        values = dict(BUILTIN_VALUES)
        for pid, party in self.draft.parties.items():
            values[_key(pid)] = (pid,)
            values[_key(party.name)] = (pid,)
        for pid, decl in self.mapping.parties.items():
            values[_key(pid)] = (pid,)
            values[_key(decl.name)] = (pid,)
        for text, parties in self.mapping.values.items():
            values[_key(text)] = tuple(parties)
        self.values = values

    def owners_of(self, text: str) -> tuple[str, ...] | None:
        """The parties an owner cell names (empty: n/a), or None when unknown."""
        found = self.values.get(_key(text))
        if found is not None:
            return found
        for sep in _SEPARATORS:
            if sep in text:
                parts = [p for p in text.split(sep) if p.strip()]
                resolved = [self.values.get(_key(p)) for p in parts]
                if len(parts) > 1 and all(r for r in resolved):
                    out: list[str] = []
                    for r in resolved:
                        out += [p for p in r or () if p not in out]
                    return tuple(out)
        return None

    # rows
    def read_rows(self) -> None:
        m = self.mapping
        table = self._table(m.sheet, "one row per responsibility")
        if table is None:
            return
        found = self._header(table, m.columns.name, m.header_row)
        if found is None:
            return
        header_row, by_key, written = found
        c = m.columns
        errors_before = len(self.errors)
        col = {
            key: self._column(table, by_key, header_row, getattr(c, key), key)
            for key in Columns.model_fields
        }
        if col["name"] is None:
            return
        duty_cols: dict[int, DutyColumn] = {}
        for header, duty in m.duties.items():
            dc = by_key.get(_key(header))
            if dc is None:
                self.errors.append(table.error(header_row, 0, f"no duty column named {header!r}"))
                continue
            duty_cols[dc] = duty
        if len(self.errors) > errors_before:
            return  # a column the mapping names is missing: every row would be wrong
        used = {v for v in col.values() if v is not None} | set(duty_cols)
        self._capability_columns(table, header_row, by_key, written, used)
        self._value_map()
        seen_ids: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for r in sorted(table.rows):
            if r <= header_row:
                continue
            self._row(table, r, col, duty_cols, seen_ids, seen_names)

    def _capability_columns(
        self,
        table: Table,
        header_row: int,
        by_key: dict[str, int],
        written: dict[int, str],
        used: set[int],
    ) -> None:
        by_name: dict[str, list[Declared]] = {}  # two capabilities may share a name
        for d in self.draft.capabilities.values():
            by_name.setdefault(_key(d.name), []).append(d)
        declared = dict(self.draft.capabilities)
        self.draft.capabilities = {}
        if self.mapping.owners is not None:
            chosen = []
            for header, cid in self.mapping.owners.items():
                oc = by_key.get(_key(header))
                if oc is None:
                    self.errors.append(
                        table.error(header_row, 0, f"no capability column named {header!r}")
                    )
                else:
                    chosen.append((oc, header, cid))
        else:
            # every other column with a header, up to the first column without one
            chosen = []
            for oc in range(1, max(written, default=0) + 1):
                if oc not in written:
                    if chosen:
                        break
                    continue
                if oc not in used:
                    chosen.append((oc, written[oc], ""))
        for oc, header, cid in chosen:
            decl = declared.get(cid)
            same_name = by_name.get(_key(header), [])
            if decl is None and same_name:  # the next one of that name, in order
                decl = same_name.pop(0) if len(same_name) > 1 else same_name[0]
            if decl is None:
                ident = cid or slug(header)
                decl = Declared(ident, header.strip())
            if not re.fullmatch(ID_PATTERN, decl.id):
                self.errors.append(
                    table.error(header_row, oc, f"no capability id can be made from {header!r}")
                )
                continue
            if decl.id in self.draft.capabilities:
                self.errors.append(
                    table.error(header_row, oc, f"a second column for capability {decl.id!r}")
                )
                continue
            self.draft.capabilities[decl.id] = decl
            self.cap_by_header[oc] = decl.id
            self._cap_keys.setdefault(_key(decl.name), decl.id)
            self._cap_keys[_key(decl.id)] = decl.id
        if not chosen:
            self.errors.append(
                table.error(
                    header_row,
                    0,
                    "no capability columns: list them under 'owners' in the mapping file "
                    "(or with --owner-column)",
                )
            )

    def _row(
        self,
        table: Table,
        r: int,
        col: dict[str, int | None],
        duty_cols: dict[int, DutyColumn],
        seen_ids: dict[str, int],
        seen_names: dict[str, int],
    ) -> None:
        name_col = col["name"] or 0
        used = [c for c in col.values() if c] + list(self.cap_by_header) + list(duty_cols)
        if not any(c in table.rows[r] for c in used):
            return  # a blank line for this table (e.g. beside it, the legend)
        errors_before = len(self.errors)
        name = self._cell(table, r, col["name"])
        src = Source(table, r, name_col)
        if not name.strip():
            cell = table.rows[r].get(name_col)
            if cell is None or not cell.problem:  # a formula is reported already
                self.errors.append(src.diagnostic("empty responsibility name"))
        if col["id"] is not None:
            written = self._cell(table, r, col["id"]).strip()
            id_src = Source(table, r, col["id"])
            # an id as the sheet writes it (A&A-01) becomes one of ours (a-a-01)
            rid = written if re.fullmatch(ID_PATTERN, written) else slug(written)
            if not rid:
                self.errors.append(
                    id_src.diagnostic(f"no id can be made from {written!r}: write one")
                )
        else:
            rid, id_src = slug(name), src
            if not rid and name.strip():
                self.errors.append(src.diagnostic(f"no id can be made from {name!r}"))
        if rid in seen_ids:
            self.errors.append(
                id_src.diagnostic(f"duplicate id {rid!r} (row {seen_ids[rid]} has it too)")
            )
        seen_ids.setdefault(rid, r)
        if _key(name) in seen_names:
            self.errors.append(
                src.diagnostic(f"duplicate name {name!r} (row {seen_names[_key(name)]} has it too)")
            )
        seen_names.setdefault(_key(name), r)
        category = self._category(table, r, col["category"])
        row = RowIn(rid, name, category, src, id_src, Source(table, r, col["category"] or name_col))
        for key in ("description", "reviewed"):
            value = self._cell(table, r, col[key])
            if value.strip():
                setattr(row, key, (value, Source(table, r, col[key] or 0)))
        aliases = self._cell(table, r, col["aliases"])
        if aliases.strip():
            row.aliases = (
                re.split(r"[\s,;]+", aliases.strip()),
                Source(table, r, col["aliases"] or 0),
            )
        refs = self._cell(table, r, col["references"])
        if refs.strip():
            row.references = (
                self._references(refs, Source(table, r, col["references"] or 0)),
                Source(table, r, col["references"] or 0),
            )
        controls = self._cell(table, r, col["controls"])
        if controls.strip():
            where = Source(table, r, col["controls"] or 0)
            row.controls = (self._controls(controls, where), where)
        for oc, cid in self.cap_by_header.items():
            text = self._cell(table, r, oc)
            where = Source(table, r, oc)
            if not text.strip():
                self.errors.append(
                    where.diagnostic(
                        f"empty owner for {self.draft.capabilities[cid].name!r}: write a "
                        f"party, several, or {NOT_APPLICABLE} (rule 1)"
                    )
                )
                continue
            parties = self.owners_of(text)
            if parties is None:
                known = sorted({k for k in self.values if k})
                self.errors.append(
                    where.diagnostic(
                        f"unknown owner value {text.strip()!r}; known: {', '.join(known)} "
                        "(add it under 'values' in the mapping file, or --value)"
                    )
                )
                continue
            row.owners[cid] = (list(parties), where)
        for dc, duty in duty_cols.items():
            text = self._cell(table, r, dc)
            if text.strip():
                caps = None
                if duty.capabilities:
                    caps = [self._capability_id(c) for c in duty.capabilities]
                row.duties.append(DutyIn(duty.party, text, caps, Source(table, r, dc)))
        row.bad = len(self.errors) > errors_before
        self.draft.rows.append(row)

    def _capability_id(self, text: str) -> str:
        """The capability a duty names by id or name (an unknown one is left for the
        validator to report at the duty's cell)."""
        return self._cap_keys.get(_key(text)) or slug(text)

    def _category(self, table: Table, r: int, col: int | None) -> str:
        text = self._cell(table, r, col).strip() if col is not None else ""
        if not text:
            if col is not None:
                self.errors.append(table.error(r, col, "empty category"))
            text = "General"
        if not self._cat_keys:  # the declared ones (from a definitions sheet), by name and id
            for cid, decl in self.draft.categories.items():
                self._cat_keys.setdefault(_key(decl.name), cid)
                self._cat_keys.setdefault(cid, cid)
        found = self._cat_keys.get(_key(text)) or self._cat_keys.get(text)
        if found:
            return found
        base = cid = slug(text) or "general"
        n = 1
        while cid in self.draft.categories:  # another name made the same id
            n += 1
            cid = f"{base}-{n}"
        self.draft.categories[cid] = Declared(cid, text)
        self._cat_keys[_key(text)] = cid
        return cid

    def _controls(self, text: str, src: Source) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            framework, sep, ids = line.partition(":")
            if not sep or not framework.strip() or not ids.strip():
                self.errors.append(
                    src.diagnostic(f"a control is written 'framework: id', one a line: {line!r}")
                )
                continue
            found = out.setdefault(framework.strip(), [])
            found += [i.strip() for i in ids.split(",") if i.strip()]
        return out

    def _references(self, text: str, src: Source) -> list[tuple[str, str]]:
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            match = re.fullmatch(r"(.*\S)\s+<(\S+)>\s*", line)
            if match is None:
                self.errors.append(
                    src.diagnostic(f"a reference is written 'Title <URL>', one a line: {line!r}")
                )
                continue
            out.append((match.group(1), match.group(2)))
        return out

    def read_duty_sheet(self) -> None:
        spec = self.mapping.duties_sheet
        if spec is None:
            return
        table = self._table(spec.sheet, "one row per duty")
        if table is None:
            return
        found = self._header(table, spec.responsibility, None)
        if found is None:
            return
        header_row, by_key, _ = found
        cols = {}
        for key in ("responsibility", "party", "capabilities", "text"):
            header = getattr(spec, key)
            cols[key] = by_key.get(_key(header))
            if cols[key] is None:
                self.errors.append(table.error(header_row, 0, f"no column named {header!r}"))
        if None in cols.values():
            return
        id_col = by_key.get(_key(spec.id)) if spec.id else None
        rows = {row.id: row for row in self.draft.rows}
        names = {_key(row.name): row for row in self.draft.rows}
        for r in sorted(table.rows):
            if r <= header_row:
                continue
            ref = self._cell(table, r, cols["responsibility"]).strip()
            row = rows.get(ref) or names.get(_key(ref))
            if row is None:
                self.errors.append(
                    table.error(r, cols["responsibility"] or 0, f"no responsibility {ref!r}")
                )
                continue
            party_text = self._cell(table, r, cols["party"])
            parties = self.owners_of(party_text)
            if not parties or len(parties) != 1:
                self.errors.append(
                    table.error(r, cols["party"] or 0, f"unknown party {party_text.strip()!r}")
                )
                continue
            caps_text = self._cell(table, r, cols["capabilities"])
            caps = [self._capability_id(c.strip()) for c in caps_text.splitlines() if c.strip()]
            text = self._cell(table, r, cols["text"])
            duty_id = self._cell(table, r, id_col).strip() or None
            row.duties.append(
                DutyIn(parties[0], text, caps or None, Source(table, r, cols["text"] or 0), duty_id)
            )

    def declare_parties(self) -> None:
        used: list[str] = []
        for row in self.draft.rows:
            for parties, _ in row.owners.values():
                used += [p for p in parties if p not in used]
            used += [d.party for d in row.duties if d.party not in used]
        for pid, decl in self.mapping.parties.items():
            extra = {
                k: v
                for k, v in (("possessive", decl.possessive), ("description", decl.description))
                if v
            }
            self.draft.parties.setdefault(pid, Declared(pid, decl.name, extra))
        for pid in used:
            if pid not in self.draft.parties:
                self.draft.parties[pid] = Declared(pid, BUILTIN_PARTIES.get(pid, pid))


def read_draft(
    book: Workbook, mapping: Mapping, title: str | None = None
) -> tuple[Draft, list[Diagnostic]]:
    """The spreadsheet's content, and every problem of every cell (rows with a problem
    are marked ``bad``)."""
    reader = _Reader(book, mapping, title)
    reader.read_about()
    reader.read_definitions()
    reader._value_map()
    reader.read_rows()
    reader.read_duty_sheet()
    reader.declare_parties()
    return reader.draft, reader.errors


def choose_mapping(book: Workbook, mapping: Mapping | None) -> Mapping:
    """The mapping given, else :data:`SRM_WORKBOOK` for a workbook with its sheets, else
    the defaults (one sheet, the first)."""
    if mapping is not None:
        return mapping
    names = {_key(n) for n in book.tables}
    wanted = {_key(n) for n in (MATRIX, DUTIES, DEFINITIONS)}
    return SRM_WORKBOOK if wanted <= names else Mapping()


# -- writing YAML -------------------------------------------------------------------------

_PLAIN = re.compile(r"[^\W_][\w ,.;()/'+-]*")


def _printable(ch: str) -> bool:
    return ch.isprintable() and ch != "\ufeff"


def scalar(text: str, indent: int) -> list[str]:
    """``text`` as a YAML scalar: the first element goes after ``key: `` (or ``- ``), the
    rest are continuation lines (a literal block for readable multi-line Markdown)."""
    if _PLAIN.fullmatch(text) and not text.endswith(" "):
        return [text]
    lines = text.split("\n")
    if (
        "\n" in text
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n\n")
        and all(all(_printable(ch) for ch in line) for line in lines)
        and not any(line.strip() == "" and line for line in lines)
    ):
        chomp = "" if text.endswith("\n") else "-"
        body = lines[:-1] if text.endswith("\n") else lines
        pad = " " * indent
        return [f"|{chomp}", *((pad + line) if line else "" for line in body)]
    quoted = json.dumps(text, ensure_ascii=False)
    return ["".join(ch if _printable(ch) else _escape(ch) for ch in quoted)]


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _comment(text: str) -> str:
    return "".join(ch if _printable(ch) else "?" for ch in text)


@dataclass
class _Yaml:
    lines: list[str] = field(default_factory=list)
    origin: dict[int, Source] = field(default_factory=dict)

    def add(self, indent: int, key: str, value: str | None, src: Source | None = None) -> None:
        pad = " " * indent
        start = len(self.lines) + 1
        if value is None:
            self.lines.append(f"{pad}{key}:")
        else:
            first, *rest = scalar(value, indent + 2)
            self.lines.append(f"{pad}{key}: {first}")
            self.lines += rest
        if src is not None:
            for n in range(start, len(self.lines) + 1):
                self.origin[n] = src

    def item(self, indent: int, value: str, src: Source | None = None) -> None:
        first, *rest = scalar(value, indent + 2)
        start = len(self.lines) + 1
        self.lines.append(f"{' ' * indent}- {first}")
        self.lines += rest
        if src is not None:
            for n in range(start, len(self.lines) + 1):
                self.origin[n] = src

    def mark(self, src: Source) -> None:
        self.origin[len(self.lines)] = src


def _declarations(y: _Yaml, section: str, items: Iterable[Declared]) -> None:
    y.add(0, section, None)
    for d in items:
        y.add(2, d.id, None)
        y.add(4, "name", d.name)
        for key, value in d.extra.items():
            y.add(4, key, value)


def _scope_default(row: RowIn, party: str) -> list[str]:
    return [cid for cid, (parties, _) in row.owners.items() if party in parties]


def gaps(row: RowIn) -> list[tuple[str, str, Source]]:
    """(capability, party, owner cell) for every owner with no duty that applies."""
    covered: set[tuple[str, str | None]] = set()
    for d in row.duties:
        if d.capabilities is None:  # an unscoped duty: every capability its party owns
            covered.add((d.party, None))
        else:
            covered.update((d.party, cap) for cap in d.capabilities)
    return [
        (cid, party, src)
        for cid, (parties, src) in row.owners.items()
        for party in parties
        if (party, None) not in covered and (party, cid) not in covered
    ]


def to_yaml(draft: Draft, source: str, allow_gaps: bool) -> _Yaml:
    y = _Yaml()
    y.lines += [SCHEMA_LINE, f"# Written by srm import from {_comment(source)}."]
    y.lines.append("schema: 1")
    y.add(0, "title", draft.title)
    for key in ("intro", "last_updated", "review_interval_days"):
        if key in draft.about:
            y.add(0, key, draft.about[key])
    _declarations(y, "parties", draft.parties.values())
    _declarations(y, "capabilities", draft.capabilities.values())
    _declarations(y, "categories", draft.categories.values())
    if draft.frameworks:
        _declarations(y, "frameworks", draft.frameworks.values())
    y.add(0, "responsibilities", None)
    party_order = list(draft.parties)
    for row in draft.rows:
        t = row.src.table
        sheet = f", sheet {t.sheet}" if t.sheet is not None else ""
        y.lines.append(f"  # from {_comment(Path(t.source).name)}{sheet}, row {row.src.row}")
        y.add(2, row.id, None, row.id_src)
        y.add(4, "name", row.name, row.src)
        y.add(4, "category", row.category, row.category_src)
        if row.description:
            y.add(4, "description", *row.description)
        if row.aliases:
            y.lines.append(f"    aliases: [{', '.join(row.aliases[0])}]")
            y.mark(row.aliases[1])
        y.add(4, "owners", None, row.src)
        for cid, (parties, src) in row.owners.items():
            if not parties:
                value = NOT_APPLICABLE
            elif len(parties) == 1:
                value = parties[0]
            else:
                value = "[" + ", ".join(parties) + "]"
            y.lines.append(f"      {cid}: {value}")
            y.mark(src)
        row_gaps = gaps(row)
        if row.duties or (row_gaps and allow_gaps):
            if row.duties:
                y.add(4, "duties", None, row.src)
            by_party = sorted(
                {d.party for d in row.duties},
                key=lambda p: party_order.index(p) if p in party_order else len(party_order),
            )
            for party in by_party:
                y.add(6, party, None, row.src)
                for d in row.duties:
                    if d.party != party:
                        continue
                    caps = d.capabilities
                    if caps is not None and sorted(caps) == sorted(_scope_default(row, party)):
                        caps = None
                    if caps is None and d.id is None:
                        y.item(8, d.text, d.src)
                        continue
                    first_key = "- "
                    if d.id is not None:
                        y.lines.append(f"        - id: {scalar(d.id, 12)[0]}")
                        y.mark(d.src)
                        first_key = "  "
                    first, *rest = scalar(d.text, 12)
                    y.lines.append(f"        {first_key}text: {first}")
                    y.mark(d.src)
                    y.lines += rest
                    if caps is not None:
                        y.lines.append(f"          capabilities: [{', '.join(caps)}]")
                        y.mark(d.src)
            if allow_gaps:
                for cid, party, src in row_gaps:
                    y.lines.append(
                        f"      # TODO: no duty of {party} applies to {cid} yet "
                        f"({_comment(Path(src.table.prefix).name)}"
                        f"{src.table.at(src.row, src.col)}): "
                        "write what it must do (rule 4)"
                    )
        if row.references:
            y.add(4, "references", None, row.references[1])
            for title, url in row.references[0]:
                first, *rest = scalar(title, 8)
                y.lines.append(f"      - title: {first}")
                y.lines += rest
                y.mark(row.references[1])
                y.add(8, "url", url, row.references[1])
        if row.controls:
            y.add(4, "controls", None, row.controls[1])
            for framework, ids in row.controls[0].items():
                y.add(6, framework, None, row.controls[1])
                for ident in ids:
                    y.item(8, ident, row.controls[1])
        if row.reviewed:
            y.add(4, "reviewed", *row.reviewed)
    return y


# -- the whole import ---------------------------------------------------------------------


@dataclass
class Imported:
    text: str
    srm: Srm | None
    """The validated model (None when written with gaps: rule 4 then fails)."""
    gaps: list[CellDiagnostic]
    rows: int


def _where(y: _Yaml, line: int) -> Source | None:
    for n in range(line, 0, -1):
        if n in y.origin:
            return y.origin[n]
    return None


def import_workbook(
    book: Workbook,
    mapping: Mapping | None = None,
    title: str | None = None,
    allow_gaps: bool = False,
    base_dir: str | None = None,
) -> Imported:
    """The YAML for a spreadsheet; raises SrmDataError with a cell for every problem."""
    draft, errors = read_draft(book, choose_mapping(book, mapping), title)
    if errors:  # check the good rows too, so that one run reports everything
        draft.rows = [row for row in draft.rows if not row.bad]
    y = to_yaml(draft, Path(book.source).name, allow_gaps)
    text = "\n".join(y.lines) + "\n"
    gap_errors = []
    for row in draft.rows:
        for cid, party, src in gaps(row):
            name = draft.parties[party].name if party in draft.parties else party
            cap = draft.capabilities[cid].name if cid in draft.capabilities else cid
            gap_errors.append(
                src.diagnostic(
                    f"{name} owns {row.name!r} for {cap}, but no duty of {name} applies to "
                    "it: the source has no text for it (rule 4; --allow-gaps writes the "
                    "file with a TODO here)"
                )
            )
    if not allow_gaps:
        errors += gap_errors
    srm = None
    if not draft.rows or not draft.parties:
        if not errors:
            problem = "no responsibilities found" if not draft.rows else "no cell names a party"
            errors.append(CellDiagnostic(f"{book.source}:", 0, 0, problem))
        raise SrmDataError(errors)
    try:
        # catalog files named by frameworks are read relative to where the YAML goes
        srm = parse_model(text.encode("utf-8"), "import", base_dir or os.getcwd())
    except SrmDataError as exc:
        for d in exc.diagnostics:
            if d.message.endswith("(rule 4)"):
                continue  # reported above at the owner cell
            origin = _where(y, d.line)
            if origin is None:
                errors.append(CellDiagnostic(f"{book.source}:", 0, 0, d.message))
            else:
                errors.append(origin.diagnostic(d.message))
    if errors:
        raise SrmDataError(errors)
    warnings = [CellDiagnostic(g.path, g.line, g.column, g.message, "warning") for g in gap_errors]
    return Imported(text, srm, warnings, len(draft.rows))


__all__ = [
    "BUILTIN_VALUES",
    "SRM_WORKBOOK",
    "Imported",
    "Mapping",
    "import_workbook",
    "load_mapping",
    "slug",
]
