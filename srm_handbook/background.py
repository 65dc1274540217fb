"""Files made in a forked child process while this one goes on.

A build spends most of its time on one core: MkDocs renders and writes page after page.
Files that depend only on the model, such as ``srm.xlsx`` (1 to 2 s for a model of 1,000
rows x 50 capabilities, and with framework mappings the OSCAL file and the CRM sheets as
much again), can be made meanwhile on another core. The child is a ``fork`` of this
process, so it has the model already (nothing is pickled); it writes the files into an
unnamed temporary file and exits, and :meth:`Later.result` reads them back.

Forking is only done where it is safe: on Linux, and while this process runs a single
thread (``mkdocs serve`` runs several, and a fork copies only the forking thread, with
whatever locks the others held). Elsewhere the files are made at once, in this process.
A child that fails (an exception, a signal, no memory) is not trusted: the files are then
made in this process, so an error is raised here, with its usual traceback.
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO

Files = dict[str, bytes]
"""File name -> content."""


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


class Later:
    """Files that are being made by a child process (or were made at once)."""

    def __init__(self, makers: Mapping[str, Callable[[], str | bytes]], fork: bool) -> None:
        self.names = tuple(makers)
        """The names of the files, known before they are made."""
        self._makers = dict(makers)
        self._files: Files | None = None
        self._child: _Child | None = None
        self.forked = False
        """Whether a child process made (or is making) the files."""
        self.waited = 0.0
        """Seconds :meth:`result` waited for the child (0 when it had finished)."""
        if fork:
            self._start()
        else:
            self._files = make_all(self._makers)

    def _start(self) -> None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result() or the reaper)
        try:
            pid = os.fork()
        except OSError:  # no memory or no process left for a child: make them here
            out.close()
            self._files = make_all(self._makers)
            return
        if pid == 0:  # the child: make the files, write them, leave without cleaning up
            code = 1
            try:
                # marshal: plain str -> bytes, read back by the same interpreter.
                out.write(marshal.dumps(make_all(self._makers)))
                out.flush()
                code = 0
            except BaseException:  # noqa: S110 (the parent makes them again)
                pass
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        # A Later dropped without result() (a failed build) still reaps its child.
        self._child = _Child(pid, out, weakref.finalize(self, _reap, pid, out))
        self.forked = True

    def result(self) -> Files:
        """The files: waits for the child if it is still at work."""
        if self._files is None:
            self._files = self._collect()
        return self._files

    def _collect(self) -> Files:
        child, self._child = self._child, None
        if child is None:  # not reached: made at once, or by a child
            return make_all(self._makers)
        start = time.perf_counter()
        _, status = os.waitpid(child.pid, 0)
        self.waited = time.perf_counter() - start
        child.reaper.detach()
        with child.out as out:
            out.seek(0)
            data = out.read()
        files = _files(data) if os.waitstatus_to_exitcode(status) == 0 else None
        return files if files is not None else make_all(self._makers)

    def __getitem__(self, name: str) -> bytes:
        return self.result()[name]


@dataclass(frozen=True)
class _Child:
    pid: int
    out: IO[bytes]
    """Where the child writes the files (an unnamed temporary file)."""
    reaper: weakref.finalize[[int, IO[bytes]], Later]


def _files(data: bytes) -> Files | None:
    try:
        files = marshal.loads(data)  # noqa: S302 (our own child's output, never on disk by name)
    except (EOFError, ValueError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def _reap(pid: int, out: IO[bytes]) -> None:
    try:
        os.waitpid(pid, 0)
    finally:
        out.close()


def in_background(makers: Mapping[str, Callable[[], str | bytes]]) -> Later:
    """The files of ``makers`` (name -> what makes its content), made by a forked child
    when :func:`can_fork`, else at once."""
    return Later(makers, fork=can_fork())
