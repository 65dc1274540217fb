"""Change history from git: the "What changed" page and each row's "last changed" date,
built from temporary git repositories with several commits at fixed dates."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from srm_handbook.core.load import load_model, parse_model
from srm_handbook.history import git_history as history
from srm_handbook.history.git_history import load_history
from srm_handbook.site import i18n

from ..conftest import ROOT, BuildResult, make_project, run_build
from ..site_html import read_page, resolve
from .test_diff import base_model, commit_all, dump, git, make_repo

DATES = {
    "created": "2024-01-10T09:00:00+01:00",
    "shared": "2024-02-10T09:00:00+01:00",
    "broken": "2024-03-10T09:00:00+01:00",
    "added": "2024-04-10T09:00:00+01:00",
    "renamed": "2024-05-10T09:00:00+01:00",
}
HOSTILE_SUBJECT = "Rename authn <script>alert(1)</script> & co"


def versions() -> dict[str, dict[str, Any]]:
    """The data file at each commit of the scenario."""
    created = base_model()
    shared = copy.deepcopy(created)
    shared["responsibilities"]["authn"]["owners"]["triggers"] = ["platform", "you"]
    broken = copy.deepcopy(shared)
    broken["responsibilities"]["logging"]["owners"]["ui"] = "nobody"
    added = copy.deepcopy(shared)
    added["responsibilities"]["secrets"] = {
        "name": "Secrets management",
        "category": "app",
        "owners": {"ui": "n/a", "triggers": "you"},
        "duties": {"you": ["Keep trigger secrets in the secret store."]},
    }
    renamed = copy.deepcopy(added)
    rows = renamed["responsibilities"]
    row = rows.pop("authn")
    row["aliases"] = ["authn"]
    renamed["responsibilities"] = {"authentication": row, **rows}
    return {
        "created": created,
        "shared": shared,
        "broken": broken,
        "added": added,
        "renamed": renamed,
    }


@dataclass
class Scenario:
    repo: Path
    data: Path
    shas: dict[str, str]
    site: BuildResult


def commit_versions(repo: Path, data: Path) -> dict[str, str]:
    shas = {}
    for key, model in versions().items():
        data.write_text(dump(model), encoding="utf-8")
        message = HOSTILE_SUBJECT if key == "renamed" else f"Commit: {key}"
        commit_all(repo, message, DATES[key])
        shas[key] = git(repo, "rev-parse", "HEAD").strip()
    return shas


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """A handbook in a git repository: five commits of the data (one invalid), then an
    uncommitted edit in the working copy, built with mkdocs."""
    tmp = tmp_path_factory.mktemp("history")
    project = make_project(tmp)
    make_repo(project)
    data = project / "srm_data.yaml"
    shas = commit_versions(project, data)
    edited = versions()["renamed"]
    edited["responsibilities"]["logging"]["duties"]["platform"] = ["Keep audit logs for two years."]
    data.write_text(dump(edited), encoding="utf-8")
    site = run_build(project)
    assert site.returncode == 0, site.stderr
    yield Scenario(project, data, shas, site)


def _sections(page_html: str) -> list[str]:
    return re.findall(r"<section class=\"srm-change\".*?</section>", page_html, re.S)


def test_changes_page_lists_each_commit_newest_first(scenario: Scenario) -> None:
    sections = _sections(scenario.site.page("changes/"))
    commits = [re.search(r'data-commit="([^"]+)"', s).group(1) for s in sections]  # type: ignore[union-attr]
    s = scenario.shas
    assert commits == [
        "uncommitted",
        s["renamed"],
        s["added"],
        s["broken"],
        s["shared"],
        s["created"],
    ]
    dates = [re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", x).group(1) for x in sections]  # type: ignore[union-attr]
    assert dates[1:] == ["2024-05-10", "2024-04-10", "2024-03-10", "2024-02-10", "2024-01-10"]
    assert dates[0] == dt.date.today().isoformat()
    kinds = [re.search(r'data-srm-change="([^"]+)"', x).group(1) for x in sections]  # type: ignore[union-attr]
    assert kinds == ["change", "change", "change", "invalid", "change", "created"]


def test_each_entry_lists_its_changes_like_srm_diff(scenario: Scenario) -> None:
    sections = dict(
        zip(
            ["uncommitted", "renamed", "added", "broken", "shared", "created"],
            _sections(scenario.site.page("changes/")),
            strict=True,
        )
    )
    # The working copy: a reworded duty of Logging.
    assert (
        'data-srm-change-duty="reworded" data-responsibility="logging"' in sections["uncommitted"]
    )
    assert "Not committed yet" in sections["uncommitted"]
    # The rename, linked to the live page; the commit subject is escaped.
    renamed = sections["renamed"]
    assert 'data-srm-change-item="row-renamed" data-id="authentication"' in renamed
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in renamed
    assert "<script>alert" not in renamed
    # A row added in the first valid version after the broken one, compared with the last
    # valid version before it.
    assert 'data-srm-change-item="row-added" data-id="secrets"' in sections["added"]
    assert "1 responsibility added." in sections["added"]
    # The broken version says so, with its first error.
    broken = sections["broken"]
    assert "This version did not validate (1 error)" in broken
    assert re.search(r"srm_data\.yaml@[0-9a-f]{10}:\d+:\d+: error: unknown party", broken)
    # The ownership change: the id at the time, a link to the page as it is now.
    shared = sections["shared"]
    cell = re.search(r"<tr data-srm-change-cell[^>]*>.*?</tr>", shared, re.S)
    assert cell is not None
    assert 'data-responsibility="authn" data-capability="triggers"' in cell.group()
    assert 'href="../responsibilities/authentication/"' in cell.group()
    assert "<del>You</del>" in cell.group() and "<ins>Platform &amp; You</ins>" in cell.group()
    assert (
        "Started the model: 2 responsibilities, 2 capabilities, 2 parties." in sections["created"]
    )


def test_the_changes_page_follows_the_sites_language(tmp_path: Path) -> None:
    """Each entry's summary and the owners of a changed cell in the site's language."""
    theme = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["theme"]
    project = make_project(tmp_path, config_overrides={"theme": {**theme, "language": "de"}})
    make_repo(project)
    commit_versions(project, project / "srm_data.yaml")
    site = run_build(project)
    assert site.returncode == 0, site.stderr
    page = site.page("changes/")
    de = i18n.labels("de")
    invalid = de.ngettext(
        "This version did not validate (%(num)d error)",
        "This version did not validate (%(num)d errors)",
        1,
    )
    added = de.ngettext("%(num)d responsibility added", "%(num)d responsibilities added", 1)
    for text in (invalid % {"num": 1}, added % {"num": 1} + "."):
        assert text in page
    for english in ("This version did not validate", "responsibility added", "Started the model"):
        assert english not in page
    assert de.gettext("Started the model: %(size)s").split(":")[0] in page


def test_every_link_on_the_changes_page_resolves(scenario: Scenario) -> None:
    site = scenario.site.site
    info = read_page(site, "changes/")
    assert info.links
    for href in info.links:
        target, _ = resolve(site, "changes/", href)
        assert target is None or target.exists(), href
    # The table of contents has one entry per commit.
    assert f"#change-{scenario.shas['created'][:10]}" in scenario.site.page("changes/")


def test_responsibility_pages_show_when_their_row_last_changed(scenario: Scenario) -> None:
    def last_changed(rid: str) -> str:
        page = scenario.site.page(f"responsibilities/{rid}/")
        found = re.search(r'data-srm-last-changed="([^"]+)">Last changed <a href="([^"]+)"', page)
        assert found is not None, rid
        return f"{found.group(1)} {found.group(2)}"

    s = scenario.shas
    assert last_changed("authentication") == f"2024-05-10 ../../changes/#change-{s['renamed'][:10]}"
    assert last_changed("secrets") == f"2024-04-10 ../../changes/#change-{s['added'][:10]}"
    today = dt.date.today().isoformat()
    assert last_changed("logging") == f"{today} ../../changes/#change-uncommitted"
    assert "(not committed yet)" in scenario.site.page("responsibilities/logging/")


def test_history_limit_summarises_older_changes(scenario: Scenario, tmp_path: Path) -> None:
    config_path = scenario.repo / "mkdocs.yml"
    original = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["extra"]["srm"]["history_limit"] = 2
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    try:
        result = run_build(scenario.repo, tmp_path / "site")
    finally:
        config_path.write_text(original, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    page = result.page("changes/")
    kinds = [re.search(r'data-srm-change="([^"]+)"', x).group(1) for x in _sections(page)]  # type: ignore[union-attr]
    # The working copy and the last two commits; the commit before them did not validate,
    # so the oldest shown is where the history starts.
    assert kinds == ["change", "change", "start"]
    assert "Only the last 2 commits" in page
    assert "The history shown starts here: 3 responsibilities" in page
    assert 'data-srm-last-changed="2024-05-10"' in result.page("responsibilities/authentication/")
    secrets = result.page("responsibilities/secrets/")
    assert 'data-srm-last-changed="before 2024-04-10">Last changed on or before' in secrets


def test_the_oldest_entry_shown_is_compared_with_the_commit_before_it(tmp_path: Path) -> None:
    _, data, shas = _repo_with_versions(tmp_path)
    h = load_history(data, load_model(data), limit=3)
    assert [e.commit.sha for e in h.entries if e.commit] == [
        shas["renamed"],
        shas["added"],
        shas["broken"],
    ]
    assert [e.kind for e in h.entries] == ["change", "change", "invalid"]
    added = h.entries[1].diff
    assert added is not None and [r.id for r in added.rows_added] == ["secrets"]
    assert h.truncated and h.since == dt.date(2024, 2, 10)
    assert _changed(h, "secrets") == dt.date(2024, 4, 10)
    assert _changed(h, "logging") is None


def test_entries_are_in_the_nav_and_the_search_index(scenario: Scenario) -> None:
    nav = re.search(
        r'<a href="changes/" class="md-nav__link">(.*?)</a>', scenario.site.page(""), re.S
    )
    assert nav is not None and " ".join(re.sub("<[^>]+>", " ", nav.group(1)).split()) == (
        "What changed"
    )
    index = json.loads((scenario.site.site / "search" / "search_index.json").read_text("utf-8"))
    found = {d["location"]: d for d in index["docs"] if d["location"].startswith("changes/")}
    renamed = found[f"changes/#change-{scenario.shas['renamed'][:10]}"]
    assert (
        renamed["title"]
        == "2024-05-10: Rename authn &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    )
    assert renamed["text"] == "1 responsibility renamed"


def test_outside_git_the_page_says_so(bundled_site: BuildResult) -> None:
    page = bundled_site.page("changes/")
    assert 'data-srm-history="unavailable"' in page
    assert "not in a git checkout" in page
    assert "Last changed" not in bundled_site.page("responsibilities/authentication/")


def test_history_turned_off(tmp_path: Path) -> None:
    project = make_project(tmp_path, srm_options={"history": False})
    make_repo(project)
    commit_all(project, "all", DATES["created"])
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert 'data-srm-history="off"' in result.page("changes/")
    assert "Last changed" not in result.page("responsibilities/authentication/")


def test_bad_history_options_are_reported(tmp_path: Path) -> None:
    result = run_build(make_project(tmp_path, srm_options={"history_limit": 0}))
    assert result.returncode != 0
    assert "extra.srm.history_limit" in result.stderr
    assert "Traceback" not in result.stderr


# --- load_history without a site ---------------------------------------------------------


def _repo_with_versions(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    repo = make_repo(tmp_path / "repo")
    data = repo / "srm_data.yaml"
    return repo, data, commit_versions(repo, data)


def test_git_is_called_a_fixed_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data, _ = _repo_with_versions(tmp_path)
    calls: list[list[str]] = []
    parses: list[str] = []
    real_git, real_parse = history.run_git, parse_model

    def counting_git(args: list[str], cwd: str, stdin: bytes | None = None) -> bytes:
        calls.append(args)
        return real_git(args, cwd, stdin)

    def counting_parse(raw: bytes, source: str = "srm_data.yaml", base_dir: Any = None) -> Any:
        parses.append(source)
        return real_parse(raw, source, base_dir)

    history.clear_cache()
    monkeypatch.setattr(history, "run_git", counting_git)
    monkeypatch.setattr("srm_handbook.history.git_history.parse_model", counting_parse)
    current = load_model(data)
    first = load_history(data, current)
    assert len(first.entries) == 5
    # rev-parse, one log, one batch-check, one batch: however many commits there are.
    assert [c[0] for c in calls] == ["rev-parse", "log", "cat-file", "cat-file"], calls
    assert len(parses) <= 5  # each version at most once
    calls.clear()
    parses.clear()
    again = load_history(data, current)  # a rebuild of `mkdocs serve`: all cached
    assert [e.title for e in again.entries] == [e.title for e in first.entries]
    assert parses == []
    assert [c[0] for c in calls] == ["rev-parse", "log", "cat-file"]


def test_merged_branches_are_one_entry_on_the_first_parent_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    data = repo / "srm_data.yaml"
    model = base_model()
    data.write_text(dump(model), encoding="utf-8")
    commit_all(repo, "Add the model", "2024-01-01T12:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "feature")
    model["responsibilities"]["logging"]["name"] = "Audit logging"
    data.write_text(dump(model), encoding="utf-8")
    commit_all(repo, "feature: rename", "2024-01-02T12:00:00+00:00")
    model["responsibilities"]["logging"]["duties"]["platform"].append("Alert on gaps.")
    data.write_text(dump(model), encoding="utf-8")
    commit_all(repo, "feature: duty", "2024-01-03T12:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    (repo / "other.txt").write_text("x\n", encoding="utf-8")
    commit_all(repo, "Unrelated", "2024-01-04T12:00:00+00:00")
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge feature",
        date="2024-01-05T12:00:00+00:00",
    )
    h = load_history(data, load_model(data))
    assert [e.commit.subject for e in h.entries if e.commit] == ["Merge feature", "Add the model"]
    merged = h.entries[0].diff
    assert merged is not None
    assert [(f.field, f.after) for f in merged.fields] == [("name", "Audit logging")]
    assert [d.kind for d in merged.duties] == ["added"]


def test_the_file_is_followed_across_renames_and_deletions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "data").mkdir()
    old_path = repo / "data" / "model.yaml"
    old_path.write_text(dump(base_model()), encoding="utf-8")
    commit_all(repo, "Add", "2024-01-01T12:00:00+00:00")
    git(repo, "mv", "data/model.yaml", "srm_data.yaml")
    commit_all(repo, "Move", "2024-01-02T12:00:00+00:00")
    data = repo / "srm_data.yaml"
    model = base_model()
    model["title"] = "Moved model"
    data.write_text(dump(model), encoding="utf-8")
    commit_all(repo, "Retitle", "2024-01-03T12:00:00+00:00")
    h = load_history(data, load_model(data))
    assert [(e.commit.subject if e.commit else "", e.kind) for e in h.entries] == [
        ("Retitle", "change"),
        ("Move", "change"),
        ("Add", "created"),
    ]
    assert h.entries[1].diff is not None and h.entries[1].diff.empty
    assert h.entries[2].commit is not None and h.entries[2].commit.path == "data/model.yaml"
    assert h.entries[1].summary == "No change to the model (only comments, formatting or order)"


def test_shallow_clones_say_that_older_changes_are_missing(tmp_path: Path) -> None:
    repo, _, _ = _repo_with_versions(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    data = clone / "srm_data.yaml"
    h = load_history(data, load_model(data))
    assert [e.kind for e in h.entries] == ["change", "start"]
    assert h.shallow
    assert h.since == dt.date(2024, 4, 10)


def test_no_history_before_the_first_commit_or_outside_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    data = repo / "srm_data.yaml"
    data.write_text(dump(base_model()), encoding="utf-8")
    h = load_history(data, load_model(data))
    assert not h.available
    assert h.message is not None and "has not been committed to git yet" in h.message
    outside = tmp_path / "outside"
    outside.mkdir()
    plain = outside / "srm_data.yaml"
    plain.write_text(dump(base_model()), encoding="utf-8")
    h2 = load_history(plain, load_model(plain))
    assert h2.message is not None and "not in a git checkout" in h2.message
    assert _changed(h2, "authn") is None


# --- The history cache on disk (extra.srm.cache_dir) -------------------------------------


def _shown(h: history.History) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """What the "What changed" page shows of each entry (and each row's last change)."""
    return [(e.title, e.kind, e.summary, e.errors) for e in h.entries]


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parses: list[str] = []
    real_parse = parse_model

    def counting_parse(raw: bytes, source: str = "srm_data.yaml", base_dir: Any = None) -> Any:
        parses.append(source)
        return real_parse(raw, source, base_dir)

    monkeypatch.setattr("srm_handbook.history.git_history.parse_model", counting_parse)
    return parses


def test_the_next_build_reads_no_version_again_with_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data, _ = _repo_with_versions(tmp_path)
    cache = tmp_path / "cache"
    current = load_model(data)
    parses = _counting_parses(monkeypatch)
    history.clear_cache()
    first = load_history(data, current, cache_dir=cache)
    assert len(parses) == 5 and (cache / "history-srm_data.yaml.json").is_file()
    parses.clear()
    history.clear_cache()  # what a new process starts with
    again = load_history(data, current, cache_dir=cache)
    assert parses == []
    assert _shown(again) == _shown(first)
    assert [e.diff for e in again.entries] == [e.diff for e in first.entries]
    assert any(e.kind == "invalid" and e.errors for e in again.entries)
    for rid in ("authentication", "logging", "secrets"):
        assert _changed(again, rid) == _changed(first, rid)
    # Without the cache directory, every version is read again.
    history.clear_cache()
    assert _shown(load_history(data, current)) == _shown(first)
    assert len(parses) == 5


def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data, _ = _repo_with_versions(tmp_path)
    cache = tmp_path / "cache"
    path = cache / "history-srm_data.yaml.json"
    current = load_model(data)
    history.clear_cache()
    expected = _shown(load_history(data, current, cache_dir=cache))
    good = json.loads(path.read_text(encoding="utf-8"))
    foreign = copy.deepcopy(good)  # written by another version of the tool
    foreign["code"] = "0" * 64
    for diff_entry in foreign["diffs"]:
        diff_entry["diff"]["rows_added"] = [{"id": "forged", "name": "Forged row"}]
    damaged = [b"", b"{not json", b'{"code": 1}', json.dumps(foreign).encode()]
    parses = _counting_parses(monkeypatch)
    for content in damaged:
        path.write_bytes(content)
        history.clear_cache()
        parses.clear()
        assert _shown(load_history(data, current, cache_dir=cache)) == expected
        assert len(parses) == 5  # read again from git...
        assert json.loads(path.read_text(encoding="utf-8")) == good  # ...and kept again


def test_builds_keep_the_cache_beside_mkdocs_yml_unless_turned_off(
    scenario: Scenario, tmp_path: Path
) -> None:
    kept = scenario.repo / ".cache" / "srm" / "history-srm_data.yaml.json"
    assert kept.is_file()
    project = make_project(tmp_path, srm_options={"cache_dir": ""})
    make_repo(project)
    commit_all(project, "all", DATES["created"])
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert "Started the model" in result.page("changes/")
    assert not (project / ".cache").exists()


def test_an_unwritable_cache_does_not_fail_a_strict_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, srm_options={"cache_dir": "cache-file/srm"})
    (project / "cache-file").write_text("a file where the cache directory would go")
    make_repo(project)
    commit_all(project, "all", DATES["created"])
    result = run_build(project, None, "-v")
    assert result.returncode == 0, result.stderr
    assert "Started the model" in result.page("changes/")
    assert "cannot write the history cache" in result.stderr


def test_the_cache_file_holds_what_the_build_used_even_if_memory_was_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-memory caches are bounded and may be emptied in the middle of a build (a
    long `mkdocs serve` session); the file still gets every version and diff used."""
    _, data, _ = _repo_with_versions(tmp_path)
    cache = tmp_path / "cache"
    current = load_model(data)
    monkeypatch.setattr(history, "_CACHE_SIZE", 0)  # cleared at every new entry
    history.clear_cache()
    first = load_history(data, current, cache_dir=cache)
    kept = json.loads((cache / "history-srm_data.yaml.json").read_text("utf-8"))
    assert len(kept["versions"]) == 5
    assert len(kept["diffs"]) == sum(1 for e in first.entries if e.diff is not None)
    history.clear_cache()
    assert _shown(load_history(data, current, cache_dir=cache)) == _shown(first)


def _changed(h: history.History, rid: str) -> dt.date | None:
    """When the live row ``rid`` last changed, as its page says (the newest entry)."""
    entry = h.row_entry(rid)
    return entry.date if entry else None
