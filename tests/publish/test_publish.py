"""``srm publish``: the live site only ever changes from one complete, checked build to
another, in one atomic step; a failed build or check, or a kill at any moment, leaves it
exactly as it was; ``--rollback`` restores the previous build.

Every test runs the real command in a subprocess on a copy of the project, and compares
what the live path serves (every file's bytes) before and after.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from srm_handbook.core.load import load_model
from srm_handbook.core.synthetic import generate
from srm_handbook.publish.releases import Releases
from srm_handbook.site import exports as export
from srm_handbook.site.check import check_site
from srm_handbook.site.paths import SitePaths

from ..conftest import FORGE, make_project
from ..helpers import srm

SRM = [sys.executable, "-m", "srm_handbook.cli"]


def srm_publish(project: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return srm("publish", *args, cwd=project)


def snapshot(directory: Path) -> dict[str, str]:
    """Every file served under ``directory`` (following the live link): path -> sha256."""
    root = directory.resolve()
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def retitled(title: str, source: Path = FORGE) -> str:
    text = source.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    return text.replace(first, f"title: {title}", 1)


@dataclass
class Published:
    project: Path
    dest: Path

    @property
    def releases(self) -> Releases:
        return Releases.at(self.dest)

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return srm_publish(self.project, "--dest", self.dest, *args)

    def write_data(self, text: str) -> None:
        (self.project / "srm_data.yaml").write_text(text, encoding="utf-8")

    def leftovers(self) -> list[str]:
        root = self.releases.root
        kept = (".lock", ".sequence")  # the lock and the release counter stay
        hidden = [p.name for p in root.iterdir() if p.name.startswith(".") and p.name not in kept]
        links = [p.name for p in self.dest.parent.glob(f".{self.dest.name}.link-*")]
        return hidden + links


@pytest.fixture
def published(tmp_path: Path) -> Published:
    """A project whose site has been published once (the bundled data)."""
    project = make_project(tmp_path)
    dest = tmp_path / "www" / "handbook"
    dest.parent.mkdir()
    result = srm_publish(project, "--dest", dest)
    assert result.returncode == 0, result.stderr
    return Published(project, dest)


def expected_model(project: Path) -> dict[str, object]:
    return export.to_dict(load_model(project / "srm_data.yaml"))


# --- Publishing and rolling back ------------------------------------------------------------


def test_first_publish_makes_the_path_a_link_to_a_checked_release(published: Published) -> None:
    dest = published.dest
    assert dest.is_symlink()
    target = os.readlink(dest)
    assert not os.path.isabs(target)  # relative: the path and its releases move together
    assert Path(target).parent.name == "handbook.releases"
    assert (dest / "matrix" / "index.html").is_file()
    assert check_site(dest, expected=expected_model(published.project)) == []
    assert published.leftovers() == []


def test_a_new_release_replaces_the_live_one_and_rollback_restores_it(
    published: Published,
) -> None:
    first_target = os.readlink(published.dest)
    first = snapshot(published.dest)
    published.write_data(retitled("Second edition"))
    result = published.run()
    assert result.returncode == 0, result.stderr
    assert "undo with: srm publish --rollback" in result.stdout
    second_target = os.readlink(published.dest)
    assert second_target != first_target
    assert "Second edition" in (published.dest / "index.html").read_text("utf-8")
    assert (published.dest.parent / first_target).is_dir()  # the previous release is kept

    second = snapshot(published.dest)

    result = published.run("--rollback")
    assert result.returncode == 0, result.stderr
    assert os.readlink(published.dest) == first_target
    assert snapshot(published.dest) == first
    assert (published.dest.parent / second_target).is_dir()  # rolled back from: kept
    assert "redo with: srm publish --roll-forward" in result.stdout

    result = published.run("--rollback")  # nothing older is kept
    assert result.returncode == 1
    assert "no earlier release" in result.stderr
    assert os.readlink(published.dest) == first_target

    result = published.run("--roll-forward")
    assert result.returncode == 0, result.stderr
    assert os.readlink(published.dest) == second_target
    assert snapshot(published.dest) == second
    result = published.run("--roll-forward")  # nothing newer was rolled back from
    assert result.returncode == 1
    assert "no release" in result.stderr and "rolled back from" in result.stderr

    # A new release after a rollback never makes the withdrawn one a rollback target.
    assert published.run("--rollback").returncode == 0
    published.write_data(retitled("Third edition"))
    assert published.run().returncode == 0
    assert published.run("--rollback").returncode == 0
    assert os.readlink(published.dest) == first_target


def test_old_releases_are_pruned_but_never_the_live_or_previous_one(
    published: Published,
) -> None:
    for n in range(3):
        published.write_data(retitled(f"Edition {n}"))
        result = published.run("--keep", "2")
        assert result.returncode == 0, result.stderr
    releases = published.releases.releases()
    assert len(releases) == 2
    assert published.releases.current() == releases[-1]
    assert "Edition 2" in (published.dest / "index.html").read_text("utf-8")
    assert "Edition 1" in (releases[0] / "index.html").read_text("utf-8")


def test_a_renamed_row_never_changes_the_live_release(published: Published) -> None:
    """An alias redirect for an id that the live release serves as a page is written into
    the new release only: the live one stays byte for byte until the switch, and comes
    back whole on rollback."""
    live = snapshot(published.dest)
    old_page = (published.dest / "responsibilities" / "authentication" / "index.html").read_text(
        "utf-8"
    )
    data = yaml.safe_load(FORGE.read_text(encoding="utf-8"))
    rows = data["responsibilities"]
    row = rows.pop("authentication")
    row["aliases"] = ["authentication"]
    data["responsibilities"] = {"request-authentication": row, **rows}
    published.write_data(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    result = published.run()
    assert result.returncode == 0, result.stderr
    redirect = (published.dest / "responsibilities" / "authentication" / "index.html").read_text(
        "utf-8"
    )
    assert "data-srm-redirect" in redirect
    assert published.run("--rollback").returncode == 0
    assert snapshot(published.dest) == live
    page = (published.dest / "responsibilities" / "authentication" / "index.html").read_text(
        "utf-8"
    )
    assert page == old_page


# --- Failures leave the live site exactly as it was -----------------------------------------


def test_invalid_data_is_reported_and_nothing_changes(published: Published) -> None:
    before, target = snapshot(published.dest), os.readlink(published.dest)
    published.write_data(retitled("Broken").replace("owners:", "ownerz:", 1))
    result = published.run()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "srm_data.yaml:" in result.stderr and ": error: " in result.stderr
    assert os.readlink(published.dest) == target
    assert snapshot(published.dest) == before
    assert published.leftovers() == []


def test_a_failed_strict_build_changes_nothing(published: Published) -> None:
    before, target = snapshot(published.dest), os.readlink(published.dest)
    (published.project / "docs" / "broken.md").write_text(
        "# Broken\n\nSee [the missing page](missing.md).\n", encoding="utf-8"
    )
    result = published.run()
    assert result.returncode == 1
    assert "the build failed" in result.stderr
    assert f"{published.dest} is unchanged" in result.stderr
    assert os.readlink(published.dest) == target
    assert snapshot(published.dest) == before
    assert published.leftovers() == []


TAMPER_HOOK = '''
"""Test hook: after the build, make the matrix disagree with the responsibility page."""
from pathlib import Path


def on_post_build(config):
    page = Path(config.site_dir) / "matrix" / "index.html"
    text = page.read_text(encoding="utf-8")
    marker = 'data-responsibility="authentication" data-capability="web-triggers" data-owners="you"'
    assert marker in text
    page.write_text(text.replace(marker, marker[:-4] + 'atlassian"'), encoding="utf-8")
'''


def test_a_built_site_that_fails_the_checks_is_never_published(published: Published) -> None:
    before, target = snapshot(published.dest), os.readlink(published.dest)
    (published.project / "hooks" / "tamper.py").write_text(TAMPER_HOOK, encoding="utf-8")
    config_path = published.project / "mkdocs.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["hooks"] = ["hooks/srm.py", "hooks/tamper.py"]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = published.run()
    assert result.returncode == 1
    assert (
        "matrix/: cell 'authentication' x 'web-triggers' says owners atlassian, "
        "srm.json says you" in result.stderr
    )
    assert "fails 1 consistency check;" in result.stderr
    assert os.readlink(published.dest) == target
    assert snapshot(published.dest) == before
    assert published.leftovers() == []


def test_an_existing_directory_is_refused_not_taken_over(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    dest = tmp_path / "site"
    dest.mkdir()
    (dest / "index.html").write_text("the old site", encoding="utf-8")
    result = srm_publish(project, "--dest", dest)
    assert result.returncode == 2
    assert "is a directory, not a link made by 'srm publish'" in result.stderr
    assert "Move it away" in result.stderr
    assert dest.is_dir() and not dest.is_symlink()
    assert [p.name for p in dest.iterdir()] == ["index.html"]
    assert not (tmp_path / "site.releases").exists()


def test_a_link_to_somewhere_else_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "site"
    dest.symlink_to(elsewhere)
    result = srm_publish(project, "--dest", dest)
    assert result.returncode == 2
    assert "not to a release in site.releases/" in result.stderr
    assert os.readlink(dest) == str(elsewhere)


def test_srm_build_refuses_to_rewrite_a_published_release(published: Published) -> None:
    target = os.readlink(published.dest)
    before = snapshot(published.dest)
    other_link = published.dest.with_name("www")
    other_link.symlink_to(published.dest)
    release = published.dest.resolve()
    for dest in (published.dest, other_link, release):
        result = srm("build", "-q", "--dest", dest, cwd=published.project)
        assert result.returncode == 2, dest
        assert f"srm build: error: {dest} is a release published by 'srm publish'" in (
            result.stderr
        )
        assert f"srm publish --dest {published.dest.name}" in result.stderr
    assert os.readlink(published.dest) == target
    assert snapshot(published.dest) == before


def test_two_publishes_never_run_at_once(published: Published) -> None:
    target = os.readlink(published.dest)
    lock = published.releases.root / ".lock"
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = published.run()
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another 'srm publish' is running" in result.stderr
    assert os.readlink(published.dest) == target


def test_a_failed_switch_leaves_the_link_and_no_stray_link(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.replace is the only step that changes what is live; if it fails, nothing did."""
    releases = published.releases
    target = os.readlink(published.dest)
    build = releases.new_build_dir()
    (build / "index.html").write_text("new", encoding="utf-8")
    release = releases.commit(build)

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        releases.switch(release)
    monkeypatch.undo()
    assert os.readlink(published.dest) == target
    assert published.leftovers() == [".pending"]  # no stray link
    # A release that was committed but never switched to is no rollback target, and the
    # next run, which finds it named in .pending, removes it.
    assert releases.previous() != release
    assert releases.current() is not None and releases.current() != release
    releases.clean_leftovers()
    assert not release.exists()
    assert published.leftovers() == []
    assert os.readlink(published.dest) == target


# Runs srm with the clock of the release module set to 1 January 2020 (the clock of a
# restored VM, or of a second CI runner, behind the one that published last).
CLOCK_BEHIND = """
import datetime as real, sys
import srm_handbook.publish.releases as releases

class _Behind(real.datetime):
    @classmethod
    def now(cls, tz=None):
        return real.datetime(2020, 1, 1, tzinfo=tz)

class _Module:
    UTC = real.UTC
    datetime = _Behind

releases.dt = _Module
from srm_handbook.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_clock_behind_changes_neither_the_order_nor_the_rollback(published: Published) -> None:
    first_target = os.readlink(published.dest)
    published.write_data(retitled("Published by a machine whose clock is behind"))
    behind = subprocess.run(
        [sys.executable, "-c", CLOCK_BEHIND, "publish", "--dest", str(published.dest)],
        cwd=published.project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert behind.returncode == 0, behind.stderr
    second_target = os.readlink(published.dest)
    assert second_target != first_target
    result = published.run("--rollback")
    assert result.returncode == 0, result.stderr
    assert os.readlink(published.dest) == first_target
    assert (published.dest.parent / second_target).is_dir()
    assert published.run("--roll-forward").returncode == 0
    assert os.readlink(published.dest) == second_target


@pytest.mark.parametrize("link", ["missing", "dangling"])
def test_a_live_link_that_is_not_understood_deletes_nothing(
    published: Published, link: str
) -> None:
    published.write_data(retitled("Second edition"))
    assert published.run().returncode == 0
    releases = sorted(p.name for p in published.releases.root.iterdir())
    published.dest.unlink()
    if link == "dangling":
        published.dest.symlink_to("handbook.releases/00000099-20990101T000000Z")
    for args in ((), ("--rollback",), ("--roll-forward",)):
        result = published.run(*args)
        assert result.returncode == 1, (args, result.stdout)
        assert "srm publish: error:" in result.stderr
        assert "nothing was changed or deleted" in result.stderr
        assert "ln -sfn handbook.releases/" in result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in published.releases.root.iterdir()) == releases


def test_a_release_is_on_disk_before_it_goes_live(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file and folder of a release is fsynced before its final name is given."""
    releases = published.releases
    build = releases.new_build_dir()
    (build / "pages").mkdir()
    for name in ("index.html", "pages/a.html", "pages/b.html"):
        (build / name).write_text(name, encoding="utf-8")
    synced: set[str] = set()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.add(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    release = releases.commit(build)
    monkeypatch.undo()
    expected = {str(build), str(build / "pages")}
    expected |= {str(build / n) for n in ("index.html", "pages/a.html", "pages/b.html")}
    assert expected <= synced
    assert str(releases.root) in synced
    assert release.is_dir()


# --- Kills at any moment ---------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextlib.contextmanager
def _running_publish(published: Published) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    proc = subprocess.Popen(
        [*SRM, "publish", "-q", "--dest", str(published.dest)],
        cwd=published.project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _builds(published: Published) -> list[Path]:
    return list(published.releases.root.glob(".build-*"))


Moment = Callable[["Published", "subprocess.Popen[bytes]"], bool]


def _wait_until(published: Published, proc: subprocess.Popen[bytes], ready: Moment) -> None:
    while not ready(published, proc):
        assert proc.poll() is None, "publish ended before the moment to kill it"
        time.sleep(0.005)


def _mkdocs_started(published: Published, proc: subprocess.Popen[bytes]) -> bool:
    return bool(_builds(published)) and bool(_descendants(proc.pid))


def _mkdocs_writing(published: Published, proc: subprocess.Popen[bytes]) -> bool:
    builds = _builds(published)
    return (
        bool(builds)
        and any((b / "responsibilities").is_dir() for b in builds)
        and bool(_descendants(proc.pid))
    )


def _checking(published: Published, proc: subprocess.Popen[bytes]) -> bool:
    """MkDocs has finished (the build is complete) and srm is checking it."""
    builds = _builds(published)
    return (
        bool(builds)
        and all((b / "sitemap.xml").exists() for b in builds)
        and not _descendants(proc.pid)
    )


@pytest.fixture
def big_published(tmp_path: Path) -> Published:
    """Published once; the data file then changes to one large enough that MkDocs and the
    checks each run long enough to be interrupted."""
    project = make_project(tmp_path)
    dest = tmp_path / "www" / "handbook"
    dest.parent.mkdir()
    result = srm_publish(project, "--dest", dest)
    assert result.returncode == 0, result.stderr
    published = Published(project, dest)
    published.write_data(generate(rows=300, capabilities=6, parties=3, seed=4))
    return published


MOMENTS: dict[str, Moment] = {
    "mkdocs-starting": _mkdocs_started,
    "mkdocs-writing": _mkdocs_writing,
    "checking": _checking,
}


def test_a_kill_at_any_moment_leaves_the_live_site_as_it_was(big_published: Published) -> None:
    published = big_published
    before, target = snapshot(published.dest), os.readlink(published.dest)
    for moment, ready in MOMENTS.items():
        with _running_publish(published) as proc:
            _wait_until(published, proc, ready)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert os.readlink(published.dest) == target, moment
        assert snapshot(published.dest) == before, moment
    # The next run cleans up after the killed ones and publishes.
    assert published.leftovers() != []
    result = published.run()
    assert result.returncode == 0, result.stderr
    assert published.leftovers() == []
    assert os.readlink(published.dest) != target
    assert check_site(published.dest, expected=expected_model(published.project)) == []


def test_killing_only_srm_while_mkdocs_runs_leaves_the_live_site_as_it_was(
    big_published: Published,
) -> None:
    """The orphaned MkDocs finishes writing into its hidden build directory; nothing
    switches the link, and the next run removes what it wrote."""
    published = big_published
    before, target = snapshot(published.dest), os.readlink(published.dest)
    with _running_publish(published) as proc:
        _wait_until(published, proc, _mkdocs_writing)
        orphans = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        while any(_alive(pid) for pid in orphans):
            time.sleep(0.01)
    assert os.readlink(published.dest) == target
    assert snapshot(published.dest) == before
    result = published.run()
    assert result.returncode == 0, result.stderr
    assert published.leftovers() == []


def test_kills_spread_over_a_whole_run_never_leave_a_mix(big_published: Published) -> None:
    """Whenever the kill lands, the live path serves either the old release or the
    complete new one, never a mix and never nothing."""
    published = big_published
    before, target = snapshot(published.dest), os.readlink(published.dest)
    start = time.monotonic()
    with _running_publish(published) as proc:
        proc.wait()
    duration = time.monotonic() - start
    assert proc.returncode == 0
    new_target = os.readlink(published.dest)
    assert published.run("--rollback").returncode == 0  # back to the old release
    assert os.readlink(published.dest) == target
    expected = expected_model(published.project)
    outcomes = set()
    for fraction in (0.2, 0.5, 0.8, 0.9, 0.95, 0.99):
        with _running_publish(published) as proc:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=duration * fraction)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        live = os.readlink(published.dest)
        if live == target:
            assert snapshot(published.dest) == before, fraction
            outcomes.add("old")
        else:
            assert live != new_target  # a fresh release, complete and checked
            assert check_site(published.dest, expected=expected) == [], fraction
            outcomes.add("new")
            assert published.run("--rollback").returncode == 0
            assert os.readlink(published.dest) == target
    assert "old" in outcomes


# --- The checks publish runs (srm_handbook.site_check), one kind of damage at a time ----------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The bundled handbook, built once; tests tamper with copies of it."""
    base = tmp_path_factory.mktemp("checked")
    project = make_project(base)
    result = srm_publish(project, "--dest", base / "site")
    assert result.returncode == 0, result.stderr
    return (base / "site").resolve(), expected_model(project)


def _tampered(built: tuple[Path, dict[str, object]], tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built[0], copy)
    return copy


def _edit(site: Path, url: str, old: str, new: str, count: int = 1) -> None:
    path = site / url / "index.html"
    text = path.read_text(encoding="utf-8")
    assert old in text, (url, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


CELL = 'data-responsibility="authentication" data-capability="web-triggers" data-owners="you"'
DUTY = '<li data-srm-duty data-responsibility="authentication" data-party="you"'


def _problems(site: Path, expected: dict[str, object] | None) -> list[str]:
    return [p.format() for p in check_site(site, expected=expected)]


def test_the_checks_pass_an_untouched_build(built: tuple[Path, dict[str, object]]) -> None:
    assert _problems(built[0], built[1]) == []


@pytest.mark.parametrize(
    ("url", "old", "new", "message"),
    [
        (
            "responsibilities/authentication/",
            CELL,
            CELL.replace('"you"', '"atlassian"'),
            "responsibilities/authentication/: cell 'authentication' x 'web-triggers' says "
            "owners atlassian, srm.json says you",
        ),
        (
            "matrix/",
            CELL,
            CELL.replace("authentication", "authentication-gone"),
            "matrix/: cell 'authentication' x 'web-triggers' is missing",
        ),
        (
            "responsibilities/authentication/",
            DUTY,
            DUTY.replace('data-party="you"', 'data-party="atlassian"'),
            "responsibilities/authentication/: 'you' owns 'authentication' x 'web-triggers' "
            "but no duty of 'you' for 'web-triggers' is shown",
        ),
        (
            "capabilities/web-triggers/",
            DUTY,
            "<li",
            "capabilities/web-triggers/: 'you' owns 'authentication' x 'web-triggers' but no "
            "duty of 'you' for 'web-triggers' is shown",
        ),
        (
            "parties/you/",
            DUTY,
            "<li",
            "parties/you/: lists ",
        ),
    ],
    ids=["owners", "missing-cell", "uncovered-row", "uncovered-column", "party-page"],
)
def test_the_checks_catch_each_kind_of_damage(
    built: tuple[Path, dict[str, object]],
    tmp_path: Path,
    url: str,
    old: str,
    new: str,
    message: str,
) -> None:
    site = _tampered(built, tmp_path)
    _edit(site, url, old, new, count=10_000 if url != "matrix/" else 1)
    problems = _problems(site, built[1])
    assert any(p.startswith(message) for p in problems), problems


def test_the_checks_catch_a_cell_that_names_other_owners(
    built: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    site = _tampered(built, tmp_path)
    page = site / "capabilities" / "web-triggers" / "index.html"
    text = page.read_text(encoding="utf-8")
    cell = re.compile(r"(<td [^>]*" + re.escape(CELL) + r"[^>]*>.*?)You(.*?</td>)", re.DOTALL)
    assert cell.search(text)
    page.write_text(cell.sub(r"\1Atlassian\2", text, count=1), encoding="utf-8")
    assert _problems(site, built[1]) == [
        "capabilities/web-triggers/: cell 'authentication' x 'web-triggers' shows "
        "'Atlassian', which does not name you"
    ]


def test_the_checks_catch_a_missing_page_a_twice_shown_cell_and_a_changed_srm_json(
    built: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    site = _tampered(built, tmp_path)
    (site / "parties" / "atlassian" / "index.html").unlink()
    matrix = site / "matrix" / "index.html"
    text = matrix.read_text(encoding="utf-8")
    start = text.index("<td data-srm-cell")
    end = text.index("</td>", start) + len("</td>")
    matrix.write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    data = json.loads((site / "srm.json").read_text(encoding="utf-8"))
    data["responsibilities"][0]["duties"][0]["text"] += " (edited)"
    (site / "srm.json").write_text(json.dumps(data), encoding="utf-8")
    problems = _problems(site, built[1])
    assert "parties/atlassian/: page is missing" in problems
    assert any(p.startswith("matrix/: cell ") and p.endswith(" is shown twice") for p in problems)
    assert any(
        p.startswith("srm.json: differs from the data: .responsibilities[0].duties[0].text is")
        for p in problems
    )
    (site / "srm.json").unlink()
    assert [p for p in _problems(site, built[1]) if p.startswith("srm.json")] == [
        p for p in _problems(site, None) if p.startswith("srm.json")
    ]
    assert _problems(site, None)[0].startswith("srm.json: cannot read the model")


@pytest.mark.parametrize("layout", ["prefix", "no-directory-urls"])
def test_the_checks_follow_the_site_layout(tmp_path: Path, layout: str) -> None:
    if layout == "prefix":
        project = make_project(tmp_path, srm_options={"prefix": "security/srm/"})
        paths = SitePaths("security/srm/")
    else:
        project = make_project(tmp_path, config_overrides={"use_directory_urls": False})
        paths = SitePaths(directory_urls=False)
    dest = tmp_path / "site"
    result = srm_publish(project, "--dest", dest)
    assert result.returncode == 0, result.stderr  # publish reads the layout from mkdocs.yml
    assert check_site(dest, paths, expected_model(project)) == []
    wrong = check_site(dest, SitePaths(), expected_model(project))
    assert wrong and all("missing" in p.message or "cannot read" in p.message for p in wrong)
