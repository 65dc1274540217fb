"""Helpers shared by the data-core tests: a small valid model, edits to it, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from srm_handbook.core import strict_yaml

from .conftest import ROOT

# A small valid model. Line numbers matter: tests point at them.
BASE = """\
schema: 1
title: Test model
parties:
  atlassian:
    name: Atlassian
  you:
    name: You
capabilities:
  custom-ui:
    name: Custom UI
  web-triggers:
    name: Web triggers
categories:
  app:
    name: App elements
responsibilities:
  authentication:
    name: Authentication
    category: app
    owners:
      custom-ui: atlassian
      web-triggers: you
    duties:
      atlassian:
        - Authenticate the user.
      you:
        - Authenticate every web trigger call.
"""


# BASE with a second row (in the same category, n/a for web triggers).
TWO_ROWS = (
    BASE
    + """\
  authorization:
    name: Authorization
    category: app
    owners:
      custom-ui: atlassian
      web-triggers: n/a
    duties:
      atlassian:
        - Check permissions.
"""
)


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.+)$")


def srm(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the ``srm`` command as a user would (no SRM_DATA from the calling shell)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
        check=False,
    )


def as_editors_read_it(text: str) -> dict[str, Any]:
    """A data file as a YAML editor reads it, for checking it against a JSON Schema: the
    strict reader keeps every scalar as text, so the non-text scalars (`schema: 1`,
    `plural: true`) are typed as YAML 1.2 types them."""
    parsed = strict_yaml.parse(text)
    assert parsed.problems == [], parsed.problems
    data: dict[str, Any] = dict(parsed.data)
    data["schema"] = 1
    for party in data.get("parties", {}).values():
        if isinstance(party, dict) and party.get("plural") in ("true", "false"):
            party["plural"] = party["plural"] == "true"
    return data
