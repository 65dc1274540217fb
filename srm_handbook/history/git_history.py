"""Change history of the data file, read from git: the "What changed" page and the
"last changed" date of each responsibility.

One ``git log --first-parent --follow`` lists the commits that touched the file (newest
first, at most ``limit`` of them plus one older commit as the baseline of the oldest
entry); ``git cat-file --batch-check`` and ``--batch`` read every version in one go. Each
version is validated with :func:`srm_handbook.load.parse_model`; versions that do not
validate are listed as such and skipped, and the next valid version is compared with the
last valid one before them. Results are cached per blob, in memory (so ``mkdocs serve``
rebuilds only parse what changed) and, with a ``cache_dir``, on disk between builds
(:mod:`srm_handbook.history_cache`). Nothing here imports MkDocs; outside a git checkout
(or without git) :func:`load_history` returns a :class:`History` that says why there is
none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.history import DEFAULT_LIMIT, MAX_LIMIT
from srm_handbook.history import cache as history_cache
from srm_handbook.history.cache import DiffKey, VersionInfo
from srm_handbook.history.model_diff import SrmDiff, diff
from srm_handbook.history.model_diff import summary as diff_summary

MAX_ERRORS_SHOWN = 3
_CACHE_SIZE = 4 * MAX_LIMIT

EntryKind = Literal["change", "created", "start", "invalid", "missing"]


class GitError(Exception):
    """git is missing, the path is not in a git checkout, or a git command failed."""


def run_git(args: list[str], cwd: str, stdin: bytes | None = None) -> bytes:
    """Run one git command in ``cwd``; its stdout, or :class:`GitError` with git's message."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd or ".",
            input=stdin,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[0] if message else f"exit status {proc.returncode}"
        raise GitError(detail.removeprefix("fatal: "))
    return proc.stdout


def read_at(path: str, rev: str) -> bytes | None:
    """The bytes of ``path`` at revision ``rev``, or None when it did not exist there.
    Raises :class:`GitError` outside git or for an unknown revision."""
    where = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(where):
        raise GitError(f"{os.path.dirname(path)}: no such directory")
    try:
        run_git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], where
        )
    except GitError as exc:
        if str(exc).startswith("exit status"):
            raise GitError("unknown revision (not a commit, branch or tag)") from None
        raise
    out = run_git(["cat-file", "--batch"], where, f"{rev}:./{os.path.basename(path)}\n".encode())
    blobs = _read_batch(out)
    return blobs[0] if blobs else None


def _read_batch(out: bytes) -> list[bytes | None]:
    """Parse ``git cat-file --batch`` output: one content (or None if missing) per input."""
    result: list[bytes | None] = []
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if header[-1] == b"missing" or len(header) != 3 or header[1] != b"blob":
            result.append(None)
            if len(header) == 3 and header[2].isdigit() and header[-1] != b"missing":
                pos += int(header[2]) + 1  # not a blob (e.g. the path is a directory)
            continue
        size = int(header[2])
        result.append(out[pos : pos + size])
        pos += size + 1
    return result


def blob_id(raw: bytes, length: int = 40) -> str:
    """The git object id the bytes would have as a blob (SHA-1, or SHA-256 repositories)."""
    algo = hashlib.sha256 if length == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(raw) + raw).hexdigest()


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    """The committer date, with the committer's UTC offset."""
    author: str
    subject: str
    path: str
    """The data file's path in the repository at this commit."""

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class Entry:
    """One commit that touched the data file (or the uncommitted working copy)."""

    commit: Commit | None
    """None for changes in the working copy that are not committed yet."""
    date: dt.date
    kind: EntryKind
    diff: SrmDiff | None = None
    """For ``change`` and ``created``: what changed against the previous valid version."""
    errors: tuple[str, ...] = ()
    """For ``invalid``: the first problems found."""
    error_count: int = 0
    size: tuple[int, int, int] = (0, 0, 0)
    """Responsibilities, capabilities and parties of this version (valid versions)."""

    @property
    def anchor(self) -> str:
        return f"change-{self.commit.short}" if self.commit else "change-uncommitted"

    @property
    def summary(self) -> str:
        """Plain text: what this entry did, in a few words."""
        rows, caps, parties = self.size
        size = (
            f"{rows} responsibilit{'y' if rows == 1 else 'ies'}, "
            f"{caps} capabilit{'y' if caps == 1 else 'ies'}, "
            f"{parties} part{'y' if parties == 1 else 'ies'}"
        )
        if self.kind == "created":
            return f"Started the model: {size}"
        if self.kind == "start":
            return f"The history shown starts here: {size}"
        if self.kind == "invalid":
            n = self.error_count
            return f"This version did not validate ({n} error{'s' if n != 1 else ''})"
        if self.kind == "missing":
            return "The data file was removed in this commit"
        if self.diff is None or self.diff.empty:
            return "No change to the model (only comments, formatting or order)"
        return diff_summary(self.diff)

    @property
    def title(self) -> str:
        """Plain text: the date and the commit's subject."""
        subject = self.commit.subject if self.commit else "Not committed yet"
        return f"{self.date.isoformat()}: {' '.join(subject.split()) or '(no message)'}"


Unavailable = Literal["outside-git", "not-work-tree", "git-failed", "not-committed"]
_UNAVAILABLE: dict[Unavailable, str] = {
    "outside-git": "The data file is not in a git checkout ({detail}).",
    "not-work-tree": "The data file is not in a git work tree.",
    "git-failed": "git failed: {detail}",
    "not-committed": "{detail} has not been committed to git yet: its history starts with its "
    "first commit.",
}
"""Each reason in English, for the log (the "What changed" template words it per language)."""


@dataclass(frozen=True)
class History:
    entries: tuple[Entry, ...] = ()
    reason: Unavailable | None = None
    """Why there is no history (outside git, git missing, file not committed)."""
    detail: str = ""
    """What git said (``outside-git``, ``git-failed``), or the file's name."""
    file: str = ""
    """The data file's name."""
    limit: int = DEFAULT_LIMIT
    truncated: bool = False
    """Older commits exist beyond ``limit``."""
    shallow: bool = False
    """The checkout is shallow: older changes are missing."""
    since: dt.date | None = None
    """When the history shown is incomplete: rows that no entry changed last changed on or
    before this date (the oldest version the history starts from)."""
    current_ids: dict[str, str] = field(default_factory=dict)
    """Every id and alias of the current model -> the live responsibility id."""
    _row_entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str | None:
        """Why there is no history, in English (the log, ``srm diff``)."""
        return None if self.reason is None else _UNAVAILABLE[self.reason].format(detail=self.detail)

    @property
    def has_invalid(self) -> bool:
        """Some versions did not validate (they are listed without changes)."""
        return any(e.kind == "invalid" for e in self.entries)

    def current_row(self, rid: str) -> str | None:
        """The live id of a row known as ``rid`` in some version (through its aliases)."""
        return self.current_ids.get(rid)

    def row_entry(self, rid: str) -> Entry | None:
        """The newest entry that changed the live row ``rid``."""
        return self._row_entries.get(rid)


_INFO: dict[str, VersionInfo] = {}
_DIFFS: dict[DiffKey, SrmDiff] = {}
_MODELS: dict[str, Srm] = {}
"""The last few models parsed (the newest version is compared with the working copy on
every rebuild of ``mkdocs serve``)."""
_MODELS_KEPT = 2


def clear_cache() -> None:
    """Forget every version and diff seen so far."""
    _INFO.clear()
    _DIFFS.clear()
    _MODELS.clear()


def _remember(cache: dict[str, VersionInfo] | dict[DiffKey, SrmDiff]) -> None:
    if len(cache) > _CACHE_SIZE:
        cache.clear()


def _size(srm: Srm) -> tuple[int, int, int]:
    return (len(srm.responsibilities), len(srm.capabilities), len(srm.parties))


def _parse_log(out: bytes) -> list[Commit]:
    commits = []
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        header, _, names = record.partition("\0")
        sha, date, author, subject = header.split("\x1f", 3)
        paths = [n.strip("\n") for n in names.split("\0") if n.strip("\n")]
        if not paths:
            continue
        commits.append(Commit(sha, dt.datetime.fromisoformat(date), author, subject, paths[0]))
    return commits


def _check_blobs(where: str, commits: list[Commit]) -> list[str | None]:
    stdin = "".join(f"{c.sha}:{c.path}\n" for c in commits).encode()
    out = run_git(["cat-file", "--batch-check"], where, stdin).decode()
    oids: list[str | None] = []
    for line in out.splitlines():
        parts = line.split(" ")
        oids.append(parts[0] if len(parts) == 3 and parts[1] == "blob" else None)
    return oids


def _fetch(where: str, oids: Iterable[str]) -> dict[str, bytes]:
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    out = run_git(["cat-file", "--batch"], where, "".join(f"{o}\n" for o in wanted).encode())
    return {o: raw for o, raw in zip(wanted, _read_batch(out), strict=True) if raw is not None}


class _Versions:
    """The versions of one history build. Contents of versions not seen before are read
    in one batch; models are parsed when needed and dropped when no longer needed, so at
    most a few are in memory at once."""

    def __init__(self, where: str, labels: dict[str, str], oids: Iterable[str]) -> None:
        self.where = where
        self.labels = labels
        self.raw = _fetch(where, [o for o in oids if o not in _INFO])
        self.held: dict[str, Srm] = {}
        self.used: dict[str, VersionInfo] = {}
        self.used_diffs: dict[DiffKey, SrmDiff] = {}
        """What this build used (kept here: the shared caches may be cleared meanwhile)."""
        self.computed = False
        """Whether anything was parsed or compared (rather than found in a cache)."""

    def info(self, oid: str) -> VersionInfo:
        if oid not in _INFO:
            self.model(oid)
        info = self.used[oid] = _INFO[oid]
        return info

    def model(self, oid: str) -> Srm | None:
        """The model of a version (None if it does not validate)."""
        srm = self.held.get(oid)
        if srm is None and oid in _MODELS:
            srm = self.held[oid] = _MODELS[oid] = _MODELS.pop(oid)
        if srm is not None:
            return srm
        raw = self.raw.pop(oid, None)
        if raw is None:
            raw = _fetch(self.where, [oid]).get(oid, b"")
        self.computed = True
        try:
            srm = parse_model(raw, self.labels.get(oid, oid[:10]), self.where)
        except SrmDataError as exc:
            lines = tuple(d.format() for d in exc.diagnostics[:MAX_ERRORS_SHOWN])
            _INFO[oid] = VersionInfo(False, errors=lines, error_count=len(exc.diagnostics))
            return None
        _INFO[oid] = VersionInfo(True, _size(srm))
        self.held[oid] = _MODELS[oid] = srm
        while len(_MODELS) > _MODELS_KEPT:
            del _MODELS[next(iter(_MODELS))]
        return srm

    def keep(self, oid: str) -> None:
        """Drop every held model but ``oid``'s."""
        self.held = {oid: self.held[oid]} if oid in self.held else {}

    def diff(self, old: str | None, new: str) -> SrmDiff:
        key = (old, new)
        cached = _DIFFS.get(key)
        if cached is None:
            self.computed = True
            new_model = self.model(new)
            old_model = self.model(old) if old is not None else None
            assert new_model is not None and (old is None or old_model is not None)  # noqa: S101
            cached = diff(old_model, new_model)
            _remember(_DIFFS)
            _DIFFS[key] = cached
        self.used_diffs[key] = cached
        return cached


def load_history(
    path: str | os.PathLike[str],
    current: Srm,
    *,
    limit: int = DEFAULT_LIMIT,
    today: dt.date | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    current_raw: bytes | None = None,
) -> History:
    """The history of the data file at ``path`` (whose validated content is ``current``):
    at most ``limit`` commits, newest first, plus an entry for uncommitted changes.

    With ``cache_dir``, what is learned about each version is kept there for the next
    build (:mod:`srm_handbook.history_cache`). ``current_raw``: the bytes ``current`` was
    read from (the file is read again without them)."""
    limit = max(1, min(limit, MAX_LIMIT))
    today = today or dt.date.today()
    abspath = os.path.abspath(path)
    where, name = os.path.dirname(abspath), os.path.basename(abspath)
    current_ids = {r.id: r.id for r in current.responsibilities}
    for r in current.responsibilities:
        for alias in r.aliases:
            current_ids.setdefault(alias, r.id)
    try:
        flags = run_git(["rev-parse", "--is-inside-work-tree", "--is-shallow-repository"], where)
    except GitError as exc:
        return History(reason="outside-git", detail=str(exc))
    inside, _, shallow_flag = flags.decode().partition("\n")
    if inside.strip() != "true":
        return History(reason="not-work-tree")
    shallow = shallow_flag.strip() == "true"
    try:
        log = run_git(
            [
                "log",
                "--first-parent",
                "--follow",
                "-z",
                "--name-only",
                "--format=%x1e%H%x1f%cI%x1f%an%x1f%s",
                f"--max-count={limit + 1}",
                "--",
                name,
            ],
            where,
        )
        commits = _parse_log(log)
        if commits:
            oids = _check_blobs(where, commits)
            cache = history_cache.cache_path(cache_dir, name) if cache_dir else None
            return _build(
                where,
                name,
                current,
                current_raw,
                commits,
                oids,
                limit,
                shallow,
                today,
                current_ids,
                cache,
            )
    except GitError as exc:
        if "does not have any commits" not in str(exc):
            return History(reason="git-failed", detail=str(exc), current_ids=current_ids)
    return History(reason="not-committed", detail=name, current_ids=current_ids)


def _build(
    where: str,
    name: str,
    current: Srm,
    raw: bytes | None,
    commits: list[Commit],
    oids: list[str | None],
    limit: int,
    shallow: bool,
    today: dt.date,
    current_ids: dict[str, str],
    cache: str | None,
) -> History:
    truncated = len(commits) > limit
    shown = commits[:limit]
    labels = {o: f"{c.path}@{c.short}" for c, o in zip(commits, oids, strict=True) if o}
    if cache is not None and any(o not in _INFO for o in oids if o is not None):
        # A new process (or new commits): what earlier builds learned. A `mkdocs serve`
        # rebuild finds everything in memory and does not read the file again.
        kept_versions, kept_diffs = history_cache.read(cache)
        for kept_oid, kept_info in kept_versions.items():
            _INFO.setdefault(kept_oid, kept_info)
        for kept_key, kept_diff in kept_diffs.items():
            _DIFFS.setdefault(kept_key, kept_diff)
    # Oldest first, so that the newest versions are parsed last and stay cached.
    versions = _Versions(where, labels, reversed([o for o in oids if o is not None]))
    # The history is complete when it reaches the file's first commit.
    complete = not truncated and not shallow
    # Walk from the oldest version to the newest, comparing each valid version with the
    # last valid one before it.
    previous: str | None = None
    since: dt.date | None = None
    """Rows that no entry changed last changed on or before this date."""
    if truncated:
        baseline = oids[limit]
        if baseline is not None and versions.info(baseline).valid:
            previous = baseline
            since = commits[limit].date.date()
    entries: list[Entry] = []
    for commit, oid in reversed(list(zip(shown, oids[:limit], strict=True))):
        date = commit.date.date()
        if oid is None:
            entries.append(Entry(commit, date, "missing"))
            continue
        info = versions.info(oid)
        if not info.valid:
            entries.append(Entry(commit, date, "invalid", None, info.errors, info.error_count))
            continue
        if previous is not None:
            entries.append(
                Entry(commit, date, "change", versions.diff(previous, oid), size=info.size)
            )
        elif complete:
            entries.append(Entry(commit, date, "created", versions.diff(None, oid), size=info.size))
        else:
            entries.append(Entry(commit, date, "start", size=info.size))
            since = date
        versions.keep(oid)
        previous = oid
    entries.reverse()
    if cache is not None and (versions.computed or not os.path.exists(cache)):
        history_cache.write(cache, versions.used, versions.used_diffs)
    # Uncommitted changes in the working copy, when they change the model.
    if raw is None:
        try:
            with open(os.path.join(where, name), "rb") as fh:
                raw = fh.read()
        except OSError:
            raw = None
    newest = oids[0]
    if raw is not None and previous is not None and newest != blob_id(raw, len(previous)):
        pending = diff(versions.model(previous), current)
        if not pending.empty:
            entries.insert(0, Entry(None, today, "change", pending, size=_size(current)))
    _remember(_INFO)
    row_entries: dict[str, Entry] = {}
    for entry in entries:
        if entry.diff is None:
            continue
        for rid in entry.diff.touched_rows():
            live = current_ids.get(rid)
            if live is not None and live not in row_entries:
                row_entries[live] = entry
    return History(
        entries=tuple(entries),
        file=name,
        limit=limit,
        truncated=truncated,
        shallow=shallow,
        since=since,
        current_ids=current_ids,
        _row_entries=row_entries,
    )
