"""Releases of a published site: build beside the live one, switch atomically, roll back.

The live directory ``DIR`` is a symbolic link to one complete release in ``DIR.releases/``::

    site -> site.releases/20240131T120000123456Z
    site.releases/
        20240130T090000000000Z/   the previous release (kept for rollback)
        20240131T120000123456Z/   the live release
        .build-20240131T130000000000Z/   a build in progress (never live)
        .lock

A new release is built into a hidden ``.build-*`` directory, checked, renamed to its
final name (so a release directory with a final name is always complete) and only then
made live by replacing the link with ``os.replace``, an atomic rename: a reader, and a
process killed at any moment, sees either the old release or the new one, never a mix
and never nothing. ``--rollback`` switches back to the release before the live one and
deletes the one it replaces. Leftovers of an interrupted run (``.build-*``, ``.trash-*``, stray
temporary links) are removed by the next run. Releases are deleted by renaming them to
``.trash-*`` first, so a half-deleted release is never mistaken for a complete one.

Pure: no MkDocs here (:mod:`srm_handbook.commands.publish` runs the build).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RELEASES_SUFFIX = ".releases"
BUILD_PREFIX = ".build-"
TRASH_PREFIX = ".trash-"
LINK_PREFIX = ".link-"
LOCK_NAME = ".lock"
DEFAULT_KEEP = 3


class PublishError(Exception):
    """Publishing cannot go on; the live site is as it was. The message says why."""


class DestinationError(PublishError):
    """The destination is not one that ``srm publish`` manages (nothing was changed)."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _release_id(now: dt.datetime | None = None) -> str:
    """A name that sorts in time order: UTC, to the microsecond."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Releases:
    """The releases of the site published at ``live`` (the link)."""

    live: Path

    @classmethod
    def at(cls, dest: str | os.PathLike[str]) -> Releases:
        path = Path(dest)
        # Absolute without following the last component (it is the link).
        return cls(Path(os.path.abspath(path.parent)) / path.name)

    @property
    def root(self) -> Path:
        return self.live.with_name(self.live.name + RELEASES_SUFFIX)

    # Reading ------------------------------------------------------------------------------

    def check_live(self) -> None:
        """Refuse a ``live`` path that ``srm publish`` does not manage."""
        if not self.live.name or self.live.name in (".", ".."):
            raise DestinationError(f"{self.live}: give a directory name to publish to, like 'site'")
        if self.live.is_symlink():
            target = Path(os.path.realpath(self.live))
            if target.parent != Path(os.path.realpath(self.root)):
                raise DestinationError(
                    f"{self.live} is a link to {os.readlink(self.live)}, not to a release in "
                    f"{self.root.name}/; remove the link or publish to another path"
                )
        elif self.live.exists():
            kind = "directory" if self.live.is_dir() else "file"
            raise DestinationError(
                f"{self.live} is a {kind}, not a link made by 'srm publish'. srm publish keeps "
                f"{self.live.name} as a link to a complete build in {self.root.name}/ so that "
                f"it can switch builds atomically; it does not take over an existing "
                f"{kind}. Move it away (it is not changed) and publish again, or publish to "
                "another path."
            )

    def releases(self) -> list[Path]:
        """Complete releases, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if not p.name.startswith(".") and p.is_dir())

    def current(self) -> Path | None:
        """The live release, or None before the first publish."""
        if not self.live.is_symlink():
            return None
        target = Path(os.path.realpath(self.live))
        return self.root / target.name if target.is_dir() else None

    # Changing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One publish at a time (an advisory lock, released if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublishError(
                    f"another 'srm publish' is running for {self.live}; try again when it ends"
                ) from None
            yield
        finally:
            os.close(fd)

    def clean_leftovers(self) -> list[Path]:
        """Remove what an interrupted run left behind; call while holding the lock.

        Besides hidden build and trash directories and stray links, that is any release
        newer than the live one: committed but killed before the switch, or rolled back
        from but killed before its deletion. It was never (or is no longer) wanted live,
        and must not become "the previous release" of a rollback."""
        removed = []
        if self.root.is_dir():
            for p in self.root.iterdir():
                if p.name.startswith((BUILD_PREFIX, TRASH_PREFIX)):
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p)
            current = self.current()
            for release in self.releases():
                if current is None or release.name > current.name:
                    self._delete(release)
                    removed.append(release)
        for p in self.live.parent.glob(f".{self.live.name}{LINK_PREFIX}*"):
            if p.is_symlink():
                p.unlink()
                removed.append(p)
        return removed

    def new_build_dir(self) -> Path:
        """A fresh hidden directory to build the next release into."""
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            path = self.root / (BUILD_PREFIX + _release_id())
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue

    def commit(self, build: Path) -> Path:
        """Give a complete, checked build its release name (not live yet)."""
        name = build.name.removeprefix(BUILD_PREFIX)
        release = self.root / name
        while release.exists():
            name = _release_id()
            release = self.root / name
        build.rename(release)
        _fsync_dir(self.root)
        return release

    def switch(self, release: Path) -> None:
        """Make ``release`` live: one atomic rename of a new link over the old one."""
        if release.parent != self.root or not release.is_dir():
            raise PublishError(f"{release} is not a release of {self.live}")
        target = os.path.join(self.root.name, release.name)  # relative: the pair can move
        tmp = self.live.with_name(f".{self.live.name}{LINK_PREFIX}{os.getpid()}-{release.name}")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target, tmp)
        try:
            os.replace(tmp, self.live)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        _fsync_dir(self.live.parent)

    def previous(self) -> Path | None:
        """The newest release older than the live one."""
        current = self.current()
        older = [r for r in self.releases() if current is None or r.name < current.name]
        return older[-1] if older else None

    def prune(self, keep: int = DEFAULT_KEEP) -> list[Path]:
        """Delete all but the newest ``keep`` releases (never the live one or the one
        before it)."""
        releases = self.releases()
        current = self.current()
        spared = set(releases[-keep:]) if keep > 0 else set()
        if current is not None:
            spared.add(current)
            before = self.previous()
            if before is not None:
                spared.add(before)
        removed = []
        for release in releases:
            if release not in spared:
                self._delete(release)
                removed.append(release)
        return removed

    def _delete(self, release: Path) -> None:
        """Rename first, so that a half-deleted release never looks complete."""
        trash = self.root / (TRASH_PREFIX + release.name)
        release.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)

    def rollback(self) -> tuple[Path, Path]:
        """Make the release before the live one live again, and delete the one it
        replaces (so that it never becomes "the previous release" of a later publish).
        Returns (from, to)."""
        current = self.current()
        if current is None:
            raise PublishError(f"{self.live} is not published by 'srm publish'; nothing to undo")
        before = self.previous()
        if before is None:
            raise PublishError(
                f"no earlier release of {self.live} is kept in {self.root.name}/; "
                f"{current.name} stays live"
            )
        self.switch(before)
        self._delete(current)
        return current, before
