"""Exports and pages made by a forked child while the build goes on
(:mod:`srm_handbook.background`)."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

import pytest

from srm_handbook import background
from srm_handbook.background import Background, can_fork, in_background, make_all
from srm_handbook.site.content import build_content
from srm_handbook.site.views import export_makers

from .conftest import FIXTURES

PARENT = os.getpid()

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


def maker_pid() -> bytes:
    """Which process made the file."""
    return str(os.getpid()).encode()


def page(i: int) -> Callable[[], str]:
    return lambda: f"<p>page {i} ✓ by {os.getpid()}</p>"


def slow(make: Callable[[], bytes], seconds: float = 0.3) -> Callable[[], bytes]:
    def made() -> bytes:
        time.sleep(seconds)
        return make()

    return made


def finished(work: Background, timeout: float = 30) -> None:
    """Wait until the child has exited (it has done all it will do)."""
    child = work._child
    assert child is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.running:
        with open(f"/proc/{child.pid}/stat") as stat:
            if stat.read().split(") ")[1].startswith("Z"):  # exited, not yet reaped
                return
        time.sleep(0.01)
    if not child.running:
        return  # reaped by files()
    raise AssertionError("the child did not finish")


@linux_only
def test_the_child_makes_the_exports_and_renders_pages_from_the_last() -> None:
    pages = [page(i) for i in range(6)]
    work = Background({"a.txt": lambda: "Größe ✓", "b.bin": lambda: b"\x00\xff"}, pages, True)
    assert work.forked
    assert work.names == ("a.txt", "b.bin")
    assert work.files() == {"a.txt": "Größe ✓".encode(), "b.bin": b"\x00\xff"}
    finished(work)
    html = work.page(5)
    assert html is not None and html.startswith("<p>page 5 ✓ by ")
    assert int(html.split(" by ")[1].removesuffix("</p>")) != PARENT
    assert work.pages_from_child == 1
    work.close()


@linux_only
def test_a_page_this_process_reached_first_is_left_to_it() -> None:
    work = Background({"x": slow(lambda: b"x")}, [page(i) for i in range(4)], True)
    assert work.page(0) is None  # not rendered yet: this process renders it itself...
    finished(work)
    assert work.page(0) is None  # ...and the child skipped it
    assert [work.page(i) is not None for i in (1, 2, 3)] == [True, True, True]
    work.close()


@linux_only
def test_the_child_stops_rendering_after_the_byte_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "PAGE_BYTES_LIMIT", 30)  # one page; the child inherits it
    work = Background({}, [page(i) for i in range(5)], True)
    finished(work)
    assert [work.page(i) is not None for i in range(5)] == [False, False, False, True, True]
    work.close()


def test_all_is_made_here_where_it_cannot_fork() -> None:
    work = Background({"pid": maker_pid}, [page(0)], fork=False)
    assert not work.forked
    assert work.files() == {"pid": str(PARENT).encode()}
    assert work.page(0) is None  # rendered by the caller


@linux_only
def test_files_waits_for_a_child_still_at_work() -> None:
    work = Background({"slow": slow(lambda: b"done", 0.5)}, [], fork=True)
    assert work.files() == {"slow": b"done"}
    assert work.waited > 0
    work.close()


@linux_only
def test_a_failing_child_is_not_trusted_this_process_makes_the_files() -> None:
    def fails_in_the_child() -> bytes:
        if os.getpid() != PARENT:
            raise MemoryError
        return b"made here"

    def killed_in_the_child() -> bytes:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return b"made here too"

    assert Background({"x": fails_in_the_child}, [], True).files() == {"x": b"made here"}
    assert Background({"x": killed_in_the_child}, [], True).files() == {"x": b"made here too"}


@linux_only
def test_a_page_the_child_fails_to_render_is_rendered_here() -> None:
    def breaks_in_the_child() -> str:
        if os.getpid() != PARENT:
            raise RecursionError
        return "<p>here</p>"

    work = Background({}, [page(0), breaks_in_the_child, page(2)], True)
    finished(work)
    assert work.page(2) is not None  # rendered before the failure
    assert work.page(1) is None and work.page(0) is None  # the caller renders these
    work.close()


@linux_only
def test_an_error_is_raised_here_with_its_traceback() -> None:
    def broken() -> bytes:
        raise ValueError("the model has no rows")

    work = Background({"x": broken}, [], True)
    with pytest.raises(ValueError, match="the model has no rows"):
        work.files()


@linux_only
def test_close_and_a_dropped_background_stop_the_child() -> None:
    endless = Background({"x": slow(lambda: b"x", 60)}, [], True)
    assert endless._child is not None
    pid = endless._child.pid
    endless.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped: no zombie left

    dropped = Background({"x": slow(lambda: b"x", 60)}, [], True)
    assert dropped._child is not None
    pid = dropped._child.pid
    del dropped
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_never_forks_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        work = in_background({"pid": maker_pid}, [page(0)])
        assert not work.forked
        assert work.files() == {"pid": str(PARENT).encode()}
    finally:
        stop.set()
        thread.join()


@linux_only
def test_the_childs_pages_and_exports_are_the_same_bytes_as_made_here() -> None:
    content = build_content(FIXTURES / "forge_mapped.yaml")
    content.background.close()
    makers = export_makers(content.srm)
    work = Background(makers, [p.body for p in content.pages], fork=True)
    finished(work)
    assert work.files() == make_all(makers)  # srm.xlsx, the OSCAL file, the CRMs...
    assert len(work.names) >= 5
    from_child = [work.page(i) for i in range(len(content.pages))]
    assert all(html is not None for html in from_child)
    assert from_child == [p.html for p in content.pages]
    work.close()


@linux_only
def test_a_reaped_child_is_never_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once reaped, its pid may be another process's: close() must not kill it."""
    work = Background({"x": lambda: b"x"}, [page(0)], True)
    finished(work)
    assert work.files() == {"x": b"x"}
    child = work._child
    assert child is not None and not child.running  # files() found it exited and reaped it
    assert work.page(0) is not None  # what it wrote stays readable until close()

    def kill(pid: int, sig: int) -> None:
        raise AssertionError(f"signalled {pid}")

    monkeypatch.setattr(os, "kill", kill)
    work.close()
    with pytest.raises(ValueError):
        child.taken[0]
