"""Whole-site build benchmark (issue 5). Not a test: figures go in docs/benchmarks.md.

For each size, three builds of the same handbook run side by side, alternating, in one
session (these machines are noisy, so compare ratios, not seconds):

1. ours:  ``mkdocs build`` with hooks/srm.py on srm_data.yaml;
2. naive: the same pages written by hand as Markdown (pipe tables, every page in
   MkDocs' automatic nav), which is what a team without this tool would keep;
3. floor: the same set of pages holding only their titles, with our small nav.

Sizes: S (the Forge model, tests/fixtures/forge.yaml), M (300 x 20), L (1,000 x 50), XL
(5,000 x 100, ``--no-xl`` skips it; the naive build is skipped above
``--naive-max-cells`` because it grows quadratically), and Lm: L with party roles and
three NIST SP 800-53 controls mapped per row (3,000 mappings over the 1,011 controls of
the catalog; its framework page holds every mapped control x 50 capabilities, its CRM
and the unmapped controls). The mapped size is built ours and floor only (the naive
build does not depend on mappings); the ``frameworks (MB)`` column is the size of its
``frameworks/`` pages. Each build runs in its own process, which reports its wall time,
peak memory (ru_maxrss) and, for ours, the time spent in our own code (the hook logs
it). Prints a Markdown table; ``--write docs/benchmarks.md`` also saves it.

    .venv/bin/python scripts/bench.py [--runs 3] [--sizes S,M,L,Lm,XL] [--write FILE]
"""

from __future__ import annotations

import argparse
import compileall
import json
import logging
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

import srm_handbook
from srm_handbook.core.load import load_model
from srm_handbook.core.model import Srm
from srm_handbook.core.synthetic import generate
from srm_handbook.site import exports as export

ROOT = Path(__file__).resolve().parent.parent
# S is the Forge model as bundled, frozen (srm_data.yaml is each team's own): the figures
# of docs/benchmarks.md stay comparable.
FORGE = ROOT / "tests" / "fixtures" / "forge.yaml"

SIZES: dict[str, tuple[int, int, int] | None] = {
    "S": None,
    "M": (300, 20, 0),
    "L": (1000, 50, 0),
    "Lm": (1000, 50, 3),
    "XL": (5000, 100, 0),
}
KINDS = ("ours", "naive", "floor")
THEME = {"name": "material", "font": False}


# --- Projects -----------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _md(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def naive_pages(srm: Srm) -> dict[str, str]:
    """The handbook as a team would write it by hand in Markdown."""
    caps = srm.capabilities
    pages = {"index.md": f"# {srm.title}\n\n{srm.intro or ''}\n\n[Matrix](matrix.md)\n"}
    head = "| Responsibility | " + " | ".join(c.name for c in caps) + " |\n"
    head += "|---" * (len(caps) + 1) + "|\n"
    lines = ["# Responsibility matrix\n"]
    for cat, rows in srm.by_category:
        if not rows:
            continue
        lines.append(f"\n## {cat.name}\n\n{head}")
        for r in rows:
            cells = " | ".join(export.owners_label(srm, r.owners[c.id]) for c in caps)
            lines.append(f"| [{_md(r.name)}](responsibilities/{r.id}.md) | {cells} |\n")
    pages["matrix.md"] = "".join(lines)
    for r in srm.responsibilities:
        out = [f"# {r.name}\n\n{r.description or ''}\n\n## Owners\n\n| Capability | Owners |\n"]
        out.append("|---|---|\n")
        out += [f"| {c.name} | {export.owners_label(srm, r.owners[c.id])} |\n" for c in caps]
        for p in srm.parties:
            duties = r.duties_of(p.id)
            if duties:
                out.append(f"\n## {p.possessive} responsibilities\n\n")
                for d in duties:
                    tags = ", ".join(
                        f"[{srm.capability[c].name}](../capabilities/{c}.md)"
                        for c in d.capabilities
                    )
                    out.append(f"- [ ] {_md(d.text)} ({tags})\n")
        pages[f"responsibilities/{r.id}.md"] = "".join(out)
    for c in caps:
        out = [f"# {c.name}\n\n{c.description or ''}\n"]
        for p in srm.parties:
            mine = [
                (r, d)
                for r in srm.responsibilities
                for d in r.duties_of(p.id)
                if c.id in d.capabilities
            ]
            if mine:
                out.append(f"\n## {p.possessive} checklist\n\n")
                out += [
                    f"- [ ] [{_md(r.name)}](../responsibilities/{r.id}.md): {_md(d.text)}\n"
                    for r, d in mine
                ]
        pages[f"capabilities/{c.id}.md"] = "".join(out)
    for p in srm.parties:
        out = [f"# {p.name}\n"]
        for cat, rows in srm.by_category:
            items = [(r, d) for r in rows for d in r.duties_of(p.id)]
            if items:
                out.append(f"\n## {cat.name}\n\n")
                out += [
                    f"- [ ] [{_md(r.name)}](../responsibilities/{r.id}.md): {_md(d.text)}\n"
                    for r, d in items
                ]
        pages[f"parties/{p.id}.md"] = "".join(out)
    return pages


def floor_pages(srm: Srm) -> dict[str, str]:
    """The same set of pages with only their titles."""
    pages = {
        "index.md": f"# {srm.title}\n",
        "matrix.md": "# Responsibility matrix\n",
        "overview.md": "# One-page view\n",
        "responsibilities/index.md": "# Responsibilities\n",
        "capabilities/index.md": "# Capabilities\n",
        "parties/index.md": "# Parties\n",
    }
    pages |= {f"responsibilities/{r.id}.md": f"# {r.name}\n" for r in srm.responsibilities}
    pages |= {f"capabilities/{c.id}.md": f"# {c.name}\n" for c in srm.capabilities}
    pages |= {f"parties/{p.id}.md": f"# {p.name}\n" for p in srm.parties}
    pages["frameworks/index.md"] = "# Frameworks\n"
    pages |= {f"frameworks/{f.id}.md": f"# {f.name}\n" for f in srm.frameworks}
    return pages


def contract_minimum_bytes(srm: Srm) -> int:
    """The least HTML the site contract allows for the model's content: every duty as a
    bare ``<li>`` with its markers (no checkbox, no links) on its responsibility page, its
    party page, the one-page view and every capability page it applies to; every cell as a
    bare ``<td>`` with its markers on the matrix, its responsibility page and its
    capability page; plus ``srm.json`` and ``srm.csv``. Page chrome is not counted here:
    the floor build's site has it."""
    total = 0
    for r in srm.responsibilities:
        for d in r.duties:
            caps = " ".join(d.capabilities)
            li = (
                f'<li data-srm-duty data-responsibility="{r.id}" data-party="{d.party}" '
                f'data-capabilities="{caps}">{d.text}</li>'
            )
            total += len(li.encode("utf-8")) * (3 + len(d.capabilities))
        for c in srm.capabilities:
            owners = r.owners[c.id]
            label = export.owners_label(srm, owners) if owners else export.NOT_APPLICABLE_LABEL
            td = (
                f'<td data-srm-cell data-responsibility="{r.id}" data-capability="{c.id}" '
                f'data-owners="{" ".join(owners) or "n/a"}">'
                f"{label}</td>"
            )
            total += len(td.encode("utf-8")) * 3
    return total + len(export.to_json(srm).encode("utf-8")) + len(export.to_csv(srm).encode())


def our_nav() -> list[dict[str, str]]:
    repo_config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = [
        e
        for e in repo_config["nav"]
        if next(iter(e.values())) not in ("about.md", "data-format.md")
    ]
    return nav


def make_project(kind: str, srm: Srm, data: Path, where: Path) -> Path:
    project = where / kind
    docs = project / "docs"
    docs.mkdir(parents=True)
    config: dict[str, Any] = {
        "site_name": "Benchmark",
        "theme": THEME,
        "plugins": ["search"],
        "markdown_extensions": ["tables", {"toc": {"permalink": True}}],
    }
    if kind == "ours":
        shutil.copytree(ROOT / "hooks", project / "hooks")
        shutil.copy(data, project / "srm_data.yaml")
        config["hooks"] = ["hooks/srm.py"]
        config["nav"] = our_nav()
        config["validation"] = {"nav": {"omitted_files": "info"}}
    else:
        pages = naive_pages(srm) if kind == "naive" else floor_pages(srm)
        for name, text in pages.items():
            _write(docs / name, text)
        if kind == "floor":
            config["nav"] = our_nav()
            config["validation"] = {"nav": {"omitted_files": "info"}}
    _write(project / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False))
    return project


# --- One build, in a child process ----------------------------------------------------


def one_build(project: Path) -> dict[str, Any]:
    """Run in a child process: build ``project`` and report figures as JSON."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    own: list[float] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            match = re.search(r"own code ([0-9.]+)s", record.getMessage())
            if match:
                own.append(float(match.group(1)))

    logging.getLogger("mkdocs").addHandler(Grab())
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    os.chdir(project)
    start = time.perf_counter()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    build(config)
    wall = time.perf_counter() - start
    site = project / "site"
    sizes = [p.stat().st_size for p in site.rglob("*") if p.is_file()]
    pages = [p for p in site.rglob("*.html")]
    frameworks = [p for p in (site / "frameworks").rglob("*") if p.is_file()]
    return {
        "frameworks_mb": sum(p.stat().st_size for p in frameworks) / 1e6,
        "wall": wall,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # The child process that makes the exports and renders pages beside the build
        # (srm_handbook.background): its own peak, at the same time as the build's.
        "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "site_mb": sum(sizes) / 1e6,
        "largest_page_mb": max(p.stat().st_size for p in pages) / 1e6,
        "pages": len(pages),
        "own": own[-1] if own else None,
    }


def run_child(project: Path) -> dict[str, Any]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, __file__, "--one", str(project)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    shutil.rmtree(project / "site", ignore_errors=True)
    return result


# --- The session ---------------------------------------------------------------------


def bench(
    sizes: list[str], runs: int, naive_max_cells: int, keep: Path | None
) -> list[dict[str, Any]]:
    rows = []
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"srm-bench-{size}-", dir=keep))
        shape = SIZES[size]
        data = work / "srm_data.yaml"
        if shape is None:
            shutil.copy(FORGE, data)
        else:
            text = generate(rows=shape[0], capabilities=shape[1], seed=1, controls_per_row=shape[2])
            data.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        srm = load_model(data)
        load_s = time.perf_counter() - start
        cells = len(srm.responsibilities) * len(srm.capabilities)
        synthetic_mapped = shape is not None and shape[2] > 0
        kinds = [
            k for k in KINDS if k != "naive" or (cells <= naive_max_cells and not synthetic_mapped)
        ]
        projects = {k: make_project(k, srm, data, work) for k in kinds}
        results: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        for i in range(runs):
            order = kinds if i % 2 == 0 else list(reversed(kinds))
            for kind in order:
                results[kind].append(run_child(projects[kind]))
                print(
                    f"  {size} run {i + 1} {kind}: {results[kind][-1]['wall']:.2f}s",
                    file=sys.stderr,
                )
        med = {k: statistics.median(r["wall"] for r in v) for k, v in results.items()}
        ours = results["ours"]
        own = [r["own"] for r in ours if r["own"] is not None]
        rows.append(
            {
                "size": size,
                "shape": f"{len(srm.responsibilities)} x {len(srm.capabilities)}",
                "cells": cells,
                "load_s": load_s,
                "median": med,
                "ours_naive": med["ours"] / med["naive"] if "naive" in med else None,
                "ours_floor": med["ours"] / med["floor"],
                "own_share": statistics.median(own) / med["ours"] if own else None,
                "own_s": statistics.median(own) if own else None,
                "maxrss_mb": max(r["maxrss_mb"] for r in ours),
                "child_rss_mb": max(r["child_rss_mb"] for r in ours),
                "site_mb": ours[-1]["site_mb"],
                "min_site_mb": results["floor"][-1]["site_mb"] + contract_minimum_bytes(srm) / 1e6,
                "largest_page_mb": ours[-1]["largest_page_mb"],
                "frameworks_mb": ours[-1]["frameworks_mb"],
                "mappings": sum(
                    len(ids) for r in srm.responsibilities for ids in r.controls.values()
                ),
                "pages": ours[-1]["pages"],
            }
        )
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def table(rows: list[dict[str, Any]], runs: int) -> str:
    def f(v: float | None, fmt: str = "{:.2f}") -> str:
        return "-" if v is None else fmt.format(v)

    out = [
        "| size | rows x caps | ours (s) | naive (s) | floor (s) | ours/naive | ours/floor "
        "| own code | load+validate (s) | peak RSS (MB) | child's peak RSS (MB) | site (MB) "
        "| contract minimum (MB) | largest page (MB) | mappings | frameworks (MB) | pages |",
        "|---" * 17 + "|",
    ]
    for r in rows:
        m = r["median"]
        share = r["own_share"] * 100 if r["own_share"] is not None else None
        cells = [
            r["size"], r["shape"], f(m["ours"]), f(m.get("naive")), f(m["floor"]),
            f(r["ours_naive"]), f(r["ours_floor"]), f(share, "{:.1f} %"), f(r["load_s"]),
            f(r["maxrss_mb"], "{:.0f}"), f(r["child_rss_mb"], "{:.0f}"), f(r["site_mb"], "{:.1f}"),
            f(r["min_site_mb"], "{:.1f}"),
            f(r["largest_page_mb"], "{:.2f}"), str(r["mappings"]),
            f(r["frameworks_mb"], "{:.2f}"), str(r["pages"]),
        ]  # fmt: skip
        out.append("| " + " | ".join(cells) + " |")
    mapped = {r["size"]: r for r in rows if r["size"] in ("L", "Lm")}
    if len(mapped) == 2:
        out.append("")
        extra = mapped["Lm"]["median"]["ours"] / mapped["L"]["median"]["ours"]
        out.append(
            f"Lm/L build time (ours): {extra:.2f}x for {mapped['Lm']['mappings']:,} mappings "
            f"({mapped['Lm']['frameworks_mb']:.1f} MB of framework pages)"
        )
    ratios = [r for r in rows if r["size"] in ("L", "XL")]
    if len(ratios) == 2:
        out.append("")
        growth = ratios[1]["median"]["ours"] / ratios[0]["median"]["ours"]
        out.append(f"XL/L build time (ours): {growth:.1f}x")
    out.append("")
    out.append(f"Medians of {runs} alternating runs per kind; each build in its own process.")
    out.append(
        "Contract minimum: the floor's site plus the least HTML the site contract allows for "
        "the content (each duty and cell a bare element with its markers, on every page that "
        "must show it) and the two exports."
    )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--no-xl", action="store_true", help="skip the XL size")
    parser.add_argument("--naive-max-cells", type=int, default=60_000)
    parser.add_argument(
        "--keep", type=Path, help="keep the generated projects under this directory"
    )
    parser.add_argument("--write", type=Path, help="also write the report (Markdown) to this file")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_build(Path(args.one))))
        return 0
    sizes = [s for s in args.sizes.split(",") if s and not (args.no_xl and s == "XL")]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    # MkDocs, Material and every other installed package come with their bytecode compiled
    # by pip; an editable install of ours gets it at its first import, except where
    # PYTHONDONTWRITEBYTECODE is set (as in this project's containers), where each build
    # would compile our 60 modules again. Compile them once, as any other install has them.
    package = Path(srm_handbook.__file__).parent
    compileall.compile_dir(package, quiet=1)
    rows = bench(sizes, args.runs, args.naive_max_cells, args.keep)
    command = 'make bench BENCH_ARGS="' + " ".join(sys.argv[1:]) + '"'
    report = "\n".join(
        [
            "# Build benchmarks",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}.",
            f"Command: `{command}`",
            "",
            table(rows, args.runs),
            "",
        ]
    )
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
