"""``srm init``: a new model from nothing validates, and with --mkdocs builds strictly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from srm_handbook.core.load import load_model

from ..conftest import build_site
from ..helpers import srm
from ..site_html import broken_links, read_page


def test_init_writes_a_valid_commented_model(tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = srm("init", target)
    assert result.returncode == 0, result.stderr
    data = target / "srm_data.yaml"
    text = data.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema/srm_data.schema.json\n")
    assert srm("validate", data).returncode == 0
    model = load_model(data)
    assert (len(model.parties), len(model.capabilities), len(model.responsibilities)) == (2, 2, 3)
    # every key of the model has a comment on its line or the line before it
    lines = text.splitlines()
    keys = {
        "schema", "title", "intro", "last_updated", "review_interval_days", "parties",
        "name", "possessive", "description", "capabilities", "status", "categories",
        "responsibilities", "category", "aliases", "owners", "duties", "text",
        "references", "url", "reviewed",
    }  # fmt: skip
    explained = set()
    for i, line in enumerate(lines):
        m = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if m and m.group(1) in keys and ("#" in line or lines[i - 1].lstrip().startswith("#")):
            explained.add(m.group(1))
    assert keys - explained <= {"url", "text", "name"}  # each explained where first used
    schema = json.loads((target / "schema" / "srm_data.schema.json").read_text("utf-8"))
    jsonschema.validate(yaml.safe_load(text.replace("schema: 1 ", "schema: 1 ")), schema)


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    data = tmp_path / "srm_data.yaml"
    data.write_text("mine\n", encoding="utf-8")
    result = srm("init", tmp_path)
    assert result.returncode == 2 and "--force" in result.stderr
    assert data.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "schema").exists()
    assert srm("init", tmp_path, "--force").returncode == 0
    assert load_model(data).title == "Example shared responsibility model"


def test_init_model_builds_in_this_projects_handbook(tmp_path: Path) -> None:
    """The starter model, as `srm init` writes it, builds with `mkdocs build --strict`
    (this repository's mkdocs.yml; the next test builds the project `--mkdocs` writes)."""
    assert srm("init", tmp_path / "new").returncode == 0
    result = build_site(tmp_path, tmp_path / "new" / "srm_data.yaml")
    matrix = read_page(result.site, "matrix/")
    assert {(c.responsibility, c.capability, c.owners) for c in matrix.cells} == {
        ("encryption-at-rest", "hosting", "platform"),
        ("encryption-at-rest", "storage", "platform you"),
        ("access-control", "hosting", "you"),
        ("access-control", "storage", "you"),
        ("backups", "hosting", "n/a"),
        ("backups", "storage", "platform"),
    }
    page = read_page(result.site, "responsibilities/encryption-at-rest/")
    assert {(d.party, d.capabilities) for d in page.duties} == {
        ("platform", "hosting storage"),
        ("you", "storage"),
    }


def test_init_mkdocs_project_builds_strictly(tmp_path: Path) -> None:
    # the starter's mkdocs.yml uses the package's `srm` MkDocs plugin (being added on main)
    pytest.importorskip("srm_handbook.mkdocs.plugin")
    target = tmp_path / "handbook"
    assert srm("init", target, "--mkdocs").returncode == 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=target,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    site = target / "site"
    matrix = read_page(site, "matrix/")
    assert {(c.responsibility, c.capability, c.owners) for c in matrix.cells} >= {
        ("encryption-at-rest", "storage", "platform you"),
        ("backups", "hosting", "n/a"),
    }
    assert (site / "srm.xlsx").exists()
    assert broken_links(site) == []
