"""The ``srm`` command: a thin layer over the core. Exit codes: 0 ok, 1 invalid data
(or a check failed), 2 usage or I/O error."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence

from . import __version__, commands, export, schema
from .diagnostics import SrmDataError, SrmInputError
from .files import write_atomic
from .load import load_model, load_model_located
from .model import Srm

DEFAULT_DATA = "srm_data.yaml"
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or an unusable path: exit code 2."""


def _write(text: str, out: str | None) -> None:
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None


def _load(args: argparse.Namespace) -> Srm:
    return load_model(args.file)


def cmd_validate(args: argparse.Namespace) -> int:
    srm, positions = load_model_located(args.file)
    rows = len(srm.responsibilities)
    cells = rows * len(srm.capabilities)
    duties = sum(len(r.duties) for r in srm.responsibilities)
    if not args.quiet:
        print(f"{args.file}: valid: {rows} responsibilities, {cells} cells, {duties} duties")
    if not (args.stale or args.fail_on_stale):
        return EXIT_OK
    from .review import stale_warnings

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


def _iso_date(value: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD")


def cmd_export(args: argparse.Namespace) -> int:
    srm = _load(args)
    text = export.to_json(srm) if args.format == "json" else export.to_csv(srm)
    _write(text, args.output)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    _write(json.dumps(schema.json_schema(), indent=2, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def add_file_argument(p: argparse.ArgumentParser) -> None:
    """The optional FILE argument every command that reads data takes."""
    p.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_DATA,
        metavar="FILE",
        help=f"the data file (default: {DEFAULT_DATA})",
    )


Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="srm",
        description="Validate, export and publish a shared responsibility model (srm_data.yaml).",
        epilog="Examples:\n  srm validate\n  srm export --format csv -o matrix.csv\n"
        "  srm render --out generated/\n\nRun 'srm COMMAND --help' for each command.",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"srm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="check the review dates as of this day instead of today",
    )
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "export",
        help="write the normalised model as JSON or the matrix as CSV",
        description="Write the validated model as srm.json (the whole model) or srm.csv "
        "(the matrix), exactly as the built site publishes them.",
        epilog="Examples:\n  srm export --format json > srm.json\n"
        "  srm export --format csv srm_data.yaml -o srm.csv",
        formatter_class=fmt,
    )
    p.add_argument("--format", choices=["json", "csv"], default="json", help="default: json")
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of srm_data.yaml",
        description="Print the JSON Schema derived from the data models "
        "(committed as schema/srm_data.schema.json for editors).",
        epilog="Example:\n  srm schema -o schema/srm_data.schema.json",
        formatter_class=fmt,
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_schema)

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub, fmt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SrmInputError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_USAGE
    except SrmDataError as exc:
        print(exc.format(), file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"{n} error{'s' if n != 1 else ''}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"srm: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `srm export | head`): stop quietly, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
