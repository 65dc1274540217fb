"""The generated text in the site's language: catalogues, overrides, dates, fallbacks."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from srm_handbook.core.load import parse_model
from srm_handbook.history.git_history import Commit, Entry, History
from srm_handbook.history.model_diff import SUMMARY_LABELS, diff
from srm_handbook.site import i18n
from srm_handbook.site.history_text import DIFF_PARTS, entry_summary, entry_title
from srm_handbook.site.script_labels import script_labels
from srm_handbook.site.views import ViewOptions, pages

from ..conftest import FIXTURES, ROOT, BuildResult, make_project, run_build, serve_directory
from ..conftest import FORGE as FORGE_DATA
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


# -- A German build of a model with framework mappings and roles ------------------------

MAPPED = FIXTURES / "mapped"
DE = i18n.labels("de")
READY = "form[data-srm-checklist][data-srm-ready]"


@pytest.fixture(scope="module")
def german_mapped(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The mapped model (frameworks, roles) in the repository's handbook, with
    ``theme.language: de``."""
    theme = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["theme"]
    project = make_project(
        tmp_path_factory.mktemp("de-mapped"),
        MAPPED / "srm_data.yaml",
        config_overrides={"theme": {**theme, "language": "de"}},
    )
    shutil.copytree(MAPPED / "controls", project / "controls")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return result


def in_german(*labels: str) -> list[str]:
    """The German of each label (each must have one: a test of the German pages that an
    untranslated label passed would prove nothing)."""
    out = [DE.gettext(label) for label in labels]
    assert all(de != en for de, en in zip(out, labels, strict=True)), out
    return out


def test_a_german_framework_page(german_mapped: BuildResult) -> None:
    page = german_mapped.page("frameworks/nist/")
    text = html.unescape(page)
    labels = (
        "Mapped controls",
        "Inheritance:",
        "Inherited",
        "providers and customers own parts",
        "Customer responsibilities",
        "Controls no responsibility maps",
        "(in the matrix)",
    )
    for label, de in zip(labels, in_german(*labels), strict=True):
        assert de in text, label
        assert label not in text, label
    coverage = DE.gettext("%(mapped)d of %(total)d controls mapped") % {"mapped": 6, "total": 1011}
    assert f"<strong data-srm-coverage>{coverage}</strong>" in page
    unmapped = DE.ngettext(
        "%(num)d of the catalog's controls is not mapped by any responsibility "
        "(withdrawn controls left out).",
        "%(num)d of the catalog's controls are not mapped by any responsibility "
        "(withdrawn controls left out).",
        1005,
    )
    assert unmapped % {"num": 1005} in text
    # The inheritance of each control cell, in German.
    tags = set(re.findall(r'<span class="srm-inh">([^<]*)</span>', page))
    assert tags and tags <= {DE.gettext(t) for t in ("Inherited", "Shared", "Customer")}
    soc2 = german_mapped.page("frameworks/soc2/")
    criteria = DE.gettext("%(mapped)d of %(total)d criteria mapped") % {"mapped": 2, "total": 61}
    assert criteria in soc2 and "criteria mapped" not in soc2
    index = html.unescape(german_mapped.page("frameworks/"))
    for label, de in zip(
        ("Mapped frameworks", "Coverage"), in_german("Mapped frameworks", "Coverage"), strict=True
    ):
        assert de in index and f">{label}<" not in index


def test_a_german_responsibility_page_lists_its_controls(german_mapped: BuildResult) -> None:
    page = german_mapped.page("responsibilities/authentication/")
    (controls,) = in_german("Controls")
    assert f'<h2 id="controls">{controls}</h2>' in page
    assert ">Controls<" not in page
    # and search finds the section under its German title
    index = json.loads((german_mapped.site / "search" / "search_index.json").read_text("utf-8"))
    titles = {
        d["title"]
        for d in index["docs"]
        if d["location"] == "responsibilities/authentication/#controls"
    }
    assert titles == {controls}


def test_a_german_party_checklist_carries_german_tools_and_words(
    german_mapped: BuildResult,
) -> None:
    page = german_mapped.page("parties/you/")
    text = html.unescape(page)
    labels = (
        "Copy as Markdown task list",
        "Download CSV",
        "Clear my ticks",
        "Mark changes as seen",
    )
    for label, de in zip(labels, in_german(*labels), strict=True):
        assert de in text and label not in text
    assert f'aria-label="{in_german("Checklist tools")[0]}"' in page
    assert f"<legend>{in_german('Show the duties for')[0]}</legend>" in page
    # What srm.js writes, in the page's language.
    found = re.search(r'<script type="application/json" id="srm-labels">(.*?)</script>', page)
    assert found
    words = json.loads(found.group(1))
    assert words["language"] == "de"
    assert words["messages"]["%(done)d of %(total)d done."] == DE.gettext(
        "%(done)d of %(total)d done."
    )
    cleared = words["messages"]["Cleared %(num)d tick."]
    assert cleared == {
        "one": DE.ngettext("Cleared %(num)d tick.", "Cleared %(num)d ticks.", 1),
        "other": DE.ngettext("Cleared %(num)d tick.", "Cleared %(num)d ticks.", 2),
    }
    assert cleared["one"] != "Cleared %(num)d tick."


def test_the_script_gets_every_plural_category_of_the_language() -> None:
    """French counts 0 like 1 ("0 coche"), Japanese has one form: the JSON has the
    categories the browser's Intl.PluralRules picks from."""
    fr = i18n.labels("fr")
    forms = script_labels(fr)["messages"]["Cleared %(num)d tick."]
    assert forms["one"] == fr.ngettext("Cleared %(num)d tick.", "Cleared %(num)d ticks.", 0)
    assert forms["other"] == fr.ngettext("Cleared %(num)d tick.", "Cleared %(num)d ticks.", 2)
    ja = script_labels(i18n.labels("ja"))["messages"]["Cleared %(num)d tick."]
    assert list(ja) == ["other"]
    english = script_labels(i18n.ENGLISH)["messages"]
    assert english["none shown"] == "none shown"
    overridden = script_labels(i18n.labels("de", {"none shown": "nichts"}))["messages"]
    assert overridden["none shown"] == "nichts"


@pytest.fixture(scope="module")
def german_url(german_mapped: BuildResult) -> Iterator[str]:
    with serve_directory(german_mapped.site) as url:
        yield url


def _done(done: int, total: int) -> str:
    return DE.gettext("%(done)d of %(total)d done.") % {"done": done, "total": total}


@pytest.mark.browser
def test_the_checklist_script_writes_german_on_a_german_site(
    page: Any, german_url: str, german_mapped: BuildResult
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(german_url + "parties/you/")
    page.wait_for_selector(READY, state="attached")
    status = page.locator("#srm-checklist-status")
    n = page.locator("li[data-srm-duty]").count()
    assert n > 1
    assert status.inner_text() == _done(0, n)
    page.locator("li[data-srm-duty]").first.get_by_role("checkbox").check()
    assert status.inner_text() == _done(1, n)
    counts = page.locator("fieldset:not([hidden]) .srm-count").all_inner_texts()
    numbers = DE.gettext("%(done)d of %(total)d done") % {"done": 111111, "total": 999999}
    pattern = re.escape(numbers).replace("111111", r"\d+").replace("999999", r"\d+")
    assert counts and all(re.fullmatch(pattern, c) for c in counts), counts
    page.get_by_role("button", name=DE.gettext("Clear my ticks")).click()
    cleared = DE.ngettext("Cleared %(num)d tick.", "Cleared %(num)d ticks.", 1) % {"num": 1}
    assert status.inner_text() == f"{_done(0, n)} {cleared}"
    # The matrix's status line too.
    page.goto(german_url + "matrix/")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]", state="attached")
    rows = page.locator("tr[data-responsibility]").count()
    shown = DE.gettext("%(shown)d of %(total)d responsibilities shown")
    assert page.locator("#srm-status").inner_text() == shown % {"shown": rows, "total": rows}
    assert not errors


@pytest.mark.browser
def test_the_script_writes_english_without_the_pages_words(
    page: Any, german_mapped: BuildResult, tmp_path: Path
) -> None:
    """A page without its srm-labels JSON (an older page, a custom template) still gets
    the script's English."""
    site = tmp_path / "site"
    shutil.copytree(german_mapped.site, site)
    party = site / "parties" / "you" / "index.html"
    text = party.read_text("utf-8")
    stripped = re.sub(r'<script type="application/json" id="srm-labels">.*?</script>', "", text)
    assert stripped != text
    party.write_text(stripped, "utf-8")
    with serve_directory(site) as url:
        page.goto(url + "parties/you/")
        page.wait_for_selector(READY, state="attached")
        n = page.locator("li[data-srm-duty]").count()
        assert page.locator("#srm-checklist-status").inner_text() == f"0 of {n} done."


# -- The "What changed" page's summaries ------------------------------------------------


def _entries() -> list[Entry]:
    mapped = parse_model((MAPPED / "srm_data.yaml").read_bytes(), base_dir=MAPPED)
    forge = parse_model(FORGE_DATA.read_bytes())
    day = dt.date(2026, 3, 1)
    commit = Commit("a" * 40, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "Ann", " Map  NIST ", "x")
    blank = Commit("b" * 40, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "Ann", "", "x")
    return [
        Entry(commit, day, "created", diff(None, mapped), size=(3, 3, 1)),
        Entry(commit, day, "start", None, size=(1, 2, 3)),
        Entry(commit, day, "invalid", None, error_count=1),
        Entry(commit, day, "invalid", None, error_count=4),
        Entry(commit, day, "missing"),
        Entry(blank, day, "change", diff(mapped, mapped)),
        Entry(None, day, "change", diff(mapped, forge)),
        Entry(None, day, "change", diff(forge, mapped)),
    ]


def test_the_changes_page_says_in_english_what_the_history_says() -> None:
    """The site's summaries and titles are the history's (srm diff, the logs) in English,
    word for word, and name the same counts."""
    assert [(k, f"%(num)d {one}", f"%(num)d {many}") for k, one, many in SUMMARY_LABELS] == [
        (k, *forms) for k, forms in DIFF_PARTS
    ]
    for e in _entries():
        assert entry_summary(e, i18n.ENGLISH) == e.summary
        assert entry_title(e, i18n.ENGLISH) == e.title


def test_the_changes_page_summaries_follow_the_language() -> None:
    entries = _entries()
    de = [entry_summary(e, DE) for e in entries]
    assert de[2] == DE.ngettext(
        "This version did not validate (%(num)d error)",
        "This version did not validate (%(num)d errors)",
        1,
    ) % {"num": 1}
    assert de[4] == DE.gettext("The data file was removed in this commit")
    for text, english in zip(de, (e.summary for e in entries), strict=True):
        assert text != english
    assert entry_title(entries[-1], DE).endswith(DE.gettext("Not committed yet"))


_INVALID = Entry(
    Commit("c" * 40, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "Ann", "Break it", "x"),
    dt.date(2026, 3, 1),
    "invalid",
    None,
    error_count=2,
)


@pytest.mark.parametrize(
    ("history", "german"),
    [
        (
            History(reason="outside-git", detail="fatal: not a git repository"),
            "Die Datendatei liegt nicht in einem git-Checkout (fatal: not a git repository).",
        ),
        (
            History(reason="not-work-tree"),
            "Die Datendatei liegt nicht in einem git-Arbeitsverzeichnis.",
        ),
        (
            History(reason="git-failed", detail="a <b>"),
            "git ist fehlgeschlagen: a &lt;b&gt;",
        ),
        (
            History(reason="not-committed", detail="srm_data.yaml"),
            "srm_data.yaml wurde noch nicht in git committet",
        ),
        (
            History(entries=(_INVALID,), file="srm_data.yaml", limit=2, truncated=True),
            "Nur die letzten 2 Commits, die srm_data.yaml geändert haben, werden angezeigt",
        ),
        (History(entries=(_INVALID,), shallow=True), "Dieser Checkout ist flach"),
        (History(entries=(_INVALID,)), "Versionen, die nicht gültig waren"),
    ],
)
def test_the_changes_page_says_why_history_is_missing_or_partial_in_the_language(
    history: History, german: str
) -> None:
    srm = parse_model(FORGE_DATA.read_bytes())
    page = next(
        p for p in pages(srm, ViewOptions(history=history, labels=DE)) if p.src == "changes.md"
    )
    text = page.html
    assert german in text
    for english in ("not in a git", "has not been committed", "git failed", "Only the last"):
        assert english not in text
    assert ("Dieser Checkout ist flach" in text) == (history.shallow and not history.truncated)
