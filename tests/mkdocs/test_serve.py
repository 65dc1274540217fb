"""`mkdocs serve`: a data edit rebuilds the site; invalid data stops it with located errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..conftest import FIXTURES, make_project, run_build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local server)
            body: bytes = response.read()
            return body.decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, needle: str, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = _get(url)
        if body is not None and needle in body:
            return True
        time.sleep(0.3)
    return False


def _serve(project: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_rebuilds_when_the_data_file_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    port = _free_port()
    server = _serve(project, port)
    try:
        url = f"http://127.0.0.1:{port}/responsibilities/tenant-safety/"
        assert _wait_for(url, '<h1 id="srm-title">Tenant safety</h1>')
        data = project / "srm_data.yaml"
        data.write_text(
            data.read_text("utf-8").replace("name: Tenant safety\n", "name: Tenant isolation\n"),
            encoding="utf-8",
        )
        assert _wait_for(url, '<h1 id="srm-title">Tenant isolation</h1>')
        # The exports made beside the pages (by a child process in a plain build) follow.
        assert _wait_for(f"http://127.0.0.1:{port}/srm.csv", "Tenant isolation")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_invalid_data_with_located_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path, FIXTURES / "forge_seed_transcription.yaml")
    server = _serve(project, _free_port())
    try:
        _, stderr = server.communicate(timeout=120)
    finally:
        server.kill()
    assert server.returncode != 0
    assert stderr.count("srm_data.yaml:") >= 8
    assert "srm_data.yaml:75:12: error: no duties listed for 'you'" in stderr
    assert "Traceback" not in stderr


def test_quiet_builds_print_no_progress_and_normal_builds_do(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    runs = {}
    for flag in ("-q", "-v"):
        result = run_build(project, project / f"site{flag}", flag)
        assert result.returncode == 0, result.stderr
        runs[flag] = result.stderr
    assert runs["-q"] == ""
    assert "srm: 19 responsibilities x 3 capabilities (57 cells)" in runs["-v"]
    assert "srm: own code" in runs["-v"]


def test_an_invalid_edit_while_serving_keeps_the_pages_and_shows_the_errors(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path)
    port = _free_port()
    server = _serve(project, port)
    data = project / "srm_data.yaml"
    valid = data.read_text("utf-8")
    try:
        url = f"http://127.0.0.1:{port}/responsibilities/tenant-safety/"
        assert _wait_for(url, '<h1 id="srm-title">Tenant safety</h1>')
        # An owner that is not a party, on line N: the banner names FILE:LINE:COL.
        broken = valid.replace("name: Tenant safety\n", "name: Tenant isolation\n", 1)
        broken = broken.replace("category: app-elements\n", "category: nowhere\n", 1)
        line = broken[: broken.index("category: nowhere")].count("\n") + 1
        data.write_text(broken, encoding="utf-8")
        assert _wait_for(url, "data-srm-errors")
        body = _get(url) or ""
        # The last valid version stays: the rename in the broken edit is not shown.
        assert '<h1 id="srm-title">Tenant safety</h1>' in body
        assert f"srm_data.yaml:{line}:" in body and "nowhere" in body
        assert "data-srm-errors" in (_get(f"http://127.0.0.1:{port}/matrix/") or "")
        # The next valid edit removes the banner and shows the new content.
        data.write_text(valid.replace("name: Tenant safety\n", "name: Tenant isolation\n", 1))
        assert _wait_for(url, '<h1 id="srm-title">Tenant isolation</h1>')
        assert "data-srm-errors" not in (_get(url) or "")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.poll() is not None
