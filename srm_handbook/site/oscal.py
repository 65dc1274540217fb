"""The model as an OSCAL 1.1.3 component definition (``srm.oscal.json``).

How the model maps (docs/data-format.md, "OSCAL export"):

- each party is a ``metadata.parties`` organization; roles ``provider`` and ``customer``
  are ``metadata.roles`` and the parties holding them ``metadata.responsible-parties``;
- each capability is a component of type ``service``; the model as a whole is a
  ``capability`` incorporating them;
- per component, a control implementation per framework (``source``: the catalog's
  canonical OSCAL URL where one exists, else a ``urn:srm-handbook:`` name), with an
  implemented requirement per mapped control: the owners as ``responsible-roles`` and
  namespaced ``props`` (owner, inheritance, responsibility, the control id as written),
  and the customer's responsibility in the remarks (the customer parties' duties that
  apply, by reference: ``<responsibility>/duty-<party>-<n>``, the anchors of the pages);
- every responsibility, mapped or not, is an implemented requirement of one more
  component (type ``policy``, the model's responsibilities), whose control implementation
  has the model itself as its source (``urn:srm-handbook:responsibilities``): owners per
  capability as props, every duty once in the description (each after its reference).
  OSCAL has no place for a
  responsibility that is not a control.

The file is indented, with each implemented requirement and party on one line: its
size grows with the mappings times the capabilities, and the C JSON encoder writes it.

Ids are ``uuid5`` of the model's ids, so exporting the same model twice gives the same
file and a change to the model changes only what it touches.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from typing import Any

from srm_handbook import __version__
from srm_handbook.core.crosswalk import (
    INHERITANCE_LABEL,
    ControlRow,
    control_rows,
    customer_duties,
)
from srm_handbook.core.model import Framework, Srm
from srm_handbook.site.markdown_text import plain_text

OSCAL_VERSION = "1.1.3"
NS = "https://srm-handbook.dev/ns/oscal"
"""The namespace of the ``props`` this export adds."""
RESPONSIBILITIES_SOURCE = "urn:srm-handbook:responsibilities"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://srm-handbook.dev/oscal/")
_TOKEN_SAFE = re.compile(r"[A-Za-z0-9.-]")


def uid(*parts: str) -> str:
    """A stable uuid5 from the model's ids (the parts are joined with ``/``)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


@functools.lru_cache(maxsize=4096)
def _party_uid(party: str) -> str:
    return uid("party", party)


def control_token(framework: Framework, control: str) -> str:
    """The control id as an OSCAL token: NIST's own (``ac-2.1`` for ``AC-2(1)``) where
    the catalog has one; otherwise the id with every character other than ASCII letters,
    digits, ``.`` and ``-`` (and a first character that is not a letter) written as
    ``_<hex code>_``, which :func:`token_to_control` reverses (``A&A-01`` ->
    ``A_26_A-01``, ``8.3.1`` -> ``_38_.3.1``)."""
    if framework.catalog is not None:
        found = framework.catalog.get(control)
        if found is not None and found.oscal_id:
            return found.oscal_id
    return token(control)


def token(text: str) -> str:
    """Any text as an OSCAL token, reversibly (see :func:`control_token`)."""
    out = []
    for i, ch in enumerate(text):
        if _TOKEN_SAFE.fullmatch(ch) and (i or ch.isalpha()):
            out.append(ch)
        else:
            out.append(f"_{ord(ch):x}_")
    return "".join(out)


def token_to_control(framework: Framework, token: str) -> str:
    """The control id a token of :func:`control_token` stands for."""
    if framework.catalog is not None:
        for c in framework.catalog.controls:
            if c.oscal_id == token:
                return c.id
    return re.sub(r"_([0-9a-f]+)_", lambda m: chr(int(m.group(1), 16)), token)


def catalog_source(framework: Framework) -> str:
    """The ``source`` of a framework's control implementations."""
    if framework.catalog is not None:
        if framework.catalog.oscal_source:
            return framework.catalog.oscal_source
        if framework.catalog.builtin:
            return f"urn:srm-handbook:catalog:{framework.catalog.name}"
    return f"urn:srm-handbook:framework:{framework.id}"


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": _one_line(value)}


def _id_prop(name: str, value: str) -> dict[str, str]:
    """A prop whose value is an id of the model (one word already)."""
    return {"name": name, "ns": NS, "value": value}


def _one_line(text: str) -> str:
    """A property value: one line, no spaces at the ends (OSCAL's StringDatatype)."""
    return " ".join(text.split()) or "-"


def _roles(srm: Srm, owners: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    """``responsible-roles`` for owning parties: their role (or ``owner`` without roles)."""
    cache: dict[tuple[str, ...], list[dict[str, Any]]] = srm.derived.setdefault("oscal_roles", {})
    key = tuple(owners)
    roles = cache.get(key)
    if roles is None:
        by_role: dict[str, list[str]] = {}
        for p in owners:
            by_role.setdefault(srm.party[p].role or "owner", []).append(_party_uid(p))
        roles = cache[key] = [{"role-id": r, "party-uuids": u} for r, u in by_role.items()]
    return roles


def to_oscal(srm: Srm) -> dict[str, Any]:
    """The component definition as plain data."""
    stamp = (
        f"{srm.last_updated.isoformat()}T00:00:00Z" if srm.last_updated else "2000-01-01T00:00:00Z"
    )
    roles = [{"id": "owner", "title": "Owner of a responsibility"}]
    if srm.has_roles:
        roles = [
            {"id": "provider", "title": "Provider"},
            {"id": "customer", "title": "Customer"},
        ]
    metadata: dict[str, Any] = {
        "title": srm.title,
        "last-modified": stamp,
        "version": srm.last_updated.isoformat() if srm.last_updated else "unversioned",
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("generator", f"srm-handbook {__version__}")],
        "roles": roles,
        "parties": [
            {
                "uuid": uid("party", p.id),
                "type": "organization",
                "name": p.name,
                "props": [_prop("party-id", p.id)] + ([_prop("role", p.role)] if p.role else []),
                **({"remarks": p.description} if p.description else {}),
            }
            for p in srm.parties
        ],
    }
    holders: dict[str, list[str]] = {}
    for p in srm.parties:
        if p.role:
            holders.setdefault(p.role, []).append(uid("party", p.id))
    if holders:
        metadata["responsible-parties"] = [
            {"role-id": role, "party-uuids": uuids} for role, uuids in holders.items()
        ]
    rows = {f.id: control_rows(srm, f.id) for f in srm.frameworks}
    components = []
    for index, cap in enumerate(srm.capabilities):
        implementations = []
        for f in srm.frameworks:
            reqs = [_requirement(srm, f, row, index) for row in rows[f.id]]
            if reqs:
                implementations.append(
                    {
                        "uuid": uid("control-implementation", cap.id, f.id),
                        "source": catalog_source(f),
                        "description": f"How {cap.name} covers the controls of {f.name} "
                        "that the model maps, per owning party.",
                        "props": [_prop("framework", f.id)]
                        + ([_prop("catalog", f.catalog_name)] if f.catalog_name else []),
                        "implemented-requirements": reqs,
                    }
                )
        component: dict[str, Any] = {
            "uuid": uid("component", cap.id),
            "type": "service",
            "title": cap.name,
            "description": cap.description or cap.name,
            "props": [_prop("capability-id", cap.id)]
            + ([_prop("status", cap.status)] if cap.status else []),
        }
        if implementations:
            component["control-implementations"] = implementations
        components.append(component)
    components.append(_responsibilities(srm))
    return {
        "component-definition": {
            "uuid": uid("component-definition", srm.title),
            "metadata": metadata,
            "components": components,
            "capabilities": [
                {
                    "uuid": uid("capability", srm.title),
                    "name": srm.title,
                    "description": srm.intro or srm.title,
                    "incorporates-components": [
                        {"component-uuid": c["uuid"], "description": c["title"]} for c in components
                    ],
                }
            ],
        }
    }


def _responsibilities(srm: Srm) -> dict[str, Any]:
    """The model's responsibilities as the requirements of a component of their own:
    owners per capability, the controls each row maps, and every duty once."""
    several = len(srm.capabilities) > 1
    reqs = []
    for r in srm.responsibilities:
        props = [_prop("responsibility-id", r.id), _prop("category", r.category)]
        owners: set[str] = set()
        for cap in srm.capabilities:
            cell = r.owners[cap.id]
            owners.update(cell)
            for value in cell or ("n/a",):
                props.append({**_prop("owner", value), "class": token(cap.id)})
        for fid, ids in r.controls.items():
            props += [_prop("control", f"{fid}:{c}") for c in ids]
        lines = []
        for d in r.duties:
            scope = ""
            if several:
                scope = " (" + ", ".join(srm.capability[c].name for c in d.capabilities) + ")"
            lines.append(
                f"- {d.responsibility}/{d.anchor}: {srm.party[d.party].name}: "
                f"{plain_text(d.text)}{scope}"
            )
        text = f"{r.name}."
        if r.description:
            text += "\n\n" + r.description
        if lines:
            text += "\n\n" + "\n".join(lines)
        req: dict[str, Any] = {
            "uuid": uid("responsibility", r.id),
            "control-id": token(r.id),
            "description": text,
            "props": props,
        }
        ordered = [p.id for p in srm.parties if p.id in owners]
        if ordered:
            req["responsible-roles"] = _roles(srm, ordered)
        reqs.append(req)
    return {
        "uuid": uid("component", "responsibilities"),
        "type": "policy",
        "title": f"{srm.title}: responsibilities",
        "description": "The responsibilities of the shared responsibility model: who owns "
        "each for each capability (props 'owner', class: the capability), and every duty.",
        "control-implementations": [
            {
                "uuid": uid("control-implementation", "responsibilities"),
                "source": RESPONSIBILITIES_SOURCE,
                "description": "The responsibilities, as requirements of their own.",
                "implemented-requirements": reqs,
            }
        ],
    }


def _requirement(srm: Srm, f: Framework, row: ControlRow, index: int) -> dict[str, Any]:
    """A mapped control for one capability (the ``index``-th)."""
    cell = row.cells[index]
    props = [_prop("control-id", row.control)]
    props += [_id_prop("responsibility", rid) for rid in row.responsibilities]
    props += [_id_prop("owner", p) for p in cell.owners] or [_id_prop("owner", "n/a")]
    if cell.inheritance is not None:
        props.append(_id_prop("inheritance", cell.inheritance))
    names = ", ".join(srm.responsibility[rid].name for rid in row.responsibilities)
    text = f"Addressed by: {names}."
    if cell.owners:
        text += " Owned by " + " & ".join(srm.party[p].name for p in cell.owners)
        if cell.inheritance is not None:
            text += f" ({INHERITANCE_LABEL[cell.inheritance]})"
        text += "."
    else:
        text += " Not applicable to this capability."
    req: dict[str, Any] = {
        "uuid": uid("requirement", cell.capability, f.id, row.control),
        "control-id": control_token(f, row.control),
        "description": text,
        "props": props,
    }
    if cell.owners:
        req["responsible-roles"] = _roles(srm, cell.owners)
    if cell.inheritance is not None:
        customer = customer_duties(srm, row, cell.capability)
        req["remarks"] = (
            "Customer responsibility: the duties "
            + ", ".join(dict.fromkeys(f"{d.responsibility}/{d.anchor}" for d in customer))
            + " (their texts are in the responsibilities component)."
            if customer
            else "Customer responsibility: none (" + INHERITANCE_LABEL[cell.inheritance] + ")."
        )
    return req


def to_oscal_json(srm: Srm) -> str:
    """``srm.oscal.json``: indented, keys in a fixed order, each party and implemented
    requirement on a line of its own, so versions diff cleanly and a large model writes
    fast (the C encoder writes each line)."""
    return _dump(to_oscal(srm), 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    if isinstance(value, dict) and not (
        "control-id" in value
        or "party-uuids" in value
        or ("type" in value and value.get("type") == "organization")
    ):
        if not value:
            return "{}"
        pad = "  " * (depth + 1)
        items = [f"{pad}{json.dumps(k)}: {_dump(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        pad = "  " * (depth + 1)
        items = [f"{pad}{_dump(v, depth + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return json.dumps(value, ensure_ascii=False)
