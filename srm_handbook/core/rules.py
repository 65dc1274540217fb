"""The consistency rules of the data format (rules 1-5, ids and aliases).

Each check yields ``(path, message)`` pairs; :mod:`srm_handbook.load` turns paths into
file positions. The shape (types, empty texts and lists, unknown keys) has already been
checked by the pydantic models in :mod:`srm_handbook.schema`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping

from srm_handbook.core.catalog import Catalog
from srm_handbook.core.schema import Responsibility, SrmDocument
from srm_handbook.core.strict_yaml import Path

Finding = tuple[Path, str, bool]
"""(path, message, point at the key rather than the value)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(kind: str, word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    hint = did_you_mean(word, choices)
    if not hint and choices:
        shown = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
        plural = {"party": "parties", "capability": "capabilities", "category": "categories"}
        hint = f"; declared {plural.get(kind, kind + 's')}: {shown}"
    return f"unknown {kind} {word!r}{hint}"


def owned_capabilities(
    capabilities: Iterable[str], owners: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Each party owning a cell of a row -> the capabilities it owns there, in capability
    order: what an unscoped duty of that party applies to (rule 3)."""
    owned: dict[str, list[str]] = {}
    for cap in capabilities:
        for party in owners.get(cap, ()):
            owned.setdefault(party, []).append(cap)
    return owned


def check(doc: SrmDocument, all_ids: Iterable[str] = ()) -> Iterator[Finding]:
    """Check the rows of ``doc``; ``all_ids`` adds ids of rows that failed the schema."""
    parties, capabilities, categories = doc.parties, doc.capabilities, doc.categories
    live_ids = set(doc.responsibilities) | set(all_ids)
    alias_owner: dict[str, str] = {}
    for rid, row in doc.responsibilities.items():
        base: Path = ("responsibilities", rid)
        # Rule 2: category is declared.
        if row.category not in categories:
            yield (*base, "category"), _unknown("category", row.category, categories), False
        # Ids: aliases are unique and never a live id.
        for i, alias in enumerate(row.aliases or ()):
            where = (*base, "aliases", i)
            if alias in live_ids:
                yield where, f"alias {alias!r} is the id of a live responsibility", False
            elif alias in alias_owner:
                yield where, f"alias {alias!r} is already an alias of {alias_owner[alias]!r}", False
            else:
                alias_owner[alias] = rid
        # Rule 1: owners name every capability once, and nothing else.
        for cap in row.owners:
            if cap not in capabilities:
                yield (*base, "owners", cap), _unknown("capability", cap, capabilities), True
        missing = [c for c in capabilities if c not in row.owners]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            yield (*base, "owners"), f"owners must list every capability; missing {names}", True
        # Rule 2: owners are declared parties.
        for cap, cell in row.owners.items():
            for i, party in enumerate(cell):
                if party not in parties:
                    at: Path = (*base, "owners", cap) + ((i,) if len(cell) > 1 else ())
                    yield at, _unknown("party", party, parties), False
        yield from _check_duties(doc, rid, row)


def _check_duties(doc: SrmDocument, rid: str, row: Responsibility) -> Iterator[Finding]:
    base: Path = ("responsibilities", rid)
    capabilities = doc.capabilities
    duties = row.duties or {}
    owned = owned_capabilities(capabilities, row.owners)
    duty_ids: dict[str, str] = {}  # unique within the row: id -> its party's name
    for party, entries in duties.items():
        where_party: Path = (*base, "duties", party)
        if party not in doc.parties:
            yield where_party, _unknown("party", party, doc.parties), True
            continue
        party_name = doc.parties[party].name
        verb = doc.parties[party].verb
        if party not in owned:
            yield (
                where_party,
                f"{party_name} {verb('owns', 'own')} no capability in this row, so it cannot "
                "have duties here",
                True,
            )
            continue
        covered: set[str] = set()
        owned_here = set(owned[party])
        for i, duty in enumerate(entries):
            if duty.id is not None:
                if duty.id in duty_ids:
                    yield (
                        (*where_party, i, "id"),
                        f"duty id {duty.id!r} is already used by a duty of "
                        f"{duty_ids[duty.id]} in this responsibility",
                        False,
                    )
                else:
                    duty_ids[duty.id] = party_name
            if duty.capabilities is None:
                covered.update(owned_here)
                continue
            for j, cap in enumerate(duty.capabilities):
                where: Path = (*where_party, i, "capabilities", j)
                if cap not in capabilities:
                    yield where, _unknown("capability", cap, capabilities), False
                elif cap not in owned_here:
                    cap_name = capabilities[cap].name
                    yield (
                        where,
                        (
                            f"{party_name} {verb('does', 'do')} not own {cap_name!r} in this row, "
                            "so this duty cannot apply to it (rule 3)"
                        ),
                        False,
                    )
                else:
                    covered.add(cap)
        uncovered = [c for c in owned[party] if c not in covered]
        if uncovered:
            yield where_party, _coverage_message(doc, row, party, uncovered), True
    # Rule 4 for owning parties with no duties key at all.
    for party, caps in owned.items():
        if party in duties or party not in doc.parties:
            continue
        where_missing: Path = (*base, "duties") if duties else base
        yield where_missing, _coverage_message(doc, row, party, caps), True


def _coverage_message(doc: SrmDocument, row: Responsibility, party: str, caps: list[str]) -> str:
    p = doc.parties[party]
    names = ", ".join(doc.capabilities[c].name for c in caps)
    return (
        f"{row.name!r} is owned by {p.name} for {names}, but no duty of {p.name} applies "
        f"to {'it' if len(caps) == 1 else 'them'}: add one under duties.{party} (rule 4)"
    )


def check_mappings(
    doc: SrmDocument, catalogs: Mapping[str, Catalog], unchecked: Iterable[str] = ()
) -> Iterator[Finding]:
    """Rules 6 and 7 (framework mappings) and roles. ``catalogs`` has the catalog of each
    framework that has a readable one; the ids of the ``unchecked`` frameworks (whose
    catalog could not be read, already reported) are not checked."""
    frameworks = doc.frameworks or {}
    skip = set(unchecked)
    for rid, row in doc.responsibilities.items():
        for fid, ids in (row.controls or {}).items():
            where: Path = ("responsibilities", rid, "controls", fid)
            if fid not in frameworks:
                if frameworks:
                    message = _unknown("framework", fid, frameworks)
                else:
                    message = f"unknown framework {fid!r}: declare it under 'frameworks'"
                yield where, f"{message} (rule 6)", True
                continue
            if not ids:
                yield (
                    where,
                    f"empty list of controls for {fid!r}: list them or remove the key (rule 7)",
                    False,
                )
            first: dict[str, int] = {}
            for i, control in enumerate(ids):
                if control in first:
                    yield (
                        (*where, i),
                        f"control {control!r} is listed twice (first as entry {first[control] + 1})"
                        " (rule 7)",
                        False,
                    )
                first.setdefault(control, i)
            catalog = catalogs.get(fid)
            if catalog is None or fid in skip:
                continue
            for i, control in enumerate(ids):
                problem = control_problem(catalog, control) if first[control] == i else None
                if problem:
                    yield (*where, i), problem, False
    # Roles: when any party has one, every party that owns anything has one.
    if any(p.role for p in doc.parties.values()):
        owning: set[str] = set()
        for row in doc.responsibilities.values():
            for cell in row.owners.values():
                owning.update(cell)
        with_role = ", ".join(p.name for p in doc.parties.values() if p.role)
        for pid, party in doc.parties.items():
            if party.role is None and pid in owning:
                yield (
                    ("parties", pid),
                    f"{party.name} owns responsibilities but has no role, while other parties "
                    f"have one ({with_role}): give every owning party a role, provider or "
                    "customer",
                    True,
                )


def control_problem(catalog: Catalog, control: str) -> str | None:
    """Why ``control`` is not a usable id of ``catalog`` (rule 6), or None."""
    found = catalog.get(control)
    if found is None:
        guess = catalog.suggest(control)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        return f"control {control!r} is not in the catalog {catalog.name!r}{hint} (rule 6)"
    if found.withdrawn:
        into = ", ".join(found.withdrawn_into)
        where = f": it was moved to or incorporated into {into}" if into else ""
        return f"control {control!r} is withdrawn from {catalog.title}{where} (rule 6)"
    return None
