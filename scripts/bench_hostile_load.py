"""Benchmark: how long, and how much memory, the loader takes to refuse hostile files
under the byte limit (issue 14 point 2). Not a test.

Each case is a file of ``--mib`` MiB (default: just under ``MAX_FILE_BYTES``) built to
cost the loader as much as possible per byte; each is validated by ``srm validate`` in a
subprocess of its own, and the wall time and the peak resident memory of that process
(``ru_maxrss``) are printed as a Markdown table, with the first error line. For
comparison, the same for the largest synthetic model of ``make bench`` (5,000 x 100,
about 36 MiB), a real model that must load.

    .venv/bin/python scripts/bench_hostile_load.py [--mib 39] [--cases flat,nested] [--keep DIR]

The cases:

- ``flat``: an unknown key holding one flow sequence of one-character items (``[a,a,...]``,
  two bytes an item).
- ``nested``: the same items in flow sequences nested 30 deep, each holding at most 1,000
  items, so that no single collection is long (the review's shape); ``nested-7``: the
  same, 8 levels deep in all: just within the nesting limit.
- ``block``: a block sequence of one-character items (``- a``, four bytes an item).
- ``mapping``: flow mappings of one-character keys and values, at most 1,000 pairs each.
- ``duplicates``: one flow mapping repeating the same key (a duplicate-key problem per
  four bytes).
- ``errors``: 10,000 rows, each with every kind of mistake a row can hold (a flood of
  located problems from the schema and the rules, not from the YAML).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from srm_handbook.core import schema, strict_yaml
from srm_handbook.core.synthetic import generate

HEADER = "schema: 1\ntitle: T\nparties: {a: {name: A}}\ncapabilities: {c: {name: C}}\n"
HEADER += "categories: {k: {name: K}}\n"
ROW = "responsibilities: {r: {name: R, category: k, owners: {c: a}, duties: {a: [d]}}}\n"


def _fill(size: int, head: str, unit: str, tail: str, sep: str = ",") -> str:
    """``head`` + as many ``unit``s as fit in ``size`` bytes + ``tail``."""
    room = size - len(head) - len(tail)
    count = max(1, room // (len(unit) + len(sep)))
    return head + sep.join([unit] * count) + tail


def flat(size: int) -> str:
    return _fill(size, HEADER + ROW + "x: [", "a", "]\n")


def nested(size: int, depth: int = 30) -> str:
    group = "[" * (depth - 2) + ",".join(["a"] * 1000) + "]" * (depth - 2)
    head, tail = HEADER + ROW + "x: [", "]\n"
    count = max(1, (size - len(head) - len(tail)) // (len(group) + 1))
    # At most 1,000 groups in a list: a list of lists of groups.
    lists = [",".join([group] * min(1000, count - i)) for i in range(0, count, 1000)]
    return head + ",".join(f"[{x}]" for x in lists) + tail


def block(size: int) -> str:
    return _fill(size, HEADER + ROW + "x:\n", "- a", "\n", sep="\n")


def mapping(size: int) -> str:
    pairs = ",".join(f"{chr(97 + i // 26 % 26)}{chr(97 + i % 26)}: a" for i in range(676))
    unit = "{" + pairs + "}"
    return _fill(size, HEADER + ROW + "x: [", unit, "]\n")


def duplicates(size: int) -> str:
    return _fill(size, HEADER + ROW + "x: {", "a: a", "}\n")


def errors(size: int) -> str:
    rows = "".join(
        f"  R_{i}:\n    name: ''\n    category: nope\n    owners: {{c: b, z: a}}\n"
        f"    duties: {{b: [], a: ['']}}\n    bad: 1\n"
        for i in range(schema.MAX_ROWS)
    )
    return HEADER + "responsibilities:\n" + rows


def xl_model(size: int) -> str:
    return generate(rows=5000, capabilities=100, parties=3, seed=1)


CASES: dict[str, Callable[[int], str]] = {
    "flat": flat,
    "nested": nested,
    "nested-7": lambda size: nested(size, depth=7),
    "block": block,
    "mapping": mapping,
    "duplicates": duplicates,
    "errors": errors,
    "xl-model": xl_model,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mib = (strict_yaml.MAX_FILE_BYTES - 64 * 1024) / 2**20
    parser.add_argument("--mib", type=float, default=default_mib, help="file size in MiB")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated cases")
    parser.add_argument("--keep", type=Path, help="write the files here (kept)")
    args = parser.parse_args()
    size = int(args.mib * 2**20)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="srm-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| case | size (MiB) | time (s) | peak memory (MiB) | exit | first error |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name in args.cases.split(","):
        text = CASES[name](size)
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        # Each case in a process of its own, so the peak memory is that case's alone.
        code = (
            "import resource, subprocess, sys, time, json\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run([sys.executable, '-m', 'srm_handbook.cli', 'validate', '-q',"
            " sys.argv[1]], capture_output=True, text=True)\n"
            "s = time.perf_counter() - t\n"
            "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(json.dumps([s, m, p.returncode, (p.stderr.splitlines() or [''])[0]]))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        )
        seconds, mib, rc, first = json.loads(out.stdout)
        first = first.replace(str(path), name + ".yaml").replace("|", "\\|")[:110]
        mb = os.path.getsize(path) / 2**20
        print(f"| {name} | {mb:.1f} | {seconds:.1f} | {mib:.0f} | {rc} | {first} |", flush=True)
        if args.keep is None:
            path.unlink()
    if args.keep is None:
        folder.rmdir()


if __name__ == "__main__":
    main()
