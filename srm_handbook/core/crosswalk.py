"""The crosswalk from controls to responsibilities: who covers control X for capability C.

Pure derivation from the validated model (data format, "Inheritance"); the framework
pages, the customer responsibility matrix (:mod:`srm_handbook.crm`), ``srm.oscal.json``
and ``srm diff`` all read it, so they agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from srm_handbook.core.catalog import Control
from srm_handbook.core.model import Duty, Framework, Srm

INHERITANCE = ("yes", "partial", "no", "n/a")
"""The derived values, as ``data-inheritance`` writes them."""
INHERITANCE_LABEL = {"yes": "Inherited", "partial": "Shared", "no": "Customer", "n/a": "n/a"}
"""How the pages name them."""


@dataclass(frozen=True)
class ControlCell:
    capability: str
    owners: tuple[str, ...]
    """The union of the mapped rows' owners of the capability, in party order."""
    inheritance: str | None
    """``yes``, ``partial``, ``no`` or ``n/a``; None when parties have no roles."""


@dataclass(frozen=True)
class ControlRow:
    framework: str
    control: str
    """The id as the framework writes it."""
    title: str | None
    responsibilities: tuple[str, ...]
    """The rows mapped to the control, in model order."""
    cells: tuple[ControlCell, ...]
    """One per capability, in capability order."""

    @property
    def anchor(self) -> str:
        return control_anchor(self.control)


def control_anchor(control: str) -> str:
    """The HTML id of a control's row on its framework page (``control-IA-2(1)``): ids may
    hold any character but spaces, so spaces become underscores."""
    return "control-" + "_".join(control.split())


def inheritance(srm: Srm, owners: tuple[str, ...]) -> str | None:
    """The data format's "Inheritance" for these owners (None when there are no roles)."""
    if not srm.has_roles:
        return None
    roles = {srm.party[p].role for p in owners}
    if not roles:
        return "n/a"
    if roles == {"provider"}:
        return "yes"
    if roles == {"customer"}:
        return "no"
    return "partial"


def mapped_controls(srm: Srm, framework_id: str) -> dict[str, list[str]]:
    """Control id -> the rows mapped to it (model order), the controls in the order of
    the framework's catalog, then in order of first use for ids the catalog lacks."""
    by_control: dict[str, list[str]] = {}
    for r in srm.responsibilities:
        for control in r.controls.get(framework_id, ()):
            by_control.setdefault(control, []).append(r.id)
    catalog = srm.framework[framework_id].catalog
    if catalog is None:
        return by_control
    position = catalog.position
    last = len(position)
    order = sorted(enumerate(by_control), key=lambda item: (position.get(item[1], last), item[0]))
    return {control: by_control[control] for _, control in order}


def control_rows(srm: Srm, framework_id: str) -> tuple[ControlRow, ...]:
    """A row per control the model maps for the framework (site contract, framework
    pages), with each capability's owners and inheritance (computed once per model)."""
    key = ("control_rows", framework_id)
    rows: tuple[ControlRow, ...] | None = srm.derived.get(key)
    if rows is None:
        rows = srm.derived[key] = _control_rows(srm, framework_id)
    return rows


def _control_rows(srm: Srm, framework_id: str) -> tuple[ControlRow, ...]:
    framework = srm.framework[framework_id]
    cells_of: dict[tuple[str, tuple[str, ...]], ControlCell] = {}
    party_index = {p.id: i for i, p in enumerate(srm.parties)}
    rows = []
    for control, rids in mapped_controls(srm, framework_id).items():
        mapped = [srm.responsibility[rid] for rid in rids]
        cells = []
        for cap in srm.capabilities:
            owners: set[str] = set()
            for r in mapped:
                owners.update(r.owners[cap.id])
            ordered = tuple(sorted(owners, key=party_index.__getitem__))
            cell = cells_of.get((cap.id, ordered))
            if cell is None:
                cell = cells_of[cap.id, ordered] = ControlCell(
                    cap.id, ordered, inheritance(srm, ordered)
                )
            cells.append(cell)
        found = framework.catalog.get(control) if framework.catalog else None
        rows.append(
            ControlRow(
                framework_id,
                control,
                found.title if found else None,
                tuple(rids),
                tuple(cells),
            )
        )
    return tuple(rows)


def unmapped_controls(srm: Srm, framework_id: str) -> tuple[Control, ...]:
    """The catalog's controls (not withdrawn) that no row maps, in catalog order."""
    framework = srm.framework[framework_id]
    if framework.catalog is None:
        return ()
    used = {c for r in srm.responsibilities for c in r.controls.get(framework_id, ())}
    return tuple(c for c in framework.catalog.controls if not c.withdrawn and c.id not in used)


def catalog_size(framework: Framework) -> int | None:
    """How many controls (not withdrawn) the framework's catalog has, if it has one."""
    if framework.catalog is None:
        return None
    return sum(1 for c in framework.catalog.controls if not c.withdrawn)


def customer_duties(srm: Srm, row: ControlRow, capability: str) -> tuple[Duty, ...]:
    """The customer's responsibility for (control, capability): the duties of customer
    parties, from the rows mapped to the control, that apply to the capability (data
    format, "Inheritance"), in model order."""
    by_cap = srm.customer_duties
    return tuple(d for rid in row.responsibilities for d in by_cap[rid].get(capability, ()))


def customer_duties_of_control(srm: Srm, row: ControlRow) -> tuple[Duty, ...]:
    """Every customer duty, from the rows mapped to the control, that applies to at least
    one capability (model order)."""
    customers = {p.id for p in srm.parties if p.role == "customer"}
    return tuple(
        d
        for rid in row.responsibilities
        for d in srm.responsibility[rid].duties
        if d.party in customers and d.capabilities
    )


def controls_of(srm: Srm, responsibility_id: str) -> tuple[tuple[Framework, tuple[str, ...]], ...]:
    """The controls a row maps, per framework in model order (the responsibility page)."""
    r = srm.responsibility[responsibility_id]
    return tuple((f, r.controls[f.id]) for f in srm.frameworks if f.id in r.controls)
