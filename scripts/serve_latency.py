"""How long `mkdocs serve` takes to show a data edit in the browser (issue 5). Not a test.

Generates an M-sized model (300 x 20 by default), starts `mkdocs serve` on a free local
port, opens a responsibility page in headless Chromium, then renames that responsibility
in the data file and times how long until the open page shows the new name (MkDocs'
live reload rebuilds and the page reloads itself). Repeats a few times; prints the times.

    .venv/bin/python scripts/serve_latency.py [--rows 300] [--capabilities 20] [--edits 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from matrix_perf import CHROMIUM, CHROMIUM_ARGS

from srm_handbook.core.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--capabilities", type=int, default=20)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="srm-serve-"))
    try:
        shutil.copytree(ROOT / "hooks", work / "hooks")
        shutil.copytree(ROOT / "docs", work / "docs")
        config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        config["extra"]["srm"]["history"] = False
        (work / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        data = work / "srm_data.yaml"
        text = generate(rows=args.rows, capabilities=args.capabilities, seed=3)
        data.write_text(text, encoding="utf-8")
        port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/responsibilities/resp-1/"
            times = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                deadline = time.monotonic() + 120
                while True:
                    try:
                        page.goto(url, timeout=5000)
                        break
                    except Exception:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.5)
                current = "Responsibility 1"
                for i in range(args.edits):
                    new = f"Responsibility one, edit {i + 1}"
                    text = text.replace(f"    name: {current}\n", f"    name: {new}\n", 1)
                    start = time.monotonic()
                    data.write_text(text, encoding="utf-8")
                    page.wait_for_function(
                        "n => document.querySelector('h1') && "
                        "document.querySelector('h1').textContent.includes(n)",
                        arg=new,
                        timeout=60_000,
                    )
                    times.append(time.monotonic() - start)
                    current = new
                    print(f"edit {i + 1}: shown after {times[-1]:.2f}s", flush=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(
            f"{args.rows} x {args.capabilities}: median {statistics.median(times):.2f}s, "
            f"max {max(times):.2f}s over {len(times)} edits"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
