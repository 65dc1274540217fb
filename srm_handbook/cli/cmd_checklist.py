"""``srm checklist``: a party's duties as a task list, CSV or JSON, for onboarding
pipelines (the same text as the "Copy as Markdown task list" button of the site)."""

from __future__ import annotations

import argparse
import sys

from srm_handbook.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    Formatter,
    SubParsers,
    add_file_argument,
)
from srm_handbook.core.load import load_model
from srm_handbook.site import checklist


def _ids(values: list[str] | None) -> list[str]:
    """Repeatable and comma-separated, like the site's ``?capability=a,b``."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def cmd_checklist(args: argparse.Namespace) -> int:
    srm = load_model(args.file)
    parties, capabilities = _ids(args.party), _ids(args.capability)
    problems = checklist.unknown_ids(srm, parties, capabilities)
    if problems:
        for message in problems:
            print(f"srm checklist: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    site_url = args.site_url or ""
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    found = checklist.items(srm, parties, capabilities, site_url)
    if not found:
        print("srm checklist: no duty matches these filters", file=sys.stderr)
    sys.stdout.write(checklist.RENDER[args.format](found))
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "checklist",
        help="print a party's duties as a Markdown task list, CSV or JSON",
        description="Print the duties of --party (every party when left out) that apply to "
        "any of the --capability ids (every capability when left out), in the order of "
        "the handbook's pages. The Markdown task list is exactly what the site's "
        '"Copy as Markdown task list" button copies from the party or capability page '
        "with the same filter; the CSV is its download (columns for Jira's and Linear's "
        "CSV import); JSON gives every field, including each duty's stable key.\n"
        "Each duty links to its responsibility page: --site-url is the handbook's address "
        "(with the prefix, if it has one); without it the links are relative to it.\n"
        "Exit 0 (also when nothing matches: a note goes to stderr), 1 invalid data, "
        "2 usage error (such as an unknown id).",
        epilog="Examples:\n  srm checklist --party you --capability web-triggers\n"
        "  srm checklist --party you --capability web-triggers,custom-ui "
        "--site-url https://handbook.example.com/\n"
        "  srm checklist --party you --format csv > onboarding.csv\n"
        "  gh issue create --title 'Web triggers onboarding' "
        '--body "$(srm checklist --party you --capability web-triggers)"',
        formatter_class=fmt,
    )
    p.add_argument(
        "--party",
        action="append",
        metavar="ID",
        help="a party id (repeatable or comma-separated; default: every party)",
    )
    p.add_argument(
        "--capability",
        action="append",
        metavar="ID",
        help="only duties that apply to this capability (repeatable or comma-separated)",
    )
    p.add_argument(
        "--format", choices=list(checklist.FORMATS), default="markdown", help="default: markdown"
    )
    p.add_argument("--site-url", metavar="URL", help="the handbook's address, for the links")
    add_file_argument(p)
    p.set_defaults(handler=cmd_checklist)
