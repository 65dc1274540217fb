"""An independent reading of the data format's "Inheritance" rule, from ``srm.json``
alone (not from the package's derivation), for the tests to compare every output with."""

from __future__ import annotations

from typing import Any


def inheritance_table(data: dict[str, Any], framework: str) -> dict[tuple[str, str], Any]:
    """(control, capability) -> (owner ids in party order, inheritance or None), for every
    control some row maps, computed straight from the contract's table."""
    party_order = [p["id"] for p in data["parties"]]
    roles = {p["id"]: p.get("role") for p in data["parties"]}
    with_roles = any(roles.values())
    out: dict[tuple[str, str], Any] = {}
    controls = {c for r in data["responsibilities"] for c in r["controls"].get(framework, [])}
    for control in controls:
        rows = [r for r in data["responsibilities"] if control in r["controls"].get(framework, [])]
        for cap in data["capabilities"]:
            owners = {p for r in rows for p in r["owners"][cap["id"]]}
            kinds = {roles[p] for p in owners}
            if not with_roles:
                value = None
            elif not kinds:
                value = "n/a"
            elif kinds == {"provider"}:
                value = "yes"
            elif kinds == {"customer"}:
                value = "no"
            else:
                value = "partial"
            out[control, cap["id"]] = (tuple(p for p in party_order if p in owners), value)
    return out


def mapped_rows(data: dict[str, Any], framework: str, control: str) -> list[str]:
    return [
        r["id"] for r in data["responsibilities"] if control in r["controls"].get(framework, [])
    ]


def customer_duty_texts(
    data: dict[str, Any], framework: str, control: str, capability: str
) -> list[tuple[str, str]]:
    """(party id, duty text) of the customer parties' duties that apply to the capability,
    from the rows mapped to the control, in model order."""
    roles = {p["id"]: p.get("role") for p in data["parties"]}
    return [
        (d["party"], d["text"])
        for r in data["responsibilities"]
        if control in r["controls"].get(framework, [])
        for d in r["duties"]
        if roles[d["party"]] == "customer" and capability in d["capabilities"]
    ]
