"""The package as a user installs it: the wheel (not editable) in a fresh virtual
environment, with its dependencies from the registry as pinned in requirements.lock."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from srm_handbook.site import i18n

from .conftest import FORGE as FORGE_DATA
from .conftest import ROOT
from .mkdocs.host import (
    CLOUD,
    FORGE,
    generated_pages,
    host_handbook,
    mkdocs_build,
    reachable_from_nav,
)


def _not_sources(folder: str, names: list[str]) -> set[str]:
    top = {".git", ".venv", "site", "build", ".cache"} if Path(folder) == ROOT else set()
    return {
        n for n in names if n in top or n == "__pycache__" or n.endswith(("_cache", ".egg-info"))
    }


def build_wheel(out: Path) -> Path:
    """The wheel of a copy of the source tree (setuptools writes build/ into the tree)."""
    source = out / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=_not_sources,
    )
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)]
    subprocess.run(pip, check=True, capture_output=True)
    (wheel,) = out.glob("srm_handbook-*.whl")
    return wheel


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(tmp)
    env_dir = tmp / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "requirements.lock"),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        cwd=tmp,
    )
    return env_dir


def test_the_wheel_holds_every_file_of_the_package(tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(build_wheel(tmp_path)).namelist())
    package = ROOT / "srm_handbook"
    files = {
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert files - names == set()


def test_srm_from_the_wheel_runs_every_command(fresh_env: Path, tmp_path: Path) -> None:
    srm = fresh_env / "bin" / "srm"
    out = subprocess.run([str(srm), "--help"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    for command in ("validate", "export", "schema", "diff", "render", "build", "publish"):
        assert command in out.stdout
        helped = subprocess.run(
            [str(srm), command, "--help"], capture_output=True, text=True, check=False
        )
        assert helped.returncode == 0, helped.stderr
    valid = subprocess.run([str(srm), "validate", str(FORGE_DATA)], capture_output=True, text=True)
    assert valid.returncode == 0, valid.stderr
    rendered = subprocess.run(
        [str(srm), "render", "--out", str(tmp_path / "out"), str(FORGE_DATA)],
        capture_output=True,
        text=True,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "out" / "assets" / "srm" / "srm.js").is_file()
    where = subprocess.run(
        [
            str(fresh_env / "bin" / "python"),
            "-c",
            "import srm_handbook; print(srm_handbook.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert str(fresh_env) in where.stdout  # the installed copy, not this checkout


def test_a_host_handbook_builds_with_the_installed_plugin(fresh_env: Path, tmp_path: Path) -> None:
    project = host_handbook(tmp_path)
    result = mkdocs_build(project, python=str(fresh_env / "bin" / "python"))
    assert result.returncode == 0, result.stderr
    reached = reachable_from_nav(result.site)
    for model in (CLOUD, FORGE):
        pages = generated_pages(result.site, model.prefix)
        assert pages and pages <= reached
        assert json.loads((result.site / model.prefix / "srm.json").read_text("utf-8"))
    # In German, as the host's theme.language says.
    matrix = result.page(FORGE.prefix + "matrix/")
    assert i18n.labels("de").gettext("Responsibility matrix") in matrix
    assert "Responsibility matrix" not in matrix
    assert "srm.css" in matrix
    assert os.path.isfile(
        result.site / FORGE.prefix / "assets" / "srm" / "srm.js"
    ) or os.path.isfile(result.site / CLOUD.prefix / "assets" / "srm" / "srm.js")


def test_pip_install_from_a_git_url_brings_templates_assets_and_catalogues(
    tmp_path: Path,
) -> None:
    """``pip install git+URL`` builds from the repository's committed files, so every
    file the package needs must be tracked and declared (a clone of this checkout)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    target = tmp_path / "target"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            f"git+file://{clone}",
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    site = target / "srm_handbook" / "site"
    assert (site / "templates" / "matrix.html.j2").is_file()
    assert (site / "assets" / "srm.js").is_file()
    assert (site / "locales" / "de" / "LC_MESSAGES" / "srm.po").is_file()
    assert (target / "srm_handbook" / "cli" / "cmd_render.py").is_file()
