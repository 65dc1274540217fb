"""Options of the handbook, read from ``extra: srm:`` in mkdocs.yml (validated)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from srm_handbook.history.git_history import DEFAULT_LIMIT, MAX_LIMIT
from srm_handbook.site.paths import check_prefix

DATA_ENV = "SRM_DATA"


class SrmOptions(BaseModel):
    """``extra: srm:`` in mkdocs.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field(
        default="srm_data.yaml",
        description="The data file, relative to mkdocs.yml. The SRM_DATA environment "
        "variable overrides it.",
    )
    prefix: str = Field(
        default="",
        description="Mount the generated pages under this path, e.g. 'security/srm/'.",
    )
    history: bool = Field(
        default=True,
        description="Build the 'What changed' page and the 'last changed' dates from the data "
        "file's git history (outside git the page says there is none).",
    )
    history_limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description="How many of the latest commits that changed the data file to show.",
    )
    cache_dir: str = Field(
        default=".cache/srm",
        description="Where the change history keeps what it learned about each version of "
        "the data file between builds, relative to mkdocs.yml; '' keeps nothing.",
    )

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        return check_prefix(value)


class OptionsError(ValueError):
    pass


def parse_options(raw: Any) -> SrmOptions:
    """Validate ``extra: srm:``; the messages name the key (``extra.srm.prefix``)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OptionsError("extra.srm must be a mapping of options")
    try:
        return SrmOptions.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in ("extra", "srm", *err["loc"]))
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown option; known options: {', '.join(SrmOptions.model_fields)}"
            lines.append(f"{where}: {message}")
        raise OptionsError("; ".join(lines)) from None
