"""``srm import FILE.xlsx|FILE.csv``: write srm_data.yaml from a spreadsheet with one row
per responsibility (docs/spreadsheets.md)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from srm_handbook.cli.common import EXIT_OK, Formatter, SubParsers, UsageError
from srm_handbook.core.sheets import read
from srm_handbook.core.spreadsheet_import import Columns, Mapping, import_workbook, load_mapping
from srm_handbook.files import write_atomic


class _Usage(Exception):
    pass


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    out = []
    for value in values or ():
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise _Usage(f"{option} takes KEY=VALUE, got {value!r}")
        out.append((key.strip(), rest.strip()))
    return out


def _mapping(args: argparse.Namespace) -> Mapping | None:
    """The mapping file, with the options on top of it (None: choose by the workbook)."""
    base = load_mapping(args.mapping) if args.mapping else None
    options: dict[str, Any] = {}
    if args.sheet:
        options["sheet"] = args.sheet
    if args.header_row:
        options["header_row"] = args.header_row
    columns = _pairs(args.column, "--column")
    for key, _ in columns:
        if key not in Columns.model_fields:
            raise _Usage(f"--column {key}=...: known: {', '.join(Columns.model_fields)}")
    owners = _pairs([v if "=" in v else f"{v}=" for v in args.owner_column or ()], "--owner-col")
    duties = _pairs(args.duty_column, "--duty-column")
    values = _pairs(args.value, "--value")
    parties = _pairs(args.party, "--party")
    if not (base or options or columns or owners or duties or values or parties):
        return None
    data: dict[str, Any] = base.model_dump(exclude_unset=True) if base else {}
    data.update(options)
    if columns:
        data["columns"] = {**data.get("columns", {}), **dict(columns)}
    if owners:
        data["owners"] = {**(data.get("owners") or {}), **dict(owners)}
    if duties:
        spec = {}
        for header, target in duties:
            party, _, caps = target.partition(":")
            spec[header] = {"party": party, "capabilities": caps.split(",") if caps else None}
        data["duties"] = {**data.get("duties", {}), **spec}
    if values:
        parsed = {text: party.split("+") if party != "n/a" else "n/a" for text, party in values}
        data["values"] = {**data.get("values", {}), **parsed}
    if parties:
        data["parties"] = {**data.get("parties", {}), **{p: {"name": n} for p, n in parties}}
    return Mapping.model_validate(data)


def cmd_import(args: argparse.Namespace) -> int:
    if args.output and args.output != "-" and os.path.exists(args.output) and not args.force:
        raise UsageError(f"{args.output} exists; give --force to overwrite it")
    try:
        mapping = _mapping(args)
    except _Usage as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # pydantic's ValidationError
        raise UsageError(f"the options do not make a mapping: {exc}") from None
    book = read(args.file, delimiter=args.delimiter)
    to_file = args.output is not None and args.output != "-"
    base_dir = os.path.dirname(os.path.abspath(args.output)) if to_file else os.getcwd()
    result = import_workbook(
        book, mapping, title=args.title, allow_gaps=args.allow_gaps, base_dir=base_dir
    )
    for warning in result.gaps:
        print(warning.format(), file=sys.stderr)
    if args.output is None or args.output == "-":
        sys.stdout.write(result.text)
    else:
        try:
            write_atomic(args.output, result.text.encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
        rows = result.rows
        gaps = f", {len(result.gaps)} gaps marked TODO" if result.gaps else ""
        print(f"srm: wrote {args.output} ({rows} responsibilities{gaps})", file=sys.stderr)
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "import",
        help="write srm_data.yaml from a spreadsheet (.xlsx or .csv)",
        description="Read a spreadsheet with one row per responsibility and write "
        "srm_data.yaml (to stdout, or OUT; an existing OUT only with --force). Columns are "
        "named by a mapping file (--mapping) or the options below; owner cells are read "
        "through a value map that knows CSA CCM's and FedRAMP CRM's words (--value adds "
        "yours). A workbook written by 'srm export --format xlsx' needs no mapping. Every "
        "problem is reported as FILE:SHEET!CELL: error: MESSAGE, all in one run, and "
        "nothing is written (exit 1); an owner without a duty is such a problem (rule 4) "
        "unless --allow-gaps, which writes the file with a TODO comment at each gap. "
        "See docs/spreadsheets.md.",
        epilog="Examples:\n  srm import srm.xlsx -o srm_data.yaml\n"
        "  srm import ccm.xlsx --mapping ccm-mapping.yaml -o srm_data.yaml\n"
        "  srm import matrix.csv --column name=Control --owner-column IaaS "
        "--owner-column PaaS \\\n"
        "      --value 'Vendor=provider' --duty-column 'Customer notes=customer'",
        formatter_class=fmt,
    )
    p.add_argument("file", metavar="FILE", help="the spreadsheet (.xlsx or .csv)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite OUT")
    p.add_argument("--mapping", metavar="MAP", help="a mapping file (YAML)")
    p.add_argument("--sheet", help="the sheet with one row per responsibility (default: first)")
    p.add_argument("--header-row", type=int, metavar="N", help="the row of column names")
    p.add_argument("--delimiter", choices=[",", ";"], help="CSV delimiter (default: detected)")
    p.add_argument("--title", help="the model's title (default: the file's name)")
    p.add_argument(
        "--column",
        action="append",
        metavar="FIELD=HEADER",
        help="the column of id, name, category, description, aliases, references or reviewed",
    )
    p.add_argument(
        "--owner-column",
        action="append",
        metavar="HEADER[=ID]",
        help="a capability's owner column (repeat; default: every other column)",
    )
    p.add_argument(
        "--duty-column",
        action="append",
        metavar="HEADER=PARTY[:CAP,CAP]",
        help="a column of duty texts of PARTY (optionally for some capabilities only)",
    )
    p.add_argument(
        "--value",
        action="append",
        metavar="TEXT=PARTY[+PARTY]",
        help="an owner cell's TEXT means these parties (or n/a)",
    )
    p.add_argument("--party", action="append", metavar="ID=NAME", help="declare a party")
    p.add_argument(
        "--allow-gaps",
        action="store_true",
        help="write the file even where an owner has no duty, with a TODO comment there",
    )
    p.set_defaults(handler=cmd_import)
