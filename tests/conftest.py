"""Shared test helpers: build real sites with MkDocs into temporary directories."""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# The product's tests read fixtures: FORGE is a frozen copy of the Forge model for the
# tests that need known content. HANDBOOK_DATA, the repository's own data, which a team
# replaces with its model, is read only by the data checks (tests/handbook/test_handbook_data.py
# and every test marked `handbook_data`), which pass for any valid model.
FORGE = FIXTURES / "forge.yaml"
HANDBOOK_DATA = ROOT / "srm_data.yaml"


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    site: Path
    project: Path

    def page(self, url: str) -> str:
        """The HTML of a page by its URL path, e.g. ``matrix/``."""
        path = self.site / url
        if url == "" or url.endswith("/"):
            path = path / "index.html"
        return path.read_text(encoding="utf-8")


def make_project(
    tmp: Path,
    data: Path | str | None = None,
    srm_options: dict[str, Any] | None = None,
    config_overrides: dict[str, Any] | None = None,
) -> Path:
    """A copy of the repository's mkdocs.yml, hooks and docs in ``tmp`` with its own data
    (by default the frozen Forge model, :data:`FORGE`)."""
    project = tmp / "project"
    project.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs", project / "docs", dirs_exist_ok=True)
    shutil.copytree(ROOT / "hooks", project / "hooks", dirs_exist_ok=True)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    if srm_options and srm_options.get("prefix"):
        config.pop("nav", None)  # the repository's nav names the unprefixed pages
    if srm_options is not None:
        config.setdefault("extra", {}).setdefault("srm", {}).update(srm_options)
    if config_overrides:
        config.update(config_overrides)
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    target = project / "srm_data.yaml"
    if data is None:
        shutil.copy(FORGE, target)
    elif isinstance(data, Path):
        shutil.copy(data, target)
    else:
        target.write_text(data, encoding="utf-8")
    return project


def run_build(
    project: Path, site: Path | None = None, *extra: str, env: dict[str, str] | None = None
) -> BuildResult:
    """`mkdocs build --strict` in ``project``; ``env`` adds variables (e.g. SRM_DATA)."""
    site = site or project / "site"
    base = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    base.pop("SRM_DATA", None)
    env = {**base, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site), *extra],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return BuildResult(proc.returncode, proc.stdout, proc.stderr, site, project)


def build_site(tmp: Path, data: Path | str | None = None, **kwargs: Any) -> BuildResult:
    result = run_build(make_project(tmp, data, **kwargs))
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildResult]:
    """The handbook built from the frozen Forge model (:data:`FORGE`), once per session."""
    yield build_site(tmp_path_factory.mktemp("bundled"))


# --- Browser tests: Playwright for Python driving Debian's Chromium -------------------

CHROMIUM = os.environ.get("SRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1; yields the base URL (ending in /)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's, installed by `make test`), shared by the session."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized tab of its own (closed after the test)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def bundled_url(bundled_site: BuildResult) -> Iterator[str]:
    """The handbook of the frozen Forge model, served over HTTP."""
    with serve_directory(bundled_site.site) as url:
        yield url


@pytest.fixture
def artifacts() -> Path:
    """A git-ignored folder for screenshots and reports produced by tests."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
