"""``srm validate``: check the data file, and optionally list overdue reviews."""

from __future__ import annotations

import argparse
import datetime as dt

from srm_handbook.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    Formatter,
    SubParsers,
    add_file_argument,
    iso_date,
)
from srm_handbook.core.load import load_model_located


def cmd_validate(args: argparse.Namespace) -> int:
    srm, positions = load_model_located(args.file)
    rows = len(srm.responsibilities)
    cells = rows * len(srm.capabilities)
    duties = sum(len(r.duties) for r in srm.responsibilities)
    if not args.quiet:
        print(f"{args.file}: valid: {rows} responsibilities, {cells} cells, {duties} duties")
    if not (args.stale or args.fail_on_stale):
        return EXIT_OK
    from srm_handbook.core.review import stale_warnings

    today = args.today or dt.date.today()
    if srm.review_interval_days is None:
        if not args.quiet:
            print(f"{args.file}: no review_interval_days: review dates are not checked")
        return EXIT_OK
    warnings = stale_warnings(srm, positions, today, str(args.file))
    for w in warnings:
        print(w.format())
    n = len(warnings)
    found = f"{n} review warning{'s' if n != 1 else ''}" if n else "no reviews overdue"
    if warnings or not args.quiet:
        print(
            f"{args.file}: {found} (review_interval_days: {srm.review_interval_days}, "
            f"as of {today.isoformat()})"
        )
    return EXIT_INVALID if warnings and args.fail_on_stale else EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "validate",
        help="check the data file against the format and its consistency rules",
        description="Check FILE against the srm_data.yaml format and its consistency rules. "
        "Prints every problem as FILE:LINE:COLUMN: error: MESSAGE.\n"
        "With --stale, also lists the responsibilities due for review as "
        "FILE:LINE:COLUMN: warning: MESSAGE (when review_interval_days is set: a row never "
        "reviewed, or reviewed more than that many days ago, or a reviewed date in the "
        "future); they are warnings unless --fail-on-stale.\n"
        "Exit 0 valid, 1 invalid (or stale with --fail-on-stale), 2 usage or I/O error.",
        epilog="Examples:\n  srm validate srm_data.yaml\n  srm validate --stale\n"
        "  srm validate --fail-on-stale --today 2025-01-01",
        formatter_class=fmt,
    )
    add_file_argument(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")
    p.add_argument(
        "--stale", action="store_true", help="list responsibilities whose review is overdue"
    )
    p.add_argument(
        "--fail-on-stale",
        action="store_true",
        help="like --stale, and exit 1 when any review is overdue",
    )
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="check the review dates as of this day instead of today",
    )
    p.set_defaults(handler=cmd_validate)
