"""The generated text in the site's language.

The labels of the pages are written in English in the templates and in Python, marked
for translation (``_("Owners")`` in Jinja, ``labels.gettext("Owners")`` in Python), and
translated by gettext catalogues: ``locales/<language>/LC_MESSAGES/srm.po`` beside this
module, which a translator edits like any other ``.po`` file (``make messages`` updates
them from the sources). They are read with Babel, which MkDocs' Material theme already
brings. A site can override single labels (``labels:`` in the plugin's options).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "srm"
SOURCE_LANGUAGE = "en"


def catalogue_dir() -> resources.abc.Traversable:
    return resources.files("srm_handbook.site").joinpath("locales")


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages with a catalogue, and English (the language of the sources)."""
    found = {
        entry.name
        for entry in catalogue_dir().iterdir()
        if entry.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file()
    }
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


def match_language(requested: str | None) -> str | None:
    """The catalogue for a language tag such as ``de``, ``de_CH`` or ``pt-BR``: the exact
    one, else the one of its base language; None when there is none."""
    if not requested:
        return SOURCE_LANGUAGE
    tag = requested.replace("-", "_")
    for candidate in (tag, tag.split("_")[0].lower()):
        if candidate in languages():
            return candidate
    return None


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = catalogue_dir().joinpath(language, "LC_MESSAGES", f"{DOMAIN}.po")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Labels:
    """The generated text of one site: a language and the site's own overrides."""

    language: str = SOURCE_LANGUAGE
    overrides: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    key: tuple[tuple[str, str], ...] = ()
    """The overrides as a hashable value (what makes two Labels equal)."""

    def gettext(self, message: str) -> str:
        override = self.overrides.get(message)
        if override is not None:
            return override
        return _translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        override = self.overrides.get(singular if n == 1 else plural)
        if override is not None:
            return override
        return _translations(self.language).ngettext(singular, plural, n)

    def date(self, day: dt.date) -> str:
        """A date as the language writes it in full (23 February 2021, 23. Februar 2021)."""
        return format_date(day, format="long", locale=self.locale)

    @property
    def locale(self) -> Locale:
        # English dates as the handbook always wrote them: 23 February 2021.
        tag = "en_GB" if self.language == SOURCE_LANGUAGE else self.language
        try:
            return Locale.parse(tag)
        except (ValueError, UnknownLocaleError):
            return Locale.parse(SOURCE_LANGUAGE)


def N_(message: str) -> str:
    """Marks ``message`` as a label to translate where it is used later
    (``labels.gettext(message)``): ``make messages`` finds it here."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a label with a plural (``labels.ngettext(singular, plural, n)`` later)."""
    return singular, plural


def labels(language: str = SOURCE_LANGUAGE, overrides: Mapping[str, str] | None = None) -> Labels:
    items = dict(overrides or {})
    return Labels(language, items, tuple(sorted(items.items())))


ENGLISH = Labels()
