"""The data checks follow the data: on a copy of the repository whose srm_data.yaml is
another team's model (other parties, capabilities, categories and ids), they pass; after
an invalid edit, they fail and the failure names the problem.

This is what a team that forks the project sees in its CI: the product's tests read
fixtures, and the checks of srm_data.yaml (``pytest -m handbook_data``) pin no content.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import FIXTURES, ROOT
from ..helpers import edit, srm

OTHER_MODEL = FIXTURES / "kubernetes_platform.yaml"
MODEL_SCHEMA_PATH = "schema/srm_data.model.schema.json"
MODELINE = f"# yaml-language-server: $schema={MODEL_SCHEMA_PATH}\n"
LEFT_OUT = [".git", ".venv", "site", ".site-*", ".cache", "*_cache", "test-artifacts"]
LEFT_OUT += ["node_modules", "*.egg-info"]


def _data_checks(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "handbook_data", "-q", "-p", "no:cacheprovider"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_data_checks_pass_for_another_model_and_name_its_mistake(tmp_path: Path) -> None:
    repo = tmp_path / "fork"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(*LEFT_OUT))
    body = OTHER_MODEL.read_text(encoding="utf-8").split("\n", 1)[1]
    data = repo / "srm_data.yaml"
    data.write_text(MODELINE + body, encoding="utf-8")
    # what `make schema` does after the declarations change
    made = srm("schema", "--for", "srm_data.yaml", "-o", MODEL_SCHEMA_PATH, cwd=repo)
    assert made.returncode == 0, made.stderr

    passed = _data_checks(repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert " passed" in passed.stdout and "failed" not in passed.stdout, passed.stdout

    broken = edit(data.read_text(encoding="utf-8"), "ingress: n/a", "ingress: platfrom-team")
    data.write_text(broken, encoding="utf-8")
    failed = _data_checks(repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    line = broken[: broken.index("platfrom-team")].count("\n") + 1
    expected = f"srm_data.yaml:{line}:16: error: unknown party 'platfrom-team'"
    assert expected in failed.stdout, failed.stdout
    assert "FAILED tests/handbook/test_handbook_data.py::test_the_data_is_valid" in failed.stdout
