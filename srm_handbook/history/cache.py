"""What the change history learned about each version of the data file, kept on disk.

Reading a version of a large model takes most of a second (the file is parsed and every
rule checked), and the "What changed" page reads up to ``history_limit`` of them, so a
cold build of a large handbook in a long history spent most of its time here. Versions
are git blobs, which never change, so what was learned about them (valid or not, their
size, the diff between two consecutive versions) is kept in one JSON file per data file
under the cache directory (``extra: srm: cache_dir``, ``.cache/srm`` by default) and read
back by the next build, on this machine or, with the directory cached, in CI.

The file is derived data: it is ignored when it cannot be read, does not validate, or was
written by other code (a digest of the modules that decide what a diff is), and it is
rewritten with just the versions the latest build used. Deleting it is always safe.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from importlib import metadata, resources

from pydantic import TypeAdapter, ValidationError

from srm_handbook.files import write_atomic
from srm_handbook.history.model_diff import SrmDiff

log = logging.getLogger("mkdocs.srm")

MAX_BYTES = 64 * 1024 * 1024
"""A larger cache file is not read (the history it holds is bounded by ``history_limit``)."""
_CODE = ("core/diagnostics.py", "history/model_diff.py", "history/git_history.py",
         "core/catalog.py", "core/crosswalk.py",
         "history/cache.py", "core/load.py", "core/model.py", "core/rules.py", "core/schema.py",
         "core/strict_yaml.py")  # fmt: skip
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML")  # their versions shape the messages


@dataclass(frozen=True)
class VersionInfo:
    """What a version is: valid (with its size) or its errors."""

    valid: bool
    size: tuple[int, int, int] = (0, 0, 0)
    errors: tuple[str, ...] = ()
    error_count: int = 0


DiffKey = tuple[str | None, str]
"""(old blob id or None for the first version, new blob id)."""


@dataclass(frozen=True)
class _Diff:
    old: str | None
    new: str
    diff: SrmDiff


@dataclass(frozen=True)
class _File:
    code: str
    versions: dict[str, VersionInfo]
    diffs: tuple[_Diff, ...]


_ADAPTER = TypeAdapter(_File)


@functools.cache
def code_digest() -> str:
    """A digest of the modules (and library versions) the cached results depend on."""
    digest = hashlib.sha256()
    package = resources.files("srm_handbook")
    for name in _CODE:
        digest.update(package.joinpath(*name.split("/")).read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()


def cache_path(cache_dir: str | os.PathLike[str], data_name: str) -> str:
    return os.path.join(cache_dir, f"history-{data_name}.json")


def read(path: str) -> tuple[dict[str, VersionInfo], dict[DiffKey, SrmDiff]]:
    """The versions and diffs kept in ``path``; nothing when it is missing or unusable."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError:
        return {}, {}
    if len(raw) > MAX_BYTES:
        log.info("srm: history cache %s is too large; it is rebuilt", path)
        return {}, {}
    try:
        kept = _ADAPTER.validate_json(raw)
    except ValidationError:
        log.info("srm: history cache %s is not readable; it is rebuilt", path)
        return {}, {}
    if kept.code != code_digest():
        return {}, {}  # written by another version of this tool
    return dict(kept.versions), {(d.old, d.new): d.diff for d in kept.diffs}


def write(path: str, versions: dict[str, VersionInfo], diffs: dict[DiffKey, SrmDiff]) -> None:
    """Replace ``path`` with these versions and diffs (atomically; a failure to write is
    logged and otherwise ignored: the cache only saves time)."""
    kept = _File(
        code_digest(),
        versions,
        tuple(_Diff(old, new, diff) for (old, new), diff in diffs.items()),
    )
    data = _ADAPTER.dump_json(kept)
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        # Not a warning: a strict build must not fail because a cache cannot be kept.
        log.info("srm: cannot write the history cache %s: %s", path, exc.strerror or exc)
