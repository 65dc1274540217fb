"""A build whose exports and part of whose pages a forked child made publishes the same
bytes as a build that made everything in one process (srm_handbook.background)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from ..conftest import FIXTURES, make_project, run_build

# The same build, with a second thread running: the plugin then never forks.
ONE_PROCESS = """
import sys, threading
threading.Thread(target=threading.Event().wait, daemon=True).start()
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--strict", "-d", sys.argv[1]]
cli()
"""


def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_forked_and_single_process_builds_publish_the_same_bytes(tmp_path: Path) -> None:
    project = make_project(tmp_path, FIXTURES / "forge_mapped.yaml")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}  # the sitemap's gzip header has a date
    forked = run_build(project, tmp_path / "forked", env=env)
    assert forked.returncode == 0, forked.stderr
    assert "a child process made the exports" in forked.stderr
    alone = subprocess.run(
        [sys.executable, "-c", ONE_PROCESS, str(tmp_path / "alone")],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert alone.returncode == 0, alone.stderr
    assert "own code" in alone.stderr and "child process" not in alone.stderr
    forked_tree, alone_tree = tree(tmp_path / "forked"), tree(tmp_path / "alone")
    assert sorted(forked_tree) == sorted(alone_tree)
    assert [name for name in forked_tree if forked_tree[name] != alone_tree[name]] == []
    assert {"srm.xlsx", "srm.oscal.json", "srm.csv"} <= set(forked_tree)


def in_process_build(project: Path, site: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cwd = Path.cwd()
    os.chdir(project)
    try:
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("valid", [True, False])
def test_the_collector_sees_everything_again_after_a_build(tmp_path: Path, valid: bool) -> None:
    """The plugin keeps the model out of the garbage collector's scans during a build
    (gc.freeze); a build, failed or not, gives the host process its collector back."""
    project = make_project(tmp_path)
    if not valid:
        data = project / "srm_data.yaml"
        data.write_text(data.read_text("utf-8").replace("schema: 1", "schema: 2"), "utf-8")
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    if valid:
        in_process_build(project, tmp_path / "site")
        assert (tmp_path / "site" / "srm.xlsx").is_file()
    else:
        with pytest.raises(Abort):  # what MkDocs raises for a PluginError
            in_process_build(project, tmp_path / "site")
    assert gc.get_freeze_count() == 0 and gc.isenabled()
