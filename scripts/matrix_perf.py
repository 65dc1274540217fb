"""How long a filter change takes on the matrix page at L (issue 6). Not a test.

Builds the real handbook (``mkdocs build --strict`` with this repository's mkdocs.yml,
docs and hook) from a synthetic model of ``--rows`` x ``--capabilities`` (default 1,000 x
50, from :mod:`srm_handbook.synthetic`), serves it on 127.0.0.1, opens ``matrix/`` in
Debian's Chromium through Playwright and times a series of filter changes with
``performance.now()`` inside the page: the script alone, with style and layout, and until
the next frame is painted. Prints the figures and the size of the matrix page. The budget
in the issue is 100 ms per change; this reports, it does not judge.

    .venv/bin/python scripts/matrix_perf.py [--rows 1000] [--capabilities 50] [--runs 5]
        [--site DIR]   # measure an already built site instead of building one
        [--keep DIR]   # build into DIR and keep it

tests/test_browser_matrix.py uses :func:`measure_changes` and :func:`report` too (3 runs on
its own L build) and writes test-artifacts/matrix-perf.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from srm_handbook.cli.cmd_build import run_mkdocs_build
from srm_handbook.core.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("SRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

# Runs one change (CHANGE, a JavaScript function) between two painted frames.
MEASURE = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await frame();
  const t0 = performance.now();
  (CHANGE)();
  const t1 = performance.now();
  void document.body.offsetHeight;  // style and layout, now
  const t2 = performance.now();
  await frame();  // painted
  const t3 = performance.now();
  return {script: t1 - t0, layout: t2 - t0, frame: t3 - t0};
}"""


def _set(selector: str, prop: str, value: str, event: str) -> str:
    return (
        f"() => {{ const e = document.querySelector({selector!r}); e.{prop} = {value!r};"
        f" e.dispatchEvent(new Event({event!r}, {{bubbles: true}})); }}"
    )


def _click(selector: str) -> str:
    return f"() => document.querySelector({selector!r}).click()"


CHANGES = {
    "owned by: You": _set("#srm-party", "value", "you", "change"),
    "owned by: any party": _set("#srm-party", "value", "", "change"),
    "hide a column": _click(".srm-caps-list label:nth-child(2) input"),
    "show it again": _click(".srm-caps-list label:nth-child(2) input"),
    "kinds: no n/a": _click("input[name=kind][value=na]"),
    "kinds: all": _click("input[name=kind][value=na]"),
    "search 'rotate'": _set("#srm-q", "value", "rotate", "input"),
    "search cleared": _set("#srm-q", "value", "", "input"),
    "collapse a group": _click(".srm-group-toggle"),
    "expand it": _click(".srm-group-toggle"),
    "search 'responsibility 7'": _set("#srm-q", "value", "responsibility 7", "input"),
    "show everything": _click("#srm-reset"),
}

Timings = dict[str, list[dict[str, float]]]


def measure_changes(page: Any, runs: int) -> Timings:
    """Every change in :data:`CHANGES`, ``runs`` times over (milliseconds)."""
    timings: Timings = {name: [] for name in CHANGES}
    for _ in range(runs):
        for name, change in CHANGES.items():
            timings[name].append(page.evaluate(MEASURE.replace("CHANGE", change)))
    return timings


def report(timings: Timings, init_ms: float, page_file: Path, shape: str, where: str) -> str:
    raw = page_file.read_bytes()
    text = raw.decode("utf-8")
    start = text.index('<script type="application/json" id="srm-search-index">')
    index_bytes = len(text[start : text.index("</script>", start)].encode("utf-8"))
    frames = [t["frame"] for runs in timings.values() for t in runs]
    lines = [
        f"Matrix filter change at {shape}, {where}.",
        f"matrix page: {len(raw) / 1e6:.1f} MB ({len(gzip.compress(raw)) / 1e6:.2f} MB gzipped),"
        f" of which search index {index_bytes / 1e6:.2f} MB; srm.js start-up {init_ms:.0f} ms",
        "ms, median / max of runs: script | + style and layout | until next frame",
    ]
    for name, runs in timings.items():
        cols = []
        for key in ("script", "layout", "frame"):
            values = [t[key] for t in runs]
            cols.append(f"{statistics.median(values):6.1f} / {max(values):6.1f}")
        lines.append(f"  {name:26} " + " | ".join(cols))
    lines.append(
        f"every change, until next frame: median {statistics.median(frames):.1f} ms,"
        f" max {max(frames):.1f} ms"
    )
    return "\n".join(lines)


def open_matrix(page: Any, url: str) -> float:
    """Open the matrix page; the milliseconds srm.js took to start."""
    page.goto(url + "matrix/")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]", timeout=120_000)
    return float(page.evaluate("performance.getEntriesByName('srm-matrix-init')[0].duration"))


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(rows: int, capabilities: int, out: Path) -> float:
    data = out.parent / "srm_data.yaml"
    data.write_text(generate(rows, capabilities, parties=3, seed=0), encoding="utf-8")
    start = time.perf_counter()
    code = run_mkdocs_build(str(ROOT / "mkdocs.yml"), str(out), str(data), quiet=True)
    if code != 0:
        raise SystemExit(f"matrix_perf: mkdocs build failed ({code})")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--capabilities", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", type=Path, help="an already built site to measure")
    parser.add_argument("--keep", type=Path, help="build into this directory and keep it")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        shape = "the given site"
        if site is None:
            site = args.keep or Path(tmp) / "site"
            site.parent.mkdir(parents=True, exist_ok=True)
            seconds = build(args.rows, args.capabilities, site)
            shape = f"L ({args.rows} rows x {args.capabilities} capabilities)"
            print(f"built the site in {seconds:.0f} s", file=sys.stderr)
        with serve(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            init_ms = open_matrix(page, url)
            timings = measure_changes(page, args.runs)
            where = f"real MkDocs build, Chromium {browser.version}, {args.runs} runs"
            print(report(timings, init_ms, site / "matrix" / "index.html", shape, where))
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
