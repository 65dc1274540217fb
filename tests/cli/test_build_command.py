"""`srm build` (what `make build` runs): a good build replaces the site, a bad one never does."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from ..conftest import FIXTURES, make_project
from ..helpers import srm


def _srm_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return srm("build", "-q", *args, cwd=project)


def test_build_replaces_the_site_and_leaves_it_readable(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    old = project / "site"
    old.mkdir()
    (old / "index.html").write_text("an older build", encoding="utf-8")
    (old / "stale.html").write_text("from an older build", encoding="utf-8")
    result = _srm_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "stale.html").exists()
    assert "Responsibility matrix" in (site / "matrix" / "index.html").read_text("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(site.stat().st_mode) == 0o777 & ~umask
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_failed_build_keeps_the_published_site(tmp_path: Path) -> None:
    project = make_project(tmp_path, FIXTURES / "forge_seed_transcription.yaml")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site", encoding="utf-8")
    result = _srm_build(project)
    assert result.returncode == 1
    assert "srm_data.yaml:75:12: error:" in result.stderr
    assert "site was left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text("utf-8") == "the good site"
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_destination_that_links_elsewhere_is_built_through(tmp_path: Path) -> None:
    """Only a link made by `srm publish` (into DEST.releases/) is refused; a link to a
    served folder is rebuilt like before."""
    project = make_project(tmp_path)
    served = tmp_path / "www"
    served.mkdir()
    (project / "site").symlink_to(served)
    result = _srm_build(project)
    assert result.returncode == 0, result.stderr
    assert (served / "matrix" / "index.html").is_file()
    assert (project / "site").is_symlink()


def test_a_destination_holding_the_project_or_sources_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "notes").mkdir()
    (project / "notes" / "plan.txt").write_text("keep me", encoding="utf-8")
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    for dest, why in (
        (".", "holds"),
        ("..", "holds"),
        ("docs", "does not look like a built site"),
        ("notes", "does not look like a built site"),
    ):
        result = _srm_build(project, "--dest", dest)
        assert result.returncode == 2, dest
        assert result.stderr.startswith(f"srm build: error: {dest} "), result.stderr
        assert why in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before
    assert (project / "notes" / "plan.txt").read_text("utf-8") == "keep me"
