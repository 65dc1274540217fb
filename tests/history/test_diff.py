"""``srm diff``: what changed between two versions of the data (text, JSON, Markdown,
--fail-on, --git), run as the command a reviewer or CI runs."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import cmarkgfm
import yaml
from cmarkgfm.cmark import Options

from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.history.model_diff import diff, md_escape, one_line, to_markdown, to_text

from ..helpers import srm

ROOT = Path(__file__).resolve().parents[2]


def base_model() -> dict[str, Any]:
    """A small valid model: two parties, two capabilities, two rows."""
    return {
        "schema": 1,
        "title": "Test model",
        "parties": {"platform": {"name": "Platform"}, "you": {"name": "You", "possessive": "Your"}},
        "capabilities": {"ui": {"name": "UI"}, "triggers": {"name": "Triggers"}},
        "categories": {"app": {"name": "App"}},
        "responsibilities": {
            "authn": {
                "name": "Authentication",
                "category": "app",
                "owners": {"ui": "platform", "triggers": "you"},
                "duties": {
                    "platform": ["Authenticate every UI request before it reaches the app."],
                    "you": ["Authenticate every call to a trigger with a shared secret."],
                },
            },
            "logging": {
                "name": "Logging",
                "category": "app",
                "owners": {"ui": "platform", "triggers": "platform"},
                "duties": {"platform": ["Keep audit logs for a year."]},
            },
        },
    }


def dump(model: dict[str, Any]) -> str:
    return yaml.safe_dump(model, sort_keys=False, allow_unicode=True)


def write(path: Path, model: dict[str, Any]) -> Path:
    path.write_text(dump(model), encoding="utf-8")
    return path


def parse(model: dict[str, Any]) -> Srm:
    return parse_model(dump(model).encode(), "test.yaml")


def two_files(tmp_path: Path, new: dict[str, Any]) -> tuple[Path, Path]:
    return write(tmp_path / "old.yaml", base_model()), write(tmp_path / "new.yaml", new)


# --- Cells and --fail-on -------------------------------------------------------------------


def test_a_changed_cell_shows_owners_before_and_after(tmp_path: Path) -> None:
    new = base_model()
    new["responsibilities"]["authn"]["owners"]["triggers"] = ["platform", "you"]
    new["responsibilities"]["authn"]["duties"]["platform"] = [
        {
            "text": "Authenticate every UI request before it reaches the app.",
            "capabilities": ["ui"],
        },
        {"text": "Verify trigger signatures.", "capabilities": ["triggers"]},
    ]
    old, new_path = two_files(tmp_path, new)
    result = srm("diff", old, new_path)
    assert result.returncode == 0, result.stderr
    assert "authn x triggers: You -> Platform & You" in result.stdout
    assert "1 ownership cell" in result.stdout.splitlines()[0]

    gated = srm("diff", old, new_path, "--fail-on", "owners")
    assert gated.returncode == 1
    assert "the owners of 1 cell changed" in gated.stderr
    assert "authn x triggers" in gated.stdout  # the report is still printed


def test_fail_on_owners_passes_when_only_duties_changed(tmp_path: Path) -> None:
    new = base_model()
    new["responsibilities"]["logging"]["duties"]["platform"].append("Alert on log gaps.")
    old, new_path = two_files(tmp_path, new)
    assert srm("diff", old, new_path, "--fail-on", "owners").returncode == 0
    anything = srm("diff", old, new_path, "--fail-on", "any")
    assert anything.returncode == 1
    assert "1 duty" in anything.stderr


def test_identical_versions_report_no_changes(tmp_path: Path) -> None:
    old, new_path = two_files(tmp_path, base_model())
    for fmt in ("text", "markdown"):
        result = srm("diff", old, new_path, "--format", fmt, "--fail-on", "any")
        assert result.returncode == 0
        assert "no changes" in result.stdout
    data = json.loads(srm("diff", old, new_path, "--format", "json").stdout)
    assert set(data["summary"].values()) == {0}


# --- Duties --------------------------------------------------------------------------------


def test_duties_added_removed_reworded_and_rescoped() -> None:
    new = base_model()
    rows = new["responsibilities"]
    rows["authn"]["duties"]["you"] = [
        # reworded: most words kept
        "Authenticate every call to a trigger with a signed token.",
        # added: nothing like it before
        "Rotate trigger URLs after an incident.",
    ]
    # removed: Logging's only duty goes, another one replaces it with different words
    rows["logging"]["duties"]["platform"] = ["Ship logs to the customer's SIEM."]
    # re-scoped: same text, now applies to one capability only (still covering both)
    rows["authn"]["owners"]["triggers"] = ["platform", "you"]
    rows["authn"]["duties"]["platform"] = [
        {
            "text": "Authenticate every UI request before it reaches the app.",
            "capabilities": ["ui"],
        },
        {"text": "Check trigger signatures.", "capabilities": ["triggers"]},
    ]
    d = diff(parse(base_model()), parse(new))
    kinds = sorted((x.responsibility, x.party, x.kind) for x in d.duties)
    assert kinds == [
        ("authn", "platform", "added"),
        ("authn", "you", "added"),
        ("authn", "you", "reworded"),
        ("logging", "platform", "added"),
        ("logging", "platform", "removed"),
    ]
    reworded = next(x for x in d.duties if x.kind == "reworded")
    assert reworded.before == "Authenticate every call to a trigger with a shared secret."
    assert reworded.after == "Authenticate every call to a trigger with a signed token."
    # The platform's unscoped UI duty became scoped to UI only: same capabilities, no change.
    assert not any(x.kind == "rescoped" for x in d.duties)


def test_a_duty_applying_to_more_capabilities_is_rescoped(tmp_path: Path) -> None:
    new = base_model()
    new["responsibilities"]["authn"]["owners"]["triggers"] = ["platform", "you"]
    old, new_path = two_files(tmp_path, new)
    out = srm("diff", old, new_path).stdout
    assert "authn, Platform: now applies to other capabilities" in out
    assert "before: UI" in out
    assert "after:  UI, Triggers" in out


# --- Rows, parties, capabilities -----------------------------------------------------------


def test_a_rename_is_a_row_whose_old_id_is_in_aliases(tmp_path: Path) -> None:
    new = base_model()
    rows = new["responsibilities"]
    row = rows.pop("authn")
    row["aliases"] = ["authn"]
    row["owners"]["ui"] = "you"
    row["duties"]["you"].append({"text": "Authenticate UI users.", "capabilities": ["ui"]})
    row["duties"]["platform"] = None
    del row["duties"]["platform"]
    new["responsibilities"] = {"authentication": row, **rows}
    old, new_path = two_files(tmp_path, new)
    result = srm("diff", old, new_path, "--format", "json")
    data = json.loads(result.stdout)
    assert data["rows_renamed"] == [
        {"old_id": "authn", "new_id": "authentication", "name": "Authentication"}
    ]
    assert data["rows_added"] == [] and data["rows_removed"] == []
    # Cells are compared across the rename.
    assert [
        (c["responsibility"], c["capability"], c["before"], c["after"]) for c in data["cells"]
    ] == [("authentication", "ui", ["platform"], ["you"])]
    text = srm("diff", old, new_path).stdout
    assert "~ authn -> authentication: Authentication" in text


def test_a_row_removed_without_alias_is_removed_and_added(tmp_path: Path) -> None:
    new = base_model()
    new["responsibilities"]["authentication"] = new["responsibilities"].pop("authn")
    old, new_path = two_files(tmp_path, new)
    data = json.loads(srm("diff", old, new_path, "--format", "json").stdout)
    assert data["rows_added"] == [{"id": "authentication", "name": "Authentication"}]
    assert data["rows_removed"] == [{"id": "authn", "name": "Authentication"}]
    assert data["rows_renamed"] == [] and data["cells"] == []


def test_parties_capabilities_and_categories_added_and_removed(tmp_path: Path) -> None:
    new = base_model()
    new["parties"]["vendor"] = {"name": "Vendor"}
    new["capabilities"] = {"ui": {"name": "UI"}, "storage": {"name": "Storage"}}
    new["categories"]["ops"] = {"name": "Operations"}
    for row in new["responsibilities"].values():
        row["owners"].pop("triggers")
        row["owners"]["storage"] = "vendor"
        row["duties"]["vendor"] = ["Encrypt stored data."]
    new["responsibilities"]["authn"]["duties"]["you"] = None
    del new["responsibilities"]["authn"]["duties"]["you"]
    new["responsibilities"]["logging"]["category"] = "ops"
    old, new_path = two_files(tmp_path, new)
    data = json.loads(srm("diff", old, new_path, "--format", "json").stdout)
    assert data["parties_added"] == [{"id": "vendor", "name": "Vendor"}]
    assert data["parties_removed"] == []
    assert data["capabilities_added"] == [{"id": "storage", "name": "Storage"}]
    assert data["capabilities_removed"] == [{"id": "triggers", "name": "Triggers"}]
    assert data["categories_added"] == [{"id": "ops", "name": "Operations"}]
    cells = {(c["responsibility"], c["capability"]): c for c in data["cells"]}
    assert cells[("authn", "storage")]["before"] is None
    assert cells[("authn", "storage")]["before_label"] == "(new capability)"
    assert cells[("authn", "storage")]["after_label"] == "Vendor"
    assert cells[("authn", "triggers")]["after"] is None
    assert cells[("authn", "triggers")]["after_label"] == "(capability removed)"
    moved = [f for f in data["fields"] if f["field"] == "category"]
    assert moved == [
        {
            "kind": "responsibility",
            "id": "logging",
            "name": "Logging",
            "field": "category",
            "before": "App",
            "after": "Operations",
        }
    ]
    assert data["owners_changed"] is True
    assert srm("diff", old, new_path, "--fail-on", "owners").returncode == 1


def test_edits_to_parties_capabilities_and_categories_are_field_changes() -> None:
    new = base_model()
    new["parties"]["you"]["possessive"] = "The developer's"
    new["parties"]["platform"]["name"] = "The platform"
    new["capabilities"]["triggers"]["status"] = "beta"
    new["categories"]["app"]["description"] = "Parts of the app."
    d = diff(parse(base_model()), parse(new))
    assert [(f.kind, f.id, f.name, f.field, f.before, f.after) for f in d.fields] == [
        ("party", "platform", "The platform", "name", "Platform", "The platform"),
        ("party", "platform", "The platform", "possessive", "Platform's", "The platform's"),
        ("party", "you", "You", "possessive", "Your", "The developer's"),
        ("capability", "triggers", "Triggers", "status", None, "beta"),
        ("category", "app", "App", "description", None, "Parts of the app."),
    ]


def test_review_dates_and_descriptions_are_other_edits(tmp_path: Path) -> None:
    new = base_model()
    new["review_interval_days"] = 90
    new["responsibilities"]["logging"]["reviewed"] = "2024-05-02"
    new["responsibilities"]["logging"]["description"] = "Who keeps which logs."
    old, new_path = two_files(tmp_path, new)
    out = srm("diff", old, new_path).stdout
    assert "document: review_interval_days: (none) -> 90" in out
    assert "responsibility logging: reviewed: (none) -> 2024-05-02" in out
    assert "responsibility logging: description: (none) -> Who keeps which logs." in out


# --- Markdown for review comments ----------------------------------------------------------

HOSTILE = (
    "Evil | pipe <script>alert(1)</script> **bold** [click](javascript:alert(1)) "
    "<img src=x onerror=alert(1)> @octocat ![pic](https://example.com/p.png) `code` &amp; $x$"
)
HOSTILE_DUTY = "Line one\n\n# Heading\n\n<details open>hidden</details>\n- item | cell"


def _hostile_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    old = base_model()
    new = copy.deepcopy(old)
    row = new["responsibilities"]["authn"]
    row["name"] = HOSTILE
    row["owners"]["triggers"] = ["platform", "you"]
    new["parties"]["you"]["name"] = "You | <b>x</b>"
    row["duties"]["you"] = [HOSTILE_DUTY]
    return old, new


def _render_github(markdown: str) -> str:
    """GitHub's own Markdown (cmark-gfm with its extensions), raw HTML allowed: what
    remains safe here is safe because of the escaping, not because of a sanitiser."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def _text(rendered: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def test_markdown_escapes_hostile_texts() -> None:
    old, new = _hostile_pair()
    markdown = to_markdown(diff(parse(old), parse(new)), "old.yaml", "new.yaml")
    rendered = _render_github(markdown)
    # No tag, link, image or heading comes from the data.
    for tag in ("<script", "<img", "<details", "<b>", "<h1", "<code>code", "<strong>bold"):
        assert tag not in rendered, tag
    tags = re.findall(r"<[^>]*>", rendered)
    assert not [t for t in tags if re.match(r"</?(a|img|script|details)\b", t) or "=" in t]
    # The table keeps its four columns in every row.
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
    assert rows and all(len(re.findall(r"<t[hd]\b", r)) == 4 for r in rows)
    # The texts are shown literally, on one line; @mentions are defused.
    text = _text(rendered)
    shown = HOSTILE.replace("@octocat", "@\u200boctocat")
    assert shown in text
    assert "Line one # Heading <details open>hidden</details> - item | cell" in text
    assert "@octocat" not in text


def test_md_escape_is_idempotent_under_rendering() -> None:
    samples = ["a_b_c", "1. not a list", "> not a quote", "\\*", "[x]: http://x", "~~x~~", "a\tb"]
    for sample in samples:
        assert _text(_render_github(md_escape(sample))) == " ".join(sample.split())


def test_cli_markdown_output(tmp_path: Path) -> None:
    old, new = _hostile_pair()
    old_path, new_path = write(tmp_path / "old.yaml", old), write(tmp_path / "new.yaml", new)
    result = srm("diff", old_path, new_path, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("### SRM changes: ")
    assert "#### Ownership changes" in result.stdout
    assert "\\<script>" in result.stdout  # escaped: shown as text once rendered
    assert "<script" not in _render_github(result.stdout)


# --- --git ---------------------------------------------------------------------------------


def git(repo: Path, *args: str, date: str = "2024-01-01T12:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ann Example",
        "GIT_AUTHOR_EMAIL": "ann@example.com",
        "GIT_COMMITTER_NAME": "Ann Example",
        "GIT_COMMITTER_EMAIL": "ann@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


def test_git_revision_against_the_working_copy(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    write(repo / "srm_data.yaml", base_model())
    commit_all(repo, "first", "2024-01-01T12:00:00+00:00")
    changed = base_model()
    changed["responsibilities"]["logging"]["owners"]["triggers"] = "you"
    changed["responsibilities"]["logging"]["duties"]["you"] = ["Log trigger calls."]
    write(repo / "srm_data.yaml", changed)
    commit_all(repo, "second", "2024-02-01T12:00:00+00:00")
    # The working copy is the second commit: HEAD shows nothing, HEAD~1 the change.
    assert "no changes" in srm("diff", "--git", "HEAD", cwd=repo).stdout
    result = srm("diff", "--git", "HEAD~1", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("srm_data.yaml@HEAD~1 -> srm_data.yaml:")
    assert "logging x triggers: Platform -> You" in result.stdout
    # An uncommitted edit shows against HEAD; FILE may be given, from another directory.
    changed["responsibilities"]["logging"]["name"] = "Audit logging"
    write(repo / "srm_data.yaml", changed)
    out = srm("diff", "--git", "HEAD", "repo/srm_data.yaml", cwd=tmp_path).stdout
    assert "responsibility logging: name: Logging -> Audit logging" in out


def test_git_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    write(repo / "srm_data.yaml", base_model())
    commit_all(repo, "first", "2024-01-01T12:00:00+00:00")
    unknown = srm("diff", "--git", "no-such-branch", cwd=repo)
    assert unknown.returncode == 2
    assert "no-such-branch: unknown revision" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside / "srm_data.yaml", base_model())
    not_git = srm("diff", "--git", "HEAD", cwd=outside)
    assert not_git.returncode == 2
    assert "not a git repository" in not_git.stderr
    assert "Traceback" not in not_git.stderr


def test_file_missing_at_the_revision_counts_as_added(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "README").write_text("hello\n", encoding="utf-8")
    commit_all(repo, "readme", "2024-01-01T12:00:00+00:00")
    write(repo / "srm_data.yaml", base_model())
    result = srm("diff", "--git", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "did not exist at HEAD" in result.stderr
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["rows_added"]] == ["authn", "logging"]
    assert [p["id"] for p in data["parties_added"]] == ["platform", "you"]


def test_an_invalid_version_at_the_revision_is_reported_with_its_position(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    broken = base_model()
    broken["responsibilities"]["logging"]["owners"]["triggers"] = "nobody"
    write(repo / "srm_data.yaml", broken)
    commit_all(repo, "broken", "2024-01-01T12:00:00+00:00")
    write(repo / "srm_data.yaml", base_model())
    result = srm("diff", "--git", "HEAD", cwd=repo)
    assert result.returncode == 1
    assert re.search(
        r"^srm_data\.yaml@HEAD:\d+:\d+: error: unknown party 'nobody'", result.stderr, re.M
    )
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", base_model())
    one = srm("diff", old)
    assert one.returncode == 2 and "give two files" in one.stderr
    three = srm("diff", "--git", "HEAD", old, old)
    assert three.returncode == 2 and "at most one FILE" in three.stderr
    missing = srm("diff", old, tmp_path / "nope.yaml")
    assert missing.returncode == 2 and "cannot read the file" in missing.stderr
    bad_format = srm("diff", old, old, "--format", "html")
    assert bad_format.returncode == 2


def test_diff_is_listed_in_srm_help() -> None:
    result = srm("--help")
    assert re.search(r"^\s+diff\s+show what changed", result.stdout, re.M)
    assert "--fail-on" in srm("diff", "--help").stdout


def _everyday_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """Edits a team makes every day, in texts with the punctuation of ordinary prose and
    a little Markdown of the kind duty texts hold."""
    old = base_model()
    new = copy.deepcopy(old)
    new["parties"]["partner"] = {"name": "Partner (EU)"}
    new["capabilities"]["api"] = {"name": "Public API v2.1"}
    for row in new["responsibilities"].values():
        row["owners"]["api"] = "platform"
    authn = new["responsibilities"]["authn"]
    authn["name"] = "Authentication: tokens, keys & sessions"
    authn["owners"]["triggers"] = ["platform", "you"]
    authn["duties"]["platform"] = [
        "Authenticate every UI request before it reaches the app; limit by performance, security.",
    ]
    authn["duties"]["you"] = [
        "Rotate `client_secret` every 90 days (see the *Secrets* guide), e.g. with "
        "my_rotate_tool -- never by hand! Cost: 5 $ per 100 calls, 50% off.",
        "- Tell us within 24 h. # Not a heading",
    ]
    new["responsibilities"]["logging"]["duties"]["platform"] = [
        "Keep audit logs for a year; report gaps to security@example.com."
    ]
    new["responsibilities"]["logging"]["description"] = "Who keeps which logs: 1. audit, 2. app."
    new["responsibilities"]["incident-response"] = {
        "name": "Incident response #1",
        "category": "app",
        "owners": {"ui": "platform", "triggers": "you", "api": "partner"},
        "duties": {
            "platform": ["Page the on-call engineer."],
            "you": ["Tell us within 24 h."],
            "partner": ["Call us."],
        },
    }
    return old, new


def _texts_of(d: Any) -> list[str]:
    """Every text from the data that the diff shows."""
    texts = [
        x.name for group in (d.parties_added, d.capabilities_added, d.rows_added) for x in group
    ]
    for c in d.cells:
        texts += [c.responsibility_name, c.capability_name, c.before_label, c.after_label]
    for x in d.duties:
        texts += [x.responsibility_name, x.party_name, x.before or "", x.after or ""]
    texts += [v for f in d.fields for v in (f.before, f.after) if v is not None]
    return [t for t in texts if t]


def test_rendered_markdown_reads_like_the_text_output() -> None:
    """The Markdown output, rendered as GitHub renders it, shows each text from the data
    exactly as the text output does, and its raw form escapes only what Markdown would
    read as markup (a CI log shows it raw)."""
    old, new = _everyday_pair()
    d = diff(parse(old), parse(new))
    text_output = to_text(d, "old.yaml", "new.yaml")
    markdown = to_markdown(d, "old.yaml", "new.yaml")
    rendered = _render_github(markdown)
    # the one intended difference: a zero-width space after @, so no one is @mentioned
    rendered_text = _text(rendered).replace("@\u200b", "@")
    texts = _texts_of(d)
    assert len(texts) > 15
    for value in texts:
        shown = one_line(value)
        assert shown in text_output, shown
        assert shown in rendered_text, (shown, rendered_text)
    # Nothing from the data became markup: the only tags are the output's own.
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    own = {"h3", "h4", "p", "strong", "em", "del", "code", "ul", "li"}
    assert tags <= own | {"table", "thead", "tbody", "tr", "th", "td"}
    assert set(re.findall(r"<em>(.*?)</em>", rendered)) <= {"(none)"}
    ids = {"authn", "logging", "incident-response", "partner", "api"}
    assert set(re.findall(r"<code>(.*?)</code>", rendered)) <= ids
    assert "limit by performance, security." in markdown  # no backslash in plain prose
    assert "Authentication: tokens, keys & sessions" in markdown
    assert "my_rotate_tool -- never by hand! Cost: 5 \\$ per 100 calls, 50% off." in markdown
    assert "\\`client_secret\\`" in markdown and "\\*Secrets\\*" in markdown
    assert "security@\u200bexample.com" in markdown  # no @mention, no mail link
    assert "\\- Tell us within 24 h. # Not a heading" in markdown  # not a nested list
