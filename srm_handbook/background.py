"""Work done by a forked child process while the build goes on.

A build spends most of its time on one core: MkDocs renders and writes page after page.
Two parts of ours can run meanwhile on another core, because they depend only on the
model: the exports (``srm.xlsx`` takes 1 to 2 s at 1,000 rows x 50 capabilities, and with
framework mappings the OSCAL file and the CRMs as much again), and the HTML of the
generated pages. The child is a ``fork`` of this process, made once the pages are
prepared, so it has the model and every prepared page already (nothing is pickled).

The child first makes the exports, then renders pages from the last one backwards, while
this process renders them from the first one forwards as MkDocs asks for them: a page
this process reaches before the child has finished it is rendered here (and marked, in
memory shared with the child, so that the child skips it). The two meet in the middle, and
nothing ever waits for a page. The child writes each result as a record (which page, how
long, the bytes) into an unnamed temporary file; this process reads a record only once it
is complete, with ``pread`` (the child's file position is never moved). The child stops
rendering pages after :data:`PAGE_BYTES_LIMIT` bytes, so a very large handbook does not
fill a memory-backed ``/tmp``; this process renders the rest.

Forking is only done where it is safe: on Linux, and while this process runs a single
thread (``mkdocs serve`` runs several, and a fork copies only the forking thread, with
whatever locks the others held). Elsewhere the exports are made at once, here, and every
page is rendered here. A child that fails (an exception, a signal, no memory) is not
trusted: whatever it did not finish is made here, so an error is raised here with its
usual traceback. The results are the same bytes either way: the child runs the same code
on a copy of the same objects.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import mmap
import os
import signal
import struct
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, NoReturn

Files = dict[str, bytes]
"""File name -> content."""

PAGE_BYTES_LIMIT = 256 * 1024 * 1024
"""Bytes of page HTML the child writes at most (about 40 % of a 5,000 x 100 handbook)."""

_RECORD = struct.Struct("<qQ")
"""A record's head: the page's index (:data:`_FILES` for the exports) and the length."""
_FILES = -1
_POLL = 0.005


def can_fork() -> bool:
    """Whether :func:`in_background` forks here (see the module docstring)."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def make_all(makers: Mapping[str, Callable[[], str | bytes]]) -> Files:
    """Run every maker; text is encoded as UTF-8."""
    out = {}
    for name, make in makers.items():
        content = make()
        out[name] = content.encode("utf-8") if isinstance(content, str) else content
    return out


@dataclass
class _Child:
    pid: int
    out: IO[bytes]
    """The records the child writes (an unnamed temporary file)."""
    taken: mmap.mmap
    """One byte per page, shared with the child: 1 when this process renders it."""
    running: bool = True
    """False once reaped: its pid may then belong to another process, never signal it."""


class Background:
    """The exports of ``makers`` and, when a child was forked, the pages it rendered."""

    def __init__(
        self,
        makers: Mapping[str, Callable[[], str | bytes]],
        pages: Sequence[Callable[[], str]],
        fork: bool,
    ) -> None:
        self.names = tuple(makers)
        """The names of the exports, known before they are made."""
        self._makers = dict(makers)
        self._pages = pages
        self._files: Files | None = None
        self._child: _Child | None = None
        self._reaper: weakref.finalize[[_Child], Background] | None = None
        self._records: dict[int, tuple[int, int]] = {}
        """Complete records read so far: index -> (offset, length)."""
        self._cursor = 0
        self.forked = False
        """Whether a child process was started."""
        self.pages_from_child = 0
        """Pages whose HTML :meth:`page` took from the child."""
        self.waited = 0.0
        """Seconds :meth:`files` waited for the child's exports."""
        if fork:
            self._start()
        if self._child is None:
            self._files = make_all(self._makers)

    def _start(self) -> None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close() or the reaper)
        taken = mmap.mmap(-1, max(1, len(self._pages)))  # anonymous and shared
        try:
            pid = os.fork()
        except OSError:  # no memory or no process left for a child: all is done here
            out.close()
            taken.close()
            return
        if pid == 0:  # the child: never returns
            _child_main(out.fileno(), taken, self._makers, self._pages)
        self._child = _Child(pid, out, taken)
        # Dropped without close() (a failed build), it still stops and reaps the child.
        self._reaper = weakref.finalize(self, _stop, self._child)
        self.forked = True

    def _scan(self, child: _Child) -> None:
        """Index the records the child has completed since the last scan."""
        fd = child.out.fileno()
        size = os.fstat(fd).st_size
        while self._cursor + _RECORD.size <= size:
            index, length = _RECORD.unpack(os.pread(fd, _RECORD.size, self._cursor))
            start = self._cursor + _RECORD.size
            if start + length > size:
                break  # still being written
            self._records[index] = (start, length)
            self._cursor = start + length

    def _read(self, child: _Child, index: int) -> bytes | None:
        record = self._records.get(index)
        if record is None:
            return None
        start, length = record
        return os.pread(child.out.fileno(), length, start)

    def page(self, index: int) -> str | None:
        """The HTML of page ``index`` if the child has rendered it; otherwise None, and
        the child will not start it (render it here)."""
        child = self._child
        if child is None:
            return None
        self._scan(child)
        data = self._read(child, index)
        if data is None:
            child.taken[index] = 1
            return None
        self.pages_from_child += 1
        return data.decode("utf-8")

    def files(self) -> Files:
        """The exports: waits for the child's if it is still making them."""
        if self._files is None:
            self._files = self._collect()
        return self._files

    def _collect(self) -> Files:
        child = self._child
        if child is None:  # closed before its exports were read: made here
            return make_all(self._makers)
        start = time.perf_counter()
        while True:
            # Whether it has exited first: then everything it wrote is in the file.
            if os.waitpid(child.pid, os.WNOHANG)[0] != 0:
                child.running = False
            self._scan(child)
            if _FILES in self._records or not child.running:
                break
            time.sleep(_POLL)
        self.waited = time.perf_counter() - start
        data = self._read(child, _FILES)
        files = _files(data) if data is not None else None
        return files if files is not None else make_all(self._makers)  # it failed: made here

    def close(self) -> None:
        """Stop the child (its pages are no longer needed) and free what it used."""
        self._child = None
        if self._reaper is not None:
            self._reaper()

    def __getitem__(self, name: str) -> bytes:
        return self.files()[name]


def _child_main(
    fd: int,
    taken: mmap.mmap,
    makers: Mapping[str, Callable[[], str | bytes]],
    pages: Sequence[Callable[[], str]],
) -> NoReturn:
    """The child's work; leaves with os._exit: no atexit handlers, no flushing of the
    parent's buffers, no finally blocks of the parent's frames."""
    code = 1
    try:
        # A build forks with the garbage collector paused (while it loads): what exists now
        # lives until the child exits, so the collector is left only what the child makes.
        gc.freeze()
        gc.enable()
        # marshal: plain str -> bytes, read back by the same interpreter.
        _write_record(fd, _FILES, marshal.dumps(make_all(makers)))
        written = 0
        for index in reversed(range(len(pages))):
            if written > PAGE_BYTES_LIMIT:
                break
            if taken[index]:
                continue
            html = pages[index]().encode("utf-8")
            _write_record(fd, index, html)
            written += len(html)
        code = 0
    except BaseException:  # noqa: S110 (the parent makes whatever is missing)
        pass
    finally:
        os._exit(code)


def _write_record(fd: int, index: int, data: bytes) -> None:
    view = memoryview(_RECORD.pack(index, len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _files(data: bytes) -> Files | None:
    try:
        files = marshal.loads(data)  # noqa: S302 (our own child's output, never on disk by name)
    except (EOFError, ValueError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def _stop(child: _Child) -> None:
    """Stop and reap the child (unless reaped already), then close its file and memory."""
    try:
        if child.running:
            child.running = False
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
    finally:
        child.out.close()
        child.taken.close()


def in_background(
    makers: Mapping[str, Callable[[], str | bytes]], pages: Sequence[Callable[[], str]] = ()
) -> Background:
    """The exports of ``makers`` (name -> what makes its content) and the HTML of
    ``pages``, made by a forked child when :func:`can_fork` (else the exports at once)."""
    return Background(makers, pages, fork=can_fork())
