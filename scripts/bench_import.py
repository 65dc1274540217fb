"""Benchmark of ``srm import`` on 1,000-row workbooks (issue 13). Not a test.

Two workbooks, written first:

- ``srm``: ``srm export --format xlsx`` of a synthetic model of 1,000 responsibilities x
  ``--caps`` capabilities (default 50): a Matrix sheet of 1,000 rows and a Duties sheet
  of one row per duty (about 15,000), read back without a mapping;
- ``ccm``: a CCM-like sheet of 1,000 rows (id, title, domain, IaaS / PaaS / SaaS owner
  words, two duty columns), read with options.

Each import runs as ``srm import FILE -o OUT`` in its own process, as a user runs it:
the wall time (median of ``--runs``, default 3; Python's start-up included) and that
process's peak resident memory (``ru_maxrss``). Also timed in this process: reading the
workbook with openpyxl (read-only) and the rest (mapping, YAML, validation), and the
export of the ``srm`` workbook. Prints a Markdown table.

    .venv/bin/python scripts/bench_import.py [--runs 3] [--rows 1000] [--caps 50] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from srm_handbook.core import sheets
from srm_handbook.core.load import parse_model
from srm_handbook.core.spreadsheet_import import import_workbook
from srm_handbook.core.synthetic import generate
from srm_handbook.site import exports
from srm_handbook.site.workbook import to_xlsx

ROWS = 1000
CCM_OPTIONS = [
    "--column",
    "id=Control ID",
    "--column",
    "name=Control Title",
    "--column",
    "category=Control Domain",
    "--duty-column",
    "CSP Implementation Guidelines=provider",
    "--duty-column",
    "CSC Implementation Guidelines=customer",
]
_WORDS = ("CSP-Owned", "Shared CSP and CSC", "CSC-Owned")


def write_ccm(path: Path, rows: int) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("SSRM")
    header = [
        "Control ID",
        "Control Title",
        "Control Domain",
        "IaaS",
        "PaaS",
        "SaaS",
        "CSP Implementation Guidelines",
        "CSC Implementation Guidelines",
    ]
    for col, text in enumerate(header):
        sheet.write_string(0, col, text)
    for i in range(rows):
        words = [_WORDS[(i + k) % 3] for k in range(3)]
        row = [
            f"CTL-{i:04d}",
            f"Control number {i} of the synthetic matrix",
            f"Domain {i % 17}",
            *words,
            f"The provider implements control {i} and keeps evidence of it. " * 3,
            f"The customer configures control {i} for its own tenants. " * 3,
        ]
        for col, text in enumerate(row):
            sheet.write_string(i + 1, col, text)
    book.close()


def run_import(book: Path, out: Path, options: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``srm import`` process."""
    if out.exists():
        out.unlink()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "srm_handbook.cli", "import", str(book), "-o", str(out), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"srm import {book} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def in_process(book: Path, options: list[str]) -> tuple[float, float]:
    from srm_handbook.cli.cmd_import import _mapping
    from srm_handbook.cli.main import build_parser

    args = build_parser().parse_args(["import", str(book), *options])
    mapping = _mapping(args)
    start = time.perf_counter()
    workbook = sheets.read(book)
    read = time.perf_counter() - start
    start = time.perf_counter()
    import_workbook(workbook, mapping)
    return read, time.perf_counter() - start


def write_workbooks(work: Path, rows: int, caps: int) -> None:
    """The two workbooks, and what the report needs to know about them (in a process of
    its own: see :func:`main`)."""
    model = parse_model(generate(rows, caps).encode("utf-8"))
    # srm.xlsx is written on every build: its cost beside srm.json's, alternating
    xlsx_s, json_s = [], []
    for _ in range(3):
        start = time.perf_counter()
        data = to_xlsx(model)
        xlsx_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        exports.to_json(model)
        json_s.append(time.perf_counter() - start)
    export_s = statistics.median(xlsx_s)
    (work / "srm.xlsx").write_bytes(data)
    write_ccm(work / "ccm.xlsx", rows)
    duties = sum(len(r.duties) for r in model.responsibilities)
    facts = {"export_s": export_s, "json_s": statistics.median(json_s), "duties": duties}
    (work / "facts.json").write_text(json.dumps(facts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--caps", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="write the workbooks here and keep them")
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = args.rows
    if args.write_only:
        write_workbooks(args.write_only, rows, args.caps)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="srm-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    # The model is built in another process: a child's peak RSS (ru_maxrss) counts the
    # memory of the process it was forked from, so this one stays small until measured.
    shape = ["--rows", str(rows), "--caps", str(args.caps)]
    subprocess.run([sys.executable, __file__, *shape, "--write-only", str(work)], check=True)
    facts = json.loads((work / "facts.json").read_text())
    srm_book, ccm_book = work / "srm.xlsx", work / "ccm.xlsx"
    cases = [
        (f"srm workbook, {rows} x {args.caps}, {facts['duties']} duty rows", srm_book, []),
        (f"CCM-like sheet, {rows} rows x 3 capabilities + 2 duty columns", ccm_book, CCM_OPTIONS),
    ]
    print("# Import benchmark\n")
    print(
        f"Command: `.venv/bin/python scripts/bench_import.py --runs {args.runs} "
        f"--rows {rows} --caps {args.caps}`\n"
    )
    print(
        "| workbook | size (MB) | srm import (s) | peak RSS (MB) | openpyxl read (s) "
        "| map + YAML + validate (s) |"
    )
    print("|---|---|---|---|---|---|")
    measured_all = []
    for label, book, options in cases:
        out = work / f"{book.stem}.yaml"
        measured = [run_import(book, out, options) for _ in range(args.runs)]
        measured_all.append((label, book, options, measured))
    baseline = run_version()
    for label, book, options, measured in measured_all:
        wall = statistics.median(m[0] for m in measured)
        rss = max(m[1] for m in measured)
        read_s, rest_s = in_process(book, options)
        size = book.stat().st_size / (1024 * 1024)
        print(f"| {label} | {size:.2f} | {wall:.2f} | {rss:.0f} | {read_s:.2f} | {rest_s:.2f} |")
    print(
        f"\nWriting srm.xlsx of the {rows} x {args.caps} model (median of 3): "
        f"{facts['export_s']:.2f} s; srm.json of the same model: {facts['json_s']:.2f} s. "
        f"`srm --version` (start-up alone): {baseline[0]:.2f} s, {baseline[1]:.0f} MB. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    if not args.keep:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


def run_version() -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "srm_handbook.cli", "--version"], stdout=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


if __name__ == "__main__":
    main()
