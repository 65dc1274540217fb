"""The options of the ``srm`` plugin: one typed schema, used by both ways in.

``plugins: [srm]`` (with options under the plugin) and this repository's ``hooks:`` adapter
(options under ``extra: srm:``) validate the same :class:`SrmConfig`; ``srm publish`` reads
it too, to find the data and the pages of each model in a site.
"""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from srm_handbook.history import DEFAULT_LIMIT, MAX_LIMIT
from srm_handbook.site import i18n
from srm_handbook.site.paths import check_prefix

log = logging.getLogger("mkdocs.plugins.srm")

DATA_ENV = "SRM_DATA"
"""Overrides the data file of a site with one model (``SRM_DATA=other.yaml make build``)."""


class _Prefix(c.Type[str]):
    """A mount point such as ``security/srm/`` (a trailing slash is added)."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        try:
            return check_prefix(super().run_validation(value))
        except ValueError as exc:
            raise base.ValidationError(str(exc)) from None


class _Limit(c.Type[int]):
    def __init__(self) -> None:
        super().__init__(int, default=DEFAULT_LIMIT)

    def run_validation(self, value: object) -> int:
        number = super().run_validation(value)
        if isinstance(value, bool) or not 1 <= number <= MAX_LIMIT:
            raise base.ValidationError(f"must be a whole number from 1 to {MAX_LIMIT}")
        return number


class SrmConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of one model in a site (``plugins: - srm: {...}``, or ``extra: srm:``)."""

    data_ = c.Type(str, default="srm_data.yaml")
    """The data file, relative to mkdocs.yml. SRM_DATA overrides it (one model only)."""
    prefix = _Prefix()
    """Mount the generated pages under this path, e.g. ``security/srm/``."""
    nav_title = c.Optional(c.Type(str))
    """The title of the generated section in the nav (default: the model's title)."""
    history = c.Type(bool, default=True)
    """Build the "What changed" page and the "last changed" dates from git history."""
    history_limit = _Limit()
    """How many of the latest commits that changed the data file to show."""
    cache_dir = c.Type(str, default=".cache/srm")
    """Where the history keeps what it learned between builds ('' keeps nothing)."""
    language = c.Optional(c.Type(str))
    """The language of the generated text (default: ``theme.language``)."""
    labels = c.Type(dict, default={})
    """Overrides of single labels of the generated text: label id -> text."""


OPTION_NAMES = tuple(name for name, _ in SrmConfig._schema)


class OptionsError(ValueError):
    """Invalid options; the message names each key (``extra.srm.prefix: ...``)."""


def load_options(raw: Any, where: str, config_file_path: str | None = None) -> SrmConfig:
    """Validate ``raw`` as the options found at ``where`` (e.g. ``extra.srm``)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OptionsError(f"{where} must be a mapping of options")
    options = SrmConfig(config_file_path=config_file_path)
    options.load_dict(raw)
    errors, warnings = options.validate()
    problems = [f"{where}.{key}: {message}" for key, message in errors]
    problems += [
        f"{where}.{key}: unknown option; known options: {', '.join(OPTION_NAMES)}"
        for key, message in warnings
        if "Unrecognised configuration name" in str(message)
    ]
    if problems:
        raise OptionsError("; ".join(problems))
    return options


def site_options(config: MkDocsConfig) -> list[SrmConfig]:
    """The options of every model of a site: each ``srm`` plugin instance, or else the
    hook's ``extra: srm:``."""
    from srm_handbook.mkdocs.plugin import SrmPlugin

    instances = [p.config for p in config.plugins.values() if isinstance(p, SrmPlugin)]
    if instances:
        return instances
    return [load_options(config.extra.get("srm"), "extra.srm", config.config_file_path)]


def site_labels(config: MkDocsConfig, options: SrmConfig) -> i18n.Labels:
    """The labels of a model's pages: its ``language`` option, else the theme's language
    (English when neither has a catalogue, said in one INFO line), and its overrides."""
    theme = config.theme
    requested = options.language or theme.get("language")
    language = i18n.match_language(requested)
    if language is None:
        log.info(
            "srm: no catalogue for the language %r; the generated pages are in English "
            "(catalogues: %s)",
            requested,
            ", ".join(i18n.languages()),
        )
        language = i18n.SOURCE_LANGUAGE
    return i18n.labels(language, {str(k): str(v) for k, v in options.labels.items()})
