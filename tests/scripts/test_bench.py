"""The build benchmark runs (at size S only: its figures are written down, not asserted)."""

from __future__ import annotations

import subprocess
import sys

from ..conftest import ROOT


def test_bench_runs_at_size_s_and_reports_a_table(tmp_path: object) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "S", "--runs", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "# Build benchmarks" in lines
    header = next(line for line in lines if line.startswith("| size |"))
    row = next(line for line in lines if line.startswith("| S |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    values = dict(zip(columns, (c.strip() for c in row.strip("|").split("|")), strict=True))
    assert values["rows x caps"] == "19 x 3"
    for kind in ("ours (s)", "naive (s)", "floor (s)"):
        assert float(values[kind]) > 0
    assert values["own code"].endswith("%")
    assert int(values["pages"]) > 30
    assert float(values["child's peak RSS (MB)"]) > 0  # the exports were made beside the build
    assert float(values["floor (s)"]) > 0
    assert 0 < float(values["contract minimum (MB)"]) < float(values["site (MB)"])
