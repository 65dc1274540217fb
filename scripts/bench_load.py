"""Benchmark of loading and validating srm_data.yaml (issue 2). Not a test.

Generates synthetic data with :mod:`srm_handbook.synthetic` (1,000 responsibilities x 50
capabilities, and 300 x 20), adds the bundled Forge data, and times
:func:`srm_handbook.load.load_model` on each file (median of ``--runs`` runs, default 7).
It also times the stages separately by calling the loader's internal steps in the same
order as :func:`srm_handbook.load.parse_model` does (decode + strict YAML parse, schema,
consistency rules, normalisation), without changing the core; and, for comparison, the
same work with the garbage collector left running (the loader pauses it). Prints a
Markdown table.

    .venv/bin/python scripts/bench_load.py [--runs 7] [--profile] [--keep DIR]

``--profile`` also prints the top of a cProfile report of ``load_model`` at 1000 x 50.
The target is load + validate under 1 s at 1000 x 50.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from srm_handbook.core import (
    load,
    rules,
    schema,
    strict_yaml,
)
from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent

TARGET_SECONDS = 1.0
T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _stages(raw: bytes) -> dict[str, float]:
    """One pass through the loader's stages (valid input only), timed stage by stage,
    with the garbage collector paused as :func:`srm_handbook.load.parse_model` does."""
    with load._gc_paused():
        return _stages_inner(raw)


def _stages_inner(raw: bytes) -> dict[str, float]:
    times: dict[str, float] = {}

    def decode_parse() -> strict_yaml.StrictYaml:
        text, problems = strict_yaml.decode(raw)
        if problems:
            raise RuntimeError("the benchmark only times valid files")
        return strict_yaml.parse(text, located=False)  # as load_model does

    times["decode+parse"], parsed = _timed(decode_parse)
    if parsed.problems or not isinstance(parsed.data, dict):
        raise RuntimeError("the benchmark only times valid files")
    data: dict[str, Any] = parsed.data

    def validate() -> schema.SrmDocument:
        header = schema.DocumentHeader.model_validate(data)
        rows = {
            rid: schema.Responsibility.model_validate(row)
            for rid, row in data["responsibilities"].items()
        }
        return schema.SrmDocument.model_construct(
            **{name: getattr(header, name) for name in schema.SrmDocument.model_fields},
        ).model_copy(update={"responsibilities": rows})

    times["schema"], doc = _timed(validate)
    times["rules"], findings = _timed(lambda: list(rules.check(doc, doc.responsibilities)))
    if findings:
        raise RuntimeError(f"the benchmark only times valid files: {findings[:3]}")
    times["normalise"], _ = _timed(lambda: load._normalise(doc, "bench", {}))
    return times


def bench(path: Path, runs: int) -> dict[str, Any]:
    raw = path.read_bytes()
    srm = load.load_model(path)  # warm-up, and proof that the file is valid
    totals = [_timed(lambda: load.load_model(path))[0] for _ in range(runs)]
    # The same work without the loader's garbage-collector pause, for comparison.
    gc_on = [
        _timed(lambda: load._parse_model(raw, "bench", None, located=False))[0] for _ in range(runs)
    ]
    stage_runs = [_stages(raw) for _ in range(runs)]
    return {
        "size": len(raw),
        "rows": len(srm.responsibilities),
        "caps": len(srm.capabilities),
        "duties": sum(len(r.duties) for r in srm.responsibilities),
        "total": statistics.median(totals),
        "min": min(totals),
        "gc_on": statistics.median(gc_on),
        "stages": {
            name: statistics.median(run[name] for run in stage_runs) for name in stage_runs[0]
        },
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def _size(n: int) -> str:
    return f"{n / 1048576:.2f} MiB" if n >= 1048576 else f"{n / 1024:.1f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="runs per file (median; >= 5)")
    parser.add_argument("--profile", action="store_true", help="cProfile load_model at 1000x50")
    parser.add_argument("--keep", metavar="DIR", help="write the generated files to DIR")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(args.keep or tmp)
        where.mkdir(parents=True, exist_ok=True)
        files: list[tuple[str, Path]] = []
        for rows, caps in ((1000, 50), (300, 20)):
            target = where / f"synthetic-{rows}x{caps}.yaml"
            target.write_text(generate(rows, caps), encoding="utf-8")
            files.append((f"synthetic {rows} x {caps}", target))
        files.append(("Forge (srm_data.yaml)", ROOT / "srm_data.yaml"))

        results = [(label, bench(path, runs)) for label, path in files]
        print(f"load_model, median of {runs} runs (Python {sys.version.split()[0]})\n")
        print(
            "| data | file size | rows x caps | duties | load_model | decode+parse | schema "
            "| rules | normalise | without GC pause |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, r in results:
            s = r["stages"]
            print(
                f"| {label} | {_size(r['size'])} | {r['rows']} x {r['caps']} | {r['duties']} "
                f"| **{_ms(r['total'])}** | {_ms(s['decode+parse'])} | {_ms(s['schema'])} "
                f"| {_ms(s['rules'])} | {_ms(s['normalise'])} | {_ms(r['gc_on'])} |"
            )
        big = results[0][1]["total"]
        verdict = "meets" if big < TARGET_SECONDS else "MISSES"
        print(f"\n1000 x 50: {big:.3f} s, {verdict} the {TARGET_SECONDS:.0f} s target.")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(load.load_model, files[0][1])
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            print(out.getvalue())
    return 0 if big < TARGET_SECONDS else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SrmDataError as exc:  # the generator produced invalid data: a bug
        sys.exit(f"invalid data, nothing to time:\n{exc.format()}")
