"""The generated text in the site's language: catalogues, overrides, dates, fallbacks."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from srm_handbook.site import i18n

from ..conftest import FORGE as FORGE_DATA
from ..conftest import ROOT
from ..mkdocs.host import FORGE, host_handbook, mkdocs_build

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"<[^>]+>")
TRANSLATED = [lang for lang in i18n.languages() if lang != i18n.SOURCE_LANGUAGE]


def test_catalogues_exist_for_the_promised_languages() -> None:
    assert {"en", "de", "fr", "es", "ja"} <= set(i18n.languages())


def test_catalogues_are_current_with_the_sources() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_label_is_translated_with_its_placeholders_and_tags(language: str) -> None:
    path = i18n.catalogue_dir().joinpath(language, "LC_MESSAGES", "srm.po")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [str(i) for i in message.id] if isinstance(message.id, tuple) else [str(message.id)]
        raw = message.string
        strings = [str(t) for t in raw] if isinstance(raw, tuple) else [str(raw or "")]
        for text in strings:
            if not text:
                problems.append(f"untranslated: {ids[0]!r}")
                continue
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(ids[-1])):
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ids[0])):
                problems.append(f"tags differ: {ids[0]!r} -> {text!r}")
    assert problems == []


def test_language_tags_match_a_catalogue() -> None:
    assert i18n.match_language("de") == "de"
    assert i18n.match_language("de_CH") == "de"
    assert i18n.match_language("fr-CA") == "fr"
    assert i18n.match_language(None) == "en"
    assert i18n.match_language("eo") is None


def test_overrides_win_over_the_catalogue() -> None:
    words = i18n.labels("de", {"Owners": "Zuständig"})
    assert words.gettext("Owners") == "Zuständig"
    assert words.gettext("Capabilities") == i18n.labels("de").gettext("Capabilities")


def test_dates_are_written_for_the_locale() -> None:
    day = dt.date(2021, 2, 23)
    assert i18n.labels("en").date(day) == "23 February 2021"
    assert i18n.labels("de").date(day) == "23. Februar 2021"
    assert i18n.labels("fr").date(day) == "23 février 2021"
    assert i18n.labels("ja").date(day) == "2021年2月23日"


def test_plurals_follow_the_language() -> None:
    singular = "%(possessive)s %(num)d duty, by category."
    plural = "%(possessive)s %(num)d duties, by category."
    en = i18n.labels("en")
    assert en.ngettext(singular, plural, 1) == singular
    assert en.ngettext(singular, plural, 2) == plural
    fr = i18n.labels("fr")
    assert fr.ngettext(singular, plural, 0) == fr.ngettext(singular, plural, 1)
    assert fr.ngettext(singular, plural, 1) != fr.ngettext(singular, plural, 2)


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = host_handbook(tmp_path_factory.mktemp("de"), models=(FORGE,), language="de")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return result.site


def test_a_german_site_gets_german_pages(german: Path) -> None:
    de = i18n.labels("de")
    page = (german / FORGE.prefix / "responsibilities" / "tenant-safety" / "index.html").read_text(
        "utf-8"
    )
    for label in ("Owners", "See this row in the matrix", "Capability"):
        assert de.gettext(label) != label
        assert de.gettext(label) in page
    assert ">Owners<" not in page and "See this row in the matrix" not in page
    matrix = (german / FORGE.prefix / "matrix" / "index.html").read_text("utf-8")
    assert de.gettext("Responsibility matrix") in matrix
    assert de.gettext("Not applicable") in matrix
    assert "Not applicable" not in matrix
    home = (german / FORGE.prefix / "index.html").read_text("utf-8")
    assert "23. Februar 2021" in home


def test_an_unknown_language_falls_back_to_english_with_one_line(tmp_path: Path) -> None:
    project = host_handbook(
        tmp_path, models=(FORGE,), language="en", extra_options={"language": "eo"}
    )
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("no catalogue for the language 'eo'") == 1
    assert ">Owners<" in result.page(FORGE.prefix + "responsibilities/tenant-safety/")


def test_a_site_overrides_single_labels(tmp_path: Path) -> None:
    project = host_handbook(
        tmp_path,
        models=(FORGE,),
        language="en",
        extra_options={"labels": {"Owners": "Accountable"}},
    )
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    page = result.page(FORGE.prefix + "responsibilities/tenant-safety/")
    assert ">Accountable<" in page and ">Owners<" not in page


def test_srm_render_writes_the_pages_in_the_language_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "srm_handbook.cli",
            "render",
            "--out",
            str(out),
            "--language",
            "ja",
            str(FORGE_DATA),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert i18n.labels("ja").gettext("Owners") in (
        out / "responsibilities" / "tenant-safety.md"
    ).read_text("utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", "render", "--out", str(out), "--language", "eo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "no catalogue for the language 'eo'" in bad.stderr
