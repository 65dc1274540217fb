"""Releases of a published site: build beside the live one, switch atomically, roll back.

The live directory ``DIR`` is a symbolic link to one complete release in ``DIR.releases/``::

    site -> site.releases/00000007-20240131T120000Z
    site.releases/
        00000006-20240130T090000Z/   the previous release (kept for rollback)
        00000007-20240131T120000Z/   the live release
        .build-00000008-20240131T130000Z/   a build in progress (never live)
        .sequence                    the last release number given out
        .withdrawn-00000009-...      a release rolled back from (kept for roll-forward)
        .pending                     the release being made live (while it is)
        .lock

Releases are ordered by their number, which only grows (``.sequence``, and never below
the highest number of any entry in the folder), not by the clock: a clock stepped back
(NTP, a restored VM, a second CI runner) changes nothing. The time in the name is only
for people.

A new release is built into a hidden ``.build-*`` directory, checked, flushed to disk
(every file and directory fsynced), renamed to its final name (so a release directory with
a final name is always complete) and only then made live by replacing the link with
``os.replace``, an atomic rename: a reader, and a process killed at any moment, sees
either the old release or the new one, never a mix and never nothing.

``--rollback`` switches back to the newest release older than the live one that was not
itself rolled back from, and keeps the release it leaves, marked as withdrawn:
``--roll-forward`` makes the oldest withdrawn release newer than the live one live again,
and a second rollback goes one further back. Nothing is ever deleted while the live state
is not understood: a missing or dangling link beside existing releases is refused with an
explanation. Leftovers of an interrupted run (``.build-*``, ``.trash-*``, stray temporary
links, and a release committed but killed before the switch, which ``.pending`` names)
are removed by the next run; old releases are pruned only after a successful
switch. Releases are deleted by renaming them to ``.trash-*`` first, so a half-deleted
release is never mistaken for a complete one.

Pure: no MkDocs here (:mod:`srm_handbook.cli.cmd_publish` runs the build).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RELEASES_SUFFIX = ".releases"
BUILD_PREFIX = ".build-"
TRASH_PREFIX = ".trash-"
LINK_PREFIX = ".link-"
LOCK_NAME = ".lock"
SEQUENCE_NAME = ".sequence"
PENDING_NAME = ".pending"
WITHDRAWN_PREFIX = ".withdrawn-"
DEFAULT_KEEP = 3
_NUMBERED = re.compile(r"(\d{8,})-\d{8}T\d{6}Z")


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


def _fsync_tree(root: Path) -> None:
    """Flush every file and directory under ``root`` (and ``root``) to disk."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def order(name: str) -> tuple[int, int, str]:
    """The sort key of a release name: numbered releases by number, after any release
    named by the clock alone (the first format), which sort by name."""
    match = _NUMBERED.fullmatch(name)
    return (1, int(match.group(1)), name) if match else (0, 0, name)


class StateError(PublishError):
    """The live link and the releases disagree in a way no run of srm publish leaves
    (an edit by hand, a restore from backup): nothing is changed, nothing deleted."""


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
        found = [p for p in self.root.iterdir() if not p.name.startswith(".") and p.is_dir()]
        return sorted(found, key=lambda p: order(p.name))

    def current(self) -> Path | None:
        """The live release, or None before the first publish."""
        if not self.live.is_symlink():
            return None
        target = Path(os.path.realpath(self.live))
        return self.root / target.name if target.is_dir() else None

    def check_state(self) -> None:
        """Refuse to change anything when the link and the releases disagree: no link (or
        a dangling one) while releases exist. Deleting or renumbering then could destroy
        the very releases a rollback needs; a person must say which one is live."""
        releases = self.releases()
        if self.current() is not None or not (releases or self.live.is_symlink()):
            return
        where = f"{self.root.name}/ holds {len(releases)} release" + (
            "s" if len(releases) != 1 else ""
        )
        newest = releases[-1].name if releases else None
        how = (
            f"make the release that should be live the live one by hand (e.g. "
            f"'ln -sfn {self.root.name}/{newest} {self.live}'), then run srm publish again"
            if newest
            else f"remove the link {self.live}, then publish again"
        )
        if self.live.is_symlink():
            state = f"{self.live} links to {os.readlink(self.live)}, which does not exist"
        else:
            state = f"{self.live} does not exist"
        raise StateError(f"{state}, but {where}; nothing was changed or deleted: {how}")

    def withdrawn(self) -> set[str]:
        """Names of the releases rolled back from (kept for --roll-forward)."""
        if not self.root.is_dir():
            return set()
        return {
            p.name.removeprefix(WITHDRAWN_PREFIX)
            for p in self.root.iterdir()
            if p.name.startswith(WITHDRAWN_PREFIX)
        }

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
        """Remove what an interrupted run left behind; call while holding the lock, after
        :meth:`check_state`: hidden build and trash directories, stray links, and
        withdrawal marks of releases that are gone or live again. Never a release."""
        removed = []
        if self.root.is_dir():
            current = self.current()
            pending = self._read_pending()
            if pending is not None:
                release = self.root / pending
                never_live = current is None or current.name != pending
                if never_live and release.is_dir() and pending not in self.withdrawn():
                    self._delete(release)  # committed, then killed before the switch
                    removed.append(release)
                self.clear_pending()
            names = {p.name for p in self.releases()}
            for p in self.root.iterdir():
                if p.name.startswith((BUILD_PREFIX, TRASH_PREFIX)):
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p)
                elif p.name.startswith(WITHDRAWN_PREFIX):
                    name = p.name.removeprefix(WITHDRAWN_PREFIX)
                    if name not in names or (current is not None and current.name == name):
                        p.unlink()
                        removed.append(p)
        for p in self.live.parent.glob(f".{self.live.name}{LINK_PREFIX}*"):
            if p.is_symlink():
                p.unlink()
                removed.append(p)
        return removed

    def _next_number(self) -> int:
        """One more than any release number given out here: the ``.sequence`` file, and
        every numbered entry (releases, builds, trash), whichever is higher. Written and
        flushed before it is used, so it only grows, whatever the clock says."""
        highest = 0
        with contextlib.suppress(OSError, ValueError):
            highest = int((self.root / SEQUENCE_NAME).read_text(encoding="ascii").strip())
        for p in self.root.iterdir():
            match = _NUMBERED.fullmatch(
                p.name.removeprefix(BUILD_PREFIX)
                .removeprefix(TRASH_PREFIX)
                .removeprefix(WITHDRAWN_PREFIX)
            )
            if match:
                highest = max(highest, int(match.group(1)))
        number = highest + 1
        tmp = self.root / f"{SEQUENCE_NAME}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, f"{number}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.root / SEQUENCE_NAME)
        _fsync_dir(self.root)
        return number

    def new_build_dir(self) -> Path:
        """A fresh hidden directory to build the next release into (call while holding
        the lock)."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{BUILD_PREFIX}{self._next_number():08d}-{_utc_stamp()}"
        path.mkdir()
        return path

    def commit(self, build: Path) -> Path:
        """Give a complete, checked build its release name (not live yet), after
        flushing every file of it to disk. Until :meth:`clear_pending`, ``.pending``
        names it: if the run dies before the switch, the next run knows that this
        release was never live and removes it."""
        _fsync_tree(build)
        release = self.root / build.name.removeprefix(BUILD_PREFIX)
        tmp = self.root / f"{PENDING_NAME}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, release.name.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.root / PENDING_NAME)
        build.rename(release)
        _fsync_dir(self.root)
        return release

    def _read_pending(self) -> str | None:
        try:
            name = (self.root / PENDING_NAME).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if _NUMBERED.fullmatch(name) else None

    def clear_pending(self) -> None:
        """The committed release was made live (or found dead): forget it."""
        for name in (PENDING_NAME, f"{PENDING_NAME}.tmp"):
            with contextlib.suppress(FileNotFoundError):
                (self.root / name).unlink()
        _fsync_dir(self.root)

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
        """The newest release older than the live one that was not rolled back from."""
        current = self.current()
        withdrawn = self.withdrawn()
        older = [
            r
            for r in self.releases()
            if r.name not in withdrawn and (current is None or order(r.name) < order(current.name))
        ]
        return older[-1] if older else None

    def next(self) -> Path | None:
        """The release ``--roll-forward`` makes live: the oldest one rolled back from that
        is newer than the live one."""
        current = self.current()
        withdrawn = self.withdrawn()
        newer = [
            r
            for r in self.releases()
            if r.name in withdrawn and current is not None and order(r.name) > order(current.name)
        ]
        return newer[0] if newer else None

    def prune(self, keep: int = DEFAULT_KEEP) -> list[Path]:
        """Delete all but the newest ``keep`` releases; never the live one, the one a
        rollback would restore, or the one a roll-forward would."""
        releases = self.releases()
        spared = set(releases[-keep:]) if keep > 0 else set()
        spared |= {r for r in (self.current(), self.previous(), self.next()) if r is not None}
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
        with contextlib.suppress(FileNotFoundError):
            (self.root / (WITHDRAWN_PREFIX + release.name)).unlink()
        shutil.rmtree(trash, ignore_errors=True)

    def _mark_withdrawn(self, release: Path) -> None:
        mark = self.root / (WITHDRAWN_PREFIX + release.name)
        os.close(os.open(mark, os.O_WRONLY | os.O_CREAT, 0o644))
        _fsync_dir(self.root)

    def rollback(self) -> tuple[Path, Path]:
        """Make the release before the live one live again. The one it replaces is kept
        and marked as withdrawn: never the target of a later rollback, the target of
        ``--roll-forward``. Returns (from, to)."""
        current = self.current()
        if current is None:
            raise PublishError(f"{self.live} is not published by 'srm publish'; nothing to undo")
        before = self.previous()
        if before is None:
            raise PublishError(
                f"no earlier release of {self.live} is kept in {self.root.name}/; "
                f"{current.name} stays live"
            )
        self._mark_withdrawn(current)
        self.switch(before)
        return current, before

    def roll_forward(self) -> tuple[Path, Path]:
        """Undo a rollback: make the release last rolled back from live again."""
        current = self.current()
        if current is None:
            raise PublishError(f"{self.live} is not published by 'srm publish'; nothing to redo")
        after = self.next()
        if after is None:
            raise PublishError(
                f"no release of {self.live} newer than the live one was rolled back from; "
                f"{current.name} stays live"
            )
        self.switch(after)
        with contextlib.suppress(FileNotFoundError):
            (self.root / (WITHDRAWN_PREFIX + after.name)).unlink()
        _fsync_dir(self.root)
        return current, after
