"""Load and validate ``srm_data.yaml``: bytes -> strict YAML -> schema -> rules -> model.

Every problem becomes a located :class:`Diagnostic`; all of them are reported together
by raising :class:`SrmDataError`. Nothing here prints or exits.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from srm_handbook.core import catalog as cat
from srm_handbook.core import model as m
from srm_handbook.core import rules, schema, strict_yaml
from srm_handbook.core.diagnostics import Diagnostic, SrmDataError, SrmInputError
from srm_handbook.core.strict_yaml import Path

_MODELS: dict[str, type[Any]] = {
    "document": schema.SrmDocument,
    "party": schema.Party,
    "capability": schema.Capability,
    "category": schema.Category,
    "framework": schema.Framework,
    "responsibility": schema.Responsibility,
    "duty": schema.Duty,
    "reference": schema.Reference,
}
_FIELDS: dict[str, Sequence[str]] = {
    kind: [f.alias or name for name, f in model.model_fields.items()]
    for kind, model in _MODELS.items()
}
_SECTION_KIND = {
    "parties": "party",
    "capabilities": "capability",
    "categories": "category",
    "frameworks": "framework",
    "responsibilities": "responsibility",
}


def _kind_at(path: Path) -> str | None:
    """Which model the mapping at ``path`` is, for "did you mean" hints."""
    if not path:
        return "document"
    if len(path) == 2 and isinstance(path[0], str):
        return _SECTION_KIND.get(path[0])
    if len(path) == 5 and path[0] == "responsibilities" and path[2] == "duties":
        return "duty"
    if len(path) == 4 and path[0] == "responsibilities" and path[2] == "references":
        return "reference"
    return None


def _is_optional(path: Path) -> bool:
    """Whether the key at ``path`` may be left out (so "remove the key" is a fix)."""
    if not path or not isinstance(path[-1], str):
        return False
    kind = _kind_at(path[:-1])
    if kind is None:
        return True
    for name, info in _MODELS[kind].model_fields.items():
        if path[-1] in (name, info.alias):
            return not info.is_required()
    return True


def _describe(value: Any) -> str:
    if value is None:
        return "an alias"
    if isinstance(value, str):
        return "an empty value" if value == "" else f"text {value[:40]!r}"
    return "a list" if isinstance(value, list) else "a mapping"


def _schema_message(err: Any, path: Path) -> tuple[str, bool]:
    """A person-readable message for one pydantic error, and whether to point at the key."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    field = next(
        (str(strict_yaml.shown_key(p)) for p in reversed(path) if isinstance(p, str)), "value"
    )
    if kind == "missing":
        return f"missing required key {field!r}", False
    if kind == "extra_forbidden":
        parent = _kind_at(path[:-1])
        hint = rules.did_you_mean(field, _FIELDS[parent]) if parent else ""
        if not hint and parent:
            hint = f"; allowed keys: {', '.join(_FIELDS[parent])}"
        return f"unknown key {field!r}{hint}", True
    if kind == "string_pattern_mismatch":
        return (
            f"invalid id {value!r}: ids use lower-case letters, digits and single hyphens, "
            "like 'web-triggers'"
        ), False
    if kind == "value_error" and value in schema.RESERVED_IDS:
        return (
            f"id {value!r} is reserved: the generated site has a page of that name "
            f"(responsibilities/{value}.md and the like); choose another id"
        ), False
    optional = _is_optional(path)
    if kind in ("string_too_short", "value_error") and isinstance(value, str) and not value.strip():
        fix = "write it out or remove the key" if optional else "write it out"
        if isinstance(path[-1], int):
            fix = "write it out or remove the entry"
        return f"empty text for {field!r}: {fix} (rule 5)", False
    if kind == "too_short" and path[-2:-1] == ("duties",):
        return (
            f"no duties listed for {field!r}: an empty responsibilities section is the defect "
            "this format prevents; list what the party must do, or remove the key (rule 5)"
        ), False
    if kind == "too_short":
        what = "mapping" if isinstance(value, dict) else "list"
        fix = "give at least one entry" + (" or remove the key" if optional else "")
        return f"empty {what} for {field!r}: {fix} (rule 5)", False
    if kind == "string_too_long":
        return f"{field!r} is too long: at most {ctx.get('max_length')} characters", False
    if kind == "too_long":
        return f"{field!r} has too many entries: at most {ctx.get('max_length')}", False
    if kind == "literal_error" and field == "schema":
        return f"unsupported format version {value!r}; this tool reads 'schema: 1'", False
    if kind.startswith("date"):
        return f"{field!r} must be a date written YYYY-MM-DD, got {_describe(value)}", False
    if kind.startswith("int"):
        return f"{field!r} must be a whole number, got {_describe(value)}", False
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type", "string_type"):
        expected = {"list_type": "a list", "string_type": "text"}.get(kind, "a mapping")
        what = repr(field)
        if path and isinstance(path[-1], int):  # a list item: name it, not its list
            what = f"entry {path[-1] + 1} of {field!r}"
        return f"{what} must be {expected}, got {_describe(value)}", False
    if kind == "greater_than_equal" or kind == "less_than_equal":
        return f"{field!r} is out of range: {err['msg']}", False
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{field!r} {message}", False


def _pydantic_findings(exc: ValidationError, prefix: Path = ()) -> list[tuple[Path, str, bool]]:
    """Findings with paths from the document root; ``prefix`` is where the validated
    value sits (the messages' hints depend on the full path)."""
    out = []
    for err in exc.errors():
        loc = err["loc"]
        on_key = False
        if loc and loc[-1] == "[key]":
            loc, on_key = loc[:-1], True
        path: Path = prefix + tuple(loc)
        message, key_hint = _schema_message(err, path)
        if err["type"] == "missing":
            path = path[:-1]
            on_key = True
        out.append((path, message, on_key or key_hint))
    return out


def _locate(
    source: str, positions: strict_yaml.Positions, path: Path, on_key: bool, message: str
) -> Diagnostic:
    line, col = positions.of_key(path) if on_key else positions.of_value(path)
    return Diagnostic(source, line, col, message)


def _normalise(doc: schema.SrmDocument, source: str, catalogs: dict[str, cat.Catalog]) -> m.Srm:
    parties = tuple(
        m.Party(
            pid,
            p.name,
            p.possessive or f"{p.name}'s",
            p.description,
            plural=bool(p.plural),
            role=p.role,
        )
        for pid, p in doc.parties.items()
    )
    frameworks = tuple(
        m.Framework(fid, f.name, f.catalog, catalogs.get(fid))
        for fid, f in (doc.frameworks or {}).items()
    )
    framework_order = [f.id for f in frameworks]
    # Indexes instead of scans: this runs for every cell and every duty of the file.
    party_index = {pid: i for i, pid in enumerate(doc.parties)}
    cap_index = {cid: i for i, cid in enumerate(doc.capabilities)}
    responsibilities = []
    for rid, row in doc.responsibilities.items():
        owners = {
            cap: tuple(sorted(row.owners[cap], key=party_index.__getitem__))
            for cap in doc.capabilities
        }
        owned = rules.owned_capabilities(doc.capabilities, row.owners)
        duties = []
        row_duties = row.duties or {}
        keys: set[str] = set()
        for party in doc.parties:
            for i, duty in enumerate(row_duties.get(party, ())):
                if duty.capabilities is None:
                    caps = tuple(owned.get(party, ()))
                else:  # rules.check() refused any capability not declared
                    caps = tuple(sorted(duty.capabilities, key=cap_index.__getitem__))
                key = base = m.duty_key(rid, party, duty.text, duty.id)
                n = 1
                while key in keys:  # the same text twice for one party in one row
                    n += 1
                    key = f"{base}-{n}"
                keys.add(key)
                duties.append(m.Duty(rid, party, i, duty.text, caps, duty.id, key))
        responsibilities.append(
            m.Responsibility(
                id=rid,
                name=row.name,
                category=row.category,
                description=row.description,
                aliases=tuple(row.aliases or ()),
                owners=owners,
                duties=tuple(duties),
                references=tuple(m.Reference(r.title, r.url) for r in row.references or ()),
                reviewed=row.reviewed,
                controls={
                    fid: tuple(row.controls[fid]) for fid in framework_order if fid in row.controls
                }
                if row.controls
                else {},
            )
        )
    return m.Srm(
        schema=doc.schema_,
        title=doc.title,
        intro=doc.intro,
        last_updated=doc.last_updated,
        review_interval_days=doc.review_interval_days,
        parties=parties,
        capabilities=tuple(
            m.Capability(cid, c.name, c.description, c.status)
            for cid, c in doc.capabilities.items()
        ),
        categories=tuple(
            m.Category(cid, c.name, c.description) for cid, c in doc.categories.items()
        ),
        responsibilities=tuple(responsibilities),
        source_path=source,
        frameworks=frameworks,
    )


def _too_big(source: str, size: int) -> SrmDataError:
    limit = strict_yaml.MAX_FILE_BYTES // (1024 * 1024)
    # Rounded up, so that a file just over the limit never reads "32.0 MiB; the limit is 32".
    shown = math.ceil(size / (1024 * 1024) * 10) / 10
    return SrmDataError(
        [Diagnostic(source, 1, 1, f"the file is {shown:.1f} MiB; the limit is {limit} MiB")]
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) while building the model.

    Loading allocates hundreds of thousands of small tuples, dicts and lists and frees
    none of them until the end, so the collector's passes find nothing to collect and
    cost about a quarter of the load time of a large file. Reference counting still
    frees everything as usual; the collector's state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_model(
    raw: bytes, source: str = "srm_data.yaml", base_dir: str | os.PathLike[str] | None = None
) -> m.Srm:
    """Validate the bytes of a data file; ``source`` is the path shown in errors, and
    catalog files are read relative to ``base_dir`` (default: the directory of
    ``source``)."""
    with _gc_paused():
        return _parse_model(raw, source, base_dir, located=False)[0]


def parse_model_located(
    raw: bytes, source: str = "srm_data.yaml", base_dir: str | os.PathLike[str] | None = None
) -> tuple[m.Srm, strict_yaml.Positions]:
    """:func:`parse_model`, with where each key and value of the file is (for messages
    about a valid model, such as overdue reviews)."""
    with _gc_paused():
        return _parse_model(raw, source, base_dir, located=True)


def _catalogs(
    frameworks: dict[str, schema.Framework],
    source: str,
    base_dir: str | os.PathLike[str] | None,
) -> tuple[dict[str, cat.Catalog], list[tuple[strict_yaml.Path, str, bool]], list[Diagnostic]]:
    """Each framework's catalog (rule 6): the ones that could be read, the problems with
    the ``catalog`` values (located in the data file) and those inside catalog files."""
    found: dict[str, cat.Catalog] = {}
    findings: list[tuple[strict_yaml.Path, str, bool]] = []
    inside: list[Diagnostic] = []
    base = os.fspath(base_dir) if base_dir is not None else os.path.dirname(source)
    shown_base = os.path.dirname(source)
    read: dict[str, cat.Catalog | None] = {}
    for fid, framework in frameworks.items():
        name = framework.catalog
        if name is None:
            continue
        if name in cat.BUILTIN:
            found[fid] = cat.builtin(name)
            continue
        where: strict_yaml.Path = ("frameworks", fid, "catalog")
        path = os.path.join(base, name)
        if not os.path.isfile(path):
            if "/" not in name and not os.path.splitext(name)[1]:
                hint = rules.did_you_mean(name, cat.BUILTIN)
                findings.append(
                    (
                        where,
                        f"unknown catalog {name!r}{hint}: use a built-in catalog "
                        f"({', '.join(cat.BUILTIN)}) or the path of a catalog file (rule 6)",
                        False,
                    )
                )
            else:
                reason = "it is not a file" if os.path.exists(path) else "no such file"
                findings.append(
                    (where, f"cannot read the catalog file {name!r}: {reason} (rule 6)", False)
                )
            continue
        if name not in read:
            try:
                read[name] = cat.read_catalog_file(path, os.path.join(shown_base, name), name)
            except SrmDataError as exc:
                read[name] = None
                inside.extend(exc.diagnostics)
        catalog = read[name]
        if catalog is not None:
            found[fid] = catalog
    return found, findings, inside


def _parse_model(
    raw: bytes, source: str, base_dir: str | os.PathLike[str] | None, located: bool
) -> tuple[m.Srm, strict_yaml.Positions]:
    """Without ``located`` the file is parsed without recording positions (a valid file
    never needs them), and parsed again with them as soon as there is a problem to locate;
    the positions returned are then empty for a valid file."""
    if len(raw) > strict_yaml.MAX_FILE_BYTES:
        raise _too_big(source, len(raw))
    text, problems = strict_yaml.decode(raw)
    if problems:
        raise SrmDataError(Diagnostic(source, p.line, p.column, p.message) for p in problems)
    parsed = strict_yaml.parse(text, located)
    if parsed.problems and not located:
        parsed, located = strict_yaml.parse(text), True
    diagnostics = [Diagnostic(source, p.line, p.column, p.message) for p in parsed.problems]
    if parsed.data is None and diagnostics:
        raise SrmDataError(diagnostics)
    if not isinstance(parsed.data, dict):
        diagnostics.append(
            Diagnostic(
                source,
                1,
                1,
                f"the top level must be a mapping (schema: 1, title: ..., parties: ...), "
                f"not {_describe(parsed.data)}",
            )
        )
        raise SrmDataError(diagnostics)
    positions = parsed.positions

    def report(findings: list[tuple[Path, str, bool]]) -> None:
        nonlocal positions, located
        if findings and not located:
            positions, located = strict_yaml.parse(text).positions, True
        for path, message, on_key in findings:
            diagnostics.append(_locate(source, positions, path, on_key, message))

    header: schema.DocumentHeader | None = None
    try:
        header = schema.DocumentHeader.model_validate(parsed.data)
    except ValidationError as exc:
        report(_pydantic_findings(exc))
    rows: dict[str, schema.Responsibility] = {}
    # Rows with a problem of shape (reported), and rows under a repeated id: their other
    # problems are reported in the same run too, each where it is (see _salvage).
    others: dict[str, tuple[schema.Responsibility, set[str]]] = {}
    raw_rows = parsed.data.get("responsibilities")
    # Over the row limit the header already says so: do not flood with per-row errors.
    if isinstance(raw_rows, dict) and len(raw_rows) <= schema.MAX_ROWS:
        for rid, raw_row in raw_rows.items():
            try:
                rows[rid] = schema.Responsibility.model_validate(raw_row)
            except ValidationError as exc:
                report(_pydantic_findings(exc, ("responsibilities", rid)))
                _salvage(others, rid, rid, raw_row, exc)
    for dup in parsed.duplicates:
        kind = _SECTION_KIND.get(str(dup.parent[0])) if len(dup.parent) == 1 else None
        if kind is None:
            continue
        try:
            body = _MODELS[kind].model_validate(dup.value)
        except ValidationError as exc:
            report(_pydantic_findings(exc, dup.path))
            if kind == "responsibility":
                _salvage(others, str(dup.path[1]), dup.key, dup.value, exc)
            continue
        if kind == "responsibility":
            others[str(dup.path[1])] = (body, set())
    if header is None:
        # Something in the header is wrong (already reported): still check the rows
        # against what is declared, so that one run reports everything it can.
        parties = _declared(parsed.data, "parties", schema.Party, schema.MAX_PARTIES)
        capabilities = _declared(parsed.data, "capabilities", schema.Capability, schema.MAX_COLUMNS)
        categories = _declared(parsed.data, "categories", schema.Category, None)
        if parties is None or capabilities is None or categories is None:
            raise SrmDataError(diagnostics)  # every reference to it would be flagged too
        partial = schema.SrmDocument.model_construct(
            schema_=1,
            title="",
            parties=parties,
            capabilities=capabilities,
            categories=categories,
            responsibilities=rows,
        )
        all_ids = raw_rows if isinstance(raw_rows, dict) else ()
        report(list(rules.check(partial, all_ids=all_ids)))
        report(_check_others(partial, others, all_ids))
        raise SrmDataError(diagnostics)
    doc = header.model_copy(update={"responsibilities": rows})
    catalogs, catalog_findings, inside = _catalogs(doc.frameworks or {}, source, base_dir)
    report(catalog_findings)
    diagnostics.extend(inside)
    unchecked = {
        fid for fid, f in (doc.frameworks or {}).items() if f.catalog and fid not in catalogs
    }
    report(list(rules.check(doc, all_ids=header.responsibilities)))
    report(_check_others(doc, others, header.responsibilities))
    report(list(rules.check_mappings(doc, catalogs, unchecked)))
    if diagnostics:
        raise SrmDataError(diagnostics)
    return _normalise(doc, source, catalogs), positions


def load_header(path: str | os.PathLike[str], display: str | None = None) -> schema.DocumentHeader:
    """The declarations of a data file (its rows unchecked): enough to specialise the
    editor schema to it while rows still have problems. Raises :class:`SrmDataError`
    with the problems of the file outside its rows."""
    shown = display or os.fspath(path)
    raw = read_data(path, shown)
    text, problems = strict_yaml.decode(raw)
    parsed = strict_yaml.parse(text) if not problems else None
    if parsed is not None:
        problems = parsed.problems
    if problems or parsed is None:
        raise SrmDataError(Diagnostic(shown, p.line, p.column, p.message) for p in problems)
    if not isinstance(parsed.data, dict):
        raise SrmDataError([Diagnostic(shown, 1, 1, "the top level must be a mapping")])
    try:
        return schema.DocumentHeader.model_validate(parsed.data)
    except ValidationError as exc:
        raise SrmDataError(
            _locate(shown, parsed.positions, path, on_key, message)
            for path, message, on_key in _pydantic_findings(exc)
        ) from None


def _salvage(
    into: dict[str, tuple[schema.Responsibility, set[str]]],
    key: str,
    rid: str,
    raw: Any,
    exc: ValidationError,
) -> None:
    """The part of a row that has the right shape, to check its consistency anyway: a
    row with a typo'd key should not hide that it names an unknown party. The keys with a
    problem (already reported) are left out, or stand in with a placeholder, and every
    finding about them is left out too; when its owners or duties are unusable, so are
    both (its coverage cannot be judged), and its category and aliases are still checked."""
    if not isinstance(raw, dict):
        return
    bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    if bad & {"owners", "duties"}:
        bad |= {"owners", "duties"}
    kept = {k: v for k, v in raw.items() if k not in bad}
    # Findings about these are left out: "x" stands for an id, "n/a" for a cell.
    placeholders = {"name": rid, "category": "x", "owners": {"x": "n/a"}}
    try:
        row = schema.Responsibility.model_validate({**placeholders, **kept})
    except ValidationError:
        return
    into[key] = (row, bad | {k for k in placeholders if k not in kept})


def _check_others(
    doc: schema.SrmDocument,
    rows: dict[str, tuple[schema.Responsibility, set[str]]],
    all_ids: Iterable[str],
) -> list[rules.Finding]:
    """The consistency rules for the rows of :func:`_salvage` and the rows written under
    a repeated id, on their own (their aliases are not compared with those of the other
    rows), without the findings about the keys left out of them."""
    if not rows:
        return []
    alone = doc.model_copy(update={"responsibilities": {k: row for k, (row, _) in rows.items()}})
    return [
        finding
        for finding in rules.check(alone, all_ids=all_ids)
        if len(finding[0]) < 3 or finding[0][2] not in rows[str(finding[0][1])][1]
    ]


def _declared(
    data: dict[str, Any], section: str, model: type[Any], limit: int | None
) -> dict[str, Any] | None:
    """The declarations of one section of a document that is not valid as a whole, to
    check the rows against: every entry, its body validated, or a stand-in named like it
    when the body is wrong (that is reported already, and rows may name it). None when
    the section is missing, not a mapping, over its size limit, or has an invalid id: the
    rows then cannot be checked without flagging every use of it as well."""
    entries = data.get(section)
    if not isinstance(entries, dict) or not entries:
        return None
    if limit is not None and len(entries) > limit:
        return None
    if not all(
        isinstance(i, str) and _ID.fullmatch(i) and i not in schema.RESERVED_IDS for i in entries
    ):
        return None
    out: dict[str, Any] = {}
    for ident, body in entries.items():
        try:
            out[ident] = model.model_validate(body)
        except ValidationError:
            name = body.get("name") if isinstance(body, dict) else None
            out[ident] = model.model_construct(
                name=name if isinstance(name, str) and name.strip() else ident
            )
    return out


_ID = re.compile(schema.ID_PATTERN)


def load_model(path: str | os.PathLike[str], display: str | None = None) -> m.Srm:
    """Read and validate a data file. Raises :class:`SrmDataError` (also for I/O errors)."""
    shown = display or os.fspath(path)
    return parse_model(read_data(path, shown), shown, os.path.dirname(os.fspath(path)))


def load_model_located(
    path: str | os.PathLike[str], display: str | None = None
) -> tuple[m.Srm, strict_yaml.Positions]:
    """:func:`load_model`, with the positions of :func:`parse_model_located`."""
    shown = display or os.fspath(path)
    return parse_model_located(read_data(path, shown), shown, os.path.dirname(os.fspath(path)))


def read_data(path: str | os.PathLike[str], shown: str) -> bytes:
    """The bytes of a data file (at most the size limit). Raises :class:`SrmDataError`."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(strict_yaml.MAX_FILE_BYTES + 1)
            if len(raw) > strict_yaml.MAX_FILE_BYTES:
                raise _too_big(shown, os.fstat(fh.fileno()).st_size)
    except OSError as exc:
        raise SrmInputError(
            [Diagnostic(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    return raw
