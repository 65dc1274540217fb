"""Benchmark of the change history (issue 7). Not a test.

Builds a temporary git repository holding ``--commits`` versions of a synthetic model
(:mod:`srm_handbook.synthetic`, ``--rows`` x ``--capabilities``; each commit renames one
row), then times :func:`srm_handbook.history.load_history` cold (every version read and
validated), in the next build (a new process with the on-disk cache of the first,
:mod:`srm_handbook.history_cache`), warm (what a ``mkdocs serve`` rebuild does: everything
cached in memory) and with an uncommitted edit, and ``srm diff`` between two versions.
Prints a Markdown table.

    .venv/bin/python scripts/bench_history.py [--rows 1000] [--capabilities 50] [--commits 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from srm_handbook.core.load import load_model
from srm_handbook.core.synthetic import generate
from srm_handbook.history import git_history as history
from srm_handbook.history.model_diff import diff

ROOT = Path(__file__).resolve().parent.parent

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, date: str = "2024-01-01T00:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_repo(repo: Path, rows: int, capabilities: int, commits: int) -> Path:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    data = repo / "srm_data.yaml"
    text = generate(rows, capabilities)
    for k in range(commits):
        j = (k * 7) % rows + 1
        text = text.replace(f"    name: Responsibility {j}\n", f"    name: Responsibility {j}.\n")
        data.write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Version {k}", date=f"2024-01-{k % 28 + 1:02d}T00:00:00Z")
    return data


def timed(label: str, fn: object, results: list[tuple[str, float]]) -> object:
    start = time.perf_counter()
    value = fn()  # type: ignore[operator]
    results.append((label, time.perf_counter() - start))
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--capabilities", type=int, default=50)
    parser.add_argument("--commits", type=int, default=20)
    args = parser.parse_args()
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = make_repo(Path(tmp) / "repo", args.rows, args.capabilities, args.commits)
        current = load_model(data)
        cache = Path(tmp) / "cache"
        history.clear_cache()
        h = timed(
            "load_history, cold (no cache; writes the disk cache)",
            lambda: history.load_history(data, current, cache_dir=cache),
            results,
        )
        history.clear_cache()  # as in a new process
        timed(
            "load_history, next build (disk cache)",
            lambda: history.load_history(data, current, cache_dir=cache),
            results,
        )
        timed(
            "load_history, warm (serve rebuild, memory cache)",
            lambda: history.load_history(data, current, cache_dir=cache),
            results,
        )
        text = data.read_text(encoding="utf-8")
        data.write_text(
            text.replace("name: Responsibility 2\n", "name: Responsibility 2!\n"), "utf-8"
        )
        edited = load_model(data)
        timed(
            "load_history, uncommitted edit",
            lambda: history.load_history(data, edited, cache_dir=cache),
            results,
        )
        # The committed version against the edited one (the two differ in one row).
        timed("diff (one pair, in memory)", lambda: diff(current, edited), results)
    entries = len(h.entries) if isinstance(h, history.History) else 0
    print(
        f"{args.rows} x {args.capabilities}, {args.commits} commits ({entries} entries)\n\n"
        "| step | seconds |\n| --- | ---: |"
    )
    for label, seconds in results:
        print(f"| {label} | {seconds:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
