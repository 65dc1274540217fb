"""The CI templates: the GitHub Actions workflow and the GitLab CI file in
docs/publishing.md are valid YAML, trigger on the data file, and run only commands that
exist (srm sub-commands and options, make targets)."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from srm_handbook.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
PUBLISHING = ROOT / "docs" / "publishing.md"
SRM = ROOT / ".venv" / "bin" / "srm"


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    value = data["on"] if "on" in data else data[True]
    assert isinstance(value, dict)
    return value


def gitlab_ci() -> dict[str, Any]:
    text = PUBLISHING.read_text(encoding="utf-8")
    section = text[text.index("## GitLab CI") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    data = yaml.safe_load(block.group(1))
    assert isinstance(data, dict)
    return data


def commands(script: str) -> Iterator[list[str]]:
    """Each simple command of a shell script (lines, joined continuations, split at
    && || ; |), as words, without redirections."""
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        line = line.split(" #", 1)[0].strip()
        for part in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(part)
            while words and re.fullmatch(r"\w+=.*", words[0]):  # VAR=value command
                words.pop(0)
            cut = next((i for i, w in enumerate(words) if w.startswith((">", "<", "2>"))), None)
            words = words[:cut] if cut is not None else words
            if words:
                yield words


def workflow_runs() -> list[str]:
    return [
        step["run"]
        for job in workflow()["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]


def gitlab_scripts() -> list[str]:
    return [
        line
        for job in gitlab_ci().values()
        if isinstance(job, dict) and "script" in job
        for line in job["script"]
    ]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*):", text, re.M))


def srm_subcommands() -> set[str]:
    help_text = subprocess.run(
        [str(SRM), "--help"], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"^    (\w[\w-]*)\s", help_text, re.M))


def checked_commands(scripts: Iterable[str], known: tuple[set[str], set[str]]) -> list[str]:
    """Every srm and make command of ``scripts`` (each checked to exist)."""
    return [
        c
        for script in scripts
        for words in commands(script)
        if (c := check_command(words, *known)) is not None
    ]


def check_command(words: list[str], targets: set[str], subcommands: set[str]) -> str | None:
    """The command if it is an srm or make command (after checking it), else None."""
    program = Path(words[0]).name
    if program == "srm":
        assert words[1] in subcommands, words
        try:
            build_parser().parse_args(words[1:])
        except SystemExit as exc:  # argparse rejects unknown options and bad values
            raise AssertionError(f"srm rejects: {shlex.join(words)}") from exc
        return shlex.join(["srm", *words[1:]])
    if program == "make":
        goals = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        assert goals and set(goals) <= targets, words
        return shlex.join(words)
    return None


@pytest.fixture(scope="module")
def known() -> tuple[set[str], set[str]]:
    return make_targets(), srm_subcommands()


def test_the_help_lists_the_subcommands_the_templates_use(known: tuple[set[str], set[str]]) -> None:
    targets, subcommands = known
    assert {"validate", "diff", "build"} <= subcommands
    assert "build" in targets


def test_workflow_triggers_on_the_data_file() -> None:
    on = triggers(workflow())
    assert on["push"]["branches"] == ["main"]
    assert "srm_data.yaml" in on["push"]["paths"]
    assert "srm_data.yaml" in on["pull_request"]["paths"]
    assert "schedule" in on and "workflow_dispatch" in on


def test_workflow_jobs_validate_and_diff_pull_requests_and_deploy_main() -> None:
    jobs = workflow()["jobs"]
    check, build, deploy = jobs["check"], jobs["build"], jobs["deploy"]
    assert "github.event_name == 'pull_request'" in check["if"]
    assert "refs/heads/main" in build["if"] and "!= 'pull_request'" in build["if"]
    runs = " ".join(s.get("run", "") for s in check["steps"])
    assert "srm validate" in runs and "srm diff" in runs and "--format markdown" in runs
    assert "$GITHUB_STEP_SUMMARY" in runs
    assert any(s.get("run") == "make build" for s in build["steps"])
    uses = [s.get("uses", "") for job in jobs.values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the history page needs the whole history
    for job in (check, build):  # builds keep the history cache (extra.srm.cache_dir)
        cache = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@"))
        assert cache["with"]["path"] == ".cache/srm"
        assert cache["with"]["restore-keys"] == "srm-history-"
    assert deploy["needs"] == "build"
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow()["permissions"] == {"contents": "read"}


def test_every_srm_and_make_command_in_the_workflow_exists(
    known: tuple[set[str], set[str]],
) -> None:
    checked = checked_commands(workflow_runs(), known)
    assert "make build" in checked
    assert any(c.startswith("srm validate") for c in checked)
    assert any(c.startswith("srm diff --git") and "markdown" in c for c in checked)


def test_gitlab_template_is_valid_and_runs_existing_commands(
    known: tuple[set[str], set[str]],
) -> None:
    ci = gitlab_ci()
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert ci["cache"]["paths"] == [".cache/srm"]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    check_rules = ci["srm-check"]["rules"]
    assert any("srm_data.yaml" in r.get("changes", []) for r in check_rules)
    assert any("srm_data.yaml" in r.get("changes", []) for r in ci["pages"]["rules"])
    checked = checked_commands(gitlab_scripts(), known)
    assert "make build" in checked
    assert any(c.startswith("srm validate") for c in checked)
    assert any(c.startswith("srm diff --git") and "markdown" in c for c in checked)


def test_documented_srm_diff_examples_run(known: tuple[set[str], set[str]]) -> None:
    text = PUBLISHING.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    checked = checked_commands(blocks, known)
    assert len([c for c in checked if c.startswith("srm diff")]) == 5


def test_the_command_checker_rejects_what_does_not_exist(
    known: tuple[set[str], set[str]],
) -> None:
    with pytest.raises(AssertionError):
        check_command(["srm", "publish"], *known)
    with pytest.raises(AssertionError):
        check_command(["srm", "diff", "--format", "html"], *known)
    with pytest.raises(AssertionError):
        check_command(["make", "deploy"], *known)
    assert check_command(["echo", "hi"], *known) is None
