"""``srm diff``: what changed between two versions of the data, for people and for CI.

``srm diff OLD NEW`` compares two files; ``srm diff --git REV [FILE]`` compares FILE as it
was at a git revision with the working copy. Both versions must validate.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from srm_handbook.cli.common import DEFAULT_DATA, UsageError
from srm_handbook.core.load import load_model, parse_model
from srm_handbook.core.model import Srm
from srm_handbook.history import model_diff as srm_diff
from srm_handbook.history.git_history import GitError, read_at

FORMATS = {"text": srm_diff.to_text, "json": srm_diff.to_json, "markdown": srm_diff.to_markdown}
FAIL_ON = ("owners", "controls", "inheritance", "any")


def _git_version(path: str, rev: str) -> tuple[Srm | None, str]:
    label = f"{path}@{rev}"
    try:
        raw = read_at(path, rev)
    except GitError as exc:
        raise UsageError(f"{rev}: {exc}") from None
    if raw is None:
        print(
            f"srm diff: {path} did not exist at {rev}; everything counts as added", file=sys.stderr
        )
        return None, label
    return parse_model(raw, label, os.path.dirname(path)), label


def cmd_diff(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    if args.git is not None:
        if len(files) > 1:
            raise UsageError("with --git, give at most one FILE (default: srm_data.yaml)")
        path = files[0] if files else DEFAULT_DATA
        new = load_model(path)
        old, old_label = _git_version(path, args.git)
        new_label = path
    else:
        if len(files) != 2:
            raise UsageError("give two files (srm diff OLD NEW), or --git REV [FILE]")
        old_label, new_label = files
        old, new = load_model(old_label), load_model(new_label)
    changes = srm_diff.diff(old, new)
    sys.stdout.write(FORMATS[args.format](changes, old_label, new_label))
    if args.fail_on == "owners" and changes.owners_changed:
        n = len(changes.cells)
        print(
            f"srm diff: the owners of {n} cell{'s' if n != 1 else ''} changed (--fail-on owners)",
            file=sys.stderr,
        )
        return 1
    if args.fail_on == "controls" and changes.controls_changed:
        print(
            f"srm diff: control mappings changed: {srm_diff.summary(changes)} (--fail-on controls)",
            file=sys.stderr,
        )
        return 1
    if args.fail_on == "inheritance" and changes.inheritance:
        n = len(changes.inheritance)
        print(
            f"srm diff: the inheritance of {n} control{'s' if n != 1 else ''} and capability "
            f"pair{'s' if n != 1 else ''} changed (--fail-on inheritance)",
            file=sys.stderr,
        )
        return 1
    if args.fail_on == "any" and not changes.empty:
        print(
            f"srm diff: the model changed: {srm_diff.summary(changes)} (--fail-on any)",
            file=sys.stderr,
        )
        return 1
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "diff",
        help="show what changed between two versions of the data",
        description="Compare two versions of the data: every ownership cell that changed "
        "(owners before and after), duties added, removed, reworded or re-scoped, "
        "control mappings and the inheritance derived from them, "
        "responsibilities added, removed or renamed (a rename keeps the old id under "
        "aliases), parties, capabilities and categories added or removed, and other "
        "edits. Both versions must be valid.\n\n"
        "--fail-on owners exits 1 when the owners of any cell of a responsibility on both "
        "sides changed (including the cells of capabilities added or removed); "
        "--fail-on controls when a row maps other controls or a framework is added or "
        "removed; --fail-on inheritance when the derived inheritance of a mapped control "
        "for a capability changed (Inherited, Shared, Customer, n/a); "
        "--fail-on any exits 1 on any change.\n"
        "Exit 0 otherwise, 1 invalid data (or --fail-on), 2 usage, I/O or git error.",
        epilog="Examples:\n  srm diff old.yaml srm_data.yaml\n"
        "  srm diff --git HEAD~1\n"
        "  srm diff --git origin/main srm_data.yaml --format markdown >> $GITHUB_STEP_SUMMARY\n"
        "  srm diff --git main --fail-on owners",
        formatter_class=fmt,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help=f"OLD NEW; with --git, the one FILE (default: {DEFAULT_DATA})",
    )
    p.add_argument(
        "--git",
        metavar="REV",
        help="compare FILE at the git revision REV (a commit, branch or tag) with the working copy",
    )
    p.add_argument("--format", choices=list(FORMATS), default="text", help="default: text")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when cell owners changed (owners), control mappings changed "
        "(controls), a control's inheritance changed (inheritance) or anything changed (any)",
    )
    p.set_defaults(handler=cmd_diff)
