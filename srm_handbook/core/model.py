"""The normalised, validated model every view and export reads.

Produced only by :func:`srm_handbook.load.load_model`; the data it holds has passed every
consistency rule. Order everywhere is the file's order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from srm_handbook.core.catalog import Catalog


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    possessive: str
    description: str | None
    plural: bool = False
    """The name takes a plural verb ("You own"); from the data, never guessed."""
    role: str | None = None
    """``provider``, ``customer``, or None when the model gives parties no roles."""


@dataclass(frozen=True)
class Capability:
    id: str
    name: str
    description: str | None
    status: str | None


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str | None


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    catalog_name: str | None
    """The ``catalog`` as written: a built-in name or a file path (None: no catalog)."""
    catalog: Catalog | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Duty:
    responsibility: str
    party: str
    index: int
    text: str
    capabilities: tuple[str, ...]
    """After defaulting (format rule 3), in capability order."""
    id: str | None = None
    """The duty's own id from the data (unique within its responsibility), if any."""
    key: str = ""
    """Stable across builds: ``<rid>/<id>`` with an id, else derived from the row, the
    party and the text (:func:`duty_key`). Readers' checklist ticks are stored under it."""

    @property
    def anchor(self) -> str:
        return f"duty-{self.party}-{self.index + 1}"

    @property
    def version(self) -> str:
        """Changes whenever the duty's wording or scope changes (whitespace aside): a
        tick given to another version no longer counts."""
        return _digest(" ".join(self.text.split()) + "\0" + " ".join(self.capabilities), 8)


def _digest(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def duty_key(responsibility: str, party: str, text: str, duty_id: str | None) -> str:
    """A duty's stable key. With an id: ``<rid>/<id>``, which survives edits of the text.
    Without: ``<rid>/<party>/<hash of the text>`` (whitespace collapsed), so it survives
    reordering and edits of other duties, and changes when the text does. Ids never hold
    a slash, so the two forms never collide."""
    if duty_id is not None:
        return f"{responsibility}/{duty_id}"
    return f"{responsibility}/{party}/{_digest(' '.join(text.split()))}"


@dataclass(frozen=True)
class Responsibility:
    id: str
    name: str
    category: str
    description: str | None
    aliases: tuple[str, ...]
    owners: dict[str, tuple[str, ...]]
    """Capability id -> owning party ids in party order; empty for n/a."""
    duties: tuple[Duty, ...]
    references: tuple[Reference, ...]
    reviewed: dt.date | None = None
    controls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Framework id -> the control ids this row addresses (frameworks in model order)."""

    def duties_of(self, party: str) -> tuple[Duty, ...]:
        return tuple(d for d in self.duties if d.party == party)


@dataclass(frozen=True)
class Srm:
    schema: int
    title: str
    intro: str | None
    last_updated: dt.date | None
    review_interval_days: int | None
    parties: tuple[Party, ...]
    capabilities: tuple[Capability, ...]
    categories: tuple[Category, ...]
    responsibilities: tuple[Responsibility, ...]
    source_path: str = field(default="srm_data.yaml", compare=False)
    frameworks: tuple[Framework, ...] = ()

    @cached_property
    def framework(self) -> dict[str, Framework]:
        return {f.id: f for f in self.frameworks}

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """Values other modules derive from the model (e.g. the crosswalk's control rows),
        kept with it so that each is computed once however many pages and exports ask."""
        return {}

    @cached_property
    def customer_duties(self) -> dict[str, dict[str, tuple[Duty, ...]]]:
        """Row id -> capability -> the duties of customer parties (role ``customer``) in
        the row that apply to the capability: what the crosswalk asks for every control
        and capability."""
        customers = {p.id for p in self.parties if p.role == "customer"}
        out: dict[str, dict[str, tuple[Duty, ...]]] = {}
        for r in self.responsibilities:
            caps: dict[str, list[Duty]] = {}
            for d in r.duties:
                if d.party in customers:
                    for c in d.capabilities:
                        caps.setdefault(c, []).append(d)
            out[r.id] = {c: tuple(ds) for c, ds in caps.items()}
        return out

    @property
    def has_roles(self) -> bool:
        """Whether parties have roles (then mapped controls show their inheritance)."""
        return any(p.role for p in self.parties)

    @cached_property
    def party(self) -> dict[str, Party]:
        return {p.id: p for p in self.parties}

    @cached_property
    def capability(self) -> dict[str, Capability]:
        return {c.id: c for c in self.capabilities}

    @cached_property
    def category(self) -> dict[str, Category]:
        return {c.id: c for c in self.categories}

    @cached_property
    def responsibility(self) -> dict[str, Responsibility]:
        return {r.id: r for r in self.responsibilities}

    @cached_property
    def by_category(self) -> tuple[tuple[Category, tuple[Responsibility, ...]], ...]:
        """Categories in order, each with its rows in file order (empty categories kept)."""
        rows: dict[str, list[Responsibility]] = {c.id: [] for c in self.categories}
        for r in self.responsibilities:
            rows[r.category].append(r)
        return tuple((c, tuple(rows[c.id])) for c in self.categories)

    def overdue(self, today: dt.date) -> tuple[Responsibility, ...]:
        """Rows whose review is older than ``review_interval_days`` (or never reviewed)."""
        if self.review_interval_days is None:
            return ()
        limit = dt.timedelta(days=self.review_interval_days)
        return tuple(
            r for r in self.responsibilities if r.reviewed is None or today - r.reviewed > limit
        )
