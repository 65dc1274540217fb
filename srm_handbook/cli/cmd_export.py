"""``srm export``: the normalised model, the matrix and the duties, as the built site
publishes them, as a workbook or CSV for Excel, as OSCAL, and a framework's customer
responsibility matrix."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from srm_handbook.cli.common import (
    EXIT_OK,
    Formatter,
    SubParsers,
    UsageError,
    add_file_argument,
    write_output,
)
from srm_handbook.core.load import load_model
from srm_handbook.core.model import Srm
from srm_handbook.site import crm, excel_csv, exports, oscal, workbook

FORMATS: dict[str, Callable[[Srm], str | bytes]] = {
    "json": exports.to_json,
    "csv": exports.to_csv,
    "xlsx": lambda srm: workbook.to_xlsx(srm, crm.sheets(srm)),
    "duties-csv": excel_csv.duties_csv,
    "oscal": oscal.to_oscal_json,
}


def _render(srm: Srm, args: argparse.Namespace) -> str | bytes:
    if args.format == "crm-csv":
        return crm_csv(srm, args.framework)
    if args.format == "duties-csv":
        return excel_csv.duties_csv(srm, args.delimiter, excel=args.excel)
    if args.format == "csv" and args.excel:
        return excel_csv.matrix_csv(srm, args.delimiter, args.owners or "ids")
    return FORMATS[args.format](srm)


def cmd_export(args: argparse.Namespace) -> int:
    if (args.excel or args.owners) and args.format not in ("csv", "duties-csv"):
        raise UsageError("--excel and --owners apply to --format csv and duties-csv")
    if args.owners and not args.excel:
        raise UsageError("--owners needs --excel (srm.csv keeps its documented form)")
    if args.delimiter != "," and not args.excel:
        raise UsageError("--delimiter needs --excel")
    if args.framework is not None and args.format != "crm-csv":
        raise UsageError("--framework applies to --format crm-csv")
    if args.output is None and args.format == "xlsx" and sys.stdout.isatty():
        raise UsageError("a workbook is binary: give -o FILE.xlsx or redirect the output")
    write_output(_render(load_model(args.file), args), args.output)
    return EXIT_OK


def crm_csv(srm: Srm, framework: str | None) -> str:
    """The CRM of ``framework`` (or of the only framework), or a usage error saying why
    there is none."""
    ids = [f.id for f in srm.frameworks]
    if not ids:
        raise UsageError(f"{srm.source_path}: the model maps no frameworks: no CRM to export")
    if not srm.has_roles:
        raise UsageError(
            f"{srm.source_path}: the parties have no roles (provider, customer), so the "
            "customer's responsibility cannot be derived"
        )
    if framework is None:
        if len(ids) > 1:
            raise UsageError(f"--framework is required: one of {', '.join(ids)}")
        framework = ids[0]
    if framework not in ids:
        raise UsageError(f"unknown framework {framework!r}: one of {', '.join(ids)}")
    return crm.to_csv(srm, framework)


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "export",
        help="write the model as JSON, OSCAL or a workbook (xlsx), the matrix or duties as "
        "CSV, or a framework's CRM",
        description="Write the validated model as srm.json (the whole model), srm.xlsx (a "
        "workbook: Matrix, Duties, Parties & Capabilities, About, and a customer "
        "responsibility matrix per framework when the model maps controls; srm import reads "
        "it back), srm.csv (the matrix), the duties as CSV (one row per duty) or "
        "srm.oscal.json (an OSCAL 1.1.3 component definition), exactly as the built site "
        "publishes them, or the customer responsibility matrix of one framework as CSV in "
        "FedRAMP's three columns (crm-csv; needs party roles).\n"
        "--excel makes a CSV open right in Excel: UTF-8 with a byte order mark, the "
        "--delimiter your Excel expects (';' where the decimal separator is a comma), and "
        "owners as party ids separated by spaces (--owners names: one name per line).",
        epilog="Examples:\n  srm export --format json > srm.json\n"
        "  srm export --format csv srm_data.yaml -o srm.csv\n"
        "  srm export --format xlsx -o srm.xlsx\n"
        "  srm export --format csv --excel --delimiter ';' -o matrix.csv\n"
        "  srm export --format duties-csv --excel -o duties.csv\n"
        "  srm export --format crm-csv --framework nist -o crm-nist.csv\n"
        "  srm export --format oscal -o srm.oscal.json",
        formatter_class=fmt,
    )
    p.add_argument("--format", choices=[*FORMATS, "crm-csv"], default="json", help="default: json")
    p.add_argument(
        "--framework",
        metavar="ID",
        help="crm-csv: the framework (required when the model maps several)",
    )
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument(
        "--excel", action="store_true", help="CSV for Excel: byte order mark, unambiguous owners"
    )
    p.add_argument(
        "--delimiter", choices=[",", ";"], default=",", help="with --excel (default: ',')"
    )
    p.add_argument(
        "--owners",
        choices=["ids", "names"],
        help="with --excel: owners as party ids (default) or names, one per line",
    )
    p.set_defaults(handler=cmd_export)
