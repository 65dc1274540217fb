"""Files made by a forked child while the build goes on (:mod:`srm_handbook.background`)."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time

import pytest

from srm_handbook.background import Later, can_fork, in_background

PARENT = os.getpid()

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


def maker_pid() -> bytes:
    """Which process made the file."""
    return str(os.getpid()).encode()


@linux_only
def test_a_child_process_makes_the_files_and_the_parent_reads_them() -> None:
    later = Later(
        {"a.txt": lambda: "Größe ✓", "b.bin": lambda: b"\x00\xff", "pid": maker_pid}, True
    )
    assert later.forked
    assert later.names == ("a.txt", "b.bin", "pid")
    files = later.result()
    assert files["a.txt"] == "Größe ✓".encode()
    assert files["b.bin"] == b"\x00\xff"
    assert int(files["pid"]) != PARENT
    assert later["a.txt"] is files["a.txt"]  # made once


def test_made_at_once_where_it_cannot_fork() -> None:
    later = Later({"pid": maker_pid}, fork=False)
    assert not later.forked
    assert later.result() == {"pid": str(PARENT).encode()}


@linux_only
def test_result_waits_for_a_child_still_at_work() -> None:
    def slow() -> bytes:
        time.sleep(0.5)
        return b"done"

    later = Later({"slow": slow}, fork=True)
    assert later.result() == {"slow": b"done"}
    assert later.waited > 0


@linux_only
def test_a_failing_child_is_not_trusted_the_parent_makes_the_files() -> None:
    def fails_in_the_child() -> bytes:
        if os.getpid() != PARENT:
            raise MemoryError
        return b"made here"

    def killed_in_the_child() -> bytes:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return b"made here too"

    assert Later({"x": fails_in_the_child}, fork=True).result() == {"x": b"made here"}
    assert Later({"x": killed_in_the_child}, fork=True).result() == {"x": b"made here too"}


@linux_only
def test_an_error_is_raised_in_the_parent_with_its_traceback() -> None:
    def broken() -> bytes:
        raise ValueError("the model has no rows")

    later = Later({"x": broken}, fork=True)
    with pytest.raises(ValueError, match="the model has no rows"):
        later.result()


@linux_only
def test_a_dropped_later_reaps_its_child() -> None:
    later = Later({"x": lambda: b"x"}, fork=True)
    child = later._child
    assert child is not None
    pid = child.pid
    del later, child
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


def test_never_forks_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        later = in_background({"pid": maker_pid})
        assert not later.forked
        assert later.result() == {"pid": str(PARENT).encode()}
    finally:
        stop.set()
        thread.join()
