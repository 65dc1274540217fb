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
    (old / ".srm-build").write_text("made by srm build", encoding="utf-8")
    result = _srm_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "stale.html").exists()
    assert (site / ".srm-build").is_file()
    again = _srm_build(project)  # its own output is replaced again
    assert again.returncode == 0, again.stderr
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
    (site / ".srm-build").write_text("made by srm build", encoding="utf-8")
    result = _srm_build(project)
    assert result.returncode == 1
    assert "srm_data.yaml:75:12: error:" in result.stderr
    assert "site was left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in site.iterdir()) == [".srm-build", "index.html"]
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
        ("docs", "srm build did not make"),
        ("notes", "srm build did not make"),
    ):
        result = _srm_build(project, "--dest", dest)
        assert result.returncode == 2, dest
        assert result.stderr.startswith(f"srm build: error: {dest} "), result.stderr
        assert why in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before
    assert (project / "notes" / "plan.txt").read_text("utf-8") == "keep me"


def test_only_a_site_srm_build_made_is_replaced(tmp_path: Path) -> None:
    """A folder with a top-level index.html is not proof of a built site: a web app's
    folder must never be deleted. Only the marker srm build writes is."""
    project = make_project(tmp_path)
    app = project / "webapp"
    (app / "src").mkdir(parents=True)
    files = {
        "index.html": "<!doctype html><div id=app></div>",
        "package.json": "{}",
        ".env": "SECRET=1",
        "src/main.js": "console.log(1)",
        "404.html": "not found",
        "sitemap.xml": "<urlset/>",
    }
    for name, text in files.items():
        (app / name).write_text(text, encoding="utf-8")
    fake = tmp_path / "elsewhere-marker"
    fake.write_text("made by srm build", encoding="utf-8")
    for marker in (None, "link"):
        if marker == "link":  # a link named like the marker proves nothing
            (app / ".srm-build").symlink_to(fake)
        result = _srm_build(project, "--dest", "webapp")
        assert result.returncode == 2
        assert "srm build: error: webapp is a directory that srm build did not make" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr
        for name, text in files.items():
            assert (app / name).read_text("utf-8") == text
    empty = project / "empty"
    empty.mkdir()
    assert _srm_build(project, "--dest", "empty").returncode == 0
    assert (empty / ".srm-build").is_file()


def test_an_unwritable_destination_is_one_error_line(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "a-file").write_text("x", encoding="utf-8")
    # /proc refuses new entries even to root; a file cannot hold a directory.
    for dest in (f"/proc/srm-build-test-{os.getpid()}", "a-file/site"):
        result = _srm_build(project, "--dest", dest)
        assert result.returncode == 1, dest
        assert result.stderr.startswith("srm build: error: cannot write "), result.stderr
        assert f"{dest} was left as it was" in result.stderr
        assert "Traceback" not in result.stderr
