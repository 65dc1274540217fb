"""The import benchmark runs (small: its figures are written down, not asserted)."""

from __future__ import annotations

import subprocess
import sys

from ..conftest import ROOT


def test_bench_import_runs_and_reports_a_table() -> None:
    script = str(ROOT / "scripts" / "bench_import.py")
    proc = subprocess.run(
        [sys.executable, script, "--rows", "12", "--caps", "3", "--runs", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| workbook | size (MB) | srm import (s) | peak RSS (MB)")
    assert rows[1].startswith("| srm workbook, 12 x 3, ")
    assert rows[2].startswith("| CCM-like sheet, 12 rows")
    for row in rows[1:]:
        values = [c.strip() for c in row.strip("|").split("|")]
        assert float(values[2]) > 0 and float(values[3]) > 10
