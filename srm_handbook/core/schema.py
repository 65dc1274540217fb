"""The shape of ``srm_data.yaml`` (format version 1) as pydantic models.

These models describe the file as people write it; the JSON Schema published in
``schema/srm_data.schema.json`` is derived from them. Cross-references and coverage
(the consistency rules) are checked afterwards by :mod:`srm_handbook.rules`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: str) -> dt.date:
    """The one date form of the format (and of ``--today``): ``YYYY-MM-DD``, a real day.
    ``date.fromisoformat`` alone also takes ``20210223`` and ``2021-W08-2``."""
    if not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None


def _iso_date(value: Any) -> Any:
    return parse_iso_date(value) if isinstance(value, str) else value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date written YYYY-MM-DD; every date field of the format is one."""
_DIGITS = re.compile(r"[0-9]+")


def _whole_number(value: Any) -> Any:
    """The one form of a whole number: ASCII digits only. ``int()`` alone would also take
    ``1_0``, ``+5``, `` 5 `` and other scripts' digits, and pydantic ``5.0``; the JSON
    Schema (``type: integer``) takes none of the first and editors flag them."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise ValueError(
                f"must be a whole number written with digits only, like 90, got {value[:40]!r}"
            )
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number written with digits only, like 90")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""A whole number written with digits only; every number field of the format is one."""
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
MAX_ROWS = 10_000
MAX_COLUMNS = 500
MAX_PARTIES = 50
MAX_DUTIES_PER_PARTY = 200
ALLOWED_URL_SCHEMES = ("http", "https", "mailto")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


RESERVED_IDS = ("index",)
"""Ids that name a generated page of their own (``responsibilities/index.md``, the section
pages of :mod:`srm_handbook.site.paths`): a row, capability or party, or an alias (whose
redirect page goes to the same place), with such an id would replace it."""


def _not_reserved(value: str) -> str:
    if value in RESERVED_IDS:
        raise ValueError(f"id {value!r} is reserved")
    return value


Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH),
    AfterValidator(_not_reserved),
    Field(
        description="Lower-case letters, digits and single hyphens, e.g. `web-triggers`; "
        "not `index`.",
        json_schema_extra={"not": {"enum": list(RESERVED_IDS)}},
    ),
]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_controls(value: str) -> str:
    """Escapes such as "\\u001b" reach texts even though raw control characters are
    refused in the file; only tabs and line breaks belong in a text."""
    match = _CONTROL.search(value)
    if match:
        raise ValueError(f"must not contain the control character U+{ord(match.group()):04X}")
    return value


Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH),
    AfterValidator(_not_blank),
    AfterValidator(_no_controls),
]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH),
    AfterValidator(_not_blank),
    AfterValidator(_no_controls),
]


def _unique(value: list[str]) -> list[str]:
    seen: set[str] = set()
    for item in value:
        if item in seen:
            raise ValueError(f"lists {item!r} twice")
        seen.add(item)
    return value


_UNIQUE_IN_SCHEMA = {"uniqueItems": True}  # what editors check; _unique says it here
NonEmptyIdList = Annotated[
    list[Id],
    Field(min_length=1, json_schema_extra=_UNIQUE_IN_SCHEMA),
    AfterValidator(_unique),
]


def _check_url(value: str) -> str:
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", value)
    if scheme is None or scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        raise ValueError("must be an absolute http, https or mailto URL")
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in value):
        raise ValueError("must not contain spaces or control characters")
    if scheme.group(1).lower() in ("http", "https") and not re.match(
        r"^https?://[^/?#]+", value, re.IGNORECASE
    ):
        raise ValueError("must name a host, e.g. https://example.com/page")
    return value


Url = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_check_url)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


ROLES = ("provider", "customer")


class Party(_Strict):
    name: Name = Field(description="Display name, e.g. `Atlassian` or `You`.")
    role: Literal["provider", "customer"] | None = Field(
        default=None,
        description="`provider` or `customer`: what the inheritance of mapped controls is "
        "derived from. When one party has a role, every party that owns anything has one.",
    )
    possessive: Name | None = Field(
        default=None, description='Possessive form for headings; default is name + "\'s".'
    )
    description: Text | None = Field(default=None, description="Markdown.")
    plural: bool | None = Field(
        default=None,
        description='`true` when the name takes a plural verb ("You own", "Product teams '
        'own"); default `false` ("Atlassian owns"). Used in messages about the party.',
    )

    @field_validator("plural", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value

    def verb(self, singular: str, plural: str) -> str:
        """The form of a verb that agrees with the party's name."""
        return plural if self.plural else singular


class Capability(_Strict):
    name: Name
    description: Text | None = Field(default=None, description="Markdown.")
    status: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=40),
            AfterValidator(_not_blank),
            AfterValidator(_no_controls),
        ]
        | None
    ) = Field(default=None, description="Short badge text, e.g. `beta`.")


class Category(_Strict):
    name: Name
    description: Text | None = Field(default=None, description="Markdown.")


class Framework(_Strict):
    name: Name = Field(description="Display name, e.g. `NIST SP 800-53 rev. 5`.")
    catalog: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=1000),
            AfterValidator(_not_blank),
            AfterValidator(_no_controls),
        ]
        | None
    ) = Field(
        default=None,
        description="A built-in catalog (`nist-800-53-r5`, `iso-27001-2022`, `soc2-2017`, "
        "`csa-ccm-4.0`) or a catalog file of your own, relative to the data file; control "
        "ids are checked against it. Without one, any id is accepted as written.",
    )


ControlId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_not_blank),
    AfterValidator(_no_controls),
]
ControlList = Annotated[
    list[ControlId],
    Field(max_length=2000, json_schema_extra={"minItems": 1, **_UNIQUE_IN_SCHEMA}),
]  # rule 7 (not empty, no id twice) is checked by rules.check_mappings, so that one run
# reports it with the row's other mapping problems


class Reference(_Strict):
    title: Name
    url: Url


class Duty(_Strict):
    id: Id | None = Field(
        default=None,
        description="Optional stable id of the duty, unique within its responsibility: "
        "readers' checklist ticks and `srm diff` follow it when the text is edited.",
    )
    text: Text = Field(description="Markdown: what the party must do.")
    capabilities: NonEmptyIdList | None = Field(
        default=None,
        description="Capabilities the duty applies to; default: every capability its party "
        "owns in this row.",
    )


def _duty_from_string(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


DutyEntry = Annotated[
    Duty,
    BeforeValidator(_duty_from_string, json_schema_input_type=Text | Duty),
]

NOT_APPLICABLE = "n/a"


def _owners_to_list(value: Any) -> Any:
    if isinstance(value, str):
        return [] if value == NOT_APPLICABLE else [value]
    if isinstance(value, list) and NOT_APPLICABLE in value:
        raise ValueError("combines 'n/a' with parties; 'n/a' stands alone")
    if value == []:
        raise ValueError(
            "is an empty list: name the owning party, list the parties that share it, "
            "or write n/a (rule 5)"
        )
    return value


OwnerCell = Annotated[
    list[Id],
    BeforeValidator(
        _owners_to_list,
        json_schema_input_type=Id
        | Literal["n/a"]
        | Annotated[list[Id], Field(min_length=1, json_schema_extra=_UNIQUE_IN_SCHEMA)],
    ),
    AfterValidator(_unique),
]


class Responsibility(_Strict):
    name: Name
    category: Id
    description: Text | None = Field(default=None, description="Markdown.")
    aliases: NonEmptyIdList | None = Field(
        default=None, description="Earlier ids of this row; each keeps resolving as a redirect."
    )
    owners: Annotated[dict[Id, OwnerCell], Field(min_length=1)] = Field(
        description="Exactly one entry per capability: a party id, a list of party ids "
        "(two or more = shared), or `n/a`."
    )
    duties: (
        Annotated[
            dict[
                Id, Annotated[list[DutyEntry], Field(min_length=1, max_length=MAX_DUTIES_PER_PARTY)]
            ],
            Field(min_length=1),
        ]
        | None
    ) = Field(default=None, description="Party id -> what that party must do.")
    references: Annotated[list[Reference], Field(min_length=1)] | None = None
    controls: Annotated[dict[Id, ControlList], Field(min_length=1)] | None = Field(
        default=None,
        description="Framework id -> the control ids this row addresses, as the framework "
        "writes them (e.g. `IA-2(1)`, `A.5.15`, `CC6.1`).",
    )
    reviewed: IsoDate | None = Field(
        default=None, description="When this row was last reviewed (YYYY-MM-DD)."
    )


class SrmDocument(_Strict):
    """The whole ``srm_data.yaml`` file."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="srm_data.yaml",
        json_schema_extra={"$id": "https://srm-handbook.dev/schema/srm_data.schema.json"},
    )

    schema_: Literal[1] = Field(alias="schema", description="Format version; always 1.")
    title: Name
    intro: Text | None = Field(default=None, description="Markdown shown on the home page.")
    last_updated: IsoDate | None = Field(default=None, description="ISO date, e.g. 2021-02-23.")
    # The range before the validator: after it, pydantic writes `ge`/`le` into the JSON
    # Schema instead of `minimum`/`maximum`, which editors do not know.
    review_interval_days: (
        Annotated[int, Field(ge=1, le=3650), BeforeValidator(_whole_number)] | None
    ) = Field(
        default=None, description="Rows whose `reviewed` date is older than this are overdue."
    )
    parties: Annotated[dict[Id, Party], Field(min_length=1, max_length=MAX_PARTIES)]
    capabilities: Annotated[dict[Id, Capability], Field(min_length=1, max_length=MAX_COLUMNS)]
    categories: Annotated[dict[Id, Category], Field(min_length=1)]
    frameworks: Annotated[dict[Id, Framework], Field(min_length=1, max_length=50)] | None = Field(
        default=None, description="Compliance frameworks the rows map controls of (optional)."
    )
    responsibilities: Annotated[dict[Id, Responsibility], Field(min_length=1, max_length=MAX_ROWS)]

    @field_validator("schema_", mode="before")
    @classmethod
    def _schema_number(cls, value: Any) -> Any:
        if value == "1":
            return 1
        return value


class DocumentHeader(SrmDocument):
    """The document with rows left unchecked, so each row can be validated on its own
    and one bad row does not hide the problems of the others."""

    responsibilities: Annotated[dict[Id, Any], Field(min_length=1, max_length=MAX_ROWS)]


def _drop_null(node: Any) -> Any:
    """Optional keys are omitted, never null (an empty value is read as empty text)."""
    if isinstance(node, list):
        return [_drop_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _drop_null(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        del node["anyOf"]
        node.pop("default", None)
        if len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node["anyOf"] = rest
    return node


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the input format (what editors validate against)."""
    schema: dict[str, Any] = _drop_null(
        SrmDocument.model_json_schema(mode="validation", by_alias=True)
    )
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _id_enum(kind: str, ids: list[str]) -> dict[str, Any]:
    return {
        "type": "string",
        "enum": ids,
        "description": f"One of the {kind} declared in this file: {', '.join(ids)}.",
    }


def specialised_json_schema(
    parties: list[str], capabilities: list[str], categories: list[str], title: str
) -> dict[str, Any]:
    """The JSON Schema of one model's file: :func:`json_schema`, with the declared ids
    wherever ids are referenced, so that an editor flags a typo'd id or a missing
    capability as you type. Declarations themselves stay open (a new party is not an
    error); regenerate it after declaring one (``make schema``)."""
    schema = json_schema()
    schema["$id"] = "srm_data.model.schema.json"
    schema["title"] = f"srm_data.yaml: {title}"
    schema["$comment"] = (
        "Specialised to the ids declared in srm_data.yaml by `srm schema --for "
        "srm_data.yaml`; regenerate it with `make schema` after changing the declarations."
    )
    defs = schema["$defs"]
    defs["PartyId"] = _id_enum("parties", parties)
    defs["CapabilityId"] = _id_enum("capabilities", capabilities)
    defs["CategoryId"] = _id_enum("categories", categories)
    party, capability = {"$ref": "#/$defs/PartyId"}, {"$ref": "#/$defs/CapabilityId"}
    defs["OwnerCell"] = {
        "anyOf": [
            party,
            {"const": NOT_APPLICABLE, "type": "string"},
            {"type": "array", "items": party, "minItems": 1, "uniqueItems": True},
        ],
        "description": "A party id, a list of party ids (two or more = shared), or `n/a`.",
    }
    row = defs["Responsibility"]["properties"]
    row["category"] = {"$ref": "#/$defs/CategoryId"}
    owners = row["owners"]
    for key in ("patternProperties", "propertyNames", "minProperties"):
        owners.pop(key, None)
    owners["properties"] = {cap: {"$ref": "#/$defs/OwnerCell"} for cap in capabilities}
    owners["required"] = list(capabilities)
    owners["additionalProperties"] = False
    duties = row["duties"]
    duties["additionalProperties"] = duties.pop("patternProperties")[ID_PATTERN]
    duties["propertyNames"] = party
    defs["Duty"]["properties"]["capabilities"]["items"] = capability
    return schema
