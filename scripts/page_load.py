"""How long each kind of page of a large handbook takes to show in Chromium. Not a test.

Builds the real handbook from a synthetic model (default 1,000 x 50, like
``scripts/matrix_perf.py``; or ``--site DIR`` for one already built), serves it on
127.0.0.1 and opens the one-page view, the matrix, a capability, a party and a
responsibility page ``--runs`` times each in Debian's Chromium, timing until the ``load``
event and until the first frame after it is painted. Prints a Markdown table of medians
with each page's size.

    .venv/bin/python scripts/page_load.py [--rows 1000] [--capabilities 50] [--runs 3]
        [--site DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from matrix_perf import CHROMIUM, CHROMIUM_ARGS, build, serve

PAGES = {
    "one-page view": "overview/",
    "matrix": "matrix/",
    "capability": "capabilities/cap-1/",
    "party": "parties/you/",
    "responsibility": "responsibilities/resp-1/",
}

PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--capabilities", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, help="measure this built site")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="srm-page-load-") as tmp:
        site = args.site
        shape = "the given site"
        if site is None:
            site = Path(tmp) / "site"
            build(args.rows, args.capabilities, site)
            shape = f"{args.rows} x {args.capabilities}"
        rows = []
        with serve(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for label, path in PAGES.items():
                loads, painted = [], []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    page.goto(url + path, wait_until="load", timeout=300_000)
                    loads.append(time.perf_counter() - start)
                    page.evaluate(PAINTED)
                    painted.append(time.perf_counter() - start)
                size = (site / path / "index.html").stat().st_size / 1e6
                rows.append((label, size, statistics.median(loads), statistics.median(painted)))
            browser.close()
    print(f"Page loads in Chromium, {shape}, median of {args.runs}\n")
    print("| page | size (MB) | load event (s) | first frame after it (s) |")
    print("| --- | ---: | ---: | ---: |")
    for label, size, load, paint in rows:
        print(f"| {label} | {size:.1f} | {load:.2f} | {paint:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
