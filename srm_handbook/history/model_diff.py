"""What changed between two versions of the model: ``srm diff`` and the "What changed" page.

Pure: compares two validated models (:class:`srm_handbook.model.Srm`), never files or git.
A row is the same row on both sides when it keeps its id, or when the new side lists the
old id under ``aliases`` (a rename). Order changes are not reported; everything else a
reader sees is: parties, capabilities and categories added or removed, rows added, removed
or renamed, every ownership cell that changed, duties added, removed, reworded or
re-scoped, and edited names, descriptions, references and review dates.

:func:`to_text`, :func:`to_markdown` and :func:`to_json` render a diff; the Markdown form
is meant for review comments and escapes every text taken from the data.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from srm_handbook.core.crosswalk import INHERITANCE_LABEL, control_rows
from srm_handbook.core.model import Duty, Responsibility, Srm
from srm_handbook.site import exports as export

DutyKind = Literal["added", "removed", "reworded", "rescoped"]
FieldKind = Literal["document", "party", "capability", "category", "framework", "responsibility"]

SIMILARITY = 0.5
"""Word similarity (difflib ratio) above which an unmatched old and new duty of the same
party and row count as one duty reworded, rather than one removed and one added."""
MAX_SIMILARITY_PAIRS = 10_000
"""Above this many (old, new) candidate pairs in one row and party, unmatched duties are
reported as removed and added without looking for rewordings (bounded work)."""
NEW_COLUMN = "(new capability)"
REMOVED_COLUMN = "(capability removed)"


@dataclass(frozen=True)
class Item:
    """A party, capability, category or responsibility added or removed."""

    id: str
    name: str


@dataclass(frozen=True)
class Rename:
    """A row whose old id is listed under the new row's ``aliases``."""

    old_id: str
    new_id: str
    name: str


@dataclass(frozen=True)
class CellChange:
    responsibility: str
    """The row's id on the new side."""
    responsibility_name: str
    capability: str
    capability_name: str
    before: tuple[str, ...] | None
    """Owning party ids (empty for n/a); None when the capability did not exist."""
    after: tuple[str, ...] | None
    """Owning party ids (empty for n/a); None when the capability was removed."""
    before_label: str
    after_label: str


@dataclass(frozen=True)
class DutyChange:
    kind: DutyKind
    responsibility: str
    """The row's id on the new side."""
    responsibility_name: str
    party: str
    party_name: str
    before: str | None
    after: str | None
    before_capabilities: tuple[str, ...] | None
    after_capabilities: tuple[str, ...] | None


@dataclass(frozen=True)
class ControlChange:
    """The controls of one framework that a row (on both sides) maps, changed."""

    responsibility: str
    """The row's id on the new side."""
    responsibility_name: str
    framework: str
    framework_name: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class InheritanceChange:
    """The derived inheritance of a control for a capability changed (both sides have
    roles and the framework)."""

    framework: str
    control: str
    capability: str
    capability_name: str
    before: str
    """``yes``, ``partial``, ``no`` or ``n/a``."""
    after: str


@dataclass(frozen=True)
class FieldChange:
    kind: FieldKind
    id: str
    """The item's id on the new side; empty for the document itself."""
    name: str
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class SrmDiff:
    parties_added: tuple[Item, ...] = ()
    parties_removed: tuple[Item, ...] = ()
    capabilities_added: tuple[Item, ...] = ()
    capabilities_removed: tuple[Item, ...] = ()
    categories_added: tuple[Item, ...] = ()
    categories_removed: tuple[Item, ...] = ()
    rows_added: tuple[Item, ...] = ()
    rows_removed: tuple[Item, ...] = ()
    rows_renamed: tuple[Rename, ...] = ()
    cells: tuple[CellChange, ...] = ()
    duties: tuple[DutyChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    frameworks_added: tuple[Item, ...] = ()
    frameworks_removed: tuple[Item, ...] = ()
    controls: tuple[ControlChange, ...] = ()
    inheritance: tuple[InheritanceChange, ...] = ()
    capability_names: dict[str, str] = field(default_factory=dict, compare=False)
    """Names of every capability on either side (new names win), for scope labels."""

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())

    @property
    def owners_changed(self) -> bool:
        """Any ownership cell of a row present on both sides changed (including the
        cells of capabilities added or removed)."""
        return bool(self.cells)

    @property
    def controls_changed(self) -> bool:
        """A framework was added or removed, or a row on both sides maps other controls."""
        return bool(self.controls or self.frameworks_added or self.frameworks_removed)

    def counts(self) -> dict[str, int]:
        return {
            "parties_added": len(self.parties_added),
            "parties_removed": len(self.parties_removed),
            "capabilities_added": len(self.capabilities_added),
            "capabilities_removed": len(self.capabilities_removed),
            "categories_added": len(self.categories_added),
            "categories_removed": len(self.categories_removed),
            "rows_added": len(self.rows_added),
            "rows_removed": len(self.rows_removed),
            "rows_renamed": len(self.rows_renamed),
            "cells_changed": len(self.cells),
            "duties_changed": len(self.duties),
            "fields_changed": len(self.fields),
            "frameworks_added": len(self.frameworks_added),
            "frameworks_removed": len(self.frameworks_removed),
            "controls_changed": len(self.controls),
            "inheritance_changed": len(self.inheritance),
        }

    def touched_rows(self) -> set[str]:
        """Ids (on the new side) of every row this diff adds, renames or changes."""
        rows = {r.id for r in self.rows_added} | {r.new_id for r in self.rows_renamed}
        rows |= {c.responsibility for c in self.cells}
        rows |= {d.responsibility for d in self.duties}
        rows |= {f.id for f in self.fields if f.kind == "responsibility"}
        rows |= {c.responsibility for c in self.controls}
        return rows

    def capability_label(self, caps: tuple[str, ...] | None) -> str:
        if caps is None:
            return ""
        return ", ".join(self.capability_names.get(c, c) for c in caps)


def owners_label(srm: Srm, parties: tuple[str, ...] | None, missing: str) -> str:
    """:func:`srm_handbook.export.owners_label`, or ``missing`` where the capability is
    not on that side."""
    return missing if parties is None else export.owners_label(srm, parties)


def _items(first: Sequence[Any], second: Sequence[Any]) -> tuple[Item, ...]:
    """Items of ``first`` whose id is not in ``second``, in ``first``'s order."""
    ids = {x.id for x in second}
    return tuple(Item(x.id, x.name) for x in first if x.id not in ids)


def _fmt(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _field_changes(
    kind: FieldKind, item_id: str, name: str, pairs: Sequence[tuple[str, object, object]]
) -> Iterator[FieldChange]:
    for fname, before, after in pairs:
        if before != after:
            yield FieldChange(kind, item_id, name, fname, _fmt(before), _fmt(after))


def _references(r: Responsibility) -> str | None:
    if not r.references:
        return None
    return "; ".join(f"{ref.title} <{ref.url}>" for ref in r.references)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def match_duties(old: Sequence[Duty], new: Sequence[Duty]) -> list[tuple[Duty | None, Duty | None]]:
    """Pair one party's duties in one row: the same ``id`` on both sides (whatever its
    text), then equal duties, then the same text with another scope, then the most
    similar texts (reworded); the rest are removed or added.
    Returns only the pairs that differ: new-side order first, then removals."""
    used_old: set[int] = set()
    pair_of_new: dict[int, int] = {}
    unchanged: set[int] = set()
    # 0. The same id: one duty, however much its text changed.
    old_by_id = {d.id: i for i, d in enumerate(old) if d.id is not None}
    for j, d in enumerate(new):
        i_id = old_by_id.get(d.id) if d.id is not None else None
        if i_id is not None:
            used_old.add(i_id)
            if (old[i_id].text, old[i_id].capabilities) == (d.text, d.capabilities):
                unchanged.add(j)
            else:
                pair_of_new[j] = i_id
    # 1. Unchanged: same text and capabilities.
    by_key: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, d in enumerate(old):
        if i not in used_old:
            by_key.setdefault((d.text, d.capabilities), []).append(i)
    for j, d in enumerate(new):
        if j in unchanged or j in pair_of_new:
            continue
        candidates = by_key.get((d.text, d.capabilities))
        if candidates:
            used_old.add(candidates.pop(0))
            unchanged.add(j)
    # 2. Same text, other capabilities.
    by_text: dict[str, list[int]] = {}
    for i, d in enumerate(old):
        if i not in used_old:
            by_text.setdefault(d.text, []).append(i)
    for j, d in enumerate(new):
        if j in unchanged or j in pair_of_new:
            continue
        candidates = by_text.get(d.text)
        if candidates:
            i = candidates.pop(0)
            used_old.add(i)
            pair_of_new[j] = i
    # 3. Similar texts, best pairs first.
    old_left = [i for i in range(len(old)) if i not in used_old]
    new_left = [j for j in range(len(new)) if j not in unchanged and j not in pair_of_new]
    if old_left and new_left and len(old_left) * len(new_left) <= MAX_SIMILARITY_PAIRS:
        scored = sorted(
            ((-_similarity(old[i].text, new[j].text), i, j) for i in old_left for j in new_left),
        )
        taken_new: set[int] = set()
        for negative, i, j in scored:
            if -negative < SIMILARITY:
                break
            if i in used_old or j in taken_new:
                continue
            used_old.add(i)
            taken_new.add(j)
            pair_of_new[j] = i
    out: list[tuple[Duty | None, Duty | None]] = []
    for j, d in enumerate(new):
        if j in unchanged:
            continue
        i_old = pair_of_new.get(j)
        out.append((old[i_old] if i_old is not None else None, d))
    out.extend((d, None) for i, d in enumerate(old) if i not in used_old)
    return out


def _duty_changes(
    old_srm: Srm, new_srm: Srm, old_row: Responsibility, new_row: Responsibility
) -> Iterator[DutyChange]:
    if old_row.duties == new_row.duties:
        return  # most rows of two versions: nothing to match
    parties = [p.id for p in new_srm.parties]
    parties += [p.id for p in old_srm.parties if p.id not in new_srm.party]
    for pid in parties:
        party = new_srm.party.get(pid) or old_srm.party[pid]
        for before, after in match_duties(old_row.duties_of(pid), new_row.duties_of(pid)):
            if before is None and after is not None:
                kind: DutyKind = "added"
            elif after is None:
                kind = "removed"
            elif before is not None and before.text == after.text:
                kind = "rescoped"
            else:
                kind = "reworded"
            yield DutyChange(
                kind=kind,
                responsibility=new_row.id,
                responsibility_name=new_row.name,
                party=pid,
                party_name=party.name,
                before=before.text if before else None,
                after=after.text if after else None,
                before_capabilities=before.capabilities if before else None,
                after_capabilities=after.capabilities if after else None,
            )


def diff(old: Srm | None, new: Srm) -> SrmDiff:
    """Everything that changed from ``old`` to ``new``; ``old=None`` means "no model yet"
    (everything is added)."""
    if old is None:
        return SrmDiff(
            parties_added=_items(new.parties, ()),
            capabilities_added=_items(new.capabilities, ()),
            categories_added=_items(new.categories, ()),
            rows_added=_items(new.responsibilities, ()),
            frameworks_added=_items(new.frameworks, ()),
            capability_names={c.id: c.name for c in new.capabilities},
        )
    # Which old row each new row continues: the same id, else an alias naming an old id
    # that is gone (an alias never equals a live id, so a live old id is never claimed).
    renames: list[Rename] = []
    old_of: dict[str, Responsibility] = {}
    for r in new.responsibilities:
        if r.id in old.responsibility:
            old_of[r.id] = old.responsibility[r.id]
            continue
        for alias in r.aliases:
            previous = old.responsibility.get(alias)
            if previous is not None and alias not in new.responsibility:
                old_of[r.id] = previous
                renames.append(Rename(alias, r.id, r.name))
                break
    continued = {o.id for o in old_of.values()}
    cap_ids = [c.id for c in new.capabilities]
    cap_ids += [c.id for c in old.capabilities if c.id not in new.capability]
    cap_names = {c.id: c.name for c in old.capabilities} | {c.id: c.name for c in new.capabilities}

    cells: list[CellChange] = []
    duties: list[DutyChange] = []
    controls: list[ControlChange] = []
    fields: list[FieldChange] = list(
        _field_changes(
            "document",
            "",
            new.title,
            [
                ("title", old.title, new.title),
                ("intro", old.intro, new.intro),
                ("last_updated", old.last_updated, new.last_updated),
                ("review_interval_days", old.review_interval_days, new.review_interval_days),
            ],
        )
    )
    # Parties, capabilities and categories on both sides: each field a reader sees.
    declarations: list[tuple[FieldKind, Sequence[Any], dict[str, Any], tuple[str, ...]]] = [
        ("party", new.parties, old.party, ("name", "possessive", "description", "role")),
        ("framework", new.frameworks, old.framework, ("name", "catalog_name")),
        ("capability", new.capabilities, old.capability, ("name", "status", "description")),
        ("category", new.categories, old.category, ("name", "description")),
    ]
    for kind, items, old_items, names in declarations:
        for item in items:
            before = old_items.get(item.id)
            if before is not None:
                fields += _field_changes(
                    kind,
                    item.id,
                    item.name,
                    [(f, getattr(before, f), getattr(item, f)) for f in names],
                )
    for r in new.responsibilities:
        prev = old_of.get(r.id)
        if prev is None:
            continue
        for cap in cap_ids:
            before = prev.owners.get(cap) if cap in old.capability else None
            after = r.owners.get(cap) if cap in new.capability else None
            if before != after:
                cells.append(
                    CellChange(
                        responsibility=r.id,
                        responsibility_name=r.name,
                        capability=cap,
                        capability_name=cap_names[cap],
                        before=before,
                        after=after,
                        before_label=owners_label(old, before, NEW_COLUMN),
                        after_label=owners_label(new, after, REMOVED_COLUMN),
                    )
                )
        duties += _duty_changes(old, new, prev, r)
        controls += _control_changes(old, new, prev, r)
        old_category = old.category.get(prev.category)
        new_category = new.category.get(r.category)
        aliases_before = sorted(prev.aliases)
        aliases_after = sorted(a for a in r.aliases if a != prev.id)
        fields += _field_changes(
            "responsibility",
            r.id,
            r.name,
            [
                ("name", prev.name, r.name),
                (
                    "category",
                    old_category.name if old_category else prev.category,
                    new_category.name if new_category else r.category,
                ),
                ("description", prev.description, r.description),
                ("references", _references(prev), _references(r)),
                ("aliases", ", ".join(aliases_before) or None, ", ".join(aliases_after) or None),
                ("reviewed", prev.reviewed, r.reviewed),
            ],
        )
    return SrmDiff(
        parties_added=_items(new.parties, old.parties),
        parties_removed=_items(old.parties, new.parties),
        capabilities_added=_items(new.capabilities, old.capabilities),
        capabilities_removed=_items(old.capabilities, new.capabilities),
        categories_added=_items(new.categories, old.categories),
        categories_removed=_items(old.categories, new.categories),
        rows_added=tuple(Item(r.id, r.name) for r in new.responsibilities if r.id not in old_of),
        rows_removed=tuple(
            Item(r.id, r.name) for r in old.responsibilities if r.id not in continued
        ),
        rows_renamed=tuple(renames),
        cells=tuple(cells),
        duties=tuple(duties),
        fields=tuple(fields),
        frameworks_added=_items(new.frameworks, old.frameworks),
        frameworks_removed=_items(old.frameworks, new.frameworks),
        controls=tuple(controls),
        inheritance=_inheritance_changes(old, new),
        capability_names=cap_names,
    )


def _control_changes(
    old: Srm, new: Srm, prev: Responsibility, r: Responsibility
) -> Iterator[ControlChange]:
    """Per framework (new order, then frameworks only the old side has), the controls
    the row maps now and did not, and the other way round."""
    fids = [f.id for f in new.frameworks] + [
        f.id for f in old.frameworks if f.id not in new.framework
    ]
    for fid in fids:
        before = prev.controls.get(fid, ())
        after = r.controls.get(fid, ())
        added = tuple(c for c in after if c not in before)
        removed = tuple(c for c in before if c not in after)
        if added or removed:
            framework = new.framework.get(fid) or old.framework[fid]
            yield ControlChange(r.id, r.name, fid, framework.name, added, removed)


def _inheritance_changes(old: Srm, new: Srm) -> tuple[InheritanceChange, ...]:
    """Controls mapped on both sides whose derived inheritance for a capability (on both
    sides) changed."""
    if not (old.has_roles and new.has_roles):
        return ()
    out = []
    for f in new.frameworks:
        if f.id not in old.framework:
            continue
        before = {
            (row.control, cell.capability): cell.inheritance
            for row in control_rows(old, f.id)
            for cell in row.cells
        }
        for row in control_rows(new, f.id):
            for cell in row.cells:
                was = before.get((row.control, cell.capability))
                # Controls newly mapped (or capabilities added) are control changes.
                if was is None or cell.inheritance is None:
                    continue
                if was != cell.inheritance:
                    out.append(
                        InheritanceChange(
                            f.id,
                            row.control,
                            cell.capability,
                            new.capability[cell.capability].name,
                            was,
                            cell.inheritance,
                        )
                    )
    return tuple(out)


# --- Rendering ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What Markdown (CommonMark with GitHub's extensions, and GitLab's) could read as markup
# inside a line: code spans, emphasis and strikethrough, links and images, HTML and
# autolinks, table cells, math; a backslash before punctuation (or at the end, before our
# own markup); an underscore at a word boundary; an entity; an @mention; a URL that an
# extended autolink would turn into a link.
_MD_INLINE = re.compile(
    r"[`*\[\]<|~$]"
    r"|\\(?=[!-/:-@\[-`{-~]|$)"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
    r"|@(?=[A-Za-z0-9_-])"
    r"|:(?=//)|(?<=\bwww)\.",
    re.ASCII,
)
# What Markdown could read as the start of a block where a text starts a line or a list
# item: a heading, a quote, a list item, a thematic break or setext underline.
_MD_BLOCK_START = re.compile(r"#{1,6}(?= |$)|>|[-+](?= |$)|[0-9]{1,9}(?=[.)](?: |$))")
# A closing sequence of a heading (the title line): a run of # after a space, at the end.
_MD_HEADING_END = re.compile(r"(?:^|(?<= ))#+$")


def _md_inline(match: re.Match[str]) -> str:
    char = match.group()
    return "@\u200b" if char == "@" else "\\" + char


MAX_MARKDOWN_TEXT = 1000
"""Longer data texts are cut in Markdown output (a review comment has a size limit)."""


def one_line(text: str) -> str:
    """A data text on one line for terminals: whitespace runs become one space, and
    control and bidirectional-override characters are shown as escapes."""
    text = " ".join(text.split())
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def md_escape(text: str, limit: int = MAX_MARKDOWN_TEXT) -> str:
    """A data text as literal Markdown on one line, escaped only where Markdown would read
    markup (so "performance, security." stays as written, in a CI log too): no emphasis,
    code, link, image, autolink, HTML tag, entity, table cell, math or heading can start,
    and ``@`` before a name is followed by a zero-width space so that no one is
    @mentioned."""
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = _MD_INLINE.sub(_md_inline, text)
    start = _MD_BLOCK_START.match(text)
    if start is not None:  # after a number ("1." or "1)"), escape the mark that follows
        at = start.end() if start.group().isdigit() else 0
        text = f"{text[:at]}\\{text[at:]}"
    end_run = _MD_HEADING_END.search(text)
    if end_run is not None and end_run.start() > 0:
        text = f"{text[: end_run.start()]}\\{text[end_run.start() :]}"
    return text


def _section_items(d: SrmDiff) -> list[tuple[str, str, tuple[Item, ...]]]:
    return [
        ("+", "Parties added", d.parties_added),
        ("-", "Parties removed", d.parties_removed),
        ("+", "Capabilities added", d.capabilities_added),
        ("-", "Capabilities removed", d.capabilities_removed),
        ("+", "Categories added", d.categories_added),
        ("-", "Categories removed", d.categories_removed),
        ("+", "Responsibilities added", d.rows_added),
        ("-", "Responsibilities removed", d.rows_removed),
        ("+", "Frameworks added", d.frameworks_added),
        ("-", "Frameworks removed", d.frameworks_removed),
    ]


SUMMARY_LABELS = (
    ("cells_changed", "ownership cell", "ownership cells"),
    ("duties_changed", "duty", "duties"),
    ("rows_added", "responsibility added", "responsibilities added"),
    ("rows_removed", "responsibility removed", "responsibilities removed"),
    ("rows_renamed", "responsibility renamed", "responsibilities renamed"),
    ("capabilities_added", "capability added", "capabilities added"),
    ("capabilities_removed", "capability removed", "capabilities removed"),
    ("parties_added", "party added", "parties added"),
    ("parties_removed", "party removed", "parties removed"),
    ("categories_added", "category added", "categories added"),
    ("categories_removed", "category removed", "categories removed"),
    ("controls_changed", "control mapping", "control mappings"),
    ("inheritance_changed", "inheritance change", "inheritance changes"),
    ("frameworks_added", "framework added", "frameworks added"),
    ("frameworks_removed", "framework removed", "frameworks removed"),
    ("fields_changed", "other edit", "other edits"),
)
"""The counts of :meth:`SrmDiff.counts` a summary names, in order, with their words
(the handbook's "What changed" page says the same in the site's language:
:mod:`srm_handbook.site.history_text`)."""


def summary(d: SrmDiff) -> str:
    """One line, e.g. ``2 cells, 1 duty, 1 responsibility added``."""
    n = d.counts()
    parts = []
    for key, one, many in SUMMARY_LABELS:
        if n[key]:
            parts.append(f"{n[key]} {one if n[key] == 1 else many}")
    return ", ".join(parts) if parts else "no changes"


_DUTY_VERB = {
    "added": "added",
    "removed": "removed",
    "reworded": "reworded",
    "rescoped": "now applies to other capabilities",
}


def to_text(d: SrmDiff, old_label: str, new_label: str) -> str:
    """Human-readable, for terminals."""
    t = one_line
    lines = [f"{t(old_label)} -> {t(new_label)}: {summary(d)}"]
    for sign, title, items in _section_items(d):
        if items:
            lines += ["", f"{title}:"]
            lines += [f"  {sign} {x.id}: {t(x.name)}" for x in items]
    if d.rows_renamed:
        lines += ["", "Responsibilities renamed:"]
        lines += [f"  ~ {x.old_id} -> {x.new_id}: {t(x.name)}" for x in d.rows_renamed]
    if d.cells:
        lines += ["", "Ownership changes:"]
        lines += [
            f"  {c.responsibility} x {c.capability}: {t(c.before_label)} -> {t(c.after_label)}"
            f"  ({t(c.responsibility_name)} / {t(c.capability_name)})"
            for c in d.cells
        ]
    if d.duties:
        lines += ["", "Duties:"]
        for x in d.duties:
            head = f"  {x.responsibility}, {t(x.party_name)}: {_DUTY_VERB[x.kind]}"
            lines.append(head)
            if x.kind == "rescoped":
                lines.append(f"      {t(x.after or '')}")
                lines.append(f"      before: {d.capability_label(x.before_capabilities)}")
                lines.append(f"      after:  {d.capability_label(x.after_capabilities)}")
                continue
            if x.before is not None:
                scope = d.capability_label(x.before_capabilities)
                lines.append(f"      {'before: ' if x.after else '- '}{t(x.before)} [{scope}]")
            if x.after is not None:
                scope = d.capability_label(x.after_capabilities)
                lines.append(f"      {'after:  ' if x.before else '+ '}{t(x.after)} [{scope}]")
    if d.controls:
        lines += ["", "Control mappings:"]
        for cc in d.controls:
            lines.append(f"  {cc.responsibility}, {t(cc.framework_name)} ({cc.framework}):")
            lines += [f"      + {t(c)}" for c in cc.added]
            lines += [f"      - {t(c)}" for c in cc.removed]
    if d.inheritance:
        lines += ["", "Inheritance changes:"]
        lines += [
            f"  {ic.framework} {t(ic.control)} x {ic.capability}: "
            f"{INHERITANCE_LABEL[ic.before]} -> {INHERITANCE_LABEL[ic.after]}"
            for ic in d.inheritance
        ]
    if d.fields:
        lines += ["", "Other edits:"]
        for f in d.fields:
            where = f"{f.kind} {f.id}" if f.id else f.kind
            lines.append(f"  {where}: {f.field}: {_or_none(f.before, t)} -> {_or_none(f.after, t)}")
    return "\n".join(lines) + "\n"


def _or_none(value: str | None, render: Callable[[str], str]) -> str:
    return "(none)" if value is None else render(value)


def to_markdown(d: SrmDiff, old_label: str, new_label: str) -> str:
    """GitHub/GitLab-flavoured Markdown for a review comment or a CI job summary. Every
    text from the data goes through :func:`md_escape`; ids are safe in code spans."""
    e = md_escape
    lines = [f"### SRM changes: {e(old_label)} → {e(new_label)}", "", f"**{summary(d)}**"]
    if d.empty:
        return "\n".join(lines) + "\n"
    for _sign, title, items in _section_items(d):
        if items:
            lines += ["", f"#### {title}", ""]
            lines += [f"- `{x.id}` {e(x.name)}" for x in items]
    if d.rows_renamed:
        lines += ["", "#### Responsibilities renamed", ""]
        lines += [f"- `{x.old_id}` → `{x.new_id}` {e(x.name)}" for x in d.rows_renamed]
    if d.cells:
        lines += [
            "",
            "#### Ownership changes",
            "",
            "| Responsibility | Capability | Before | After |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {e(c.responsibility_name)} (`{c.responsibility}`) | {e(c.capability_name)} "
            f"| {e(c.before_label)} | **{e(c.after_label)}** |"
            for c in d.cells
        ]
    if d.duties:
        lines += ["", "#### Duties", ""]
        for x in d.duties:
            lines.append(
                f"- **{e(x.responsibility_name)}** (`{x.responsibility}`), "
                f"{e(x.party_name)}: {_DUTY_VERB[x.kind]}"
            )
            if x.kind == "rescoped":
                lines.append(f"  - {e(x.after or '')}")
                lines.append(
                    f"  - applies to: {e(d.capability_label(x.before_capabilities))} → "
                    f"**{e(d.capability_label(x.after_capabilities))}**"
                )
                continue
            if x.before is not None:
                scope = e(d.capability_label(x.before_capabilities))
                label = "before" if x.after is not None else "removed"
                lines.append(f"  - {label}: ~~{e(x.before)}~~ ({scope})")
            if x.after is not None:
                scope = e(d.capability_label(x.after_capabilities))
                label = "after" if x.before is not None else "added"
                lines.append(f"  - {label}: {e(x.after)} ({scope})")
    if d.controls:
        lines += ["", "#### Control mappings", ""]
        for cc in d.controls:
            changes = [f"+{e(c)}" for c in cc.added] + [f"~~{e(c)}~~" for c in cc.removed]
            lines.append(
                f"- **{e(cc.responsibility_name)}** (`{cc.responsibility}`), "
                f"{e(cc.framework_name)}: {', '.join(changes)}"
            )
    if d.inheritance:
        lines += [
            "",
            "#### Inheritance changes",
            "",
            "| Framework | Control | Capability | Before | After |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{ic.framework}` | {e(ic.control)} | {e(ic.capability_name)} "
            f"| {INHERITANCE_LABEL[ic.before]} | **{INHERITANCE_LABEL[ic.after]}** |"
            for ic in d.inheritance
        ]
    if d.fields:
        lines += ["", "#### Other edits", ""]
        for f in d.fields:
            where = f"{f.kind} `{f.id}`" if f.id else f.kind
            before = "*(none)*" if f.before is None else e(f.before)
            after = "*(none)*" if f.after is None else e(f.after)
            lines.append(f"- {where}, {f.field}: {before} → {after}")
    return "\n".join(lines) + "\n"


def to_json(d: SrmDiff, old_label: str, new_label: str) -> str:
    """The diff as JSON: ``old``, ``new``, ``summary`` (counts), ``owners_changed``, and
    one list per kind of change."""
    data: dict[str, Any] = {
        "old": old_label,
        "new": new_label,
        "summary": d.counts(),
        "owners_changed": d.owners_changed,
        "controls_changed": d.controls_changed,
    }
    body = asdict(d)
    body.pop("capability_names")
    data.update(body)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
