"""The JSON Schema of ``srm.json``, published beside it as ``srm.schema.json``.

Written as pydantic models of the export (the records :func:`srm_handbook.site.exports.
to_dict` writes), so the schema says what each field holds. It is closed (no key that is
not described here), so a change to the export that is not described here fails the tests;
docs/exports.md describes the same fields for people, with how they change between
versions.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from srm_handbook.site.exports import SCHEMA_FILE


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _id() -> Any:
    return Field(description="The id from srm_data.yaml (stable: it is in every page URL).")


class PartyRecord(_Record):
    id: str = _id()
    name: str
    possessive: str = Field(description='As written, or the name + "\'s".')
    plural: bool = Field(description='The name takes a plural verb ("You own").')
    description: str | None = Field(description="Markdown, as written.")
    role: Literal["provider", "customer"] | None = Field(
        default=None,
        description="Only in a model with framework mappings or roles: `provider`, "
        "`customer`, or null.",
    )


class CapabilityRecord(_Record):
    id: str = _id()
    name: str
    status: str | None = Field(description="Short badge text, e.g. `beta`.")
    description: str | None = Field(description="Markdown, as written.")


class CategoryRecord(_Record):
    id: str = _id()
    name: str
    description: str | None = Field(description="Markdown, as written.")


class DutyRecord(_Record):
    party: str = Field(description="The id of the party that holds the duty.")
    text: str = Field(description="Markdown, as written.")
    capabilities: list[str] = Field(
        min_length=1,
        description="The capabilities the duty applies to after defaulting (rule 3), in "
        "the order of `capabilities`.",
    )
    id: str | None = Field(description="The duty's own id (unique in its row), or null.")
    key: str = Field(
        description="A stable key: `<responsibility>/<id>`, or derived from the row, the "
        "party and the text when the duty has no id."
    )


class ReferenceRecord(_Record):
    title: str
    url: str


class ResponsibilityRecord(_Record):
    id: str = _id()
    name: str
    category: str = Field(description="The id of its category.")
    description: str | None = Field(description="Markdown, as written.")
    aliases: list[str] = Field(description="Earlier ids; each redirects to this row's page.")
    owners: dict[str, list[str]] = Field(
        description="Every capability id -> the ids of the parties that own the cell, in "
        "the order of `parties`; an empty list is n/a."
    )
    duties: list[DutyRecord] = Field(description="In the order of `parties`, then as written.")
    references: list[ReferenceRecord]
    reviewed: str | None = Field(
        json_schema_extra={"format": "date"}, description="YYYY-MM-DD, or null."
    )
    controls: dict[str, list[str]] | None = Field(
        default=None,
        description="Only in a model with framework mappings: framework id -> the control "
        "ids this row addresses (an empty object when it maps none).",
    )


class FrameworkRecord(_Record):
    id: str = _id()
    name: str
    catalog: str | None = Field(
        description="A built-in catalog name, the path of a catalog file, or null."
    )


class SrmJson(_Record):
    """``srm.json``: the whole validated model, normalised (lists keep the file's order)."""

    model_config = ConfigDict(extra="forbid", title="srm.json")

    schema_ref: Literal["srm.schema.json"] = Field(
        alias="$schema", description="This schema, published beside srm.json."
    )
    schema_: Literal[1] = Field(alias="schema", description="The data format's version.")
    title: str
    intro: str | None = Field(description="Markdown, as written.")
    last_updated: str | None = Field(
        json_schema_extra={"format": "date"}, description="YYYY-MM-DD, or null."
    )
    review_interval_days: int | None
    parties: list[PartyRecord]
    capabilities: list[CapabilityRecord]
    categories: list[CategoryRecord]
    frameworks: list[FrameworkRecord] | None = Field(
        default=None, description="Only in a model with framework mappings, in file order."
    )
    responsibilities: list[ResponsibilityRecord]


def schema_text() -> str:
    """``srm.schema.json`` as published (and committed as schema/srm.schema.json)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``srm.json`` (draft 2020-12)."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_FILE,
        **SrmJson.model_json_schema(mode="serialization", by_alias=True),
    }
    return schema
